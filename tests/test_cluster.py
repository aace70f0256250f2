"""Core endpoints on the emulator: `/`, `/_cluster/settings` resets, `/_cluster/health`.

The backend-agnostic cluster settings tests live in ``tests/conformance/test_cluster_settings.py``.
"""

from __future__ import annotations

from typing import Any

from tests.builders import error
from tests.conftest import Api

ML = "plugins.ml_commons."


def test_root_reports_opensearch_distribution_and_emulated_version(api: Api, ml_emulator: Any) -> None:
    status, body = api("GET", "/")
    assert status == 200
    assert list(body) == ["name", "cluster_name", "cluster_uuid", "version", "tagline"]
    assert body["version"]["distribution"] == "opensearch"
    assert body["version"]["number"] == ml_emulator.version
    assert body["tagline"] == "The OpenSearch Project: https://opensearch.org/"


def test_head_root_answers_ping(ml_client: Any) -> None:
    assert ml_client.ping() is True


def test_wildcard_null_resets_matching_settings(api: Api) -> None:
    api("PUT", "/_cluster/settings", {"persistent": {ML + "only_run_on_ml_node": False,
                                                     ML + "allow_custom_deployment_plan": True}})
    assert api("PUT", "/_cluster/settings", {"persistent": {"plugins.ml_commons.*": None}})[0] == 200
    assert api("GET", "/_cluster/settings") == (200, {"persistent": {}, "transient": {}})


def test_emulator_node_settings_are_the_defaults_reset_returns_to() -> None:
    from emulator import Emulator

    emu = Emulator(settings={"plugins": {"ml_commons": {"connector.private_ip_enabled": True}}})
    client = emu.client()
    flat = client.cluster.get_settings(include_defaults=True, flat_settings=True)["defaults"]
    assert flat[ML + "connector.private_ip_enabled"] == "true"
    client.cluster.put_settings(body={"transient": {ML + "connector.private_ip_enabled": False}})
    emu.reset()
    flat = client.cluster.get_settings(include_defaults=True, flat_settings=True)
    assert flat["transient"] == {}
    assert flat["defaults"][ML + "connector.private_ip_enabled"] == "true"


def test_cluster_health_is_green_single_node(api: Api, ml_emulator: Any) -> None:
    status, body = api("GET", "/_cluster/health")
    assert status == 200
    assert body["status"] == "green"
    assert body["number_of_nodes"] == 1
    assert body["cluster_name"] == ml_emulator.node.cluster_name
    assert api("GET", "/_cluster/health", wait_for_status="yellow", timeout="30s")[0] == 200


def test_health_parameters_and_missing_indices(api: Api) -> None:
    assert api("GET", "/_cluster/health", wait_for_status="purple") == (400, error(
        "illegal_argument_exception", "No enum constant org.opensearch.cluster.health.ClusterHealthStatus.PURPLE", 400))
    assert api("GET", "/_cluster/health", master_timeout="soon") == (400, error(
        "parse_exception",
        "failed to parse setting [master_timeout] with value [soon] as a time value: unit is missing or unrecognized",
        400))
    status, body = api("GET", "/_cluster/health/no-such-index")
    assert (status, body["status"], body["timed_out"]) == (408, "red", True)
