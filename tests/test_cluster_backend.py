"""The url backend's discipline on a shared cluster, against a second emulator standing in for that cluster.

A run never resets the cluster: it removes exactly what it created (models
undeployed first, their tasks and automatic model groups too), sweeps whatever
carries its run prefix, puts back the settings it changed, and refuses to start
on a cluster that already holds resources with its prefix.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from opensearchpy import TransportError

from emulator import Emulator
from emulator.harness.backends import ClusterBackend, ContainerBackend, ExistingResources
from emulator.harness.naming import RunNames
from emulator.harness.tracking import CleanupWarning, Ledger, clean_up
from emulator.vendors.replay import VendorReplay
from tests import builders

ML = "/_plugins/_ml"
NAMES = RunNames("mlconf-", "abc123", "gw0")


@pytest.fixture
def shared() -> Iterator[tuple[Emulator, str]]:
    """A second emulator, served over HTTP, that already holds someone else's work."""
    cluster = Emulator()
    with cluster.serve() as server:
        yield cluster, server.url


@pytest.fixture
def backend(shared: tuple[Emulator, str]) -> Iterator[ClusterBackend]:
    """The url backend on the shared emulator, as one test session of a run would hold it."""
    cluster = ClusterBackend(shared[1], NAMES)
    try:
        yield cluster
    finally:
        cluster.close()


