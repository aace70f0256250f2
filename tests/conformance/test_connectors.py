"""Standalone connectors: create validation, stored form, credentials, update and delete rules."""

from __future__ import annotations

from typing import Any

import pytest

from tests import builders
from tests.builders import action
from tests.conformance.builders import (
    CAC_DISABLED,
    CONNECTOR_INDEX,
    CONNECTORS,
    DOC_ID,
    MISSING,
    UNSAFE,
    UNTRUSTED,
    Api,
    Names,
    assert_deleted_twice,
    assert_write,
    bad,
    chat_connector,
    count_named,
    create_connector,
    deploy,
    get,
    not_found,
    remote_model,
)

pytestmark = pytest.mark.conformance

BEDROCK_URL = "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-text-v1/invoke"


def test_create_answers_only_the_new_id(api: Api, ml_names: Names) -> None:
    status, body = api("POST", f"{CONNECTORS}/_create", chat_connector(ml_names("co-create")))
    assert status == 200
    assert list(body) == ["connector_id"]
    assert DOC_ID.match(body["connector_id"])


def test_get_returns_stored_form_without_credential(api: Api, ml_names: Names, ml_snapshot) -> None:
    name = ml_names("co-get")
    connector_id = create_connector(api, chat_connector(name))
    status, body = api("GET", f"{CONNECTORS}/{connector_id}")
    assert status == 200
    assert body == {
        "name": name,
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
    assert list(body) == ["name", "version", "description", "protocol", "parameters", "actions", "created_time",
                          "last_updated_time"]
    assert builders.FAKE_OPENAI_KEY not in str(body)
    ml_snapshot.match("connector", body)


def test_return_content_is_accepted_and_changes_nothing(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("co-return-content")))
    plain = get(api, f"{CONNECTORS}/{connector_id}")
    assert api("GET", f"{CONNECTORS}/{connector_id}", return_content="true") == (200, plain)


def test_parameter_values_are_stored_as_strings(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("co-strings"), parameters={
        "endpoint": "api.openai.com", "temperature": 0.0001, "n": 7, "big": 1e10, "flag": True, "nothing": None,
        "list": [1, "a"], "obj": {"k": 0.5}}))
    assert get(api, f"{CONNECTORS}/{connector_id}")["parameters"] == {
        "endpoint": "api.openai.com", "temperature": "1.0E-4", "n": "7", "big": "1.0E10", "flag": "true",
        "nothing": "null", "list": '[1,"a"]', "obj": '{"k":0.5}'}


def test_parameters_default_to_empty_object(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("co-no-params"), parameters=None,
                                                        actions=[action(url="https://api.openai.com/v1/x")]))
    assert get(api, f"{CONNECTORS}/{connector_id}")["parameters"] == {}


def test_parameters_come_back_in_java_hashmap_order(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("co-map-order"), parameters={
        "model": "m", "messages": "x", "temperature": 1, "endpoint": "api.openai.com"}))
    assert list(get(api, f"{CONNECTORS}/{connector_id}")["parameters"]) == ["endpoint", "temperature", "messages",
                                                                            "model"]


@pytest.mark.parametrize(("overrides", "reason"), [
    ({"name": None}, "Connector name is null"),
    ({"version": None}, "Connector version is null"),
    ({"protocol": None}, "Connector protocol is null"),
    ({"credential": None}, "Connector credential is null or empty list"),
    ({"credential": {}}, "Connector credential is null or empty list"),
    ({"protocol": "grpc"},
     "Unsupported connector protocol. Please use one of [aws_sigv4, http, mcp_sse, mcp_streamable_http]"),
    ({"actions": [action(action_type=None)]}, "action type can't be null"),
    ({"actions": [action(url=None)]}, "url can't be null"),
    ({"actions": [action(method=None)]}, "method can't be null"),
    ({"actions": [action(action_type="guess")]},
     "No enum constant org.opensearch.ml.common.connector.ConnectorAction.ActionType.GUESS"),
    ({"actions": None}, "No actions configured for this connector"),
    ({"client_config": {"retry_backoff_policy": "linear"}}, "Unsupported retry backoff policy"),
], ids=["no-name", "no-version", "no-protocol", "no-credential", "empty-credential", "bad-protocol",
        "no-action-type", "no-url", "no-method", "bad-action-type", "no-actions", "bad-backoff"])
def test_create_validation_messages(api: Api, ml_names: Names, overrides: dict[str, Any], reason: str) -> None:
    name = ml_names("co-invalid")
    assert api("POST", f"{CONNECTORS}/_create", chat_connector(name, **overrides)) == bad(reason)
    assert count_named(api, CONNECTORS, name) == 0


def test_required_fields_are_checked_in_the_plugins_order(api: Api, ml_names: Names) -> None:
    assert api("POST", f"{CONNECTORS}/_create", {"name": ml_names("co-order"), "version": 1,
                                                  "protocol": "bogus"}) == bad(
        "Connector credential is null or empty list")
    assert api("POST", f"{CONNECTORS}/_create", {"protocol": "bogus"}) == bad("Connector name is null")


