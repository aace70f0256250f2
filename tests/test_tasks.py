"""Tasks on a fresh emulator: the answers before the task index exists.

The backend-agnostic task tests live in ``tests/conformance/test_tasks.py``.
"""

from __future__ import annotations

from tests.builders import error
from tests.conftest import Api

T = "/_plugins/_ml/tasks"


def test_get_missing_task_before_the_index_exists(api: Api) -> None:
    assert api("GET", f"{T}/nope") == (404, error("status_exception", "Failed to find task", 404))


def test_delete_task_without_task_index_names_the_missing_index(api: Api) -> None:
    status, body = api("DELETE", f"{T}/nope")
    assert status == 404
    assert body["error"]["type"] == "status_exception"
    assert body["error"]["reason"] == "Failed to find task"
    assert body["error"]["root_cause"][0]["type"] == "index_not_found_exception"
    assert body["error"]["caused_by"]["reason"] == "Failed to get data object from index .plugins-ml-task"
    assert body["error"]["caused_by"]["caused_by"]["reason"] == "no such index [.plugins-ml-task]"


def test_search_tasks_before_any_task_is_empty(api: Api) -> None:
    assert api("GET", f"{T}/_search", {"query": {"match_all": {}}})[1]["hits"]["total"]["value"] == 0
