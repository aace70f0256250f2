"""Core endpoints: `/`, `/_cluster/settings`, `/_cluster/health`."""

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


def test_put_settings_echoes_only_changed_keys_as_strings(api: Api) -> None:
    status, body = api("PUT", "/_cluster/settings", {
        "persistent": {ML + "only_run_on_ml_node": False, ML + "max_model_on_node": 5},
        "transient": {"plugins": {"ml_commons": {"model_auto_deploy": {"enable": False}}}},
    })
    assert status == 200
    assert body == {
        "acknowledged": True,
        "persistent": {"plugins": {"ml_commons": {"only_run_on_ml_node": "false", "max_model_on_node": "5"}}},
        "transient": {"plugins": {"ml_commons": {"model_auto_deploy": {"enable": "false"}}}},
    }


def test_get_settings_nested_and_flat(api: Api) -> None:
    api("PUT", "/_cluster/settings", {"persistent": {ML + "only_run_on_ml_node": False},
                                      "transient": {ML + "allow_custom_deployment_plan": True}})
    assert api("GET", "/_cluster/settings") == (200, {
        "persistent": {"plugins": {"ml_commons": {"only_run_on_ml_node": "false"}}},
        "transient": {"plugins": {"ml_commons": {"allow_custom_deployment_plan": "true"}}},
    })
    assert api("GET", "/_cluster/settings", flat_settings="true") == (200, {
        "persistent": {ML + "only_run_on_ml_node": "false"},
        "transient": {ML + "allow_custom_deployment_plan": "true"},
    })


def test_include_defaults_lists_every_ml_setting_default(api: Api) -> None:
    status, body = api("GET", "/_cluster/settings", include_defaults="true", flat_settings="true")
    assert status == 200
    defaults = body["defaults"]
    assert defaults[ML + "model_access_control_enabled"] == "false"
    assert defaults[ML + "connector_access_control_enabled"] == "false"
    assert defaults[ML + "connector.private_ip_enabled"] == "false"
    assert defaults[ML + "only_run_on_ml_node"] == "true"
    assert defaults[ML + "model_auto_deploy.enable"] == "true"
    assert defaults[ML + "sync_up_job_interval_in_seconds"] == "10"
    assert defaults[ML + "task_dispatcher.eligible_node_role.remote_model"] == ["data", "ml"]
    assert defaults[ML + "trusted_connector_endpoints_regex"][2] == "^https://api\\.openai\\.com/.*$"
    assert len(defaults[ML + "trusted_connector_endpoints_regex"]) == 12


def test_null_resets_a_setting_to_its_default(api: Api) -> None:
    api("PUT", "/_cluster/settings", {"persistent": {ML + "only_run_on_ml_node": False}})
    assert api("PUT", "/_cluster/settings", {"persistent": {ML + "only_run_on_ml_node": None}}) == (
        200, {"acknowledged": True, "persistent": {}, "transient": {}})
    assert api("GET", "/_cluster/settings") == (200, {"persistent": {}, "transient": {}})


def test_unknown_setting_is_rejected_and_nothing_changes(api: Api) -> None:
    status, body = api("PUT", "/_cluster/settings", {
        "persistent": {ML + "only_run_on_ml_node": False, ML + "no_such_setting": True}})
    assert (status, body) == (400, error(
        "illegal_argument_exception", "persistent setting [plugins.ml_commons.no_such_setting], not recognized", 400))
    assert api("GET", "/_cluster/settings") == (200, {"persistent": {}, "transient": {}})
    status, body = api("PUT", "/_cluster/settings", {"transient": {"foo.bar": 1}})
    assert body["error"]["reason"] == "transient setting [foo.bar], not recognized"


def test_bad_values_are_answered_with_the_settings_own_error(api: Api) -> None:
    assert api("PUT", "/_cluster/settings", {"persistent": {ML + "only_run_on_ml_node": "maybe"}}) == (400, error(
        "illegal_argument_exception", "Failed to parse value [maybe] as only [true] or [false] are allowed.", 400))
    assert api("PUT", "/_cluster/settings", {"persistent": {ML + "max_register_model_tasks_per_node": 11}}) == (
        400, error("illegal_argument_exception", "Failed to parse value [11] for setting "
                   "[plugins.ml_commons.max_register_model_tasks_per_node] must be <= 10", 400))


def test_non_numeric_integer_carries_the_number_format_cause(api: Api) -> None:
    status, body = api("PUT", "/_cluster/settings", {"persistent": {ML + "max_model_on_node": "many"}})
    assert status == 400
    assert body["error"]["reason"] == "Failed to parse value [many] for setting [plugins.ml_commons.max_model_on_node]"
    assert body["error"]["caused_by"] == {"type": "number_format_exception", "reason": 'For input string: "many"'}


def test_wildcard_null_resets_matching_settings(api: Api) -> None:
    api("PUT", "/_cluster/settings", {"persistent": {ML + "only_run_on_ml_node": False,
                                                     ML + "allow_custom_deployment_plan": True}})
    assert api("PUT", "/_cluster/settings", {"persistent": {"plugins.ml_commons.*": None}})[0] == 200
    assert api("GET", "/_cluster/settings") == (200, {"persistent": {}, "transient": {}})


def test_settings_body_rules(api: Api) -> None:
    assert api("PUT", "/_cluster/settings") == (400, error("parse_exception", "request body is required", 400))
    assert api("PUT", "/_cluster/settings", {"persistant": {ML + "only_run_on_ml_node": False}}) == (400, error(
        "action_request_validation_exception", "Validation Failed: 1: no settings to update;", 400))


def test_static_and_final_settings_are_not_updateable(api: Api) -> None:
    assert api("PUT", "/_cluster/settings", {"persistent": {ML + "multi_tenancy_enabled": True}}) == (400, error(
        "illegal_argument_exception",
        "persistent setting [plugins.ml_commons.multi_tenancy_enabled], not dynamically updateable", 400))
    assert api("PUT", "/_cluster/settings", {"persistent": {ML + "connector.restricted_ip_patterns": ["10.*"]}}) == (
        400, error("illegal_argument_exception",
                   "final persistent setting [plugins.ml_commons.connector.restricted_ip_patterns], not updateable",
                   400))


def test_trusted_regex_validator_rejects_redos_long_and_invalid_patterns(api: Api) -> None:
    key = ML + "trusted_connector_endpoints_regex"
    for regex, reason in [
        ("^(a+)+$", "Regex pattern contains nested quantifiers or backreferences that may cause ReDoS: ^(a+)+$"),
        ("(a)\\1", "Regex pattern contains nested quantifiers or backreferences that may cause ReDoS: (a)\\1"),
        ("a" * 257, f"Regex pattern too long (max 256 chars): {'a' * 257}"),
        ("^https://[a-", "Invalid regex pattern: ^https://[a-"),
    ]:
        status, body = api("PUT", "/_cluster/settings", {"persistent": {key: [regex]}})
        assert status == 400
        assert body["error"]["reason"] == reason


def test_no_settings_to_update_is_a_validation_error(api: Api) -> None:
    assert api("PUT", "/_cluster/settings", {"persistent": {}}) == (400, error(
        "action_request_validation_exception", "Validation Failed: 1: no settings to update;", 400))


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


def test_only_one_cluster_manager_timeout(api: Api) -> None:
    assert api("GET", "/_cluster/settings", master_timeout="1s", cluster_manager_timeout="1s") == (400, error(
        "parse_exception",
        "Please only use one of the request parameters [cluster_manager_timeout, master_timeout].", 400))
