"""Built-in pre- and post-process functions, the text_docs / text_similarity predict paths and chunking."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import responses
from opensearchpy import TransportError

from emulator import Emulator
from emulator.vendors.responses_adapter import session_for
from tests.builders import action, connector, error
from tests.conftest import Api
from tests.test_predict import make_model

M = "/_plugins/_ml/models"
EMBED_URL = "https://api.openai.com/v1/embeddings"
BEDROCK_URL = "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-text-v2:0/invoke"
RERANK_URL = "https://api.cohere.ai/v1/rerank"


def embedding_model(api: Api, request_body: str, pre: str | None, post: str | None, url: str = EMBED_URL,
                    **parameters: Any) -> str:
    act = action(url=url, request_body=request_body)
    if pre:
        act["pre_process_function"] = pre
    if post:
        act["post_process_function"] = post
    return make_model(api, connector(parameters={"model": "text-embedding-3-small", **parameters}, actions=[act]))


def embed(api: Api, model_id: str, *docs: Any, **extra: Any) -> tuple[int, Any]:
    return api("POST", f"/_plugins/_ml/_predict/text_embedding/{model_id}", {"text_docs": list(docs), **extra})


def sent(vendor: Any, index: int = -1) -> Any:
    return json.loads(vendor.calls[index].request.body)


def test_openai_embedding_functions_send_all_docs_in_one_call(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(EMBED_URL, json={"object": "list", "data": [
        {"object": "embedding", "index": 0, "embedding": [0.1, -0.2]},
        {"object": "embedding", "index": 1, "embedding": [0.3, 0.4]}]})
    model_id = embedding_model(api, '{"input": ${parameters.input}, "model": "${parameters.model}"}',
                               "connector.pre_process.openai.embedding", "connector.post_process.openai.embedding")
    status, answer = embed(api, model_id, 'He said "hi"', "café")
    assert status == 200
    assert ml_vendor.calls[0].request.body.decode() == (
        '{"input": ["He said \\"hi\\"","café"], "model": "text-embedding-3-small"}')
    assert answer == {"inference_results": [{"output": [
        {"name": "sentence_embedding", "data_type": "FLOAT32", "shape": [2], "data": [0.1, -0.2]},
        {"name": "sentence_embedding", "data_type": "FLOAT32", "shape": [2], "data": [0.3, 0.4]},
    ], "status_code": 200}]}


def test_text_docs_without_a_pre_process_function_use_the_default_embedding_input(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(EMBED_URL, json=[[1.5, 2.5]])
    model_id = embedding_model(api, '{"input": ${parameters.input}}', None, "connector.post_process.default.embedding")
    status, answer = embed(api, model_id, "a")
    assert (status, sent(ml_vendor)) == (200, {"input": ["a"]})
    assert answer["inference_results"][0]["output"] == [
        {"name": "sentence_embedding", "data_type": "FLOAT32", "shape": [2], "data": [1.5, 2.5]}]


def test_bedrock_embedding_makes_one_call_per_document(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(BEDROCK_URL, json={"embedding": [0.5, -1], "inputTextTokenCount": 3})
    model_id = embedding_model(api, '{"inputText": "${parameters.inputText}"}',
                               "connector.pre_process.bedrock.embedding", "connector.post_process.bedrock.embedding",
                               url=BEDROCK_URL)
    status, answer = embed(api, model_id, "one/two", "é")
    assert status == 200
    assert [c.request.body.decode() for c in ml_vendor.calls] == [
        '{"inputText": "one\\/two"}', '{"inputText": "\\u00E9"}']
    tensor = {"name": "sentence_embedding", "data_type": "FLOAT32", "shape": [2], "data": [0.5, -1]}
    assert answer == {"inference_results": [{"output": [tensor], "status_code": 200}] * 2}


def test_step_size_parameter_chunks_documents(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(EMBED_URL, json={"embeddings": [[1.0]]})
    model_id = embedding_model(api, '{"texts": ${parameters.texts}}', "connector.pre_process.cohere.embedding",
                               "connector.post_process.cohere.embedding", input_docs_processed_step_size=2)
    status, answer = embed(api, model_id, "a", "b", "c")
    assert status == 200
    assert [sent(ml_vendor, i) for i in range(2)] == [{"texts": ["a", "b"]}, {"texts": ["c"]}]
    assert len(answer["inference_results"]) == 2


@pytest.mark.parametrize("step", ["0", "-1"])
def test_step_size_must_be_positive(api: Api, ml_vendor: Any, step: str) -> None:
    model_id = embedding_model(api, '{"texts": ${parameters.texts}}', "connector.pre_process.cohere.embedding",
                               None, input_docs_processed_step_size=step)
    assert embed(api, model_id, "a") == (400, error(
        "illegal_argument_exception",
        "Invalid parameter: input_docs_processed_step_size. It must be positive integer.", 400))


def test_empty_embedding_list_gives_an_entry_without_output(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(EMBED_URL, json={"data": []})
    model_id = embedding_model(api, '{"input": ${parameters.input}}', "connector.pre_process.openai.embedding",
                               "connector.post_process.openai.embedding")
    assert embed(api, model_id, "a") == (200, {"inference_results": [{"status_code": 200}]})


@pytest.mark.parametrize(("function", "body", "reason"), [
    ("connector.post_process.bedrock.embedding", {"embedding": {"a": 1}},
     "Post process function input is not a List."),
    ("connector.post_process.cohere.embedding", {"embeddings": [1, 2]},
     "The embedding should be a non-empty List containing List of Float values."),
    ("connector.post_process.cohere.embedding", {"embeddings": [["x"]]},
     "The embedding should be a non-empty List containing Float values."),
    ("connector.post_process.bedrock.embedding", {"embedding": ["x"]},
     "The embedding should be a non-empty List containing Float values."),
    ("connector.post_process.bedrock.embedding", {"embedding": None},
     "Can't run post process function as model output is null"),
])
def test_embedding_post_process_validation(api: Api, ml_vendor: Any, function: str, body: Any, reason: str) -> None:
    ml_vendor.post(EMBED_URL, json=body)
    model_id = embedding_model(api, '{"input": ${parameters.input}}', "connector.pre_process.openai.embedding",
                               function)
    assert embed(api, model_id, "a") == (400, error("illegal_argument_exception", reason, 400))


def test_missing_default_filter_path_is_a_500_with_jayway_cause(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(EMBED_URL, json={"other": 1})
    model_id = embedding_model(api, '{"input": ${parameters.input}}', None, "connector.post_process.bedrock.embedding")
    status, answer = embed(api, model_id, "a")
    assert status == 500
    assert answer["error"]["type"] == "m_l_exception"
    assert answer["error"]["reason"] == "Fail to execute PREDICT in aws connector"
    assert answer["error"]["caused_by"]["type"] == "path_not_found_exception"


@pytest.mark.parametrize(("function", "data_type"), [
    ("connector.post_process.cohere_v2.embedding.float", "FLOAT32"),
    ("connector.post_process.cohere_v2.embedding.int8", "INT8"),
    ("connector.post_process.cohere_v2.embedding.uint8", "UINT8"),
    ("connector.post_process.cohere_v2.embedding.binary", "BINARY"),
    ("connector.post_process.cohere_v2.embedding.ubinary", "UBINARY"),
])
def test_cohere_v2_data_type_comes_from_the_filter(api: Api, ml_vendor: Any, function: str, data_type: str) -> None:
    key = function.rsplit(".", 1)[1]
    ml_vendor.post(EMBED_URL, json={"embeddings": {key: [[12, -3]]}})
    model_id = embedding_model(api, '{"texts": ${parameters.texts}}', "connector.pre_process.cohere.embedding",
                               function)
    assert embed(api, model_id, "a")[1]["inference_results"][0]["output"] == [
        {"name": "sentence_embedding", "data_type": data_type, "shape": [2], "data": [12, -3]}]


def test_response_filter_replaces_the_built_in_filter_and_sets_the_type(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(EMBED_URL, json={"embeddings": {"int8": [[1, 2]], "float": [[0.5, 0.25]]}})
    model_id = embedding_model(api, '{"texts": ${parameters.texts}}', "connector.pre_process.cohere.embedding",
                               "connector.post_process.cohere_v2.embedding.float", response_filter="$.embeddings.int8")
    assert embed(api, model_id, "a")[1]["inference_results"][0]["output"] == [
        {"name": "sentence_embedding", "data_type": "INT8", "shape": [2], "data": [1, 2]}]


def rerank_model(api: Api, pre: str, post: str, request_body: str, url: str = RERANK_URL) -> str:
    return make_model(api, connector(parameters={"model": "rerank-english-v3.0"}, actions=[action(
        url=url, request_body=request_body, pre_process_function=pre, post_process_function=post)]))


def rerank(api: Api, model_id: str, query: str, *docs: str) -> tuple[int, Any]:
    return api("POST", f"/_plugins/_ml/_predict/text_similarity/{model_id}", {"query_text": query,
                                                                             "text_docs": list(docs)})


def test_cohere_rerank_orders_scores_by_document_index(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(RERANK_URL, json={"id": "x", "results": [
        {"index": 1, "relevance_score": 0.9}, {"index": 0, "relevance_score": 0.0001}]})
    model_id = rerank_model(api, "connector.pre_process.cohere.rerank", "connector.post_process.cohere.rerank",
                            '{"model": "${parameters.model}", "query": "${parameters.query}", '
                            '"documents": ${parameters.documents}, "top_n": ${parameters.top_n}}')
    status, answer = rerank(api, model_id, "what/why", "doc a", "doc b")
    assert status == 200
    assert ml_vendor.calls[0].request.body.decode() == (
        '{"model": "rerank-english-v3.0", "query": "what\\/why", "documents": ["doc a","doc b"], "top_n": 2}')
    assert answer == {"inference_results": [{"output": [
        {"name": "similarity", "data_type": "FLOAT32", "shape": [1], "data": [0.0001]},
        {"name": "similarity", "data_type": "FLOAT32", "shape": [1], "data": [0.9]},
    ], "status_code": 200}]}


def test_cohere_rerank_with_an_integer_score_fails_the_cast(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(RERANK_URL, json={"results": [{"index": 0, "relevance_score": 1}]})
    model_id = rerank_model(api, "connector.pre_process.cohere.rerank", "connector.post_process.cohere.rerank",
                            '{"query": "${parameters.query}", "documents": ${parameters.documents}}')
    status, answer = rerank(api, model_id, "q", "d")
    assert (status, answer["error"]["caused_by"]["type"]) == (500, "class_cast_exception")


def test_bedrock_rerank_builds_queries_and_sources(api: Api, ml_vendor: Any) -> None:
    url = "https://bedrock-agent-runtime.us-west-2.amazonaws.com/rerank"
    ml_vendor.post(url, json={"results": [{"index": 0, "relevanceScore": 0.25}]})
    model_id = rerank_model(api, "connector.pre_process.bedrock.rerank", "connector.post_process.bedrock.rerank",
                            '{"queries": ${parameters.queries}, "sources": ${parameters.sources}, '
                            '"n": ${parameters.numberOfResults}}', url=url)
    status, answer = rerank(api, model_id, "q", "d")
    assert status == 200
    assert sent(ml_vendor) == {
        "queries": [{"textQuery": {"text": "q"}, "type": "TEXT"}],
        "sources": [{"inlineDocumentSource": {"textDocument": {"text": "d"}, "type": "TEXT"}, "type": "INLINE"}],
        "n": 1}
    assert answer["inference_results"][0]["output"] == [
        {"name": "similarity", "data_type": "FLOAT32", "shape": [1], "data": [0.25]}]


@pytest.mark.parametrize(("results", "reason"), [
    ([], "Post process function input is empty."),
    ([1], "Rerank result is not a Map."),
    ([{}], "Rerank result is empty."),
    ([{"index": 0}], "Rerank result should have both index and relevanceScore."),
    ([{"index": 0, "relevanceScore": 1}], "relevanceScore is not BigDecimal or Double."),
])
def test_bedrock_rerank_validation(api: Api, ml_vendor: Any, results: list, reason: str) -> None:
    url = "https://bedrock-agent-runtime.us-west-2.amazonaws.com/rerank"
    ml_vendor.post(url, json={"results": results})
    model_id = rerank_model(api, "connector.pre_process.bedrock.rerank", "connector.post_process.bedrock.rerank",
                            '{"queries": ${parameters.queries}}', url=url)
    assert rerank(api, model_id, "q", "d") == (400, error("illegal_argument_exception", reason, 400))


def test_rerank_function_refuses_text_docs_input(api: Api, ml_vendor: Any) -> None:
    model_id = rerank_model(api, "connector.pre_process.cohere.rerank", "connector.post_process.cohere.rerank",
                            '{"query": "${parameters.query}"}')
    assert embed(api, model_id, "a") == (400, error(
        "illegal_argument_exception", "This pre_process_function can only support TextSimilarityInputDataSet", 400))


def test_embedding_function_refuses_text_similarity_input(api: Api, ml_vendor: Any) -> None:
    model_id = embedding_model(api, '{"input": ${parameters.input}}', "connector.pre_process.openai.embedding", None)
    assert rerank(api, model_id, "q", "d") == (400, error(
        "illegal_argument_exception",
        "This pre_process_function can only support TextDocsInputDataSet which including a list of string with key "
        "'text_docs'", 400))


def test_text_similarity_without_pre_process_function_is_refused(api: Api, ml_vendor: Any) -> None:
    model_id = make_model(api, connector(actions=[action(url=RERANK_URL, request_body="{}")]))
    assert rerank(api, model_id, "q", "d") == (400, error(
        "illegal_argument_exception", "pre_process_function not defined in connector", 400))


def test_built_in_pre_process_is_bypassed_for_remote_parameters(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(EMBED_URL, json={"data": [{"embedding": [1.0]}]})
    model_id = embedding_model(api, '{"input": ${parameters.input}}', "connector.pre_process.openai.embedding",
                               "connector.post_process.openai.embedding")
    status, _ = api("POST", f"{M}/{model_id}/_predict", {"parameters": {"input": ["x"]}})
    assert (status, sent(ml_vendor)) == (200, {"input": ["x"]})


@pytest.mark.parametrize(("body", "reason"), [
    ({"text_docs": []}, "Empty text docs"),
    ({}, "Empty text docs"),
    ({"text_docs": ["a"], "parameters": {"content_type": "title"}},
     "No enum constant org.opensearch.ml.common.input.parameter.textembedding.AsymmetricTextEmbeddingParameters."
     "EmbeddingContentType.TITLE"),
])
def test_text_embedding_input_errors(api: Api, ml_vendor: Any, body: dict, reason: str) -> None:
    model_id = embedding_model(api, '{"input": ${parameters.input}}', None, None)
    assert api("POST", f"/_plugins/_ml/_predict/text_embedding/{model_id}", body) == (
        400, error("illegal_argument_exception", reason, 400))


def test_text_embedding_parameters_reach_the_template(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(EMBED_URL, json={"embeddings": [[1.0]]})
    model_id = embedding_model(api, '{"texts": ${parameters.texts}, "input_type": "${parameters.content_type}", '
                                    '"f": "${parameters.sparse_embedding_format}"}',
                               "connector.pre_process.cohere.embedding", "connector.post_process.cohere.embedding")
    assert embed(api, model_id, "a", parameters={"content_type": "query"})[0] == 200
    assert sent(ml_vendor) == {"texts": ["a"], "input_type": "QUERY", "f": "WORD"}


def test_text_similarity_input_errors(api: Api, ml_vendor: Any) -> None:
    model_id = make_model(api, connector(actions=[action(url=RERANK_URL, request_body="{}")]))
    path = f"/_plugins/_ml/_predict/text_similarity/{model_id}"
    assert api("POST", path, {"query_text": "q"}) == (400, error(
        "illegal_argument_exception", "No text documents were provided", 400))
    assert api("POST", path, {"text_docs": ["d"]}) == (400, error(
        "illegal_argument_exception", "No query text was provided", 400))


def test_multimodal_and_nova_inputs(api: Api, ml_vendor: Any) -> None:
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-image-v1/invoke"
    ml_vendor.post(url, json={"embedding": [0.1]})
    model_id = embedding_model(api, '{"inputText": "${parameters.inputText:-null}", "inputImage": '
                                    '"${parameters.inputImage:-null}"}',
                               "connector.pre_process.bedrock.multimodal_embedding",
                               "connector.post_process.bedrock.embedding", url=url, input_docs_processed_step_size=2)
    assert embed(api, model_id, "a cat", "aGVsbG8=")[0] == 200
    assert sent(ml_vendor) == {"inputText": "a cat", "inputImage": "aGVsbG8="}
    assert embed(api, model_id, "only text")[0] == 200
    assert sent(ml_vendor) == {"inputText": "only text", "inputImage": None}
    nova = embedding_model(api, '{"t": "${parameters.text:-none}", "i": "${parameters.image:-none}"}',
                           "connector.pre_process.bedrock.nova.embedding", "connector.post_process.bedrock.embedding",
                           url=url)
    assert embed(api, nova, '{"image": "aW1n"}')[0] == 200
    assert sent(ml_vendor) == {"t": "none", "i": "aW1n"}
    assert embed(api, nova, "plain words")[0] == 200
    assert sent(ml_vendor) == {"t": "plain words", "i": "none"}


def test_batch_job_arn_post_process(api: Api, ml_vendor: Any) -> None:
    url = "https://bedrock.us-east-1.amazonaws.com/model-invocation-job"
    ml_vendor.post(url, json={"jobArn": "arn:aws:bedrock:us-east-1:1:model-invocation-job/abc"})
    model_id = make_model(api, connector(actions=[action(
        url=url, request_body="{}", post_process_function="connector.post_process.bedrock.batch_job_arn")]))
    status, answer = api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})
    assert status == 200
    assert answer["inference_results"][0]["output"] == [{"name": "response", "dataAsMap": {
        "processedJobArn": "arn:aws:bedrock:us-east-1:1:model-invocation-job%2Fabc",
        "jobArn": "arn:aws:bedrock:us-east-1:1:model-invocation-job/abc"}}]


def test_mlcommons_passthrough_unwraps_another_nodes_answer(api: Api, ml_vendor: Any) -> None:
    url = "https://api.openai.com/remote-ml"
    inner = {"inference_results": [{"output": [
        {"name": "sentence_embedding", "data_type": "FLOAT32", "shape": [2], "data": [0.5, 1.5]},
        {"name": "output", "dataAsMap": {"response": [{"a": 0.1}]}}], "status_code": 200}]}
    ml_vendor.post(url, json=inner)
    model_id = make_model(api, connector(actions=[action(
        url=url, request_body="{}", post_process_function="connector.post_process.mlcommons.passthrough")]))
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[1] == {"inference_results": [{
        "output": inner["inference_results"][0]["output"], "status_code": 200}]}


def test_long_decimals_keep_their_digits_as_big_decimals(api: Api, ml_vendor: Any, ml_url: str) -> None:
    ml_vendor.post(EMBED_URL, body='{"data": [{"embedding": [0.0123456789012345678901, 0.00012]}]}',
                   content_type="application/json")
    model_id = embedding_model(api, '{"input": ${parameters.input}}', "connector.pre_process.openai.embedding",
                               "connector.post_process.openai.embedding")
    raw = requests.post(f"{ml_url}/_plugins/_ml/_predict/text_embedding/{model_id}", json={"text_docs": ["a"]},
                        timeout=10).text
    # json-smart keeps a decimal of more than 18 characters as a BigDecimal; a double is written by Jackson.
    assert '"data":[0.0123456789012345678901,1.2E-4]' in raw


def test_jayway_reads_a_non_json_body_as_a_string(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(EMBED_URL, body="Service Unavailable", content_type="text/plain")
    model_id = embedding_model(api, '{"input": ${parameters.input}}', None, "connector.post_process.bedrock.embedding")
    status, answer = embed(api, model_id, "a")
    assert (status, answer["error"]["reason"], answer["error"]["caused_by"]["type"]) == (
        500, "Fail to execute PREDICT in aws connector", "path_not_found_exception")


def test_bedrock_embedding_of_a_null_document_is_a_null_pointer_failure(api: Api, ml_vendor: Any) -> None:
    model_id = embedding_model(api, '{"inputText": "${parameters.inputText}"}',
                               "connector.pre_process.bedrock.embedding", None, url=BEDROCK_URL)
    status, answer = api("POST", f"/_plugins/_ml/_predict/text_embedding/{model_id}", {"text_docs": [None]})
    assert (status, answer["error"]["type"], answer["error"]["reason"]) == (500, "null_pointer_exception", None)
    assert len(ml_vendor.calls) == 0


def test_every_chunk_is_called_and_the_first_failure_answers(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(BEDROCK_URL, body="first", status=400)
    ml_vendor.post(BEDROCK_URL, json={"embedding": [1.0]})
    ml_vendor.post(BEDROCK_URL, body="third", status=404)
    model_id = embedding_model(api, '{"inputText": "${parameters.inputText}"}',
                               "connector.pre_process.bedrock.embedding", "connector.post_process.bedrock.embedding",
                               url=BEDROCK_URL)
    status, answer = embed(api, model_id, "a", "b", "c")
    assert len(ml_vendor.calls) == 3
    assert (status, answer["error"]["reason"]) == (400, "Error from remote service: first")
    assert [s["reason"] for s in answer["error"]["suppressed"]] == ["Error from remote service: third"]


def test_newer_built_in_names_are_scripts_on_older_releases() -> None:
    emu = Emulator(version="3.2.0")
    vendor = responses.RequestsMock(assert_all_requests_are_fired=False)
    emu.session = session_for(vendor)
    vendor.post(EMBED_URL, json={"inference_results": []})
    client = emu.client()
    conn = connector(actions=[action(url=EMBED_URL, request_body="{}",
                                     post_process_function="connector.post_process.mlcommons.passthrough")])
    connector_id = client.plugins.ml.create_connector(body=conn)["connector_id"]
    model_id = client.plugins.ml.register_model(body={"name": "m", "function_name": "remote",
                                                      "connector_id": connector_id}, params={"deploy": "true"})
    try:
        client.plugins.ml.predict_model(model_id=model_id["model_id"], body={"parameters": {}})
        raise AssertionError("3.2 has no passthrough built-in")
    except TransportError as failure:
        assert failure.status_code == 500
        assert failure.info["error"]["caused_by"]["reason"] == "compile error"
