"""Standalone connectors: create validation, stored form, credentials, update and delete rules."""

from __future__ import annotations

import pytest

from tests import builders
from tests.builders import action, connector, error
from tests.conftest import Api

C = "/_plugins/_ml/connectors"
ML = "plugins.ml_commons."


def create(api: Api, body: dict) -> str:
    status, answer = api("POST", f"{C}/_create", body)
    assert status == 200, answer
    return answer["connector_id"]


def bad(reason: str, type_: str = "illegal_argument_exception", status: int = 400) -> tuple[int, dict]:
    return status, error(type_, reason, status)


def test_get_returns_stored_form_without_credential(api: Api) -> None:
    connector_id = create(api, builders.SEED_CONNECTOR)
    status, body = api("GET", f"{C}/{connector_id}")
    assert status == 200
    assert body == {
        "name": "OpenAI Chat Connector",
        "version": "1",
        "description": "The connector to public OpenAI model service for GPT 3.5",
        "protocol": "http",
        "parameters": {"endpoint": "api.openai.com", "model": "gpt-3.5-turbo"},
        "actions": [{
            "action_type": "PREDICT", "method": "POST", "url": "https://${parameters.endpoint}/v1/chat/completions",
            "headers": {"Authorization": "Bearer ${credential.openAI_key}"},
            "request_body": '{ "model": "${parameters.model}", "messages": ${parameters.messages} }',
        }],
        "created_time": body["created_time"],
        "last_updated_time": body["created_time"],
    }


def test_parameter_values_are_stored_as_strings(api: Api) -> None:
    connector_id = create(api, connector(parameters={
        "endpoint": "api.openai.com", "temperature": 0.0001, "n": 7, "big": 1e10, "flag": True, "nothing": None,
        "list": [1, "a"], "obj": {"k": 0.5}}))
    _, body = api("GET", f"{C}/{connector_id}")
    assert body["parameters"] == {"endpoint": "api.openai.com", "temperature": "1.0E-4", "n": "7", "big": "1.0E10",
                                  "flag": "true", "nothing": "null", "list": '[1,"a"]', "obj": '{"k":0.5}'}


def test_parameters_default_to_empty_object(api: Api) -> None:
    connector_id = create(api, connector(parameters=None, actions=[action(url="https://api.openai.com/v1/x")]))
    assert api("GET", f"{C}/{connector_id}")[1]["parameters"] == {}


@pytest.mark.parametrize(("body", "reason"), [
    (connector(name=None), "Connector name is null"),
    (connector(version=None), "Connector version is null"),
    (connector(protocol=None), "Connector protocol is null"),
    (connector(credential=None), "Connector credential is null or empty list"),
    (connector(credential={}), "Connector credential is null or empty list"),
    (connector(protocol="grpc"),
     "Unsupported connector protocol. Please use one of [aws_sigv4, http, mcp_sse, mcp_streamable_http]"),
    (connector(actions=[action(action_type=None)]), "action type can't be null"),
    (connector(actions=[action(url=None)]), "url can't be null"),
    (connector(actions=[action(method=None)]), "method can't be null"),
    (connector(actions=[action(action_type="guess")]),
     "No enum constant org.opensearch.ml.common.connector.ConnectorAction.ActionType.GUESS"),
    (connector(actions=None), "No actions configured for this connector"),
    (connector(client_config={"retry_backoff_policy": "linear"}), "Unsupported retry backoff policy"),
])
def test_create_validation_messages(api: Api, body: dict, reason: str) -> None:
    assert api("POST", f"{C}/_create", body) == bad(reason)
    assert api("POST", f"{C}/_search", {"query": {"match_all": {}}})[1]["hits"]["total"]["value"] == 0


def test_required_fields_are_checked_in_the_plugins_order(api: Api) -> None:
    assert api("POST", f"{C}/_create", {"name": "x", "version": 1, "protocol": "bogus"}) == bad(
        "Connector credential is null or empty list")
    assert api("POST", f"{C}/_create", {"protocol": "bogus"}) == bad("Connector name is null")


def test_empty_actions_list_is_accepted(api: Api) -> None:
    create(api, connector(actions=[]))


def test_name_and_description_must_be_safe_text(api: Api) -> None:
    reason = ("Validation Failed: 1: Model connector name can only contain letters, numbers, spaces, and basic "
              "punctuation (.,!?():@-_'/\");")
    assert api("POST", f"{C}/_create", connector(name="<script>")) == bad(
        reason, "action_request_validation_exception")
    assert api("POST", f"{C}/_create", connector(name="  ")) == bad(
        "Validation Failed: 1: Model connector name is required and cannot be null or blank;",
        "action_request_validation_exception")
    create(api, connector(name="Ünïcode (v2): ok!"))


