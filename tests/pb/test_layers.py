"""The layers of pb, read statically from every import statement: lower ranks never import higher ones, and no
service module reaches litestar, however indirectly. The ranks are the table in docs/development.md ("Layers")."""

from __future__ import annotations

import ast
import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "development.md"
PACKAGES = ("pb", "ballots")
HTTP = "pb.http"


@dataclass(frozen=True, slots=True)
class Module:
    name: str
    path: Path


def ranks_from(text: str) -> dict[str, int]:
    """The "Layers" table of docs/development.md: each backticked name in a row gets that row's rank."""
    section = text.split("### Layers", 1)[1].split("\n#", 1)[0]
    ranks: dict[str, int] = {}
    for row in re.finditer(r"^\|\s*(\d+)\s*\|(.*)\|\s*$", section, flags=re.MULTILINE):
        for name in re.findall(r"`([\w.]+)`", row.group(2)):
            assert name not in ranks, f"{name} has two ranks in the table"
            ranks[name] = int(row.group(1))
    return ranks


@cache
def documented_ranks() -> Mapping[str, int]:
    return ranks_from(DOCS.read_text(encoding="utf-8"))


def modules(root: Path = ROOT) -> dict[str, Module]:
    found: dict[str, Module] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = Module(name, path)
    return found


def imported(module: Module, known: Iterable[str]) -> Iterator[str]:
    """Every module an import statement anywhere in the file names (inside functions and TYPE_CHECKING too)."""
    names = set(known)
    for node in ast.walk(ast.parse(module.path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{module.name}: relative import"
            submodules = [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in names]
            if len(submodules) < len(node.names):  # not only ``from package import module``
                yield node.module
            yield from submodules


def rank(name: str, ranks: Mapping[str, int]) -> int | None:
    """The rank of the longest table entry that is ``name`` or a package containing it; ``pb`` itself is 0."""
    if name == "pb":
        return 0
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        found = ranks.get(".".join(parts[:end]))
        if found is not None:
            return found
    return None


def is_http_glue(name: str) -> bool:
    leaf = name.rsplit(".", 1)[-1]
    return leaf == "routes" or leaf.endswith("_routes") or (leaf == "dependencies" and not name.startswith(HTTP))


def effective_rank(name: str, ranks: Mapping[str, int]) -> int | None:
    return ranks[HTTP] if is_http_glue(name) else rank(name, ranks)


def upward_imports(found: Mapping[str, Module], ranks: Mapping[str, int]) -> list[str]:
    problems = []
    for name, module in found.items():
        own = effective_rank(name, ranks)
        for target in sorted(set(imported(module, found))):
            if target.split(".")[0] not in PACKAGES or target not in found:
                continue
            theirs = effective_rank(target, ranks)
            if own is not None and theirs is not None and theirs > own:
                problems.append(f"{name} (rank {own}) imports {target} (rank {theirs})")
    return problems


def litestar_paths(found: Mapping[str, Module], ranks: Mapping[str, int]) -> list[str]:
    """For each service module whose import closure reaches litestar, one chain of imports that does."""
    graph = {name: sorted(set(imported(module, found))) for name, module in found.items()}
    problems = []
    for start in sorted(found):
        own = effective_rank(start, ranks)
        if own is None or own >= ranks[HTTP]:
            continue
        parent: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            if current.split(".")[0] == "litestar":
                chain = [current]
                while (step := parent[chain[-1]]) is not None:
                    chain.append(step)
                problems.append(" -> ".join(reversed(chain)))
                break
            for target in graph.get(current, ()):
                if target not in parent:
                    parent[target] = current
                    queue.append(target)
    return problems


def test_the_table_ranks_every_module() -> None:
    ranks = documented_ranks()
    unranked = [name for name in modules() if rank(name, ranks) is None]
    assert unranked == [], f"add these to the Layers table in docs/development.md: {unranked}"


def test_no_module_imports_a_higher_rank() -> None:
    assert upward_imports(modules(), documented_ranks()) == []


def test_no_service_reaches_litestar() -> None:
    assert litestar_paths(modules(), documented_ranks()) == []


def window_moment_callers(found: Mapping[str, Module]) -> list[str]:
    """Modules that call anything with ``window_at=``: a cast judged at a moment of the caller's, not the database's."""
    return sorted(
        module.name for module in found.values()
        if any(isinstance(node, ast.keyword) and node.arg == "window_at"
               for node in ast.walk(ast.parse(module.path.read_text(encoding="utf-8"))))
    )


def test_only_the_demo_judges_a_voting_window_at_a_moment_of_its_own() -> None:
    # docs/security.md (C4): every request's cast meets the database's clock; only loading a past round may not.
    assert [name for name in window_moment_callers(modules()) if not name.startswith("pb.demo.")] == []


def test_a_route_naming_a_window_moment_is_found(tree: Path) -> None:
    (tree / "pb/things/routes.py").write_text("def f(cast) -> None:\n    cast(window_at=None)\n")
    assert window_moment_callers(modules(tree)) == ["pb.things.routes"]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small tree with the same shapes: a core, a service, its routes, the HTTP edge."""
    files = {
        "pb/__init__.py": "",
        "pb/core/__init__.py": "",
        "pb/core/errors.py": "class PbError(Exception): ...\n",
        "pb/http/__init__.py": "",
        "pb/http/problems.py": "from litestar import Response\nfrom pb.core.errors import PbError\n",
        "pb/things/__init__.py": "",
        "pb/things/service.py": "from pb.core.errors import PbError\n",
        "pb/things/routes.py": "from litestar import get\nfrom pb.http import problems\nfrom pb.things import service\n"
        "del get, problems, service\n",
        "pb/other/__init__.py": "",
        "pb/other/service.py": "def f() -> None:\n    from pb.things import service\n    del service\n",
        "ballots/__init__.py": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


TABLE = {"ballots": 0, "pb.core": 0, "pb.things": 1, "pb.other": 2, "pb.http": 10}


def test_a_clean_tree_passes(tree: Path) -> None:
    found = modules(tree)
    assert upward_imports(found, TABLE) == []
    assert litestar_paths(found, TABLE) == []


def test_a_lower_rank_importing_a_higher_one_fails(tree: Path) -> None:
    (tree / "pb/core/errors.py").write_text("from pb.things.service import x\n")
    (tree / "pb/things/service.py").write_text("def f() -> None:\n    from pb.other import service\n    del service\n")
    found = modules(tree)
    assert upward_imports(found, TABLE) == [
        "pb.core.errors (rank 0) imports pb.things.service (rank 1)",
        "pb.things.service (rank 1) imports pb.other.service (rank 2)",
    ]


def test_a_service_reaching_litestar_through_another_module_fails(tree: Path) -> None:
    (tree / "pb/core/errors.py").write_text("from pb.http.problems import PROBLEM\n")
    found = modules(tree)
    assert litestar_paths(found, TABLE) == [
        "pb.core.errors -> pb.http.problems -> litestar",
        "pb.other.service -> pb.things.service -> pb.core.errors -> pb.http.problems -> litestar",
        "pb.things.service -> pb.core.errors -> pb.http.problems -> litestar",
    ]


def test_routes_may_use_the_http_edge(tree: Path) -> None:
    found = modules(tree)
    assert effective_rank("pb.things.routes", TABLE) == TABLE["pb.http"]
    assert "pb.http.problems" in set(imported(found["pb.things.routes"], found))
