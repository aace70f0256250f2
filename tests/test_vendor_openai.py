"""OpenAI-shaped vendors (OpenAI, Azure OpenAI, DeepSeek, Ollama): requests sent and predict answers, per blueprint."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.vendor_cases import (
    assert_call,
    assert_predicted,
    connector,
    deploy,
    embed,
    predict,
    response,
    results,
    settings,
    tensor,
    trust,
)

OPENAI_KEY = "sk-proj-conformance-test-key"
AZURE_KEY = "0123456789abcdef0123456789abcdef"
JSON_HEADERS = {"Content-Type": "application/json"}

CHAT_ANSWER: dict[str, Any] = {
    "id": "chatcmpl-9xYzConformance", "object": "chat.completion", "created": 1718000000,
    "model": "gpt-3.5-turbo-0125",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Yes, it opens at 8."}, "logprobs": None,
                 "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 24, "completion_tokens": 7, "total_tokens": 31},
    "system_fingerprint": "fp_3b956da36b",
}
EMBEDDINGS_ANSWER: dict[str, Any] = {
    "object": "list",
    "data": [{"object": "embedding", "index": 0, "embedding": [-0.0043460787, -0.029653417, 0.0001]},
             {"object": "embedding", "index": 1, "embedding": [0.0125, 0.5, -1.0]}],
    "model": "text-embedding-ada-002", "usage": {"prompt_tokens": 12, "total_tokens": 12},
}
EMBEDDING_TENSORS = [tensor([-0.0043460787, -0.029653417, 0.0001]), tensor([0.0125, 0.5, -1.0])]
MESSAGES = [{"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": 'Is the café <b>/</b> "open"?'}]
# Request lists are serialised by Gson with HTML escaping off: only the quotes are escaped.
MESSAGES_JSON = ('[{"role":"system","content":"You are a helpful assistant."},'
                 '{"role":"user","content":"Is the café <b>/</b> \\"open\\"?"}]')


def openai_chat(**action: Any) -> dict[str, Any]:
    return connector(
        "OpenAI Chat", "http", {"endpoint": "api.openai.com", "model": "gpt-3.5-turbo"}, {"openAI_key": OPENAI_KEY},
        {"method": "POST", "url": "https://${parameters.endpoint}/v1/chat/completions",
         "supports_structured_output": True, "headers": {"Authorization": "Bearer ${credential.openAI_key}"},
         "request_body": '{ "model": "${parameters.model}", "messages": ${parameters.messages} }', **action})


def openai_embedding() -> dict[str, Any]:
    return connector(
        "OpenAI embedding", "http", {"model": "text-embedding-ada-002"}, {"openAI_key": OPENAI_KEY},
        {"method": "POST", "url": "https://api.openai.com/v1/embeddings",
         "headers": {"Authorization": "Bearer ${credential.openAI_key}"},
         "request_body": '{ "input": ${parameters.input}, "model": "${parameters.model}" }',
         "pre_process_function": "connector.pre_process.openai.embedding",
         "post_process_function": "connector.post_process.openai.embedding"})


# docs/remote_inference_blueprints/open_ai_connector_chat_blueprint.md
def test_openai_chat_sends_messages_as_json_and_returns_the_completion(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post("https://api.openai.com/v1/chat/completions", json=CHAT_ANSWER)
    model_id = deploy(api, openai_chat())
    answer = predict(api, model_id, {"messages": MESSAGES})
    assert_call(ml_vendor, "POST", "https://api.openai.com/v1/chat/completions",
                '{ "model": "gpt-3.5-turbo", "messages": ' + MESSAGES_JSON + " }",
                {"Authorization": f"Bearer {OPENAI_KEY}", **JSON_HEADERS})
    assert_predicted(answer, results([response(CHAT_ANSWER)]))


# docs/remote_inference_blueprints/open_ai_connector_chat_blueprint.md (supports_structured_output)
def test_openai_chat_structured_output_adds_response_format_to_the_body(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post("https://api.openai.com/v1/chat/completions", json=CHAT_ANSWER)
    model_id = deploy(api, openai_chat())
    schema = {"type": "json_schema", "json_schema": {"name": "facts", "schema": {"type": "object"}}}
    answer = predict(api, model_id, {"messages": [{"role": "user", "content": "List facts about Paris."}],
                                     "_response_format_json": schema})
    # HttpConnector.injectStructuredOutputParams re-serialises the payload compactly (Gson JsonObject); the
    # request map was read into HashMaps, whose iteration puts json_schema before type and schema before name.
    assert_call(ml_vendor, "POST", "https://api.openai.com/v1/chat/completions",
                '{"model":"gpt-3.5-turbo","messages":[{"role":"user","content":"List facts about Paris."}],'
                '"response_format":{"json_schema":{"schema":{"type":"object"},"name":"facts"},"type":"json_schema"}}',
                JSON_HEADERS)
    assert_predicted(answer, results([response(CHAT_ANSWER)]))


# docs/remote_inference_blueprints/open_ai_connector_completion_blueprint.md
def test_openai_completion_escapes_the_prompt_and_renders_numeric_parameters(api: Api, ml_vendor: Any) -> None:
    completion = {"id": "cmpl-8xConformance", "object": "text_completion", "created": 1718000100,
                  "model": "gpt-3.5-turbo-instruct",
                  "choices": [{"text": "\n\nThis is indeed a test", "index": 0, "logprobs": None,
                               "finish_reason": "length"}],
                  "usage": {"prompt_tokens": 9, "completion_tokens": 7, "total_tokens": 16}}
    ml_vendor.post("https://api.openai.com/v1/completions", json=completion)
    model_id = deploy(api, connector(
        "OpenAI completion", "http",
        {"endpoint": "api.openai.com", "max_tokens": 7, "temperature": 0, "model": "gpt-3.5-turbo-instruct"},
        {"openAI_key": OPENAI_KEY},
        {"method": "POST", "url": "https://${parameters.endpoint}/v1/completions",
         "headers": {"Authorization": "Bearer ${credential.openAI_key}"},
         "request_body": '{ "model": "${parameters.model}", "prompt": "${parameters.prompt}", "max_tokens": '
                         "${parameters.max_tokens}, \"temperature\": ${parameters.temperature} }"}))
    answer = predict(api, model_id, {"prompt": 'Say "this" is a test / über'})
    # Request strings get Apache escapeJson: \" and \/ and \u00FC; connector numbers are Gson text.
    assert_call(ml_vendor, "POST", "https://api.openai.com/v1/completions",
                '{ "model": "gpt-3.5-turbo-instruct", "prompt": "Say \\"this\\" is a test \\/ \\u00FCber", '
                '"max_tokens": 7, "temperature": 0 }', {"Authorization": f"Bearer {OPENAI_KEY}"})
    assert_predicted(answer, results([response(completion)]))


# docs/remote_inference_blueprints/openai_connector_embedding_blueprint.md (predict with "input")
def test_openai_embeddings_from_the_input_parameter(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post("https://api.openai.com/v1/embeddings", json=EMBEDDINGS_ANSWER)
    model_id = deploy(api, openai_embedding())
    answer = predict(api, model_id, {"input": ["What is the meaning of life?", "Who am I?"]})
    # The built-in pre-process is bypassed for remote parameters; the post-process still builds tensors.
    assert_call(ml_vendor, "POST", "https://api.openai.com/v1/embeddings",
                '{ "input": ["What is the meaning of life?","Who am I?"], "model": "text-embedding-ada-002" }',
                {"Authorization": f"Bearer {OPENAI_KEY}", **JSON_HEADERS})
    assert_predicted(answer, results(EMBEDDING_TENSORS))


# docs/remote_inference_blueprints/openai_connector_embedding_blueprint.md (neural search text_docs)
def test_openai_embeddings_from_text_docs_are_one_call_with_one_tensor_per_doc(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post("https://api.openai.com/v1/embeddings", json=EMBEDDINGS_ANSWER)
    model_id = deploy(api, openai_embedding())
    answer = embed(api, model_id, ["What is the meaning of life?", 'Wer bin ich / "ü"'])
    assert len(ml_vendor.calls) == 1
    # text_docs reach the template as a Gson JSON array, so / and ü stay raw.
    assert_call(ml_vendor, "POST", "https://api.openai.com/v1/embeddings",
                '{ "input": ["What is the meaning of life?","Wer bin ich / \\"ü\\""], '
                '"model": "text-embedding-ada-002" }', JSON_HEADERS)
    assert_predicted(answer, results(EMBEDDING_TENSORS))


AZURE_PARAMETERS = {"endpoint": "contoso.openai.azure.com/", "deploy-name": "gpt-4-prod", "model": "gpt-4",
                    "api-version": "2024-02-01", "temperature": 0.7}
AZURE_TRUST = "^https://.*\\.openai\\.azure\\.com/.*$"


# docs/remote_inference_blueprints/azure_openai_connector_chat_blueprint.md
def test_azure_openai_chat_uses_the_deployment_url_and_api_key_header(api: Api, ml_vendor: Any) -> None:
    # The blueprint's endpoint ends with "/", so the path starts with "//openai": sent as written.
    url = "https://contoso.openai.azure.com//openai/deployments/gpt-4-prod/chat/completions?api-version=2024-02-01"
    filters = {"hate": {"filtered": False, "severity": "safe"}, "violence": {"filtered": False, "severity": "safe"}}
    chat = {"id": "chatcmpl-8hZDlConformance", "object": "chat.completion", "created": 1705394185,
            "model": "gpt-4", "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": filters}],
            "choices": [{"finish_reason": "stop", "index": 0,
                         "message": {"role": "assistant", "content": "Hello! How can I help?"},
                         "content_filter_results": filters}],
            "usage": {"prompt_tokens": 19, "completion_tokens": 6, "total_tokens": 25}}
    trust(api, AZURE_TRUST)
    ml_vendor.post(url, json=chat)
    model_id = deploy(api, connector(
        "Azure OpenAI chat", "http", AZURE_PARAMETERS, {"openAI_key": AZURE_KEY},
        {"method": "POST", "supports_structured_output": True,
         "url": "https://${parameters.endpoint}/openai/deployments/${parameters.deploy-name}/chat/completions"
                "?api-version=${parameters.api-version}",
         "headers": {"api-key": "${credential.openAI_key}"},
         "request_body": '{ "messages": ${parameters.messages}, "temperature": ${parameters.temperature} }'}))
    answer = predict(api, model_id, {"messages": MESSAGES})
    assert_call(ml_vendor, "POST", url, '{ "messages": ' + MESSAGES_JSON + ', "temperature": 0.7 }',
                {"api-key": AZURE_KEY, **JSON_HEADERS})
    assert "Authorization" not in ml_vendor.calls[-1].request.headers
    assert_predicted(answer, results([response(chat)]))


# docs/remote_inference_blueprints/azure_openai_connector_embedding_blueprint.md
def test_azure_openai_embeddings_from_text_docs(api: Api, ml_vendor: Any) -> None:
    url = "https://contoso.openai.azure.com//openai/deployments/ada-prod/embeddings?api-version=2024-02-01"
    trust(api, AZURE_TRUST)
    ml_vendor.post(url, json=EMBEDDINGS_ANSWER)
    model_id = deploy(api, connector(
        "Azure OpenAI embedding", "http",
        {**AZURE_PARAMETERS, "deploy-name": "ada-prod", "model": "text-embedding-ada-002"}, {"openAI_key": AZURE_KEY},
        {"method": "POST",
         "url": "https://${parameters.endpoint}/openai/deployments/${parameters.deploy-name}/embeddings"
                "?api-version=${parameters.api-version}",
         "headers": {"api-key": "${credential.openAI_key}"}, "request_body": '{ "input": ${parameters.input}}',
         "pre_process_function": "connector.pre_process.openai.embedding",
         "post_process_function": "connector.post_process.openai.embedding"}))
    answer = embed(api, model_id, ["first passage", "second passage"])
    assert_call(ml_vendor, "POST", url, '{ "input": ["first passage","second passage"]}', {"api-key": AZURE_KEY})
    assert_predicted(answer, results(EMBEDDING_TENSORS))


# docs/remote_inference_blueprints/deepseek_connector_chat_blueprint.md
def test_deepseek_chat_keeps_the_connector_content_type_and_non_ascii_answers(api: Api, ml_vendor: Any) -> None:
    chat = {"id": "9d9bd689-88a5-44b0-b73f-2daa92518761", "object": "chat.completion", "created": 1738011126,
            "model": "deepseek-chat",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello! How can I assist you? 😊"},
                         "logprobs": None, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 11, "total_tokens": 22,
                      "prompt_tokens_details": {"cached_tokens": 0}, "prompt_cache_hit_tokens": 0,
                      "prompt_cache_miss_tokens": 11},
            "system_fingerprint": "fp_3a5770e1b4"}
    ml_vendor.post("https://api.deepseek.com/v1/chat/completions", json=chat)
    model_id = deploy(api, connector(
        "DeepSeek Chat", "http", {"endpoint": "api.deepseek.com", "model": "deepseek-chat"},
        {"deepSeek_key": "sk-deepseek-conformance"},
        {"method": "POST", "url": "https://${parameters.endpoint}/v1/chat/completions",
         "supports_structured_output": True,
         "headers": {"Content-Type": "application/json", "Authorization": "Bearer ${credential.deepSeek_key}"},
         "request_body": '{ "model": "${parameters.model}", "messages": ${parameters.messages} }'}))
    answer = predict(api, model_id, {"messages": [{"role": "user", "content": "Hello! 👋"}]})
    assert_call(ml_vendor, "POST", "https://api.deepseek.com/v1/chat/completions",
                '{ "model": "deepseek-chat", "messages": [{"role":"user","content":"Hello! 👋"}] }',
                {"Authorization": "Bearer sk-deepseek-conformance", **JSON_HEADERS})
    assert_predicted(answer, results([response(chat)]))


# docs/remote_inference_blueprints/ollama_connector_chat_blueprint.md
def test_ollama_on_loopback_works_once_private_endpoints_are_allowed(api: Api, ml_vendor: Any) -> None:
    chat = {"id": "chatcmpl-iHioFpaxa8K2SXgA", "object": "chat.completion", "created": 1757369906,
            "model": "qwen3:4b", "system_fingerprint": "b6259-cebb30fb",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Rayleigh scattering."},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 26, "completion_tokens": 5, "total_tokens": 31},
            "timings": {"prompt_n": 26, "prompt_ms": 293.518, "predicted_per_second": 51.92418439693993}}
    trust(api, ".*$")
    settings(api, **{"connector.private_ip_enabled": True,
                     "trusted_connector_private_endpoints_regex": ["^http://127\\.0\\.0\\.1:11434/.*$"]})
    ml_vendor.post("http://127.0.0.1:11434/v1/chat/completions", json=chat)
    model_id = deploy(api, connector(
        "Local LLM", "http", {"endpoint": "127.0.0.1:11434", "model": "qwen3:4b"}, {"openAI_key": "unused"},
        {"method": "POST", "url": "http://${parameters.endpoint}/v1/chat/completions",
         "supports_structured_output": True, "headers": {"Authorization": "Bearer ${credential.openAI_key}"},
         "request_body": '{ "model": "${parameters.model}", "messages": ${parameters.messages} }'}))
    answer = predict(api, model_id, {"messages": [{"role": "user", "content": "Why is the sky blue"}]})
    assert_call(ml_vendor, "POST", "http://127.0.0.1:11434/v1/chat/completions",
                '{ "model": "qwen3:4b", "messages": [{"role":"user","content":"Why is the sky blue"}] }',
                {"Authorization": "Bearer unused"})
    assert_predicted(answer, results([response(chat)]))
