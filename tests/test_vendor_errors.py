"""What a predict answers when the vendor fails, throttles, times out or answers something unusable (spec §8)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import responses

from tests.conftest import Api
from tests.vendor_cases import (
    AWS_CREDENTIAL,
    FAIL_IN_CONNECTOR,
    assert_predicted,
    connector,
    deploy,
    error,
    predict,
    response,
    results,
)

CHAT_URL = "https://api.openai.com/v1/chat/completions"
EMBED_URL = "https://api.cohere.ai/v1/embed"
TITAN_URL = "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-text-v2:0/invoke"
RETRY_FAST = {"max_retry_times": 2, "retry_backoff_millis": 1}


def chat(**extra: Any) -> dict[str, Any]:
    """The OpenAI chat blueprint's connector."""
    return connector("OpenAI Chat", "http", {"model": "gpt-3.5-turbo"}, {"openAI_key": "sk-conformance"},
                     {"method": "POST", "url": CHAT_URL,
                      "headers": {"Authorization": "Bearer ${credential.openAI_key}"},
                      "request_body": '{ "model": "${parameters.model}", "messages": ${parameters.messages} }'},
                     **extra)


def cohere_embed(post_process: str = "connector.post_process.cohere.embedding") -> dict[str, Any]:
    return connector("Cohere Embed", "http", {"model": "embed-english-v3.0"}, {"cohere_key": "co-conformance"},
                     {"method": "POST", "url": EMBED_URL,
                      "headers": {"Authorization": "Bearer ${credential.cohere_key}"},
                      "request_body": '{ "texts": ${parameters.texts}, "model": "${parameters.model}" }',
                      "pre_process_function": "connector.pre_process.cohere.embedding",
                      "post_process_function": post_process})


def titan(**action: Any) -> dict[str, Any]:
    return connector("Amazon Bedrock Connector: embedding", "aws_sigv4",
                     {"region": "us-east-1", "service_name": "bedrock", "model": "amazon.titan-embed-text-v2:0"},
                     AWS_CREDENTIAL,
                     {"method": "POST",
                      "url": "https://bedrock-runtime.${parameters.region}.amazonaws.com/model/${parameters.model}/invoke",
                      "headers": {"content-type": "application/json", "x-amz-content-sha256": "required"},
                      "request_body": '{ "inputText": "${parameters.inputText}" }',
                      "pre_process_function": "connector.pre_process.bedrock.embedding",
                      "post_process_function": "connector.post_process.bedrock.embedding", **action})


def titan_retrying(**action: Any) -> dict[str, Any]:
    body = titan(**action)
    body["client_config"] = {"max_retry_times": 1, "retry_backoff_millis": 1}
    return body


MESSAGES = {"messages": [{"role": "user", "content": "Hello!"}]}


@pytest.fixture(autouse=True)
def _one_client_attempt(ml_client: Any) -> None:
    """opensearch-py re-sends requests answered 502/503/504; counting vendor calls needs one predict per test."""
    ml_client.transport.max_retries = 0


def retried(type_: str, reason: str, status: int, attempts: int) -> dict[str, Any]:
    """The last failure, with up to three earlier ones attached as suppressed (RetryableAction, MAX_EXCEPTIONS 4).

    OpenSearch renders suppressed exceptions in every exception object, the root cause included.
    """
    entry = {"type": type_, "reason": reason, "suppressed": [{"type": type_, "reason": reason}] * min(attempts - 1, 3)}
    return {"error": {"root_cause": [entry], **entry}, "status": status}


# docs/remote_inference_blueprints/open_ai_connector_chat_blueprint.md, cohere_connector_embedding_blueprint.md,
# bedrock_connector_titan_embedding_blueprint.md: vendor 4xx answers
@pytest.mark.parametrize(("make", "url", "parameters", "status", "body", "headers"), [
    (chat, CHAT_URL, MESSAGES, 401,
     '{"error":{"message":"Incorrect API key provided: sk-conf****","type":"invalid_request_error",'
     '"param":null,"code":"invalid_api_key"}}', {}),
    (cohere_embed, EMBED_URL, {"texts": ["hello"]}, 400,
     '{"message":"invalid request: texts must be a non-empty list of strings"}', {}),
    (titan, TITAN_URL, {"inputText": "hello"}, 404,
     '{"message":"Could not resolve the foundation model from the provided model identifier."}',
     {"x-amzn-ErrorType": "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.bedrock/"}),
], ids=["openai-401", "cohere-400", "bedrock-404"])
def test_vendor_client_errors_pass_through_with_their_status(
        api: Api, ml_vendor: Any, make: Any, url: str, parameters: dict[str, Any], status: int, body: str,
        headers: dict[str, str]) -> None:
    ml_vendor.post(url, body=body, status=status, content_type="application/json", headers=headers)
    answer = predict(api, deploy(api, make()), parameters)
    assert len(ml_vendor.calls) == 1
    assert answer == (status, error("status_exception", "Error from remote service: " + body, status))


