"""The pytest plugin as a downstream project uses it (run through pytester)."""

from __future__ import annotations

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
