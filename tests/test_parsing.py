"""Raw bodies (not opensearch-py's compact JSON) read the way the plugin's XContent parsers read them: positions.

The backend-agnostic parsing tests live in ``tests/conformance/test_parsing.py``.
"""

from __future__ import annotations

import requests

from tests import builders
from tests.builders import error

G = "/_plugins/_ml/model_groups"
C = "/_plugins/_ml/connectors"


def post_raw(url: str, path: str, raw: str) -> tuple[int, dict]:
    response = requests.post(url + path, data=raw.encode(), headers={"Content-Type": "application/json"})
    return response.status_code, response.json()


def test_text_on_an_object_is_an_illegal_state_with_its_position(ml_url: str) -> None:
    assert post_raw(ml_url, f"{G}/_register", '{"name": {}}') == (500, error(
        "illegal_state_exception", "Can't get text on a START_OBJECT at 1:10", 500))
    assert post_raw(ml_url, f"{G}/_register", '{\n  "name": "g",\n  "description": [1]\n}') == (500, error(
        "illegal_state_exception", "Can't get text on a START_ARRAY at 3:18", 500))
    assert post_raw(ml_url, f"{G}/_register", '{"name": null}') == (500, error(
        "illegal_state_exception", "Can't get text on a VALUE_NULL at 1:10", 500))


def test_positions_count_utf8_bytes_like_jackson(ml_url: str) -> None:
    assert post_raw(ml_url, f"{G}/_register", '{"description": "é", "name": {}}') == (500, error(
        "illegal_state_exception", "Can't get text on a START_OBJECT at 1:31", 500))


def test_nested_values_are_located(ml_url: str) -> None:
    body = builders.connector(actions=[builders.action(headers={"Authorization": {"x": 1}})])
    response = requests.post(f"{ml_url}{C}/_create", json=body)
    assert response.status_code == 500
    reason = response.json()["error"]["reason"]
    raw = requests.models.complexjson.dumps(body)
    column = raw.index('{"x"') + 1
    assert reason == f"Can't get text on a START_OBJECT at 1:{column}"


def test_numbers_read_as_text_keep_their_literal(ml_url: str) -> None:
    status, body = post_raw(ml_url, f"{G}/_register", '{"name": 1.50}')
    assert status == 200
    assert requests.get(f"{ml_url}{G}/{body['model_group_id']}").json()["name"] == "1.50"
