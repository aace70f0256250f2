"""Fixtures for the project's own tests, on top of the plugin's ``ml_client`` / ``ml_vendor``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from opensearchpy import TransportError

from tests import builders

Api = Callable[..., tuple[int, Any]]
CONFORMANCE = Path(__file__).parent / "conformance"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests outside ``tests/conformance`` check the emulator itself (its internals, fixed names, reset
    state), so they are skipped when the run targets a real node."""
    for item in items:
        if CONFORMANCE not in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.emulator_only)


@pytest.fixture
def api(ml_client: Any) -> Api:
    """``api(method, path, body=None, **params) -> (status, body)``; errors are returned, not raised."""

    def call(method: str, path: str, body: Any = None, **params: Any) -> tuple[int, Any]:
        try:
            response = ml_client.transport.perform_request(method, path, params=params or None, body=body)
        except TransportError as error:
            return int(error.status_code), error.info
        return 200, response

    return call


@pytest.fixture
def openai(ml_vendor: Any) -> Any:
    """The OpenAI chat endpoint answering the seed page's response."""
    ml_vendor.post(builders.OPENAI_URL, json=builders.OPENAI_CHAT_RESPONSE)
    return ml_vendor


@pytest.fixture
def seed_model(api: Api) -> dict[str, str]:
    """A model group, the seed connector and a registered (not deployed) remote model."""
    _, group = api("POST", "/_plugins/_ml/model_groups/_register", {"name": "remote_model_group"})
    _, conn = api("POST", "/_plugins/_ml/connectors/_create", builders.connector())
    status, model = api("POST", "/_plugins/_ml/models/_register", {
        "name": "openAI-gpt-3.5-turbo", "function_name": "remote", "model_group_id": group["model_group_id"],
        "description": "test model", "connector_id": conn["connector_id"],
    })
    assert status == 200, model
    return {"model_group_id": group["model_group_id"], "connector_id": conn["connector_id"],
            "model_id": model["model_id"], "task_id": model["task_id"]}
