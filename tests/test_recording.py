"""Record mode against a local fake upstream: pass-through answers, scrubbed cassettes, replay of the recording."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator import Emulator
from emulator.http.server import ServerHandle
from emulator.vendors import scanner
from emulator.vendors.cassette import load
from emulator.vendors.recorder import VendorRecorder
from emulator.vendors.replay import VendorReplay
from tests.builders import action, connector

API_KEY = "fake-upstream-key-8d2f1e"


class FakeVendor:
    """A WSGI stand-in for a vendor: checks the key, answers an embedding, leaks ids and cookies like real ones."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.throttle_first = False

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        self.calls.append({"auth": environ.get("HTTP_AUTHORIZATION"), "body": body})
        headers = [("Content-Type", "application/json"), ("openai-organization", "org-abc123"),
                   ("x-request-id", "req_42"), ("Set-Cookie", f"__cf_bm={API_KEY}; path=/")]
        if environ.get("HTTP_AUTHORIZATION") != f"Bearer {API_KEY}":
            start_response("401 Unauthorized", headers)
            return [b'{"error": {"message": "Incorrect API key provided"}}']
        if self.throttle_first and len(self.calls) == 1:
            start_response("429 Too Many Requests", headers)
            return [b'{"error": {"message": "Rate limit reached"}}']
        text = json.loads(body)["input"][0]
        start_response("200 OK", headers)
        return [json.dumps({"data": [{"embedding": [len(text) / 10, 0.25], "index": 0}],
                            "echo": f"key was {API_KEY}"}).encode()]


@pytest.fixture
def upstream() -> Iterator[tuple[FakeVendor, str]]:
    vendor = FakeVendor()
    with ServerHandle(vendor) as server:
        yield vendor, f"{server.url}/v1/embeddings"


def node(session_owner: Any, url: str, **client_config: Any) -> tuple[Any, str]:
    emu = Emulator(settings={"plugins.ml_commons.connector.private_ip_enabled": True,
                             "plugins.ml_commons.trusted_connector_endpoints_regex": ["^http://127\\.0\\.0\\.1:.*$"]})
    emu.session = session_owner.session()
    client = emu.client()
    conn = connector(parameters={"model": "m"}, credential={"key": API_KEY}, actions=[action(
        url=url, headers={"Authorization": "Bearer ${credential.key}"},
        request_body='{"input": ${parameters.input}, "model": "${parameters.model}"}',
        pre_process_function="connector.pre_process.openai.embedding",
        post_process_function="connector.post_process.openai.embedding")])
    if client_config:
        conn["client_config"] = client_config
    connector_id = client.plugins.ml.create_connector(body=conn)["connector_id"]
    model_id = client.plugins.ml.register_model(body={"name": "m", "function_name": "remote",
                                                      "connector_id": connector_id}, params={"deploy": "true"})
    return (emu, client), model_id["model_id"]


def embed(client: Any, model_id: str, text: str) -> Any:
    return client.transport.perform_request("POST", f"/_plugins/_ml/_predict/text_embedding/{model_id}",
                                            body={"text_docs": [text]})


def test_recording_passes_the_vendor_answer_through_and_saves_a_scrubbed_cassette(
        upstream: tuple[FakeVendor, str], tmp_path: Path) -> None:
    vendor, url = upstream
    holder: dict[str, Any] = {}
    recorder = VendorRecorder("fake/embeddings", tmp_path / "fake" / "embeddings.json",
                              secrets=lambda: holder["emu"].backend.credential_values(), api_version="v1")
    (emu, client), model_id = node(recorder, url)
    holder["emu"] = emu
    answer = embed(client, model_id, "hello")
    assert answer["inference_results"][0]["output"][0]["data"] == [0.5, 0.25]
    assert vendor.calls[0]["auth"] == f"Bearer {API_KEY}"
    saved = recorder.save()
    assert saved is not None
    text = (tmp_path / "fake" / "embeddings.json").read_text()
    assert API_KEY not in text
    assert scanner.scan(tmp_path, [API_KEY]) == []
    cassette = load(tmp_path / "fake" / "embeddings.json")
    (interaction,) = cassette.interactions
    assert cassette.provenance["kind"] == "recorded" and cassette.provenance["api_version"] == "v1"
    assert interaction.request.headers == {"Content-Type": "application/json"}
    assert interaction.request.json_body == {"input": ["hello"], "model": "m"}
    assert interaction.response.headers == {"Content-Type": "application/json"}
    assert interaction.response.json_body["echo"] == "key was REDACTED"


def test_a_recording_replays_to_the_same_predict_answer(upstream: tuple[FakeVendor, str], tmp_path: Path) -> None:
    vendor, url = upstream
    recorder = VendorRecorder("fake/embeddings", tmp_path / "fake" / "embeddings.json", secrets=lambda: [API_KEY])
    (_, client), model_id = node(recorder, url)
    live = embed(client, model_id, "hello there")
    recorder.save()
    replay = VendorReplay()
    replay.use_named(["fake/embeddings"], [tmp_path])
    (_, replay_client), replay_model = node(replay, url)
    assert embed(replay_client, replay_model, "hello there") == live
    assert len(vendor.calls) == 1  # the replay never reached the upstream


def test_a_retried_call_is_recorded_as_an_ordered_sequence(upstream: tuple[FakeVendor, str], tmp_path: Path) -> None:
    vendor, url = upstream
    vendor.throttle_first = True
    recorder = VendorRecorder("fake/retried", tmp_path / "fake" / "retried.json", secrets=lambda: [API_KEY])
    (_, client), model_id = node(recorder, url, max_retry_times=2, retry_backoff_millis=1)
    embed(client, model_id, "x")
    cassette = recorder.save()
    assert cassette is not None and cassette.match.ordered
    assert [i.response.status for i in cassette.interactions] == [429, 200]
    replay = VendorReplay()
    replay.use_named(["fake/retried"], [tmp_path])
    (_, replay_client), replay_model = node(replay, url, max_retry_times=2, retry_backoff_millis=1)
    assert embed(replay_client, replay_model, "x")["inference_results"][0]["output"][0]["data"] == [0.1, 0.25]
    assert [s.status for s in replay.served] == [429, 200]


def test_nothing_is_written_without_calls(tmp_path: Path) -> None:
    assert VendorRecorder("x/y", tmp_path / "x" / "y.json").save() is None
    assert not (tmp_path / "x").exists()
