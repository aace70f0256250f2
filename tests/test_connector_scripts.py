"""Painless pre- and post-process scripts in connectors: what ``params`` holds and how the result is used."""

from __future__ import annotations

import json
from typing import Any

from tests.builders import action, connector, error
from tests.conftest import Api
from tests.test_predict import make_model

M = "/_plugins/_ml/models"
URL = "https://api.openai.com/v1/embeddings"


def scripted(api: Api, request_body: str, pre: str | None = None, post: str | None = None, **parameters: Any) -> str:
    act = action(url=URL, request_body=request_body)
    if pre is not None:
        act["pre_process_function"] = pre
    if post is not None:
        act["post_process_function"] = post
    return make_model(api, connector(parameters={"model": "m1", **parameters}, actions=[act]))


def embed(api: Api, model_id: str, *docs: str) -> tuple[int, Any]:
    return api("POST", f"/_plugins/_ml/_predict/text_embedding/{model_id}", {"text_docs": list(docs)})


def test_pre_process_script_runs_once_per_document_on_escaped_text(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"ok": 1})
    pre = 'return \'{"parameters": {"text": "\' + params.text_docs[0] + \'", "n": 5, "algo": "\' + params.algorithm ' \
          "+ '\"}}';"
    model_id = scripted(api, '{"text": "${parameters.text}", "n": "${parameters.n}", "a": "${parameters.algo}"}',
                        pre=pre)
    status, answer = embed(api, model_id, 'say "hi"', "b/c")
    assert status == 200
    # The document reaches the script JSON-escaped, and the script's numbers come back through Gson as doubles.
    assert [c.request.body.decode() for c in ml_vendor.calls] == [
        '{"text": "say \\"hi\\"", "n": "5.0", "a": "TEXT_EMBEDDING"}',
        '{"text": "b\\/c", "n": "5.0", "a": "TEXT_EMBEDDING"}']
    assert len(answer["inference_results"]) == 2


def test_pre_process_script_returning_null_is_refused(api: Api, ml_vendor: Any) -> None:
    model_id = scripted(api, '{"x": 1}', pre="return null;")
    assert embed(api, model_id, "a") == (400, error(
        "illegal_argument_exception", "Preprocess function output is null", 400))


def test_pre_process_script_failure_is_a_script_exception(api: Api, ml_vendor: Any) -> None:
    model_id = scripted(api, '{"x": 1}', pre="throw new IllegalArgumentException('no docs');")
    status, answer = embed(api, model_id, "a")
    assert (status, answer["error"]["type"], answer["error"]["reason"]) == (400, "script_exception", "runtime error")
    assert answer["error"]["caused_by"] == {"type": "illegal_argument_exception", "reason": "no docs"}
    assert len(ml_vendor.calls) == 0


def test_remote_parameters_skip_the_pre_process_script_unless_asked(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"ok": 1})
    pre = "return '{\"parameters\": {\"q\": \"' + params.q + '!\"}}';"
    model_id = scripted(api, '{"q": "${parameters.q}"}', pre=pre)
    api("POST", f"{M}/{model_id}/_predict", {"parameters": {"q": "plain"}})
    assert json.loads(ml_vendor.calls[-1].request.body) == {"q": "plain"}
    asked = scripted(api, '{"q": "${parameters.q}"}', pre=pre,
                     **{"pre_process_function.process_remote_inference_input": "true"})
    api("POST", f"{M}/{asked}/_predict", {"parameters": {"q": "plain"}})
    # Request parameters still win over what the script produced.
    assert json.loads(ml_vendor.calls[-1].request.body) == {"q": "plain"}
    api("POST", f"{M}/{asked}/_predict", {"parameters": {"other": "x"}})
    # Without q in the request, the script's value is used: null concatenates as "null".
    assert json.loads(ml_vendor.calls[-1].request.body) == {"q": "null!"}


def test_rerank_script_sees_query_text_and_all_documents(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"ok": 1})
    pre = ("def out = new StringBuilder('{\"parameters\": {\"query\": \"'); out.append(params.query_text); "
           "out.append('\", \"count\": \"'); out.append(params.text_docs.length); out.append('\", \"algo\": \"'); "
           "out.append(params.algorithm); out.append('\"}}'); return out.toString();")
    model_id = scripted(api, '{"q": "${parameters.query}", "c": "${parameters.count}", "a": "${parameters.algo}"}',
                        pre=pre)
    status, _ = api("POST", f"/_plugins/_ml/_predict/text_similarity/{model_id}",
                    {"query_text": "why?", "text_docs": ["a", "b", "c"]})
    assert status == 200
    assert json.loads(ml_vendor.calls[0].request.body) == {"q": "why?", "c": "3", "a": "REMOTE"}


def test_post_process_script_returning_tensor_json(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"embedding": [0.5, 0.0001], "tokens": 3})
    post = ("return '{\"name\": \"sentence_embedding\", \"data_type\": \"FLOAT32\", \"shape\": [' + "
            "params.embedding.length + '], \"data\": ' + params.embedding + '}';")
    model_id = scripted(api, '{"x": 1}', post=post)
    status, answer = api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})
    assert (status, answer) == (200, {"inference_results": [{"output": [
        {"name": "sentence_embedding", "data_type": "FLOAT32", "shape": [2], "data": [0.5, 0.0001]}],
        "status_code": 200}]})


def test_post_process_script_text_answer_becomes_the_response(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"choices": [{"message": {"content": "Hello"}}]})
    model_id = scripted(api, '{"x": 1}', post="return params.choices[0].message.content;")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[1]["inference_results"][0]["output"] == [
        {"name": "response", "dataAsMap": {"response": "Hello"}}]


