"""The command-line tools the deployment tests drive, found or the test skipped (failed in CI)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.ci import unavailable

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def tool(name: str, *, installed_by: str) -> str:
    """The path of ``name``: beside this Python (tools from the test extras) or on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        unavailable(f"{name} is not installed ({installed_by})")
    return found


def run(*command: str, cwd: Path = ROOT, env: dict[str, str] | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``command`` and return what it did, whatever its exit status."""
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
