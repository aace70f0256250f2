"""The shipped vendor cassettes: every family has its five, every file round-trips, and each one drives predict.

Each family's connector has the shape of its ml-commons blueprint; the tests replay the
family's cassettes through the emulator's own session and check the predict answer: the
built-in (or blueprint) output for the success cassette, the OpenSearch error envelope for
the vendor's 401/429/500 answers, and what the engine makes of a 200 whose body is not JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from opensearchpy import TransportError

from emulator import Emulator
from emulator.vendors.cassette import load
from emulator.vendors.replay import SHIPPED_FIXTURES, VendorReplay
from tests.vendor_cases import (
    AWS_CREDENTIAL,
    FAIL_IN_CONNECTOR,
    assert_predicted,
    connector,
    error,
    response,
    results,
    similarity,
    tensor,
)

Api = Callable[..., tuple[int, Any]]
ERROR_KINDS = ("401", "429", "500")
THROTTLED = ("Error from remote service: The request was denied due to remote server throttling. To change the "
             "retry policy and behavior, please update the connector client_config.")
TRUST_ALL = {"plugins.ml_commons.trusted_connector_endpoints_regex": [".*"]}
OLLAMA_SETTINGS = {**TRUST_ALL, "plugins.ml_commons.connector.private_ip_enabled": True,
                   "plugins.ml_commons.trusted_connector_private_endpoints_regex": ["^http://127\\.0\\.0\\.1:11434/.*$"]}


def shipped(name: str) -> Any:
    """The JSON body of a shipped cassette's (only) response."""
    return load(SHIPPED_FIXTURES / f"{name}.json").interactions[0].response.json_body


def shipped_text(name: str) -> str:
    """The exact bytes of a shipped cassette's response body, as text."""
    return load(SHIPPED_FIXTURES / f"{name}.json").interactions[0].response.body_bytes().decode("utf-8")


# -- how each family is called -------------------------------------------------------------------------------------


def predict_with(parameters: dict[str, Any]) -> Callable[[Api, str], tuple[int, Any]]:
    return lambda api, model_id: api("POST", f"/_plugins/_ml/models/{model_id}/_predict", {"parameters": parameters})


def embed_docs(*docs: str) -> Callable[[Api, str], tuple[int, Any]]:
    return lambda api, model_id: api("POST", f"/_plugins/_ml/_predict/text_embedding/{model_id}",
                                     {"text_docs": list(docs)})


def rerank_docs(query: str, *docs: str) -> Callable[[Api, str], tuple[int, Any]]:
    return lambda api, model_id: api("POST", f"/_plugins/_ml/_predict/text_similarity/{model_id}",
                                     {"query_text": query, "text_docs": list(docs)})


@dataclass(frozen=True)
class Family:
    """One vendor operation: its cassettes' base name, the blueprint connector, the call and the expected answers."""

    cassette: str
    connector: dict[str, Any]
    call: Callable[[Api, str], tuple[int, Any]]
    expected: Callable[[], dict[str, Any]]
    # The status each error cassette carries (AWS answers a bad credential with 403, or 400 for JSON 1.1 services).
    statuses: tuple[int, int, int] = (401, 429, 500)
    throttled: bool = False  # the 429 cassette carries x-amzn-ErrorType: ThrottlingException
    malformed: str = "invalid_json"  # or "built_in": a built-in post-process reads the body
    settings: dict[str, Any] = field(default_factory=dict)


# -- connectors in the blueprints' shapes ---------------------------------------------------------------------------

JSON_CT = {"content-type": "application/json"}
SIGNED_JSON = {"content-type": "application/json", "x-amz-content-sha256": "required"}


def http(name: str, url: str, body: str, parameters: dict[str, Any], credential: dict[str, str],
         headers: dict[str, str], **action: Any) -> dict[str, Any]:
    return connector(name, "http", parameters, credential,
                     {"method": "POST", "url": url, "headers": headers, "request_body": body, **action})


def aws(name: str, url: str, body: str, parameters: dict[str, Any], headers: dict[str, str] | None = None,
        credential: dict[str, str] | None = None, **action: Any) -> dict[str, Any]:
    return connector(name, "aws_sigv4", parameters, credential or AWS_CREDENTIAL,
                     {"method": "POST", "url": url, "headers": headers or SIGNED_JSON, "request_body": body,
                      **action})