def test_action_types_are_case_insensitive_and_stored_upper_case(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("co-action-case"), actions=[
        action(action_type="Predict"), action(action_type="execute", url="https://api.openai.com/v1/x")]))
    actions = get(api, f"{CONNECTORS}/{connector_id}")["actions"]
    assert [a["action_type"] for a in actions] == ["PREDICT", "EXECUTE"]


def test_empty_actions_list_is_accepted(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("co-empty-actions"), actions=[]))
    assert get(api, f"{CONNECTORS}/{connector_id}")["actions"] == []


def test_name_and_description_must_be_safe_text(api: Api, ml_names: Names) -> None:
    assert api("POST", f"{CONNECTORS}/_create", chat_connector("<script>")) == bad(
        f"Validation Failed: 1: Model connector name {UNSAFE};", "action_request_validation_exception")
    assert api("POST", f"{CONNECTORS}/_create", chat_connector("  ")) == bad(
        "Validation Failed: 1: Model connector name is required and cannot be null or blank;",
        "action_request_validation_exception")
    create_connector(api, chat_connector(ml_names("co-Ünïcode (v2): ok!")))


def test_dry_run_stores_nothing(api: Api, ml_names: Names) -> None:
    create_connector(api, chat_connector(ml_names("co-dry-run")))  # the connector index exists from here on
    assert api("POST", f"{CONNECTORS}/_create", {"dry_run": True}) == (200, {"connector_id": "dryRunConnector"})
    assert api("GET", f"{CONNECTORS}/dryRunConnector") == not_found(
        "Failed to find connector with the provided connector id: dryRunConnector")


def test_url_must_match_the_trusted_endpoints(api: Api, ml_names: Names) -> None:
    name = ml_names("co-untrusted")
    assert api("POST", f"{CONNECTORS}/_create", chat_connector(name, actions=[
        action(url="https://evil.example.com/v1")])) == bad(UNTRUSTED)
    # ${parameters.x} in the URL is resolved with the connector's own parameters only.
    assert api("POST", f"{CONNECTORS}/_create", chat_connector(name, parameters={})) == bad(UNTRUSTED)
    # Every action is checked, not only the predict action.
    assert api("POST", f"{CONNECTORS}/_create", chat_connector(name, actions=[
        action(), action(action_type="execute", url="http://api.openai.com/v1/x")])) == bad(UNTRUSTED)
    assert count_named(api, CONNECTORS, name) == 0


def test_parameter_placeholders_are_refused_in_sensitive_headers(api: Api, ml_names: Names) -> None:
    for header in ("Authorization", "x-api-key", "Cookie"):
        assert api("POST", f"{CONNECTORS}/_create", chat_connector(ml_names("co-headers"), actions=[
            action(headers={header: "${parameters.key}"})])) == bad(
            f"Header '{header}' cannot use ${{parameters.*}} placeholders for security reasons. "
            "Use ${credential.*} instead.")
    create_connector(api, chat_connector(ml_names("co-headers"), actions=[action(headers={
        "X-Trace": "${parameters.trace}"})]))


def test_access_control_fields_are_refused_while_security_is_off(api: Api, ml_names: Names) -> None:
    name = ml_names("co-acl")
    for extra in ({"access_mode": "private"}, {"add_all_backend_roles": True}, {"backend_roles": ["IT"]}):
        assert api("POST", f"{CONNECTORS}/_create", chat_connector(name, **extra)) == bad(CAC_DISABLED)
    assert count_named(api, CONNECTORS, name) == 0


def test_client_config_defaults_are_filled_in(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("co-client-config"), client_config={
        "max_connection": 20, "connection_timeout": 50, "read_timeout": 50}))
    client_config = get(api, f"{CONNECTORS}/{connector_id}")["client_config"]
    assert client_config == {
        "max_connection": 20, "connection_timeout": 50, "read_timeout": 50, "retry_backoff_millis": 200,
        "retry_timeout_seconds": 30, "max_retry_times": 0, "retry_backoff_policy": "constant",
        "skip_ssl_verification": False}
    assert list(client_config) == ["max_connection", "connection_timeout", "read_timeout", "retry_backoff_millis",
                                   "retry_timeout_seconds", "max_retry_times", "retry_backoff_policy",
                                   "skip_ssl_verification"]


@pytest.mark.parametrize("overrides", [
    {"protocol": "aws_sigv4", "credential": {"access_key": "a", "secret_key": "s"},
     "parameters": {"region": "us-east-1", "service_name": "bedrock"},
     "actions": [action(url=BEDROCK_URL, headers=None)]},
    {"actions": [action(pre_process_function="connector.pre_process.openai.embedding")]},
    {"actions": [action(post_process_function="connector.post_process.openai.embedding")]},
    {"actions": [action(post_process_function="return params.choices[0].message.content;")]},
    {"client_config": {"max_retry_times": 3, "retry_backoff_policy": "EXPONENTIAL_FULL_JITTER"}},
    {"parameters": {"endpoint": "api.openai.com", "response_filter": "$.choices"}},
], ids=["aws-sigv4", "built-in-pre-process", "built-in-post-process", "painless-post-process", "retries",
        "response-filter"])
