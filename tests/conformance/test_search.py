"""``_search`` on model groups, connectors, models and tasks, always limited to the test's own documents."""

from __future__ import annotations

import json

import pytest

from tests import builders
from tests.conformance.builders import (
    CONNECTOR_INDEX,
    CONNECTORS,
    GROUP_INDEX,
    GROUPS,
    MODEL_INDEX,
    MODELS,
    TASK_INDEX,
    TASKS,
    Api,
    Names,
    assert_hit,
    by_ids,
    by_name,
    chat_connector,
    create_connector,
    deploy,
    finished_task,
    get,
    hit_ids,
    register_group,
    register_model,
    remote_model,
    search,
)

pytestmark = pytest.mark.conformance


def test_search_groups_by_exact_name_with_get_and_post(api: Api, ml_names: Names, ml_snapshot) -> None:
    name = ml_names("se-alpha")
    group_id = register_group(api, name, description="first")
    register_group(api, ml_names("se-alpha-2"))
    for method in ("POST", "GET"):
        body = search(api, GROUPS, by_name(name), method)
        assert body["hits"]["total"] == {"value": 1, "relation": "eq"}
        [hit] = body["hits"]["hits"]
        assert_hit(hit, GROUP_INDEX, group_id)
        assert hit["_source"] == get(api, f"{GROUPS}/{group_id}")
        ml_snapshot.match(f"hits-{method}", body["hits"])


def test_search_groups_with_match_inside_a_bool_limited_to_own_ids(api: Api, ml_names: Names) -> None:
    first = register_group(api, ml_names("se-match-1"), description="remote chat models")
    second = register_group(api, ml_names("se-match-2"), description="embedding models")
    third = register_group(api, ml_names("se-match-3"), description="chat and embeddings")
    query = {"query": {"bool": {"must": [{"match": {"description": "chat"}}],
                                "filter": [{"ids": {"values": [first, second, third]}}]}}}
    body = search(api, GROUPS, query)
    assert body["hits"]["total"] == {"value": 2, "relation": "eq"}
    assert sorted(hit_ids(body)) == sorted([first, third])
    must_not = {"query": {"bool": {"must_not": [{"match": {"description": "chat"}}],
                                   "filter": [{"ids": {"values": [first, second, third]}}]}}}
    assert hit_ids(search(api, GROUPS, must_not)) == [second]


def test_search_groups_sorted_and_paged(api: Api, ml_names: Names) -> None:
    ids = [register_group(api, ml_names(f"se-page-{n}")) for n in (1, 2, 3)]
    query = {**by_ids(*ids), "sort": [{"name.keyword": "desc"}]}
    body = search(api, GROUPS, query)
    assert hit_ids(body) == ids[::-1]
    assert body["hits"]["max_score"] is None
    hit = body["hits"]["hits"][0]
    # A field sort: no score, and the sort values are reported after the source.
    assert list(hit)[-2:] == ["_source", "sort"]
    assert (hit["_score"], hit["sort"]) == (None, [ml_names("se-page-3")])
    paged = search(api, GROUPS, {**query, "from": 1, "size": 1})
    assert paged["hits"]["total"] == {"value": 3, "relation": "eq"}
    assert hit_ids(paged) == [ids[1]]


def test_search_source_filtering(api: Api, ml_names: Names) -> None:
    name = ml_names("se-source")
    group_id = register_group(api, name, description="d")
    assert search(api, GROUPS, {**by_ids(group_id), "_source": ["name"]})["hits"]["hits"][0]["_source"] == {
        "name": name}
    # The ML search handlers always fetch the source: `"_source": false` still returns it.
    hit = search(api, GROUPS, {**by_ids(group_id), "_source": False})["hits"]["hits"][0]
    assert hit["_source"] == get(api, f"{GROUPS}/{group_id}")
    excluded = search(api, GROUPS, {**by_ids(group_id), "_source": {"excludes": ["*_time", "description"]}})
    assert excluded["hits"]["hits"][0]["_source"] == {"name": name, "latest_version": 0, "access": "public"}


def test_search_for_a_name_nobody_has_is_empty(api: Api, ml_names: Names) -> None:
    register_group(api, ml_names("se-empty"))  # the group index exists
    body = search(api, GROUPS, by_name(ml_names("se-empty-nobody")))
    assert body["hits"] == {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []}


def test_search_connectors_never_returns_credentials(api: Api, ml_names: Names, ml_snapshot) -> None:
    name = ml_names("se-connector")
    connector_id = create_connector(api, chat_connector(name))
    body = search(api, CONNECTORS, by_name(name))
    [hit] = body["hits"]["hits"]
    assert_hit(hit, CONNECTOR_INDEX, connector_id)
    assert "credential" not in hit["_source"]
    assert hit["_source"]["actions"][0]["action_type"] == "PREDICT"
    ml_snapshot.match("hits", body["hits"])
    # Not even when asked for by name.
    for source in (["credential", "name"], ["credential.*", "name"], {"includes": ["*"]}):
        body = search(api, CONNECTORS, {**by_ids(connector_id), "_source": source})
        assert "credential" not in body["hits"]["hits"][0]["_source"]
        assert builders.FAKE_OPENAI_KEY not in json.dumps(body)
    assert search(api, CONNECTORS, {**by_ids(connector_id), "_source": ["credential", "name"]})[
        "hits"]["hits"][0]["_source"] == {"name": name}


