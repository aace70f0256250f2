"""Model groups: register, get, update, delete, search — with the plugin's messages."""

from __future__ import annotations

from tests.builders import error
from tests.conftest import Api

G = "/_plugins/_ml/model_groups"
MAC_DISABLED = ("You cannot specify model access control parameters because the Security plugin or model access "
                "control is disabled on your cluster.")


def register(api: Api, name: str = "group", **extra: object) -> str:
    status, body = api("POST", f"{G}/_register", {"name": name, **extra})
    assert status == 200, body
    assert body["status"] == "CREATED"
    return body["model_group_id"]


def test_register_then_get_returns_the_stored_document(api: Api) -> None:
    group_id = register(api, "test_model_group", description="This is a public model group")
    status, body = api("GET", f"{G}/{group_id}")
    assert status == 200
    assert body == {"name": "test_model_group", "latest_version": 0, "description": "This is a public model group",
                    "access": "public", "created_time": body["created_time"],
                    "last_updated_time": body["created_time"]}
    assert list(body) == ["name", "latest_version", "description", "access", "created_time", "last_updated_time"]


def test_register_without_body_is_a_parse_error(api: Api) -> None:
    assert api("POST", f"{G}/_register") == (400, error("parse_exception", "Model group request has empty body", 400))


def test_register_without_name_is_a_null_pointer_500(api: Api) -> None:
    for body in ({"description": "x"}, {}):
        assert api("POST", f"{G}/_register", body) == (
            500, error("null_pointer_exception", "model group name must not be null", 500))


def test_names_and_descriptions_must_be_safe_text(api: Api) -> None:
    unsafe = "can only contain letters, numbers, spaces, and basic punctuation (.,!?():@-_'/\")"
    assert api("POST", f"{G}/_register", {"name": "", "description": "<b>"}) == (400, error(
        "action_request_validation_exception",
        "Validation Failed: 1: Model group name is required and cannot be null or blank;"
        f"2: Model group description {unsafe};", 400))
    group_id = register(api, "fine")
    assert api("PUT", f"{G}/{group_id}", {"name": "a&b"}) == (400, error(
        "action_request_validation_exception", f"Validation Failed: 1: Model group name {unsafe};", 400))


def test_names_are_unique(api: Api) -> None:
    group_id = register(api, "dup")
    assert api("POST", f"{G}/_register", {"name": "dup"}) == (400, error(
        "illegal_argument_exception",
        f"The name you provided is already being used by a model group with ID: {group_id}.", 400))
    register(api, "Dup")  # case-sensitive


def test_access_fields_are_refused_while_security_is_off(api: Api) -> None:
    for extra in ({"access_mode": "public"}, {"add_all_backend_roles": False}, {"backend_roles": ["IT"]}):
        assert api("POST", f"{G}/_register", {"name": "acl", **extra}) == (
            400, error("illegal_argument_exception", MAC_DISABLED, 400))
    register(api, "acl", backend_roles=[])
    register(api, "acl2", access_mode="bogus")


def test_get_missing_group_before_and_after_the_index_exists(api: Api) -> None:
    assert api("GET", f"{G}/nope") == (404, error("status_exception", "Failed to find model group index", 404))
    register(api)
    assert api("GET", f"{G}/nope") == (404, error(
        "status_exception", "Failed to find model group with the provided model group id: nope", 404))


def test_update_renames_and_describes(api: Api) -> None:
    group_id = register(api, "old")
    assert api("PUT", f"{G}/{group_id}", {"name": "new", "description": "d"}) == (200, {"status": "Updated"})
    _, body = api("GET", f"{G}/{group_id}")
    assert (body["name"], body["description"], body["latest_version"]) == ("new", "d", 0)
    assert body["last_updated_time"] >= body["created_time"]


def test_update_rejects_a_name_in_use(api: Api) -> None:
    first = register(api, "first")
    second = register(api, "second")
    assert api("PUT", f"{G}/{second}", {"name": "first"}) == (400, error(
        "illegal_argument_exception",
        f"The name you provided is already being used by another model with ID: {first}. "
        "Please provide a different name", 400))


def test_update_errors(api: Api) -> None:
    assert api("PUT", f"{G}/nope", {"name": "x"}) == (404, error("status_exception", "Failed to find model group", 404))
    group_id = register(api)
    assert api("PUT", f"{G}/nope", {"name": "x"}) == (404, error(
        "status_exception", "Failed to find model group with the provided model group id: nope", 404))
    assert api("PUT", f"{G}/{group_id}") == (500, error("i_o_exception", "Model group request has empty body", 500))
    assert api("PUT", f"{G}/{group_id}", {}) == (200, {"status": "Updated"})
    assert api("PUT", f"{G}/{group_id}", {"access_mode": "private"}) == (
        400, error("illegal_argument_exception", MAC_DISABLED, 400))


def test_delete_group_and_idempotent_not_found(api: Api) -> None:
    assert api("DELETE", f"{G}/nope") == (404, error("status_exception", "Failed to find model group", 404))
    group_id = register(api)
    status, body = api("DELETE", f"{G}/{group_id}")
    assert status == 200
    assert body == {"_index": ".plugins-ml-model-group", "_id": group_id, "_version": 2, "result": "deleted",
                    "forced_refresh": True, "_shards": {"total": 1, "successful": 1, "failed": 0},
                    "_seq_no": body["_seq_no"], "_primary_term": 1}
    status, body = api("DELETE", f"{G}/{group_id}")
    assert (status, body["result"]) == (200, "not_found")


def test_delete_refused_while_models_remain(api: Api, seed_model: dict[str, str]) -> None:
    assert api("DELETE", f"{G}/{seed_model['model_group_id']}") == (409, error(
        "status_exception", "Cannot delete the model group when it has associated model versions", 409))


def test_search_returns_hits_with_versions(api: Api) -> None:
    first = register(api, "alpha")
    register(api, "beta")
    for method in ("POST", "GET"):
        status, body = api(method, f"{G}/_search", {"query": {"term": {"name.keyword": "alpha"}}})
        assert status == 200
        assert body["hits"]["total"] == {"value": 1, "relation": "eq"}
        hit = body["hits"]["hits"][0]
        assert (hit["_index"], hit["_id"], hit["_source"]["name"]) == (".plugins-ml-model-group", first, "alpha")
        assert {"_version", "_seq_no", "_primary_term"} <= set(hit)


def test_search_before_any_group_is_empty(api: Api) -> None:
    status, body = api("POST", f"{G}/_search", {"query": {"match_all": {}}})
    assert status == 200
    assert body["hits"]["total"] == {"value": 0, "relation": "eq"}
    assert body["hits"]["hits"] == []