def test_connector_engine_features_are_accepted(api: Api, ml_names: Names, overrides: dict[str, Any]) -> None:
    create_connector(api, chat_connector(ml_names("co-features"), **overrides))


@pytest.mark.parametrize(("credential", "parameters", "reason"), [
    ({"access_key": "a"}, {"region": "r", "service_name": "s"}, "Missing credential"),
    ({"roleArn": "arn:aws:iam::1:role/x"}, {"region": "r", "service_name": "s"}, "Missing credential"),
    ({"access_key": "a", "secret_key": "s"}, {"region": "r"}, "Missing service name"),
    ({"access_key": "a", "secret_key": "s"}, {"service_name": "s"}, "Missing region"),
], ids=["no-secret-key", "role-arn-only", "no-service-name", "no-region"])
def test_aws_sigv4_validation(api: Api, ml_names: Names, credential: dict[str, str], parameters: dict[str, str],
                              reason: str) -> None:
    body = chat_connector(ml_names("co-sigv4"), protocol="aws_sigv4", credential=credential, parameters=parameters,
                          actions=[action(url=BEDROCK_URL, headers=None)])
    assert api("POST", f"{CONNECTORS}/_create", body) == bad(reason)


def test_aws_region_and_service_may_come_from_the_credential(api: Api, ml_names: Names) -> None:
    create_connector(api, chat_connector(
        ml_names("co-sigv4-credential"), protocol="aws_sigv4", parameters={},
        credential={"access_key": "a", "secret_key": "s", "region": "us-east-1", "service_name": "bedrock"},
        actions=[action(url=BEDROCK_URL, headers=None)]))



def test_update_merges_parameters_and_replaces_actions(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("co-update")))
    new_action = action(url="https://api.openai.com/v1/completions", request_body='{"prompt": "${parameters.p}"}')
    status, body = api("PUT", f"{CONNECTORS}/{connector_id}", {
        "description": "new", "parameters": {"model": "gpt-4", "max_tokens": 7}, "actions": [new_action]})
    assert status == 200
    assert_write(body, index=CONNECTOR_INDEX, doc_id=connector_id, result="updated", version=2)
    stored = get(api, f"{CONNECTORS}/{connector_id}")
    assert stored["description"] == "new"
    assert stored["parameters"] == {"endpoint": "api.openai.com", "model": "gpt-4", "max_tokens": "7"}
    assert stored["actions"] == [{
        "action_type": "PREDICT", "method": "POST", "url": "https://api.openai.com/v1/completions",
        "headers": {"Authorization": "Bearer ${credential.openAI_key}"},
        "request_body": '{"prompt": "${parameters.p}"}'}]
    assert stored["last_updated_time"] >= stored["created_time"]


def test_update_errors(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("co-update-errors")))
    assert api("PUT", f"{CONNECTORS}/{MISSING}", {"description": "x"}) == not_found(
        f"Failed to find connector with the provided connector id: {MISSING}")
    assert api("PUT", f"{CONNECTORS}/{connector_id}") == bad(
        "Failed to update connector: Request body is empty", "parse_exception")
    assert api("PUT", f"{CONNECTORS}/{connector_id}", {"actions": [action(url="https://evil.example.com/")]}) == bad(
        UNTRUSTED)
    assert api("PUT", f"{CONNECTORS}/{connector_id}", {"name": "a;b"}) == bad(
        f"Validation Failed: 1: Model connector name {UNSAFE};", "action_request_validation_exception")
    # `{}` is content: nothing changes but last_updated_time.
    status, body = api("PUT", f"{CONNECTORS}/{connector_id}", {})
    assert status == 200
    assert_write(body, index=CONNECTOR_INDEX, doc_id=connector_id, result="updated", version=2)


def test_update_refused_while_a_deployed_model_uses_it(api: Api, ml_names: Names) -> None:
    ids = remote_model(api, ml_names, "co-deployed")
    connector_id, model_id = ids["connector_id"], ids["model_id"]
    assert api("PUT", f"{CONNECTORS}/{connector_id}", {"description": "ok while undeployed"})[0] == 200
    deploy(api, model_id)
    assert api("PUT", f"{CONNECTORS}/{connector_id}", {"description": "x"}) == bad(
        f"1 models are still using this connector, please undeploy the models first: [{model_id}]",
        "status_exception")
    assert get(api, f"{CONNECTORS}/{connector_id}")["description"] == "ok while undeployed"


def test_delete_refused_while_models_use_it(api: Api, ml_names: Names) -> None:
    ids = remote_model(api, ml_names, "co-in-use")
    assert api("DELETE", f"{CONNECTORS}/{ids['connector_id']}") == bad(
        f"1 models are still using this connector, please delete or update the models first: [{ids['model_id']}]",
        "status_exception", 409)
    get(api, f"{CONNECTORS}/{ids['connector_id']}")


def test_delete_then_delete_again_is_not_found_with_200(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("co-delete")))
    assert_deleted_twice(api, f"{CONNECTORS}/{connector_id}", index=CONNECTOR_INDEX, doc_id=connector_id,
                         gone=f"Failed to find connector with the provided connector id: {connector_id}")
