"""ballots/ is a pure library: it imports only the standard library, numpy and itself."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import ballots

ALLOWED = {"numpy", "ballots"}
ROOT = Path(ballots.__file__).resolve().parent


def imported_top_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_ballots_imports_only_stdlib_and_numpy() -> None:
    modules = sorted(ROOT.rglob("*.py"))
    # Every module is scanned, sub-packages included.
    assert {"pabulib.py", "rules/equal_shares_fast.py", "rules/registry.py"} <= {
        str(path.relative_to(ROOT)) for path in modules
    }
    offenders = {
        str(path.relative_to(ROOT)): sorted(bad)
        for path in modules
        if (bad := imported_top_modules(path) - ALLOWED - set(sys.stdlib_module_names))
    }
    assert offenders == {}


def test_importing_every_ballots_module_loads_nothing_beyond_stdlib_and_numpy() -> None:
    names = [
        "ballots." + ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in sorted(ROOT.rglob("*.py"))
        if path.name != "__init__.py"
    ]
    script = (
        "import importlib, sys\n"
        "before = set(sys.modules)\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "print(' '.join(sorted({m.split('.')[0] for m in set(sys.modules) - before})))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, cwd=ROOT.parent
    ).stdout.split()
    foreign = {m for m in loaded if m not in sys.stdlib_module_names and m.lstrip("_") not in ALLOWED}
    assert foreign == set()


def test_ballots_never_imports_dynamically_by_name_outside_itself() -> None:
    # The rules package loads its own modules by name; nothing else may use import_module.
    for path in ROOT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "import_module(" in text:
            assert 'import_module(f"ballots.rules.' in text, path
