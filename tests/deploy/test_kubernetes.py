"""deploy/kubernetes: the base and the production overlay render, validate, and hold together.

Beyond the schemas, the tests check what a schema cannot: that selectors select, names resolve, secrets are
only referenced, connection limits add up, and network policies let through exactly the traffic pb needs.
"""

from __future__ import annotations

import copy
import re
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from pb.cli.workers import STOP_TIMEOUT_S
from pb.core.db import create_engine
from pb.core.settings import Settings
from tests.deploy.dockerfile import stages
from tests.deploy.manifests import Object, crd_errors, crd_schemas, matches, one, render
from tests.deploy.tools import DEPLOY

RENDERS = ["base", "overlays/production"]
KUBERNETES_VERSIONS = ["1.30.0", kubernetes_validate.utils.latest_version()]
"""The oldest Kubernetes these manifests promise to fit, and the newest kubernetes-validate knows."""
CNPG_GROUPS = ("postgresql.cnpg.io/", "barmancloud.cnpg.io/")
OUT_OF_BAND_SECRETS = {"pb-keys", "pb-voter-key", "pb-backup-s3", "pb-tls"}
"""Made by the operator (deploy/README.md, "Secrets"); pb-db-app comes from CloudNativePG."""
ENTRYPOINT_VARIABLES = {"PB_WORKERS", "PB_HOST", "PB_PORT"}
SUPERUSER_RESERVED_CONNECTIONS = 3


def _pod(item: Object) -> dict[str, Any]:
    spec: dict[str, Any] = item["spec"]["template"]["spec"]
    return spec


def _container(item: Object) -> dict[str, Any]:
    containers: list[dict[str, Any]] = _pod(item)["containers"]
    (container,) = containers
    return container


def _env(item: Object) -> dict[str, Any]:
    return {variable["name"]: variable for variable in _container(item).get("env", [])}


def _config(objects: tuple[Object, ...]) -> dict[str, str]:
    data: dict[str, str] = one(objects, "ConfigMap")["data"]
    return data


def _database_url(item: Object) -> str:
    """The PB_DATABASE_URL a pod gets, with Kubernetes' $(VAR) references filled in as placeholders."""
    value: str = _env(item)["PB_DATABASE_URL"]["value"]
    return re.sub(r"\$\((\w+)\)", lambda match: match[1].lower(), value)


def _per_process_connections(db_pool_size: int) -> int:
    """How many database connections one pb process holds at most, by pb's own engine settings."""
    engine = create_engine(Settings(database_url="postgresql+asyncpg://pb@db/pb", db_pool_size=db_pool_size))
    pool = engine.sync_engine.pool
    assert isinstance(pool, QueuePool)
    return pool.size() + pool._max_overflow


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("folder", RENDERS)
def test_every_builtin_object_validates_against_the_kubernetes_api(folder: str, version: str) -> None:
    checked = 0
    for item in render(folder):
        if item["apiVersion"].startswith(CNPG_GROUPS):
            continue
        kubernetes_validate.validate(item, version, strict=True)
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("folder", RENDERS)
def test_the_cloudnativepg_objects_validate_against_their_crds(folder: str) -> None:
    custom = [item for item in render(folder) if item["apiVersion"].startswith(CNPG_GROUPS)]
    assert sorted(item["kind"] for item in custom) == ["Cluster", "ObjectStore", "Pooler", "ScheduledBackup"]
    for item in custom:
        assert (item["apiVersion"], item["kind"]) in crd_schemas(), f"no CRD vendored for {item['kind']}"
        assert crd_errors(item) == [], f"{item['kind']} {item['metadata']['name']}"


def test_the_schema_checks_refuse_misspelt_fields_and_values() -> None:
    objects = render("overlays/production")
    cluster = copy.deepcopy(one(objects, "Cluster"))
    cluster["spec"]["instance"] = cluster["spec"].pop("instances")
    assert any("instance" in error for error in crd_errors(cluster))
    pooler = copy.deepcopy(one(objects, "Pooler"))
    pooler["spec"]["pgbouncer"]["poolMode"] = "transactions"
    assert crd_errors(pooler) != []
    deployment = copy.deepcopy(one(objects, "Deployment"))
    _container(deployment)["imagePullpolicy"] = "Always"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[-1], strict=True)