def test_dry_run_stores_nothing(api: Api) -> None:
    assert api("POST", f"{C}/_create", {"dry_run": True}) == (200, {"connector_id": "dryRunConnector"})
    assert api("GET", f"{C}/dryRunConnector")[0] == 404


def test_url_must_match_trusted_endpoints(api: Api) -> None:
    assert api("POST", f"{C}/_create", connector(actions=[action(url="https://evil.example.com/v1")])) == bad(
        "Connector URL is not matching the trusted connector endpoint regex")
    # ${parameters.x} is resolved with the connector's own parameters only.
    assert api("POST", f"{C}/_create", connector(parameters={})) == bad(
        "Connector URL is not matching the trusted connector endpoint regex")
    api("PUT", "/_cluster/settings", {"persistent": {ML + "trusted_connector_endpoints_regex": []}})
    assert api("POST", f"{C}/_create", builders.SEED_CONNECTOR) == bad(
        "Trusted connector endpoints regex is not configured. Please set "
        "plugins.ml_commons.trusted_connector_endpoints_regex.")
    api("PUT", "/_cluster/settings", {"persistent": {ML + "trusted_connector_endpoints_regex": ["^https://evil\\..*$"]}})
    create(api, connector(actions=[action(url="https://evil.example.com/v1")]))


def test_parameter_placeholders_are_refused_in_sensitive_headers(api: Api) -> None:
    assert api("POST", f"{C}/_create", connector(actions=[action(headers={"Authorization": "${parameters.key}"})])) == (
        bad("Header 'Authorization' cannot use ${parameters.*} placeholders for security reasons. "
            "Use ${credential.*} instead."))
    create(api, connector(actions=[action(headers={"X-Trace": "${parameters.trace}"})]))


def test_access_control_fields_are_refused_while_security_is_off(api: Api) -> None:
    reason = ("You cannot specify connector access control parameters because the Security plugin or connector "
              "access control is disabled on your cluster.")
    for extra in ({"access_mode": "private"}, {"add_all_backend_roles": True}, {"backend_roles": ["IT"]}):
        assert api("POST", f"{C}/_create", {**builders.SEED_CONNECTOR, **extra}) == bad(reason)


def test_client_config_defaults_are_filled_in(api: Api) -> None:
    connector_id = create(api, connector(client_config={"max_connection": 20, "connection_timeout": 50,
                                                        "read_timeout": 50}))
    assert api("GET", f"{C}/{connector_id}")[1]["client_config"] == {
        "max_connection": 20, "connection_timeout": 50, "read_timeout": 50, "retry_backoff_millis": 200,
        "retry_timeout_seconds": 30, "max_retry_times": 0, "retry_backoff_policy": "constant",
        "skip_ssl_verification": False}


@pytest.mark.parametrize("body", [
    connector(protocol="aws_sigv4", credential={"access_key": "a", "secret_key": "s"},
              parameters={"region": "us-east-1", "service_name": "bedrock"},
              actions=[action(url="https://bedrock-runtime.us-east-1.amazonaws.com/model/x/invoke", headers=None)]),
    connector(actions=[action(pre_process_function="connector.pre_process.openai.embedding")]),
    connector(actions=[action(post_process_function="connector.post_process.openai.embedding")]),
    connector(actions=[action(post_process_function="return params.choices[0].message.content;")]),
    connector(client_config={"max_retry_times": 3}),
    connector(parameters={"endpoint": "api.openai.com", "response_filter": "$.choices"}),
])
def test_connector_engine_features_are_accepted(api: Api, body: dict) -> None:
    status, answer = api("POST", f"{C}/_create", body)
    assert status == 200, answer


@pytest.mark.parametrize(("body", "feature"), [
    (connector(parameters={"endpoint": "api.openai.com", "input_processors": "[]"}), "Parameter [input_processors]"),
    (connector(parameters={"endpoint": "api.openai.com", "output_processors": "[]"}),
     "Parameter [output_processors]"),
])
def test_processor_chains_are_refused_clearly(api: Api, body: dict, feature: str) -> None:
    assert api("POST", f"{C}/_create", body) == bad(f"{feature} is not supported by the ML Commons emulator yet")


@pytest.mark.parametrize(("credential", "parameters", "reason"), [
    ({"access_key": "a"}, {"region": "r", "service_name": "s"}, "Missing credential"),
    ({"roleArn": "arn:aws:iam::1:role/x"}, {"region": "r", "service_name": "s"}, "Missing credential"),
    ({"access_key": "a", "secret_key": "s"}, {"region": "r"}, "Missing service name"),
    ({"access_key": "a", "secret_key": "s"}, {"service_name": "s"}, "Missing region"),
])
def test_aws_sigv4_validation(api: Api, credential: dict, parameters: dict, reason: str) -> None:
    body = connector(protocol="aws_sigv4", credential=credential, parameters=parameters)
    assert api("POST", f"{C}/_create", body) == bad(reason)


