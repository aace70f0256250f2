"""``/_cluster/settings`` for the ML settings: updates, validation errors, and the settings that change behaviour.

The harness puts every setting a test changes back afterwards. The settings changed
here only to check the API itself are ones a remote-model workload does not read
(the monitoring window, redeploy retries, and two local-model limits). The last
tests of the module switch real behaviour (trusted endpoints, remote inference,
auto-deploy) and hold it for the length of one test.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance.builders import (
    CONNECTORS,
    MODELS,
    SETTING,
    SETTINGS,
    UNTRUSTED,
    Api,
    Names,
    assert_served,
    bad,
    chat_connector,
    count_named,
    create_connector,
    get,
    register_model,
)

pytestmark = [pytest.mark.conformance, pytest.mark.cluster_settings]

MONITORING = SETTING + "monitoring_request_count"  # default 100
RETRIES = SETTING + "model_auto_redeploy.lifetime_retry_times"  # default 3
MAX_MODELS = SETTING + "max_model_on_node"  # default 10, local models only
ML_NODE_ONLY = SETTING + "only_run_on_ml_node"  # default true, local models only
TRUSTED = SETTING + "trusted_connector_endpoints_regex"
DISABLED_REMOTE = ('Remote Inference is currently disabled. To enable it, update the setting '
                   '"plugins.ml_commons.remote_inference_enabled" to true.')
# Documented defaults (MLCommonsSettings) of settings a test node is not configured with.
DEFAULTS = {
    SETTING + "model_access_control_enabled": "false",
    SETTING + "connector_access_control_enabled": "false",
    SETTING + "model_auto_deploy.enable": "true",
    SETTING + "remote_inference.enabled": "true",
    SETTING + "task_dispatcher.eligible_node_role.remote_model": ["data", "ml"],
    SETTING + "trusted_connector_endpoints_regex": [
        "^https://runtime\\.sagemaker\\..*[a-z0-9-]\\.amazonaws\\.com/.*$",
        "^https://api\\.sagemaker\\..*[a-z0-9-]\\.amazonaws\\.com/.*$",
        "^https://api\\.openai\\.com/.*$",
        "^https://api\\.cohere\\.ai/.*$",
        "^https://api\\.deepseek\\.com/.*$",
        "^https://generativelanguage\\.googleapis\\.com/.*$",
        "^https://bedrock-runtime\\..*[a-z0-9-]\\.amazonaws\\.com/.*$",
        "^https://bedrock-agent-runtime\\..*[a-z0-9-]\\.amazonaws\\.com/.*$",
        "^https://bedrock\\..*[a-z0-9-]\\.amazonaws\\.com/.*$",
        "^https://textract\\..*[a-z0-9-]\\.amazonaws\\.com$",
        "^https://comprehend\\..*[a-z0-9-]\\.amazonaws\\.com$",
        "^https://rekognition(-fips)?\\..*[a-z0-9-]\\.amazonaws\\.com$",
    ],
}


def put(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    status, answer = api("PUT", SETTINGS, body)
    assert status == 200, answer
    return answer


def flat(api: Api, **params: str) -> dict[str, Any]:
    status, body = api("GET", SETTINGS, flat_settings="true", **params)
    assert status == 200, body
    return body


def current(api: Api, key: str) -> Any:
    """The value a node uses for ``key``: transient over persistent over the default."""
    body = flat(api, include_defaults="true")
    for section in ("transient", "persistent", "defaults"):
        if key in body.get(section, {}):
            return body[section][key]
    raise AssertionError(f"{key} is not a setting of this node")


# -- the settings API -----------------------------------------------------------------------------------------------


def test_put_echoes_only_the_changed_keys_as_strings(api: Api) -> None:
    assert put(api, {
        "persistent": {MONITORING: 99, ML_NODE_ONLY: False},
        "transient": {"plugins": {"ml_commons": {"model_auto_redeploy": {"lifetime_retry_times": 4}}}},
    }) == {
        "acknowledged": True,
        "persistent": {"plugins": {"ml_commons": {"monitoring_request_count": "99", "only_run_on_ml_node": "false"}}},
        "transient": {"plugins": {"ml_commons": {"model_auto_redeploy": {"lifetime_retry_times": "4"}}}},
    }


def test_get_shows_set_values_nested_and_flat(api: Api) -> None:
    put(api, {"persistent": {MONITORING: 98}, "transient": {MAX_MODELS: 9}})
    status, nested = api("GET", SETTINGS)
    assert status == 200
    assert list(nested) == ["persistent", "transient"]
    assert nested["persistent"]["plugins"]["ml_commons"]["monitoring_request_count"] == "98"
    assert nested["transient"]["plugins"]["ml_commons"]["max_model_on_node"] == "9"
    body = flat(api)
    assert (body["persistent"][MONITORING], body["transient"][MAX_MODELS]) == ("98", "9")
    assert current(api, MAX_MODELS) == "9"


def test_null_resets_a_setting_to_its_default(api: Api) -> None:
    put(api, {"persistent": {MONITORING: 97}})
    assert put(api, {"persistent": {MONITORING: None}}) == {"acknowledged": True, "persistent": {}, "transient": {}}
    body = flat(api, include_defaults="true")
    assert MONITORING not in body["persistent"]
    assert body["defaults"][MONITORING] == "100"


def test_include_defaults_lists_the_documented_defaults(api: Api) -> None:
    """``defaults`` holds every setting the cluster has not set, at the node's value: the documented
    default unless the node's own configuration (opensearch.yml, environment) sets it."""
    reset = {MONITORING: None, RETRIES: None, MAX_MODELS: None}
    put(api, {"persistent": reset, "transient": reset})
    body = flat(api, include_defaults="true")
    assert list(body) == ["persistent", "transient", "defaults"]
    defaults = body["defaults"]
    assert (defaults[MONITORING], defaults[RETRIES], defaults[MAX_MODELS]) == ("100", "3", "10")
    explicit = {**body["persistent"], **body["transient"]}
    for key, value in DEFAULTS.items():
        if key not in explicit:
            assert defaults[key] == value, key


