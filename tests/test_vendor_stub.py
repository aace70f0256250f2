"""Network replay: the cassettes served over HTTP to any client, and a node pointed at the stub."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests

from emulator import Emulator
from emulator.http.server import ServerHandle
from emulator.vendors.cassette import from_json, load
from emulator.vendors.recorder import VendorRecorder
from emulator.vendors.replay import SHIPPED_FIXTURES, VendorReplay
from emulator.vendors.stub import (
    RecordingStubApp,
    node_settings,
    replay_for,
    rewrite_connector,
    rewrite_url,
    serve,
)
from tests.builders import action, connector

ROOT = Path(__file__).resolve().parents[1]


def chat_replay() -> VendorReplay:
    replay = VendorReplay()
    replay.use(from_json({
        "format_version": 1, "name": "openai/chat", "provenance": {"kind": "authored", "source": "tests"},
        "match": {}, "interactions": [{
            "request": {"method": "POST", "url": "https://api.openai.com/v1/chat/completions",
                        "json": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}},
            "response": {"status": 200, "headers": {"Content-Type": "application/json", "x-request-id": "r"},
                         "json": {"choices": [{"message": {"role": "assistant", "content": "Hello!"}}]}}}]}))
    return replay


def test_a_plain_http_client_gets_the_recorded_answer() -> None:
    with serve(chat_replay()) as stub:
        answer = requests.post(f"{stub.url}/v1/chat/completions", timeout=5,
                               json={"messages": [{"content": "Hi", "role": "user"}], "model": "gpt-4o-mini"})
        assert (answer.status_code, answer.json()) == (200, {"choices": [
            {"message": {"role": "assistant", "content": "Hello!"}}]})
        assert answer.headers["Content-Type"] == "application/json"
        miss = requests.post(f"{stub.url}/v1/chat/completions", json={"model": "other"}, timeout=5)
        assert miss.status_code == 404
        assert miss.json()["error"]["type"] == "cassette_miss"
        assert "no recorded vendor interaction matches POST" in miss.json()["error"]["message"]


def test_rewriting_keeps_path_query_and_placeholders() -> None:
    stub = "http://host.docker.internal:8089"
    assert rewrite_url("https://api.openai.com/v1/chat/completions?x=1", stub) == (
        "http://host.docker.internal:8089/v1/chat/completions?x=1")
    assert rewrite_url("https://bedrock-runtime.${parameters.region}.amazonaws.com/model/${parameters.model}/invoke",
                       stub) == "http://host.docker.internal:8089/model/${parameters.model}/invoke"
    body = connector()
    rewritten = rewrite_connector(body, stub)
    assert rewritten["actions"][0]["url"] == "http://host.docker.internal:8089/v1/chat/completions"
    assert body["actions"][0]["url"] == "https://${parameters.endpoint}/v1/chat/completions"  # the input is kept
    assert node_settings([stub]) == {
        "plugins.ml_commons.trusted_connector_endpoints_regex": ["^http://host\\.docker\\.internal:8089/.*$"],
        "plugins.ml_commons.connector.private_ip_enabled": True}


def test_a_node_pointed_at_the_stub_predicts_from_the_cassette() -> None:
    # A second emulator stands in for a real node: it calls the stub over the network.
    with serve(chat_replay()) as stub:
        node = Emulator(settings=node_settings([stub.url]))
        client = node.client()
        body = rewrite_connector(connector(parameters={"model": "gpt-4o-mini"}, actions=[action(
            url="https://api.openai.com/v1/chat/completions",
            request_body='{"model": "${parameters.model}", "messages": ${parameters.messages}}')]), stub.url)
        connector_id = client.plugins.ml.create_connector(body=body)["connector_id"]
        model_id = client.plugins.ml.register_model(body={"name": "m", "function_name": "remote",
                                                          "connector_id": connector_id},
                                                    params={"deploy": "true"})["model_id"]
        answer = client.plugins.ml.predict_model(model_id=model_id, body={"parameters": {
            "messages": [{"role": "user", "content": "Hi"}]}})
    assert answer["inference_results"][0]["output"][0]["dataAsMap"] == {
        "choices": [{"message": {"role": "assistant", "content": "Hello!"}}]}


def test_shipped_fixtures_are_all_loadable() -> None:
    replay = replay_for(SHIPPED_FIXTURES)
    assert [c.name for c in replay.cassettes] == sorted(c.name for c in replay.cassettes)
    assert "openai/embeddings" in [c.name for c in replay.cassettes]


def test_serve_command_prints_its_url_and_stops_on_sigterm() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "emulator.vendors", "serve", "--fixtures",
                                str(SHIPPED_FIXTURES), "--port", "0"], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        assert first.startswith("Vendor stub listening on http://127.0.0.1:")
        url = first.rsplit(" ", 1)[1]
        answer: Any = requests.post(f"{url}/v1/embeddings", json={"input": ["x"], "model": "m"}, timeout=5)
        assert answer.json()["model"] == "text-embedding-3-small"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_the_stub_records_as_a_proxy_in_front_of_the_vendor(tmp_path: Path) -> None:
    key = "fake-proxy-key-2718"

    def upstream_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        authorized = environ.get("HTTP_AUTHORIZATION") == f"Bearer {key}"
        start_response("200 OK" if authorized else "401 Unauthorized", [("Content-Type", "application/json"),
                                                                          ("x-request-id", "req_9")])
        return [json.dumps({"authorized": authorized, "echo": key}).encode()]

    with ServerHandle(upstream_app) as upstream:
        recorder = VendorRecorder("proxy/chat", tmp_path / "proxy" / "chat.json", secrets=lambda: [key])
        with ServerHandle(RecordingStubApp(recorder, upstream.url)) as stub:
            answer = requests.post(f"{stub.url}/v1/chat?alt=json", json={"q": 1}, timeout=5,
                                   headers={"Authorization": f"Bearer {key}"})
            assert answer.json() == {"authorized": True, "echo": key}  # the caller gets the vendor's own answer
    text = (tmp_path / "proxy" / "chat.json").read_text()
    assert key not in text and "req_9" not in text
    (interaction,) = load(tmp_path / "proxy" / "chat.json").interactions
    assert interaction.request.url == f"{upstream.url}/v1/chat?alt=json"
    assert interaction.response.json_body == {"authorized": True, "echo": "REDACTED"}
    # Served back by a replaying stub, the recording answers the same path.
    with serve(replay_for(tmp_path)) as replaying:
        assert requests.post(f"{replaying.url}/v1/chat?alt=json", json={"q": 1}, timeout=5).json() == {
            "authorized": True, "echo": "REDACTED"}
