"""Vendor cassettes: the file format, matching, and in-process replay through the emulator's own session."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
import responses
import vcr
from moto import mock_aws

from emulator import Emulator
from emulator.vendors.cassette import CassetteError, from_json, load
from emulator.vendors.replay import SHIPPED_FIXTURES, VendorReplay
from tests.builders import action, connector

EMBED_URL = "https://api.openai.com/v1/embeddings"


def cassette_json(*interactions: dict[str, Any], **match: Any) -> dict[str, Any]:
    return {"format_version": 1, "name": "test/cassette", "provenance": {"kind": "authored", "source": "tests"},
            "match": match, "interactions": list(interactions)}


def embedding_interaction(text: str, vector: list[float], status: int = 200) -> dict[str, Any]:
    return {"request": {"method": "POST", "url": EMBED_URL, "json": {"input": [text], "model": "m"}},
            "response": {"status": status, "headers": {"Content-Type": "application/json"},
                         "json": {"data": [{"embedding": vector, "index": 0}]}}}


class Node:
    def __init__(self, replay: VendorReplay) -> None:
        self.emu = Emulator()
        self.emu.session = replay.session()
        self.client = self.emu.client()

    def embedding_model(self, **client_config: Any) -> str:
        conn = connector(parameters={"model": "m"}, actions=[action(
            url=EMBED_URL, request_body='{"input": ${parameters.input}, "model": "${parameters.model}"}',
            pre_process_function="connector.pre_process.openai.embedding",
            post_process_function="connector.post_process.openai.embedding")])
        if client_config:
            conn["client_config"] = client_config
        connector_id = self.client.plugins.ml.create_connector(body=conn)["connector_id"]
        return self.client.plugins.ml.register_model(
            body={"name": "m", "function_name": "remote", "connector_id": connector_id},
            params={"deploy": "true"})["model_id"]

    def embed(self, model_id: str, *docs: str) -> tuple[int, Any]:
        try:
            return 200, self.client.transport.perform_request(
                "POST", f"/_plugins/_ml/_predict/text_embedding/{model_id}", body={"text_docs": list(docs)})
        except Exception as failure:  # noqa: BLE001 - opensearch-py raises TransportError subclasses
            return int(failure.status_code), failure.info  # type: ignore[attr-defined]


def test_a_cassette_file_round_trips_byte_for_byte() -> None:
    path = SHIPPED_FIXTURES / "openai" / "embeddings.json"
    assert load(path).dumps() == path.read_text(encoding="utf-8")


def test_files_are_written_with_sorted_keys(tmp_path: Path) -> None:
    cassette = from_json(cassette_json(embedding_interaction("a", [1.0])))
    cassette.save(tmp_path / "x" / "c.json")
    text = (tmp_path / "x" / "c.json").read_text()
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_replay_answers_the_emulators_vendor_call() -> None:
    replay = VendorReplay()
    replay.use(from_json(cassette_json(embedding_interaction("hello", [0.5, -0.25]))))
    node = Node(replay)
    status, answer = node.embed(node.embedding_model(), "hello")
    assert (status, answer) == (200, {"inference_results": [{"output": [
        {"name": "sentence_embedding", "data_type": "FLOAT32", "shape": [2], "data": [0.5, -0.25]}],
        "status_code": 200}]})
    assert [(s.cassette, s.method, s.url, s.status) for s in replay.served] == [
        ("test/cassette", "POST", EMBED_URL, 200)]


def test_json_bodies_match_as_data_not_text() -> None:
    # The emulator sends ["hello"] compactly; the cassette's spacing and key order do not matter.
    interaction = embedding_interaction("hello", [1.0])
    interaction["request"] = {"method": "POST", "url": EMBED_URL,
                              "body": '{ "model" : "m",  "input" : [ "hello" ] }'}
    replay = VendorReplay()
    replay.use(from_json(cassette_json(interaction)))
    node = Node(replay)
    assert node.embed(node.embedding_model(), "hello")[0] == 200


def test_a_miss_names_the_request_and_diffs_the_nearest_interaction() -> None:
    replay = VendorReplay()
    replay.use(from_json(cassette_json(embedding_interaction("hello", [1.0]))))
    node = Node(replay)
    status, answer = node.embed(node.embedding_model(), "goodbye")
    assert status == 500
    reason = answer["error"]["reason"]
    assert reason.startswith("Error communicating with remote model: no recorded vendor interaction matches POST "
                             f"{EMBED_URL}; nearest recorded interaction is in cassette 'test/cassette':")
    assert '-    "hello"' in reason and '+    "goodbye"' in reason
    assert replay.missed == [f"POST {EMBED_URL}"]


def test_ignored_body_fields_and_any_body() -> None:
    for match in ({"ignore_body_fields": ["input"]}, {"any_body": True}):
        replay = VendorReplay()
        replay.use(from_json(cassette_json(embedding_interaction("recorded text", [1.0]), **match)))
        node = Node(replay)
        assert node.embed(node.embedding_model(), "something else")[0] == 200, match


def test_ordered_cassettes_serve_a_429_then_a_200_to_a_retrying_connector() -> None:
    replay = VendorReplay()
    replay.use(from_json(cassette_json(embedding_interaction("x", [1.0], status=429),
                                       embedding_interaction("x", [2.0]), ordered=True)))
    node = Node(replay)
    model_id = node.embedding_model(max_retry_times=2, retry_backoff_millis=1)
    status, answer = node.embed(model_id, "x")
    assert (status, answer["inference_results"][0]["output"][0]["data"]) == (200, [2.0])
    assert [s.status for s in replay.served] == [429, 200]
    # Both recorded interactions are used up: a third call is a miss.
    assert node.embed(model_id, "x")[0] == 500


def test_replay_coexists_with_a_global_responses_mock() -> None:
    replay = VendorReplay()
    replay.use(from_json(cassette_json(embedding_interaction("hello", [1.0]))))
    node = Node(replay)
    model_id = node.embedding_model()
    with responses.RequestsMock() as user_mock:
        user_mock.get("https://example.com/user-call", json={"mine": True})
        assert requests.get("https://example.com/user-call", timeout=5).json() == {"mine": True}
        # The user's global mock does not see the emulator's vendor call, and the cassette does not see theirs.
        assert node.embed(model_id, "hello")[0] == 200
    assert len(replay.served) == 1


def test_shipped_cassettes_are_found_by_name() -> None:
    replay = VendorReplay()
    (cassette,) = replay.use_named(["openai/embeddings"])
    assert cassette.provenance["kind"] == "authored"
    node = Node(replay)
    status, answer = node.embed(node.embedding_model(), "any text at all")
    assert status == 200
    assert answer["inference_results"][0]["output"][0]["shape"] == [4]
    with pytest.raises(CassetteError, match="no cassette named 'openai/nope'"):
        VendorReplay().use_named(["openai/nope"])


@pytest.mark.parametrize(("change", "message"), [
    ({"format_version": 2}, "format_version must be 1"),
    ({"name": ""}, "name must be a non-empty string"),
    ({"provenance": {"kind": "guessed"}}, "provenance.kind must be one of recorded, authored"),
    ({"interactions": []}, "interactions must be a non-empty list"),
    ({"interactions": [{"request": {"method": "POST", "url": "/relative"}, "response": {"status": 200}}]},
     "interactions[0].request needs a method and an absolute url"),
    ({"interactions": [{"request": {"method": "POST", "url": EMBED_URL}, "response": {"status": 99}}]},
     "interactions[0].response.status must be an HTTP status code"),
    ({"interactions": [{"request": {"method": "POST", "url": EMBED_URL, "json": {}, "body": "x"},
                        "response": {"status": 200}}]}, "has more than one of json, body, body_base64"),
    ({"interactions": [{"request": {"method": "GET", "url": EMBED_URL},
                        "response": {"status": 200, "body_base64": "***"}}]}, "body_base64 is not base64"),
])
def test_bad_cassettes_are_refused_with_the_field_named(change: dict[str, Any], message: str) -> None:
    data = {**cassette_json(embedding_interaction("a", [1.0])), **change}
    with pytest.raises(CassetteError, match=message.replace("[", r"\[").replace("]", r"\]")):
        from_json(data)


def test_binary_bodies_are_kept_as_bytes() -> None:
    raw = bytes(range(256))
    replay = VendorReplay()
    replay.use(from_json(cassette_json({"request": {"method": "GET", "url": "https://api.openai.com/v1/files/x"},
                                        "response": {"status": 200,
                                                     "body_base64": base64.b64encode(raw).decode()}})))
    assert replay.session().get("https://api.openai.com/v1/files/x", timeout=5).content == raw
    assert from_json(replay.cassettes[0].to_json()).interactions[0].response.raw == raw


def test_replay_coexists_with_moto_and_vcr(tmp_path: Path) -> None:
    replay = VendorReplay()
    replay.use(from_json(cassette_json(embedding_interaction("hello", [1.0]))))
    node = Node(replay)
    model_id = node.embedding_model()
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
        s3.create_bucket(Bucket="pipeline-bucket")
        assert node.embed(model_id, "hello")[0] == 200
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["pipeline-bucket"]
    with vcr.use_cassette(str(tmp_path / "user.yaml"), record_mode="none"):
        # VCR.py holds the user's own traffic; the emulator's vendor call never reaches it.
        assert node.embed(model_id, "hello")[0] == 200
        with pytest.raises(vcr.errors.CannotOverwriteExistingCassetteException):
            requests.get("https://example.com/not-recorded", timeout=5)
    assert len(replay.served) == 2
