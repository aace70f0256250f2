"""Cost of building the vendor request for one predict: parameter merge, escaping, template, headers.

Run ``python bench/templates.py [--rounds N]``. For three connector shapes (the OpenAI chat
blueprint, an OpenAI embedding template with ten documents, and a Bedrock SigV4 connector) it
prints the median µs of

* ``payload``: merging connector and request parameters, escaping, and filling ``request_body``;
* ``request``: the whole request build the executor does before sending (payload plus URL,
  trusted-endpoint check, headers, network guard, and SigV4 signing where the connector asks);
* ``predict``: a whole in-process ``_predict`` through ``wsgi_app.handle`` with the vendor answered by
  a ``responses`` mock, for scale.

It only prints figures; nothing here is a pass/fail check.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

try:
    import responses
except ImportError:  # pragma: no cover - responses is a test extra
    sys.exit("bench/templates.py needs the 'responses' package (pip install -e '.[test]')")

from emulator import Emulator
from emulator.connectors import executor
from emulator.connectors.payload import build_payload, runtime_parameters
from emulator.connectors.values import parameter_map
from emulator.vendors.responses_adapter import session_for

CHAT_URL = "https://api.openai.com/v1/chat/completions"
EMBED_URL = "https://api.openai.com/v1/embeddings"
BEDROCK_URL = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2/invoke"

SHAPES: dict[str, dict[str, Any]] = {
    "openai chat": {
        "connector": {
            "name": "chat", "version": 1, "protocol": "http", "parameters": {"model": "gpt-4o-mini"},
            "credential": {"openAI_key": "bench-key"},
            "actions": [{"action_type": "predict", "method": "POST", "url": CHAT_URL,
                         "headers": {"Authorization": "Bearer ${credential.openAI_key}"},
                         "request_body": '{ "model": "${parameters.model}", "messages": ${parameters.messages} }'}],
        },
        "parameters": {"messages": [{"role": "system", "content": "You are a helpful assistant."},
                                    {"role": "user", "content": "Hello! Tell me about OpenSearch / ML Commons."}]},
        "url": CHAT_URL,
        "answer": {"choices": [{"message": {"role": "assistant", "content": "Hi"}}]},
    },
    "openai embedding (10 docs)": {
        "connector": {
            "name": "embed", "version": 1, "protocol": "http", "parameters": {"model": "text-embedding-3-small"},
            "credential": {"openAI_key": "bench-key"},
            "actions": [{"action_type": "predict", "method": "POST", "url": EMBED_URL,
                         "headers": {"Authorization": "Bearer ${credential.openAI_key}"},
                         "request_body": '{ "input": ${parameters.input}, "model": "${parameters.model}" }'}],
        },
        "parameters": {"input": [f"document number {i}: café, naïve résumé" for i in range(10)]},
        "url": EMBED_URL,
        "answer": {"data": [{"embedding": [0.1] * 8}]},
    },
    "bedrock sigv4": {
        "connector": {
            "name": "claude", "version": 1, "protocol": "aws_sigv4",
            "parameters": {"region": "us-east-1", "service_name": "bedrock", "max_tokens_to_sample": 300},
            "credential": {"access_key": "AKIDBENCH", "secret_key": "bench-secret"},
            "actions": [{"action_type": "predict", "method": "POST", "url": BEDROCK_URL,
                         "headers": {"content-type": "application/json", "x-amz-content-sha256": "required"},
                         "request_body": '{"prompt":"${parameters.prompt}", '
                                         '"max_tokens_to_sample":${parameters.max_tokens_to_sample}}'}],
        },
        "parameters": {"prompt": "\n\nHuman: What is a vector database?\n\nAssistant:"},
        "url": BEDROCK_URL,
        "answer": {"completion": " A database of vectors."},
    },
}


def median_us(fn: Callable[[], Any], rounds: int) -> float:
    for _ in range(max(rounds // 10, 5)):
        fn()
    samples = []
    gc.disable()
    try:
        for _ in range(rounds):
            start = time.perf_counter_ns()
            fn()
            samples.append(time.perf_counter_ns() - start)
    finally:
        gc.enable()
    return statistics.median(samples) / 1000


def environ(path: str, body: dict[str, Any]) -> dict[str, Any]:
    raw = json.dumps(body).encode()
    return {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "", "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(raw)), "wsgi.input": io.BytesIO(raw), "SERVER_NAME": "bench",
            "SERVER_PORT": "9200", "wsgi.url_scheme": "http"}


def measure(name: str, shape: dict[str, Any], rounds: int) -> tuple[float, float, float]:
    emu = Emulator()
    vendor = responses.RequestsMock(assert_all_requests_are_fired=False)
    vendor.post(shape["url"], json=shape["answer"])
    emu.session = session_for(vendor)
    client = emu.client()
    connector_id = client.plugins.ml.create_connector(body=shape["connector"])["connector_id"]
    model_id = client.plugins.ml.register_model(
        body={"name": name, "function_name": "remote", "connector_id": connector_id},
        params={"deploy": "true"})["model_id"]
    deployed = emu.backend.models.deployed(model_id)
    assert deployed is not None
    deployment = executor.Deployment(deployed.connector, deployed.headers, deployed.trusted_regexes)
    act = deployment.connector["actions"][0]
    request_parameters = parameter_map(shape["parameters"])
    options = executor.ExecutionOptions()

    def payload() -> Any:
        merged = runtime_parameters(deployment.connector["parameters"], request_parameters)
        return build_payload(act["request_body"], merged)

    def request() -> Any:
        merged = runtime_parameters(deployment.connector["parameters"], request_parameters)
        body = build_payload(act["request_body"], merged)
        return executor.build_request(deployment, act, merged, body, "PREDICT", options)

    path = f"/_plugins/_ml/models/{model_id}/_predict"
    predict_body = {"parameters": shape["parameters"]}

    def predict() -> Any:
        status, _, answer = emu.wsgi_app.handle(environ(path, predict_body))
        assert status == 200, answer

    with vendor:
        return median_us(payload, rounds), median_us(request, rounds), median_us(predict, max(rounds // 4, 50))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    rounds = parser.parse_args().rounds
    print(f"{'connector shape':30} {'payload µs':>11} {'request µs':>11} {'predict µs':>11}")
    for name, shape in SHAPES.items():
        payload, request, predict = measure(name, shape, rounds)
        print(f"{name:30} {payload:11.1f} {request:11.1f} {predict:11.1f}")


if __name__ == "__main__":
    main()
