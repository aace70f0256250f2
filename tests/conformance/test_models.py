"""Remote models: register (standalone and inline connector), get, deploy, undeploy, update, delete."""

from __future__ import annotations

from typing import Any

import pytest

from tests import builders
from tests.conformance.builders import (
    DOC_ID,
    GROUPS,
    MISSING,
    MODEL_INDEX,
    MODELS,
    SETTING,
    SETTINGS,
    UNSAFE,
    UNTRUSTED,
    Api,
    Names,
    assert_write,
    bad,
    chat_connector,
    count_named,
    create_connector,
    deploy,
    finished_task,
    get,
    model_in_state,
    not_found,
    register_group,
    register_model,
    remote_model,
    undeploy_statuses,
)

pytestmark = pytest.mark.conformance

DEPLOYED_REFUSAL = "Model cannot be deleted in deploying or deployed state. Try undeploy model first then delete"


def test_register_answers_task_status_and_model(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("mo-register-connector")))
    status, body = api("POST", f"{MODELS}/_register", {"name": ml_names("mo-register"), "function_name": "remote",
                                                       "connector_id": connector_id})
    assert status == 200
    # A remote registration is synchronous, yet answers "CREATED".
    assert list(body) == ["task_id", "status", "model_id"]
    assert body["status"] == "CREATED"
    assert DOC_ID.match(body["task_id"]) and DOC_ID.match(body["model_id"])


def test_get_registered_model(api: Api, ml_names: Names, ml_snapshot) -> None:
    ids = remote_model(api, ml_names, "mo-get")
    status, body = api("GET", f"{MODELS}/{ids['model_id']}")
    assert status == 200
    assert body == {
        "name": ml_names("mo-get-model"), "model_group_id": ids["model_group_id"], "algorithm": "REMOTE",
        "model_version": "1", "description": "test model", "model_state": "REGISTERED",
        "created_time": body["created_time"], "last_updated_time": body["created_time"], "is_hidden": False,
        "connector_id": ids["connector_id"],
    }
    assert list(body) == ["name", "model_group_id", "algorithm", "model_version", "description", "model_state",
                          "created_time", "last_updated_time", "is_hidden", "connector_id"]
    ml_snapshot.match("model", body)


def test_function_name_is_case_insensitive(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("mo-fn-case-connector")))
    registered = register_model(api, ml_names("mo-fn-case"), function_name="Remote", connector_id=connector_id)
    assert get(api, f"{MODELS}/{registered['model_id']}")["algorithm"] == "REMOTE"


def test_register_without_group_creates_or_reuses_a_group_named_after_the_model(api: Api, ml_names: Names) -> None:
    name = ml_names("mo-auto-group")
    connector_id = create_connector(api, chat_connector(ml_names("mo-auto-group-connector")))
    body = {"function_name": "remote", "description": "d", "connector_id": connector_id}
    first = register_model(api, name, **body)
    second = register_model(api, name, **body)
    a = get(api, f"{MODELS}/{first['model_id']}")
    b = get(api, f"{MODELS}/{second['model_id']}")
    assert a["model_group_id"] == b["model_group_id"]
    assert (a["model_version"], b["model_version"]) == ("1", "2")
    group = get(api, f"{GROUPS}/{a['model_group_id']}")
    assert (group["name"], group["description"], group["latest_version"], group["access"]) == (name, "d", 2, "public")


def test_register_with_inline_connector_hides_its_credential(api: Api, ml_names: Names, ml_snapshot) -> None:
    connector_name = ml_names("mo-inline-connector")
    registered = register_model(api, ml_names("mo-inline"), connector=chat_connector(connector_name))
    model = get(api, f"{MODELS}/{registered['model_id']}")
    assert "connector_id" not in model
    assert model["connector"] == {
        "name": connector_name, "version": "1",
        "description": "The connector to public OpenAI model service for GPT 3.5", "protocol": "http",
        "parameters": {"endpoint": "api.openai.com", "model": "gpt-3.5-turbo"},
        "actions": [{"action_type": "PREDICT", "method": "POST",
                     "url": "https://${parameters.endpoint}/v1/chat/completions",
                     "headers": {"Authorization": "Bearer ${credential.openAI_key}"},
                     "request_body": '{ "model": "${parameters.model}", "messages": ${parameters.messages} }'}]}
    assert builders.FAKE_OPENAI_KEY not in str(model)
    ml_snapshot.match("model", model)