def test_get_missing_connector(api: Api) -> None:
    assert api("GET", f"{C}/nope") == bad("Failed to find connector", "status_exception", 404)
    create(api, builders.SEED_CONNECTOR)
    assert api("GET", f"{C}/nope") == bad(
        "Failed to find connector with the provided connector id: nope", "status_exception", 404)


def test_update_merges_parameters_and_replaces_actions(api: Api) -> None:
    connector_id = create(api, builders.SEED_CONNECTOR)
    status, body = api("PUT", f"{C}/{connector_id}", {"description": "new", "parameters": {"model": "gpt-4"}})
    assert status == 200
    assert body == {"_index": ".plugins-ml-connector", "_id": connector_id, "_version": 2, "result": "updated",
                    "_shards": {"total": 1, "successful": 1, "failed": 0}, "_seq_no": body["_seq_no"],
                    "_primary_term": 1}
    _, stored = api("GET", f"{C}/{connector_id}")
    assert stored["description"] == "new"
    assert stored["parameters"] == {"endpoint": "api.openai.com", "model": "gpt-4"}
    assert stored["last_updated_time"] >= stored["created_time"]


def test_update_errors(api: Api) -> None:
    assert api("PUT", f"{C}/nope", {"name": "x"}) == bad("Failed to find connector", "status_exception", 404)
    connector_id = create(api, builders.SEED_CONNECTOR)
    assert api("PUT", f"{C}/{connector_id}") == bad(
        "Failed to update connector: Request body is empty", "parse_exception")
    # `{}` is content: nothing changes but last_updated_time.
    status, body = api("PUT", f"{C}/{connector_id}", {})
    assert (status, body["result"]) == (200, "updated")
    assert api("PUT", f"{C}/{connector_id}", {"actions": [action(url="https://evil.example.com/")]}) == bad(
        "Connector URL is not matching the trusted connector endpoint regex")


def test_update_refused_while_a_deployed_model_uses_it(api: Api, seed_model: dict[str, str]) -> None:
    connector_id, model_id = seed_model["connector_id"], seed_model["model_id"]
    assert api("PUT", f"{C}/{connector_id}", {"description": "ok while undeployed"})[0] == 200
    api("POST", f"/_plugins/_ml/models/{model_id}/_deploy")
    assert api("PUT", f"{C}/{connector_id}", {"description": "x"}) == bad(
        f"1 models are still using this connector, please undeploy the models first: [{model_id}]",
        "status_exception")


def test_delete_refused_while_models_use_it(api: Api, seed_model: dict[str, str]) -> None:
    connector_id, model_id = seed_model["connector_id"], seed_model["model_id"]
    assert api("DELETE", f"{C}/{connector_id}") == bad(
        f"1 models are still using this connector, please delete or update the models first: [{model_id}]",
        "status_exception", 409)


def test_delete_and_idempotent_not_found(api: Api) -> None:
    assert api("DELETE", f"{C}/nope") == bad("Failed to find connector", "status_exception", 404)
    connector_id = create(api, builders.SEED_CONNECTOR)
    status, body = api("DELETE", f"{C}/{connector_id}")
    assert (status, body["result"], body["forced_refresh"]) == (200, "deleted", True)
    status, body = api("DELETE", f"{C}/{connector_id}")
    assert (status, body["result"]) == (200, "not_found")


def test_search_never_returns_credentials(api: Api) -> None:
    connector_id = create(api, builders.SEED_CONNECTOR)
    status, body = api("POST", f"{C}/_search", {"query": {"match_all": {}}, "_source": ["credential", "name"]})
    assert status == 200
    assert body["hits"]["hits"][0]["_id"] == connector_id
    assert body["hits"]["hits"][0]["_source"] == {"name": "OpenAI Chat Connector"}


def test_remote_inference_disabled_refuses_connectors(api: Api) -> None:
    api("PUT", "/_cluster/settings", {"persistent": {ML + "remote_inference.enabled": False}})
    assert api("POST", f"{C}/_create", builders.SEED_CONNECTOR) == bad(
        'Remote Inference is currently disabled. To enable it, update the setting '
        '"plugins.ml_commons.remote_inference_enabled" to true.', "status_exception")


def test_maps_come_back_in_java_hashmap_order(api: Api) -> None:
    connector_id = create(api, connector(parameters={"model": "m", "messages": "x", "temperature": 1,
                                                     "endpoint": "api.openai.com"}))
    assert list(api("GET", f"{C}/{connector_id}")[1]["parameters"]) == ["endpoint", "temperature", "messages",
                                                                         "model"]
