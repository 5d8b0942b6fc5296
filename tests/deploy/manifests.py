"""Rendering deploy/kubernetes with a real kustomize, and checking objects against the schemas they obey.

Built-in kinds are checked by kubernetes-validate (the Kubernetes API's OpenAPI schemas, strict: unknown
fields are errors). CloudNativePG's kinds are checked against the operator's own CRD schemas, vendored in
crds/ with their source: made strict the same way (an object schema lists its fields unless it says it
keeps unknown ones). The CRDs' CEL rules (x-kubernetes-validations) are not evaluated here.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from tests.deploy.tools import DEPLOY, run, tool

KUBERNETES = DEPLOY / "kubernetes"
CRDS = Path(__file__).parent / "crds"
Object = dict[str, Any]


def _renderer() -> list[str]:
    """`kustomize build`, or kubectl's built-in kustomize when it is recent enough (v4 and later)."""
    kubectl = tool("kubectl", installed_by="the kubectl package, which .ci/run installs")
    version = run(kubectl, "version", "--client", "--output=json")
    assert version.returncode == 0, version.stderr
    kustomize = json.loads(version.stdout).get("kustomizeVersion", "")
    match = re.match(r"v(\d+)\.", kustomize)
    assert match and int(match[1]) >= 4, f"kubectl's kustomize {kustomize or '(none)'} is too old: v4 or later"
    return [kubectl, "kustomize"]


@cache
def render(folder: str) -> tuple[Object, ...]:
    """The objects ``folder`` (under deploy/kubernetes) renders to."""
    result = run(*_renderer(), str(KUBERNETES / folder))
    assert result.returncode == 0, result.stderr
    return tuple(document for document in yaml.safe_load_all(result.stdout) if document)


def one(objects: tuple[Object, ...], kind: str, name: str | None = None) -> Object:
    found = [item for item in objects if item["kind"] == kind and (name is None or item["metadata"]["name"] == name)]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def _strict(schema: Any) -> Any:
    """The schema with ``additionalProperties: false`` wherever an object lists its properties."""
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    strict = {key: _strict(value) for key, value in schema.items()}
    if ("properties" in strict and "additionalProperties" not in strict
            and not strict.get("x-kubernetes-preserve-unknown-fields")):
        strict["additionalProperties"] = False
    return strict


@cache
def crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) -> the strict openAPIV3Schema of every vendored CRD version that is served."""
    schemas: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(CRDS.glob("*.yaml")):
        for crd in yaml.safe_load_all(path.read_text()):
            if not crd:
                continue
            group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                if version.get("served", True):
                    schemas[(f"{group}/{version['name']}", kind)] = _strict(version["schema"]["openAPIV3Schema"])
    return schemas


def crd_errors(item: Object) -> list[str]:
    """What is wrong with a custom resource, by its CRD's schema; KeyError when no CRD is vendored for it."""
    schema = crd_schemas()[(item["apiVersion"], item["kind"])]
    validator = jsonschema.Draft4Validator(schema)
    return [f"{'.'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(item)]


def matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Whether ``labels`` satisfy a Kubernetes label selector (matchLabels and matchExpressions)."""
    if not all(labels.get(key) == value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        present = key in labels
        if ((operator == "In" and labels.get(key) not in values)
                or (operator == "NotIn" and present and labels[key] in values)
                or (operator == "Exists" and not present) or (operator == "DoesNotExist" and present)):
            return False
    return True
