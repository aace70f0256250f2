"""Property tests: whatever a vendor answers and whatever filter or function a connector names, predict answers
with an OpenSearch error envelope or a predict body, never an internal error."""

from __future__ import annotations

import json
from typing import Any

import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator import Emulator
from emulator.connectors import postprocess, preprocess
from emulator.vendors.responses_adapter import session_for
from tests.builders import action, connector

URL = "https://api.openai.com/v1/x"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["data", "embedding", "embeddings", "results", "index", "relevance_score", "relevanceScore",
                         "float", "jobArn", "inference_results", "output", "x"]), inner, max_size=4),
    max_leaves=20)
bodies = st.one_of(json_values.map(json.dumps), st.text(max_size=30))
post_functions = st.sampled_from([None, *postprocess.BUILT_INS])
pre_functions = st.sampled_from([None, *preprocess.BUILT_INS])
filters = st.one_of(st.none(), st.sampled_from(["$", "$.data[*].embedding", "$..x", "$.results[0]", "$[?(@.x)]",
                                                "$.a.b", "$[", "", "$.*"]), st.text(max_size=10))


class Node:
    """One emulator whose vendor answer each example replaces."""

    def __init__(self) -> None:
        self.emu = Emulator()
        self.vendor = responses.RequestsMock(assert_all_requests_are_fired=False)
        self.emu.session = session_for(self.vendor)
        self.client = self.emu.client()

    def call(self, method: str, path: str, body: Any = None, **params: str) -> tuple[int, Any]:
        try:
            return 200, self.client.transport.perform_request(method, path, body=body, params=params or None)
        except Exception as failure:  # noqa: BLE001 - opensearch-py raises TransportError subclasses
            return int(failure.status_code), failure.info  # type: ignore[attr-defined]


NODE = Node()


def assert_answered(status: int, answer: Any) -> None:
    assert isinstance(answer, dict), answer
    if status == 200:
        assert "inference_results" in answer, answer
    else:
        assert answer["error"]["reason"] != "internal error in the ML Commons emulator", answer
        assert answer["status"] == status


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies, pre=pre_functions, post=post_functions, response_filter=filters, docs=st.booleans(),
       status=st.sampled_from([200, 200, 200, 400, 429, 500]))
def test_any_vendor_answer_gets_an_opensearch_answer(body: str, pre: str | None, post: str | None,
                                                     response_filter: str | None, docs: bool, status: int) -> None:
    NODE.emu.reset()
    NODE.vendor.reset()
    NODE.vendor.post(URL, body=body, status=status, content_type="application/json")
    act = action(url=URL, request_body='{"input": ${parameters.input:-null}}')
    if pre:
        act["pre_process_function"] = pre
    if post:
        act["post_process_function"] = post
    parameters = {"endpoint": "api.openai.com", "skip_validating_missing_parameters": "true"}
    if response_filter is not None:
        parameters["response_filter"] = response_filter
    status_code, created = NODE.call("POST", "/_plugins/_ml/connectors/_create",
                                     connector(parameters=parameters, actions=[act]))
    assert status_code == 200, created
    status_code, model = NODE.call("POST", "/_plugins/_ml/models/_register",
                                   {"name": "m", "function_name": "remote", "connector_id": created["connector_id"]},
                                   deploy="true")
    assert status_code == 200, model
    if docs:
        answer = NODE.call("POST", f"/_plugins/_ml/_predict/text_embedding/{model['model_id']}",
                           {"text_docs": ["a", "b"]})
    else:
        answer = NODE.call("POST", f"/_plugins/_ml/models/{model['model_id']}/_predict",
                           {"parameters": {"input": ["x"]}})
    assert_answered(*answer)


def test_deeply_nested_json_text_is_refused_not_crashed() -> None:
    deep = "[" * 3000 + "]" * 3000
    NODE.emu.reset()
    NODE.vendor.reset()
    NODE.vendor.post(URL, body=deep, content_type="application/json")
    for post in (None, "connector.post_process.default.embedding", "return '' + params.result.length;"):
        act = action(url=URL, request_body='{"input": "${parameters.input}"}')
        if post:
            act["post_process_function"] = post
        _, created = NODE.call("POST", "/_plugins/_ml/connectors/_create",
                               connector(parameters={"endpoint": "api.openai.com"}, actions=[act]))
        _, model = NODE.call("POST", "/_plugins/_ml/models/_register",
                             {"name": "m", "function_name": "remote", "connector_id": created["connector_id"]},
                             deploy="true")
        for value in ("x", deep):
            status, answer = NODE.call("POST", f"/_plugins/_ml/models/{model['model_id']}/_predict",
                                       {"parameters": {"input": value}})
            assert status == 400, answer
            assert "nesting depth" in answer["error"]["reason"], answer