def test_search_connectors_by_protocol_limited_to_own_ids(api: Api, ml_names: Names) -> None:
    http = create_connector(api, chat_connector(ml_names("se-http")))
    aws = create_connector(api, chat_connector(
        ml_names("se-aws"), protocol="aws_sigv4", credential={"access_key": "a", "secret_key": "s"},
        parameters={"region": "us-east-1", "service_name": "bedrock"},
        actions=[builders.action(url="https://bedrock-runtime.us-east-1.amazonaws.com/model/m/invoke", headers=None)]))
    query = {"query": {"bool": {"filter": [{"term": {"protocol": "aws_sigv4"}}, {"ids": {"values": [http, aws]}}]}}}
    assert hit_ids(search(api, CONNECTORS, query)) == [aws]


def test_search_models_by_group_and_algorithm(api: Api, ml_names: Names, ml_snapshot) -> None:
    ids = remote_model(api, ml_names, "se-models")
    second = register_model(api, ml_names("se-models-2"), model_group_id=ids["model_group_id"],
                            connector_id=ids["connector_id"])["model_id"]
    query = {"query": {"bool": {"filter": [{"term": {"model_group_id": ids["model_group_id"]}},
                                           {"term": {"algorithm": "REMOTE"}}]}},
             "sort": [{"model_version": "asc"}]}
    body = search(api, MODELS, query)
    assert hit_ids(body) == [ids["model_id"], second]
    for hit in body["hits"]["hits"]:
        assert hit["_source"]["model_state"] == "REGISTERED"
        assert hit["_source"]["connector_id"] == ids["connector_id"]
    by_exact_name = search(api, MODELS, by_name(ml_names("se-models-model")))
    assert hit_ids(by_exact_name) == [ids["model_id"]]
    assert_hit(by_exact_name["hits"]["hits"][0], MODEL_INDEX, ids["model_id"])
    ml_snapshot.match("hits", by_exact_name["hits"])


def test_search_models_by_state(api: Api, ml_names: Names) -> None:
    deployed = remote_model(api, ml_names, "se-state-a")["model_id"]
    registered = remote_model(api, ml_names, "se-state-b")["model_id"]
    deploy(api, deployed)
    for state, expected in (("DEPLOYED", [deployed]), ("REGISTERED", [registered])):
        query = {"query": {"bool": {"filter": [{"term": {"model_state": state}},
                                               {"ids": {"values": [deployed, registered]}}]}}}
        assert hit_ids(search(api, MODELS, query)) == expected


def test_search_models_hides_the_inline_connector_credential(api: Api, ml_names: Names) -> None:
    registered = register_model(api, ml_names("se-inline"), connector=chat_connector(ml_names("se-inline-connector")))
    for source in (None, ["connector.credential", "name"], ["connector.*"]):
        query = by_ids(registered["model_id"]) if source is None else {**by_ids(registered["model_id"]),
                                                                        "_source": source}
        body = search(api, MODELS, query)
        assert "credential" not in body["hits"]["hits"][0]["_source"].get("connector", {})
        assert builders.FAKE_OPENAI_KEY not in json.dumps(body)
    assert search(api, MODELS, by_ids(registered["model_id"]))["hits"]["hits"][0]["_source"]["connector"][
        "actions"][0]["headers"] == {"Authorization": "Bearer ${credential.openAI_key}"}


def test_search_tasks_by_model_and_type(api: Api, ml_names: Names, ml_snapshot) -> None:
    ids = remote_model(api, ml_names, "se-tasks")
    deploy_task = deploy(api, ids["model_id"])["task_id"]
    finished_task(api, deploy_task)
    for method in ("GET", "POST"):
        query = {"query": {"bool": {"filter": [{"term": {"model_id": ids["model_id"]}},
                                               {"term": {"task_type": "DEPLOY_MODEL"}}]}}}
        body = search(api, TASKS, query, method)
        assert body["hits"]["total"] == {"value": 1, "relation": "eq"}
        [hit] = body["hits"]["hits"]
        assert_hit(hit, TASK_INDEX, deploy_task)
        assert (hit["_source"]["model_id"], hit["_source"]["state"]) == (ids["model_id"], "COMPLETED")
        assert "task_id" not in hit["_source"]
    both = search(api, TASKS, {"query": {"term": {"model_id": ids["model_id"]}}, "sort": [{"task_type": "asc"}]})
    assert hit_ids(both) == [deploy_task, ids["task_id"]]
    ml_snapshot.match("hits", both["hits"])


def test_source_query_parameter_replaces_the_body(api: Api, ml_names: Names) -> None:
    name = ml_names("se-from-source")
    group_id = register_group(api, name)
    query = json.dumps(by_name(name))
    status, body = api("GET", f"{GROUPS}/_search", None, source=query, source_content_type="application/json")
    assert status == 200
    assert hit_ids(body) == [group_id]
