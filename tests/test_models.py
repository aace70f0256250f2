"""Remote models: register (standalone and inline connector), get, deploy, undeploy, update, delete, search."""

from __future__ import annotations

from typing import Any

import pytest

from tests import builders
from tests.builders import error
from tests.conftest import Api

M = "/_plugins/_ml/models"
ML = "plugins.ml_commons."


def bad(reason: str, type_: str = "illegal_argument_exception", status: int = 400) -> tuple[int, dict]:
    return status, error(type_, reason, status)


def test_get_registered_model(api: Api, seed_model: dict[str, str]) -> None:
    status, body = api("GET", f"{M}/{seed_model['model_id']}")
    assert status == 200
    assert body == {
        "name": "openAI-gpt-3.5-turbo", "model_group_id": seed_model["model_group_id"], "algorithm": "REMOTE",
        "model_version": "1", "description": "test model", "model_state": "REGISTERED",
        "created_time": body["created_time"], "last_updated_time": body["created_time"], "is_hidden": False,
        "connector_id": seed_model["connector_id"],
    }


def test_register_without_group_creates_or_reuses_a_group_named_after_the_model(api: Api) -> None:
    _, conn = api("POST", "/_plugins/_ml/connectors/_create", builders.SEED_CONNECTOR)
    body = {"name": "my-model", "function_name": "remote", "description": "d", "connector_id": conn["connector_id"]}
    _, first = api("POST", f"{M}/_register", body)
    _, second = api("POST", f"{M}/_register", body)
    a = api("GET", f"{M}/{first['model_id']}")[1]
    b = api("GET", f"{M}/{second['model_id']}")[1]
    assert a["model_group_id"] == b["model_group_id"]
    assert (a["model_version"], b["model_version"]) == ("1", "2")
    group = api("GET", f"/_plugins/_ml/model_groups/{a['model_group_id']}")[1]
    assert (group["name"], group["description"], group["latest_version"]) == ("my-model", "d", 2)


def test_register_response_and_task(api: Api, seed_model: dict[str, str]) -> None:
    status, task = api("GET", f"/_plugins/_ml/tasks/{seed_model['task_id']}")
    assert status == 200
    assert (task["state"], task["model_id"], task["is_async"]) == ("COMPLETED", seed_model["model_id"], False)
    assert "task_id" not in task


def test_register_with_inline_connector_hides_its_credential(api: Api) -> None:
    status, body = api("POST", f"{M}/_register", {
        "name": "inline", "function_name": "remote", "connector": builders.SEED_CONNECTOR})
    assert status == 200, body
    _, model = api("GET", f"{M}/{body['model_id']}")
    assert "credential" not in model["connector"]
    assert model["connector"]["actions"][0]["headers"] == {"Authorization": "Bearer ${credential.openAI_key}"}
    assert model["connector"]["version"] == "1"


@pytest.mark.parametrize(("body", "reason", "type_", "status"), [
    ({"function_name": "remote"}, "model name is null", "illegal_argument_exception", 400),
    ({"name": "m"}, "model format is null", "illegal_argument_exception", 400),
    ({"name": "m", "function_name": "magic"}, "Wrong function name", "illegal_argument_exception", 400),
    ({"name": "m", "function_name": "remote"},
     "You must provide connector content when creating a remote model without connector id!",
     "illegal_argument_exception", 400),
    ({"name": "m", "function_name": "remote", "connector": builders.connector(actions=[])},
     "Connector endpoint is required when creating a remote model without connector id!",
     "illegal_argument_exception", 400),
    ({"name": "m", "function_name": "remote",
      "connector": builders.connector(actions=[builders.action(url="https://evil.example.com/")])},
     "Connector URL is not matching the trusted connector endpoint regex", "illegal_argument_exception", 400),
    ({"name": "m", "function_name": "remote", "connector_id": "nope"}, "Failed to find connector",
     "status_exception", 404),
    ({"name": "m", "function_name": "remote", "rate_limiter": {"limit": "-1", "unit": "MINUTES"}},
     "Limit field must be a positive number.", "parse_exception", 400),
    ({"name": "m", "function_name": "remote", "model_config": {"model_type": "text_embedding"}},
     "Embedding dimension must be provided for remote text embedding model", "illegal_argument_exception", 400),
])
def test_register_validation(api: Api, body: dict, reason: str, type_: str, status: int) -> None:
    assert api("POST", f"{M}/_register", body) == bad(reason, type_, status)
    assert api("POST", "/_plugins/_ml/tasks/_search", {"query": {"match_all": {}}})[1]["hits"]["total"]["value"] == 0
    assert api("POST", "/_plugins/_ml/model_groups/_search", {})[1]["hits"]["total"]["value"] == 0