def test_unknown_setting_is_rejected_and_nothing_changes(api: Api) -> None:
    before = current(api, MONITORING)
    assert api("PUT", SETTINGS, {"persistent": {MONITORING: 96, SETTING + "no_such_setting": True}}) == bad(
        "persistent setting [plugins.ml_commons.no_such_setting], not recognized")
    assert current(api, MONITORING) == before
    status, body = api("PUT", SETTINGS, {"transient": {"foo.bar": 1}})
    assert (status, body["error"]["reason"]) == (400, "transient setting [foo.bar], not recognized")


def test_bad_values_are_answered_with_the_settings_own_error(api: Api) -> None:
    assert api("PUT", SETTINGS, {"persistent": {ML_NODE_ONLY: "maybe"}}) == bad(
        "Failed to parse value [maybe] as only [true] or [false] are allowed.")
    assert api("PUT", SETTINGS, {"persistent": {SETTING + "max_register_model_tasks_per_node": 11}}) == bad(
        "Failed to parse value [11] for setting [plugins.ml_commons.max_register_model_tasks_per_node] must be <= 10")


def test_non_numeric_integer_carries_the_number_format_cause(api: Api) -> None:
    status, body = api("PUT", SETTINGS, {"persistent": {MAX_MODELS: "many"}})
    assert status == 400
    assert body["error"]["type"] == "illegal_argument_exception"
    assert body["error"]["reason"] == "Failed to parse value [many] for setting [plugins.ml_commons.max_model_on_node]"
    assert body["error"]["caused_by"] == {"type": "number_format_exception", "reason": 'For input string: "many"'}


def test_settings_body_rules(api: Api) -> None:
    assert api("PUT", SETTINGS) == bad("request body is required", "parse_exception")
    assert api("PUT", SETTINGS, {"persistant": {ML_NODE_ONLY: False}}) == bad(
        "Validation Failed: 1: no settings to update;", "action_request_validation_exception")
    assert api("PUT", SETTINGS, {"persistent": {}}) == bad(
        "Validation Failed: 1: no settings to update;", "action_request_validation_exception")


def test_only_one_cluster_manager_timeout(api: Api) -> None:
    assert api("GET", SETTINGS, master_timeout="1s", cluster_manager_timeout="1s") == bad(
        "Please only use one of the request parameters [cluster_manager_timeout, master_timeout].", "parse_exception")