# docs/remote_inference_blueprints/open_ai_connector_chat_blueprint.md (vendor overloaded, no client_config)
@pytest.mark.parametrize("status", [429, 500, 503])
def test_retryable_statuses_are_tried_once_without_max_retry_times(api: Api, ml_vendor: Any, status: int) -> None:
    body = '{"error":{"message":"The server is overloaded","type":"server_error"}}'
    ml_vendor.post(CHAT_URL, body=body, status=status)
    answer = predict(api, deploy(api, chat()), MESSAGES)
    assert len(ml_vendor.calls) == 1
    assert answer == (status, error("status_exception", "Error from remote service: " + body, status))


# docs/remote_inference_blueprints/open_ai_connector_chat_blueprint.md (client_config.max_retry_times)
@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_429_and_5xx_are_retried_max_retry_times(api: Api, ml_vendor: Any, status: int) -> None:
    body = '{"error":{"message":"Rate limit reached","type":"requests"}}'
    ml_vendor.post(CHAT_URL, body=body, status=status)
    answer = predict(api, deploy(api, chat(client_config=RETRY_FAST)), MESSAGES)
    assert len(ml_vendor.calls) == 3
    assert answer == (status, retried("status_exception", "Error from remote service: " + body, status, 3))


# docs/remote_inference_blueprints/open_ai_connector_chat_blueprint.md (client_config.max_retry_times)
def test_a_retry_that_succeeds_answers_normally(api: Api, ml_vendor: Any) -> None:
    answer_body = {"id": "chatcmpl-retry", "object": "chat.completion", "created": 1718000000,
                   "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi"},
                                "finish_reason": "stop"}]}
    ml_vendor.post(CHAT_URL, body='{"error":"busy"}', status=503)
    ml_vendor.post(CHAT_URL, json=answer_body)
    answer = predict(api, deploy(api, chat(client_config=RETRY_FAST)), MESSAGES)
    assert len(ml_vendor.calls) == 2
    assert_predicted(answer, results([response(answer_body)]))


# docs/remote_inference_blueprints/open_ai_connector_chat_blueprint.md (client_config.max_retry_times)
def test_other_4xx_are_not_retried(api: Api, ml_vendor: Any) -> None:
    body = '{"error":{"message":"Invalid value for messages","type":"invalid_request_error"}}'
    ml_vendor.post(CHAT_URL, body=body, status=400)
    answer = predict(api, deploy(api, chat(client_config={"max_retry_times": 3, "retry_backoff_millis": 1})), MESSAGES)
    assert len(ml_vendor.calls) == 1
    assert answer == (400, error("status_exception", "Error from remote service: " + body, 400))


THROTTLED = ("Error from remote service: The request was denied due to remote server throttling. To change the "
             "retry policy and behavior, please update the connector client_config.")


# docs/remote_inference_blueprints/bedrock_connector_titan_embedding_blueprint.md (AWS throttling header)
@pytest.mark.parametrize("status", [429, 400])
def test_aws_throttling_header_is_a_retried_throttling_exception(api: Api, ml_vendor: Any, status: int) -> None:
    ml_vendor.post(TITAN_URL, body='{"message":"Too many requests, please wait before trying again."}', status=status,
                   headers={"x-amzn-ErrorType": "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"})
    answer = predict(api, deploy(api, titan_retrying()), {"inputText": "hello"})
    # RemoteConnectorThrottlingException is retried whatever its status; the vendor body is not reported.
    assert len(ml_vendor.calls) == 2
    assert answer == (status, retried("remote_connector_throttling_exception", THROTTLED, status, 2))


