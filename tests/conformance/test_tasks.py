"""Tasks: the register and deploy task documents, get and delete."""

from __future__ import annotations

import pytest

from tests.conformance.builders import (
    MODELS,
    TASK_INDEX,
    TASKS,
    Api,
    Names,
    assert_write,
    deploy,
    finished_task,
    get,
    not_found,
    remote_model,
)

pytestmark = pytest.mark.conformance

TASK_KEYS = ["model_id", "task_type", "function_name", "state", "worker_node", "create_time", "last_update_time",
             "is_async"]


def test_register_task_is_a_completed_synchronous_remote_registration(api: Api, ml_names: Names,
                                                                       ml_snapshot) -> None:
    ids = remote_model(api, ml_names, "ta-register")
    task = finished_task(api, ids["task_id"])
    assert task == {"model_id": ids["model_id"], "task_type": "REGISTER_MODEL", "function_name": "REMOTE",
                    "state": "COMPLETED", "worker_node": task["worker_node"], "create_time": task["create_time"],
                    "last_update_time": task["last_update_time"], "is_async": False}
    # Fields in MLTask's order; the task id itself is not part of the stored document.
    assert list(task) == TASK_KEYS
    assert len(task["worker_node"]) == 1
    assert task["create_time"] <= task["last_update_time"]
    ml_snapshot.match("task", task)


def test_deploy_task_is_a_completed_asynchronous_deploy(api: Api, ml_names: Names, ml_snapshot) -> None:
    ids = remote_model(api, ml_names, "ta-deploy")
    task_id = deploy(api, ids["model_id"])["task_id"]
    task = finished_task(api, task_id)
    assert task == {"model_id": ids["model_id"], "task_type": "DEPLOY_MODEL", "function_name": "REMOTE",
                    "state": "COMPLETED", "worker_node": task["worker_node"], "create_time": task["create_time"],
                    "last_update_time": task["last_update_time"], "is_async": True}
    assert list(task) == TASK_KEYS
    assert sorted(task["worker_node"]) == sorted(get(api, f"{MODELS}/{ids['model_id']}")["planning_worker_nodes"])
    ml_snapshot.match("task", task)


def test_every_deploy_is_a_new_task(api: Api, ml_names: Names) -> None:
    model_id = remote_model(api, ml_names, "ta-deploy-twice")["model_id"]
    first, second = deploy(api, model_id)["task_id"], deploy(api, model_id)["task_id"]
    assert first != second
    assert [finished_task(api, task_id)["state"] for task_id in (first, second)] == ["COMPLETED", "COMPLETED"]



def test_delete_task_then_not_found_and_the_model_stays(api: Api, ml_names: Names) -> None:
    ids = remote_model(api, ml_names, "ta-delete")
    task_id = ids["task_id"]
    finished_task(api, task_id)
    status, body = api("DELETE", f"{TASKS}/{task_id}")
    assert status == 200
    assert_write(body, index=TASK_INDEX, doc_id=task_id, result="deleted", forced_refresh=True)
    assert api("GET", f"{TASKS}/{task_id}") == not_found("Failed to find task")
    assert api("DELETE", f"{TASKS}/{task_id}") == not_found("Failed to find task")
    assert get(api, f"{MODELS}/{ids['model_id']}")["model_state"] == "REGISTERED"
