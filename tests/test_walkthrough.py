"""The OpenSearch page "Connecting to remote models", step by step, with the page's own requests.

Runs through the in-process client and through real HTTP (opensearch-py and plain requests).
"""

from __future__ import annotations

import json
import re
from typing import Any

import requests
from opensearchpy import OpenSearch

from tests import builders

ID = re.compile(r"^[A-Za-z0-9_-]{20}$")

TRUSTED = {
    "persistent": {
        "plugins.ml_commons.trusted_connector_endpoints_regex": [
            "^https://runtime\\.sagemaker\\..*[a-z0-9-]\\.amazonaws\\.com/.*$",
            "^https://api\\.openai\\.com/.*$",
            "^https://api\\.cohere\\.ai/.*$",
            "^https://bedrock-runtime\\..*[a-z0-9-]\\.amazonaws\\.com/.*$",
        ]
    }
}


def run_walkthrough(client: OpenSearch, vendor: Any) -> None:
    ml = client.plugins.ml
    assert client.cluster.put_settings(body=TRUSTED) == {
        "acknowledged": True,
        "persistent": {"plugins": {"ml_commons": {"trusted_connector_endpoints_regex": TRUSTED["persistent"][
            "plugins.ml_commons.trusted_connector_endpoints_regex"]}}},
        "transient": {},
    }
    assert client.cluster.put_settings(
        body={"persistent": {"plugins.ml_commons.connector_access_control_enabled": True}}
    ) == {"acknowledged": True, "persistent": {"plugins": {"ml_commons": {"connector_access_control_enabled": "true"}}},
          "transient": {}}
    assert client.cluster.put_settings(body={"persistent": {"plugins.ml_commons.only_run_on_ml_node": False}}) == {
        "acknowledged": True, "persistent": {"plugins": {"ml_commons": {"only_run_on_ml_node": "false"}}},
        "transient": {}}

    # Step 1: register a model group.
    group = ml.register_model_group(body={"name": "remote_model_group",
                                          "description": "A model group for remote models"})
    assert group["status"] == "CREATED" and ID.match(group["model_group_id"])

    # Step 2: create the connector.
    connector = ml.create_connector(body=builders.SEED_CONNECTOR)
    assert list(connector) == ["connector_id"] and ID.match(connector["connector_id"])

    # Step 3: register the remote model; the task completes at once.
    registered = ml.register_model(body={
        "name": "openAI-gpt-3.5-turbo", "function_name": "remote", "model_group_id": group["model_group_id"],
        "description": "test model", "connector_id": connector["connector_id"],
    })
    assert registered["status"] == "CREATED"
    model_id = registered["model_id"]
    task = ml.get_task(task_id=registered["task_id"])
    assert task == {
        "model_id": model_id, "task_type": "REGISTER_MODEL", "function_name": "REMOTE", "state": "COMPLETED",
        "worker_node": task["worker_node"], "create_time": task["create_time"],
        "last_update_time": task["last_update_time"], "is_async": False,
    }
    assert task["create_time"] <= task["last_update_time"]

    # Step 4: deploy.
    deployed = ml.deploy_model(model_id=model_id)
    assert deployed == {"task_id": deployed["task_id"], "task_type": "DEPLOY_MODEL", "status": "COMPLETED"}
    deploy_task = ml.get_task(task_id=deployed["task_id"])
    assert {k: deploy_task[k] for k in ("model_id", "task_type", "function_name", "state", "is_async")} == {
        "model_id": model_id, "task_type": "DEPLOY_MODEL", "function_name": "REMOTE", "state": "COMPLETED",
        "is_async": True}
    assert deploy_task["worker_node"] == task["worker_node"]

    # Step 5: predict.
    prediction = ml.predict_model(model_id=model_id, body={"parameters": {"messages": builders.SEED_MESSAGES}})
    assert prediction == {"inference_results": [{"output": [
        {"name": "response", "dataAsMap": builders.OPENAI_CHAT_RESPONSE}], "status_code": 200}]}
    sent = vendor.calls[-1].request
    assert sent.url == builders.OPENAI_URL
    assert sent.headers["Authorization"] == f"Bearer {builders.FAKE_OPENAI_KEY}"
    assert sent.headers["Content-Type"] == "application/json"
    assert json.loads(sent.body) == {"model": "gpt-3.5-turbo", "messages": builders.SEED_MESSAGES}


def test_walkthrough_in_process(ml_emulator: Any, openai: Any) -> None:
    client = ml_emulator.client()
    try:
        run_walkthrough(client, openai)
    finally:
        ml_emulator.reset()


def test_walkthrough_over_http_with_opensearch_py(ml_url: str, openai: Any) -> None:
    run_walkthrough(OpenSearch(hosts=[ml_url]), openai)


def test_walkthrough_over_http_with_plain_requests(ml_url: str, openai: Any) -> None:
    """What the page's curl commands send: JSON bodies, no client library."""
    http = requests.Session()

    def call(method: str, path: str, body: Any = None) -> Any:
        response = http.request(method, ml_url + path, json=body)
        assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
        assert response.status_code == 200, response.text
        return response.json()

    call("PUT", "/_cluster/settings", TRUSTED)
    group = call("POST", "/_plugins/_ml/model_groups/_register", {"name": "remote_model_group"})
    connector = call("POST", "/_plugins/_ml/connectors/_create", builders.SEED_CONNECTOR)
    model = call("POST", "/_plugins/_ml/models/_register", {
        "name": "openAI-gpt-3.5-turbo", "function_name": "remote", "model_group_id": group["model_group_id"],
        "description": "test model", "connector_id": connector["connector_id"]})
    assert call("GET", f"/_plugins/_ml/tasks/{model['task_id']}")["state"] == "COMPLETED"
    deployed = call("POST", f"/_plugins/_ml/models/{model['model_id']}/_deploy")
    assert call("GET", f"/_plugins/_ml/tasks/{deployed['task_id']}")["state"] == "COMPLETED"
    result = call("POST", f"/_plugins/_ml/models/{model['model_id']}/_predict",
                  {"parameters": {"messages": builders.SEED_MESSAGES}})
    assert result["inference_results"][0]["output"][0]["dataAsMap"] == builders.OPENAI_CHAT_RESPONSE


def test_walkthrough_with_async_client_over_http(ml_url: str, openai: Any) -> None:
    """opensearch-py's AsyncOpenSearch (aiohttp) drives the same steps."""
    import asyncio

    from opensearchpy import AsyncOpenSearch

    async def scenario() -> dict[str, Any]:
        client = AsyncOpenSearch(hosts=[ml_url])
        try:
            ml = client.plugins.ml
            group = await ml.register_model_group(body={"name": "remote_model_group"})
            connector = await ml.create_connector(body=builders.SEED_CONNECTOR)
            model = await ml.register_model(body={
                "name": "openAI-gpt-3.5-turbo", "function_name": "remote",
                "model_group_id": group["model_group_id"], "connector_id": connector["connector_id"]})
            await ml.deploy_model(model_id=model["model_id"])
            return await ml.predict_model(model_id=model["model_id"],
                                          body={"parameters": {"messages": builders.SEED_MESSAGES}})
        finally:
            await client.close()

    result = asyncio.run(scenario())
    assert result["inference_results"][0]["status_code"] == 200
