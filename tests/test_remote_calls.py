"""The remote call: AWS SigV4 signing, client_config timeouts and retries, response_filter, version differences."""

from __future__ import annotations

import datetime
import hashlib
import itertools
import json
import random
import threading
from typing import Any

import pytest
import requests
import responses
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from emulator import Emulator
from emulator.connectors import pools
from emulator.connectors.retry import delays
from emulator.connectors.sigv4 import AwsSigning, sign
from emulator.vendors.responses_adapter import session_for
from tests.builders import action, connector, error
from tests.conftest import Api
from tests.test_predict import make_model

M = "/_plugins/_ml/models"
URL = "https://api.openai.com/v1/x"
BEDROCK = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2/invoke"
AWS_KEYS = {"access_key": "AKIDEXAMPLE", "secret_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}


def aws_model(api: Api, credential: dict[str, str] | None = None, **parameters: Any) -> str:
    return make_model(api, connector(
        protocol="aws_sigv4", credential=credential or AWS_KEYS,
        parameters={"region": "us-east-1", "service_name": "bedrock", **parameters},
        actions=[action(url=BEDROCK, headers={"content-type": "application/json",
                                              "x-amz-content-sha256": "required"},
                        request_body='{"prompt": "${parameters.prompt}"}')]))


def test_aws_sigv4_signs_with_the_connector_keys_region_and_service(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(BEDROCK, json={"completion": "ok"})
    model_id = aws_model(api)
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {"prompt": "hi"}})[0] == 200
    request = ml_vendor.calls[0].request
    stamp = request.headers["X-Amz-Date"]
    assert request.headers["Authorization"].startswith(
        f"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{stamp[:8]}/us-east-1/bedrock/aws4_request, SignedHeaders=")
    assert "X-Amz-Security-Token" not in request.headers
    # The blueprint's "x-amz-content-sha256: required" carries the payload hash once signed.
    assert request.headers["x-amz-content-sha256"] == hashlib.sha256(request.body).hexdigest()
    # The signature verifies: re-sign the captured request with botocore at the same instant.
    moment = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    signed = request.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    sent_headers = {k: v for k, v in request.headers.items() if k.lower() in signed and k.lower() != "x-amz-date"}
    expected = sign("POST", BEDROCK, sent_headers, request.body,
                    AwsSigning("AKIDEXAMPLE", AWS_KEYS["secret_key"], None, "bedrock", "us-east-1"), now=moment)
    assert request.headers["Authorization"] == expected["Authorization"]


def test_sigv4_matches_botocores_own_signer() -> None:
    moment = datetime.datetime(2026, 12, 1, 12, 0, 0, tzinfo=datetime.UTC)
    headers = {"Content-Type": "application/json", "Content-Length": "2"}
    ours = sign("POST", BEDROCK, headers, b"{}", AwsSigning("AK", "SK", "TOKEN", "bedrock", "us-east-1"), now=moment)
    hashed = {**headers, "x-amz-content-sha256": hashlib.sha256(b"{}").hexdigest()}
    reference = AWSRequest(method="POST", url=BEDROCK, data=b"{}", headers=hashed)
    reference.context["timestamp"] = moment.strftime("%Y%m%dT%H%M%SZ")
    signer = SigV4Auth(Credentials("AK", "SK", "TOKEN"), "bedrock", "us-east-1")
    signer._modify_request_before_signing(reference)
    signature = signer.signature(signer.string_to_sign(reference, signer.canonical_request(reference)), reference)
    assert ours["Authorization"].endswith(f"Signature={signature}")
    assert ours["X-Amz-Security-Token"] == "TOKEN"
    assert ours["X-Amz-Date"] == "20261201T120000Z"
    assert "TOKEN" not in repr(AwsSigning("AK", "SK", "TOKEN", "bedrock", "us-east-1"))


