"""deploy/kubernetes/ validates offline and says what operators rely on: a worker family per queue, a grace that
covers the soft shutdown, probes on /healthz, one pod disrupted at a time, KEDA scaling on each queue's list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from shared.celery_app import HANDBACK_S
from shared.settings import Settings
from shared.skills import QUEUES
from tests.processes import ROOT

MANIFESTS = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.30.0"

# KEDA v2's documented ScaledObject and TriggerAuthentication fields (keda.sh/docs/2.x/reference/scaledobject-spec,
# .../concepts/authentication), closed to unknown keys so a misspelt field fails here rather than being ignored.
INT = {"type": "integer", "minimum": 0}
HPA_RULES = {"type": "object", "additionalProperties": False, "properties": {
    "stabilizationWindowSeconds": {"type": "integer", "minimum": 0, "maximum": 3600},
    "selectPolicy": {"enum": ["Max", "Min", "Disabled"]},
    "policies": {"type": "array", "minItems": 1, "items": {
        "type": "object", "additionalProperties": False, "required": ["type", "value", "periodSeconds"],
        "properties": {"type": {"enum": ["Pods", "Percent"]}, "value": {"type": "integer", "minimum": 1},
                       "periodSeconds": {"type": "integer", "minimum": 1, "maximum": 1800}}}}}}
KEDA_SCHEMAS: dict[str, dict[str, Any]] = {
    "ScaledObject": {"type": "object", "required": ["apiVersion", "kind", "metadata", "spec"], "properties": {
        "apiVersion": {"const": "keda.sh/v1alpha1"},
        "metadata": {"type": "object", "required": ["name"]},
        "spec": {"type": "object", "additionalProperties": False, "required": ["scaleTargetRef", "triggers"],
                 "properties": {
                     "scaleTargetRef": {"type": "object", "additionalProperties": False, "required": ["name"],
                                        "properties": {"name": {"type": "string"}, "kind": {"type": "string"},
                                                       "apiVersion": {"type": "string"},
                                                       "envSourceContainerName": {"type": "string"}}},
                     "pollingInterval": INT, "cooldownPeriod": INT, "initialCooldownPeriod": INT,
                     "idleReplicaCount": INT, "minReplicaCount": INT, "maxReplicaCount": INT,
                     "fallback": {"type": "object"},
                     "advanced": {"type": "object", "additionalProperties": False, "properties": {
                         "restoreToOriginalReplicaCount": {"type": "boolean"},
                         "horizontalPodAutoscalerConfig": {
                             "type": "object", "additionalProperties": False, "properties": {
                                 "name": {"type": "string"},
                                 "behavior": {"type": "object", "additionalProperties": False,
                                              "properties": {"scaleUp": HPA_RULES, "scaleDown": HPA_RULES}}}},
                         "scalingModifiers": {"type": "object"}}},
                     "triggers": {"type": "array", "minItems": 1, "items": {
                         "type": "object", "additionalProperties": False, "required": ["type", "metadata"],
                         "properties": {
                             "type": {"type": "string"}, "name": {"type": "string"},
                             "metricType": {"enum": ["AverageValue", "Value", "Utilization"]},
                             "useCachedMetrics": {"type": "boolean"},
                             "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                             "authenticationRef": {"type": "object", "additionalProperties": False,
                                                   "required": ["name"],
                                                   "properties": {"name": {"type": "string"},
                                                                  "kind": {"enum": ["TriggerAuthentication",
                                                                                    "ClusterTriggerAuthentication"]}}}
                         }}}}}}},
    "TriggerAuthentication": {"type": "object", "required": ["apiVersion", "kind", "metadata", "spec"], "properties": {
        "apiVersion": {"const": "keda.sh/v1alpha1"},
        "spec": {"type": "object", "properties": {"secretTargetRef": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["parameter", "name", "key"],
            "properties": {"parameter": {"type": "string"}, "name": {"type": "string"},
                           "key": {"type": "string"}}}}}}}},
}
# The Redis scaler's metadata (keda.sh/docs/2.x/scalers/redis-lists).
REDIS_SCALER_KEYS = {"address", "addressFromEnv", "host", "hostFromEnv", "port", "portFromEnv", "listName",
                     "listLength", "activationListLength", "databaseIndex", "enableTLS", "unsafeSsl",
                     "usernameFromEnv", "passwordFromEnv"}


def documents() -> list[dict[str, Any]]:
    return [doc for path in sorted(MANIFESTS.glob("*.yaml")) if path.name != "kustomization.yaml"
            for doc in yaml.safe_load_all(path.read_text()) if doc]


def of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in documents() if doc["kind"] == kind}


def env_of(container: dict[str, Any]) -> dict[str, str]:
    return {item["name"]: item.get("value", "") for item in container["env"]}


@pytest.mark.parametrize("doc", [d for d in documents() if d["kind"] in ("Deployment", "PodDisruptionBudget")],
                         ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_core_objects_validate_against_the_kubernetes_schema(doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("doc", [d for d in documents() if d["kind"] in KEDA_SCHEMAS],
                         ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_keda_objects_validate_against_keda_fields(doc: dict[str, Any]) -> None:
    jsonschema.validate(doc, KEDA_SCHEMAS[doc["kind"]])


def test_a_misspelt_keda_field_is_caught() -> None:
    doc = next(iter(of_kind("ScaledObject").values()))
    broken = {**doc, "spec": {**doc["spec"], "minReplicas": 1}}
    with pytest.raises(jsonschema.ValidationError, match="minReplicas"):
        jsonschema.validate(broken, KEDA_SCHEMAS["ScaledObject"])


def test_every_object_is_in_the_kustomization_and_every_kind_is_known() -> None:
    listed = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())["resources"]
    assert sorted(listed) == sorted(p.name for p in MANIFESTS.glob("*.yaml") if p.name != "kustomization.yaml")
    assert {doc["kind"] for doc in documents()} == {"Deployment", "PodDisruptionBudget", "ScaledObject",
                                                    "TriggerAuthentication"}


@pytest.mark.parametrize("queue", QUEUES)
def test_each_queue_has_a_gpu_worker_that_stops_within_its_grace_and_is_probed_on_healthz(queue: str) -> None:
    deployment = of_kind("Deployment")[f"pipegram-worker-{queue}"]
    pod = deployment["spec"]["template"]["spec"]
    [container] = pod["containers"]
    args = container["args"]
    assert args[:2] == ["pipegram", "worker"] and args[args.index("--queues") + 1] == queue
    assert container["resources"]["limits"]["nvidia.com/gpu"] == 1
    grace = float(env_of(container)["PIPEGRAM_SHUTDOWN_GRACE_S"])
    assert pod["terminationGracePeriodSeconds"] > grace >= Settings(_env_file=None).pipegram_shutdown_grace_s
    port = {p["name"]: p["containerPort"] for p in container["ports"]}["metrics"]
    assert port == Settings(_env_file=None).pipegram_worker_metrics_port
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    # A liveness probe must outlast a failover and a soft shutdown's hand-back before it restarts anyone.
    live = container["livenessProbe"]
    assert live["periodSeconds"] * live["failureThreshold"] >= 60 + HANDBACK_S


@pytest.mark.parametrize("queue", QUEUES)
def test_each_queue_is_disrupted_one_pod_at_a_time_and_scaled_on_its_list(queue: str) -> None:
    name = f"pipegram-worker-{queue}"
    labels = of_kind("Deployment")[name]["spec"]["template"]["metadata"]["labels"]
    budget = of_kind("PodDisruptionBudget")[name]["spec"]
    assert budget["maxUnavailable"] == 1
    assert budget["selector"]["matchLabels"].items() <= labels.items()
    scaled = of_kind("ScaledObject")[name]["spec"]
    assert scaled["scaleTargetRef"]["name"] == name
    assert scaled["minReplicaCount"] >= 1  # running jobs are invisible to the list count: never scale to zero busy
    [trigger] = scaled["triggers"]
    assert trigger["type"] == "redis" and trigger["metadata"]["listName"] == queue
    assert set(trigger["metadata"]) <= REDIS_SCALER_KEYS
    assert trigger["authenticationRef"]["name"] in of_kind("TriggerAuthentication")
    down = scaled["advanced"]["horizontalPodAutoscalerConfig"]["behavior"]["scaleDown"]
    assert down["stabilizationWindowSeconds"] >= 300


def test_compose_gives_workers_more_than_their_grace_to_stop() -> None:
    worker = yaml.safe_load(Path(ROOT / "docker-compose.yml").read_text())["services"]["worker"]
    grace = float(worker["environment"]["PIPEGRAM_SHUTDOWN_GRACE_S"].split(":-")[1].rstrip("}"))
    assert int(worker["stop_grace_period"].rstrip("s")) > grace == Settings(_env_file=None).pipegram_shutdown_grace_s


def test_a_misspelt_core_field_is_caught() -> None:
    doc = of_kind("Deployment")["pipegram-worker-text"]
    broken = {**doc, "spec": {**doc["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