def test_register_with_unknown_connector_once_the_index_exists(api: Api) -> None:
    api("POST", "/_plugins/_ml/connectors/_create", builders.SEED_CONNECTOR)
    assert api("POST", f"{M}/_register", {"name": "m", "function_name": "remote", "connector_id": "nope"}) == bad(
        "Failed to find connector:nope", "status_exception", 404)


def test_register_into_unknown_group_leaves_a_failed_task(api: Api) -> None:
    _, conn = api("POST", "/_plugins/_ml/connectors/_create", builders.SEED_CONNECTOR)
    api("POST", "/_plugins/_ml/model_groups/_register", {"name": "g"})
    body = {"name": "m", "function_name": "remote", "connector_id": conn["connector_id"], "model_group_id": "nope"}
    assert api("POST", f"{M}/_register", body) == bad(
        "Model Group Response is empty for nope", "m_l_resource_not_found_exception", 500)
    tasks = api("POST", "/_plugins/_ml/tasks/_search", {})[1]["hits"]["hits"]
    assert [(t["_source"]["state"], t["_source"]["error"]) for t in tasks] == [("FAILED", "Model group not found")]


def test_register_with_deploy_true_deploys(api: Api) -> None:
    _, conn = api("POST", "/_plugins/_ml/connectors/_create", builders.SEED_CONNECTOR)
    status, body = api("POST", f"{M}/_register",
                       {"name": "m", "function_name": "remote", "connector_id": conn["connector_id"]}, deploy="true")
    assert status == 200 and set(body) == {"task_id", "status", "model_id"}
    assert api("GET", f"{M}/{body['model_id']}")[1]["model_state"] == "DEPLOYED"


def test_deploy_and_undeploy_states(api: Api, seed_model: dict[str, str], ml_emulator: Any) -> None:
    model_id = seed_model["model_id"]
    node = ml_emulator.node.node_id
    assert api("POST", f"{M}/{model_id}/_undeploy") == (200, {node: {"stats": {model_id: "not_found"}}})
    assert api("GET", f"{M}/{model_id}")[1]["model_state"] == "UNDEPLOYED"
    status, body = api("POST", f"{M}/{model_id}/_deploy")
    assert body == {"task_id": body["task_id"], "task_type": "DEPLOY_MODEL", "status": "COMPLETED"}
    model = api("GET", f"{M}/{model_id}")[1]
    assert model["model_state"] == "DEPLOYED"
    assert model["planning_worker_nodes"] == [node]
    assert (model["planning_worker_node_count"], model["current_worker_node_count"]) == (1, 1)
    assert model["deploy_to_all_nodes"] is True and model["auto_redeploy_retry_times"] == 0
    assert api("POST", f"{M}/_undeploy", {"model_ids": [model_id]}) == (
        200, {node: {"stats": {model_id: "undeployed"}}})
    model = api("GET", f"{M}/{model_id}")[1]
    assert model["model_state"] == "UNDEPLOYED"
    assert "planning_worker_nodes" not in model and model["current_worker_node_count"] == 0


