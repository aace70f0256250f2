"""Model groups: register, get, update, delete, with the plugin's bodies and messages (security off)."""

from __future__ import annotations

import pytest

from tests.conformance.builders import (
    DOC_ID,
    GROUP_INDEX,
    GROUPS,
    MAC_DISABLED,
    MISSING,
    MODELS,
    UNSAFE,
    Api,
    Names,
    assert_deleted_twice,
    bad,
    count_named,
    get,
    not_found,
    register_group,
    remote_model,
)

pytestmark = pytest.mark.conformance


def test_register_answers_the_new_id_and_created(api: Api, ml_names: Names) -> None:
    status, body = api("POST", f"{GROUPS}/_register", {"name": ml_names("mg-register")})
    assert status == 200
    assert list(body) == ["model_group_id", "status"]
    assert body["status"] == "CREATED"
    assert DOC_ID.match(body["model_group_id"])


def test_register_then_get_returns_the_stored_document(api: Api, ml_names: Names, ml_snapshot) -> None:
    name = ml_names("mg-get")
    group_id = register_group(api, name, description="This is a public model group")
    status, body = api("GET", f"{GROUPS}/{group_id}")
    assert status == 200
    assert body == {"name": name, "latest_version": 0, "description": "This is a public model group",
                    "access": "public", "created_time": body["created_time"],
                    "last_updated_time": body["created_time"]}
    assert list(body) == ["name", "latest_version", "description", "access", "created_time", "last_updated_time"]
    ml_snapshot.match("group", body)


def test_unknown_fields_in_the_register_body_are_ignored(api: Api, ml_names: Names) -> None:
    name = ml_names("mg-unknown-field")
    group_id = register_group(api, name, colour="blue", latest_version=7)
    assert get(api, f"{GROUPS}/{group_id}")["latest_version"] == 0


def test_register_without_body_is_a_parse_error(api: Api) -> None:
    assert api("POST", f"{GROUPS}/_register") == bad("Model group request has empty body", "parse_exception")


def test_register_without_name_is_a_null_pointer_500(api: Api) -> None:
    for body in ({"description": "x"}, {}):
        assert api("POST", f"{GROUPS}/_register", body) == bad(
            "model group name must not be null", "null_pointer_exception", 500)


def test_names_and_descriptions_must_be_safe_text(api: Api, ml_names: Names) -> None:
    assert api("POST", f"{GROUPS}/_register", {"name": "", "description": "<b>"}) == bad(
        "Validation Failed: 1: Model group name is required and cannot be null or blank;"
        f"2: Model group description {UNSAFE};", "action_request_validation_exception")
    group_id = register_group(api, ml_names("mg-safe"))
    assert api("PUT", f"{GROUPS}/{group_id}", {"name": "a&b"}) == bad(
        f"Validation Failed: 1: Model group name {UNSAFE};", "action_request_validation_exception")


def test_names_are_unique_and_case_sensitive(api: Api, ml_names: Names) -> None:
    name = ml_names("mg-dup")
    group_id = register_group(api, name)
    assert api("POST", f"{GROUPS}/_register", {"name": name, "description": "again"}) == bad(
        f"The name you provided is already being used by a model group with ID: {group_id}.")
    assert count_named(api, GROUPS, name) == 1
    register_group(api, ml_names("mg-DUP"))


def test_access_fields_are_refused_while_security_is_off(api: Api, ml_names: Names) -> None:
    name = ml_names("mg-acl")
    for extra in ({"access_mode": "public"}, {"add_all_backend_roles": False}, {"backend_roles": ["IT"]}):
        assert api("POST", f"{GROUPS}/_register", {"name": name, **extra}) == bad(MAC_DISABLED)
    assert count_named(api, GROUPS, name) == 0
    # An empty role list and an access mode the plugin does not know count as not given.
    register_group(api, name, backend_roles=[])
    register_group(api, ml_names("mg-acl-bogus"), access_mode="bogus")



