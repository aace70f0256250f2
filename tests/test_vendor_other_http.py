"""Google Gemini, Vertex AI, Aleph Alpha and Yandex Cloud over http: requests sent and answers, per blueprint."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.vendor_cases import (
    assert_call,
    assert_predicted,
    connector,
    deploy,
    deploy_inline,
    embed,
    predict,
    response,
    results,
    tensor,
    trust,
)

GEMINI_KEY = "AIzaSyConformanceTestKey"
GEMINI_URL = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent"


def gemini(**action: Any) -> dict[str, Any]:
    return connector(
        "Google Gemini Chat", "http", {"model": "gemini-2.0-flash"}, {"gemini_key": GEMINI_KEY},
        {"method": "POST", "supports_structured_output": True,
         "url": "https://generativelanguage.googleapis.com/v1beta/models/${parameters.model}:generateContent",
         "headers": {"Content-Type": "application/json", "x-goog-api-key": "${credential.gemini_key}"}, **action})


def gemini_answer(text: str) -> dict[str, Any]:
    return {"candidates": [{"content": {"parts": [{"text": text}], "role": "model"}, "finishReason": "STOP",
                            "avgLogprobs": -0.0531}],
            "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 9, "totalTokenCount": 14},
            "modelVersion": "gemini-2.0-flash"}


# docs/remote_inference_blueprints/google_gemini_connector_chat_blueprint.md (generationConfig per request)
def test_gemini_chat_with_generation_config_injected_by_structured_output(api: Api, ml_vendor: Any) -> None:
    answer_body = gemini_answer("OpenSearch is an open-source search suite.")
    ml_vendor.post(GEMINI_URL, json=answer_body)
    model_id = deploy(api, gemini(request_body='{ "contents": ${parameters.contents} }'))
    answer = predict(api, model_id, {"contents": [{"role": "user", "parts": [{"text": "What is OpenSearch?"}]}],
                                     "_generationConfig_json": {"temperature": 0.2, "maxOutputTokens": 256}})
    assert_call(ml_vendor, "POST", GEMINI_URL,
                '{"contents":[{"role":"user","parts":[{"text":"What is OpenSearch?"}]}],'
                '"generationConfig":{"temperature":0.2,"maxOutputTokens":256}}',
                {"x-goog-api-key": GEMINI_KEY, "Content-Type": "application/json"})
    assert_predicted(answer, results([response(answer_body)]))


JUDGMENT_POST = """
def answer = params.candidates[0].content.parts[0].text;
return '{"name": "response", "dataAsMap": {"response": "' + escape(answer) + '"}}';
"""


# docs/remote_inference_blueprints/llm_judgment/google_gemini_chat_blueprint.md (post-process using escape())
def test_gemini_judgment_script_uses_the_injected_escape_helper(api: Api, ml_vendor: Any) -> None:
    text = 'Rating: 3\nReason: "relevant", but C:\\docs is outdated'
    ml_vendor.post(GEMINI_URL, json=gemini_answer(text))
    model_id = deploy(api, gemini(
        request_body='{"systemInstruction":{"parts":[{"text":"${parameters.system_prompt}"}]},'
                     '"contents":[{"role":"user","parts":[{"text":"${parameters.user_prompt}"}]}]}',
        post_process_function=JUDGMENT_POST))
    answer = predict(api, model_id, {"system_prompt": "Rate relevance 0-3.", "user_prompt": "Query: docs\tpaths"})
    assert_call(ml_vendor, "POST", GEMINI_URL,
                '{"systemInstruction":{"parts":[{"text":"Rate relevance 0-3."}]},'
                '"contents":[{"role":"user","parts":[{"text":"Query: docs\\tpaths"}]}]}', {})
    # The script defines no escape(), so the plugin prepends its own helper; the tensor JSON then parses.
    assert_predicted(answer, results([response({"response": text})]))


# docs/remote_inference_blueprints/gcp_vertexai_connector_embedding_blueprint.md (inline connector)
def test_vertex_ai_embeddings_through_an_inline_connector(api: Api, ml_vendor: Any) -> None:
    url = ("https://us-central1-aiplatform.googleapis.com/v1/projects/my-project-123/locations/us-central1/"
           "publishers/google/models/text-embedding-004:predict")
    prediction = {"predictions": [{"embeddings": {"statistics": {"truncated": False, "token_count": 7},
                                                  "values": [0.006371465977281332, -0.03583695366978645]}}],
                  "metadata": {"billableCharacterCount": 23}}
    trust(api, "^https://.*-aiplatform\\.googleapis\\.com/.*$")
    ml_vendor.post(url, json=prediction)
    model_id = deploy_inline(api, connector(
        "VertexAI Connector", "http", {"project": "my-project-123", "model_id": "text-embedding-004"},
        {"vertexAI_token": "ya29.conformance-access-token"},
        {"method": "POST",
         "url": "https://us-central1-aiplatform.googleapis.com/v1/projects/${parameters.project}/locations/"
                "us-central1/publishers/google/models/${parameters.model_id}:predict",
         "headers": {"Authorization": "Bearer ${credential.vertexAI_token}"},
         "request_body": '{"instances": [{ "content": "${parameters.prompt}"}]}'}))
    answer = predict(api, model_id, {"prompt": "Hello World from vertex AI!"})
    assert_call(ml_vendor, "POST", url, '{"instances": [{ "content": "Hello World from vertex AI!"}]}',
                {"Authorization": "Bearer ya29.conformance-access-token", "Content-Type": "application/json"})
    assert_predicted(answer, results([response(prediction)]))


ALEPH_PRE = """
String doc = params.text_docs[0];
StringBuilder b = new StringBuilder();
b.append('{"parameters": {"input": "');
b.append(doc);
b.append('"}}');
return b.toString();
"""
ALEPH_POST = """
if (params.embedding == null) {
  return params.message;
}
def n = params.embedding.length;
return '{"name": "sentence_embedding", "data_type": "FLOAT32", "shape": [' + n + '], "data": ' + params.embedding + '}';
"""


# docs/remote_inference_blueprints/aleph_alpha_connector_luminous_base_embedding_blueprint.md (Painless functions)
@pytest.mark.parametrize("via", ["text_docs", "parameters"])
def test_aleph_alpha_embedding_with_painless_functions(api: Api, ml_vendor: Any, via: str) -> None:
    url = "https://api.aleph-alpha.com/semantic_embed"
    trust(api, "^https://api\\.aleph-alpha\\.com/.*$")
    ml_vendor.post(url, json={"model_version": "2022-04", "embedding": [-0.012756348, 0.001159668, 0.0025634766],
                              "num_tokens_prompt_total": 11})
    model_id = deploy(api, connector(
        "Aleph Alpha Connector: luminous-base, representation: document", "http",
        {"endpoint": "api.aleph-alpha.com", "representation": "document", "normalize": True},
        {"AlephAlpha_API_Token": "aa-conformance-token"},
        {"method": "POST", "url": "https://${parameters.endpoint}/semantic_embed",
         "headers": {"Content-Type": "application/json", "Accept": "application/json",
                     "Authorization": "Bearer ${credential.AlephAlpha_API_Token}"},
         "request_body": '{ "model": "luminous-base", "prompt": "${parameters.input}", "representation": '
                         '"${parameters.representation}", "normalize": ${parameters.normalize}}',
         "pre_process_function": ALEPH_PRE, "post_process_function": ALEPH_POST}))
    text = "Test string with German characters: Moët Hennessy"
    # With remote parameters the pre-process script is skipped and "input" is used as given.
    answer = embed(api, model_id, [text]) if via == "text_docs" else predict(api, model_id, {"input": text})
    assert_call(ml_vendor, "POST", url,
                '{ "model": "luminous-base", "prompt": "Test string with German characters: Mo\\u00EBt Hennessy", '
                '"representation": "document", "normalize": true}',
                {"Authorization": "Bearer aa-conformance-token", "Accept": "application/json"})
    assert_predicted(answer, results([tensor([-0.012756348, 0.001159668, 0.0025634766])]))


YANDEX_TRUST = "^https://llm\\.api\\.cloud\\.yandex\\.net/.*$"
MODEL_URI = "emb://b1gexample/text-search-doc/latest"


# docs/remote_inference_blueprints/yandexcloud_connector_embedding_legacy_blueprint.md (bedrock built-ins on http)
def test_yandex_legacy_embedding_resolves_a_parameter_header_per_call(api: Api, ml_vendor: Any) -> None:
    url = "https://llm.api.cloud.yandex.net/foundationModels/v1/textEmbedding"
    trust(api, YANDEX_TRUST)
    ml_vendor.post(url, json={"embedding": [0.06268310546875, -0.04071044921875], "numTokens": "7",
                              "modelVersion": "06.12.2023"})
    ml_vendor.post(url, json={"embedding": [0.047119140625, -0.007476806640625], "numTokens": "2",
                              "modelVersion": "06.12.2023"})
    model_id = deploy(api, connector(
        "YC Connector: embedding", "http", {"modelUri": MODEL_URI, "folder_id": "b1gexample"},
        {"api_key": "AQVNconformance"},
        {"method": "POST", "url": url,
         "headers": {"Authorization": "Api-Key ${credential.api_key}", "x-folder-id": "${parameters.folder_id}"},
         "request_body": '{ "text": "${parameters.inputText}", "modelUri": "${parameters.modelUri}" }',
         "pre_process_function": "connector.pre_process.bedrock.embedding",
         "post_process_function": "connector.post_process.bedrock.embedding"}, version="1"))
    answer = embed(api, model_id, ["What is the meaning of life?", "second/doc"])
    assert len(ml_vendor.calls) == 2
    headers = {"Authorization": "Api-Key AQVNconformance", "x-folder-id": "b1gexample",
               "Content-Type": "application/json"}
    # Connector parameters are not escaped (the modelUri keeps its "//"); request text is (\/).
    assert_call(ml_vendor, "POST", url, '{ "text": "What is the meaning of life?", "modelUri": "' + MODEL_URI + '" }',
                headers, index=0)
    assert_call(ml_vendor, "POST", url, '{ "text": "second\\/doc", "modelUri": "' + MODEL_URI + '" }', headers,
                index=1)
    assert_predicted(answer, results([tensor([0.06268310546875, -0.04071044921875])],
                                     [tensor([0.047119140625, -0.007476806640625])]))


# docs/remote_inference_blueprints/standard_blueprints/yandexcloud_connector_embedding_standard_blueprint.md
def test_yandex_standard_embedding_returns_the_raw_openai_shaped_answer(api: Api, ml_vendor: Any) -> None:
    url = "https://llm.api.cloud.yandex.net/v1/embeddings"
    embeddings = {"object": "list", "data": [{"object": "embedding", "index": 0,
                                              "embedding": [0.06268310546875, -0.04071044921875]}],
                  "model": MODEL_URI, "usage": {"prompt_tokens": 7, "total_tokens": 7}}
    trust(api, YANDEX_TRUST)
    ml_vendor.post(url, json=embeddings)
    model_id = deploy(api, connector(
        "YC AI Studio Connector: document embedding", "http", {"model": MODEL_URI}, {"api_key": "AQVNconformance"},
        {"method": "POST", "url": url, "headers": {"Authorization": "Api-Key ${credential.api_key}"},
         "request_body": '{ "input": ${parameters.input}, "model": "${parameters.model}" }'}, version="1"))
    answer = predict(api, model_id, {"input": ["What is the meaning of life?"]})
    assert_call(ml_vendor, "POST", url, '{ "input": ["What is the meaning of life?"], "model": "' + MODEL_URI + '" }',
                {"Authorization": "Api-Key AQVNconformance"})
    assert_predicted(answer, results([response(embeddings)]))