@pytest.mark.parametrize(("fields", "expected"), [
    ({"function_name": "remote", "name": None}, bad("model name is null")),
    ({}, bad("model format is null")),
    ({"function_name": "magic"}, bad("Wrong function name")),
    ({"function_name": "remote"},
     bad("You must provide connector content when creating a remote model without connector id!")),
    ({"function_name": "remote", "connector": builders.connector(actions=[])},
     bad("Connector endpoint is required when creating a remote model without connector id!")),
    ({"function_name": "remote",
      "connector": builders.connector(actions=[builders.action(url="https://evil.example.com/")])}, bad(UNTRUSTED)),
    ({"function_name": "remote", "rate_limiter": {"limit": "-1", "unit": "MINUTES"}},
     bad("Limit field must be a positive number.", "parse_exception")),
    ({"function_name": "remote", "model_config": {"model_type": "text_embedding"}},
     bad("Embedding dimension must be provided for remote text embedding model")),
    ({"function_name": "remote", "model_config": {"model_type": "text_embedding", "embedding_dimension": 3}},
     bad("Framework type must be provided for remote text embedding model")),
    ({"function_name": "remote", "model_config": {"model_type": "text_embedding", "embedding_dimension": 3,
                                                  "framework_type": "sentence_transformers"}},
     bad("Space type must be provided in additional_config for remote text embedding model")),
], ids=["no-name", "no-function-name", "bad-function-name", "no-connector", "connector-without-actions",
        "untrusted-inline-url", "negative-rate-limit", "no-embedding-dimension", "no-framework-type",
        "no-space-type"])
def test_register_validation(api: Api, ml_names: Names, fields: dict[str, Any],
                             expected: tuple[int, dict[str, Any]]) -> None:
    name = ml_names("mo-invalid")
    body = {"name": name, **fields}
    if body["name"] is None:
        del body["name"]
    assert api("POST", f"{MODELS}/_register", body) == expected
    # Refused before anything is written: no model, and no group named after it.
    assert count_named(api, MODELS, name) == 0
    assert count_named(api, GROUPS, name) == 0


def test_register_with_unknown_connector(api: Api, ml_names: Names) -> None:
    create_connector(api, chat_connector(ml_names("mo-unknown-connector")))  # the connector index exists
    name = ml_names("mo-unknown-connector-model")
    assert api("POST", f"{MODELS}/_register", {"name": name, "function_name": "remote",
                                               "connector_id": MISSING}) == not_found(
        f"Failed to find connector:{MISSING}")
    assert count_named(api, MODELS, name) == 0


def test_register_into_unknown_group(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("mo-unknown-group-connector")))
    register_group(api, ml_names("mo-unknown-group"))  # the group index exists
    name = ml_names("mo-unknown-group-model")
    assert api("POST", f"{MODELS}/_register", {"name": name, "function_name": "remote", "connector_id": connector_id,
                                               "model_group_id": MISSING}) == bad(
        f"Model Group Response is empty for {MISSING}", "m_l_resource_not_found_exception", 500)
    assert count_named(api, MODELS, name) == 0


def test_model_names_must_be_safe_text_in_the_plugins_error_order(api: Api) -> None:
    body = {"name": "<m>", "function_name": "remote", "description": "[d]", "provisioned_by": "$"}
    assert api("POST", f"{MODELS}/_register", body) == bad(
        f"Validation Failed: 1: Model provisioned_by field {UNSAFE};2: Model description {UNSAFE};"
        f"3: Model name {UNSAFE};", "action_request_validation_exception")


def test_remote_model_config_is_normalised(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("mo-config-connector")))
    config = {"model_type": "text_embedding", "embedding_dimension": "3", "framework_type": "sentence_transformers",
              "pooling_mode": "mean", "normalize_result": False, "unknown": 1,
              "additional_config": {"space_type": "l2"}}
    registered = register_model(api, ml_names("mo-config"), connector_id=connector_id, model_config=config)
    assert get(api, f"{MODELS}/{registered['model_id']}")["model_config"] == {
        "model_type": "text_embedding", "embedding_dimension": 3, "framework_type": "SENTENCE_TRANSFORMERS",
        "pooling_mode": "MEAN", "additional_config": {"space_type": "l2"}}
    assert api("POST", f"{MODELS}/_register", {
        "name": ml_names("mo-config-bad"), "function_name": "remote", "connector_id": connector_id,
        "model_config": {**config, "framework_type": "tensorflow"}}) == bad("Wrong framework type")


def test_register_with_deploy_true_deploys_in_the_background(api: Api, ml_names: Names) -> None:
    connector_id = create_connector(api, chat_connector(ml_names("mo-deploy-true-connector")))
    registered = register_model(api, ml_names("mo-deploy-true"), deploy=True, connector_id=connector_id)
    assert list(registered) == ["task_id", "status", "model_id"]
    model = model_in_state(api, registered["model_id"], "DEPLOYED")
    assert model["current_worker_node_count"] == model["planning_worker_node_count"] >= 1


