"""The one reading of the CI flag: with ``CI=true`` nothing skips, so a missing server, browser, tool or data
set fails the run instead of hiding in its summary."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

IN_CI = os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason: str) -> NoReturn:
    """Skip the test for ``reason``; fail it under CI, where everything the suite needs must be there."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the suite may not skip it)")
    pytest.skip(reason)
