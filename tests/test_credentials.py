"""Credentials are stored but never returned by any API, and never logged."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import responses

from emulator import Emulator
from emulator.vendors.responses_adapter import session_for
from tests import builders

SECRET = "cred-value-7f3a9c1e-do-not-leak"
SECRET_2 = "second-cred-b41d-do-not-leak"


class Recorder:
    """Wraps the WSGI app's ``handle`` and keeps every response body."""

    def __init__(self, emulator: Emulator) -> None:
        self.bodies: list[bytes] = []
        self._handle = emulator.wsgi_app.handle
        emulator.wsgi_app.handle = self.handle  # type: ignore[method-assign]

    def handle(self, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        status, headers, body = self._handle(environ)
        self.bodies.append(body)
        return status, headers, body


def test_no_api_response_ever_contains_a_credential_value(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    emu = Emulator()
    recorder = Recorder(emu)
    vendor = responses.RequestsMock(assert_all_requests_are_fired=False)
    vendor.post(builders.OPENAI_URL, json=builders.OPENAI_CHAT_RESPONSE)
    emu.session = session_for(vendor)
    client = emu.client()
    ml = client.plugins.ml

    def attempt(call: Any, **kwargs: Any) -> None:
        try:
            call(**kwargs)
        except Exception:  # noqa: BLE001 - error answers are recorded too
            pass

    body = builders.connector(credential={"openAI_key": SECRET, "other": SECRET_2})
    connector_id = ml.create_connector(body=body)["connector_id"]
    inline = ml.register_model(body={"name": "inline", "function_name": "remote", "connector": body})
    standalone = ml.register_model(body={"name": "standalone", "function_name": "remote",
                                         "connector_id": connector_id})
    for model_id in (inline["model_id"], standalone["model_id"]):
        ml.deploy_model(model_id=model_id)
        ml.get_model(model_id=model_id)
        ml.predict_model(model_id=model_id, body={"parameters": {"messages": builders.SEED_MESSAGES}})
        attempt(ml.predict_model, model_id=model_id, body={"parameters": {}})
        attempt(ml.update_model, model_id=model_id, body={"connector": {"credential": {"openAI_key": SECRET}}})
    ml.get_connector(connector_id=connector_id)
    attempt(ml.update_connector, connector_id=connector_id, body={"credential": {"openAI_key": SECRET}})
    for source in (None, True, ["credential"], ["credential.*"], {"includes": ["*"]}, ["connector.credential"]):
        query: dict[str, Any] = {"query": {"match_all": {}}}
        if source is not None:
            query["_source"] = source
        ml.search_connectors(body=query)
        ml.search_models(body=query)
    ml.search_tasks(body={"query": {"match_all": {}}})
    attempt(ml.create_connector, body=builders.connector(credential={"openAI_key": SECRET}, name="<bad>"))
    attempt(ml.create_connector, body=builders.connector(
        credential={"openAI_key": SECRET}, actions=[builders.action(url="https://evil.example.com/")]))
    client.cluster.get_settings(include_defaults=True)

    assert len(recorder.bodies) > 25
    for raw in recorder.bodies:
        assert SECRET.encode() not in raw and SECRET_2.encode() not in raw
    # opensearch-py itself logs request bodies at DEBUG (as it would against a real node); the emulator must not.
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith(("opensearch", "urllib3"))]
    assert not [m for m in ours if SECRET in m or SECRET_2 in m]
    sent = vendor.calls[0].request.headers["Authorization"]
    assert sent == f"Bearer {SECRET}"


def test_aws_keys_never_reach_answers_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret_key, token = "aws-secret-9e1c-do-not-leak", "aws-token-77ab-do-not-leak"
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-text-v2:0/invoke"
    emu = Emulator()
    recorder = Recorder(emu)
    vendor = responses.RequestsMock(assert_all_requests_are_fired=False)
    vendor.post(url, json={"embedding": [0.5]})
    emu.session = session_for(vendor)
    ml = emu.client().plugins.ml
    body = builders.connector(
        protocol="aws_sigv4", credential={"access_key": "AKIDLEAKTEST", "secret_key": secret_key,
                                          "session_token": token},
        parameters={"region": "us-east-1", "service_name": "bedrock"},
        actions=[builders.action(url=url, headers={"x-amz-content-sha256": "required"},
                                 request_body='{"inputText": "${parameters.inputText}"}',
                                 pre_process_function="connector.pre_process.bedrock.embedding",
                                 post_process_function="connector.post_process.bedrock.embedding")])
    connector_id = ml.create_connector(body=body)["connector_id"]
    model_id = ml.register_model(body={"name": "m", "function_name": "remote", "connector_id": connector_id},
                                 params={"deploy": "true"})["model_id"]
    ml.predict_model(model_id=model_id, body={"parameters": {"inputText": "hi"}})
    emu.client().transport.perform_request("POST", f"/_plugins/_ml/_predict/text_embedding/{model_id}",
                                           body={"text_docs": ["a"]})
    ml.get_connector(connector_id=connector_id)
    ml.search_connectors(body={"query": {"match_all": {}}})
    for raw in recorder.bodies:
        assert secret_key.encode() not in raw and token.encode() not in raw
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith(("opensearch", "urllib3"))]
    assert not [m for m in ours if secret_key in m or token in m]
    assert vendor.calls[0].request.headers["X-Amz-Security-Token"] == token