def test_deploy_answers_a_completed_deploy_task(api: Api, ml_names: Names) -> None:
    ids = remote_model(api, ml_names, "mo-deploy")
    status, body = api("POST", f"{MODELS}/{ids['model_id']}/_deploy")
    assert status == 200
    assert list(body) == ["task_id", "task_type", "status"]
    assert (body["task_type"], body["status"]) == ("DEPLOY_MODEL", "COMPLETED")
    assert DOC_ID.match(body["task_id"])


def test_deploy_then_undeploy_states(api: Api, ml_names: Names, ml_snapshot) -> None:
    model_id = remote_model(api, ml_names, "mo-states")["model_id"]
    task = finished_task(api, deploy(api, model_id)["task_id"])
    model = get(api, f"{MODELS}/{model_id}")
    assert model["model_state"] == "DEPLOYED"
    nodes = sorted(task["worker_node"])
    assert sorted(model["planning_worker_nodes"]) == nodes
    assert model["planning_worker_node_count"] == model["current_worker_node_count"] == len(nodes)
    assert model["deploy_to_all_nodes"] is True and model["auto_redeploy_retry_times"] == 0
    assert model["last_deployed_time"] >= model["created_time"]
    ml_snapshot.match("deployed", model)
    status, answer = api("POST", f"{MODELS}/_undeploy", {"model_ids": [model_id]})
    assert status == 200
    statuses = undeploy_statuses(answer, model_id)
    assert sorted(node for node, state in statuses.items() if state == "undeployed") == nodes
    model = get(api, f"{MODELS}/{model_id}")
    assert model["model_state"] == "UNDEPLOYED"
    assert "planning_worker_nodes" not in model
    assert (model["planning_worker_node_count"], model["current_worker_node_count"]) == (0, 0)
    ml_snapshot.match("undeployed", model)


def test_undeploy_of_a_registered_model_is_not_found_yet_undeployed(api: Api, ml_names: Names) -> None:
    model_id = remote_model(api, ml_names, "mo-undeploy-registered")["model_id"]
    status, answer = api("POST", f"{MODELS}/{model_id}/_undeploy")
    assert status == 200
    assert set(undeploy_statuses(answer, model_id).values()) == {"not_found"}
    assert get(api, f"{MODELS}/{model_id}")["model_state"] == "UNDEPLOYED"


def test_redeploy_after_undeploy_and_deploying_twice(api: Api, ml_names: Names) -> None:
    model_id = remote_model(api, ml_names, "mo-redeploy")["model_id"]
    first = deploy(api, model_id)
    second = deploy(api, model_id)
    assert first["task_id"] != second["task_id"]
    assert get(api, f"{MODELS}/{model_id}")["model_state"] == "DEPLOYED"
    assert api("POST", f"{MODELS}/{model_id}/_undeploy")[0] == 200
    deploy(api, model_id)
    assert get(api, f"{MODELS}/{model_id}")["model_state"] == "DEPLOYED"


def test_undeploy_keeps_deploy_to_all_nodes_and_last_updated_time(api: Api, ml_names: Names) -> None:
    model_id = remote_model(api, ml_names, "mo-undeploy-times")["model_id"]
    deploy(api, model_id)
    deployed = get(api, f"{MODELS}/{model_id}")
    assert api("POST", f"{MODELS}/{model_id}/_undeploy")[0] == 200
    model = get(api, f"{MODELS}/{model_id}")
    assert (model["model_state"], model["deploy_to_all_nodes"]) == ("UNDEPLOYED", True)
    assert model["last_updated_time"] == deployed["last_updated_time"]
    assert "last_undeployed_time" not in model


@pytest.mark.cluster_settings
def test_deploy_and_undeploy_errors(api: Api, ml_names: Names) -> None:
    model_id = remote_model(api, ml_names, "mo-deploy-errors")["model_id"]
    assert api("PUT", SETTINGS, {"persistent": {SETTING + "allow_custom_deployment_plan": False}})[0] == 200
    assert api("POST", f"{MODELS}/{model_id}/_deploy", {"node_ids": ["x"]}) == bad(
        "Don't allow custom deployment plan")
    # The model is looked up before the deployment plan is checked.
    assert api("POST", f"{MODELS}/{MISSING}/_deploy", {"node_ids": ["x"]}) == not_found("Failed to find model")
    assert api("POST", f"{MODELS}/_undeploy", {}) == bad("Must set specific model ids to undeploy")
    assert api("POST", f"{MODELS}/_undeploy", {"model_ids": [MISSING]}) == not_found("Failed to find model")
    assert get(api, f"{MODELS}/{model_id}")["model_state"] == "REGISTERED"