@pytest.mark.parametrize("kind", ["Deployment", "Job"])
def test_pb_pods_meet_the_restricted_pod_security_standard(kind: str) -> None:
    item = one(render("overlays/production"), kind)
    pod, container = _pod(item), _container(item)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    security = container["securityContext"]
    assert security["allowPrivilegeEscalation"] is False
    assert security["readOnlyRootFilesystem"] is True
    assert security["capabilities"] == {"drop": ["ALL"]}
    # The image's own user, so that both agree on who owns nothing.
    image_user = stages(DEPLOY / "Dockerfile")[-1].last("USER")
    assert f"{pod['securityContext']['runAsUser']}:{pod['securityContext']['runAsGroup']}" == image_user
    assert {"requests", "limits"} <= set(container["resources"])
    for bound in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][bound]), f"{kind} {bound}"
    # The only writable place: a memory-backed emptyDir.
    assert {"mountPath": "/tmp", "name": "tmp"} in container["volumeMounts"]  # noqa: S108


def test_the_production_image_is_pinned() -> None:
    for kind in ("Deployment", "Job"):
        image = _container(one(render("overlays/production"), kind))["image"]
        name, _, tag = image.rpartition(":")
        assert name and "/" in name and tag and tag != "latest", image


def test_the_service_stops_gracefully_within_its_grace_period() -> None:
    deployment = one(render("overlays/production"), "Deployment")
    pause = int(_container(deployment)["lifecycle"]["preStop"]["exec"]["command"][-1])
    # Endpoint withdrawn during the pause, then pb's supervisor may take STOP_TIMEOUT_S to stop its workers.
    assert _pod(deployment)["terminationGracePeriodSeconds"] > pause + STOP_TIMEOUT_S
    strategy = deployment["spec"]["strategy"]["rollingUpdate"]
    assert strategy["maxUnavailable"] == 0


def test_readiness_asks_health_and_liveness_survives_a_database_outage() -> None:
    container = _container(one(render("overlays/production"), "Deployment"))
    assert container["readinessProbe"]["httpGet"]["path"] == "/health"
    # /health answers 503 while the database is down: liveness must not restart pods for that.
    assert "httpGet" not in container["livenessProbe"] and "httpGet" not in container["startupProbe"]
    assert container["args"] == ["serve"]