# docs/remote_inference_blueprints/open_ai_connector_chat_blueprint.md (an HTML page instead of JSON)
def test_non_json_vendor_body_is_an_invalid_json_error(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(CHAT_URL, body="<html><body>Gateway OK</body></html>", status=200, content_type="text/html")
    status, body = predict(api, deploy(api, chat()), MESSAGES)
    assert (status, body["error"]["type"]) == (400, "illegal_argument_exception"), body
    assert body["error"]["reason"].startswith("Invalid JSON format: Unexpected character ('<' (code 60))"), body


# docs/remote_inference_blueprints/cohere_connector_embedding_blueprint.md (an HTML page instead of JSON)
def test_non_json_vendor_body_under_a_built_in_post_process_fails_the_connector(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(EMBED_URL, body="<html><body>Gateway OK</body></html>", status=200, content_type="text/html")
    status, body = predict(api, deploy(api, cohere_embed()), {"texts": ["hello"]})
    # Built-ins read the raw body with JsonPath, whose failure is not an IllegalArgumentException.
    assert status == 500, f"predict answered {status}: {body}"
    assert body["error"]["root_cause"] == [{"type": "m_l_exception", "reason": FAIL_IN_CONNECTOR}]
    assert (body["error"]["type"], body["error"]["reason"]) == ("m_l_exception", FAIL_IN_CONNECTOR)


# docs/remote_inference_blueprints/open_ai_connector_chat_blueprint.md (200 with no body)
def test_empty_success_body_is_a_bad_gateway(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(CHAT_URL, body="", status=200)
    assert predict(api, deploy(api, chat()), MESSAGES) == (502, error(
        "status_exception", "Remote service returned empty response body", 502))


# docs/remote_inference_blueprints/open_ai_connector_chat_blueprint.md (503 with no body)
def test_empty_error_body_names_the_vendor_status(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(CHAT_URL, body="", status=503)
    assert predict(api, deploy(api, chat()), MESSAGES) == (503, error(
        "status_exception", "Remote service returned error status 503 with empty body", 503))


# docs/remote_inference_blueprints/bedrock_connector_converse_blueprint.md (tool use: no content[0].text)
def test_response_filter_that_misses_falls_back_to_the_whole_response(api: Api, ml_vendor: Any) -> None:
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-sonnet-4-5-20251101-v1:0/converse"
    tool_use = {"output": {"message": {"role": "assistant", "content": [
        {"toolUse": {"toolUseId": "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "name": "top_song",
                     "input": {"sign": "WZPZ"}}}]}},
        "stopReason": "tool_use", "usage": {"inputTokens": 397, "outputTokens": 45, "totalTokens": 442},
        "metrics": {"latencyMs": 1354}}
    ml_vendor.post(url, json=tool_use)
    model_id = deploy(api, connector(
        "Amazon Bedrock Converse", "aws_sigv4",
        {"region": "us-east-1", "service_name": "bedrock", "response_filter": "$.output.message.content[0].text",
         "model": "anthropic.claude-sonnet-4-5-20251101-v1:0"}, AWS_CREDENTIAL,
        {"method": "POST", "headers": {"content-type": "application/json"},
         "url": "https://bedrock-runtime.${parameters.region}.amazonaws.com/model/${parameters.model}/converse",
         "request_body": '{"messages":[{"role":"user","content":[{"text":"${parameters.user_prompt}"}]}]}'}))
    answer = predict(api, model_id, {"user_prompt": "What is the most popular song on WZPZ?"})
    assert_predicted(answer, results([response(tool_use)]))


# docs/remote_inference_blueprints/*: built-in post-process validation (MLPostProcessFunction implementations)
@pytest.mark.parametrize(("post_process", "vendor_answer", "reason"), [
    ("connector.post_process.openai.embedding", {"data": [{"index": 0, "embedding": ["0.1", "0.2"]}]},
     "The embedding should be a non-empty List containing Float values."),
    ("connector.post_process.cohere.embedding", {"embeddings": [0.1, 0.2]},
     "The embedding should be a non-empty List containing List of Float values."),
    ("connector.post_process.cohere.embedding", {"embeddings": {"float": [[0.1, 0.2]]}},
     "Post process function input is not a List."),
    ("connector.post_process.bedrock.embedding", {"embedding": [[0.1, 0.2]]},
     "The embedding should be a non-empty List containing Float values."),
    ("connector.post_process.cohere.rerank", {"results": [{"index": 0, "score": 0.5}]},
     "The rerank result should contain index and relevance_score."),
    ("connector.post_process.bedrock.rerank", {"results": [{"index": 0, "relevanceScore": 1}]},
     "relevanceScore is not BigDecimal or Double."),
    ("connector.post_process.bedrock.rerank", {"results": []}, "Post process function input is empty."),
])
def test_built_in_post_process_validation_errors_are_bad_requests(api: Api, ml_vendor: Any, post_process: str,
                                                                  vendor_answer: dict[str, Any], reason: str) -> None:
    ml_vendor.post(EMBED_URL, json=vendor_answer)
    answer = predict(api, deploy(api, cohere_embed(post_process)), {"texts": ["hello", "world"]})
    assert answer == (400, error("illegal_argument_exception", reason, 400))


# docs/remote_inference_blueprints/cohere_connector_embedding_blueprint.md (no texts, no embeddings)
def test_an_empty_embedding_list_answers_an_entry_without_output(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(EMBED_URL, json={"id": "e-1", "texts": [], "embeddings": [], "response_type": "embeddings_floats"})
    answer = predict(api, deploy(api, cohere_embed()), {"texts": []})
    assert_predicted(answer, results([]))


# docs/remote_inference_blueprints/cohere_connector_embedding_blueprint.md (answer without "embeddings")
def test_built_in_post_process_path_that_misses_fails_the_connector(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(EMBED_URL, json={"id": "e-2", "message": "no embeddings today"})
    answer = predict(api, deploy(api, cohere_embed()), {"texts": ["hello"]})
    # Unlike response_filter without a built-in, a built-in's JSONPath has no fallback.
    assert answer == (500, error("m_l_exception", FAIL_IN_CONNECTOR, 500, caused_by={
        "type": "path_not_found_exception", "reason": "No results for path: $['embeddings']"}))


THROWING_POST = """
def vec = params.embedding;
if (vec.length < 3) {
  throw new IllegalArgumentException('embedding ' + vec + ' is too short');
}
return null;
"""


# docs/tutorials/guardrails/use_bedrock_guardrails.md (a post-process script that throws)
def test_post_process_script_that_throws_is_a_connector_failure_with_the_script_cause(
        api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(TITAN_URL, json={"embedding": [0.0001, 0.5], "inputTextTokenCount": 2})
    model_id = deploy(api, titan(post_process_function=THROWING_POST))
    status, body = predict(api, model_id, {"inputText": "hello"})
    assert status == 500, f"predict answered {status}: {body}"
    assert body["error"]["root_cause"] == [{"type": "m_l_exception", "reason": FAIL_IN_CONNECTOR}]
    assert (body["error"]["type"], body["error"]["reason"]) == ("m_l_exception", FAIL_IN_CONNECTOR)
    cause = body["error"]["caused_by"]
    # The message is built with Java string conversion: List.toString and Double.toString (1.0E-4).
    assert {key: cause.get(key) for key in ("type", "reason", "lang", "script", "caused_by")} == {
        "type": "script_exception", "reason": "runtime error", "lang": "painless", "script": THROWING_POST,
        "caused_by": {"type": "illegal_argument_exception", "reason": "embedding [1.0E-4, 0.5] is too short"}}
    assert isinstance(cause.get("script_stack"), list) and set(cause.get("position", {})) == {"offset", "start", "end"}


def _time_out(request: Any) -> Any:
    raise requests.ReadTimeout("HTTPSConnectionPool(host='api.openai.com', port=443): Read timed out.")


# docs/remote_inference_blueprints/open_ai_connector_chat_blueprint.md (vendor never answers)
def test_read_timeout_is_a_communication_error(api: Api, ml_vendor: Any) -> None:
    ml_vendor.add_callback(responses.POST, CHAT_URL, callback=_time_out)
    answer = predict(api, deploy(api, chat()), MESSAGES)
    # No response headers arrived, so the status is 500; the text is the Netty client's.
    assert answer == (500, error("status_exception", "Error communicating with remote model: Read timed out", 500))


# docs/remote_inference_blueprints/open_ai_connector_chat_blueprint.md (vendor never answers, with retries)
def test_read_timeouts_are_retried_like_server_errors(api: Api, ml_vendor: Any) -> None:
    ml_vendor.add_callback(responses.POST, CHAT_URL, callback=_time_out)
    answer = predict(api, deploy(api, chat(client_config=RETRY_FAST)), MESSAGES)
    assert len(ml_vendor.calls) == 3
    assert answer == (500, retried("status_exception", "Error communicating with remote model: Read timed out", 500, 3))
