"""deploy/make-secrets.sh: every secret pb needs in production, made once and never replaced."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.deploy.tools import DEPLOY, run, tool

MADE = ["PB_SECRET_KEY", "PB_VOTER_KEY_SECRET", "PB_SESSION_PRIVATE_KEY", "PB_RESULTS_SIGNING_KEY",
        "POSTGRES_PASSWORD", "PB_DATABASE_URL"]


@pytest.fixture
def secrets(tmp_path: Path) -> Path:
    tool("openssl", installed_by="Debian's openssl")
    folder = tmp_path / "secrets"
    result = run("sh", str(DEPLOY / "make-secrets.sh"), str(folder))
    assert result.returncode == 0, result.stderr
    return folder


def test_it_makes_each_secret_in_a_folder_only_its_owner_opens(secrets: Path) -> None:
    assert sorted(path.name for path in secrets.iterdir()) == sorted(MADE)
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o700
    assert len(secrets.joinpath("PB_SECRET_KEY").read_text()) >= 32
    assert len(secrets.joinpath("PB_VOTER_KEY_SECRET").read_text()) >= 32
    assert secrets.joinpath("PB_SECRET_KEY").read_text() != secrets.joinpath("PB_VOTER_KEY_SECRET").read_text()


def test_it_never_replaces_a_secret_that_exists(secrets: Path) -> None:
    before = {name: secrets.joinpath(name).read_text() for name in MADE}
    result = run("sh", str(DEPLOY / "make-secrets.sh"), str(secrets))
    assert result.returncode == 0
    assert {name: secrets.joinpath(name).read_text() for name in MADE} == before
    assert "kept" in result.stdout and "made" not in result.stdout


def test_it_asks_for_the_client_secret_only_the_identity_provider_can_give(secrets: Path) -> None:
    result = run("sh", str(DEPLOY / "make-secrets.sh"), str(secrets))
    assert "PB_OIDC_CLIENT_SECRET" in result.stderr
    secrets.joinpath("PB_OIDC_CLIENT_SECRET").write_text("from-the-idp")
    assert "PB_OIDC_CLIENT_SECRET" not in run("sh", str(DEPLOY / "make-secrets.sh"), str(secrets)).stderr


def test_the_database_url_carries_the_database_password(secrets: Path) -> None:
    url = make_url(secrets.joinpath("PB_DATABASE_URL").read_text())
    assert url.drivername == "postgresql+asyncpg"
    assert (url.username, url.host, url.port, url.database) == ("pb", "db", 5432, "pb")
    assert url.password == secrets.joinpath("POSTGRES_PASSWORD").read_text()


def test_pb_accepts_them_in_production_through_the_entrypoint(secrets: Path, tmp_path: Path) -> None:
    """The container's path: files -> entrypoint -> environment -> pb's production settings and keys."""
    environment = {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"]),
        "PB_ENV": "production",
        "PB_OIDC_ISSUER": "https://idp.example.org",
        **{f"{name}_FILE": str(secrets / name) for name in MADE if name.startswith("PB_")},
    }
    check = (
        "from pb.core.settings import Settings; from pb.auth.signing import signing_key; from pb.core.keys import "
        "load_private_key; s = Settings(); "
        "print(s.env, s.database_url.split('@')[1], signing_key(s).algorithm, "
        "type(load_private_key(s.results_signing_key.get_secret_value(), 'PB_RESULTS_SIGNING_KEY')).__name__)"
    )
    result = run("sh", str(DEPLOY / "entrypoint.sh"), sys.executable, "-c", check, cwd=tmp_path, env=environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["production", "db:5432/pb", "EdDSA", "Ed25519PrivateKey"]
