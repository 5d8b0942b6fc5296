"""``pb tally`` and ``pb verify`` load ``ballots/`` and never the web framework or the ORM: read statically from every
import their code can run, and checked in a real ``pb tally`` process."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import deque
from pathlib import Path

from tests.pb.test_layers import imported, modules

HEAVY = ("litestar", "sqlalchemy", "sqlmodel", "alembic", "asyncpg", "aiosqlite", "uvicorn", "pandas")
FILE = """META
key;value
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
a;60;Park
b;50;Library
VOTES
voter_id;vote
1;a,b
2;a
"""


def closure(*starts: str) -> set[str]:
    """Every module an import statement in ``starts`` or in what they import names, inside functions too."""
    found = modules()
    seen, queue = set(starts), deque(starts)
    while queue:
        module = found.get(queue.popleft())
        for target in imported(module, found) if module else ():
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def heavy_in(names: set[str]) -> list[str]:
    return sorted(name for name in names if name.split(".")[0] in HEAVY)


def test_tally_and_verify_import_nothing_heavy() -> None:
    reached = closure("pb.cli.main", "pb.cli.tally", "pb.cli.verify")
    assert "ballots.rules" in reached and "pb.results.verify" in reached
    assert heavy_in(reached) == []


def test_the_database_commands_do_reach_the_orm() -> None:
    """The check above sees lazy imports: the commands that use the database are found to reach it."""
    assert "sqlalchemy" in {name.split(".")[0] for name in closure("pb.cli.export")}
    assert "uvicorn" in {name.split(".")[0] for name in closure("pb.cli.serve")}


def test_a_tally_process_loads_neither_the_web_framework_nor_the_orm(tmp_path: Path) -> None:
    election = tmp_path / "election.pb"
    election.write_text(FILE, encoding="utf-8")
    program = (
        "import json, sys\n"
        "from pb.cli.main import main\n"
        "try:\n"
        f"    main(['tally', {str(election)!r}, '--rule', 'greedy'], standalone_mode=False)\n"
        "finally:\n"
        "    print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, timeout=60)
    loaded = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert "funded" in done.stdout and "ballots.rules" in loaded
    assert heavy_in(loaded) == []
