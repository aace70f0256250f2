"""Connector access control: the seed's remote-model steps with the Security plugin on, by two teams.

alice and tom are in IT, bob is in Finance; all three have ``ml_full_access``.
Everything goes over HTTP to an emulator with security on, as a user's scripts would.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import responses

from emulator import Emulator
from emulator.domain.connectors import CAC_DISABLED
from emulator.vendors.responses_adapter import session_for
from tests import builders

ML = "/_plugins/_ml"
TEAM = {"alice": ["IT"], "tom": ["IT"], "bob": ["Finance"]}


class Cluster:
    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, user: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        auth = ("admin", "admin") if user == "admin" else (user, f"{user}-Passw0rd!")
        answer = requests.request(method, self.url + path, json=body, auth=auth, timeout=10)
        return answer.status_code, answer.json()


def error(reason: str, type_: str = "illegal_argument_exception", status: int = 400) -> tuple[int, Any]:
    return status, {"error": {"root_cause": [{"type": type_, "reason": reason}], "type": type_, "reason": reason},
                    "status": status}


def start(emulator: Emulator, *, access_control: bool = True) -> Iterator[Cluster]:
    with emulator.serve() as server:
        cluster = Cluster(server.url)
        for name, roles in TEAM.items():
            cluster.call("admin", "PUT", f"/_plugins/_security/api/internalusers/{name}",
                         {"password": f"{name}-Passw0rd!", "backend_roles": roles})
        cluster.call("admin", "PUT", "/_plugins/_security/api/rolesmapping/ml_full_access", {"users": list(TEAM)})
        if access_control:
            assert cluster.call("admin", "PUT", "/_cluster/settings", {"persistent": {
                "plugins.ml_commons.connector_access_control_enabled": True,
                "plugins.ml_commons.model_access_control_enabled": True}})[0] == 200
        yield cluster


@pytest.fixture
def vendor() -> responses.RequestsMock:
    """The vendor, for the emulator's session only (not started: nothing is patched globally)."""
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    mock.post(builders.OPENAI_URL, json=builders.OPENAI_CHAT_RESPONSE)
    return mock


@pytest.fixture
def cluster(vendor: responses.RequestsMock) -> Iterator[Cluster]:
    emulator = Emulator(security=True)
    emulator.session = session_for(vendor)
    yield from start(emulator)


def test_the_seed_steps_for_one_team_stay_out_of_reach_of_another(cluster: Cluster) -> None:
    # Step 1 and 2, by alice: a group and a connector shared with her backend roles.
    status, group = cluster.call("alice", "POST", f"{ML}/model_groups/_register",
                                 {"name": "remote_model_group", "description": "A model group for remote models",
                                  "add_all_backend_roles": True})
    assert status == 200
    status, created = cluster.call("alice", "POST", f"{ML}/connectors/_create",
                                   builders.connector(add_all_backend_roles=True))
    assert status == 200
    connector_id = created["connector_id"]
    status, connector = cluster.call("tom", "GET", f"{ML}/connectors/{connector_id}")
    assert status == 200 and "credential" not in connector
    assert (connector["access"], connector["backend_roles"], connector["owner"]["name"]) == (
        "restricted", ["IT"], "alice")
    assert cluster.call("bob", "GET", f"{ML}/connectors/{connector_id}") == error(
        "You don't have permission to access this connector", "status_exception", 403)

    # Step 3: bob may neither use alice's connector nor her group.
    status, bobs_group = cluster.call("bob", "POST", f"{ML}/model_groups/_register", {"name": "finance_models"})
    assert status == 200
    model = {"name": "openAI-gpt-3.5-turbo", "function_name": "remote", "description": "test model",
             "connector_id": connector_id}
    assert cluster.call("bob", "POST", f"{ML}/models/_register",
                        {**model, "model_group_id": bobs_group["model_group_id"]}) == error(
        f"You don't have permission to use the connector provided, connector id: {connector_id}")
    assert cluster.call("bob", "POST", f"{ML}/models/_register",
                        {**model, "model_group_id": group["model_group_id"]}) == error(
        "You don't have permissions to perform this operation on this model.")

    # Steps 3 to 5 by tom, who shares IT with alice.
    status, registered = cluster.call("tom", "POST", f"{ML}/models/_register",
                                      {**model, "model_group_id": group["model_group_id"]})
    assert status == 200, registered
    model_id = registered["model_id"]
    assert cluster.call("tom", "POST", f"{ML}/models/{model_id}/_deploy")[0] == 200
    status, answer = cluster.call("tom", "POST", f"{ML}/models/{model_id}/_predict", {"parameters": {
        "messages": [{"role": "system", "content": "You are a helpful assistant."},
                     {"role": "user", "content": "Hello!"}]}})
    assert status == 200
    assert answer["inference_results"][0]["output"][0]["dataAsMap"] == builders.OPENAI_CHAT_RESPONSE

    # bob cannot change or remove the connector, and does not find it.
    assert cluster.call("bob", "PUT", f"{ML}/connectors/{connector_id}", {"description": "mine now"}) == error(
        f"You don't have permission to update the connector, connector id: {connector_id}")
    assert cluster.call("bob", "DELETE", f"{ML}/connectors/{connector_id}") == error(
        "You are not allowed to delete this connector", "m_l_validation_exception", 500)
    for user, expected in (("bob", []), ("tom", [connector_id]), ("admin", [connector_id])):
        status, found = cluster.call(user, "POST", f"{ML}/connectors/_search", {"query": {"match_all": {}}})
        assert [hit["_id"] for hit in found["hits"]["hits"]] == expected


