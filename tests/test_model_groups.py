"""Model groups on a fresh emulator: the answers before the model group index exists.

The backend-agnostic model group tests live in ``tests/conformance/test_model_groups.py``.
"""

from __future__ import annotations

from tests.builders import error
from tests.conftest import Api

G = "/_plugins/_ml/model_groups"


def test_get_missing_group_before_the_index_exists(api: Api) -> None:
    assert api("GET", f"{G}/nope") == (404, error("status_exception", "Failed to find model group index", 404))


def test_update_before_the_index_exists(api: Api) -> None:
    assert api("PUT", f"{G}/nope", {"name": "x"}) == (404, error("status_exception", "Failed to find model group", 404))


def test_delete_before_the_index_exists(api: Api) -> None:
    assert api("DELETE", f"{G}/nope") == (404, error("status_exception", "Failed to find model group", 404))


def test_search_before_any_group_is_empty(api: Api) -> None:
    status, body = api("POST", f"{G}/_search", {"query": {"match_all": {}}})
    assert status == 200
    assert body["hits"]["total"] == {"value": 0, "relation": "eq"}
    assert body["hits"]["hits"] == []