def test_deploy_errors(api: Api, seed_model: dict[str, str]) -> None:
    assert api("POST", f"{M}/nope/_deploy") == bad("Failed to find model", "status_exception", 404)
    assert api("POST", f"{M}/{seed_model['model_id']}/_deploy", {"node_ids": ["x"]}) == bad(
        "Don't allow custom deployment plan")
    assert api("POST", f"{M}/_undeploy", {}) == bad("Must set specific model ids to undeploy")


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


def test_get_missing_model(api: Api, seed_model: dict[str, str]) -> None:
    assert api("GET", f"{M}/nope") == bad(
        "Failed to find model with the provided model id: nope", "status_exception", 404)


def test_get_before_any_model(api: Api) -> None:
    assert api("GET", f"{M}/nope") == bad("Fail to find model", "status_exception", 404)


def test_delete_refused_while_deployed_then_allowed(api: Api, seed_model: dict[str, str]) -> None:
    model_id = seed_model["model_id"]
    api("POST", f"{M}/{model_id}/_deploy")
    assert api("DELETE", f"{M}/{model_id}") == bad(
        "Model cannot be deleted in deploying or deployed state. Try undeploy model first then delete",
        "status_exception")
    api("POST", f"{M}/{model_id}/_undeploy")
    status, body = api("DELETE", f"{M}/{model_id}")
    assert (status, body["result"], body["_index"]) == (200, "deleted", ".plugins-ml-model")
    assert api("DELETE", f"{M}/{model_id}") == bad("Failed to find model", "status_exception", 404)
    group = api("GET", f"/_plugins/_ml/model_groups/{seed_model['model_group_id']}")[1]
    assert group["latest_version"] == 1


def test_update_model(api: Api, seed_model: dict[str, str]) -> None:
    model_id = seed_model["model_id"]
    status, body = api("PUT", f"{M}/{model_id}", {"name": "renamed", "description": "new"})
    assert status == 200
    assert (body["_id"], body["result"], "forced_refresh" in body) == (model_id, "updated", False)
    model = api("GET", f"{M}/{model_id}")[1]
    assert (model["name"], model["description"], model["model_id"]) == ("renamed", "new", model_id)


def test_update_model_errors(api: Api, seed_model: dict[str, str]) -> None:
    model_id = seed_model["model_id"]
    assert api("PUT", f"{M}/{model_id}") == bad("Update model request has empty body", "parse_exception")
    assert api("PUT", f"{M}/{model_id}", {})[1]["result"] == "updated"
    assert api("PUT", f"{M}/nope", {"name": "x"}) == bad(
        "Failed to find model to update with the provided model id: nope", "status_exception", 404)
    assert api("PUT", f"{M}/{model_id}", {"connector_id": "a", "connector": {"name": "x"}}) == bad(
        "Model cannot have both stand-alone connector and internal connector. Please check your update input body.",
        "status_exception")
    assert api("PUT", f"{M}/{model_id}", {"connector": {"description": "x"}}) == bad(
        "Cannot update connector settings for this model. The model was created with a connector_id and does not "
        "have an inline connector.", "status_exception")
    assert api("PUT", f"{M}/{model_id}", {"model_group_id": "nope"}) == bad(
        "Failed to find the model group with the provided model group id in the update model input, "
        "MODEL_GROUP_ID: nope", "status_exception", 404)


def test_moving_a_model_bumps_the_target_group_version(api: Api, seed_model: dict[str, str]) -> None:
    _, target = api("POST", "/_plugins/_ml/model_groups/_register", {"name": "target"})
    api("PUT", f"{M}/{seed_model['model_id']}", {"model_group_id": target["model_group_id"]})
    model = api("GET", f"{M}/{seed_model['model_id']}")[1]
    assert (model["model_group_id"], model["model_version"]) == (target["model_group_id"], "1")


def test_search_models(api: Api, seed_model: dict[str, str]) -> None:
    status, body = api("GET", f"{M}/_search", {"query": {"term": {"algorithm": "REMOTE"}}})
    assert status == 200
    assert [hit["_id"] for hit in body["hits"]["hits"]] == [seed_model["model_id"]]


