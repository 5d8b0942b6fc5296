"""Fixtures for the ballots tests: the real Pabulib sample next to the repository, parsed once per run."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from ballots.instance import Instance
from ballots.pabulib import parse_pabulib
from ballots.profile import Profile
from tests.ci import unavailable

PABULIB = Path(__file__).resolve().parents[2].parent / "shared" / "pabulib"

Loader = Callable[[str], tuple[Instance, Profile]]

AGREEMENT: list[str] = []
"""Lines such as "greedy: 44 of 44 instances agree", shown at the end of the run."""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if AGREEMENT:
        terminalreporter.section("agreement with pabutools and the cities")
        for line in AGREEMENT:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def pabulib_dir() -> Path:
    """The folder of real Pabulib files; skipped where absent, but a failure in CI, where it must exist."""
    if not (PABULIB / "expected.jsonl").is_file():
        unavailable(f"the Pabulib sample is not at {PABULIB} (expected ../shared/pabulib next to the repository)")
    return PABULIB


@pytest.fixture(scope="session")
def expected_rows(pabulib_dir: Path) -> list[dict[str, Any]]:
    """pabutools' reference outcomes, one row per (file, rule)."""
    lines = (pabulib_dir / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="session")
def load_pabulib(pabulib_dir: Path) -> Loader:
    """Parse a sample file by name, once per test session."""

    @cache
    def load(name: str) -> tuple[Instance, Profile]:
        return parse_pabulib((pabulib_dir / name).read_text(encoding="utf-8"))

    return load


@pytest.fixture(scope="session")
def pabulib_files(pabulib_dir: Path) -> list[str]:
    return sorted(p.name for p in pabulib_dir.glob("*.pb"))