def test_session_token_is_sent_as_security_token(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(BEDROCK, json={"completion": "ok"})
    model_id = aws_model(api, {**AWS_KEYS, "session_token": "IQoJb3JpZ2luX2VjEXAMPLE"})
    api("POST", f"{M}/{model_id}/_predict", {"parameters": {"prompt": "hi"}})
    assert ml_vendor.calls[0].request.headers["X-Amz-Security-Token"] == "IQoJb3JpZ2luX2VjEXAMPLE"


def test_request_parameters_do_not_change_the_signing_region(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(BEDROCK, json={"completion": "ok"})
    model_id = aws_model(api)
    api("POST", f"{M}/{model_id}/_predict", {"parameters": {"prompt": "hi", "region": "eu-west-1"}})
    assert "/us-east-1/bedrock/aws4_request" in ml_vendor.calls[0].request.headers["Authorization"]


def test_region_and_service_may_come_from_the_credential(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(BEDROCK, json={"completion": "ok"})
    model_id = make_model(api, connector(
        protocol="aws_sigv4", credential={**AWS_KEYS, "region": "us-east-1", "service_name": "bedrock"},
        parameters={}, actions=[action(url=BEDROCK, headers=None, request_body="{}")]))
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[0] == 200
    assert "/us-east-1/bedrock/aws4_request" in ml_vendor.calls[0].request.headers["Authorization"]


def test_inline_aws_connector_is_validated_at_register(api: Api) -> None:
    inline = connector(protocol="aws_sigv4", credential={"roleArn": "arn:aws:iam::1:role/r"},
                       parameters={"region": "us-east-1", "service_name": "bedrock"},
                       actions=[action(url=BEDROCK, headers=None)])
    assert api("POST", f"{M}/_register", {"name": "m", "function_name": "remote", "connector": inline}) == (
        400, error("illegal_argument_exception", "Missing credential", 400))


def retry_model(api: Api, **client_config: Any) -> str:
    return make_model(api, connector(client_config={"retry_backoff_millis": 1, **client_config},
                                     actions=[action(url=URL, request_body="{}")]))


# 502-504 are left out: opensearch-py itself retries those, which would multiply the calls counted here.
@pytest.mark.parametrize(("status", "retried"), [(429, True), (500, True), (507, True), (400, False), (404, False)])
def test_retries_only_throttling_and_server_errors(api: Api, ml_vendor: Any, status: int, retried: bool) -> None:
    ml_vendor.post(URL, json={"error": "x"}, status=status)
    model_id = retry_model(api, max_retry_times=2)
    answer_status, _ = api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})
    assert answer_status == status
    assert len(ml_vendor.calls) == (3 if retried else 1)


def test_a_retry_can_succeed(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"error": "busy"}, status=429)
    ml_vendor.post(URL, json={"ok": True})
    model_id = retry_model(api, max_retry_times=3)
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (200, {"inference_results": [
        {"output": [{"name": "response", "dataAsMap": {"ok": True}}], "status_code": 200}]})
    assert len(ml_vendor.calls) == 2


def test_without_retries_a_429_is_answered_at_once(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"error": "busy"}, status=429)
    model_id = retry_model(api)
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (429, error(
        "status_exception", 'Error from remote service: {"error": "busy"}', 429))
    assert len(ml_vendor.calls) == 1


def test_the_last_failure_is_answered_with_earlier_ones_suppressed(api: Api, ml_vendor: Any) -> None:
    for n in range(6):
        ml_vendor.post(URL, body=f"busy {n}", status=500)
    model_id = retry_model(api, max_retry_times=5)
    status, answer = api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})
    assert status == 500
    assert answer["error"]["reason"] == "Error from remote service: busy 5"
    # RetryableAction keeps the last four failures: the newest answers, three ride along.
    assert [s["reason"] for s in answer["error"]["suppressed"]] == [
        "Error from remote service: busy 4", "Error from remote service: busy 3", "Error from remote service: busy 2"]


def test_aws_throttling_header_is_retried(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, body="{}", status=400, headers={"x-amzn-ErrorType": "ThrottlingException:http://x"})
    model_id = retry_model(api, max_retry_times=1)
    status, answer = api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})
    assert (status, answer["error"]["type"], len(ml_vendor.calls)) == (
        400, "remote_connector_throttling_exception", 2)
    assert answer["error"]["reason"] == (
        "Error from remote service: The request was denied due to remote server throttling. To change the retry "
        "policy and behavior, please update the connector client_config.")


def test_retry_budget_bounds_unlimited_retries(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, body="down", status=500)
    model_id = retry_model(api, max_retry_times=-1, retry_timeout_seconds=0)
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[0] == 500
    assert len(ml_vendor.calls) == 1