def test_an_existing_group_name_the_caller_cannot_use_is_refused_by_name(cluster: Cluster) -> None:
    status, group = cluster.call("alice", "POST", f"{ML}/model_groups/_register", {"name": "chat"})
    connector_id = cluster.call("bob", "POST", f"{ML}/connectors/_create",
                                builders.connector(access_mode="public"))[1]["connector_id"]
    assert cluster.call("bob", "POST", f"{ML}/models/_register", {
        "name": "chat", "function_name": "remote", "connector_id": connector_id}) == error(
        f"The name {{chat}} you provided is unavailable because it is used by another model group with id "
        f"{{{group['model_group_id']}}} to which you do not have access. Please provide a different name.")


@pytest.mark.parametrize(("user", "fields", "reason"), [
    ("admin", {"add_all_backend_roles": True}, "Admin can't add all backend roles"),
    ("alice", {"access_mode": "public", "backend_roles": ["IT"]},
     "You can specify backend roles only for a connector with the restricted access mode."),
    ("alice", {"access_mode": "restricted", "backend_roles": ["IT"], "add_all_backend_roles": True},
     "You can't specify backend roles and add all backend roles to true at same time."),
    ("alice", {"access_mode": "restricted"},
     "You must specify at least one backend role or make the connector public/private for registering it."),
    ("alice", {"backend_roles": ["Finance"]}, "You don't have the backend roles specified."),
])
def test_create_refuses_inconsistent_access_fields(cluster: Cluster, user: str, fields: dict[str, Any],
                                                   reason: str) -> None:
    assert cluster.call(user, "POST", f"{ML}/connectors/_create", builders.connector(**fields)) == error(reason)


def test_a_connector_without_access_fields_is_private_to_its_owner(cluster: Cluster) -> None:
    connector_id = cluster.call("alice", "POST", f"{ML}/connectors/_create",
                                builders.connector())[1]["connector_id"]
    status, connector = cluster.call("alice", "GET", f"{ML}/connectors/{connector_id}")
    assert (status, connector["access"], "backend_roles" in connector) == (200, "private", False)
    assert cluster.call("tom", "GET", f"{ML}/connectors/{connector_id}")[0] == 403
    assert cluster.call("admin", "GET", f"{ML}/connectors/{connector_id}")[0] == 200


@pytest.mark.parametrize("fields", [{"access_mode": "public"}, {"add_all_backend_roles": False},
                                    {"backend_roles": ["IT"]}])
def test_with_connector_access_control_off_access_fields_are_refused(fields: dict[str, Any]) -> None:
    for cluster in start(Emulator(security=True), access_control=False):
        assert cluster.call("alice", "POST", f"{ML}/connectors/_create", builders.connector(**fields)) == error(
            CAC_DISABLED)
        connector_id = cluster.call("alice", "POST", f"{ML}/connectors/_create",
                                    builders.connector())[1]["connector_id"]
        status, connector = cluster.call("bob", "GET", f"{ML}/connectors/{connector_id}")
        assert status == 200 and "owner" not in connector and "access" not in connector


def test_a_model_cannot_be_moved_to_a_group_or_connector_the_caller_may_not_use(cluster: Cluster) -> None:
    group = cluster.call("tom", "POST", f"{ML}/model_groups/_register", {"name": "toms"})[1]["model_group_id"]
    own_connector = cluster.call("tom", "POST", f"{ML}/connectors/_create", builders.connector())[1]["connector_id"]
    model_id = cluster.call("tom", "POST", f"{ML}/models/_register", {
        "name": "chat", "function_name": "remote", "model_group_id": group,
        "connector_id": own_connector})[1]["model_id"]
    bobs_group = cluster.call("bob", "POST", f"{ML}/model_groups/_register", {"name": "bobs"})[1]["model_group_id"]
    bobs_connector = cluster.call("bob", "POST", f"{ML}/connectors/_create",
                                  builders.connector())[1]["connector_id"]
    assert cluster.call("tom", "PUT", f"{ML}/models/{model_id}", {"model_group_id": bobs_group}) == error(
        "User Doesn't have privilege to re-link this model to the target model group due to no access to the target "
        f"model group with model group ID {bobs_group}", "status_exception", 403)
    assert cluster.call("tom", "PUT", f"{ML}/models/{model_id}", {"connector_id": bobs_connector}) == error(
        f"You don't have permission to update the connector, connector id: {bobs_connector}", "status_exception", 403)
    model = cluster.call("tom", "GET", f"{ML}/models/{model_id}")[1]
    assert (model["model_group_id"], model["connector_id"]) == (group, own_connector)


def test_with_access_control_on_a_missing_connector_is_not_found_even_with_an_interface(cluster: Cluster) -> None:
    assert cluster.call("alice", "POST", f"{ML}/models/_register", {
        "name": "chat", "function_name": "remote", "connector_id": "no-such-connector",
        "interface": {"input": "{}", "output": "{}"}}) == error("Failed to find connector:no-such-connector",
                                                               "status_exception", 404)
