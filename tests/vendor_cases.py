"""Shared steps of the vendor-family conformance tests: deploy a blueprint-shaped model, predict, inspect the call.

Expected values in those tests come from the ML Commons plugin's source; these helpers
only drive the emulator and compare. ``assert_same`` compares number types and key order
too, because the plugin keeps integers integral (3.5+) and writes fields in a fixed order.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.conftest import Api

M = "/_plugins/_ml/models"
ML = "plugins.ml_commons."

# Fake AWS credentials in the shape AWS issues them; nothing here is a real secret.
ACCESS_KEY = "AKIDEXAMPLE7VENDOR"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//session+token=="
AWS_CREDENTIAL = {"access_key": ACCESS_KEY, "secret_key": SECRET_KEY, "session_token": SESSION_TOKEN}

# The order in which ModelTensor.toXContent writes a tensor's fields.
TENSOR_KEYS = ("name", "data_type", "shape", "data", "byte_buffer", "result", "dataAsMap")
FAIL_IN_CONNECTOR = "Fail to execute PREDICT in aws connector"


# -- set up -------------------------------------------------------------------------------------------------------


def trust(api: Api, *regexes: str) -> None:
    """Replace ``trusted_connector_endpoints_regex``, as blueprints for untrusted hosts tell users to."""
    settings(api, trusted_connector_endpoints_regex=list(regexes))


def settings(api: Api, **values: Any) -> None:
    status, body = api("PUT", "/_cluster/settings", {"persistent": {ML + k: v for k, v in values.items()}})
    assert status == 200, body


def connector(name: str, protocol: str, parameters: dict[str, Any], credential: dict[str, str],
              action: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A connector with one predict action, in the blueprints' shape."""
    return {"name": name, "description": f"{name} (conformance test)", "version": 1, "protocol": protocol,
            "parameters": parameters, "credential": credential, "actions": [{"action_type": "predict", **action}],
            **extra}


def deploy(api: Api, body: dict[str, Any], **model: Any) -> str:
    """Create the connector, register a remote model on it and deploy it; returns the model id."""
    status, created = api("POST", "/_plugins/_ml/connectors/_create", body)
    assert status == 200, f"connector create failed: {created}"
    return _register_and_deploy(api, {"connector_id": created["connector_id"], **model})


def deploy_inline(api: Api, body: dict[str, Any], **model: Any) -> str:
    """Register a remote model whose connector is inline (``"connector": {...}``) and deploy it."""
    return _register_and_deploy(api, {"connector": body, **model})


def _register_and_deploy(api: Api, fields: dict[str, Any]) -> str:
    status, registered = api("POST", f"{M}/_register", {"name": "conformance model", "function_name": "remote",
                                                        "description": "vendor family test", **fields})
    assert status == 200, f"model register failed: {registered}"
    model_id = registered["model_id"]
    status, deployed = api("POST", f"{M}/{model_id}/_deploy")
    assert status == 200, f"model deploy failed: {deployed}"
    return model_id


# -- predict ------------------------------------------------------------------------------------------------------


def predict(api: Api, model_id: str, parameters: dict[str, Any]) -> tuple[int, Any]:
    """``POST /_plugins/_ml/models/{id}/_predict`` with remote-inference parameters."""
    return api("POST", f"{M}/{model_id}/_predict", {"parameters": parameters})


def embed(api: Api, model_id: str, docs: list[str | None]) -> tuple[int, Any]:
    """``POST /_plugins/_ml/_predict/text_embedding/{id}`` with ``text_docs``, as neural search calls it."""
    return api("POST", f"/_plugins/_ml/_predict/text_embedding/{model_id}", {"text_docs": docs})


def rerank(api: Api, model_id: str, query: str, docs: list[str]) -> tuple[int, Any]:
    """``POST /_plugins/_ml/_predict/text_similarity/{id}``, as the rerank processor calls it."""
    return api("POST", f"/_plugins/_ml/_predict/text_similarity/{model_id}", {"query_text": query, "text_docs": docs})


# -- what the vendor received ---------------------------------------------------------------------------------------


def sent(vendor: Any, index: int = -1) -> Any:
    """The ``requests.PreparedRequest`` the emulator sent (the last one by default)."""
    assert vendor.calls, "the emulator made no vendor call"
    return vendor.calls[index].request


def sent_text(vendor: Any, index: int = -1) -> str:
    body = sent(vendor, index).body
    assert body is not None, "the vendor call had no body"
    return body.decode("utf-8") if isinstance(body, bytes) else body


def assert_call(vendor: Any, method: str, url: str, body: str, headers: dict[str, str], index: int = -1) -> None:
    """Method, URL, the exact body text and the headers that matter of one vendor call."""
    request = sent(vendor, index)
    assert (request.method, request.url) == (method, url), f"sent {request.method} {request.url}"
    text = sent_text(vendor, index)
    assert text == body, f"sent body:\n{text}\nexpected:\n{body}"
    for name, value in headers.items():
        assert request.headers.get(name) == value, f"header {name}: {request.headers.get(name)!r} != {value!r}"


# -- expected answers -------------------------------------------------------------------------------------------


def tensor(data: list[Any], data_type: str = "FLOAT32", name: str = "sentence_embedding") -> dict[str, Any]:
    """A tensor as the built-in post-process functions build it."""
    return {"name": name, "data_type": data_type, "shape": [len(data)], "data": data}


