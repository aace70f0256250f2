"""Predict on remote models, with the vendor answered by ``ml_vendor``: what was sent, and unusual vendor answers.

The backend-agnostic predict tests (through vendor cassettes) live in ``tests/conformance/test_predict.py``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses

from emulator.jsonlimits import JACKSON_SOURCE
from tests import builders
from tests.builders import action, connector, error
from tests.conftest import Api

M = "/_plugins/_ml/models"
ML = "plugins.ml_commons."
URL = "https://api.openai.com/v1/x"


def make_model(api: Api, conn: dict[str, Any], deploy: bool = True, **model: Any) -> str:
    status, created = api("POST", "/_plugins/_ml/connectors/_create", conn)
    assert status == 200, created
    status, registered = api("POST", f"{M}/_register", {"name": "m", "function_name": "remote",
                                                       "connector_id": created["connector_id"], **model})
    assert status == 200, registered
    if deploy:
        api("POST", f"{M}/{registered['model_id']}/_deploy")
    return registered["model_id"]


def template_model(api: Api, request_body: str, **parameters: Any) -> str:
    return make_model(api, connector(parameters={"endpoint": "api.openai.com", **parameters},
                                     actions=[action(url=URL, request_body=request_body)]))


def sent_body(vendor: Any) -> bytes:
    return vendor.calls[-1].request.body


def test_request_parameters_override_connector_parameters(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"ok": True})
    model_id = template_model(api, '{"model": "${parameters.model}"}', model="from-connector")
    api("POST", f"{M}/{model_id}/_predict", {"parameters": {"model": "from-request"}})
    assert json.loads(sent_body(ml_vendor)) == {"model": "from-request"}


def test_request_strings_get_apache_json_escaping(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"ok": True})
    model_id = template_model(api, '{"prompt": "${parameters.prompt}", "messages": ${parameters.messages}, '
                                   '"temperature": ${parameters.temperature}, "n": ${parameters.n}}')
    status, _ = api("POST", f"{M}/{model_id}/_predict", {"parameters": {
        "prompt": 'He said "hi" / café\nnext', "messages": [{"role": "user", "content": "a/b é"}],
        "temperature": 0.0001, "n": 3}})
    assert status == 200
    assert sent_body(ml_vendor).decode() == (
        '{"prompt": "He said \\"hi\\" \\/ caf\\u00E9\\nnext", "messages": [{"role":"user","content":"a/b é"}], '
        '"temperature": 1.0E-4, "n": 3}')


def test_default_values_and_null_defaults(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"ok": True})
    model_id = template_model(api, '{"a": "${parameters.a:-fallback}", "b": "${parameters.b:-null}"}')
    api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})
    assert json.loads(sent_body(ml_vendor)) == {"a": "fallback", "b": None}


def test_skip_validating_missing_parameters_sends_the_placeholder(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"ok": True})
    model_id = template_model(api, '{"a": "${parameters.a}"}', skip_validating_missing_parameters="true")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[0] == 200
    assert json.loads(sent_body(ml_vendor)) == {"a": "${parameters.a}"}


def test_header_parameters_are_substituted_at_predict(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"ok": True})
    model_id = make_model(api, connector(actions=[action(url=URL, headers={
        "Authorization": "Bearer ${credential.openAI_key}", "X-Org": "${parameters.org}"}, request_body="{}")]))
    api("POST", f"{M}/{model_id}/_predict", {"parameters": {"org": "acme"}})
    headers = ml_vendor.calls[-1].request.headers
    assert (headers["X-Org"], headers["Authorization"]) == ("acme", f"Bearer {builders.FAKE_OPENAI_KEY}")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (400, error(
        "illegal_argument_exception",
        "Header 'X-Org' contains unresolved placeholder. Required parameter is missing.", 400))


def test_vendor_error_passes_through_with_its_status(api: Api, ml_vendor: Any) -> None:
    body = '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}'
    ml_vendor.post(URL, body=body, status=401, content_type="application/json")
    model_id = template_model(api, "{}")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (401, error(
        "status_exception", "Error from remote service: " + body, 401))


@pytest.mark.parametrize(("status", "body", "expected_status", "reason"), [
    (429, "", 429, "Remote service returned error status 429 with empty body"),
    (200, "", 502, "Remote service returned empty response body"),
    (500, "boom", 500, "Error from remote service: boom"),
])
def test_vendor_edge_answers(api: Api, ml_vendor: Any, status: int, body: str, expected_status: int,
                             reason: str) -> None:
    ml_vendor.post(URL, body=body, status=status)
    model_id = template_model(api, "{}")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (
        expected_status, error("status_exception", reason, expected_status))


def test_array_and_non_json_vendor_bodies(api: Api, ml_vendor: Any) -> None:
    model_id = template_model(api, "{}")
    ml_vendor.post(URL, json=[1, 2])
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[1] == {"inference_results": [
        {"output": [{"name": "response", "dataAsMap": {"response": [1, 2]}}], "status_code": 200}]}
    ml_vendor.replace(responses.POST, URL, body="42")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (400, error(
        "illegal_argument_exception", "Unsupported response type", 400))
    ml_vendor.replace(responses.POST, URL, body="hello")
    status, answer = api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})
    assert status == 400
    assert answer["error"]["reason"].startswith("Invalid JSON format: Unrecognized token 'hello'")


def test_private_addresses_are_blocked_unless_enabled(api: Api, ml_vendor: Any) -> None:
    local = "http://127.0.0.1:8080/v1/x"
    api("PUT", "/_cluster/settings", {"persistent": {ML + "trusted_connector_endpoints_regex": ["^http://127\\.0\\.0\\.1:.*$"]}})
    model_id = make_model(api, connector(actions=[action(url=local, request_body="{}")]))
    reason = "Remote inference host name has private ip address: 127.0.0.1"
    expected = error("illegal_argument_exception", reason, 400)
    expected["error"]["caused_by"] = {"type": "illegal_argument_exception", "reason": reason}
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (400, expected)
    ml_vendor.post(local, json={"ok": True})
    api("PUT", "/_cluster/settings", {"persistent": {ML + "connector.private_ip_enabled": True}})
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[0] == 200


def test_connection_failure_is_reported(api: Api, ml_vendor: Any) -> None:
    model_id = template_model(api, "{}")
    status, body = api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})
    assert status == 500
    assert body["error"]["type"] == "status_exception"
    assert body["error"]["reason"].startswith(
        "Error communicating with remote model: Connection refused by Responses - the call doesn't match any "
        "registered mock.")


def test_integers_stay_integers_from_3_5_and_become_doubles_before(ml_vendor: Any) -> None:
    from emulator import Emulator
    from emulator.vendors.responses_adapter import session_for

    for version, expected in (("3.8.0", {"n": 1, "x": 1.5}), ("3.3.0", {"n": 1.0, "x": 1.5})):
        emu = Emulator(version=version)
        emu.session = session_for(ml_vendor)
        ml_vendor.upsert(responses.POST, URL, json={"n": 1, "x": 1.5})
        client = emu.client()
        conn = client.plugins.ml.create_connector(body=connector(actions=[action(url=URL, request_body="{}")]))
        model = client.plugins.ml.register_model(body={"name": "m", "function_name": "remote",
                                                       "connector_id": conn["connector_id"]})
        result = client.plugins.ml.predict_model(model_id=model["model_id"], body={"parameters": {}})
        data = result["inference_results"][0]["output"][0]["dataAsMap"]
        assert data == expected and type(data["n"]) is type(expected["n"])


def test_disabled_flag_is_only_checked_once_the_model_is_deployed(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"ok": True})
    model_id = make_model(api, connector(actions=[action(url=URL, request_body="{}")]), deploy=False,
                          is_enabled=False)
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[0] == 200
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (403, error(
        "status_exception", "Model is disabled.", 403))


def test_http_body_without_request_body_template(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"ok": True})
    model_id = make_model(api, connector(actions=[action(url=URL, request_body=None)]))
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (400, error(
        "illegal_argument_exception", "Content length is 0. Aborting request to remote model", 400))
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {"http_body": '{"q": "${parameters.q}"}'}}) == (
        400, error("illegal_argument_exception", "Some parameter placeholder not filled in payload: q", 400))
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {"http_body": '{"q": 1}'}})[0] == 200
    assert json.loads(sent_body(ml_vendor)) == {"q": 1}


def test_throttling_header_from_aws_vendors(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, body='{"message":"Rate exceeded"}', status=429,
                   headers={"x-amzn-ErrorType": "ThrottlingException:http://internal.amazon.com/"})
    model_id = template_model(api, "{}")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (429, error(
        "remote_connector_throttling_exception",
        "Error from remote service: The request was denied due to remote server throttling. To change the retry "
        "policy and behavior, please update the connector client_config.", 429))


def test_unparseable_url_names_its_cause(api: Api, ml_vendor: Any) -> None:
    api("PUT", "/_cluster/settings", {"persistent": {ML + "trusted_connector_endpoints_regex": ["^https://.*$"]}})
    model_id = make_model(api, connector(actions=[action(url="https://api.openai.com/v1/${parameters.path}",
                                                         request_body="{}")]))
    status, body = api("POST", f"{M}/{model_id}/_predict", {"parameters": {"path": "a b"}})
    assert status == 400
    assert body["error"]["reason"] == ("Encountered error when trying to create uri from endpoint in ml connector. "
                                       "Please update the endpoint in connection configuration: ")
    assert body["error"]["caused_by"] == {
        "type": "illegal_argument_exception",
        "reason": "Illegal character in path at index 27: https://api.openai.com/v1/a b"}


def test_model_rate_limiter_throttles_predicts(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"ok": True})
    model_id = make_model(api, connector(actions=[action(url=URL, request_body="{}")]),
                          rate_limiter={"limit": "2", "unit": "MINUTES"})
    assert [api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[0] for _ in range(2)] == [200, 200]
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (429, error(
        "status_exception", "Request is throttled at model level.", 429))
    assert len(ml_vendor.calls) == 2


def test_idle_models_are_undeployed_after_their_ttl(api: Api, ml_vendor: Any, ml_emulator: Any) -> None:
    ml_vendor.post(URL, json={"ok": True})
    now = [1_000_000]
    ml_emulator.backend.ctx.clock = lambda: now[0]
    try:
        model_id = make_model(api, connector(actions=[action(url=URL, request_body="{}")]),
                              deploy_setting={"model_ttl_minutes": 2})
        now[0] += 60_000
        api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})
        now[0] += 119_000
        assert api("GET", f"{M}/{model_id}")[1]["model_state"] == "DEPLOYED"
        now[0] += 2_000
        assert api("GET", f"{M}/{model_id}")[1]["model_state"] == "UNDEPLOYED"
    finally:
        from emulator.domain.ids import now_millis

        ml_emulator.backend.ctx.clock = now_millis


@pytest.mark.parametrize(("vendor_status", "answered"), [(600, 500), (999, 500), (418, 500), (507, 507)])
def test_vendor_statuses_that_cannot_be_answered_become_500(api: Api, ml_vendor: Any, vendor_status: int,
                                                           answered: int) -> None:
    ml_vendor.post(URL, body="nope", status=vendor_status)
    model_id = template_model(api, "{}")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (answered, error(
        "status_exception", "Error from remote service: nope", answered))


def test_unknown_charset_is_refused(api: Api, ml_vendor: Any) -> None:
    model_id = template_model(api, "{}")
    for charset in ("no-such-charset", "rot13", "idna"):
        assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {"charset": charset}}) == (400, error(
            "unsupported_charset_exception", charset, 400))


def test_any_client_failure_is_a_communication_error(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, body=ValueError("broken pipe in the test double"))
    model_id = template_model(api, "{}")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (500, error(
        "status_exception", "Error communicating with remote model: broken pipe in the test double", 500))


def test_to_string_placeholder_follows_javas_pattern(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"ok": True})
    model_id = template_model(api, '{"m": "${parameters.msg}"}')
    # Java's lazy ".+?" matches from the first placeholder, so prompt.toString() is never defined here.
    status, answer = api("POST", f"{M}/{model_id}/_predict", {"parameters": {
        "msg": "${parameters.sys} then ${parameters.prompt.toString()}", "sys": "s", "prompt": 'a "b"'}})
    assert (status, answer["error"]["reason"]) == (400, "Some parameter placeholder not filled in payload: "
                                                        "prompt.toString()")
    status, _ = api("POST", f"{M}/{model_id}/_predict", {"parameters": {
        "msg": "said ${parameters.prompt.toString()}", "prompt": 'a "b"'}})
    assert status == 200
    # The request value is escaped first, and toString() escapes that text again.
    assert sent_body(ml_vendor).decode() == '{"m": "said a \\\\\\"b\\\\\\""}'


def test_json_looking_parameters_follow_org_json_on_raw_control_characters(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"ok": True})
    model_id = template_model(api, '{"v": ${parameters.v}}')
    # A raw TAB inside a JSON string still counts as JSON, so the value is sent as it is.
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {"v": '{"a":"x\ty"}'}})[0] == 200
    assert sent_body(ml_vendor).decode() == '{"v": {"a":"x\ty"}}'
    # A raw line feed does not (org.json: unterminated string), so the value is escaped as text.
    status, answer = api("POST", f"{M}/{model_id}/_predict", {"parameters": {"v": '{"a":"x\ny"}'}})
    assert (status, answer["error"]["reason"]) == (400, 'Invalid payload: {"v": {\\"a\\":\\"x\\ny\\"}}')


@pytest.mark.parametrize(("body", "reason"), [
    ('{"a": "cut', "Unexpected end-of-input: was expecting closing quote for a String value\n at [Source: {src}; "
                   "line: 1, column: 11]"),
    ('{"a": [1, 2', "Unexpected end-of-input: expected close marker for Array (start marker at [Source: {src}; "
                    "line: 1, column: 7])\n at [Source: {src}; line: 1, column: 12]"),
])
def test_truncated_vendor_json_gets_jacksons_end_of_input_message(api: Api, ml_vendor: Any, body: str,
                                                                   reason: str) -> None:
    ml_vendor.post(URL, body=body, content_type="application/json")
    model_id = template_model(api, "{}")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (400, error(
        "illegal_argument_exception", "Invalid JSON format: " + reason.format(src=JACKSON_SOURCE), 400))
