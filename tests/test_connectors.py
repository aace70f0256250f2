"""Standalone connectors on a fresh emulator, and the emulator's own refusals.

The backend-agnostic connector tests live in ``tests/conformance/test_connectors.py``.
"""

from __future__ import annotations

import pytest

from tests.builders import connector, error
from tests.conftest import Api

C = "/_plugins/_ml/connectors"


def bad(reason: str, type_: str = "illegal_argument_exception", status: int = 400) -> tuple[int, dict]:
    return status, error(type_, reason, status)


@pytest.mark.parametrize(("body", "feature"), [
    (connector(parameters={"endpoint": "api.openai.com", "input_processors": "[]"}), "Parameter [input_processors]"),
    (connector(parameters={"endpoint": "api.openai.com", "output_processors": "[]"}),
     "Parameter [output_processors]"),
])
def test_processor_chains_are_refused_clearly(api: Api, body: dict, feature: str) -> None:
    assert api("POST", f"{C}/_create", body) == bad(f"{feature} is not supported by the ML Commons emulator yet")


def test_get_missing_connector_before_the_index_exists(api: Api) -> None:
    assert api("GET", f"{C}/nope") == bad("Failed to find connector", "status_exception", 404)


def test_update_before_the_index_exists(api: Api) -> None:
    assert api("PUT", f"{C}/nope", {"name": "x"}) == bad("Failed to find connector", "status_exception", 404)


def test_delete_before_the_index_exists(api: Api) -> None:
    assert api("DELETE", f"{C}/nope") == bad("Failed to find connector", "status_exception", 404)