def test_zero_backoff_is_refused_when_retrying(api: Api, ml_vendor: Any) -> None:
    model_id = retry_model(api, max_retry_times=1, retry_backoff_millis=0)
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (400, error(
        "illegal_argument_exception", "Initial delay was less than 1 millisecond: 0s", 400))


def test_timeouts_come_from_client_config_in_seconds(api: Api, ml_vendor: Any) -> None:
    seen: list[Any] = []

    def answer(request: Any) -> tuple[int, dict, str]:
        seen.append(request.req_kwargs["timeout"])
        return 200, {}, "{}"

    ml_vendor.add_callback(responses.POST, URL, callback=answer)
    model_id = retry_model(api, connection_timeout=7, read_timeout=11)
    api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})
    assert seen == [(7.0, 11.0)]


def test_read_timeout_is_a_connection_failure(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, body=requests.ReadTimeout("timed out"))
    model_id = retry_model(api)
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (500, error(
        "status_exception", "Error communicating with remote model: Read timed out", 500))


def test_connection_failures_are_retried(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, body=requests.ConnectionError("refused"))
    ml_vendor.post(URL, json={"ok": 1})
    model_id = retry_model(api, max_retry_times=1)
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[0] == 200


def filter_model(api: Api, response_filter: str) -> str:
    return make_model(api, connector(parameters={"response_filter": response_filter},
                                     actions=[action(url=URL, request_body="{}")]))


def test_response_filter_picks_a_string_into_response(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"choices": [{"message": {"content": "Hi there"}}]})
    model_id = filter_model(api, "$.choices[0].message.content")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[1]["inference_results"][0]["output"] == [
        {"name": "response", "dataAsMap": {"response": "Hi there"}}]


def test_response_filter_on_an_object_gives_it_as_data_as_map(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"usage": {"tokens": 3}, "x": 1})
    model_id = filter_model(api, "$.usage")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[1]["inference_results"][0]["output"] == [
        {"name": "response", "dataAsMap": {"tokens": 3}}]


def test_response_filter_from_the_request_wins(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"a": "A", "b": "B"})
    model_id = filter_model(api, "$.a")
    answer = api("POST", f"{M}/{model_id}/_predict", {"parameters": {"response_filter": "$.b"}})[1]
    assert answer["inference_results"][0]["output"] == [{"name": "response", "dataAsMap": {"response": "B"}}]


def test_missing_filter_path_falls_back_to_the_whole_response(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"content": [{"toolUse": {"name": "t"}}]})
    model_id = filter_model(api, "$.content[0].text")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[1]["inference_results"][0]["output"] == [
        {"name": "response", "dataAsMap": {"content": [{"toolUse": {"name": "t"}}]}}]


def versioned(version: str) -> tuple[Emulator, Any, responses.RequestsMock]:
    emu = Emulator(version=version)
    vendor = responses.RequestsMock(assert_all_requests_are_fired=False)
    emu.session = session_for(vendor)
    return emu, emu.client(), vendor


def predict_raw(client: Any, model_id: str) -> tuple[int, Any]:
    try:
        return 200, client.transport.perform_request("POST", f"{M}/{model_id}/_predict", body={"parameters": {}})
    except Exception as failure:  # noqa: BLE001 - opensearch-py raises TransportError subclasses
        return int(failure.status_code), failure.info  # type: ignore[attr-defined]


def register(client: Any, conn: dict[str, Any]) -> str:
    connector_id = client.plugins.ml.create_connector(body=conn)["connector_id"]
    model = client.plugins.ml.register_model(body={"name": "m", "function_name": "remote",
                                                   "connector_id": connector_id}, params={"deploy": "true"})
    return model["model_id"]


def test_before_3_7_a_missing_filter_path_is_a_500() -> None:
    _, client, vendor = versioned("3.6.0")
    vendor.post(URL, json={"a": 1})
    model_id = register(client, connector(parameters={"response_filter": "$.b"},
                                          actions=[action(url=URL, request_body="{}")]))
    status, answer = predict_raw(client, model_id)
    assert (status, answer["error"]["reason"]) == (500, "Fail to execute PREDICT in aws connector")