def test_the_autoscaler_keeps_three_replicas_and_owns_the_count() -> None:
    objects = render("overlays/production")
    deployment, autoscaler = one(objects, "Deployment"), one(objects, "HorizontalPodAutoscaler")
    assert autoscaler["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                                    "name": deployment["metadata"]["name"]}
    assert autoscaler["spec"]["minReplicas"] >= 3
    assert autoscaler["spec"]["maxReplicas"] > autoscaler["spec"]["minReplicas"]
    assert "replicas" not in deployment["spec"], "applying the manifests must not undo the autoscaler"


def test_the_disruption_budget_covers_the_pods_and_lets_a_drain_proceed() -> None:
    objects = render("overlays/production")
    labels = one(objects, "Deployment")["spec"]["template"]["metadata"]["labels"]
    budget = one(objects, "PodDisruptionBudget")["spec"]
    assert matches(budget["selector"], labels)
    assert budget["maxUnavailable"] == 1


def test_the_ingress_reaches_the_pods_at_the_public_url() -> None:
    objects = render("overlays/production")
    deployment, service, ingress = one(objects, "Deployment"), one(objects, "Service", "pb"), one(objects, "Ingress")
    assert matches({"matchLabels": service["spec"]["selector"]}, deployment["spec"]["template"]["metadata"]["labels"])
    ports = {port["name"] for port in _container(deployment)["ports"]}
    assert {port["targetPort"] for port in service["spec"]["ports"]} <= ports
    (rule,) = ingress["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    assert path["backend"]["service"]["name"] == service["metadata"]["name"]
    assert path["backend"]["service"]["port"]["name"] in {port["name"] for port in service["spec"]["ports"]}
    (tls,) = ingress["spec"]["tls"]
    public = urlsplit(_config(objects)["PB_PUBLIC_URL"])
    assert public.scheme == "https"
    assert tls["hosts"] == [rule["host"]] == [public.hostname]


def test_the_configuration_names_only_settings_pb_knows() -> None:
    config = _config(render("overlays/production"))
    known = {f"PB_{name.upper()}" for name in Settings.model_fields} | ENTRYPOINT_VARIABLES
    assert set(config) <= known, set(config) - known
    assert config["PB_ENV"] == "production"
    assert int(config["PB_WORKERS"]) >= 2


@pytest.mark.parametrize("folder", RENDERS)
def test_secrets_are_referenced_never_written(folder: str) -> None:
    objects = render(folder)
    assert [item for item in objects if item["kind"] == "Secret"] == []
    cluster = one(objects, "Cluster")
    generated = {f"{cluster['metadata']['name']}-app"}
    referenced: set[str] = set()
    for kind in ("Deployment", "Job"):
        container = _container(one(objects, kind))
        referenced |= {source["secretRef"]["name"] for source in container["envFrom"] if "secretRef" in source}
        referenced |= {variable["valueFrom"]["secretKeyRef"]["name"] for variable in container["env"]
                       if "valueFrom" in variable}
        assert not any("value" in variable and re.search(r"SECRET|PASSWORD|_KEY", variable["name"])
                       for variable in container["env"]), f"a secret value in the {kind}"
    credentials = one(objects, "ObjectStore")["spec"]["configuration"]["s3Credentials"]
    referenced |= {reference["name"] for reference in credentials.values()}
    referenced |= {tls["secretName"] for tls in one(objects, "Ingress")["spec"]["tls"]}
    assert referenced == OUT_OF_BAND_SECRETS | generated
    runbook = (DEPLOY / "README.md").read_text()
    for name in OUT_OF_BAND_SECRETS:
        assert f"`{name}`" in runbook, f"deploy/README.md does not say how to make the secret {name}"


def test_pb_reaches_the_database_through_the_pooler_and_migrates_on_the_primary() -> None:
    objects = render("overlays/production")
    cluster, pooler = one(objects, "Cluster"), one(objects, "Pooler")
    served = make_url(_database_url(one(objects, "Deployment")))
    migrating = make_url(_database_url(one(objects, "Job")))
    assert served.host == pooler["metadata"]["name"]
    assert migrating.host == f"{cluster['metadata']['name']}-rw"
    for url in (served, migrating):
        assert url.drivername == "postgresql+asyncpg"
        assert url.database == cluster["spec"]["bootstrap"]["initdb"]["database"]
        assert url.query["ssl"] == "require"
    assert pooler["spec"]["cluster"]["name"] == cluster["metadata"]["name"]
    assert (pooler["spec"]["type"], pooler["spec"]["pgbouncer"]["poolMode"]) == ("rw", "transaction")


def test_the_migration_job_upgrades_the_schema_once() -> None:
    job = one(render("overlays/production"), "Job")
    assert _container(job)["args"] == ["pb", "db", "upgrade"]
    assert _pod(job)["restartPolicy"] == "Never"
    assert job["spec"]["backoffLimit"] <= 3
    assert _container(job)["image"] == _container(one(render("overlays/production"), "Deployment"))["image"]


def test_the_upgrade_selector_applies_everything_the_migration_needs() -> None:
    """deploy/README.md's first upgrade step applies only `component in (config,migration)`."""
    objects = render("overlays/production")
    selector = {"matchExpressions": [{"key": "app.kubernetes.io/component", "operator": "In",
                                      "values": ["config", "migration"]}]}
    applied = {(item["kind"], item["metadata"]["name"]) for item in objects
               if matches(selector, item["metadata"].get("labels", {}))}
    job = one(objects, "Job")
    needs = {("Job", job["metadata"]["name"]), ("ServiceAccount", _pod(job)["serviceAccountName"])}
    needs |= {("ConfigMap", source["configMapRef"]["name"]) for source in _container(job)["envFrom"]
              if "configMapRef" in source}
    assert needs <= applied
    assert not any(kind in ("Deployment", "Cluster") for kind, _ in applied)
    assert "component in (config,migration)" in (DEPLOY / "README.md").read_text()


def test_the_database_is_durable_replicated_and_backed_up() -> None:
    objects = render("overlays/production")
    cluster = one(objects, "Cluster")["spec"]
    assert cluster["instances"] >= 3
    parameters = cluster["postgresql"]["parameters"]
    assert (parameters["fsync"], parameters["synchronous_commit"], parameters["full_page_writes"]) == ("on",) * 3
    assert parameters["log_parameter_max_length_on_error"] == "0"
    synchronous = cluster["postgresql"]["synchronous"]
    assert synchronous["number"] >= 1 and synchronous["dataDurability"] == "required"
    assert cluster["affinity"]["podAntiAffinityType"] == "required"
    (plugin,) = cluster["plugins"]
    store = one(objects, "ObjectStore")
    assert plugin["isWALArchiver"] is True
    assert plugin["parameters"]["barmanObjectName"] == store["metadata"]["name"]
    assert store["spec"]["retentionPolicy"]
    backup = one(objects, "ScheduledBackup")["spec"]
    assert backup["cluster"]["name"] == one(objects, "Cluster")["metadata"]["name"]
    assert (backup["method"], backup["pluginConfiguration"]["name"]) == ("plugin", plugin["name"])


def test_connections_add_up_from_the_largest_scale_to_the_database() -> None:
    objects = render("overlays/production")
    config = _config(objects)
    per_process = _per_process_connections(int(config["PB_DB_POOL_SIZE"]))
    replicas = one(objects, "HorizontalPodAutoscaler")["spec"]["maxReplicas"]
    pooler = one(objects, "Pooler")["spec"]
    parameters = pooler["pgbouncer"]["parameters"]
    clients = replicas * int(config["PB_WORKERS"]) * per_process
    assert clients <= pooler["instances"] * int(parameters["max_client_conn"])
    servers = pooler["instances"] * int(parameters["default_pool_size"])
    migration = per_process
    max_connections = int(one(objects, "Cluster")["spec"]["postgresql"]["parameters"]["max_connections"])
    assert servers + migration + SUPERUSER_RESERVED_CONNECTIONS <= max_connections


def _allowed(policies: list[Object], direction: str, pod: dict[str, str], peer: dict[str, str], port: int) -> bool:
    """Whether a pod labelled ``pod`` admits (ingress) or sends (egress) ``port`` to/from a same-namespace peer."""
    selecting = [policy for policy in policies if matches(policy["spec"]["podSelector"], pod)
                 and direction.capitalize() in policy["spec"]["policyTypes"]]
    if not selecting:
        return True
    side = "from" if direction == "ingress" else "to"
    for policy in selecting:
        for rule in policy["spec"].get(direction, []):
            peers = rule.get(side)
            peer_ok = peers is None or any("podSelector" in entry and "namespaceSelector" not in entry
                                           and matches(entry["podSelector"], peer) for entry in peers)
            ports = rule.get("ports")
            port_ok = ports is None or any(entry.get("port") == port for entry in ports)
            if peer_ok and port_ok:
                return True
    return False


def test_network_policies_let_through_the_paths_pb_needs_and_isolate_its_pods() -> None:
    objects = render("overlays/production")
    policies = [item for item in objects if item["kind"] == "NetworkPolicy"]
    server = one(objects, "Deployment")["spec"]["template"]["metadata"]["labels"]
    migration = one(objects, "Job")["spec"]["template"]["metadata"]["labels"]
    cluster_name = one(objects, "Cluster")["metadata"]["name"]
    instance = {"cnpg.io/cluster": cluster_name, "cnpg.io/podRole": "instance"}
    pooler = {"cnpg.io/poolerName": one(objects, "Pooler")["metadata"]["name"], "cnpg.io/podRole": "pooler"}
    for labels in (server, migration, instance, pooler):
        assert any(matches(policy["spec"]["podSelector"], labels) for policy in policies), labels
    assert _allowed(policies, "egress", server, pooler, 5432) and _allowed(policies, "ingress", pooler, server, 5432)
    assert _allowed(policies, "egress", migration, instance, 5432)
    assert _allowed(policies, "ingress", instance, migration, 5432)
    assert _allowed(policies, "ingress", instance, pooler, 5432)
    assert _allowed(policies, "ingress", instance, instance, 5432), "replication between the instances"
    assert not _allowed(policies, "ingress", instance, server, 5432), "pb goes through the pooler"
    assert not _allowed(policies, "ingress", server, migration, 8000)


def test_production_runs_in_its_own_namespace_under_the_restricted_standard() -> None:
    objects = render("overlays/production")
    namespace = one(objects, "Namespace")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for item in objects:
        if item["kind"] != "Namespace":
            assert item["metadata"]["namespace"] == namespace["metadata"]["name"], item["kind"]


def test_the_runbooks_restore_cluster_validates_against_the_crd() -> None:
    runbook = (DEPLOY / "README.md").read_text()
    blocks = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", runbook, re.DOTALL)]
    (restore,) = [block for block in blocks if block.get("kind") == "Cluster"]
    assert crd_errors(restore) == []
    (source,) = restore["spec"]["externalClusters"]
    store = one(render("overlays/production"), "ObjectStore")["metadata"]["name"]
    assert source["plugin"]["parameters"] == {"barmanObjectName": store,
                                              "serverName": one(render("base"), "Cluster")["metadata"]["name"]}