def test_static_and_final_settings_are_not_updateable(api: Api) -> None:
    assert api("PUT", SETTINGS, {"persistent": {SETTING + "multi_tenancy_enabled": True}}) == bad(
        "persistent setting [plugins.ml_commons.multi_tenancy_enabled], not dynamically updateable")
    assert api("PUT", SETTINGS, {"persistent": {SETTING + "connector.restricted_ip_patterns": ["10.*"]}}) == bad(
        "final persistent setting [plugins.ml_commons.connector.restricted_ip_patterns], not updateable")


@pytest.mark.parametrize(("regex", "reason"), [
    ("^(a+)+$", "Regex pattern contains nested quantifiers or backreferences that may cause ReDoS: ^(a+)+$"),
    ("(a)\\1", "Regex pattern contains nested quantifiers or backreferences that may cause ReDoS: (a)\\1"),
    ("a" * 257, f"Regex pattern too long (max 256 chars): {'a' * 257}"),
    ("^https://[a-", "Invalid regex pattern: ^https://[a-"),
], ids=["nested-quantifier", "backreference", "too-long", "invalid"])
def test_trusted_regex_validator_refuses_risky_patterns(api: Api, regex: str, reason: str) -> None:
    before = current(api, TRUSTED)
    status, body = api("PUT", SETTINGS, {"persistent": {TRUSTED: [regex]}})
    assert (status, body["error"]["type"], body["error"]["reason"]) == (400, "illegal_argument_exception", reason)
    assert current(api, TRUSTED) == before


# -- settings that change behaviour ---------------------------------------------------------------------------------


def test_a_pattern_added_to_the_trusted_endpoints_lets_a_connector_through(api: Api, ml_names: Names) -> None:
    name = ml_names("cs-trusted")
    body = chat_connector(name, parameters={}, actions=[
        {"action_type": "predict", "method": "POST", "url": "https://llm.example.com/v1/chat", "request_body": "{}"}])
    assert api("POST", f"{CONNECTORS}/_create", body) == bad(UNTRUSTED)
    patterns = current(api, TRUSTED)
    put(api, {"persistent": {TRUSTED: [*patterns, "^https://llm\\.example\\.com/.*$"]}})
    create_connector(api, body)
    assert count_named(api, CONNECTORS, name) == 1


def test_an_empty_trusted_endpoint_list_is_not_configured(api: Api, ml_names: Names) -> None:
    name = ml_names("cs-untrusted")
    put(api, {"persistent": {TRUSTED: []}})
    assert api("POST", f"{CONNECTORS}/_create", chat_connector(name)) == bad(
        "Trusted connector endpoints regex is not configured. Please set "
        "plugins.ml_commons.trusted_connector_endpoints_regex.")
    assert count_named(api, CONNECTORS, name) == 0


def test_remote_inference_disabled_refuses_connectors_and_remote_models(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("cs-remote-off-connector")))
    put(api, {"persistent": {SETTING + "remote_inference.enabled": False}})
    assert api("POST", f"{CONNECTORS}/_create", chat_connector(ml_names("cs-remote-off"))) == bad(
        DISABLED_REMOTE, "status_exception")
    assert api("POST", f"{MODELS}/_register", {"name": ml_names("cs-remote-off-model"), "function_name": "remote",
                                               "connector_id": connector_id}) == bad(DISABLED_REMOTE,
                                                                                     "status_exception")
    assert count_named(api, MODELS, ml_names("cs-remote-off-model")) == 0


@pytest.mark.vendor_cassette("openai/chat-completions")
def test_auto_deploy_disabled_by_setting(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("cs-no-auto-deploy-connector")))
    model_id = register_model(api, ml_names("cs-no-auto-deploy"), connector_id=connector_id)["model_id"]
    put(api, {"persistent": {SETTING + "model_auto_deploy.enable": False}})
    assert api("POST", f"{MODELS}/{model_id}/_predict", {"parameters": {"messages": []}}) == bad(
        "Model not ready yet. Please deploy the model first.")
    assert get(api, f"{MODELS}/{model_id}")["model_state"] == "REGISTERED"
    assert_served(ml_cassettes)
