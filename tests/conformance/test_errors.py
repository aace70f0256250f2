"""The error envelope: unknown ids, unknown paths and parameters, malformed bodies and unknown fields."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance.builders import (
    CONNECTORS,
    GROUPS,
    MISSING,
    MODELS,
    TASKS,
    Api,
    Names,
    bad,
    by_ids,
    not_found,
    register_group,
    remote_model,
)

pytestmark = pytest.mark.conformance

JSON_SOURCE = "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"


@pytest.fixture
def resources(api: Api, ml_names: Names) -> dict[str, str]:
    """One group, connector, model and task of this test, so every ML system index exists on the backend."""
    return remote_model(api, ml_names, "er-indices")


# What the plugin answers for an id it does not have, once the resource's index exists.
@pytest.mark.parametrize(("method", "path", "body", "reason"), [
    ("GET", f"{GROUPS}/{MISSING}", None, f"Failed to find model group with the provided model group id: {MISSING}"),
    ("GET", f"{CONNECTORS}/{MISSING}", None, f"Failed to find connector with the provided connector id: {MISSING}"),
    ("GET", f"{MODELS}/{MISSING}", None, f"Failed to find model with the provided model id: {MISSING}"),
    ("DELETE", f"{MODELS}/{MISSING}", None, "Failed to find model"),
    ("POST", f"{MODELS}/{MISSING}/_deploy", None, "Failed to find model"),
    ("POST", f"{MODELS}/{MISSING}/_undeploy", None, "Failed to find model"),
    ("POST", f"{MODELS}/{MISSING}/_predict", {"parameters": {}}, "Failed to find model"),
    ("GET", f"{TASKS}/{MISSING}", None, "Failed to find task"),
    ("DELETE", f"{TASKS}/{MISSING}", None, "Failed to find task"),
], ids=["get-group", "get-connector", "get-model", "delete-model", "deploy", "undeploy", "predict", "get-task",
        "delete-task"])
def test_unknown_ids_are_404_status_exceptions(api: Api, resources: dict[str, str], method: str, path: str,
                                               body: Any, reason: str) -> None:
    assert api(method, path, body) == not_found(reason)


def test_delete_of_an_unknown_group_or_connector_is_a_200_not_found(api: Api, resources: dict[str, str]) -> None:
    for path, index in ((GROUPS, ".plugins-ml-model-group"), (CONNECTORS, ".plugins-ml-connector")):
        status, body = api("DELETE", f"{path}/{MISSING}")
        assert status == 200
        assert (body["_index"], body["_id"], body["result"], body["forced_refresh"]) == (
            index, MISSING, "not_found", True)


def test_unknown_path_is_no_handler_found(api: Api) -> None:
    assert api("GET", "/_plugins/_ml/nothing", x="1") == (
        400, {"error": "no handler found for uri [/_plugins/_ml/nothing] and method [GET]"})


def test_unrecognized_query_parameters_are_rejected(api: Api) -> None:
    assert api("GET", f"{MODELS}/_search", {"query": {"match_all": {}}}, size="10") == bad(
        "request [/_plugins/_ml/models/_search] contains unrecognized parameter: [size]")
    assert api("POST", f"{MODELS}/_register", {}, deplyo="true", prety="1") == bad(
        "request [/_plugins/_ml/models/_register] contains unrecognized parameters: "
        "[deplyo] -> did you mean [deploy]?, [prety] -> did you mean [pretty]?")
    assert api("POST", f"{GROUPS}/_register", None, source='{"name": "x"}') == bad(
        "request [/_plugins/_ml/model_groups/_register] contains unrecognized parameter: [source]")


def test_malformed_json_is_a_parse_error(api: Api) -> None:
    reason = f"Unexpected character ('}}' (code 125)): expected a value\n at [Source: {JSON_SOURCE}; byte offset: #8]"
    assert api("POST", f"{GROUPS}/_register", '{"name":}') == (400, {
        "error": {"root_cause": [{"type": "json_parse_exception", "reason": reason}], "type": "json_parse_exception",
                  "reason": reason, "caused_by": {"type": "stream_read_exception", "reason": reason}},
        "status": 400})
    status, body = api("POST", f"{CONNECTORS}/_create", '{"name": ')
    assert (status, body["error"]["type"], body["status"]) == (400, "unexpected_end_of_input_exception", 400)


def test_a_body_that_is_not_an_object_is_a_parsing_exception(api: Api) -> None:
    reason = "Failed to parse object: expecting token of type [START_OBJECT] but found [START_ARRAY]"
    entry = {"type": "parsing_exception", "reason": reason, "line": 1, "col": 1}
    assert api("POST", f"{GROUPS}/_register", [1]) == (400, {"error": {"root_cause": [entry], **entry},
                                                             "status": 400})


def test_unknown_fields_of_a_search_body_are_parsing_exceptions(api: Api, ml_names: Names) -> None:
    register_group(api, ml_names("er-unknown-field"))  # the group index exists
    # Line and column point at the offending token of the body as sent (opensearch-py sends compact JSON).
    entry = {"type": "parsing_exception", "reason": "Unknown key for a VALUE_NUMBER in [bogus].", "line": 1,
             "col": 35}
    assert api("POST", f"{GROUPS}/_search", {"query": {"match_all": {}}, "bogus": 1}) == (
        400, {"error": {"root_cause": [entry], **entry}, "status": 400})
    entry = {"type": "parsing_exception", "reason": "unknown query [nope]", "line": 1, "col": 18}
    assert api("POST", f"{GROUPS}/_search", {"query": {"nope": {}}}) == (400, {"error": {
        "root_cause": [entry], **entry,
        "caused_by": {"type": "named_object_not_found_exception", "reason": "[1:18] unknown field [nope]"}},
        "status": 400})


def test_search_needs_a_body_or_a_source_parameter(api: Api, resources: dict[str, str]) -> None:
    assert api("GET", f"{MODELS}/_search") == bad("request body or source parameter is required", "parse_exception")
    assert api("GET", f"{GROUPS}/_search", None, source='{"query": {"match_all": {}}}') == bad(
        "source and source_content_type parameters are required", "illegal_state_exception", 500)


def test_put_on_a_search_path_reaches_the_update_route(api: Api, resources: dict[str, str]) -> None:
    assert api("PUT", f"{MODELS}/_search", {"name": "x"}) == not_found(
        "Failed to find model to update with the provided model id: _search")


def test_shard_failures_of_model_search_are_wrapped_by_the_plugin(api: Api, resources: dict[str, str]) -> None:
    """Sorting on a text field fails on the shards; the model search wraps that into a 500, connectors do not."""
    status, body = api("POST", f"{MODELS}/_search", {**by_ids(resources["model_id"]), "sort": [{"name": "asc"}]})
    assert (status, body["error"]["type"]) == (500, "status_exception")
    assert body["error"]["reason"].startswith("Text fields are not optimised for operations")
    status, body = api("POST", f"{CONNECTORS}/_search", {**by_ids(resources["connector_id"]),
                                                          "sort": [{"name": "asc"}]})
    assert (status, body["error"]["type"]) == (400, "search_phase_execution_exception")
