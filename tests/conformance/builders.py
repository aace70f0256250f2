"""Requests and checks the conformance modules share.

Everything here goes through the ``api`` fixture only, so it behaves the same on the
emulator, over HTTP, on a container and on a shared cluster: names come from
``ml_names``, searches are limited to the test's own ids or names, and nothing
assumes an empty or fresh node (an unknown-id check first creates a resource of
that kind, so the system index exists on every backend).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from tests import builders
from tests.builders import error

Api = Callable[..., tuple[int, Any]]
Names = Callable[[str], str]

ML = "/_plugins/_ml"
GROUPS = f"{ML}/model_groups"
CONNECTORS = f"{ML}/connectors"
MODELS = f"{ML}/models"
TASKS = f"{ML}/tasks"
SETTINGS = "/_cluster/settings"
SETTING = "plugins.ml_commons."

GROUP_INDEX = ".plugins-ml-model-group"
CONNECTOR_INDEX = ".plugins-ml-connector"
MODEL_INDEX = ".plugins-ml-model"
TASK_INDEX = ".plugins-ml-task"

# An OpenSearch auto-generated document id: 20 URL-safe base64 characters.
DOC_ID = re.compile(r"^[A-Za-z0-9_-]{20}$")
# Ids that no backend generates (generated ids are 20 characters), so "not found" holds on a shared cluster too.
MISSING = "mlconf-no-such-id"
UNSAFE = "can only contain letters, numbers, spaces, and basic punctuation (.,!?():@-_'/\")"
MAC_DISABLED = ("You cannot specify model access control parameters because the Security plugin or model access "
                "control is disabled on your cluster.")
CAC_DISABLED = ("You cannot specify connector access control parameters because the Security plugin or connector "
                "access control is disabled on your cluster.")
UNTRUSTED = "Connector URL is not matching the trusted connector endpoint regex"
# How long a task or a background deploy may take on a real node (instant on the emulator).
WAIT_SECONDS = 30.0


def bad(reason: str, type_: str = "illegal_argument_exception", status: int = 400) -> tuple[int, dict[str, Any]]:
    """``(status, envelope)`` of an error without a cause."""
    return status, error(type_, reason, status)


def not_found(reason: str) -> tuple[int, dict[str, Any]]:
    return bad(reason, "status_exception", 404)


# -- resources ------------------------------------------------------------------------------------------------------


def chat_connector(name: str, /, **overrides: Any) -> dict[str, Any]:
    """The documentation's OpenAI chat connector (``${parameters.endpoint}`` in its URL), named ``name``.

    ``overrides`` replace top-level fields (None removes one, ``name`` included)."""
    return builders.connector(**{"name": name, **overrides})


def register_group(api: Api, name: str, **extra: Any) -> str:
    status, body = api("POST", f"{GROUPS}/_register", {"name": name, **extra})
    assert status == 200, body
    assert body["status"] == "CREATED", body
    return str(body["model_group_id"])


def create_connector(api: Api, body: dict[str, Any]) -> str:
    status, answer = api("POST", f"{CONNECTORS}/_create", body)
    assert status == 200, answer
    return str(answer["connector_id"])


def register_model(api: Api, name: str, *, deploy: bool = False, **fields: Any) -> dict[str, str]:
    """Register a remote model; ``fields`` are the rest of the body (``connector_id`` or ``connector`` ...)."""
    params = {"deploy": "true"} if deploy else {}
    status, body = api("POST", f"{MODELS}/_register", {"name": name, "function_name": "remote", **fields}, **params)
    assert status == 200, body
    return body


def remote_model(api: Api, names: Names, base: str, *, connector: dict[str, Any] | None = None,
                 **model: Any) -> dict[str, str]:
    """A model group, a connector and a registered (not deployed) remote model in that group, all named ``base``."""
    group_id = register_group(api, names(f"{base}-group"))
    connector_id = create_connector(api, connector or chat_connector(names(f"{base}-connector")))
    registered = register_model(api, names(f"{base}-model"), model_group_id=group_id, connector_id=connector_id,
                                description="test model", **model)
    return {"model_group_id": group_id, "connector_id": connector_id, "model_id": registered["model_id"],
            "task_id": registered["task_id"]}


def deploy(api: Api, model_id: str) -> dict[str, Any]:
    """Deploy a remote model and return the deploy answer.

    The plugin answers once the nodes have deployed it; the nodes then report back to the
    cluster, which marks the model DEPLOYED, so the model document is waited for too.
    """
    status, body = api("POST", f"{MODELS}/{model_id}/_deploy")
    assert status == 200, body
    assert (body["task_type"], body["status"]) == ("DEPLOY_MODEL", "COMPLETED"), body
    model_in_state(api, model_id, "DEPLOYED")
    return body


def get(api: Api, path: str) -> Any:
    status, body = api("GET", path)
    assert status == 200, body
    return body


# -- waiting on a real node -----------------------------------------------------------------------------------------


def _wait(read: Callable[[], Any], done: Callable[[Any], bool], what: str) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        value = read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {WAIT_SECONDS:.0f} s; last seen: {value}")
        time.sleep(0.2)


def finished_task(api: Api, task_id: str) -> dict[str, Any]:
    """The task document once it has left CREATED/RUNNING (the plugin may complete it just after answering)."""
    return _wait(lambda: get(api, f"{TASKS}/{task_id}"),
                 lambda task: task.get("state") not in ("CREATED", "RUNNING"), f"task {task_id} finished")


def model_in_state(api: Api, model_id: str, state: str) -> dict[str, Any]:
    """The model document once its ``model_state`` is ``state`` (a background deploy needs a moment)."""
    return _wait(lambda: get(api, f"{MODELS}/{model_id}"), lambda model: model.get("model_state") == state,
                 f"model {model_id} {state}")


# -- searches limited to the test's own documents -------------------------------------------------------------------


def by_name(name: str) -> dict[str, Any]:
    return {"query": {"term": {"name.keyword": name}}}


def by_ids(*ids: str) -> dict[str, Any]:
    return {"query": {"ids": {"values": list(ids)}}}


def search(api: Api, path: str, body: dict[str, Any], method: str = "POST") -> dict[str, Any]:
    status, answer = api(method, f"{path}/_search", body)
    assert status == 200, answer
    return answer


def hit_ids(answer: dict[str, Any]) -> list[str]:
    return [hit["_id"] for hit in answer["hits"]["hits"]]


def count_named(api: Api, path: str, name: str) -> int:
    """How many documents under ``path`` (connectors, model_groups, models) carry exactly ``name``."""
    return int(search(api, path, by_name(name))["hits"]["total"]["value"])


# -- response shapes ------------------------------------------------------------------------------------------------

HIT_KEYS = ["_index", "_id", "_version", "_seq_no", "_primary_term", "_score", "_source"]


def assert_hit(hit: dict[str, Any], index: str, doc_id: str) -> None:
    """A search hit of the ML search APIs (they always ask for version and seq_no/primary_term)."""
    assert list(hit) == HIT_KEYS, list(hit)
    assert (hit["_index"], hit["_id"]) == (index, doc_id)
    assert isinstance(hit["_version"], int) and hit["_version"] >= 1
    assert isinstance(hit["_seq_no"], int) and isinstance(hit["_primary_term"], int)


def assert_shards(shards: dict[str, Any]) -> None:
    """A write's ``_shards`` block: every copy written (1 on a single node, 1 + replicas on a cluster)."""
    assert list(shards) == ["total", "successful", "failed"], shards
    assert shards["total"] >= 1 and shards["successful"] == shards["total"] and shards["failed"] == 0, shards