def test_search_models_before_any_model_is_empty(api: Api) -> None:
    assert api("POST", f"{M}/_search", {"query": {"match_all": {}}})[1]["hits"]["total"]["value"] == 0


def test_model_names_must_be_safe_text_in_the_plugins_error_order(api: Api) -> None:
    unsafe = "can only contain letters, numbers, spaces, and basic punctuation (.,!?():@-_'/\")"
    body = {"name": "<m>", "function_name": "remote", "description": "[d]", "provisioned_by": "$"}
    assert api("POST", f"{M}/_register", body) == bad(
        f"Validation Failed: 1: Model provisioned_by field {unsafe};2: Model description {unsafe};"
        f"3: Model name {unsafe};", "action_request_validation_exception")


def test_undeploy_body_ids_win_and_a_single_missing_id_is_not_found(api: Api, seed_model: dict[str, str],
                                                                   ml_emulator: Any) -> None:
    model_id = seed_model["model_id"]
    assert api("POST", f"{M}/_undeploy", {"model_ids": ["nope"]}) == bad(
        "Failed to find model", "status_exception", 404)
    node = ml_emulator.node.node_id
    assert api("POST", f"{M}/nope/_undeploy", {"model_ids": [model_id]}) == (
        200, {node: {"stats": {model_id: "not_found"}}})


def test_undeploy_of_a_deployed_model_keeps_deploy_to_all_nodes(api: Api, seed_model: dict[str, str]) -> None:
    model_id = seed_model["model_id"]
    api("POST", f"{M}/{model_id}/_deploy")
    deployed = api("GET", f"{M}/{model_id}")[1]
    api("POST", f"{M}/{model_id}/_undeploy")
    model = api("GET", f"{M}/{model_id}")[1]
    assert (model["model_state"], model["deploy_to_all_nodes"]) == ("UNDEPLOYED", True)
    assert model["last_updated_time"] == deployed["last_updated_time"]


def test_custom_deployment_plan_is_checked_after_the_model_lookup(api: Api, seed_model: dict[str, str]) -> None:
    assert api("POST", f"{M}/nope/_deploy", {"node_ids": ["x"]}) == bad("Failed to find model", "status_exception", 404)


def test_shard_failures_of_model_search_are_wrapped_by_the_plugin(api: Api, seed_model: dict[str, str]) -> None:
    status, body = api("POST", f"{M}/_search", {"query": {"match_all": {}}, "sort": [{"name": "asc"}]})
    assert status == 500
    assert body["error"]["type"] == "status_exception"
    assert body["error"]["reason"].startswith("Text fields are not optimised for operations")
    status, body = api("POST", "/_plugins/_ml/connectors/_search", {"query": {"match_all": {}},
                                                                    "sort": [{"name": "asc"}]})
    assert (status, body["error"]["type"]) == (400, "search_phase_execution_exception")


def test_remote_model_config_is_normalised_like_remote_model_config(api: Api, seed_model: dict[str, str]) -> None:
    body = {"name": "emb", "function_name": "remote", "connector_id": seed_model["connector_id"], "model_config": {
        "model_type": "text_embedding", "embedding_dimension": "3", "framework_type": "sentence_transformers",
        "pooling_mode": "mean", "normalize_result": False, "unknown": 1, "additional_config": {"space_type": "l2"}}}
    status, answer = api("POST", f"{M}/_register", body)
    assert status == 200, answer
    assert api("GET", f"{M}/{answer['model_id']}")[1]["model_config"] == {
        "model_type": "text_embedding", "embedding_dimension": 3, "framework_type": "SENTENCE_TRANSFORMERS",
        "pooling_mode": "MEAN", "additional_config": {"space_type": "l2"}}
    body["model_config"] = {**body["model_config"], "framework_type": "tensorflow"}
    assert api("POST", f"{M}/_register", body) == bad("Wrong framework type")
