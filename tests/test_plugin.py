"""The pytest plugin as a downstream project uses it (run through pytester)."""

from __future__ import annotations

import json
import socket

import pytest

pytest_plugins = ["pytester"]

DOWNSTREAM_TEST = '''
def test_group_is_created(ml_client):
    answer = ml_client.plugins.ml.register_model_group(body={"name": "g"})
    assert answer["status"] == "CREATED"

def test_state_was_reset_between_tests(ml_client):
    hits = ml_client.plugins.ml.search_model_group(body={"query": {"match_all": {}}})
    assert hits["hits"]["total"]["value"] == 0

def test_url_fixture_serves_http(ml_url):
    import requests
    assert requests.get(ml_url).json()["version"]["distribution"] == "opensearch"

def test_vendor_fixture_answers_the_emulators_calls_only(ml_client, ml_vendor):
    import requests
    ml_vendor.post("https://api.openai.com/v1/x", json={"ok": True})
    ml = ml_client.plugins.ml
    conn = ml.create_connector(body={"name": "c", "version": 1, "protocol": "http", "credential": {"k": "v"},
        "actions": [{"action_type": "predict", "method": "POST", "url": "https://api.openai.com/v1/x",
                     "request_body": "{}"}]})
    model = ml.register_model(body={"name": "m", "function_name": "remote", "connector_id": conn["connector_id"]})
    result = ml.predict_model(model_id=model["model_id"], body={"parameters": {}})
    assert result["inference_results"][0]["output"][0]["dataAsMap"] == {"ok": True}
    assert len(ml_vendor.calls) == 1
'''