def bedrock(name: str, model: str, body: str, **extra: Any) -> dict[str, Any]:
    parameters = {"region": "us-east-1", "service_name": "bedrock", "model": model, **extra.pop("parameters", {})}
    url = extra.pop("url", "https://bedrock-runtime.${parameters.region}.amazonaws.com/model/${parameters.model}/invoke")
    return aws(name, url, body, parameters, **extra)


OPENAI = {"openAI_key": "fake-openai-key"}
BEARER_OPENAI = {"Authorization": "Bearer ${credential.openAI_key}"}
COHERE = {"cohere_key": "fake-cohere-key"}
COHERE_HEADERS = {"Authorization": "Bearer ${credential.cohere_key}", "Request-Source": "unspecified:opensearch"}
CHAT_BODY = '{ "model": "${parameters.model}", "messages": ${parameters.messages} }'
MESSAGES = [{"role": "user", "content": "Hello!"}]
AZURE_URL = ("https://${parameters.endpoint}/openai/deployments/${parameters.deploy-name}/{}"
             "?api-version=${parameters.api-version}")
AZURE_PARAMETERS = {"endpoint": "contoso.openai.azure.com/", "api-version": "2024-02-01", "temperature": 0.7}
AWS_BUILT_IN = {"statuses": (403, 429, 500), "throttled": True, "malformed": "built_in"}
AWS_RAW = {"statuses": (403, 429, 500), "throttled": True}
SAGEMAKER_STATUSES = {"statuses": (403, 400, 500), "throttled": True}
SAGEMAKER_URL = "https://runtime.sagemaker.${parameters.region}.amazonaws.com/endpoints/{}/invocations"

# Painless in the shape of the SageMaker cross-encoder tutorial: one pair per document, one score per pair.
CROSS_ENCODER_PRE = """
StringBuilder pairs = new StringBuilder('[');
for (int i = 0; i < params.text_docs.length; i++) {
  if (i > 0) { pairs.append(','); }
  pairs.append('{"text": "' + params.query_text + '", "text_pair": "' + params.text_docs[i] + '"}');
}
return '{"parameters": {"inputs": ' + pairs.append(']').toString() + '}}';
"""
CROSS_ENCODER_POST = """
StringBuilder out = new StringBuilder('[');
for (int i = 0; i < params.result.length; i++) {
  if (i > 0) { out.append(','); }
  out.append('{"name": "similarity", "data_type": "FLOAT32", "shape": [1], "data": [' + params.result[i].score + ']}');
}
return out.append(']').toString();
"""
# The Aleph Alpha blueprint's post-process shape: the embedding as one tensor.
ALEPH_POST = """
def v = params.embedding;
return '{"name": "sentence_embedding", "data_type": "FLOAT32", "shape": [' + v.length + '], "data": ' + v + '}';
"""
AI21_POST = "return params.completions[0].data.text;"
NOVA_BODY = ('{"taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": {"embeddingPurpose": "GENERIC_INDEX", '
             '"embeddingDimension": ${parameters.dimensions}, "text": {"truncationMode": "END", '
             '"value": "${parameters.text:-null}"}}}')
RERANK_QUERY = "What is the capital of the United States?"
RERANK_DOCS = ("Carson City is the capital city of Nevada.", "Saipan is the capital of the Northern Mariana Islands.",
               "Washington, D.C. is the capital of the United States.")


def raw(name: str) -> Callable[[], dict[str, Any]]:
    """The default tensor: the whole vendor JSON as dataAsMap."""
    return lambda: results([response(shipped(name))])


