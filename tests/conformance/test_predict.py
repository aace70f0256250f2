"""Predict on remote models through replayed vendor cassettes: answers, vendor errors, payload checks, auto-deploy.

Connectors name the vendors' real URLs; on a real node the harness points them at the
cassette stub. Tests that expect the plugin to refuse a predict before any vendor call
still replay a cassette, so that a call made by mistake reaches the stub (and shows up
in ``ml_cassettes``) instead of the internet.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance.builders import (
    MODELS,
    UNTRUSTED,
    Api,
    Names,
    assert_served,
    bad,
    chat_connector,
    create_connector,
    deploy,
    model_in_state,
    register_model,
    remote_error,
    vendor_json,
)
from tests.vendor_cases import (
    AWS_CREDENTIAL,
    FAIL_IN_CONNECTOR,
    assert_predicted,
    response,
    results,
    similarity,
    tensor,
)

pytestmark = pytest.mark.conformance

CHAT = "openai/chat-completions"
CHAT_URL = "https://api.openai.com/v1/chat/completions"
CHAT_MESSAGES = [{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "Hello!"}]
TITAN = "bedrock/titan-embed-text-v1"
THROTTLED = ("Error from remote service: The request was denied due to remote server throttling. To change the "
             "retry policy and behavior, please update the connector client_config.")
HTML_REASON = ("Invalid JSON format: Unexpected character ('<' (code 60)): expected a valid value (JSON String, "
               "Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED "
               "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]")
OPENAI_HEADERS = {"Authorization": "Bearer ${credential.openAI_key}"}
COHERE_HEADERS = {"Authorization": "Bearer ${credential.cohere_key}", "Request-Source": "unspecified:opensearch"}
SIGNED_JSON = {"content-type": "application/json", "x-amz-content-sha256": "required"}


def connector(name: str, url: str, request_body: str, parameters: dict[str, Any], *, protocol: str = "http",
              credential: dict[str, str] | None = None, headers: dict[str, str] | None = None,
              **action: Any) -> dict[str, Any]:
    """A blueprint-shaped connector with one predict action on ``url``."""
    return {"name": name, "description": "conformance vendor connector", "version": 1, "protocol": protocol,
            "parameters": parameters, "credential": credential or {"openAI_key": "sk-conformance-test"},
            "actions": [{"action_type": "predict", "method": "POST", "url": url,
                         "headers": OPENAI_HEADERS if headers is None else headers, "request_body": request_body,
                         **action}]}


def openai_chat(name: str) -> dict[str, Any]:
    return connector(name, CHAT_URL, '{ "model": "${parameters.model}", "messages": ${parameters.messages} }',
                     {"model": "gpt-4o-mini"})


def titan(name: str) -> dict[str, Any]:
    return connector(
        name, "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-text-v1/invoke",
        '{ "inputText": "${parameters.inputText}" }', {"region": "us-east-1", "service_name": "bedrock"},
        protocol="aws_sigv4", credential=AWS_CREDENTIAL, headers=SIGNED_JSON,
        pre_process_function="connector.pre_process.bedrock.embedding",
        post_process_function="connector.post_process.bedrock.embedding")


def model_on(api: Api, names: Names, base: str, body: dict[str, Any], *, deployed: bool = True,
             **model: Any) -> str:
    """Create the connector, register a remote model on it and (by default) deploy it; returns the model id."""
    connector_id = create_connector(api, body)
    model_id = register_model(api, names(base), connector_id=connector_id, **model)["model_id"]
    if deployed:
        deploy(api, model_id)
    return model_id


def chat_model(api: Api, names: Names, base: str, **kwargs: Any) -> str:
    return model_on(api, names, base, openai_chat(names(f"{base}-connector")), **kwargs)


def predict(api: Api, model_id: str, parameters: dict[str, Any]) -> tuple[int, Any]:
    return api("POST", f"{MODELS}/{model_id}/_predict", {"parameters": parameters})


def embed(api: Api, model_id: str, *docs: str) -> tuple[int, Any]:
    return api("POST", f"/_plugins/_ml/_predict/text_embedding/{model_id}", {"text_docs": list(docs)})


# -- answers --------------------------------------------------------------------------------------------------------


@pytest.mark.vendor_cassette(CHAT)
def test_chat_answer_is_the_vendor_json_as_data_as_map(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    model_id = chat_model(api, ml_names, "pr-chat")
    answer = predict(api, model_id, {"messages": CHAT_MESSAGES})
    assert_predicted(answer, results([response(vendor_json(ml_cassettes, CHAT))]))
    assert_served(ml_cassettes, CHAT)


@pytest.mark.vendor_cassette(CHAT)
def test_response_filter_in_the_request_picks_the_answer(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    model_id = chat_model(api, ml_names, "pr-filter")
    answer = predict(api, model_id, {"messages": CHAT_MESSAGES, "response_filter": "$.choices[0].message.content"})
    assert_predicted(answer, results([response({"response": "Hello! How can I help you today?"})]))


@pytest.mark.vendor_cassette(CHAT)
def test_predict_through_the_algorithm_path(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    model_id = chat_model(api, ml_names, "pr-algorithm-path")
    answer = api("POST", f"/_plugins/_ml/_predict/remote/{model_id}", {"parameters": {"messages": CHAT_MESSAGES}})
    assert_predicted(answer, results([response(vendor_json(ml_cassettes, CHAT))]))
    assert api("POST", f"/_plugins/_ml/_predict/magic/{model_id}", {"parameters": {}}) == bad("Wrong function name")
    assert_served(ml_cassettes, CHAT)


def openai_embedding_connector(name: str) -> dict[str, Any]:
    """The OpenAI embeddings blueprint with the built-in pre- and post-process functions."""
    return connector(name, "https://api.openai.com/v1/embeddings",
                     '{ "input": ${parameters.input}, "model": "${parameters.model}" }',
                     {"model": "text-embedding-3-small"},
                     pre_process_function="connector.pre_process.openai.embedding",
                     post_process_function="connector.post_process.openai.embedding")


@pytest.mark.vendor_cassette("openai/embeddings")
def test_openai_embeddings_through_the_built_in_functions(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    body = openai_embedding_connector(ml_names("pr-openai-embed-connector"))
    model_id = model_on(api, ml_names, "pr-openai-embed", body)
    answer = embed(api, model_id, "The food was delicious and the waiter was friendly.")
    assert_predicted(answer, results([tensor([0.0023064255, -0.009327292, -0.0028842222, 0.012456738])]))
    assert_served(ml_cassettes, "openai/embeddings")


@pytest.mark.vendor_cassette("cohere/embed-v1")
def test_cohere_embeddings_are_one_result_with_a_tensor_per_document(api: Api, ml_names: Names,
                                                                      ml_cassettes: Any) -> None:
    body = connector(ml_names("pr-cohere-embed-connector"), "https://api.cohere.ai/v1/embed",
                     '{ "texts": ${parameters.texts}, "truncate": "${parameters.truncate}", '
                     '"model": "${parameters.model}", "input_type": "${parameters.input_type}" }',
                     {"model": "embed-english-v3.0", "input_type": "search_document", "truncate": "END"},
                     credential={"cohere_key": "co-conformance-test"}, headers=COHERE_HEADERS,
                     pre_process_function="connector.pre_process.cohere.embedding",
                     post_process_function="connector.post_process.cohere.embedding")
    model_id = model_on(api, ml_names, "pr-cohere-embed", body)
    answer = embed(api, model_id, "hello", "goodbye")
    assert_predicted(answer, results([tensor([0.016296387, -0.008354187, -0.04675293, 0.0234375]),
                                      tensor([-0.0024547577, 0.0062217712, -0.01675415, 0.5])]))
    assert_served(ml_cassettes, "cohere/embed-v1")


@pytest.mark.vendor_cassette("cohere/rerank")
def test_cohere_rerank_scores_come_back_in_document_order(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    body = connector(ml_names("pr-rerank-connector"), "https://api.cohere.ai/v1/rerank",
                     '{ "documents": ${parameters.documents}, "query": "${parameters.query}", '
                     '"model": "${parameters.model}", "top_n": ${parameters.top_n} }', {"model": "rerank-english-v3.0"},
                     credential={"cohere_key": "co-conformance-test"},
                     headers={"Authorization": "Bearer ${credential.cohere_key}"},
                     pre_process_function="connector.pre_process.cohere.rerank",
                     post_process_function="connector.post_process.cohere.rerank")
    model_id = model_on(api, ml_names, "pr-rerank", body)
    answer = api("POST", f"/_plugins/_ml/_predict/text_similarity/{model_id}", {
        "query_text": "What is the capital of the United States?",
        "text_docs": ["Carson City is the capital city of Nevada.",
                      "Saipan is the capital of the Northern Mariana Islands.",
                      "Washington, D.C. is the capital of the United States."]})
    # The vendor ranks document 2 first; the plugin puts the scores back in the documents' order.
    assert_predicted(answer, results([similarity(0.10194652), similarity(0.0721122), similarity(0.98005307)]))
    assert_served(ml_cassettes, "cohere/rerank")


@pytest.mark.vendor_cassette(TITAN)
def test_bedrock_titan_embedding_signed_with_sigv4(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    model_id = model_on(api, ml_names, "pr-titan", titan(ml_names("pr-titan-connector")))
    answer = embed(api, model_id, "What is the meaning of life?")
    assert_predicted(answer, results([tensor([0.41992188, -0.7265625, -0.080078125, 0.25])]))
    assert_served(ml_cassettes, TITAN)


@pytest.mark.vendor_cassette("bedrock/claude-messages")
def test_bedrock_claude_with_a_connector_response_filter(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    body = connector(
        ml_names("pr-claude-connector"),
        "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-sonnet-20240229-v1:0/invoke",
        '{"messages":[{"role":"user","content":[{"type":"text","text":"${parameters.inputs}"}]}],'
        '"anthropic_version":"${parameters.anthropic_version}","max_tokens":${parameters.max_tokens_to_sample}}',
        {"region": "us-east-1", "service_name": "bedrock", "response_filter": "$.content[0].text",
         "max_tokens_to_sample": "8000", "anthropic_version": "bedrock-2023-05-31"},
        protocol="aws_sigv4", credential=AWS_CREDENTIAL, headers={"content-type": "application/json"})
    model_id = model_on(api, ml_names, "pr-claude", body)
    answer = predict(api, model_id, {"inputs": "What is the meaning of life?"})
    assert_predicted(answer, results([response({"response": "There is no single answer."})]))
    assert_served(ml_cassettes, "bedrock/claude-messages")


# -- vendor errors --------------------------------------------------------------------------------------------------


def replaying(cassette: str, status: int) -> Any:
    """A ``(cassette, status)`` parameter whose test replays ``cassette``."""
    return pytest.param(cassette, status, marks=pytest.mark.vendor_cassette(cassette), id=str(status))


@pytest.mark.parametrize(("cassette", "status"), [replaying(f"{CHAT}-401", 401), replaying(f"{CHAT}-429", 429),
                                                  replaying(f"{CHAT}-500", 500)])
def test_openai_errors_pass_through_with_the_vendor_status_and_body(
        api: Api, ml_names: Names, ml_cassettes: Any, cassette: str, status: int) -> None:
    replay = ml_cassettes
    model_id = chat_model(api, ml_names, "pr-openai-error")
    assert predict(api, model_id, {"messages": CHAT_MESSAGES}) == remote_error(replay, cassette, status)
    # No client_config, so no retry: one vendor call.
    assert_served(replay, cassette)


@pytest.mark.parametrize(("cassette", "status"), [replaying(f"{TITAN}-401", 403), replaying(f"{TITAN}-500", 500)])
def test_bedrock_errors_pass_through_with_the_vendor_status_and_body(
        api: Api, ml_names: Names, ml_cassettes: Any, cassette: str, status: int) -> None:
    replay = ml_cassettes
    model_id = model_on(api, ml_names, "pr-titan-error", titan(ml_names("pr-titan-error-connector")))
    assert embed(api, model_id, "What is the meaning of life?") == remote_error(replay, cassette, status)
    assert_served(replay, cassette)


@pytest.mark.vendor_cassette(f"{TITAN}-429")
def test_bedrock_throttling_is_reported_as_throttling(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    model_id = model_on(api, ml_names, "pr-titan-throttled", titan(ml_names("pr-titan-throttled-connector")))
    assert embed(api, model_id, "What is the meaning of life?") == bad(
        THROTTLED, "remote_connector_throttling_exception", 429)
    assert_served(ml_cassettes, f"{TITAN}-429")


@pytest.mark.vendor_cassette("cohere/chat-v1-401")
def test_cohere_bad_key_passes_through(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    body = connector(ml_names("pr-cohere-chat-connector"), "https://api.cohere.ai/v1/chat",
                     '{ "message": "${parameters.message}", "model": "${parameters.model}" }', {"model": "command-r"},
                     credential={"cohere_key": "co-conformance-test"}, headers=COHERE_HEADERS)
    model_id = model_on(api, ml_names, "pr-cohere-chat", body)
    assert predict(api, model_id, {"message": "What is OpenSearch?"}) == remote_error(
        ml_cassettes, "cohere/chat-v1-401", 401)


@pytest.mark.vendor_cassette("openai/completions-malformed")
def test_a_vendor_page_that_is_not_json_is_a_bad_request(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    body = connector(ml_names("pr-html-connector"), "https://api.openai.com/v1/completions",
                     '{ "model": "${parameters.model}", "prompt": "${parameters.prompt}", '
                     '"max_tokens": ${parameters.max_tokens}, "temperature": ${parameters.temperature} }',
                     {"model": "gpt-3.5-turbo-instruct", "max_tokens": 7, "temperature": 0})
    model_id = model_on(api, ml_names, "pr-html", body)
    assert predict(api, model_id, {"prompt": "Say this is a test"}) == bad(HTML_REASON)
    assert_served(ml_cassettes, "openai/completions-malformed")


@pytest.mark.vendor_cassette("openai/embeddings-malformed")
def test_a_built_in_post_process_on_a_page_that_is_not_json_fails_the_connector(
        api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    body = openai_embedding_connector(ml_names("pr-html-embed-connector"))
    model_id = model_on(api, ml_names, "pr-html-embed", body)
    status, answer = embed(api, model_id, "The food was delicious and the waiter was friendly.")
    assert status == 500
    assert answer["error"]["root_cause"] == [{"type": "m_l_exception", "reason": FAIL_IN_CONNECTOR}]
    assert (answer["error"]["type"], answer["error"]["reason"]) == ("m_l_exception", FAIL_IN_CONNECTOR)
    assert answer["error"]["caused_by"]["type"] == "path_not_found_exception"
    assert answer["status"] == 500


# -- refused before the vendor is called ----------------------------------------------------------------------------


@pytest.mark.vendor_cassette(CHAT)
def test_missing_placeholders_are_listed(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    body = connector(ml_names("pr-missing-connector"), CHAT_URL,
                     '{"a": "${parameters.a}", "b": "${parameters.b}", "c": "${parameters.a}"}', {})
    model_id = model_on(api, ml_names, "pr-missing", body)
    assert predict(api, model_id, {}) == bad("Some parameter placeholder not filled in payload: a, b, a")
    assert predict(api, model_id, {"a": "x"}) == bad("Some parameter placeholder not filled in payload: b")
    assert_served(ml_cassettes)


@pytest.mark.vendor_cassette(CHAT)
def test_unquoted_missing_placeholder_is_an_invalid_payload(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    model_id = chat_model(api, ml_names, "pr-invalid-payload")
    assert predict(api, model_id, {}) == bad(
        'Invalid payload: { "model": "gpt-4o-mini", "messages": ${parameters.messages} }')
    assert_served(ml_cassettes)


@pytest.mark.vendor_cassette(CHAT)
def test_json_string_parameter_is_not_escaped(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    body = connector(ml_names("pr-json-string-connector"), CHAT_URL, '{"x": "${parameters.x}"}', {})
    model_id = model_on(api, ml_names, "pr-json-string", body)
    assert predict(api, model_id, {"x": '{"a":1}'}) == bad('Invalid payload: {"x": "{"a":1}"}')
    assert_served(ml_cassettes)


@pytest.mark.vendor_cassette(CHAT)
def test_self_referencing_parameter_is_an_interpolation_loop(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    body = connector(ml_names("pr-loop-connector"), CHAT_URL, '{"x": "${parameters.x}"}', {})
    model_id = model_on(api, ml_names, "pr-loop", body)
    assert predict(api, model_id, {"x": "${parameters.x}"}) == bad(
        'Infinite loop in property interpolation of {"x": "${parameters.x}"}: x', "illegal_state_exception", 500)
    assert_served(ml_cassettes)


def test_request_parameters_in_the_url_must_still_be_trusted(api: Api, ml_names: Names) -> None:
    # No cassette: the stub would take the place of the ${parameters.endpoint} host this test is about.
    model_id = model_on(api, ml_names, "pr-url-parameter", chat_connector(ml_names("pr-url-parameter-connector")))
    assert predict(api, model_id, {"endpoint": "evil.example.com", "messages": []}) == bad(UNTRUSTED)



@pytest.mark.vendor_cassette(CHAT)
def test_disabled_model_is_refused(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    model_id = chat_model(api, ml_names, "pr-disabled", is_enabled=False)
    assert predict(api, model_id, {"messages": CHAT_MESSAGES}) == bad("Model is disabled.", "status_exception", 403)
    assert_served(ml_cassettes)


@pytest.mark.vendor_cassette(CHAT)
def test_request_errors_on_an_undeployed_model_are_answered_404(api: Api, ml_names: Names,
                                                                 ml_cassettes: Any) -> None:
    """The plugin parses the body after an asynchronous model lookup whose error handler always answers 404."""
    model_id = chat_model(api, ml_names, "pr-undeployed-errors", deployed=False)
    assert api("POST", f"/_plugins/_ml/_predict/magic/{model_id}", {"parameters": {}}) == bad(
        "Wrong function name", status=404)
    assert api("POST", f"{MODELS}/{model_id}/_predict") == bad("request body is required", "parse_exception", 404)
    deploy(api, model_id)
    assert api("POST", f"{MODELS}/{model_id}/_predict") == bad("request body is required", "parse_exception")
    assert_served(ml_cassettes)


# -- auto-deploy ----------------------------------------------------------------------------------------------------


@pytest.mark.vendor_cassette(CHAT)
def test_predict_deploys_an_undeployed_model(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    model_id = chat_model(api, ml_names, "pr-auto-deploy", deployed=False)
    answer = predict(api, model_id, {"messages": CHAT_MESSAGES})
    assert_predicted(answer, results([response(vendor_json(ml_cassettes, CHAT))]))
    model_in_state(api, model_id, "DEPLOYED")
    assert_served(ml_cassettes, CHAT)


@pytest.mark.vendor_cassette(CHAT)
def test_auto_deploy_disabled_for_the_model(api: Api, ml_names: Names, ml_cassettes: Any) -> None:
    model_id = chat_model(api, ml_names, "pr-no-auto-deploy", deployed=False,
                          deploy_setting={"is_auto_deploy_enabled": False})
    assert predict(api, model_id, {"messages": CHAT_MESSAGES}) == bad(
        f"Auto deployment disabled for this model, please deploy model first Model ID: {model_id}")
    assert_served(ml_cassettes)
