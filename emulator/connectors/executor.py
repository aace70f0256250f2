"""Runs one remote predict: builds the vendor request from a deployed connector and sends it with requests.

The order of checks follows the plugin's per-call order (payload, placeholders,
trusted URL, method, empty body, URI, headers, network guard, send), so that the
first error a bad request meets is the one a real node reports.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from ..errors import OpenSearchError, illegal_argument, status_exception
from .endpoints import check_network, check_trusted
from .input_headers import resolve_headers
from .output import model_tensors, parse_response_body
from .payload import build_payload, runtime_parameters
from .templates import substitute

REMOTE_SERVICE_ERROR = "Error from remote service: "
_METHODS = ("POST", "GET", "PUT", "DELETE")


@dataclass(frozen=True)
class ExecutionOptions:
    """The node settings and version a call depends on."""

    private_ip_enabled: bool = False
    restricted_ip_patterns: tuple[str, ...] = ()
    trusted_private_endpoints: tuple[str, ...] = ()
    max_json_size: int = 100_000_000
    check_trusted_at_predict: bool = True
    integers_preserved: bool = True
    # The model's token bucket (its ``request``), checked once the payload is built.
    acquire: Callable[[], bool] | None = None


@dataclass(frozen=True)
class RemoteRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    connect_timeout: float
    read_timeout: float


def find_action(connector: Mapping[str, Any], action_type: str) -> dict[str, Any]:
    for action in connector.get("actions") or []:
        if str(action.get("action_type", "")).upper() == action_type.upper():
            return action
    raise illegal_argument(f"no {action_type} action found")


def prepare(
    connector: Mapping[str, Any],
    deploy_headers: Mapping[str, str | None],
    trusted_regexes: list[str],
    request_parameters: Mapping[str, str | None],
    action_type: str,
    options: ExecutionOptions,
) -> RemoteRequest:
    action = find_action(connector, action_type)
    parameters = runtime_parameters(connector.get("parameters") or {}, request_parameters)
    payload = build_payload(action.get("request_body"), parameters)
    if options.acquire is not None and not options.acquire():
        raise status_exception("Request is throttled at model level.", 429)
    url = substitute(action["url"], parameters)
    if options.check_trusted_at_predict:
        check_trusted(url, trusted_regexes)
    method = str(action.get("method", "")).upper()
    if method not in _METHODS:
        raise illegal_argument("unsupported http method")
    if method == "POST" and not payload and action_type.upper() != "CANCEL_BATCH_PREDICT":
        raise illegal_argument("Content length is 0. Aborting request to remote model")
    _check_uri(url)
    headers = resolve_headers(deploy_headers, parameters, connector.get("protocol"))
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = "application/json"
    check_network(url, private_ip_enabled=options.private_ip_enabled,
                  restricted_ip_patterns=options.restricted_ip_patterns,
                  trusted_private_endpoints=options.trusted_private_endpoints)
    charset = parameters.get("charset") or "UTF-8"
    try:
        # Lone surrogates (legal in Java strings) become '?' as String.getBytes does.
        if not codecs.lookup(charset)._is_text_encoding or codecs.lookup(charset).name == "idna":
            raise LookupError(charset)
        body = payload.encode(charset, errors="replace") if payload else None
    except (LookupError, UnicodeError):
        # Charset.forName: UnsupportedCharsetException, an IllegalArgumentException.
        raise OpenSearchError(charset, status=400, type="unsupported_charset_exception",
                              is_opensearch_exception=False) from None
    client_config = connector.get("client_config") or {}
    return RemoteRequest(
        method, url, headers, body,
        float(client_config.get("connection_timeout", 30)), float(client_config.get("read_timeout", 30)),
    )


def _check_uri(url: str) -> None:
    """``URI.create`` must accept the endpoint and find a host in it."""
    outer = (
        "Encountered error when trying to create uri from endpoint in ml connector. Please update the endpoint in "
        "connection configuration: "
    )
    bad = next((i for i, ch in enumerate(url) if ch in ' "<>\\^`{|}'), None)
    if bad is not None:
        cause = illegal_argument(f"Illegal character in {_uri_part(url, bad)} at index {bad}: {url}")
    else:
        try:
            parts = urlsplit(url)
        except ValueError:
            parts = None
        if parts is not None and parts.scheme and parts.hostname:
            return
        cause = illegal_argument("Invalid URI. Please check if the endpoint is valid from connector.")
    error = illegal_argument(outer)
    error.cause = cause
    raise error


def _uri_part(url: str, index: int) -> str:
    """Which component ``java.net.URI`` names in its "Illegal character in ..." message."""
    scheme_end = url.find("://")
    if scheme_end < 0 or index < scheme_end:
        return "scheme name" if scheme_end >= 0 else "path"
    rest = url[scheme_end + 3 :]
    authority_end = next((i for i, ch in enumerate(rest) if ch in "/?#"), len(rest)) + scheme_end + 3
    if index < authority_end:
        return "authority"
    query = url.find("?", authority_end)
    if query >= 0 and index > query:
        return "query"
    return "path"


def send(
    session: requests.Session, request: RemoteRequest, action_type: str, options: ExecutionOptions
) -> dict[str, Any]:
    """Send the request and turn the vendor answer into one ``inference_results`` entry."""
    try:
        response = session.request(
            request.method, request.url, headers=request.headers, data=request.body,
            timeout=(request.connect_timeout, request.read_timeout), allow_redirects=False,
        )
    except requests.RequestException as error:
        raise status_exception(f"Error communicating with remote model: {_describe(error)}", 500) from None
    except Exception as error:  # noqa: BLE001 - anything the HTTP client throws fails the call, as in the plugin
        raise status_exception(f"Error communicating with remote model: {error}", 500) from None
    status = response.status_code
    body = response.content.decode("utf-8", errors="replace")
    if status < 200 or status > 300:
        vendor_status, status = status, _answer_status(status)
        if not body.strip():
            raise status_exception(f"Remote service returned error status {vendor_status} with empty body", status)
        if any(v.startswith("ThrottlingException") for v in _header_values(response, "x-amzn-ErrorType")):
            raise OpenSearchError(
                REMOTE_SERVICE_ERROR + "The request was denied due to remote server throttling. To change the retry "
                "policy and behavior, please update the connector client_config.",
                status=status, type="remote_connector_throttling_exception",
            )
        raise status_exception(REMOTE_SERVICE_ERROR + body, status)
    if not body.strip() and action_type.upper() != "CANCEL_BATCH_PREDICT":
        raise status_exception("Remote service returned empty response body", 502)
    data = parse_response_body(
        body, max_json_size=options.max_json_size, integers_preserved=options.integers_preserved
    )
    return model_tensors(data, status)


def _answer_status(vendor_status: int) -> int:
    """The status the node answers with for a vendor error status.

    ``RestStatus.fromCode`` knows no code outside the HTTP range, and an informational or
    304 status cannot carry an error body, so those are answered as 500.
    """
    if vendor_status < 200 or vendor_status == 304 or vendor_status >= 600:
        return 500
    return vendor_status


def _header_values(response: requests.Response, name: str) -> list[str]:
    value = response.headers.get(name)
    return [v.strip() for v in value.split(",")] if value else []


_ERRNO_PREFIX = re.compile(r"^\[Errno -?\d+\]\s*")


def _describe(error: requests.RequestException) -> str:
    """A short cause: the innermost error's own text (the plugin shows its Java client's wording instead)."""
    if isinstance(error, requests.ConnectTimeout):
        return "connection timed out"
    if isinstance(error, requests.ReadTimeout):
        return "Read timed out"
    cause: BaseException = error
    while True:
        inner = cause.__cause__ or cause.__context__ or (cause.args[0] if cause.args and
                                                        isinstance(cause.args[0], BaseException) else None)
        if inner is None or inner is cause:
            break
        cause = inner
    reason = getattr(cause, "reason", None)
    text = str(reason if isinstance(reason, BaseException) else cause)
    text = text.rsplit(": ", 1)[-1] if "Max retries exceeded" in text or "Failed to establish" in text else text
    return _ERRNO_PREFIX.sub("", text) or type(error).__name__


def predict(
    session: requests.Session,
    connector: Mapping[str, Any],
    deploy_headers: Mapping[str, Mapping[str, str | None]],
    trusted_regexes: list[str],
    request_parameters: Mapping[str, str | None],
    action_type: str,
    options: ExecutionOptions,
) -> dict[str, Any]:
    """One remote call for remote-parameter input: ``{"inference_results": [...]}``."""
    # The plugin resolves credentials once at deploy, from the PREDICT action's headers.
    headers = deploy_headers.get("PREDICT") or deploy_headers.get(action_type.upper()) or {}
    request = prepare(connector, headers, trusted_regexes, request_parameters, action_type, options)
    return {"inference_results": [send(session, request, action_type, options)]}
