"""Bodies read the way the plugin's XContent parsers read them: wrong tokens, coercions, positions."""

from __future__ import annotations

import requests

from tests import builders
from tests.builders import error
from tests.conftest import Api

G = "/_plugins/_ml/model_groups"
M = "/_plugins/_ml/models"
C = "/_plugins/_ml/connectors"


def post_raw(url: str, path: str, raw: str) -> tuple[int, dict]:
    response = requests.post(url + path, data=raw.encode(), headers={"Content-Type": "application/json"})
    return response.status_code, response.json()


def test_text_on_an_object_is_an_illegal_state_with_its_position(ml_url: str) -> None:
    assert post_raw(ml_url, f"{G}/_register", '{"name": {}}') == (500, error(
        "illegal_state_exception", "Can't get text on a START_OBJECT at 1:10", 500))
    assert post_raw(ml_url, f"{G}/_register", '{\n  "name": "g",\n  "description": [1]\n}') == (500, error(
        "illegal_state_exception", "Can't get text on a START_ARRAY at 3:18", 500))
    assert post_raw(ml_url, f"{G}/_register", '{"name": null}') == (500, error(
        "illegal_state_exception", "Can't get text on a VALUE_NULL at 1:10", 500))


def test_positions_count_utf8_bytes_like_jackson(ml_url: str) -> None:
    assert post_raw(ml_url, f"{G}/_register", '{"description": "é", "name": {}}') == (500, error(
        "illegal_state_exception", "Can't get text on a START_OBJECT at 1:31", 500))


def test_nested_values_are_located(ml_url: str) -> None:
    body = builders.connector(actions=[builders.action(headers={"Authorization": {"x": 1}})])
    response = requests.post(f"{ml_url}{C}/_create", json=body)
    assert response.status_code == 500
    reason = response.json()["error"]["reason"]
    raw = requests.models.complexjson.dumps(body)
    column = raw.index('{"x"') + 1
    assert reason == f"Can't get text on a START_OBJECT at 1:{column}"


def test_update_handlers_turn_the_illegal_state_into_a_parse_error(api: Api, seed_model: dict[str, str]) -> None:
    status, body = api("PUT", f"{C}/{seed_model['connector_id']}", {"name": {}})
    assert (status, body["error"]["type"]) == (400, "parse_exception")
    assert body["error"]["reason"] == "Can't get text on a START_OBJECT at 1:9"
    status, body = api("PUT", f"{M}/{seed_model['model_id']}", {"description": []})
    assert (status, body["error"]["type"], body["error"]["reason"]) == (
        400, "parse_exception", "Can't get text on a START_ARRAY at 1:16")


def test_expected_array_or_object_is_a_parsing_exception_with_line_and_col(api: Api) -> None:
    status, body = api("POST", f"{C}/_create", {**builders.SEED_CONNECTOR, "actions": "none"})
    assert status == 400
    reason = "Failed to parse object: expecting token of type [START_ARRAY] but found [VALUE_STRING]"
    assert body["error"]["type"] == "parsing_exception"
    assert body["error"]["reason"] == reason
    assert set(body["error"]) >= {"line", "col"}
    assert body["error"]["root_cause"][0]["line"] == 1


def test_booleans_and_integers_are_coerced_from_strings(api: Api) -> None:
    status, body = api("POST", f"{C}/_create", builders.connector(client_config={"read_timeout": "45"}))
    assert status == 200
    assert api("GET", f"{C}/{body['connector_id']}")[1]["client_config"]["read_timeout"] == 45
    assert api("POST", f"{C}/_create", {**builders.SEED_CONNECTOR, "dry_run": "yes"}) == (400, error(
        "illegal_argument_exception", "Failed to parse value [yes] as only [true] or [false] are allowed.", 400))
    status, body = api("POST", f"{C}/_create", builders.connector(client_config={"read_timeout": "soon"}))
    assert (status, body["error"]["type"], body["error"]["reason"]) == (
        400, "number_format_exception", 'For input string: "soon"')


def test_map_fields_read_a_scalar_as_empty(api: Api) -> None:
    status, body = api("POST", f"{C}/_create", builders.connector(
        parameters="none", actions=[builders.action(url="https://api.openai.com/v1/x")]))
    assert status == 200
    assert api("GET", f"{C}/{body['connector_id']}")[1]["parameters"] == {}


def test_numbers_read_as_text_keep_their_literal(ml_url: str) -> None:
    status, body = post_raw(ml_url, f"{G}/_register", '{"name": 1.50}')
    assert status == 200
    assert requests.get(f"{ml_url}{G}/{body['model_group_id']}").json()["name"] == "1.50"


def test_inline_connector_rules(api: Api) -> None:
    base = {"name": "m", "function_name": "remote"}
    no_protocol = {k: v for k, v in builders.SEED_CONNECTOR.items() if k != "protocol"}
    assert api("POST", f"{M}/_register", {**base, "connector": no_protocol}) == (400, error(
        "illegal_argument_exception", "connector protocol is null", 400))
    assert api("POST", f"{M}/_register", {**base, "connector": {**builders.SEED_CONNECTOR, "protocol": "grpc"}}) == (
        400, error("illegal_argument_exception", "Can't find class for type grpc", 400))
    assert api("POST", f"{M}/_register", {**base, "connector": {**builders.SEED_CONNECTOR, "name": {}}}) == (
        400, error("illegal_argument_exception",
                   "You must provide connector content when creating a remote model without connector id!", 400))
    minimal = {"protocol": "http", "actions": [builders.action(url="https://api.openai.com/v1/x")]}
    status, body = api("POST", f"{M}/_register", {**base, "connector": minimal})
    assert status == 200
    assert api("GET", f"{M}/{body['model_id']}")[1]["connector"] == {
        "protocol": "http", "actions": [{**builders.action(url="https://api.openai.com/v1/x"),
                                         "action_type": "PREDICT"}]}


def test_deploy_setting_always_has_a_ttl_and_zero_limits_are_allowed(api: Api) -> None:
    _, conn = api("POST", f"{C}/_create", builders.SEED_CONNECTOR)
    status, body = api("POST", f"{M}/_register", {
        "name": "m", "function_name": "remote", "connector_id": conn["connector_id"],
        "deploy_setting": {"is_auto_deploy_enabled": True}, "rate_limiter": {"limit": "0", "unit": "SECONDS"}})
    assert status == 200
    model = api("GET", f"{M}/{body['model_id']}")[1]
    assert model["deploy_setting"] == {"is_auto_deploy_enabled": True, "model_ttl_minutes": -1}
    assert model["rate_limiter"] == {"limit": "0", "unit": "SECONDS"}


def test_model_update_merges_objects_and_validates_remote_embedding_config(api: Api,
                                                                           seed_model: dict[str, str]) -> None:
    model_id = seed_model["model_id"]
    config = {"model_type": "text_embedding", "embedding_dimension": 3, "framework_type": "SENTENCE_TRANSFORMERS",
              "additional_config": {"space_type": "l2"}}
    assert api("PUT", f"{M}/{model_id}", {"model_config": config})[0] == 200
    assert api("PUT", f"{M}/{model_id}", {"model_config": {"embedding_dimension": 4}})[0] == 200
    assert api("GET", f"{M}/{model_id}")[1]["model_config"] == {**config, "embedding_dimension": 4}
    assert api("PUT", f"{M}/{model_id}", {"model_config": {"additional_config": {"space_type": None}}}) == (
        400, error("status_exception",
                   "Space type must be provided in additional_config for remote text embedding model", 400))
    assert api("PUT", f"{M}/{model_id}", {"connector_id": "anything"})[0] == 200