FAMILIES = [
    Family("openai/chat-completions", http(
        "OpenAI Chat", "https://${parameters.endpoint}/v1/chat/completions", CHAT_BODY,
        {"endpoint": "api.openai.com", "model": "gpt-4o-mini"}, OPENAI, BEARER_OPENAI, supports_structured_output=True),
        predict_with({"messages": MESSAGES}), raw("openai/chat-completions")),
    Family("openai/completions", http(
        "OpenAI completion", "https://${parameters.endpoint}/v1/completions",
        '{ "model": "${parameters.model}", "prompt": "${parameters.prompt}", "max_tokens": ${parameters.max_tokens}, '
        '"temperature": ${parameters.temperature} }',
        {"endpoint": "api.openai.com", "model": "gpt-3.5-turbo-instruct", "max_tokens": 7, "temperature": 0},
        OPENAI, BEARER_OPENAI), predict_with({"prompt": "Say this is a test"}), raw("openai/completions")),
    Family("openai/embeddings", http(
        "OpenAI embedding", "https://api.openai.com/v1/embeddings",
        '{ "input": ${parameters.input}, "model": "${parameters.model}" }', {"model": "text-embedding-3-small"},
        OPENAI, BEARER_OPENAI, pre_process_function="connector.pre_process.openai.embedding",
        post_process_function="connector.post_process.openai.embedding"),
        embed_docs("The food was delicious and the waiter was friendly."),
        lambda: results([tensor([0.0023064255, -0.009327292, -0.0028842222, 0.012456738])]), malformed="built_in"),
    Family("azure-openai/chat-completions", http(
        "Azure OpenAI chat", AZURE_URL.replace("{}", "chat/completions"),
        '{ "messages": ${parameters.messages}, "temperature": ${parameters.temperature} }',
        {**AZURE_PARAMETERS, "deploy-name": "gpt-4-prod"}, OPENAI, {"api-key": "${credential.openAI_key}"},
        supports_structured_output=True),
        predict_with({"messages": MESSAGES}), raw("azure-openai/chat-completions"), settings=TRUST_ALL),
    Family("azure-openai/embeddings", http(
        "Azure OpenAI embedding", AZURE_URL.replace("{}", "embeddings"), '{ "input": ${parameters.input}}',
        {**AZURE_PARAMETERS, "deploy-name": "ada-prod"}, OPENAI, {"api-key": "${credential.openAI_key}"},
        pre_process_function="connector.pre_process.openai.embedding",
        post_process_function="connector.post_process.openai.embedding"),
        embed_docs("first passage", "second passage"),
        lambda: results([tensor([0.0023064255, -0.009327292, 0.015797347, -0.0077780345]),
                         tensor([-0.0069292834, 0.012456738, 0.5, -1.0])]), malformed="built_in", settings=TRUST_ALL),
    Family("cohere/embed-v1", http(
        "Cohere Embed Model", "https://api.cohere.ai/v1/embed",
        '{ "texts": ${parameters.texts}, "truncate": "${parameters.truncate}", "model": "${parameters.model}", '
        '"input_type": "${parameters.input_type}" }',
        {"model": "embed-english-v3.0", "input_type": "search_document", "truncate": "END"}, COHERE, COHERE_HEADERS,
        pre_process_function="connector.pre_process.cohere.embedding",
        post_process_function="connector.post_process.cohere.embedding"),
        embed_docs("hello", "goodbye"),
        lambda: results([tensor([0.016296387, -0.008354187, -0.04675293, 0.0234375]),
                         tensor([-0.0024547577, 0.0062217712, -0.01675415, 0.5])]), malformed="built_in"),
    Family("cohere/embed-v2", http(
        "Cohere Embed v2", "https://api.cohere.ai/v2/embed",
        '{ "texts": ${parameters.texts}, "truncate": "END", "model": "${parameters.model_name}", '
        '"embedding_types": ["float"], "input_type": "${parameters.input_type}"}',
        {"model_name": "embed-english-v3.0", "input_type": "search_query"}, COHERE, COHERE_HEADERS,
        pre_process_function="connector.pre_process.cohere.embedding",
        post_process_function="connector.post_process.cohere_v2.embedding.float"),
        embed_docs("hello", "goodbye"),
        lambda: results([tensor([0.016296387, -0.008354187, -0.04675293, 0.0234375]),
                         tensor([-0.0024547577, 0.0062217712, -0.01675415, 0.5])]), malformed="built_in"),
    Family("cohere/chat-v1", http(
        "Cohere Chat Model", "https://api.cohere.ai/v1/chat",
        '{ "message": "${parameters.message}", "model": "${parameters.model}" }', {"model": "command-r"}, COHERE,
        COHERE_HEADERS), predict_with({"message": "What is OpenSearch?"}), raw("cohere/chat-v1")),
    Family("cohere/chat-v2", http(
        "Cohere Chat v2", "https://api.cohere.com/v2/chat",
        '{ "model": "${parameters.model}", "stream": false, "messages": ${parameters.messages} }',
        {"model": "command-r-plus"}, COHERE, COHERE_HEADERS, supports_structured_output=True),
        predict_with({"messages": [{"role": "user", "content": "What is OpenSearch?"}]}), raw("cohere/chat-v2"),
        settings=TRUST_ALL),
    Family("cohere/rerank", http(
        "cohere-rerank", "https://api.cohere.ai/v1/rerank",
        '{ "documents": ${parameters.documents}, "query": "${parameters.query}", "model": "${parameters.model}", '
        '"top_n": ${parameters.top_n} }', {"model": "rerank-english-v3.0"}, COHERE,
        {"Authorization": "Bearer ${credential.cohere_key}"},
        pre_process_function="connector.pre_process.cohere.rerank",
        post_process_function="connector.post_process.cohere.rerank"),
        rerank_docs(RERANK_QUERY, *RERANK_DOCS),
        lambda: results([similarity(0.10194652), similarity(0.0721122), similarity(0.98005307)]),
        malformed="built_in"),
    Family("bedrock/titan-embed-text-v1", bedrock(
        "Amazon Bedrock Connector: embedding", "amazon.titan-embed-text-v1",
        '{ "inputText": "${parameters.inputText}" }',
        pre_process_function="connector.pre_process.bedrock.embedding",
        post_process_function="connector.post_process.bedrock.embedding"),
        embed_docs("What is the meaning of life?"),
        lambda: results([tensor([0.41992188, -0.7265625, -0.080078125, 0.25])]), **AWS_BUILT_IN),
    Family("bedrock/titan-embed-text-v2", bedrock(
        "Amazon Bedrock Connector: embedding v2", "amazon.titan-embed-text-v2:0",
        '{ "inputText": "${parameters.inputText}", "dimensions": ${parameters.dimensions}, '
        '"normalize": ${parameters.normalize}, "embeddingTypes": ${parameters.embeddingTypes} }',
        parameters={"dimensions": 256, "normalize": True, "embeddingTypes": ["float"]},
        pre_process_function="connector.pre_process.bedrock.embedding",
        post_process_function="connector.post_process.bedrock_v2.embedding.float"),
        embed_docs("What is the meaning of life?"),
        lambda: results([tensor([-0.041385926, 0.08503958, 0.0026220535, -0.5])]), **AWS_BUILT_IN),
    Family("bedrock/titan-embed-image-v1", bedrock(
        "Amazon Bedrock Connector: multi-modal embedding", "amazon.titan-embed-image-v1",
        '{"inputText": "${parameters.inputText:-null}", "inputImage": "${parameters.inputImage:-null}"}',
        parameters={"input_docs_processed_step_size": 2},
        pre_process_function="connector.pre_process.bedrock.multimodal_embedding",
        post_process_function="connector.post_process.bedrock.embedding"),
        embed_docs("a red bicycle"), lambda: results([tensor([0.018, -0.0024, 0.031, 0.0125])]), **AWS_BUILT_IN),
    Family("bedrock/cohere-embed", bedrock(
        "Amazon Bedrock Connector: Cohere embed-english-v3", "cohere.embed-english-v3",
        '{ "texts": ${parameters.texts}, "truncate": "${parameters.truncate}", '
        '"input_type": "${parameters.input_type}" }', parameters={"truncate": "END", "input_type": "search_document"},
        pre_process_function="connector.pre_process.cohere.embedding",
        post_process_function="connector.post_process.cohere.embedding"),
        embed_docs("Hello world", "This is a test"),
        lambda: results([tensor([-0.029205322, -0.02357483, 0.0131073, 0.5]),
                         tensor([-0.05987549, 0.5, -0.0075531006, 0.046142578])]), **AWS_BUILT_IN),
    Family("bedrock/claude-completion", bedrock(
        "Amazon Bedrock: Claude v2", "anthropic.claude-v2",
        '{"prompt":"\\n\\nHuman: ${parameters.inputs}\\n\\nAssistant:","max_tokens_to_sample":300,'
        '"temperature":0.5,"top_k":250,"top_p":1,"stop_sequences":["\\\\n\\\\nHuman:"]}', headers=JSON_CT),
        predict_with({"inputs": "What is the meaning of life?"}), raw("bedrock/claude-completion"), **AWS_RAW),
    Family("bedrock/claude-messages", bedrock(
        "Amazon Bedrock: Claude 3", "anthropic.claude-3-sonnet-20240229-v1:0",
        '{"messages":[{"role":"user","content":[{"type":"text","text":"${parameters.inputs}"}]}],'
        '"anthropic_version":"${parameters.anthropic_version}","max_tokens":${parameters.max_tokens_to_sample}}',
        parameters={"auth": "Sig_V4", "response_filter": "$.content[0].text", "max_tokens_to_sample": "8000",
                    "anthropic_version": "bedrock-2023-05-31"}, headers=JSON_CT),
        predict_with({"inputs": "What is the meaning of life?"}),
        lambda: results([response({"response": "There is no single answer."})]), **AWS_RAW),
    Family("bedrock/converse", bedrock(
        "Amazon Bedrock Converse", "anthropic.claude-3-haiku-20240307-v1:0",
        '{"system":[{"text":"${parameters.system_prompt}"}],"messages":[{"role":"user","content":'
        '[{"text":"${parameters.user_prompt}"}]}]}', parameters={"response_filter": "$.output.message.content[0].text"},
        url="https://bedrock-runtime.${parameters.region}.amazonaws.com/model/${parameters.model}/converse",
        headers=JSON_CT, supports_structured_output=True),
        predict_with({"system_prompt": "You are a helpful assistant.", "user_prompt": "What is the meaning of life?"}),
        lambda: results([response({"response": "The meaning of life is 42."})]), **AWS_RAW),
    Family("bedrock/nova-multimodal-embeddings", bedrock(
        "Amazon Bedrock Nova multimodal model", "amazon.nova-2-multimodal-embeddings-v1:0", NOVA_BODY,
        parameters={"input_docs_processed_step_size": 1, "dimensions": 1024},
        pre_process_function="connector.pre_process.bedrock.nova.embedding",
        post_process_function="connector.post_process.bedrock.nova.embedding"),
        embed_docs("A photo of a bistro"), lambda: results([tensor([0.031, -0.0125, 0.5, 0.0078125])]),
        **AWS_BUILT_IN),
    Family("bedrock/ai21-complete", bedrock(
        "Amazon Bedrock: AI21 Jurassic", "ai21.j2-mid-v1",
        '{"prompt":"${parameters.inputs}","maxTokens":200,"temperature":0.7,"topP":1,"stopSequences":[],'
        '"countPenalty":{"scale":0},"presencePenalty":{"scale":0},"frequencyPenalty":{"scale":0}}', headers=JSON_CT,
        post_process_function=AI21_POST),
        predict_with({"inputs": "What is the meaning of life?"}),
        lambda: results([response({"response": "\nA question philosophers have asked for centuries."})]), **AWS_RAW),
    Family("bedrock/gpt-oss-chat-completions", aws(
        "Amazon Bedrock Connector: GPT-OSS-120B", "https://bedrock-runtime.us-west-2.amazonaws.com/openai/v1/chat/completions",
        '{ "model": "${parameters.bedrock_model_id}", "messages": ${parameters.messages}, "stream": false }',
        {"service_name": "bedrock", "bedrock_model_id": "openai.gpt-oss-120b-1:0"},
        credential={**AWS_CREDENTIAL, "region": "us-west-2"}),
        predict_with({"messages": [{"role": "user", "content": "Explain how bees can fly"}]}),
        raw("bedrock/gpt-oss-chat-completions"), **AWS_RAW),
    Family("bedrock/rerank", aws(
        "Amazon Bedrock rerank", "https://bedrock-agent-runtime.${parameters.region}.amazonaws.com/rerank",
        '{ "queries": ${parameters.queries}, "rerankingConfiguration": { "bedrockRerankingConfiguration": { '
        '"modelConfiguration": { "modelArn": "arn:aws:bedrock:${parameters.region}::foundation-model/'
        '${parameters.model}" }, "numberOfResults": ${parameters.numberOfResults} }, '
        '"type": "BEDROCK_RERANKING_MODEL" }, "sources": ${parameters.sources} }',
        {"service_name": "bedrock", "region": "us-west-2", "model": "amazon.rerank-v1:0"}, headers=JSON_CT,
        pre_process_function="connector.pre_process.bedrock.rerank",
        post_process_function="connector.post_process.bedrock.rerank"),
        rerank_docs(RERANK_QUERY, *RERANK_DOCS),
        lambda: results([similarity(0.0025114635138098534), similarity(0.5), similarity(0.7711548724998493)]),
        **AWS_BUILT_IN),
    Family("sagemaker/embedding", aws(
        "SageMaker embedding model", SAGEMAKER_URL.replace("{}", "all-minilm-l6"), "${parameters.input}",
        {"region": "us-west-2", "service_name": "sagemaker"}, headers=JSON_CT,
        pre_process_function="connector.pre_process.default.embedding",
        post_process_function="connector.post_process.default.embedding"),
        embed_docs("hello world", "how are you"),
        lambda: results([tensor([-0.048237994, -0.07612697, 0.05725372, 0.020264894]),
                         tensor([0.32621247, 0.02328475, -0.0060405, 0.10483468])]),
        malformed="built_in", **SAGEMAKER_STATUSES),
    Family("sagemaker/rerank", aws(
        "SageMaker cross-encoder", SAGEMAKER_URL.replace("{}", "cross-encoder"), '{ "inputs": ${parameters.inputs} }',
        {"region": "us-west-2", "service_name": "sagemaker"}, headers=JSON_CT,
        pre_process_function=CROSS_ENCODER_PRE, post_process_function=CROSS_ENCODER_POST),
        rerank_docs("I like you", "I hate you", "I love you"),
        lambda: results([similarity(0.054197136), similarity(0.9860853)]), **SAGEMAKER_STATUSES),
    Family("comprehend/detect-entities", aws(
        "Amazon Comprehend", "https://${parameters.service_name}.${parameters.region}.amazonaws.com",
        '{ "Text": "${parameters.Text}", "LanguageCode": "${parameters.LanguageCode}"}',
        {"service_name": "comprehend", "region": "us-east-1", "api_version": "20171127", "api_name": "DetectEntities",
         "api": "Comprehend_${parameters.api_version}.${parameters.api_name}", "response_filter": "$"},
        headers={"X-Amz-Target": "${parameters.api}", "content-type": "application/x-amz-json-1.1"}),
        predict_with({"Text": "Bob ordered two sandwiches in Seattle.", "LanguageCode": "en"}),
        raw("comprehend/detect-entities"), statuses=(400, 400, 500), throttled=True),
    Family("textract/detect-document-text", aws(
        "Amazon textract connector: detect document texts",
        "https://${parameters.service_name}.${parameters.region}.amazonaws.com",
        '{  "Document": { "Bytes": "${parameters.bytes}" }  } ',
        {"region": "us-east-1", "service_name": "textract", "api_name": "DetectDocumentText",
         "api": "Textract.${parameters.api_name}"},
        headers={"content-type": "application/x-amz-json-1.1", "X-Amz-Target": "${parameters.api}"}),
        predict_with({"bytes": "iVBORw0KGgoAAAANSUhEUg=="}), raw("textract/detect-document-text"),
        statuses=(400, 400, 500)),
    Family("deepseek/chat-completions", http(
        "DeepSeek Chat", "https://${parameters.endpoint}/v1/chat/completions", CHAT_BODY,
        {"endpoint": "api.deepseek.com", "model": "deepseek-chat"}, {"deepSeek_key": "fake-deepseek-key"},
        {"Content-Type": "application/json", "Authorization": "Bearer ${credential.deepSeek_key}"},
        supports_structured_output=True),
        predict_with({"messages": MESSAGES}), raw("deepseek/chat-completions")),
    Family("gemini/generate-content", http(
        "Google Gemini Chat", "https://generativelanguage.googleapis.com/v1beta/models/${parameters.model}:generateContent",
        '{ "contents": ${parameters.contents} }', {"model": "gemini-2.0-flash"}, {"gemini_key": "fake-gemini-key"},
        {"Content-Type": "application/json", "x-goog-api-key": "${credential.gemini_key}"},
        supports_structured_output=True),
        predict_with({"contents": [{"role": "user", "parts": [{"text": "What is OpenSearch?"}]}]}),
        raw("gemini/generate-content"), statuses=(400, 429, 500)),
    Family("vertex-ai/embeddings", http(
        "VertexAI Connector", "https://us-central1-aiplatform.googleapis.com/v1/projects/${parameters.project}/"
        "locations/us-central1/publishers/google/models/${parameters.model_id}:predict",
        '{"instances": [{ "content": "${parameters.prompt}"}]}',
        {"project": "my-project-123", "model_id": "text-embedding-004"}, {"vertexAI_token": "fake-vertex-token"},
        {"Authorization": "Bearer ${credential.vertexAI_token}"}),
        predict_with({"prompt": "Hello World from vertex AI!"}), raw("vertex-ai/embeddings"), settings=TRUST_ALL),
    Family("ollama/chat-completions", http(
        "Local LLM", "http://${parameters.endpoint}/v1/chat/completions", CHAT_BODY,
        {"endpoint": "127.0.0.1:11434", "model": "qwen3:4b"}, {"openAI_key": "unused"}, BEARER_OPENAI,
        supports_structured_output=True),
        predict_with({"messages": [{"role": "user", "content": "Why is the sky blue?"}]}),
        raw("ollama/chat-completions"), settings=OLLAMA_SETTINGS),
    Family("aleph-alpha/semantic-embed", http(
        "Aleph Alpha Connector: luminous-base", "https://${parameters.endpoint}/semantic_embed",
        '{ "model": "luminous-base", "prompt": "${parameters.input}", "representation": '
        '"${parameters.representation}", "normalize": ${parameters.normalize}}',
        {"endpoint": "api.aleph-alpha.com", "representation": "document", "normalize": True},
        {"AlephAlpha_API_Token": "fake-aleph-token"},
        {"Content-Type": "application/json", "Accept": "application/json",
         "Authorization": "Bearer ${credential.AlephAlpha_API_Token}"}, post_process_function=ALEPH_POST),
        predict_with({"input": "An apple a day"}),
        lambda: results([tensor([-0.012756348, 0.001159668, 0.0025634766, 0.04296875])]), settings=TRUST_ALL),
    Family("yandex-cloud/text-embedding", http(
        "YC Connector: embedding", "https://llm.api.cloud.yandex.net/foundationModels/v1/textEmbedding",
        '{ "text": "${parameters.inputText}", "modelUri": "${parameters.modelUri}" }',
        {"modelUri": "emb://b1gexample/text-search-doc/latest", "folder_id": "b1gexample"},
        {"api_key": "fake-yandex-key"},
        {"Authorization": "Api-Key ${credential.api_key}", "x-folder-id": "${parameters.folder_id}"},
        pre_process_function="connector.pre_process.bedrock.embedding",
        post_process_function="connector.post_process.bedrock.embedding"),
        embed_docs("What is the meaning of life?"),
        lambda: results([tensor([0.06268310546875, -0.04071044921875, 0.0078125, -0.125])]), malformed="built_in",
        settings=TRUST_ALL),
]
BY_NAME = {family.cassette: family for family in FAMILIES}


