"""The package the image installs: complete (every file of pb, ballots and migrations) and able to migrate."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from pb.core.migrate import alembic_config
from tests.deploy.tools import ROOT, run

pytestmark = pytest.mark.slow
DEVELOPMENT_ONLY = {"migrations/script.py.mako"}
"""Alembic's template for new revisions: needed to write a migration, not to apply one."""


PACKAGE_SOURCES = ["pyproject.toml", "README.md", "pb", "ballots", "migrations"]
"""What setuptools builds pb from; the Dockerfile's build stage gets these (and more) from the sources."""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in PACKAGE_SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(origin, source / name)
    out = tmp_path_factory.mktemp("wheel")
    result = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(source),
                 timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("pb-*.whl")
    return built


def test_the_package_holds_every_file_of_pb_ballots_and_migrations(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        packaged = set(archive.namelist())
    for package in ("pb", "ballots", "migrations"):
        for path in (ROOT / package).rglob("*"):
            if path.is_dir() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            name = path.relative_to(ROOT).as_posix()
            if name in DEVELOPMENT_ONLY:
                continue
            assert name in packaged, f"{name} is not in the package: the image would run without it"


def test_the_installed_package_migrates_a_database_to_head(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    database = tmp_path / "pb.sqlite3"
    migrate = (
        "import sys, pb; assert pb.__file__.startswith(sys.argv[1]), pb.__file__; "
        "from pb.core.migrate import upgrade; upgrade(sys.argv[2])"
    )
    # From inside the unpacked package, so that it, not the working tree, is what gets imported.
    result = subprocess.run([sys.executable, "-c", migrate, str(site), f"sqlite+aiosqlite:///{database}"],
                            cwd=site, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    with sqlite3.connect(database) as connection:
        (version,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert [version] == heads
