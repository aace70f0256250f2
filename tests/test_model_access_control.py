"""Model access control on model groups: who sees, changes and deletes a group, cell by cell.

alice (IT, HR) owns the groups; tom shares IT with her; fay is in Finance; nora has
no backend role. All four have ``ml_full_access``; admin has ``all_access``.
"""

from __future__ import annotations

from typing import Any

import pytest
from opensearchpy import TransportError

from emulator import Emulator
from emulator.domain.model_groups import MAC_DISABLED

ADMIN = ("admin", "admin")
GROUPS = "/_plugins/_ml/model_groups"
PEOPLE = {"alice": ["IT", "HR"], "tom": ["IT"], "fay": ["Finance"], "nora": []}


def call(emulator: Emulator, user: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    auth = ADMIN if user == "admin" else (user, f"{user}-Passw0rd!")
    path, _, query = path.partition("?")
    params = dict(pair.split("=", 1) for pair in query.split("&")) if query else None
    try:
        return 200, emulator.client(http_auth=auth).transport.perform_request(method, path, params=params,
                                                                              body=body)
    except TransportError as error:
        return int(error.status_code), error.info


def error(reason: str, type_: str = "illegal_argument_exception", status: int = 400) -> tuple[int, Any]:
    return status, {"error": {"root_cause": [{"type": type_, "reason": reason}], "type": type_, "reason": reason},
                    "status": status}


def make_cluster(access_control: bool = True) -> Emulator:
    emulator = Emulator(security=True)
    for name, roles in PEOPLE.items():
        call(emulator, "admin", "PUT", f"/_plugins/_security/api/internalusers/{name}",
             {"password": f"{name}-Passw0rd!", "backend_roles": roles})
    call(emulator, "admin", "PUT", "/_plugins/_security/api/rolesmapping/ml_full_access", {"users": list(PEOPLE)})
    if access_control:
        assert call(emulator, "admin", "PUT", "/_cluster/settings",
                    {"persistent": {"plugins.ml_commons.model_access_control_enabled": True}})[0] == 200
    return emulator


@pytest.fixture(scope="module")
def cluster() -> tuple[Emulator, dict[str, str]]:
    emulator = make_cluster()
    groups = {}
    for mode, extra in (("public", {}), ("private", {}), ("restricted", {"backend_roles": ["IT"]})):
        status, answer = call(emulator, "alice", "POST", f"{GROUPS}/_register",
                              {"name": f"{mode}-group", "access_mode": mode, **extra})
        assert status == 200, answer
        groups[mode] = answer["model_group_id"]
    return emulator, groups


SEES = {  # (user, mode) -> may see/use
    ("admin", "public"): True, ("admin", "private"): True, ("admin", "restricted"): True,
    ("alice", "public"): True, ("alice", "private"): True, ("alice", "restricted"): True,
    ("tom", "public"): True, ("tom", "private"): False, ("tom", "restricted"): True,
    ("fay", "public"): True, ("fay", "private"): False, ("fay", "restricted"): False,
    ("nora", "public"): True, ("nora", "private"): False, ("nora", "restricted"): False,
}


@pytest.mark.parametrize(("user", "mode"), sorted(SEES))
def test_get_a_model_group(cluster: tuple[Emulator, dict[str, str]], user: str, mode: str) -> None:
    emulator, groups = cluster
    status, answer = call(emulator, user, "GET", f"{GROUPS}/{groups[mode]}")
    if SEES[(user, mode)]:
        assert status == 200 and answer["name"] == f"{mode}-group"
    else:
        assert (status, answer) == error("User doesn't have privilege to perform this operation on this model group",
                                         "status_exception", 403)


@pytest.mark.parametrize("user", ["admin", *PEOPLE])
def test_search_shows_only_the_groups_the_caller_may_see(cluster: tuple[Emulator, dict[str, str]], user: str) -> None:
    emulator, _ = cluster
    status, answer = call(emulator, user, "POST", f"{GROUPS}/_search", {"query": {"match_all": {}}, "size": 100})
    assert status == 200
    seen = sorted(hit["_source"]["name"].split("-")[0] for hit in answer["hits"]["hits"])
    assert seen == sorted(mode for (who, mode), sees in SEES.items() if who == user and sees)


UPDATE_NAME = {  # (user, mode) -> None when allowed, else the refusal
    ("tom", "private"): "You don't have permission to update this model group.",
    ("fay", "private"): "You don't have permission to update this model group.",
    ("fay", "restricted"): "You don't have permission to update this model group.",
    ("nora", "private"): "You don't have permission to update this model group.",
    ("nora", "restricted"): "You don't have permission to update this model group.",
}


@pytest.mark.parametrize(("user", "mode"), sorted(SEES))
def test_update_a_model_groups_description(cluster: tuple[Emulator, dict[str, str]], user: str, mode: str) -> None:
    emulator, groups = cluster
    answer = call(emulator, user, "PUT", f"{GROUPS}/{groups[mode]}", {"description": f"edited by {user}"})
    refusal = UPDATE_NAME.get((user, mode))
    assert answer == ((200, {"status": "Updated"}) if refusal is None else error(refusal))


@pytest.mark.parametrize("user", ["tom", "fay", "nora"])
def test_only_the_owner_or_an_admin_changes_access(cluster: tuple[Emulator, dict[str, str]], user: str) -> None:
    emulator, groups = cluster
    assert call(emulator, user, "PUT", f"{GROUPS}/{groups['public']}", {"access_mode": "public"}) == error(
        "Only owner or admin can update access control data.")


@pytest.mark.parametrize(("user", "mode"), sorted(SEES))
def test_delete_a_model_group(user: str, mode: str) -> None:
    emulator = make_cluster()
    extra = {"backend_roles": ["IT"]} if mode == "restricted" else {}
    group_id = call(emulator, "alice", "POST", f"{GROUPS}/_register",
                    {"name": "doomed", "access_mode": mode, **extra})[1]["model_group_id"]
    status, answer = call(emulator, user, "DELETE", f"{GROUPS}/{group_id}")
    if SEES[(user, mode)]:
        assert (status, answer["result"]) == (200, "deleted")
    else:
        assert (status, answer) == error("User doesn't have privilege to delete this model group",
                                         "m_l_validation_exception", 500)


def test_a_new_group_stores_its_owner_and_defaults_to_private() -> None:
    emulator = make_cluster()
    group_id = call(emulator, "alice", "POST", f"{GROUPS}/_register", {"name": "mine"})[1]["model_group_id"]
    status, group = call(emulator, "alice", "GET", f"{GROUPS}/{group_id}")
    assert status == 200
    assert list(group) == ["name", "latest_version", "owner", "access", "created_time", "last_updated_time"]
    assert group["owner"] == {"name": "alice", "backend_roles": ["IT", "HR"], "roles": ["ml_full_access"],
                              "custom_attribute_names": [], "user_requested_tenant": None}
    assert group["access"] == "private"
    group_id = call(emulator, "alice", "POST", f"{GROUPS}/_register",
                    {"name": "team", "add_all_backend_roles": True})[1]["model_group_id"]
    team = call(emulator, "alice", "GET", f"{GROUPS}/{group_id}")[1]
    assert (team["access"], team["backend_roles"]) == ("restricted", ["IT", "HR"])


@pytest.mark.parametrize(("user", "body", "reason"), [
    ("alice", {"backend_roles": ["IT"], "add_all_backend_roles": True},
     "You cannot specify backend roles and add all backend roles at the same time."),
    ("alice", {"access_mode": "public", "backend_roles": ["IT"]},
     "You can specify backend roles only for a model group with the restricted access mode."),
    ("alice", {"access_mode": "private", "add_all_backend_roles": True},
     "You can specify backend roles only for a model group with the restricted access mode."),
    ("admin", {"access_mode": "restricted", "add_all_backend_roles": True},
     "Admin users cannot add all backend roles to a model group."),
    ("nora", {"access_mode": "restricted", "backend_roles": ["IT"]},
     "You must have at least one backend role to register a restricted model group."),
    ("alice", {"access_mode": "restricted"},
     "You must specify one or more backend roles or add all backend roles to register a restricted model group."),
    ("alice", {"access_mode": "restricted", "backend_roles": ["Finance"]},
     "You don't have the backend roles specified."),
])
def test_register_refuses_inconsistent_access_fields(user: str, body: dict[str, Any], reason: str) -> None:
    emulator = make_cluster()
    assert call(emulator, user, "POST", f"{GROUPS}/_register", {"name": "g", **body}) == error(reason)
    assert call(emulator, "admin", "POST", f"{GROUPS}/_search", {"query": {"match_all": {}}})[1]["hits"]["hits"] == []


def test_an_admin_may_name_any_backend_roles() -> None:
    emulator = make_cluster()
    assert call(emulator, "admin", "POST", f"{GROUPS}/_register",
                {"name": "g", "access_mode": "restricted", "backend_roles": ["Finance"]})[0] == 200


@pytest.mark.parametrize("body", [{"access_mode": "public"}, {"add_all_backend_roles": False},
                                  {"backend_roles": ["IT"]}])
def test_with_security_on_but_access_control_off_access_fields_are_refused(body: dict[str, Any]) -> None:
    emulator = make_cluster(access_control=False)
    assert call(emulator, "alice", "POST", f"{GROUPS}/_register", {"name": "g", **body}) == error(MAC_DISABLED)
    group_id = call(emulator, "alice", "POST", f"{GROUPS}/_register", {"name": "g"})[1]["model_group_id"]
    group = call(emulator, "fay", "GET", f"{GROUPS}/{group_id}")[1]
    assert group["access"] == "public" and "owner" not in group


def test_the_owner_changes_a_group_to_restricted_and_the_team_gets_in() -> None:
    emulator = make_cluster()
    group_id = call(emulator, "alice", "POST", f"{GROUPS}/_register", {"name": "g"})[1]["model_group_id"]
    assert call(emulator, "tom", "GET", f"{GROUPS}/{group_id}")[0] == 403
    assert call(emulator, "alice", "PUT", f"{GROUPS}/{group_id}", {"backend_roles": ["IT"]}) == (
        200, {"status": "Updated"})
    group = call(emulator, "tom", "GET", f"{GROUPS}/{group_id}")[1]
    assert (group["access"], group["backend_roles"]) == ("restricted", ["IT"])
    assert call(emulator, "alice", "PUT", f"{GROUPS}/{group_id}", {"access_mode": "private"}) == (
        200, {"status": "Updated"})
    assert call(emulator, "tom", "GET", f"{GROUPS}/{group_id}")[0] == 403


@pytest.fixture(scope="module")
def models() -> tuple[Emulator, dict[str, str]]:
    """alice's deployed chat model in each of her three groups, the vendor answering in-process."""
    import responses

    from emulator.vendors.responses_adapter import session_for
    from tests import builders

    emulator = make_cluster()
    vendor = responses.RequestsMock(assert_all_requests_are_fired=False)
    vendor.post(builders.OPENAI_URL, json=builders.OPENAI_CHAT_RESPONSE)
    emulator.session = session_for(vendor)
    connector_id = call(emulator, "alice", "POST", "/_plugins/_ml/connectors/_create",
                        builders.connector())[1]["connector_id"]
    ids = {}
    for mode, extra in (("public", {}), ("private", {}), ("restricted", {"backend_roles": ["IT"]})):
        group_id = call(emulator, "alice", "POST", f"{GROUPS}/_register",
                        {"name": f"{mode}-models", "access_mode": mode, **extra})[1]["model_group_id"]
        status, model = call(emulator, "alice", "POST", "/_plugins/_ml/models/_register?deploy=true", {
            "name": f"{mode}-chat", "function_name": "remote", "model_group_id": group_id,
            "connector_id": connector_id})
        assert status == 200, model
        ids[mode] = model["model_id"]
    return emulator, ids


NO_MODEL = "User doesn't have privilege to perform this operation on this model"
PREDICT_BODY = {"parameters": {"messages": [{"role": "user", "content": "Hello!"}]}}


@pytest.mark.parametrize(("user", "mode"), sorted(SEES))
@pytest.mark.parametrize("operation", ["get", "predict", "deploy", "update", "undeploy"])
def test_model_operations_follow_the_group(models: tuple[Emulator, dict[str, str]], user: str, mode: str,
                                           operation: str) -> None:
    emulator, ids = models
    model_id = ids[mode]
    path = f"/_plugins/_ml/models/{model_id}"
    request = {"get": ("GET", path, None), "predict": ("POST", f"{path}/_predict", PREDICT_BODY),
               "deploy": ("POST", f"{path}/_deploy", None),
               "update": ("PUT", path, {"description": f"edited by {user}"}),
               "undeploy": ("POST", f"{path}/_undeploy", None)}[operation]
    status, answer = call(emulator, user, *request)
    if operation == "undeploy" and status == 200:
        call(emulator, "admin", "POST", f"{path}/_deploy")  # the next cells expect it deployed
    if SEES[(user, mode)]:
        assert status == 200, answer
    elif operation == "undeploy":
        assert (status, answer) == error(f"No permission to undeploy model {model_id}")
    elif operation == "update":
        assert (status, answer) == error(f"{NO_MODEL}, model ID {model_id}", "status_exception", 403)
    else:
        assert (status, answer) == error(NO_MODEL, "status_exception", 403)


@pytest.mark.parametrize("user", ["admin", *PEOPLE])
def test_model_search_shows_the_models_of_visible_groups(models: tuple[Emulator, dict[str, str]],
                                                         user: str) -> None:
    emulator, _ = models
    status, answer = call(emulator, user, "POST", "/_plugins/_ml/models/_search", {"query": {"match_all": {}}})
    assert status == 200
    seen = sorted(hit["_source"]["name"].split("-")[0] for hit in answer["hits"]["hits"])
    assert seen == sorted(mode for (who, mode), sees in SEES.items() if who == user and sees)


def test_undeploying_several_models_at_once_is_refused_with_access_control_on(
        models: tuple[Emulator, dict[str, str]]) -> None:
    emulator, ids = models
    assert call(emulator, "admin", "POST", "/_plugins/_ml/models/_undeploy",
                {"model_ids": [ids["public"], ids["private"]]}) == error("only support undeploy one model")


@pytest.mark.parametrize("user", ["tom", "fay"])
def test_deleting_a_model_of_a_private_group_is_the_owners(user: str) -> None:
    emulator = make_cluster()
    group_id = call(emulator, "alice", "POST", f"{GROUPS}/_register", {"name": "mine"})[1]["model_group_id"]
    from tests import builders

    model_id = call(emulator, "alice", "POST", "/_plugins/_ml/models/_register", {
        "name": "chat", "function_name": "remote", "model_group_id": group_id,
        "connector": builders.connector()})[1]["model_id"]
    assert call(emulator, user, "DELETE", f"/_plugins/_ml/models/{model_id}") == error(NO_MODEL, "status_exception",
                                                                                        403)
    assert call(emulator, "alice", "DELETE", f"/_plugins/_ml/models/{model_id}")[1]["result"] == "deleted"
