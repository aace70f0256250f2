"""Cohere (embed v1/v2, image embed, chat v1/v2, rerank): requests sent and predict answers, per blueprint."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.vendor_cases import (
    assert_call,
    assert_predicted,
    connector,
    deploy,
    embed,
    predict,
    rerank,
    response,
    results,
    similarity,
    tensor,
    trust,
)

COHERE_KEY = "co-conformance-test-key"
COHERE_HEADERS = {"Authorization": "Bearer ${credential.cohere_key}", "Request-Source": "unspecified:opensearch"}
SENT_HEADERS = {"Authorization": f"Bearer {COHERE_KEY}", "Request-Source": "unspecified:opensearch",
                "Content-Type": "application/json"}
EMBED_V1_BODY = ('{ "texts": ${parameters.texts}, "truncate": "${parameters.truncate}", '
                 '"model": "${parameters.model}", "input_type": "${parameters.input_type}" }')


def cohere(name: str, parameters: dict[str, Any], **action: Any) -> dict[str, Any]:
    return connector(name, "http", parameters, {"cohere_key": COHERE_KEY},
                     {"method": "POST", "headers": COHERE_HEADERS, **action})


# docs/remote_inference_blueprints/cohere_connector_embedding_blueprint.md (v1 /embed)
def test_cohere_embed_v1_sends_texts_and_returns_float_tensors(api: Api, ml_vendor: Any) -> None:
    answer_body = {"id": "5807ee2e-0cda-445a-9ec8-864c60a06606", "texts": ["Say this is a test", "Ça va?"],
                   "embeddings": [[-0.0024547577, 0.0062217712, -0.01675415], [0.038635254, -0.020263672, 0.5]],
                   "meta": {"api_version": {"version": "1"}, "billed_units": {"input_tokens": 8}},
                   "response_type": "embeddings_floats"}
    ml_vendor.post("https://api.cohere.ai/v1/embed", json=answer_body)
    model_id = deploy(api, cohere(
        "Cohere Embed Model", {"model": "embed-english-v3.0", "input_type": "search_document", "truncate": "END"},
        url="https://api.cohere.ai/v1/embed", request_body=EMBED_V1_BODY,
        pre_process_function="connector.pre_process.cohere.embedding",
        post_process_function="connector.post_process.cohere.embedding"))
    answer = embed(api, model_id, ["Say this is a test", "Ça va?"])
    assert_call(ml_vendor, "POST", "https://api.cohere.ai/v1/embed",
                '{ "texts": ["Say this is a test","Ça va?"], "truncate": "END", "model": "embed-english-v3.0", '
                '"input_type": "search_document" }', SENT_HEADERS)
    assert_predicted(answer, results([tensor([-0.0024547577, 0.0062217712, -0.01675415]),
                                      tensor([0.038635254, -0.020263672, 0.5])]))


V2_EMBEDDINGS = {"float": [[0.016296387, -0.008354187], [-0.04675293, 0.0234375]],
                 "int8": [[-21, 18], [-61, 35]], "uint8": [[107, 146], [67, 163]],
                 "binary": [[-54, 99], [-47, 34]], "ubinary": [[202, 227], [209, 162]]}


# docs/remote_inference_blueprints/cohere_connector_embedding_blueprint.md (v2 /embed, embedding_types)
@pytest.mark.parametrize(("embedding_type", "data_type"), [
    ("float", "FLOAT32"), ("int8", "INT8"), ("uint8", "UINT8"), ("binary", "BINARY"), ("ubinary", "UBINARY"),
])
def test_cohere_embed_v2_picks_one_embedding_type_and_names_its_data_type(
        api: Api, ml_vendor: Any, embedding_type: str, data_type: str) -> None:
    answer_body = {"id": "da6e531f-54c6-4a73-bf92-f60566d8d753", "embeddings": V2_EMBEDDINGS,
                   "texts": ["hello", "goodbye"], "meta": {"api_version": {"version": "2"}},
                   "response_type": "embeddings_by_type"}
    ml_vendor.post("https://api.cohere.ai/v2/embed", json=answer_body)
    model_id = deploy(api, cohere(
        "Cohere Embed v2", {"model_name": "embed-english-v3.0", "input_type": "search_query"},
        url="https://api.cohere.ai/v2/embed",
        request_body='{ "texts": ${parameters.texts}, "truncate": "END", "model": "${parameters.model_name}", '
                     f'"embedding_types": ["{embedding_type}"], "input_type": "${{parameters.input_type}}"}}',
        pre_process_function="connector.pre_process.cohere.embedding",
        post_process_function=f"connector.post_process.cohere_v2.embedding.{embedding_type}"))
    answer = embed(api, model_id, ["hello", "goodbye"])
    assert_call(ml_vendor, "POST", "https://api.cohere.ai/v2/embed",
                '{ "texts": ["hello","goodbye"], "truncate": "END", "model": "embed-english-v3.0", '
                f'"embedding_types": ["{embedding_type}"], "input_type": "search_query"}}', SENT_HEADERS)
    # The data type is read from the JSONPath filter ($.embeddings.int8 -> INT8; .float matches no type: FLOAT32).
    vectors = V2_EMBEDDINGS[embedding_type]
    assert_predicted(answer, results([tensor(vectors[0], data_type), tensor(vectors[1], data_type)]))


# docs/remote_inference_blueprints/cohere_connector_image_embedding_blueprint.md
def test_cohere_image_embedding_sends_data_uris_unescaped(api: Api, ml_vendor: Any) -> None:
    image = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABQAAAAYCAYAAAD6S912/+k="
    answer_body = {"id": "img-1", "texts": [], "images": [{"width": 20, "height": 24, "format": "png", "bit_depth": 8}],
                   "embeddings": [[0.02494812, -0.009391785, -0.015716553]], "meta": {"api_version": {"version": "1"}},
                   "response_type": "embeddings_floats"}
    ml_vendor.post("https://api.cohere.ai/v1/embed", json=answer_body)
    model_id = deploy(api, cohere(
        "Cohere Image Embed Model", {"model": "embed-english-v3.0", "input_type": "image", "truncate": "END"},
        url="https://api.cohere.ai/v1/embed",
        request_body='{ "images": ${parameters.images}, "truncate": "${parameters.truncate}", '
                     '"model": "${parameters.model}", "input_type": "${parameters.input_type}" }',
        pre_process_function="connector.pre_process.cohere.multimodal_embedding",
        post_process_function="connector.post_process.cohere.embedding"))
    answer = embed(api, model_id, [image])
    # "images" is a JSON array, so the data URI's "/" is not escaped.
    assert_call(ml_vendor, "POST", "https://api.cohere.ai/v1/embed",
                '{ "images": ["' + image + '"], "truncate": "END", "model": "embed-english-v3.0", '
                '"input_type": "image" }', SENT_HEADERS)
    assert_predicted(answer, results([tensor([0.02494812, -0.009391785, -0.015716553])]))


# docs/remote_inference_blueprints/cohere_connector_chat_blueprint.md (v1 /chat)
def test_cohere_chat_v1_escapes_the_message(api: Api, ml_vendor: Any) -> None:
    chat = {"response_id": "b0f6eaf6-3f63-418b-9178-a5db8431e55e",
            "text": "Here is the weather in London:\n\n- Temperature: 26.0°C",
            "generation_id": "89c59a14-f099-4100-95b0-7d0d68104f4b", "finish_reason": "COMPLETE",
            "token_count": {"prompt_tokens": 70, "response_tokens": 189, "total_tokens": 259, "billed_tokens": 248},
            "meta": {"api_version": {"version": "1"}, "billed_units": {"input_tokens": 59, "output_tokens": 189}}}
    ml_vendor.post("https://api.cohere.ai/v1/chat", json=chat)
    model_id = deploy(api, cohere(
        "Cohere Chat Model", {"model": "command"}, url="https://api.cohere.ai/v1/chat",
        request_body='{ "message": "${parameters.message}", "model": "${parameters.model}" }'))
    answer = predict(api, model_id, {"message": 'What is the weather like in "London"\ttoday?'})
    assert_call(ml_vendor, "POST", "https://api.cohere.ai/v1/chat",
                '{ "message": "What is the weather like in \\"London\\"\\ttoday?", "model": "command" }', SENT_HEADERS)
    assert_predicted(answer, results([response(chat)]))


# docs/remote_inference_blueprints/cohere_connector_chat_v2_blueprint.md (api.cohere.com is not trusted by default)
def test_cohere_chat_v2_on_the_cohere_com_host_once_trusted(api: Api, ml_vendor: Any) -> None:
    chat = {"id": "c14c80c3-18eb-4519-9460-6c92edd8cfb4", "finish_reason": "COMPLETE",
            "message": {"role": "assistant", "content": [{"type": "text", "text": "OpenSearch is a search suite."}]},
            "usage": {"billed_units": {"input_tokens": 5, "output_tokens": 6}, "tokens": {"input_tokens": 71,
                                                                                       "output_tokens": 6}}}
    body = cohere("Cohere Chat v2", {"model": "command-r-plus"}, url="https://api.cohere.com/v2/chat",
                  supports_structured_output=True,
                  request_body='{ "model": "${parameters.model}", "stream": false, '
                               '"messages": ${parameters.messages} }')
    status, refused = api("POST", "/_plugins/_ml/connectors/_create", body)
    assert (status, refused["error"]["reason"]) == (
        400, "Connector URL is not matching the trusted connector endpoint regex")
    trust(api, "^https://api\\.cohere\\.com/.*$")
    ml_vendor.post("https://api.cohere.com/v2/chat", json=chat)
    model_id = deploy(api, body)
    answer = predict(api, model_id, {"messages": [{"role": "user", "content": "What is OpenSearch?"}]})
    assert_call(ml_vendor, "POST", "https://api.cohere.com/v2/chat",
                '{ "model": "command-r-plus", "stream": false, '
                '"messages": [{"role":"user","content":"What is OpenSearch?"}] }', SENT_HEADERS)
    assert_predicted(answer, results([response(chat)]))


RERANK_DOCS = ["Carson City is the capital city of the American state of Nevada.",
               "The Commonwealth of the Northern Mariana Islands is a group of islands. Its capital is Saipan.",
               'Washington, D.C. (also known as "D.C.") is the capital of the United States.']
RERANK_ANSWER = {"id": "8b8f5b3e-rerank", "results": [{"index": 2, "relevance_score": 0.98005307},
                                                      {"index": 0, "relevance_score": 0.10194652},
                                                      {"index": 1, "relevance_score": 0.0721122}],
                 "meta": {"api_version": {"version": "1"}, "billed_units": {"search_units": 1}}}
RERANK_TENSORS = [similarity(0.10194652), similarity(0.0721122), similarity(0.98005307)]
RERANK_BODY = ('{ "documents": ["Carson City is the capital city of the American state of Nevada.",'
               '"The Commonwealth of the Northern Mariana Islands is a group of islands. Its capital is Saipan.",'
               '"Washington, D.C. (also known as \\"D.C.\\") is the capital of the United States."], '
               '"query": "What is the capital of the United States?", "model": "rerank-english-v2.0", "top_n": 3 }')


def cohere_rerank() -> dict[str, Any]:
    return cohere("cohere-rerank", {"model": "rerank-english-v2.0"}, url="https://api.cohere.ai/v1/rerank",
                  headers={"Authorization": "Bearer ${credential.cohere_key}"},
                  request_body='{ "documents": ${parameters.documents}, "query": "${parameters.query}", '
                               '"model": "${parameters.model}", "top_n": ${parameters.top_n} }',
                  pre_process_function="connector.pre_process.cohere.rerank",
                  post_process_function="connector.post_process.cohere.rerank")


# docs/tutorials/rerank/rerank_pipeline_with_Cohere_Rerank_model.md (text_similarity, as the rerank processor calls)
def test_cohere_rerank_from_text_similarity_orders_scores_by_document(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post("https://api.cohere.ai/v1/rerank", json=RERANK_ANSWER)
    model_id = deploy(api, cohere_rerank())
    answer = rerank(api, model_id, "What is the capital of the United States?", RERANK_DOCS)
    # top_n is the number of documents, rendered as a bare integer.
    assert_call(ml_vendor, "POST", "https://api.cohere.ai/v1/rerank", RERANK_BODY,
                {"Authorization": f"Bearer {COHERE_KEY}", "Content-Type": "application/json"})
    assert_predicted(answer, results(RERANK_TENSORS))


# docs/tutorials/rerank/rerank_pipeline_with_Cohere_Rerank_model.md (predict with query/documents/top_n)
def test_cohere_rerank_from_parameters_still_reorders_by_index(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post("https://api.cohere.ai/v1/rerank", json=RERANK_ANSWER)
    model_id = deploy(api, cohere_rerank())
    answer = predict(api, model_id, {"query": "What is the capital of the United States?",
                                     "documents": RERANK_DOCS, "top_n": 3})
    assert_call(ml_vendor, "POST", "https://api.cohere.ai/v1/rerank", RERANK_BODY, {})
    assert_predicted(answer, results(RERANK_TENSORS))
