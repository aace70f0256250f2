"""Bodies read the way the plugin's XContent parsers read them: wrong tokens, coercions, defaults, merges."""

from __future__ import annotations

import pytest

from tests import builders
from tests.conformance.builders import (
    CONNECTORS,
    MODELS,
    Api,
    Names,
    bad,
    chat_connector,
    create_connector,
    get,
    register_model,
    remote_model,
)

pytestmark = pytest.mark.conformance

OPENAI_X = "https://api.openai.com/v1/x"


def test_update_handlers_turn_the_illegal_state_into_a_parse_error(api: Api, ml_names: Names) -> None:
    ids = remote_model(api, ml_names, "pa-update-tokens")
    # opensearch-py sends compact JSON, so the positions are those of {"name":{}} and {"description":[]}.
    assert api("PUT", f"{CONNECTORS}/{ids['connector_id']}", {"name": {}}) == bad(
        "Can't get text on a START_OBJECT at 1:9", "parse_exception")
    assert api("PUT", f"{MODELS}/{ids['model_id']}", {"description": []}) == bad(
        "Can't get text on a START_ARRAY at 1:16", "parse_exception")


def test_expected_array_or_object_is_a_parsing_exception_with_line_and_col(api: Api, ml_names: Names) -> None:
    status, body = api("POST", f"{CONNECTORS}/_create", chat_connector(ml_names("pa-actions"), actions="none"))
    assert status == 400
    assert body["error"]["type"] == "parsing_exception"
    assert body["error"]["reason"] == ("Failed to parse object: expecting token of type [START_ARRAY] but found "
                                       "[VALUE_STRING]")
    assert set(body["error"]) >= {"line", "col"}
    assert body["error"]["root_cause"][0]["line"] == 1


def test_booleans_and_integers_are_coerced_from_strings(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("pa-coerce"), client_config={"read_timeout": "45"}))
    assert get(api, f"{CONNECTORS}/{connector_id}")["client_config"]["read_timeout"] == 45
    assert api("POST", f"{CONNECTORS}/_create", chat_connector(ml_names("pa-coerce-bool"), dry_run="yes")) == bad(
        "Failed to parse value [yes] as only [true] or [false] are allowed.")
    status, body = api("POST", f"{CONNECTORS}/_create", chat_connector(ml_names("pa-coerce-int"),
                                                                      client_config={"read_timeout": "soon"}))
    assert (status, body["error"]["type"], body["error"]["reason"]) == (
        400, "number_format_exception", 'For input string: "soon"')


def test_map_fields_read_a_scalar_as_empty(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("pa-scalar-map"), parameters="none",
                                                        actions=[builders.action(url=OPENAI_X)]))
    assert get(api, f"{CONNECTORS}/{connector_id}")["parameters"] == {}


def test_inline_connector_rules(api: Api, ml_names: Names) -> None:
    name = ml_names("pa-inline")
    base = {"name": name, "function_name": "remote"}
    connector_name = ml_names("pa-inline-connector")
    assert api("POST", f"{MODELS}/_register", {**base, "connector": chat_connector(connector_name, protocol=None)}) == (
        bad("connector protocol is null"))
    assert api("POST", f"{MODELS}/_register", {**base, "connector": chat_connector(connector_name,
                                                                                   protocol="grpc")}) == bad(
        "Can't find class for type grpc")
    assert api("POST", f"{MODELS}/_register", {**base, "connector": chat_connector(connector_name, name={})}) == bad(
        "You must provide connector content when creating a remote model without connector id!")
    minimal = {"protocol": "http", "actions": [builders.action(url=OPENAI_X)]}
    registered = register_model(api, name, connector=minimal)
    assert get(api, f"{MODELS}/{registered['model_id']}")["connector"] == {
        "protocol": "http", "actions": [{**builders.action(url=OPENAI_X), "action_type": "PREDICT"}]}


def test_deploy_setting_always_has_a_ttl_and_zero_limits_are_allowed(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("pa-deploy-setting-connector")))
    registered = register_model(api, ml_names("pa-deploy-setting"), connector_id=connector_id,
                                deploy_setting={"is_auto_deploy_enabled": True},
                                rate_limiter={"limit": "0", "unit": "SECONDS"})
    model = get(api, f"{MODELS}/{registered['model_id']}")
    assert model["deploy_setting"] == {"is_auto_deploy_enabled": True, "model_ttl_minutes": -1}
    assert model["rate_limiter"] == {"limit": "0", "unit": "SECONDS"}


def test_model_update_merges_objects_and_validates_remote_embedding_config(api: Api, ml_names: Names) -> None:
    model_id = remote_model(api, ml_names, "pa-update-merge")["model_id"]
    config = {"model_type": "text_embedding", "embedding_dimension": 3, "framework_type": "SENTENCE_TRANSFORMERS",
              "additional_config": {"space_type": "l2"}}
    assert api("PUT", f"{MODELS}/{model_id}", {"model_config": config})[0] == 200
    assert api("PUT", f"{MODELS}/{model_id}", {"model_config": {"embedding_dimension": 4}})[0] == 200
    assert get(api, f"{MODELS}/{model_id}")["model_config"] == {**config, "embedding_dimension": 4}
    assert api("PUT", f"{MODELS}/{model_id}", {"model_config": {"additional_config": {"space_type": None}}}) == bad(
        "Space type must be provided in additional_config for remote text embedding model", "status_exception")
    # A connector_id the plugin does not check on update.
    assert api("PUT", f"{MODELS}/{model_id}", {"connector_id": "anything"})[0] == 200