@pytest.mark.parametrize("transport", ["inprocess", "http"])
def test_downstream_project_uses_fixtures(pytester: pytest.Pytester, transport: str) -> None:
    pytester.makepyfile(test_downstream=DOWNSTREAM_TEST)
    result = pytester.runpytest_subprocess(f"--ml-transport={transport}", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_ini_options(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nml_version = 3.2.0\nml_transport = http\n")
    pytester.makepyfile(test_ini='''
def test_version(ml_client, ml_emulator):
    assert ml_client.info()["version"]["number"] == "3.2.0"
    assert "Urllib3HttpConnection" in type(ml_client.transport.get_connection()).__name__
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_bad_transport_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="def test_x(): pass")
    result = pytester.runpytest_subprocess("--ml-transport=carrier-pigeon")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*invalid choice*"])


CASSETTE_TEST = '''
import pytest

URL = "https://api.openai.com/v1/embeddings"

def embed(ml_client, text):
    ml = ml_client.plugins.ml
    conn = ml.create_connector(body={"name": "c", "version": 1, "protocol": "http", "credential": {"k": "v"},
        "parameters": {"model": "text-embedding-3-small"},
        "actions": [{"action_type": "predict", "method": "POST", "url": URL,
                     "request_body": '{"input": ${parameters.input}, "model": "${parameters.model}"}',
                     "pre_process_function": "connector.pre_process.openai.embedding",
                     "post_process_function": "connector.post_process.openai.embedding"}]})
    model = ml.register_model(body={"name": "m", "function_name": "remote", "connector_id": conn["connector_id"]},
                              params={"deploy": "true"})
    return ml_client.transport.perform_request("POST", "/_plugins/_ml/_predict/text_embedding/" + model["model_id"],
                                               body={"text_docs": [text]})

@pytest.mark.vendor_cassette("openai/embeddings")
def test_shipped_cassette(ml_client, ml_cassettes):
    answer = embed(ml_client, "anything")
    assert answer["inference_results"][0]["output"][0]["shape"] == [4]
    assert [s.cassette for s in ml_cassettes.served] == ["openai/embeddings"]

@pytest.mark.vendor_cassette("mine/embeddings")
def test_own_cassette_folder(ml_client):
    answer = embed(ml_client, "exact text")
    assert answer["inference_results"][0]["output"][0]["data"] == [9.5]

def test_without_marker(ml_cassettes):
    assert ml_cassettes is None
'''

OWN_CASSETTE = {
    "format_version": 1, "name": "mine/embeddings", "provenance": {"kind": "recorded", "date": "2026-11-30",
                                                                   "api_version": "v1"},
    "match": {}, "interactions": [{
        "request": {"method": "POST", "url": "https://api.openai.com/v1/embeddings",
                    "json": {"input": ["exact text"], "model": "text-embedding-3-small"}},
        "response": {"status": 200, "json": {"data": [{"embedding": [9.5], "index": 0}]}}}],
}


@pytest.mark.parametrize("transport", ["inprocess", "http"])
def test_vendor_cassette_marker_and_own_fixtures(pytester: pytest.Pytester, transport: str) -> None:
    folder = pytester.path / "my_fixtures" / "mine"
    folder.mkdir(parents=True)
    (folder / "embeddings.json").write_text(json.dumps(OWN_CASSETTE))
    pytester.makepyfile(test_cassettes=CASSETTE_TEST)
    result = pytester.runpytest_subprocess(f"--ml-transport={transport}", "--vendor-fixtures", "my_fixtures",
                                           "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["vendor cassettes: 2 interactions replayed, 0 recorded, 0 missed (2 tests)"])


def test_unknown_cassette_fails_the_test_clearly(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x='''
import pytest

@pytest.mark.vendor_cassette("nobody/nothing")
def test_x(ml_client):
    pass
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*vendor_cassette: no cassette named 'nobody/nothing' under *"])


RECORD_TEST = '''
import json
import os

import pytest

from emulator.http.server import ServerHandle


def fake_vendor(environ, start_response):
    ok = environ.get("HTTP_AUTHORIZATION") == "Bearer " + os.environ["FAKE_VENDOR_KEY"]
    start_response("200 OK" if ok else "401 Unauthorized", [("Content-Type", "application/json"),
                                                            ("x-request-id", "req_1")])
    return [json.dumps({"ok": ok, "echo": os.environ["FAKE_VENDOR_KEY"]}).encode()]


@pytest.fixture(scope="module")
def upstream():
    # A fixed port: the recording names the vendor's host, as a real vendor's would stay the same.
    with ServerHandle(fake_vendor, port=int(os.environ["FAKE_VENDOR_PORT"])) as server:
        yield server.url + "/v1/chat"


@pytest.mark.vendor_cassette("fake/chat")
def test_chat(ml_client, upstream):
    ml_client.cluster.put_settings(body={"persistent": {
        "plugins.ml_commons.connector.private_ip_enabled": True,
        "plugins.ml_commons.trusted_connector_endpoints_regex": ["^http://127\\\\.0\\\\.0\\\\.1:.*$"]}})
    ml = ml_client.plugins.ml
    conn = ml.create_connector(body={"name": "c", "version": 1, "protocol": "http",
        "credential": {"key": os.environ["FAKE_VENDOR_KEY"]},
        "actions": [{"action_type": "predict", "method": "POST", "url": upstream,
                     "headers": {"Authorization": "Bearer ${credential.key}"}, "request_body": "{}"}]})
    model = ml.register_model(body={"name": "m", "function_name": "remote", "connector_id": conn["connector_id"]},
                              params={"deploy": "true"})
    answer = ml.predict_model(model_id=model["model_id"], body={"parameters": {}})
    assert answer["inference_results"][0]["output"][0]["dataAsMap"]["ok"] is True
'''


def test_record_mode_writes_a_scrubbed_cassette_that_replays(pytester: pytest.Pytester,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("FAKE_VENDOR_PORT", str(port))
    monkeypatch.setenv("FAKE_VENDOR_KEY", "fake-key-for-recording-5150")
    pytester.makepyfile(test_record=RECORD_TEST)
    (pytester.path / "recorded").mkdir()
    result = pytester.runpytest_subprocess("--vendor-record", "--vendor-fixtures", "recorded", "-p",
                                           "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["vendor cassettes: 0 interactions replayed, 1 recorded, 0 missed (1 tests)"])
    text = (pytester.path / "recorded" / "fake" / "chat.json").read_text()
    assert "fake-key-for-recording-5150" not in text and "req_1" not in text
    assert json.loads(text)["provenance"]["kind"] == "recorded"
    # Replayed from the recording (the replay session cannot reach the upstream), the test passes again.
    result = pytester.runpytest_subprocess("--vendor-fixtures", "recorded", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["vendor cassettes: 1 interactions replayed, 0 recorded, 0 missed (1 tests)"])


def test_record_mode_needs_a_folder(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x='''
import pytest

@pytest.mark.vendor_cassette("a/b")
def test_x(ml_client):
    pass
''')
    result = pytester.runpytest_subprocess("--vendor-record", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*--vendor-record needs a folder to record into*"])


def test_vendor_stub_fixture_serves_the_marked_cassettes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_stub='''
import pytest
import requests

@pytest.mark.vendor_cassette("openai/embeddings")
def test_stub(ml_vendor_stub):
    answer = requests.post(ml_vendor_stub.url + "/v1/embeddings", json={"input": ["x"]}, timeout=5)
    assert answer.json()["object"] == "list"
    body = {"actions": [{"url": "https://api.openai.com/v1/embeddings"}]}
    assert ml_vendor_stub.rewrite(body)["actions"][0]["url"] == ml_vendor_stub.url + "/v1/embeddings"
    assert ml_vendor_stub.settings["plugins.ml_commons.connector.private_ip_enabled"] is True
    assert len(ml_vendor_stub.replay.served) == 1
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