def test_update_renames_and_describes(api: Api, ml_names: Names) -> None:
    group_id = register_group(api, ml_names("mg-old"))
    new_name = ml_names("mg-new")
    assert api("PUT", f"{GROUPS}/{group_id}", {"name": new_name, "description": "d"}) == (200, {"status": "Updated"})
    body = get(api, f"{GROUPS}/{group_id}")
    assert (body["name"], body["description"], body["latest_version"]) == (new_name, "d", 0)
    assert body["last_updated_time"] >= body["created_time"]


def test_update_ignores_blank_name_and_description(api: Api, ml_names: Names) -> None:
    name = ml_names("mg-blank")
    group_id = register_group(api, name, description="kept")
    assert api("PUT", f"{GROUPS}/{group_id}", {"name": "  ", "description": ""}) == (200, {"status": "Updated"})
    body = get(api, f"{GROUPS}/{group_id}")
    assert (body["name"], body["description"]) == (name, "kept")


def test_update_to_its_own_name_is_not_a_conflict(api: Api, ml_names: Names) -> None:
    name = ml_names("mg-same")
    group_id = register_group(api, name)
    assert api("PUT", f"{GROUPS}/{group_id}", {"name": name}) == (200, {"status": "Updated"})


def test_update_rejects_a_name_in_use(api: Api, ml_names: Names) -> None:
    first_name = ml_names("mg-first")
    first = register_group(api, first_name)
    second = register_group(api, ml_names("mg-second"))
    assert api("PUT", f"{GROUPS}/{second}", {"name": first_name}) == bad(
        f"The name you provided is already being used by another model with ID: {first}. "
        "Please provide a different name")


def test_update_errors(api: Api, ml_names: Names) -> None:
    group_id = register_group(api, ml_names("mg-update-errors"))
    assert api("PUT", f"{GROUPS}/{MISSING}", {"name": "x"}) == not_found(
        f"Failed to find model group with the provided model group id: {MISSING}")
    assert api("PUT", f"{GROUPS}/{group_id}") == bad("Model group request has empty body", "i_o_exception", 500)
    assert api("PUT", f"{GROUPS}/{group_id}", {}) == (200, {"status": "Updated"})
    assert api("PUT", f"{GROUPS}/{group_id}", {"access_mode": "private"}) == bad(MAC_DISABLED)


def test_delete_group_then_delete_again_is_not_found_with_200(api: Api, ml_names: Names) -> None:
    group_id = register_group(api, ml_names("mg-delete"))
    assert_deleted_twice(api, f"{GROUPS}/{group_id}", index=GROUP_INDEX, doc_id=group_id,
                         gone=f"Failed to find model group with the provided model group id: {group_id}")


def test_delete_refused_while_models_remain(api: Api, ml_names: Names) -> None:
    ids = remote_model(api, ml_names, "mg-in-use")
    assert api("DELETE", f"{GROUPS}/{ids['model_group_id']}") == bad(
        "Cannot delete the model group when it has associated model versions", "status_exception", 409)
    assert get(api, f"{GROUPS}/{ids['model_group_id']}")["latest_version"] == 1


def test_latest_version_counts_registrations_and_survives_model_deletes(api: Api, ml_names: Names) -> None:
    ids = remote_model(api, ml_names, "mg-versions")
    status, second = api("POST", f"{MODELS}/_register", {
        "name": ml_names("mg-versions-model-2"), "function_name": "remote",
        "model_group_id": ids["model_group_id"], "connector_id": ids["connector_id"]})
    assert status == 200, second
    versions = [get(api, f"{MODELS}/{model_id}")["model_version"] for model_id in (ids["model_id"],
                                                                                     second["model_id"])]
    assert versions == ["1", "2"]
    assert get(api, f"{GROUPS}/{ids['model_group_id']}")["latest_version"] == 2
    for model_id in (ids["model_id"], second["model_id"]):
        assert api("DELETE", f"{MODELS}/{model_id}")[0] == 200
    # Deleting the last model keeps the group and its latest_version (the group's own delete is separate).
    assert get(api, f"{GROUPS}/{ids['model_group_id']}")["latest_version"] == 2