def assert_write(body: dict[str, Any], *, index: str, doc_id: str, result: str, version: int | None = None,
                 forced_refresh: bool = False) -> None:
    """A core index/update/delete response, field for field in OpenSearch's order.

    ``version`` is checked exactly when given (documents whose write history the test controls).
    """
    keys = ["_index", "_id", "_version", "result", *(["forced_refresh"] if forced_refresh else []), "_shards",
            "_seq_no", "_primary_term"]
    assert list(body) == keys, body
    assert (body["_index"], body["_id"], body["result"]) == (index, doc_id, result), body
    if version is None:
        assert isinstance(body["_version"], int) and body["_version"] >= 1, body
    else:
        assert body["_version"] == version, body
    if forced_refresh:
        assert body["forced_refresh"] is True
    assert_shards(body["_shards"])
    assert isinstance(body["_seq_no"], int) and body["_seq_no"] >= 0, body
    assert isinstance(body["_primary_term"], int) and body["_primary_term"] >= 1, body


def undeploy_statuses(body: dict[str, Any], model_id: str) -> dict[str, str]:
    """``{"<node id>": {"stats": {"<model id>": "undeployed" | "not_found"}}, ...}`` as ``{node id: status}``.

    Undeploy asks every node of the cluster: those that served the model answer
    ``undeployed``, the others ``not_found``.
    """
    assert body, "the undeploy answer lists no node"
    statuses = {}
    for node_id, entry in body.items():
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", node_id), node_id
        assert list(entry) == ["stats"] and list(entry["stats"]) == [model_id], body
        statuses[node_id] = entry["stats"][model_id]
        assert statuses[node_id] in ("undeployed", "not_found"), body
    return statuses


# -- vendor cassettes (the ``ml_cassettes`` replay of a ``vendor_cassette`` test) ----------------------------------


def cassette_response(replay: Any, name: str) -> Any:
    """The response of the (only) interaction of cassette ``name``, as served to the node."""
    for cassette in replay.cassettes:
        if cassette.name == name:
            return cassette.interactions[0].response
    raise AssertionError(f"cassette {name} is not active in this test")


def vendor_json(replay: Any, name: str) -> Any:
    return cassette_response(replay, name).json_body


def vendor_text(replay: Any, name: str) -> str:
    return cassette_response(replay, name).body_bytes().decode("utf-8")


def assert_served(replay: Any, *names: str) -> None:
    """The node called the vendor once per name, each answered by that cassette, and made no other call."""
    assert replay.missed == [], replay.missed
    assert [served.cassette for served in replay.served] == list(names), replay.served


def remote_error(replay: Any, name: str, status: int) -> tuple[int, dict[str, Any]]:
    """What predict answers for a vendor error: the vendor's status, and its body after the plugin's prefix."""
    return bad("Error from remote service: " + vendor_text(replay, name), "status_exception", status)


def assert_deleted_twice(api: Api, path: str, *, index: str, doc_id: str, gone: str) -> None:
    """DELETE answers ``deleted`` (version 2), GET is then a 404 with ``gone``, and a second DELETE is a
    200 ``not_found``: the write answers of an ML system index."""
    status, body = api("DELETE", path)
    assert status == 200
    assert_write(body, index=index, doc_id=doc_id, result="deleted", version=2, forced_refresh=True)
    assert api("GET", path) == not_found(gone)
    status, body = api("DELETE", path)
    assert status == 200
    assert_write(body, index=index, doc_id=doc_id, result="not_found", forced_refresh=True)