def call(url: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    response = requests.request(method, url + path, json=body, timeout=10)
    return response.status_code, response.json()


def someone_elses_work(url: str) -> dict[str, str]:
    _, group = call(url, "POST", f"{ML}/model_groups/_register", {"name": "team-search-models"})
    _, connector = call(url, "POST", f"{ML}/connectors/_create", builders.connector(name="team-openai"))
    _, model = call(url, "POST", f"{ML}/models/_register?deploy=true", {
        "name": "team-chat", "function_name": "remote", "model_group_id": group["model_group_id"],
        "connector_id": connector["connector_id"]})
    return {"group": group["model_group_id"], "connector": connector["connector_id"], "model": model["model_id"]}


def names_of(url: str, kind: str) -> list[str]:
    _, found = call(url, "POST", f"{ML}/{kind}/_search", {"query": {"match_all": {}}, "size": 100})
    return sorted(hit["_source"].get("name", hit["_source"].get("task_type")) for hit in found["hits"]["hits"])


def test_a_test_removes_what_it_created_and_nothing_else(shared: tuple[Emulator, str], backend: ClusterBackend) -> None:
    _, url = shared
    theirs = someone_elses_work(url)
    before = {kind: names_of(url, kind) for kind in ("model_groups", "connectors", "models", "tasks")}
    ml = backend.client().plugins.ml
    group = ml.register_model_group(body={"name": NAMES("group")})
    connector = ml.create_connector(body=builders.connector(name=NAMES("openai")))
    ml.register_model(body={"name": NAMES("in-group"), "function_name": "remote",
                            "model_group_id": group["model_group_id"], "connector_id": connector["connector_id"]},
                      params={"deploy": "true"})
    # No model_group_id: the node creates a model group named after the model.
    ml.register_model(body={"name": NAMES("auto-group"), "function_name": "remote",
                            "connector_id": connector["connector_id"]})
    ml.register_model(body={"name": NAMES("inline"), "function_name": "remote",
                            "model_group_id": group["model_group_id"],
                            "connector": builders.connector(name=NAMES("inline-connector"))},
                      params={"deploy": "true"})
    assert len(names_of(url, "models")) == 4
    backend.reset()
    assert {kind: names_of(url, kind) for kind in before} == before
    status, model = call(url, "GET", f"{ML}/models/{theirs['model']}")
    assert (status, model["model_state"]) == (200, "DEPLOYED")


def test_what_a_test_created_without_the_client_is_swept_by_the_run_prefix(
        shared: tuple[Emulator, str], backend: ClusterBackend) -> None:
    _, url = shared
    someone_elses_work(url)
    call(url, "POST", f"{ML}/model_groups/_register", {"name": NAMES("made-with-requests")})
    call(url, "POST", f"{ML}/model_groups/_register", {"name": "mlconf-ffffff-gw1-another-run"})
    backend.begin_test()
    backend.reset()
    assert names_of(url, "model_groups") == ["mlconf-ffffff-gw1-another-run", "team-search-models"]


def test_cluster_settings_a_test_changes_are_put_back(shared: tuple[Emulator, str], backend: ClusterBackend) -> None:
    _, url = shared
    call(url, "PUT", "/_cluster/settings", {"persistent": {"plugins.ml_commons.max_model_on_node": 20}})
    _, before = call(url, "GET", "/_cluster/settings")
    client = backend.client()
    client.cluster.put_settings(body={"persistent": {"plugins": {"ml_commons": {"max_model_on_node": 5}}},
                                      "transient": {"plugins.ml_commons.sync_up_job_interval_in_seconds": 3}})
    client.cluster.put_settings(body={"persistent": {"plugins.ml_commons.max_model_on_node": 7}})
    assert call(url, "GET", "/_cluster/settings")[1] != before
    backend.reset()
    assert call(url, "GET", "/_cluster/settings")[1] == before


def test_a_cluster_holding_resources_with_the_prefix_is_refused(
        shared: tuple[Emulator, str], backend: ClusterBackend) -> None:
    _, url = shared
    someone_elses_work(url)
    backend.check_prefix("mlconf-")
    call(url, "POST", f"{ML}/model_groups/_register", {"name": "mlconf-0a0a0a-main-left-behind"})
    with pytest.raises(ExistingResources) as refused:
        backend.check_prefix("mlconf-")
    assert str(refused.value) == (
        f"{url} already has ML resources named 'mlconf-'... (model_groups: mlconf-0a0a0a-main-left-behind); they "
        "may belong to another run or a crashed one. Remove them, choose another --ml-name-prefix, or pass "
        "--ml-allow-existing")


@pytest.mark.vendor_cassette("openai/chat-completions")
def test_replayed_tests_point_connectors_at_the_stub_and_answers_map_back(
        shared: tuple[Emulator, str], backend: ClusterBackend, ml_cassettes: VendorReplay) -> None:
    _, url = shared
    backend.replay_vendors(ml_cassettes)
    ml = backend.client().plugins.ml
    body = builders.connector(name=NAMES("chat"))
    connector = ml.create_connector(body=body)
    stored = ml.get_connector(connector_id=connector["connector_id"])
    stub_url = stored["actions"][0]["url"]
    assert stub_url.startswith("http://127.0.0.1:") and stub_url.endswith("/v1/chat/completions")
    assert backend.replacements() == {NAMES.run_prefix: "<prefix>", stub_url: body["actions"][0]["url"]}
    model = ml.register_model(body={"name": NAMES("chat"), "function_name": "remote",
                                    "connector_id": connector["connector_id"]}, params={"deploy": "true"})
    answer = ml.predict_model(model_id=model["model_id"], body={"parameters": {"messages": [
        {"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "Hello!"}]}})
    assert answer["inference_results"][0]["status_code"] == 200
    assert len(ml_cassettes.served) == 1
    trusted = call(url, "GET", "/_cluster/settings")[1]["persistent"]["plugins"]["ml_commons"]
    assert trusted["connector"]["private_ip_enabled"] == "true"
    assert trusted["trusted_connector_endpoints_regex"][-1] == "^" + stub_url.split("/v1")[0].replace(".", r"\.") \
        + "/.*$"
    backend.stop_replay()
    plain = ml.create_connector(body=builders.connector(name=NAMES("plain")))
    assert ml.get_connector(connector_id=plain["connector_id"])["actions"][0]["url"] == body["actions"][0]["url"]
    backend.close()
    # The session's own settings (the stub trusted, private addresses allowed) are put back at its end.
    assert call(url, "GET", "/_cluster/settings")[1] == {"persistent": {}, "transient": {}}
    assert names_of(url, "connectors") == []


class FakeContainer:
    stopped = False

    def stop(self) -> None:
        self.stopped = True


@pytest.mark.vendor_cassette("openai/chat-completions")
def test_the_container_backend_binds_the_stub_for_docker_and_stops_the_container(
        shared: tuple[Emulator, str], ml_cassettes: VendorReplay) -> None:
    _, url = shared
    container = FakeContainer()
    backend = ContainerBackend(container, url, NAMES)
    try:
        check_container_backend(backend, container, url, ml_cassettes)
    finally:
        backend.close()
    assert container.stopped


def check_container_backend(backend: ContainerBackend, container: FakeContainer, url: str,
                            ml_cassettes: VendorReplay) -> None:
    backend.replay_vendors(ml_cassettes)
    stub = backend._stub
    assert stub is not None and stub.server.host == "0.0.0.0"
    assert stub.url == f"http://host.docker.internal:{stub.server.port}"
    ml = backend.client().plugins.ml
    connector = ml.create_connector(body=builders.connector(name=NAMES("chat")))
    assert ml.get_connector(connector_id=connector["connector_id"])["actions"][0]["url"] == \
        f"{stub.url}/v1/chat/completions"
    persistent = call(url, "GET", "/_cluster/settings")[1]["persistent"]["plugins"]["ml_commons"]
    # Private addresses are allowed by the container's start-up settings, not changed at run time.
    assert "connector" not in persistent


def test_clean_up_warns_about_what_it_could_not_remove() -> None:
    ledger = Ledger(connectors=["c1"], model_groups=["g1"])

    def perform(method: str, path: str, body: Any = None) -> tuple[int, Any]:
        if method == "DELETE" and path.endswith("/c1"):
            return 409, {"error": {"reason": "connector is in use"}, "status": 409}
        return 200, {}

    with pytest.warns(CleanupWarning, match=r"could not remove connector c1: 409 connector is in use"):
        failures = clean_up(perform, ledger, NAMES.run_prefix, sweep_names=False)
    assert failures == ["connector c1: 409 connector is in use"]
    assert ledger.empty()


def test_a_model_still_undeploying_is_deleted_once_the_node_lets_go() -> None:
    ledger = Ledger(models=["m1"])
    answers = iter([(400, {"error": {"reason": "Model cannot be deleted in deploying or deployed state."}})] * 2
                   + [(200, {"result": "deleted"})])
    calls: list[tuple[str, str]] = []
    sleeps: list[float] = []

    def perform(method: str, path: str, body: Any = None) -> tuple[int, Any]:
        calls.append((method, path))
        if method == "DELETE":
            return next(answers)
        return 404, {}

    assert clean_up(perform, ledger, NAMES.run_prefix, sweep_names=False, sleep=sleeps.append) == []
    assert calls.count(("DELETE", f"{ML}/models/m1")) == 3
    assert sleeps == [0.5, 0.5]


def test_the_failed_task_a_refused_register_leaves_is_removed_but_older_ones_stay(
        shared: tuple[Emulator, str], backend: ClusterBackend) -> None:
    _, url = shared
    call(url, "POST", f"{ML}/model_groups/_register", {"name": "team-models"})
    connector = call(url, "POST", f"{ML}/connectors/_create", builders.connector(name="team-openai"))[1]
    refused = {"name": "team-orphan", "function_name": "remote", "model_group_id": "no-such-group-000000",
               "connector_id": connector["connector_id"]}
    assert call(url, "POST", f"{ML}/models/_register", refused)[0] == 500
    before = names_of(url, "tasks")
    assert before == ["REGISTER_MODEL"]
    client = backend.client()
    with pytest.raises(TransportError):
        client.plugins.ml.register_model(body={**refused, "name": NAMES("orphan")})
    assert names_of(url, "tasks") == ["REGISTER_MODEL"] * 2
    backend.reset()
    assert names_of(url, "tasks") == ["REGISTER_MODEL"]