def test_post_process_script_returning_null_keeps_the_raw_answer(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"a": 1})
    model_id = scripted(api, '{"x": 1}', post="if (params.a == 2) { return 'two'; }")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[1]["inference_results"][0]["output"] == [
        {"name": "response", "dataAsMap": {"a": 1}}]


def test_post_process_json_that_is_not_a_tensor_gives_an_empty_tensor(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"a": 1})
    model_id = scripted(api, '{"x": 1}', post="return '{\"foo\": \"bar\"}';")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[1]["inference_results"][0]["output"] == [{}]


def test_post_process_bad_data_type_is_the_enum_error(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"a": 1})
    model_id = scripted(api, '{"x": 1}', post="return '{\"name\": \"x\", \"data_type\": \"float\", \"data\": [1]}';")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}}) == (400, error(
        "illegal_argument_exception",
        "No enum constant org.opensearch.ml.common.output.model.MLResultDataType.float", 400))


def test_post_process_script_failure_is_the_connectors_500(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"a": 1})
    model_id = scripted(api, '{"x": 1}', post="throw new IllegalArgumentException('guardrail tripped');")
    status, answer = api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})
    assert status == 500
    assert answer["error"]["root_cause"] == [{"type": "m_l_exception",
                                              "reason": "Fail to execute PREDICT in aws connector"}]
    cause = answer["error"]["caused_by"]
    assert (cause["type"], cause["reason"], cause["lang"]) == ("script_exception", "runtime error", "painless")
    assert cause["caused_by"] == {"type": "illegal_argument_exception", "reason": "guardrail tripped"}


def test_post_process_compile_error_names_the_position(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"a": 1})
    model_id = scripted(api, '{"x": 1}', post="return 'a\\\"b';")
    status, answer = api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})
    assert (status, answer["error"]["caused_by"]["reason"]) == (500, "compile error")
    assert "position" in answer["error"]["caused_by"]


def test_parameters_are_substituted_into_the_script_as_json_strings(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"a": 1})
    model_id = scripted(api, '{"x": 1}', post="return 'model=' + ${parameters.model} + ';' + params.a;",
                        model="titan-v2")
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[1]["inference_results"][0]["output"] == [
        {"name": "response", "dataAsMap": {"response": "model=titan-v2;1"}}]


def test_post_process_params_hold_a_top_level_array_as_result(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json=[[0.25, 0.5]])
    post = "return '' + params.result[0].length + '|' + params.result[0];"
    model_id = scripted(api, '{"x": 1}', post=post)
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[1]["inference_results"][0]["output"] == [
        {"name": "response", "dataAsMap": {"response": "2|[0.25, 0.5]"}}]


def test_injected_escape_helper_makes_llm_text_json_safe(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"content": 'He said "yes"\nthen left'})
    post = ("return '{\"name\": \"response\", \"dataAsMap\": {\"text\": \"' + escape(params.content) + '\"}}';")
    model_id = scripted(api, '{"x": 1}', post=post)
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[1]["inference_results"][0]["output"] == [
        {"name": "response", "dataAsMap": {"text": 'He said "yes"\nthen left'}}]


def test_remote_input_script_sees_the_escaped_parameters(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"ok": 1})
    pre = "return '{\"parameters\": {\"n\": \"' + params.prompt.length() + '\"}}';"
    model_id = scripted(api, '{"n": "${parameters.n}"}', pre=pre,
                        **{"pre_process_function.process_remote_inference_input": "true"})
    api("POST", f"{M}/{model_id}/_predict", {"parameters": {"prompt": 'say "hi"'}})
    # The dataset is escaped in place before the script runs: say \"hi\" has ten characters.
    assert json.loads(ml_vendor.calls[-1].request.body) == {"n": "10"}


def test_tensor_json_keeps_null_data_and_drops_byte_buffer(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"a": 1})
    post = ("return '{\"name\": \"t\", \"data_type\": \"FLOAT32\", \"data\": [1.5, null], "
            "\"byte_buffer\": {\"array\": \"AAE=\", \"order\": \"BIG_ENDIAN\"}}';")
    model_id = scripted(api, '{"x": 1}', post=post)
    assert api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})[1]["inference_results"][0]["output"] == [
        {"name": "t", "data_type": "FLOAT32", "data": [1.5, None]}]


def test_tensor_json_with_null_name_cannot_be_read(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"a": 1})
    model_id = scripted(api, '{"x": 1}', post="return '{\"name\": null}';")
    status, answer = api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})
    assert (status, answer["error"]["caused_by"]["type"]) == (500, "illegal_state_exception")


def test_tensor_json_with_a_filter_that_returns_a_map_is_a_cast_failure(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"a": 1})
    model_id = scripted(api, '{"x": 1}', post="return '[{\"name\": \"x\"}]';", response_filter="$[0]")
    status, answer = api("POST", f"{M}/{model_id}/_predict", {"parameters": {}})
    assert (status, answer["error"]["caused_by"]["type"]) == (500, "class_cast_exception")


def test_pre_process_output_is_read_as_gson_reads_a_map(api: Api, ml_vendor: Any) -> None:
    ml_vendor.post(URL, json={"ok": 1})
    pairs = scripted(api, '{"q": "${parameters.q}"}', pre="return '[[\"parameters\", {\"q\": 1}]]';")
    assert embed(api, pairs, "a")[0] == 200
    assert json.loads(ml_vendor.calls[-1].request.body) == {"q": "1.0"}
    for script in ("return '';", "return 'null';", "return '{\"parameters\": null}';"):
        model_id = scripted(api, '{"q": 1}', pre=script)
        status, answer = embed(api, model_id, "a")
        assert (status, answer["error"]["type"]) == (500, "null_pointer_exception"), script