# -- replay ---------------------------------------------------------------------------------------------------------


class ReplayNode:
    """An emulator whose vendor calls are answered by one shipped cassette."""

    def __init__(self, cassette: str, settings: dict[str, Any]) -> None:
        self.replay = VendorReplay()
        self.replay.use_named([cassette])
        self.emu = Emulator()
        self.emu.session = self.replay.session()
        self.client = self.emu.client()
        if settings:
            status, body = self.api("PUT", "/_cluster/settings", {"persistent": settings})
            assert status == 200, body

    def api(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        try:
            return 200, self.client.transport.perform_request(method, path, body=body)
        except TransportError as failure:
            return int(failure.status_code), failure.info

    def deploy(self, body: dict[str, Any]) -> str:
        status, created = self.api("POST", "/_plugins/_ml/connectors/_create", body)
        assert status == 200, created
        status, registered = self.api("POST", "/_plugins/_ml/models/_register", {
            "name": "shipped fixture model", "function_name": "remote", "connector_id": created["connector_id"]})
        assert status == 200, registered
        status, deployed = self.api("POST", f"/_plugins/_ml/models/{registered['model_id']}/_deploy")
        assert status == 200, deployed
        return str(registered["model_id"])


def replayed(family: Family, cassette: str) -> tuple[int, Any, ReplayNode]:
    node = ReplayNode(cassette, family.settings)
    status, body = family.call(node.api, node.deploy(family.connector))
    assert not node.replay.missed, node.replay.missed
    assert {served.cassette for served in node.replay.served} == {cassette}
    return status, body, node


IDS = [family.cassette for family in FAMILIES]


# -- the files ------------------------------------------------------------------------------------------------------


def test_every_family_ships_its_success_and_four_error_cassettes() -> None:
    expected = {f"{family.cassette}{suffix}" for family in FAMILIES
                for suffix in ("", "-401", "-429", "-500", "-malformed")}
    present = {p.relative_to(SHIPPED_FIXTURES).with_suffix("").as_posix() for p in SHIPPED_FIXTURES.rglob("*.json")}
    assert expected - present == set()
    assert present - expected == set()


@pytest.mark.parametrize("path", sorted(SHIPPED_FIXTURES.rglob("*.json")),
                         ids=lambda p: p.relative_to(SHIPPED_FIXTURES).as_posix())
def test_every_shipped_file_loads_and_round_trips_byte_for_byte(path: Path) -> None:
    cassette = load(path)
    assert cassette.dumps() == path.read_text(encoding="utf-8")
    assert cassette.name == path.relative_to(SHIPPED_FIXTURES).with_suffix("").as_posix()
    assert cassette.provenance["kind"] == "authored"
    assert {"source", "api_version", "date"} <= set(cassette.provenance)
    assert cassette.match.any_body is True
    assert len(cassette.interactions) == 1


@pytest.mark.parametrize("family", FAMILIES, ids=IDS)
def test_error_cassettes_repeat_the_success_request(family: Family) -> None:
    success = load(SHIPPED_FIXTURES / f"{family.cassette}.json").interactions[0].request
    for suffix in ("-401", "-429", "-500", "-malformed"):
        assert load(SHIPPED_FIXTURES / f"{family.cassette}{suffix}.json").interactions[0].request == success, suffix


# -- what each cassette makes predict answer ------------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES, ids=IDS)
def test_success_cassette_gives_the_blueprints_predict_answer(family: Family) -> None:
    status, body, _ = replayed(family, family.cassette)
    assert_predicted((status, body), family.expected())


@pytest.mark.parametrize("kind", ERROR_KINDS)
@pytest.mark.parametrize("family", FAMILIES, ids=IDS)
def test_error_cassette_is_reported_with_the_vendor_status_and_body(family: Family, kind: str) -> None:
    cassette = f"{family.cassette}-{kind}"
    vendor_status = family.statuses[ERROR_KINDS.index(kind)]
    status, body, _ = replayed(family, cassette)
    if kind == "429" and family.throttled:
        # x-amzn-ErrorType ThrottlingException: RemoteConnectorThrottlingException, the vendor body is not reported.
        assert (status, body) == (vendor_status, error("remote_connector_throttling_exception", THROTTLED,
                                                       vendor_status))
    else:
        reason = "Error from remote service: " + shipped_text(cassette)
        assert (status, body) == (vendor_status, error("status_exception", reason, vendor_status))


HTML_REASON = ("Invalid JSON format: Unexpected character ('<' (code 60)): expected a valid value (JSON String, "
               "Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: REDACTED "
               "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]")


@pytest.mark.parametrize("family", FAMILIES, ids=IDS)
def test_malformed_cassette_is_a_bad_json_answer(family: Family) -> None:
    cassette = f"{family.cassette}-malformed"
    text = shipped_text(cassette)
    html = text.startswith("<html>")
    status, body, _ = replayed(family, cassette)
    if family.malformed == "built_in":
        # A built-in post-process reads the raw body with JsonPath (json-smart): permissive mode takes an HTML page
        # for a string (so the path misses), a truncated object fails to parse; both fail the connector.
        assert (status, body["error"]["root_cause"], body["error"]["type"], body["error"]["reason"]) == (
            500, [{"type": "m_l_exception", "reason": FAIL_IN_CONNECTOR}], "m_l_exception", FAIL_IN_CONNECTOR)
        cause = body["error"]["caused_by"]["type"]
        assert cause == ("path_not_found_exception" if html else "invalid_json_exception")
    elif html:
        assert (status, body) == (400, error("illegal_argument_exception", HTML_REASON, 400))
    else:
        # Truncated JSON: the reason's wording is the JSON parser's (checked by the engine's own tests).
        assert (status, body["error"]["type"]) == (400, "illegal_argument_exception")
        assert body["error"]["reason"].startswith("Invalid JSON format: ")
        assert "\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: " \
            in body["error"]["reason"]