def similarity(score: float) -> dict[str, Any]:
    """One rerank score tensor (built-in rerank functions and the rerank tutorials' scripts)."""
    return {"name": "similarity", "data_type": "FLOAT32", "shape": [1], "data": [score]}


def response(data_as_map: dict[str, Any]) -> dict[str, Any]:
    """The default tensor: the (filtered) vendor JSON as ``dataAsMap``."""
    return {"name": "response", "dataAsMap": data_as_map}


def results(*outputs: list[dict[str, Any]], status: int = 200) -> dict[str, Any]:
    """``{"inference_results": [...]}``: one entry (one vendor call) per tensor list."""
    return {"inference_results": [{"output": tensors, "status_code": status} if tensors else {"status_code": status}
                                  for tensors in outputs]}


def error(type_: str, reason: str, status: int, **details: Any) -> dict[str, Any]:
    """The OpenSearch error envelope; ``details`` (caused_by, suppressed...) go on the top-level error only."""
    return {"error": {"root_cause": [{"type": type_, "reason": reason}], "type": type_, "reason": reason, **details},
            "status": status}


# -- comparisons ------------------------------------------------------------------------------------------------


def typed(value: Any) -> Any:
    """``value`` with every number tagged by its JSON type and every object as an ordered list of pairs."""
    if isinstance(value, dict):
        return ["{}", [(key, typed(item)) for key, item in value.items()]]
    if isinstance(value, list):
        return ["[]", [typed(item) for item in value]]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return [type(value).__name__, value]


def assert_same(actual: Any, expected: Any) -> None:
    """Equal JSON, and also equal number types (``28`` is not ``28.0``) and key order."""
    assert actual == expected, f"got:\n{dumps_compact(actual)}\nexpected:\n{dumps_compact(expected)}"
    assert typed(actual) == typed(expected), (
        f"same values, but number types or key order differ:\n{typed(actual)}\n{typed(expected)}")


def assert_predicted(answer: tuple[int, Any], expected: dict[str, Any]) -> None:
    """A 200 predict answer equal to ``expected``, tensors in the plugin's field order."""
    status, body = answer
    assert status == 200, f"predict answered {status}: {body}"
    assert_same(body, expected)
    for entry in body["inference_results"]:
        assert [key for key in ("output", "status_code") if key in entry] == list(entry), f"entry keys {list(entry)}"
        for item in entry.get("output", []):
            keys = list(item)
            assert keys == [key for key in TENSOR_KEYS if key in item], f"tensor field order {keys}"


# -- AWS Signature Version 4 ------------------------------------------------------------------------------------

_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request, "
    r"SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<signature>[0-9a-f]{64})"
)


def assert_sigv4(request: Any, region: str, service: str, *, session_token: str | None = SESSION_TOKEN,
                 secret_key: str = SECRET_KEY, signed_headers: str | None = None) -> None:
    """The request carries a valid SigV4 header signature for ``region``/``service`` (checked by botocore).

    The plugin signs with the AWS SDK v2 signer, which always sets ``x-amz-content-sha256``
    (the payload's SHA-256, or ``UNSIGNED-PAYLOAD`` for HTTPS in newer SDKs) over whatever
    the blueprint put there (``required``), and signs every header it sends.
    """
    headers = request.headers
    match = _AUTHORIZATION.fullmatch(headers.get("Authorization", ""))
    assert match, f"not a SigV4 Authorization header: {headers.get('Authorization')!r}"
    scope = (match["key"], match["region"], match["service"])
    assert scope == (ACCESS_KEY, region, service), f"credential scope {scope}"
    amz_date = headers.get("X-Amz-Date", "")
    assert re.fullmatch(r"\d{8}T\d{6}Z", amz_date), f"X-Amz-Date {amz_date!r}"
    assert match["date"] == amz_date[:8], f"scope date {match['date']} vs X-Amz-Date {amz_date}"
    token = headers.get("X-Amz-Security-Token")
    assert token == session_token, f"X-Amz-Security-Token {token!r}"
    body = request.body or b""
    body = body.encode("utf-8") if isinstance(body, str) else body
    content_hash = headers.get("x-amz-content-sha256")
    expected_hashes = (hashlib.sha256(body).hexdigest(), "UNSIGNED-PAYLOAD")
    assert content_hash in expected_hashes, f"x-amz-content-sha256 {content_hash!r}"
    if signed_headers is not None:
        assert match["signed"] == signed_headers, f"SignedHeaders={match['signed']}"
    names = match["signed"].split(";")
    assert {"host", "x-amz-date", "x-amz-content-sha256"} <= set(names), f"SignedHeaders={match['signed']}"
    assert ("x-amz-security-token" in names) == (session_token is not None), f"SignedHeaders={match['signed']}"
    # Re-sign the captured request at its own timestamp and compare; Host may be left to the HTTP client.
    missing = [name for name in names if name not in headers and name != "host"]
    assert not missing, f"signed headers that were not sent: {missing}"
    resigned = AWSRequest(method=request.method, url=request.url, data=body,
                          headers={name: headers[name] for name in names if name in headers})
    resigned.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(ACCESS_KEY, secret_key, session_token), service, region)
    canonical = signer.canonical_request(resigned)
    assert signer.signed_headers(signer.headers_to_sign(resigned)) == match["signed"], "signed header set differs"
    assert signer.signature(signer.string_to_sign(resigned, canonical), resigned) == match["signature"], (
        f"signature does not verify; canonical request was:\n{canonical}")


def dumps_compact(value: Any) -> str:
    """JSON the way XContent writes it: no spaces, non-ASCII kept."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
