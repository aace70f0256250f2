"""Amazon Bedrock families over aws_sigv4: Titan, Cohere, Claude, Converse, Nova, AI21, gpt-oss and rerank."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.conftest import Api
from tests.vendor_cases import (
    AWS_CREDENTIAL,
    FAIL_IN_CONNECTOR,
    SESSION_TOKEN,
    assert_call,
    assert_predicted,
    assert_sigv4,
    connector,
    deploy,
    dumps_compact,
    embed,
    predict,
    rerank,
    response,
    results,
    sent,
    sent_text,
    similarity,
    tensor,
)

REGION = "us-east-1"
RUNTIME = f"https://bedrock-runtime.{REGION}.amazonaws.com/model"
INVOKE_URL = "https://bedrock-runtime.${parameters.region}.amazonaws.com/model/${parameters.model}/invoke"
SIGNED_BY_BLUEPRINT = "content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token"
OUTPUT_SCHEMA_ERROR = ("Error validating output schema, if you think this is expected, please update your 'output' "
                       "field in the 'interface' field for this model: ")


def bedrock(name: str, parameters: dict[str, Any], headers: dict[str, str] | None = None, **action: Any
            ) -> dict[str, Any]:
    """A Bedrock connector as the blueprints write it (region and service in the connector parameters)."""
    return connector(name, "aws_sigv4", {"region": REGION, "service_name": "bedrock", **parameters}, AWS_CREDENTIAL,
                     {"method": "POST", "url": INVOKE_URL,
                      "headers": headers or {"content-type": "application/json", "x-amz-content-sha256": "required"},
                      **action})


def assert_output_rejected_by_preset_interface(answer: tuple[int, Any], output: dict[str, Any]) -> None:
    """The preset model interface (ModelInterfaceUtils) refused the predict output."""
    status, body = answer
    assert status == 400, f"predict answered {status}: {body}"
    assert body["error"]["type"] == "status_exception", body
    reason = body["error"]["reason"]
    assert reason.startswith(OUTPUT_SCHEMA_ERROR + "Validation failed: "), reason
    assert f" for instance: {dumps_compact(output)} with schema: " in reason, reason


def titan_v1() -> dict[str, Any]:
    return bedrock("Amazon Bedrock Connector: embedding", {"model": "amazon.titan-embed-text-v1"},
                   request_body='{ "inputText": "${parameters.inputText}" }',
                   pre_process_function="connector.pre_process.bedrock.embedding",
                   post_process_function="connector.post_process.bedrock.embedding")


# docs/remote_inference_blueprints/bedrock_connector_titan_embedding_blueprint.md (2.1, text_docs)
def test_titan_embedding_v1_signs_one_call_per_text_doc(api: Api, ml_vendor: Any) -> None:
    url = f"{RUNTIME}/amazon.titan-embed-text-v1/invoke"
    ml_vendor.post(url, json={"embedding": [0.41992188, -0.7265625, -0.080078125], "inputTextTokenCount": 7})
    ml_vendor.post(url, json={"embedding": [0.25, 0.5, -0.5], "inputTextTokenCount": 6})
    model_id = deploy(api, titan_v1())
    answer = embed(api, model_id, ["What is the meaning of life?", 'Ünïcode / "quotes"\nline'])
    assert len(ml_vendor.calls) == 2
    # inputText is docs[0] of each one-doc chunk, escaped with Apache escapeJson (\uXXXX, \/).
    assert_call(ml_vendor, "POST", url, '{ "inputText": "What is the meaning of life?" }',
                {"content-type": "application/json"}, index=0)
    assert_call(ml_vendor, "POST", url, '{ "inputText": "\\u00DCn\\u00EFcode \\/ \\"quotes\\"\\nline" }',
                {"content-type": "application/json"}, index=1)
    for call in ml_vendor.calls:
        assert_sigv4(call.request, REGION, "bedrock", signed_headers=SIGNED_BY_BLUEPRINT)
    assert_predicted(answer, results([tensor([0.41992188, -0.7265625, -0.080078125])],
                                     [tensor([0.25, 0.5, -0.5])]))


# docs/remote_inference_blueprints/bedrock_connector_titan_embedding_blueprint.md (long-term keys, no session token)
def test_titan_embedding_signed_with_basic_credentials_has_no_security_token(api: Api, ml_vendor: Any) -> None:
    url = f"{RUNTIME}/amazon.titan-embed-text-v1/invoke"
    ml_vendor.post(url, json={"embedding": [0.5, -0.25], "inputTextTokenCount": 2})
    body = titan_v1()
    body["credential"] = {"access_key": AWS_CREDENTIAL["access_key"], "secret_key": AWS_CREDENTIAL["secret_key"]}
    answer = predict(api, deploy(api, body), {"inputText": "hello"})
    assert "X-Amz-Security-Token" not in sent(ml_vendor).headers
    assert_sigv4(sent(ml_vendor), REGION, "bedrock", session_token=None,
                 signed_headers="content-length;content-type;host;x-amz-content-sha256;x-amz-date")
    assert_predicted(answer, results([tensor([0.5, -0.25])]))


# docs/remote_inference_blueprints/bedrock_connector_titan_embedding_blueprint.md (escaping of any inputText)
def test_titan_embedding_inputtext_is_ascii_json_for_any_text(api: Api, ml_vendor: Any) -> None:
    url = f"{RUNTIME}/amazon.titan-embed-text-v1/invoke"
    ml_vendor.post(url, json={"embedding": [0.5], "inputTextTokenCount": 1})
    model_id = deploy(api, titan_v1())

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.text(max_size=40))
    def check(text: str) -> None:
        # A doc that may parse as a JSON object or array is inserted unescaped (StringUtils.isJson, which uses
        # the lenient org.json parser: it skips leading characters up to the space).
        assume(not text.lstrip(_JSON_LEADING_SKIPPED).startswith(("[", "{")))
        status, _ = embed(api, model_id, [text])
        body = sent_text(ml_vendor)
        assert status == 200
        assert json.loads(body) == {"inputText": text}
        # escapeJson writes everything from 0x7F as \uXXXX and every / as \/.
        assert body.isascii()
        assert all(body[i - 1] == "\\" for i, char in enumerate(body) if char == "/")

    check()


_JSON_LEADING_SKIPPED = "".join(chr(code) for code in range(0x21))


TITAN_V2_ANSWER = {"embedding": [-0.041385926, 0.08503958, 0.0026220535],
                   "embeddingsByType": {"float": [-0.041385926, 0.08503958, 0.0026220535], "binary": [0, 1, 1]},
                   "inputTextTokenCount": 7}


# docs/remote_inference_blueprints/bedrock_connector_titan_embedding_blueprint.md (2.2 v2, embeddingsByType)
@pytest.mark.parametrize(("post_process", "expected"), [
    ("connector.post_process.bedrock.embedding", tensor([-0.041385926, 0.08503958, 0.0026220535])),
    ("connector.post_process.bedrock_v2.embedding.float", tensor([-0.041385926, 0.08503958, 0.0026220535])),
    ("connector.post_process.bedrock_v2.embedding.binary", tensor([0, 1, 1], "BINARY")),
])
def test_titan_embedding_v2_reads_the_embedding_type_the_post_process_names(
        api: Api, ml_vendor: Any, post_process: str, expected: dict[str, Any]) -> None:
    url = f"{RUNTIME}/amazon.titan-embed-text-v2:0/invoke"
    ml_vendor.post(url, json=TITAN_V2_ANSWER)
    model_id = deploy(api, bedrock(
        "Amazon Bedrock Connector: embedding v2",
        {"model": "amazon.titan-embed-text-v2:0", "dimensions": 256, "normalize": True,
         "embeddingTypes": ["float", "binary"]},
        request_body='{ "inputText": "${parameters.inputText}", "dimensions": ${parameters.dimensions}, '
                     '"normalize": ${parameters.normalize}, "embeddingTypes": ${parameters.embeddingTypes} }',
        pre_process_function="connector.pre_process.bedrock.embedding", post_process_function=post_process))
    answer = predict(api, model_id, {"inputText": "What is the meaning of life?"})
    # Connector parameters are stored as Gson text: 256, true, ["float","binary"].
    assert_call(ml_vendor, "POST", url,
                '{ "inputText": "What is the meaning of life?", "dimensions": 256, "normalize": true, '
                '"embeddingTypes": ["float","binary"] }', {})
    assert_sigv4(sent(ml_vendor), REGION, "bedrock")
    assert_predicted(answer, results([expected]))


# docs/remote_inference_blueprints/bedrock_connector_titan_embedding_blueprint.md line 70 (typo in a built-in name)
def test_titan_blueprint_typo_onnector_is_compiled_as_painless_and_fails(api: Api, ml_vendor: Any) -> None:
    typo = "onnector.post_process.bedrock_v2.embedding.float"
    url = f"{RUNTIME}/amazon.titan-embed-text-v2:0/invoke"
    ml_vendor.post(url, json=TITAN_V2_ANSWER)
    model_id = deploy(api, bedrock(
        "Amazon Bedrock Connector: embedding v2", {"model": "amazon.titan-embed-text-v2:0"},
        request_body='{ "inputText": "${parameters.inputText}", "embeddingTypes": ["float"] }',
        pre_process_function="connector.pre_process.bedrock.embedding", post_process_function=typo))
    status, body = predict(api, model_id, {"inputText": "hello"})
    assert len(ml_vendor.calls) == 1
    assert status == 500, f"predict answered {status}: {body}"
    assert body["error"]["root_cause"] == [{"type": "m_l_exception", "reason": FAIL_IN_CONNECTOR}]
    assert (body["error"]["type"], body["error"]["reason"]) == ("m_l_exception", FAIL_IN_CONNECTOR)
    cause = body["error"]["caused_by"]
    assert (cause["type"], cause["reason"], cause["lang"], cause["script"]) == (
        "script_exception", "compile error", "painless", typo)


MULTIMODAL_BODY = '{"inputText": "${parameters.inputText:-null}", "inputImage": "${parameters.inputImage:-null}"}'
IMAGE = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBD+w=="
IMAGE_ESCAPED = "\\/9j\\/4AAQSkZJRgABAQAAAQABAAD\\/2wBD+w=="
MULTIMODAL_ANSWER = {"embedding": [0.018, -0.0024, 0.031], "inputTextTokenCount": 4}


def titan_multimodal(**action: Any) -> dict[str, Any]:
    return bedrock("Amazon Bedrock Connector: multi-modal embedding",
                   {"model": "amazon.titan-embed-image-v1", "input_docs_processed_step_size": 2},
                   **{"request_body": MULTIMODAL_BODY,
                      "pre_process_function": "connector.pre_process.bedrock.multimodal_embedding",
                      "post_process_function": "connector.post_process.bedrock.embedding", **action})


# docs/remote_inference_blueprints/bedrock_connector_titan_multimodal_embedding_blueprint.md (built-in functions)
def test_titan_multimodal_sends_text_and_image_of_a_two_doc_chunk_in_one_call(api: Api, ml_vendor: Any) -> None:
    url = f"{RUNTIME}/amazon.titan-embed-image-v1/invoke"
    ml_vendor.post(url, json=MULTIMODAL_ANSWER)
    model_id = deploy(api, titan_multimodal())
    answer = embed(api, model_id, ["a red bicycle", IMAGE])
    assert len(ml_vendor.calls) == 1
    assert_call(ml_vendor, "POST", url,
                '{"inputText": "a red bicycle", "inputImage": "' + IMAGE_ESCAPED + '"}', {})
    assert_sigv4(sent(ml_vendor), REGION, "bedrock")
    assert_predicted(answer, results([tensor([0.018, -0.0024, 0.031])]))


# docs/remote_inference_blueprints/bedrock_connector_titan_multimodal_embedding_blueprint.md (text only)
def test_titan_multimodal_absent_image_becomes_json_null(api: Api, ml_vendor: Any) -> None:
    url = f"{RUNTIME}/amazon.titan-embed-image-v1/invoke"
    ml_vendor.post(url, json=MULTIMODAL_ANSWER)
    model_id = deploy(api, titan_multimodal())
    answer = predict(api, model_id, {"inputText": "Say this is a test"})
    # "${parameters.inputImage:-null}" with its quotes becomes a bare null (HttpConnector.fillNullParameters).
    assert_call(ml_vendor, "POST", url, '{"inputText": "Say this is a test", "inputImage": null}', {})
    assert_predicted(answer, results([tensor([0.018, -0.0024, 0.031])]))


MULTIMODAL_PRE = """
def docs = params.text_docs;
StringBuilder b = new StringBuilder('{');
if (docs.length > 0 && docs[0] != null) {
  b.append('"inputText": "');
  b.append(docs[0]);
  b.append('"');
}
if (docs.length > 1 && docs[1] != null) {
  if (docs[0] != null) {
    b.append(', ');
  }
  b.append('"inputImage": "');
  b.append(docs[1]);
  b.append('"');
}
b.append('}');
return '{"parameters": ' + b.toString() + '}';
"""
MULTIMODAL_POST = """
def vec = params.embedding;
if (vec == null || vec.length == 0) {
  return null;
}
def dims = [vec.length];
return '{"name": "sentence_embedding", "data_type": "FLOAT32", "shape": ' + dims + ', "data": ' + vec + '}';
"""


# docs/remote_inference_blueprints/bedrock_connector_titan_multimodal_embedding_blueprint.md (Painless variant)
@pytest.mark.xfail(strict=True, reason=(
    "Preset model interfaces (ModelInterfaceUtils) and interface validation are not emulated yet: the real node "
                   "refuses this output with a 400; see the README's known differences"))
def test_titan_multimodal_painless_variant_builds_the_request_but_the_raw_preset_refuses_tensors(
        api: Api, ml_vendor: Any) -> None:
    url = f"{RUNTIME}/amazon.titan-embed-image-v1/invoke"
    ml_vendor.post(url, json=MULTIMODAL_ANSWER)
    model_id = deploy(api, titan_multimodal(
        request_body='{ "inputText": "${parameters.inputText:-null}", "inputImage": "${parameters.inputImage:-null}" }',
        pre_process_function=MULTIMODAL_PRE, post_process_function=MULTIMODAL_POST))
    answer = embed(api, model_id, ['a "red" bicycle', IMAGE])
    # Docs reach the script JSON-escaped by Gson; its output is parsed and escaped again with escapeJson.
    assert_call(ml_vendor, "POST", url,
                '{ "inputText": "a \\"red\\" bicycle", "inputImage": "' + IMAGE_ESCAPED + '" }', {})
    # Registered without an interface, amazon.titan-embed-image-v1 with a non-built-in post-process gets the
    # *raw* preset (ModelInterfaceUtils), whose output schema requires dataAsMap.embedding: the tensor is refused.
    assert_output_rejected_by_preset_interface(answer, results([tensor([0.018, -0.0024, 0.031])]))


# docs/remote_inference_blueprints/bedrock_connector_cohere_cohere.embed-english-v3_blueprint.md
@pytest.mark.parametrize("via", ["text_docs", "parameters"])
def test_cohere_embed_on_bedrock_sends_texts_and_returns_tensors(api: Api, ml_vendor: Any, via: str) -> None:
    url = f"{RUNTIME}/cohere.embed-english-v3/invoke"
    ml_vendor.post(url, json={"embeddings": [[-0.029205322, -0.02357483], [-0.05987549, 0.5]],
                              "id": "8c5a2e3f-7a4b-4d1c-9a1e-0f3b2c4d5e6f", "response_type": "embeddings_floats",
                              "texts": ["hello world", "this is a test"]})
    model_id = deploy(api, bedrock(
        "Amazon Bedrock Connector: Cohere embed-english-v3",
        {"truncate": "END", "input_type": "search_document", "model": "cohere.embed-english-v3"},
        headers={"x-amz-content-sha256": "required", "content-type": "application/json"},
        request_body='{ "texts": ${parameters.texts}, "truncate": "${parameters.truncate}", '
                     '"input_type": "${parameters.input_type}" }',
        pre_process_function="connector.pre_process.cohere.embedding",
        post_process_function="connector.post_process.cohere.embedding"))
    texts = ["Hello world", "This is a test"]
    answer = embed(api, model_id, texts) if via == "text_docs" else predict(api, model_id, {"texts": texts})
    assert_call(ml_vendor, "POST", url,
                '{ "texts": ["Hello world","This is a test"], "truncate": "END", "input_type": "search_document" }',
                {})
    assert_sigv4(sent(ml_vendor), REGION, "bedrock")
    assert_predicted(answer, results([tensor([-0.029205322, -0.02357483]), tensor([-0.05987549, 0.5])]))


# docs/remote_inference_blueprints/bedrock_connector_anthropic_claude_blueprint.md (v2 text completion)
def test_claude_v2_completion_prompt_keeps_the_template_escapes(api: Api, ml_vendor: Any) -> None:
    url = f"{RUNTIME}/anthropic.claude-v2/invoke"
    completion = {"type": "completion", "completion": " There is no single, universally agreed upon meaning.",
                  "stop_reason": "stop_sequence", "stop": "\n\nHuman:"}
    ml_vendor.post(url, json=completion)
    template = ('{"prompt":"\\n\\nHuman: ${parameters.inputs}\\n\\nAssistant:","max_tokens_to_sample":300,'
                '"temperature":0.5,"top_k":250,"top_p":1,"stop_sequences":["\\\\n\\\\nHuman:"]}')
    model_id = deploy(api, bedrock("Amazon Bedrock", {"model": "anthropic.claude-v2"},
                                   headers={"content-type": "application/json"}, request_body=template))
    answer = predict(api, model_id, {"inputs": "What is the meaning of life?\nBe brief."})
    assert_call(ml_vendor, "POST", url,
                '{"prompt":"\\n\\nHuman: What is the meaning of life?\\nBe brief.\\n\\nAssistant:",'
                '"max_tokens_to_sample":300,"temperature":0.5,"top_k":250,"top_p":1,'
                '"stop_sequences":["\\\\n\\\\nHuman:"]}', {"content-type": "application/json"})
    assert_sigv4(sent(ml_vendor), REGION, "bedrock")
    assert_predicted(answer, results([response(completion)]))


CLAUDE3_TEMPLATE = ('{"messages":[{"role":"user","content":[{"type":"text","text":"${parameters.inputs}"}]}],'
                    '"anthropic_version":"${parameters.anthropic_version}","max_tokens":${parameters.max_tokens_to_sample}}')


# docs/remote_inference_blueprints/bedrock_connector_anthropic_claude3_blueprint.md (response_filter)
def test_claude3_messages_response_filter_returns_the_text_as_response(api: Api, ml_vendor: Any) -> None:
    url = f"{RUNTIME}/anthropic.claude-3-sonnet-20240229-v1:0/invoke"
    ml_vendor.post(url, json={"id": "msg_bdrk_01Conformance", "type": "message", "role": "assistant",
                              "model": "claude-3-sonnet-20240229",
                              "content": [{"type": "text", "text": "There is no single answer."}],
                              "stop_reason": "end_turn", "stop_sequence": None,
                              "usage": {"input_tokens": 14, "output_tokens": 9}})
    model_id = deploy(api, bedrock(
        "Amazon Bedrock claude v3",
        {"auth": "Sig_V4", "response_filter": "$.content[0].text", "max_tokens_to_sample": "8000",
         "anthropic_version": "bedrock-2023-05-31", "model": "anthropic.claude-3-sonnet-20240229-v1:0"},
        headers={"content-type": "application/json"}, request_body=CLAUDE3_TEMPLATE))
    answer = predict(api, model_id, {"inputs": "What is the meaning of life?"})
    assert_call(ml_vendor, "POST", url,
                '{"messages":[{"role":"user","content":[{"type":"text","text":"What is the meaning of life?"}]}],'
                '"anthropic_version":"bedrock-2023-05-31","max_tokens":8000}', {})
    assert_sigv4(sent(ml_vendor), REGION, "bedrock")
    # A filtered plain string is wrapped as {"response": ...}.
    assert_predicted(answer, results([response({"response": "There is no single answer."})]))


# docs/remote_inference_blueprints/bedrock_connector_anthropic_claude4_blueprint.md (messages, standard mode)
def test_claude4_messages_pass_through_with_nulls_and_integers_kept(api: Api, ml_vendor: Any) -> None:
    url = f"{RUNTIME}/us.anthropic.claude-sonnet-4-20250514-v1:0/invoke"
    message = {"id": "msg_bdrk_017wv2bnUmKroe7C48MHdu32", "type": "message", "role": "assistant",
               "model": "claude-sonnet-4-20250514",
               "content": [{"type": "text", "text": "Hello! Nice to meet you."}],
               "stop_reason": "end_turn", "stop_sequence": None,
               "usage": {"input_tokens": 9, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
                         "output_tokens": 25}}
    ml_vendor.post(url, json=message)
    model_id = deploy(api, bedrock(
        "Amazon Bedrock claude v4",
        {"max_tokens": 8000, "temperature": 1, "anthropic_version": "bedrock-2023-05-31",
         "model": "us.anthropic.claude-sonnet-4-20250514-v1:0"},
        headers={"content-type": "application/json"},
        request_body='{ "anthropic_version": "${parameters.anthropic_version}", "max_tokens": '
                     '${parameters.max_tokens}, "temperature": ${parameters.temperature}, '
                     '"messages": ${parameters.messages} }'))
    content = [{"type": "text", "text": "hello world"}]
    answer = predict(api, model_id, {"messages": [{"role": "user", "content": content}]})
    # Maps inside request parameters come from XContentParser.map(), a HashMap: "text" hashes before "type".
    assert_call(ml_vendor, "POST", url,
                '{ "anthropic_version": "bedrock-2023-05-31", "max_tokens": 8000, "temperature": 1, '
                '"messages": [{"role":"user","content":[{"text":"hello world","type":"text"}]}] }', {})
    assert_sigv4(sent(ml_vendor), REGION, "bedrock")
    assert_predicted(answer, results([response(message)]))


# docs/remote_inference_blueprints/bedrock_connector_converse_blueprint.md
def test_bedrock_converse_filters_the_output_text(api: Api, ml_vendor: Any) -> None:
    url = f"{RUNTIME}/anthropic.claude-sonnet-4-5-20251101-v1:0/converse"
    ml_vendor.post(url, json={"output": {"message": {"role": "assistant",
                                                     "content": [{"text": "The meaning of life is 42."}]}},
                              "stopReason": "end_turn", "usage": {"inputTokens": 12, "outputTokens": 9,
                                                                  "totalTokens": 21},
                              "metrics": {"latencyMs": 812}})
    model_id = deploy(api, bedrock(
        "Amazon Bedrock Converse",
        {"response_filter": "$.output.message.content[0].text", "model": "anthropic.claude-sonnet-4-5-20251101-v1:0"},
        headers={"content-type": "application/json"}, supports_structured_output=True,
        url="https://bedrock-runtime.${parameters.region}.amazonaws.com/model/${parameters.model}/converse",
        request_body='{"system":[{"text":"${parameters.system_prompt}"}],"messages":[{"role":"user","content":'
                     '[{"type":"text","text":"${parameters.user_prompt}"}]}]}'))
    answer = predict(api, model_id, {"system_prompt": "You are a helpful assistant.",
                                     "user_prompt": 'What is "the meaning" of life?'})
    assert_call(ml_vendor, "POST", url,
                '{"system":[{"text":"You are a helpful assistant."}],"messages":[{"role":"user","content":'
                '[{"type":"text","text":"What is \\"the meaning\\" of life?"}]}]}', {})
    assert_sigv4(sent(ml_vendor), REGION, "bedrock")
    assert_predicted(answer, results([response({"response": "The meaning of life is 42."})]))


NOVA_TEMPLATE = (
    '{\n  "taskType": "SINGLE_EMBEDDING",\n  "singleEmbeddingParams": {\n    "embeddingPurpose": "GENERIC_INDEX",\n'
    '    "embeddingDimension": ${parameters.dimensions},\n    "text": {\n'
    '      "truncationMode": "${parameters.truncationMode:-null}",\n      "value": "${parameters.text:-null}"\n    },\n'
    '    "image": {\n      "detailLevel": "${parameters.detailLevel:-null}",\n'
    '      "format": "${parameters.imageFormat:-null}",\n      "source": {\n'
    '        "bytes": "${parameters.image:-null}"\n      }\n    },\n    "video": {\n'
    '      "format": "${parameters.videoFormat:-null}",\n      "source": {\n'
    '        "bytes": "${parameters.video:-null}"\n      },\n'
    '      "embeddingMode": "${parameters.embeddingMode:-null}"\n    },\n    "audio": {\n'
    '      "format": "${parameters.audioFormat:-null}",\n      "source": {\n'
    '        "bytes": "${parameters.audio:-null}"\n      }\n    }\n  }\n}')


# docs/remote_inference_blueprints/bedrock_connector_nova_multimodal_model_blueprint.md (Option A, unified)
def test_nova_multimodal_one_call_per_doc_with_empty_modalities_removed(api: Api, ml_vendor: Any) -> None:
    url = f"{RUNTIME}/amazon.nova-2-multimodal-embeddings-v1:0/invoke"
    ml_vendor.post(url, json={"embeddings": [{"embeddingType": "TEXT", "embedding": [0.031, -0.0125, 0.5]}]})
    ml_vendor.post(url, json={"embeddings": [{"embeddingType": "IMAGE", "embedding": [0.25, 0.75, -0.125]}]})
    model_id = deploy(api, bedrock(
        "Amazon Bedrock Nova multimodal model",
        {"model": "amazon.nova-2-multimodal-embeddings-v1:0", "input_docs_processed_step_size": 1,
         "dimensions": 1024, "normalize": True, "embeddingTypes": ["float"], "truncationMode": "END",
         "imageFormat": "png", "detailLevel": "STANDARD_IMAGE"},
        request_body=NOVA_TEMPLATE, pre_process_function="connector.pre_process.bedrock.nova.embedding",
        post_process_function="connector.post_process.bedrock.nova.embedding"))
    answer = embed(api, model_id, ["A photo of a café/bistro", '{"image": "iVBORw0KGgo/AAAA+b=="}'])
    assert len(ml_vendor.calls) == 2
    # For this model the payload is re-serialised by Gson without the null modality blocks
    # (ConnectorUtils.cleanPayloadIfNeeded), so the escapes of the template are gone: é and / are raw.
    assert_call(ml_vendor, "POST", url,
                '{"taskType":"SINGLE_EMBEDDING","singleEmbeddingParams":{"embeddingPurpose":"GENERIC_INDEX",'
                '"embeddingDimension":1024,"text":{"truncationMode":"END","value":"A photo of a café/bistro"}}}',
                {}, index=0)
    assert_call(ml_vendor, "POST", url,
                '{"taskType":"SINGLE_EMBEDDING","singleEmbeddingParams":{"embeddingPurpose":"GENERIC_INDEX",'
                '"embeddingDimension":1024,"image":{"detailLevel":"STANDARD_IMAGE","format":"png",'
                '"source":{"bytes":"iVBORw0KGgo/AAAA+b=="}}}}', {}, index=1)
    for call in ml_vendor.calls:
        assert_sigv4(call.request, REGION, "bedrock")
    assert_predicted(answer, results([tensor([0.031, -0.0125, 0.5])], [tensor([0.25, 0.75, -0.125])]))


AI21_POST = """
def first = params['completions'][0];
return first.data.text;
"""


# docs/remote_inference_blueprints/bedrock_connector_ai21labs_jurassic_blueprint.md
def test_ai21_jurassic_post_process_script_returns_the_completion_text(api: Api, ml_vendor: Any) -> None:
    url = f"{RUNTIME}/ai21.j2-mid-v1/invoke"
    text = "\nThe meaning of life is a question that has puzzled philosophers for centuries."
    ml_vendor.post(url, json={"id": 1234, "prompt": {"text": "What is the meaning of life?", "tokens": []},
                              "completions": [{"data": {"text": text, "tokens": []},
                                               "finishReason": {"reason": "endoftext"}}]})
    model_id = deploy(api, bedrock(
        "Amazon Bedrock", {"model": "ai21.j2-mid-v1"}, headers={"content-type": "application/json"},
        request_body='{"prompt":"${parameters.inputs}","maxTokens":200,"temperature":0.7,"topP":1,"stopSequences":[],'
                     '"countPenalty":{"scale":0},"presencePenalty":{"scale":0},"frequencyPenalty":{"scale":0}}',
        post_process_function=AI21_POST))
    answer = predict(api, model_id, {"inputs": "What is the meaning of life?"})
    assert_call(ml_vendor, "POST", url,
                '{"prompt":"What is the meaning of life?","maxTokens":200,"temperature":0.7,"topP":1,'
                '"stopSequences":[],"countPenalty":{"scale":0},"presencePenalty":{"scale":0},'
                '"frequencyPenalty":{"scale":0}}', {})
    assert_sigv4(sent(ml_vendor), REGION, "bedrock")
    # A script result that is not JSON becomes {"response": <string>}.
    assert_predicted(answer, results([response({"response": text})]))


def gpt_oss(credential: dict[str, str]) -> dict[str, Any]:
    return connector(
        "Amazon Bedrock Connector: GPT-OSS-120B", "aws_sigv4",
        {"service_name": "bedrock", "bedrock_model_id": "openai.gpt-oss-120b-1:0"}, credential,
        {"method": "POST", "url": "https://bedrock-runtime.us-west-2.amazonaws.com/openai/v1/chat/completions",
         "headers": {"content-type": "application/json", "x-amz-content-sha256": "required"},
         "request_body": '{ "model": "${parameters.bedrock_model_id}", "messages": ${parameters.messages}, '
                         '"stream": false }'})


# docs/remote_inference_blueprints/bedrock_connector_openai_gpt-oss_blueprint.md (as written: no region)
def test_gpt_oss_blueprint_without_a_region_is_refused(api: Api) -> None:
    status, body = api("POST", "/_plugins/_ml/connectors/_create", gpt_oss(AWS_CREDENTIAL))
    assert (status, body["error"]["type"], body["error"]["reason"]) == (
        400, "illegal_argument_exception", "Missing region")


# docs/remote_inference_blueprints/bedrock_connector_openai_gpt-oss_blueprint.md (region in the credential)
def test_gpt_oss_signs_with_a_region_taken_from_the_credential(api: Api, ml_vendor: Any) -> None:
    url = "https://bedrock-runtime.us-west-2.amazonaws.com/openai/v1/chat/completions"
    chat = {"id": "chatcmpl-24ede40c", "object": "chat.completion", "created": 1754615955,
            "model": "openai.gpt-oss-120b-1:0", "service_tier": "standard",
            "choices": [{"finish_reason": "stop", "index": 0,
                         "message": {"role": "assistant", "content": "Bees flap fast."}}],
            "usage": {"completion_tokens": 4, "prompt_tokens": 16, "total_tokens": 20}}
    ml_vendor.post(url, json=chat)
    model_id = deploy(api, gpt_oss({**AWS_CREDENTIAL, "region": "us-west-2"}))
    answer = predict(api, model_id, {"messages": [{"role": "user", "content": "Explain how bees can fly"}]})
    assert_call(ml_vendor, "POST", url,
                '{ "model": "openai.gpt-oss-120b-1:0", "messages": [{"role":"user","content":"Explain how bees can '
                'fly"}], "stream": false }', {})
    assert_sigv4(sent(ml_vendor), "us-west-2", "bedrock")
    assert_predicted(answer, results([response(chat)]))


RERANK_QUERY = "What is the capital of the United States?"
RERANK_DOCS = ["Carson City is the capital city of the American state of Nevada.",
               "The Commonwealth of the Northern Mariana Islands is a group of islands. Its capital is Saipan.",
               'Washington, D.C. (also known as "D.C.") is the capital of the United States.']


# docs/tutorials/rerank/rerank_pipeline_with_Amazon_Rerank_model_on_Amazon_Bedrock.md (built-in bedrock.rerank)
def test_bedrock_rerank_api_with_built_in_functions(api: Api, ml_vendor: Any) -> None:
    url = "https://bedrock-agent-runtime.us-west-2.amazonaws.com/rerank"
    ml_vendor.post(url, json={"results": [{"index": 2, "relevanceScore": 0.7711548724998493},
                                          {"index": 0, "relevanceScore": 0.0025114635138098534},
                                          {"index": 1, "relevanceScore": 0.5}]})
    model_id = deploy(api, connector(
        "Amazon Bedrock rerank", "aws_sigv4",
        {"service_name": "bedrock", "region": "us-west-2", "model": "amazon.rerank-v1:0"}, AWS_CREDENTIAL,
        {"method": "POST", "url": "https://bedrock-agent-runtime.${parameters.region}.amazonaws.com/rerank",
         "headers": {"content-type": "application/json"},
         "request_body": '{ "queries": ${parameters.queries}, "rerankingConfiguration": { '
                         '"bedrockRerankingConfiguration": { "modelConfiguration": { "modelArn": '
                         '"arn:aws:bedrock:${parameters.region}::foundation-model/${parameters.model}" }, '
                         '"numberOfResults": ${parameters.numberOfResults} }, "type": "BEDROCK_RERANKING_MODEL" }, '
                         '"sources": ${parameters.sources} }',
         "pre_process_function": "connector.pre_process.bedrock.rerank",
         "post_process_function": "connector.post_process.bedrock.rerank"}))
    answer = rerank(api, model_id, RERANK_QUERY, RERANK_DOCS)
    # The key order inside queries/sources comes from Java Map.of, so only the parsed body is compared.
    assert json.loads(sent_text(ml_vendor)) == {
        "queries": [{"textQuery": {"text": RERANK_QUERY}, "type": "TEXT"}],
        "rerankingConfiguration": {"bedrockRerankingConfiguration": {
            "modelConfiguration": {"modelArn": "arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0"},
            "numberOfResults": 3}, "type": "BEDROCK_RERANKING_MODEL"},
        "sources": [{"inlineDocumentSource": {"textDocument": {"text": doc}, "type": "TEXT"}, "type": "INLINE"}
                    for doc in RERANK_DOCS]}
    assert_sigv4(sent(ml_vendor), "us-west-2", "bedrock", signed_headers=SIGNED_BY_BLUEPRINT)
    assert_predicted(answer, results([similarity(0.0025114635138098534), similarity(0.5),
                                      similarity(0.7711548724998493)]))


RERANK_PRE = """
def docs = params.text_docs;
StringBuilder list = new StringBuilder('[');
for (int i = 0; i < docs.length; i++) {
  if (i > 0) {
    list.append(', ');
  }
  list.append('"');
  list.append(docs[i]);
  list.append('"');
}
list.append(']');
return '{"parameters": {"query": "' + params.query_text + '", "documents": ' + list.toString() + '}}';
"""
RERANK_POST = """
def hits = params.results;
if (hits == null || hits.length == 0) {
  throw new IllegalArgumentException('no rerank results');
}
def scores = new Double[hits.length];
for (int i = 0; i < hits.length; i++) {
  int pos = new BigDecimal(hits[i].index.toString()).intValue();
  scores[pos] = hits[i].relevance_score;
}
StringBuilder out = new StringBuilder('[');
for (int i = 0; i < scores.length; i++) {
  if (i > 0) {
    out.append(',');
  }
  out.append('{"name": "similarity", "data_type": "FLOAT32", "shape": [1], "data": [');
  out.append(scores[i]);
  out.append(']}');
}
out.append(']');
return out.toString();
"""


# docs/tutorials/rerank/rerank_pipeline_with_Cohere_Rerank_model_on_Amazon_Bedrock.md (Painless functions)
def test_cohere_rerank_on_bedrock_with_painless_functions(api: Api, ml_vendor: Any) -> None:
    url = "https://bedrock-runtime.us-west-2.amazonaws.com/model/cohere.rerank-v3-5:0/invoke"
    ml_vendor.post(url, json={"id": "b5a1f3e2-rerank", "results": [{"index": 2, "relevance_score": 0.7190094},
                                                                   {"index": 0, "relevance_score": 0.32418242},
                                                                   {"index": 1, "relevance_score": 0.07456104}]})
    model_id = deploy(api, connector(
        "Amazon Bedrock Cohere rerank model", "aws_sigv4",
        {"service_name": "bedrock", "endpoint": "bedrock-runtime", "region": "us-west-2",
         "model_name": "cohere.rerank-v3-5:0", "api_version": 2}, AWS_CREDENTIAL,
        {"method": "POST",
         "url": "https://${parameters.endpoint}.${parameters.region}.amazonaws.com/model/${parameters.model_name}/invoke",
         "headers": {"x-amz-content-sha256": "required", "content-type": "application/json"},
         "request_body": '{ "documents": ${parameters.documents}, "query": "${parameters.query}", '
                         '"api_version": ${parameters.api_version} }',
         "pre_process_function": RERANK_PRE, "post_process_function": RERANK_POST}))
    answer = rerank(api, model_id, 'What is the capital city of "America"?', RERANK_DOCS)
    assert len(ml_vendor.calls) == 1
    assert_call(ml_vendor, "POST", url,
                '{ "documents": ["Carson City is the capital city of the American state of Nevada.",'
                '"The Commonwealth of the Northern Mariana Islands is a group of islands. Its capital is Saipan.",'
                '"Washington, D.C. (also known as \\"D.C.\\") is the capital of the United States."], '
                '"query": "What is the capital city of \\"America\\"?", "api_version": 2 }', {})
    assert_sigv4(sent(ml_vendor), "us-west-2", "bedrock", session_token=SESSION_TOKEN)
    assert_predicted(answer, results([similarity(0.32418242), similarity(0.07456104), similarity(0.7190094)]))