def test_before_3_5_numbers_in_data_as_map_are_doubles() -> None:
    _, client, vendor = versioned("3.4.0")
    vendor.post(URL, json={"created": 1759580469, "n": 0})
    model_id = register(client, connector(actions=[action(url=URL, request_body="{}")]))
    status, answer = predict_raw(client, model_id)
    data = answer["inference_results"][0]["output"][0]["dataAsMap"]
    assert (status, data, type(data["n"])) == (200, {"created": 1759580469.0, "n": 0.0}, float)


def test_before_3_3_argument_errors_while_reading_the_answer_are_500() -> None:
    _, client, vendor = versioned("3.2.0")
    vendor.post(URL, body="not json")
    model_id = register(client, connector(actions=[action(url=URL, request_body="{}")]))
    status, answer = predict_raw(client, model_id)
    assert (status, answer["error"]["type"], answer["error"]["caused_by"]["type"]) == (
        500, "m_l_exception", "illegal_argument_exception")


def test_before_3_2_an_empty_body_is_no_response_from_model() -> None:
    _, client, vendor = versioned("3.1.0")
    vendor.post(URL, body="", status=500)
    model_id = register(client, connector(actions=[action(url=URL, request_body="{}")]))
    assert predict_raw(client, model_id) == (400, error("status_exception", "No response from model", 400))


def test_sent_body_has_content_length_and_default_content_type(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={})
    model_id = make_model(api, connector(actions=[action(url=URL, headers=None, request_body='{"a": "é"}')]))
    api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})
    headers = ml_vendor.calls[0].request.headers
    assert (headers["Content-Type"], headers["Content-Length"]) == ("application/json", str(len('{"a": "é"}'.encode())))
    assert json.loads(ml_vendor.calls[0].request.body) == {"a": "é"}


def test_max_connection_bounds_concurrent_calls(api: Api, ml_vendor: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pools, "ACQUIRE_TIMEOUT_SECONDS", 0.05)
    inside, release = threading.Event(), threading.Event()

    def slow(request: Any) -> tuple[int, dict, str]:
        inside.set()
        release.wait(5)
        return 200, {}, "{}"

    ml_vendor.add_callback(responses.POST, URL, callback=slow)
    model_id = retry_model(api, max_connection=1)
    first = threading.Thread(target=api, args=("POST", f"{M}/{model_id}/_predict", {"parameters": {}}))
    first.start()
    try:
        assert inside.wait(5)
        status, answer = api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})
    finally:
        release.set()
        first.join(5)
    assert (status, answer["error"]["type"]) == (429, "status_exception")
    assert answer["error"]["reason"].startswith(
        "Error communicating with remote model: Acquire operation took longer than the configured maximum time")


def test_filter_landing_on_null_falls_back_to_the_whole_response(api: Api, ml_vendor: Any) -> None:
    body = {"choices": [{"message": {"content": None, "tool_calls": [{"id": "t1"}]}}]}
    ml_vendor.post(URL, json=body)
    model_id = filter_model(api, "$.choices[0].message.content")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[1]["inference_results"][0]["output"] == [
        {"name": "response", "dataAsMap": body}]


def test_before_3_8_only_throttling_is_retried() -> None:
    _, client, vendor = versioned("3.7.0")
    vendor.post(URL, body="down", status=500)
    model_id = register(client, connector(client_config={"retry_backoff_millis": 1, "max_retry_times": 3},
                                          actions=[action(url=URL, request_body="{}")]))
    assert predict_raw(client, model_id)[0] == 500
    assert len(vendor.calls) == 1
    vendor.replace(responses.POST, URL, body="{}", status=400, headers={"x-amzn-ErrorType": "ThrottlingException"})
    assert predict_raw(client, model_id)[0] == 400
    assert len(vendor.calls) == 1 + 4


