"""Remote models on a fresh emulator: the answers before the ML indices exist, and what only a fresh node shows.

The backend-agnostic model tests live in ``tests/conformance/test_models.py``.
"""

from __future__ import annotations

from tests import builders
from tests.builders import error
from tests.conftest import Api

M = "/_plugins/_ml/models"


def bad(reason: str, type_: str = "illegal_argument_exception", status: int = 400) -> tuple[int, dict]:
    return status, error(type_, reason, status)


def test_register_with_unknown_connector_before_the_connector_index_exists(api: Api) -> None:
    assert api("POST", f"{M}/_register", {"name": "m", "function_name": "remote", "connector_id": "nope"}) == bad(
        "Failed to find connector", "status_exception", 404)
    assert api("POST", "/_plugins/_ml/tasks/_search", {"query": {"match_all": {}}})[1]["hits"]["total"]["value"] == 0
    assert api("POST", "/_plugins/_ml/model_groups/_search", {})[1]["hits"]["total"]["value"] == 0


def test_register_into_unknown_group_leaves_a_failed_task(api: Api) -> None:
    _, conn = api("POST", "/_plugins/_ml/connectors/_create", builders.SEED_CONNECTOR)
    api("POST", "/_plugins/_ml/model_groups/_register", {"name": "g"})
    body = {"name": "m", "function_name": "remote", "connector_id": conn["connector_id"], "model_group_id": "nope"}
    assert api("POST", f"{M}/_register", body)[0] == 500
    tasks = api("POST", "/_plugins/_ml/tasks/_search", {})[1]["hits"]["hits"]
    assert [(t["_source"]["state"], t["_source"]["error"]) for t in tasks] == [("FAILED", "Model group not found")]


def test_deploy_with_no_model_index_leaks_the_sdk_error(api: Api) -> None:
    assert api("POST", f"{M}/nope/_deploy") == (500, {
        "error": {
            "root_cause": [{"type": "index_not_found_exception", "reason": "no such index [.plugins-ml-model]",
                            "index": ".plugins-ml-model", "resource.id": ".plugins-ml-model",
                            "resource.type": "index_expression", "index_uuid": "_na_"}],
            "type": "status_exception",
            "reason": "Failed to get data object from index .plugins-ml-model",
            "caused_by": {"type": "index_not_found_exception", "reason": "no such index [.plugins-ml-model]",
                          "index": ".plugins-ml-model", "resource.id": ".plugins-ml-model",
                          "resource.type": "index_expression", "index_uuid": "_na_"},
        },
        "status": 500,
    })


def test_get_before_any_model(api: Api) -> None:
    assert api("GET", f"{M}/nope") == bad("Fail to find model", "status_exception", 404)


def test_search_models_before_any_model_is_empty(api: Api) -> None:
    assert api("POST", f"{M}/_search", {"query": {"match_all": {}}})[1]["hits"]["total"]["value"] == 0
