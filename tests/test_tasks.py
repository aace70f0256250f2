"""Tasks: get, delete, search."""

from __future__ import annotations

from tests.builders import error
from tests.conftest import Api

T = "/_plugins/_ml/tasks"


def test_get_missing_task(api: Api) -> None:
    assert api("GET", f"{T}/nope") == (404, error("status_exception", "Failed to find task", 404))


def test_delete_task_then_not_found(api: Api, seed_model: dict[str, str]) -> None:
    task_id = seed_model["task_id"]
    status, body = api("DELETE", f"{T}/{task_id}")
    assert status == 200
    assert (body["_index"], body["_id"], body["result"], body["forced_refresh"]) == (
        ".plugins-ml-task", task_id, "deleted", True)
    assert api("DELETE", f"{T}/{task_id}") == (404, error("status_exception", "Failed to find task", 404))
    assert api("GET", f"/_plugins/_ml/models/{seed_model['model_id']}")[0] == 200


def test_delete_task_without_task_index_names_the_missing_index(api: Api) -> None:
    status, body = api("DELETE", f"{T}/nope")
    assert status == 404
    assert body["error"]["type"] == "status_exception"
    assert body["error"]["reason"] == "Failed to find task"
    assert body["error"]["root_cause"][0]["type"] == "index_not_found_exception"
    assert body["error"]["caused_by"]["reason"] == "Failed to get data object from index .plugins-ml-task"
    assert body["error"]["caused_by"]["caused_by"]["reason"] == "no such index [.plugins-ml-task]"


def test_search_tasks_by_type(api: Api, seed_model: dict[str, str]) -> None:
    api("POST", f"/_plugins/_ml/models/{seed_model['model_id']}/_deploy")
    for method in ("GET", "POST"):
        status, body = api(method, f"{T}/_search", {"query": {"term": {"task_type": "DEPLOY_MODEL"}}})
        assert status == 200
        assert body["hits"]["total"]["value"] == 1
        assert body["hits"]["hits"][0]["_source"]["model_id"] == seed_model["model_id"]


def test_search_tasks_before_any_task_is_empty(api: Api) -> None:
    assert api("GET", f"{T}/_search", {"query": {"match_all": {}}})[1]["hits"]["total"]["value"] == 0