def test_each_deployed_model_has_its_own_connection_pool(api: Api, ml_vendor: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pools, "ACQUIRE_TIMEOUT_SECONDS", 0.05)
    inside, release = threading.Event(), threading.Event()

    def slow(request: Any) -> tuple[int, dict, str]:
        if not inside.is_set():
            inside.set()
            release.wait(5)
        return 200, {}, "{}"

    ml_vendor.add_callback(responses.POST, URL, callback=slow)
    first, second = retry_model(api, max_connection=1), retry_model(api, max_connection=1)
    busy = threading.Thread(target=api, args=("POST", f"{M}/{first}/_predict", {"parameters": {}}))
    busy.start()
    try:
        assert inside.wait(5)
        assert api("POST", f"{M}/{second}/_predict", {"parameters": {}})[0] == 200
    finally:
        release.set()
        busy.join(5)


def test_headers_are_sent_as_deployed_before_3_7() -> None:
    _, client, vendor = versioned("3.6.0")
    vendor.post(URL, json={})
    model_id = register(client, connector(actions=[action(
        url=URL, request_body="{}", headers={"Authorization": "Bearer ${credential.openAI_key}",
                                             "X-Org": "${parameters.org}"})]))
    assert predict_raw(client, model_id)[0] == 200
    assert vendor.calls[0].request.headers["X-Org"] == "${parameters.org}"


def test_retry_timeout_below_minus_one_is_refused(api: Api, ml_vendor: Any) -> None:
    model_id = retry_model(api, max_retry_times=1, retry_timeout_seconds=-5)
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (400, error(
        "illegal_argument_exception", "duration cannot be negative, was given [-5]", 400))


def test_uri_rules_are_javas(api: Api, ml_vendor: Any) -> None:
    outer = ("Encountered error when trying to create uri from endpoint in ml connector. Please update the endpoint "
             "in connection configuration: ")
    api("PUT", "/_cluster/settings", {"persistent": {"plugins.ml_commons.trusted_connector_endpoints_regex": [".*"]}})
    for url, cause in [
        ("https://api.openai.com/v1/x?q=100%", "Malformed escape pair at index 33: https://api.openai.com/v1/x?q=100%"),
        ("https://my_host.example.com/v1", "Invalid URI. Please check if the endpoint is valid from connector."),
    ]:
        model_id = make_model(api, connector(actions=[action(url=url, request_body="{}")]))
        expected = error("illegal_argument_exception", outer, 400)
        expected["error"]["caused_by"] = {"type": "illegal_argument_exception", "reason": cause}
        assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (400, expected)
    assert len(ml_vendor.calls) == 0


def test_vendor_codes_rest_status_does_not_know_are_500_and_not_retried(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, body="teapot", status=418)
    model_id = retry_model(api, max_retry_times=2)
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (500, error(
        "status_exception", "Error from remote service: teapot", 500))
    assert len(ml_vendor.calls) == 1


def test_ndjson_payloads_are_accepted_from_3_5() -> None:
    body = '{"index": {}}\n{"text": "x"}'
    for version, expected in (("3.5.0", 200), ("3.4.0", 400)):
        _, client, vendor = versioned(version)
        vendor.post(URL, json={})
        model_id = register(client, connector(actions=[action(url=URL, request_body=body)]))
        status, answer = predict_raw(client, model_id)
        assert status == expected, (version, answer)
        if expected == 400:
            assert answer["error"]["reason"] == 'Invalid payload: {"index": {}}\n{"text": "x"}'


def test_an_empty_session_token_is_still_sent_and_signed() -> None:
    headers = sign("POST", BEDROCK, {"Content-Length": "2"}, b"{}", AwsSigning("AK", "SK", "", "bedrock", "us-east-1"))
    assert headers["X-Amz-Security-Token"] == ""
    assert "x-amz-security-token" in headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")


def test_backoff_policies_follow_opensearchs_bounds() -> None:
    def first(policy: str, count: int, **extra: Any) -> list[float]:
        config = {"retry_backoff_millis": 100, "retry_backoff_policy": policy, **extra}
        return list(itertools.islice(delays(config, random.Random(7)), count))

    assert first("constant", 3) == [0.1, 0.1, 0.1]
    for attempt, delay in enumerate(first("exponential_equal_jitter", 12, retry_timeout_seconds=1)):
        ceiling = min(100 * 2**attempt, 1000)
        assert ceiling // 2 <= delay * 1000 <= ceiling, (attempt, delay)
    for attempt, delay in enumerate(first("exponential_full_jitter", 8)):
        assert 1 <= delay * 1000 <= 100 * 2**attempt, (attempt, delay)