def test_undeploy_body_ids_win_over_the_path(api: Api, ml_names: Names) -> None:
    model_id = remote_model(api, ml_names, "mo-undeploy-body")["model_id"]
    status, answer = api("POST", f"{MODELS}/{MISSING}/_undeploy", {"model_ids": [model_id]})
    assert status == 200
    assert set(undeploy_statuses(answer, model_id).values()) == {"not_found"}



def test_delete_refused_while_deployed_then_allowed(api: Api, ml_names: Names) -> None:
    ids = remote_model(api, ml_names, "mo-delete")
    model_id = ids["model_id"]
    deploy(api, model_id)
    assert api("DELETE", f"{MODELS}/{model_id}") == bad(DEPLOYED_REFUSAL, "status_exception")
    assert api("POST", f"{MODELS}/{model_id}/_undeploy")[0] == 200
    status, body = api("DELETE", f"{MODELS}/{model_id}")
    assert status == 200
    assert_write(body, index=MODEL_INDEX, doc_id=model_id, result="deleted", forced_refresh=True)
    assert api("DELETE", f"{MODELS}/{model_id}") == not_found("Failed to find model")
    assert api("GET", f"{MODELS}/{model_id}") == not_found(
        f"Failed to find model with the provided model id: {model_id}")
    # The group stays, with its latest_version.
    assert get(api, f"{GROUPS}/{ids['model_group_id']}")["latest_version"] == 1


def test_update_name_and_description(api: Api, ml_names: Names) -> None:
    model_id = remote_model(api, ml_names, "mo-update")["model_id"]
    new_name = ml_names("mo-update-renamed")
    status, body = api("PUT", f"{MODELS}/{model_id}", {"name": new_name, "description": "new"})
    assert status == 200
    assert_write(body, index=MODEL_INDEX, doc_id=model_id, result="updated")
    model = get(api, f"{MODELS}/{model_id}")
    # An update writes model_id into the stored document.
    assert (model["name"], model["description"], model["model_id"]) == (new_name, "new", model_id)
    assert model["last_updated_time"] >= model["created_time"]


def test_update_of_a_deployed_model_is_allowed(api: Api, ml_names: Names) -> None:
    model_id = remote_model(api, ml_names, "mo-update-deployed")["model_id"]
    deploy(api, model_id)
    assert api("PUT", f"{MODELS}/{model_id}", {"description": "while deployed"})[0] == 200
    model = get(api, f"{MODELS}/{model_id}")
    assert (model["description"], model["model_state"]) == ("while deployed", "DEPLOYED")


def test_update_model_errors(api: Api, ml_names: Names) -> None:
    model_id = remote_model(api, ml_names, "mo-update-errors")["model_id"]
    assert api("PUT", f"{MODELS}/{model_id}") == bad("Update model request has empty body", "parse_exception")
    status, body = api("PUT", f"{MODELS}/{model_id}", {})
    assert (status, body["result"]) == (200, "updated")
    assert api("PUT", f"{MODELS}/{MISSING}", {"name": "x"}) == not_found(
        f"Failed to find model to update with the provided model id: {MISSING}")
    assert api("PUT", f"{MODELS}/{model_id}", {"connector_id": "a", "connector": {"name": "x"}}) == bad(
        "Model cannot have both stand-alone connector and internal connector. Please check your update input body.",
        "status_exception")
    assert api("PUT", f"{MODELS}/{model_id}", {"connector": {"description": "x"}}) == bad(
        "Cannot update connector settings for this model. The model was created with a connector_id and does not "
        "have an inline connector.", "status_exception")
    assert api("PUT", f"{MODELS}/{model_id}", {"model_group_id": MISSING}) == not_found(
        "Failed to find the model group with the provided model group id in the update model input, "
        f"MODEL_GROUP_ID: {MISSING}")


def test_update_connector_id_of_an_inline_connector_model_is_refused(api: Api, ml_names: Names) -> None:
    registered = register_model(api, ml_names("mo-inline-update"),
                                connector=chat_connector(ml_names("mo-inline-update-connector")))
    assert api("PUT", f"{MODELS}/{registered['model_id']}", {"connector_id": MISSING}) == bad(
        "This remote does not have a connector_id field, maybe it uses an internal connector.", "status_exception")


def test_moving_a_model_bumps_the_target_group_version(api: Api, ml_names: Names) -> None:
    ids = remote_model(api, ml_names, "mo-move")
    target = register_group(api, ml_names("mo-move-target"))
    assert api("PUT", f"{MODELS}/{ids['model_id']}", {"model_group_id": target})[0] == 200
    model = get(api, f"{MODELS}/{ids['model_id']}")
    assert (model["model_group_id"], model["model_version"]) == (target, "1")
    assert get(api, f"{GROUPS}/{target}")["latest_version"] == 1
    # The source group keeps its latest_version.
    assert get(api, f"{GROUPS}/{ids['model_group_id']}")["latest_version"] == 1
