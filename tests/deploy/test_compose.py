"""deploy/compose.yaml: valid Compose, durable PostgreSQL, migrations first, secrets as files, TLS in front."""

from __future__ import annotations

import copy
import importlib.resources
import json
import re
from typing import Any

import jsonschema
import pytest
import yaml
from sqlalchemy.pool import QueuePool

from pb.core.db import create_engine
from pb.core.settings import Settings
from tests.deploy.tools import DEPLOY, ROOT, run

COMPOSE = DEPLOY / "compose.yaml"
MADE_BY_SCRIPT = {"PB_SECRET_KEY", "PB_VOTER_KEY_SECRET", "PB_SESSION_PRIVATE_KEY", "PB_RESULTS_SIGNING_KEY",
                  "POSTGRES_PASSWORD", "PB_DATABASE_URL"}
WRITTEN_BY_THE_OPERATOR = {"PB_OIDC_CLIENT_SECRET"}
ENTRYPOINT_VARIABLES = {"PB_WORKERS", "PB_HOST", "PB_PORT"}
SUPERUSER_RESERVED_CONNECTIONS = 3


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def _schema() -> dict[str, Any]:
    """The Compose specification's schema, as check-jsonschema vendors it."""
    path = importlib.resources.files("check_jsonschema") / "builtin_schemas/vendor/compose-spec.json"
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def _pb_env() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (DEPLOY / "pb.env.example").read_text().splitlines()
             if line.strip() and not line.startswith("#"))
    return {name: value for name, value in pairs}


def _postgres_settings(service: dict[str, Any]) -> dict[str, str]:
    command = service["command"]
    pairs = [command[index + 1] for index, part in enumerate(command) if part == "-c"]
    return dict(pair.split("=", 1) for pair in pairs)


def test_the_compose_file_follows_the_compose_specification(compose: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(_schema()).validate(compose)


def test_the_schema_check_refuses_a_misspelt_key(compose: dict[str, Any]) -> None:
    broken = copy.deepcopy(compose)
    broken["services"]["pb"]["depend_on"] = broken["services"]["pb"].pop("depends_on")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(_schema()).validate(broken)


def test_services_depend_only_on_services_that_exist(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on {dependency}, which is not a service"


def test_migrations_run_once_on_a_healthy_database_before_pb_serves(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["command"] == ["pb", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["pb"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "command" not in services["pb"], "pb runs the image's default: pb serve"
    assert services["proxy"]["depends_on"]["pb"]["condition"] == "service_healthy"


def test_postgresql_runs_with_durable_settings(compose: dict[str, Any]) -> None:
    settings = _postgres_settings(compose["services"]["db"])
    assert (settings["fsync"], settings["synchronous_commit"], settings["full_page_writes"]) == ("on", "on", "on")
    assert settings["log_parameter_max_length_on_error"] == "0"


def test_pb_runs_several_workers_and_the_database_admits_all_their_connections(compose: dict[str, Any]) -> None:
    environment = _pb_env()
    workers = int(environment["PB_WORKERS"])
    assert workers >= 2
    engine = create_engine(Settings(database_url="postgresql+asyncpg://pb@db/pb",
                                    db_pool_size=int(environment["PB_DB_POOL_SIZE"])))
    pool = engine.sync_engine.pool
    assert isinstance(pool, QueuePool)
    per_process = pool.size() + pool._max_overflow
    # Every worker at its pool's limit, and the migration (one more process) beside them.
    needed = (workers + 1) * per_process + SUPERUSER_RESERVED_CONNECTIONS
    assert needed <= int(_postgres_settings(compose["services"]["db"])["max_connections"])


def test_secrets_are_files_never_values(compose: dict[str, Any]) -> None:
    declared = compose["secrets"]
    assert set(declared) == MADE_BY_SCRIPT | WRITTEN_BY_THE_OPERATOR
    for name, secret in declared.items():
        assert secret == {"file": f"./secrets/{name}"}
    for name, service in compose["services"].items():
        mounted = set(service.get("secrets", []))
        assert mounted <= set(declared)
        for variable, value in service.get("environment", {}).items():
            if variable.endswith("_FILE"):
                assert value == f"/run/secrets/{variable.removesuffix('_FILE')}", variable
                assert variable.removesuffix("_FILE") in mounted, f"{name} reads {variable} but does not mount it"
            else:
                assert not re.search(r"SECRET|PASSWORD|PRIVATE|_KEY|DATABASE_URL", variable), (
                    f"{name} sets {variable} in the compose file: secrets come as files"
                )


def test_the_operators_files_stay_out_of_git() -> None:
    for path in ("deploy/secrets/PB_VOTER_KEY_SECRET", "deploy/certs/key.pem", "deploy/pb.env"):
        assert run("git", "check-ignore", "--quiet", path, cwd=ROOT).returncode == 0, f"{path} is not ignored"


def test_the_example_configuration_names_only_settings_pb_knows() -> None:
    known = {f"PB_{name.upper()}" for name in Settings.model_fields} | ENTRYPOINT_VARIABLES
    assert set(_pb_env()) <= known, set(_pb_env()) - known
    assert _pb_env()["PB_PUBLIC_URL"].startswith("https://")


def test_only_the_proxy_is_reachable_from_outside(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert [name for name, service in services.items() if "ports" in service] == ["proxy"]
    assert sorted(services["proxy"]["ports"]) == ["443:443", "80:80"]
    assert compose["networks"]["backend"]["internal"] is True
    assert services["db"]["networks"] == ["backend"]


def test_pb_containers_are_read_only_without_capabilities(compose: dict[str, Any]) -> None:
    for name in ("migrate", "pb"):
        service = compose["services"][name]
        assert service["read_only"] is True
        assert service["cap_drop"] == ["ALL"]
        assert "no-new-privileges:true" in service["security_opt"]
