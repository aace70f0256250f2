"""Runs a predict through a deployed connector: pre-process, request, retries, the call, post-process.

The order of steps and checks follows ``RemoteConnectorExecutor`` and its HTTP and AWS
executors (chunking of text documents, parameter merge, payload checks, throttling,
retries, trusted URL, method, empty body, URI, headers, network guard, signing, send,
then ``MLSdkAsyncHttpResponseHandler``), so that the first error a bad request meets
is the one a real node reports.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from ..errors import OpenSearchError, illegal_argument, ml_exception, status_exception
from . import painless, postprocess, preprocess
from .endpoints import check_network, check_trusted
from .input_headers import resolve_headers
from .mlinput import Dataset, RemoteInput, TextDocsInput
from .payload import add_to_string_parameters, build_payload, clean_payload, escape_request_parameters
from .pools import ConnectionPools
from .retry import check_retry_config, with_retries
from .sigv4 import sign, signing_for
from .templates import substitute

REMOTE_SERVICE_ERROR = "Error from remote service: "
_METHODS = ("POST", "GET", "PUT", "DELETE")
STEP_SIZE = "input_docs_processed_step_size"
# IllegalArgumentException and the subclasses the answer processing can raise: these pass through (3.3+).
ILLEGAL_ARGUMENT_TYPES = frozenset({"illegal_argument_exception", "number_format_exception",
                                    "pattern_syntax_exception"})


@dataclass(frozen=True)
class ExecutionOptions:
    """The node settings and version a call depends on."""

    private_ip_enabled: bool = False
    restricted_ip_patterns: tuple[str, ...] = ()
    trusted_private_endpoints: tuple[str, ...] = ()
    max_json_size: int = 100_000_000
    check_trusted_at_predict: bool = True
    integers_preserved: bool = True
    # 3.7+: a response_filter that finds nothing falls back to the whole response.
    filter_falls_back: bool = True
    # 3.3+: an IllegalArgumentException while reading the answer reaches the client as a 400.
    illegal_argument_passes: bool = True
    # 3.2+: empty bodies are judged after the status (502 / "... with empty body").
    empty_body_after_status: bool = True
    # The model's token bucket (its ``request``), checked once the payload is built.
    acquire: Callable[[], bool] | None = None
    sleep: Callable[[float], None] | None = None
    # The node's HTTP client pools (``max_connection``); None sends without a bound.
    pools: ConnectionPools | None = None
    # The emulated release, for the rules that changed between releases.
    at_least: Callable[[str], bool] = field(default=lambda version: True)


@dataclass(frozen=True)
class RemoteRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    connect_timeout: float
    read_timeout: float
    verify: bool = True


@dataclass(frozen=True)
class Deployment:
    """What a deployed model hands the executor: the connector and its deploy-time headers and regexes."""

    connector: Mapping[str, Any]
    headers: Mapping[str, Mapping[str, str | None]]
    trusted_regexes: list[str]
    model_id: str = ""


def find_action(connector: Mapping[str, Any], action_type: str) -> dict[str, Any]:
    for action in connector.get("actions") or []:
        if str(action.get("action_type", "")).upper() == action_type.upper():
            return action
    raise illegal_argument(f"no {action_type} action found")


def execute(session: requests.Session, deployment: Deployment, dataset: Dataset, action_type: str,
            options: ExecutionOptions) -> dict[str, Any]:
    """``executeAction``: one remote call per chunk of documents (or one call), one ``inference_results`` each.

    The plugin sends the chunks without waiting and collects them in a ``GroupedActionListener``:
    a failure while preparing a chunk ends the request at once, while failed calls are gathered
    and the first one is answered with the later ones attached as suppressed.
    """
    connector = deployment.connector
    if isinstance(dataset, TextDocsInput):
        chunks = _chunks(connector, dataset, action_type, options)
    else:
        chunks = [dataset]
    results: list[dict[str, Any]] = []
    failures: list[OpenSearchError] = []
    for chunk in chunks:
        invoke = _prepare(session, deployment, chunk, action_type, options)
        try:
            results.append(invoke())
        except OpenSearchError as error:
            failures.append(error)
    if failures:
        raise failures[0].with_suppressed(failures[1:]) if len(failures) > 1 else failures[0]
    return {"inference_results": results}


def _chunks(connector: Mapping[str, Any], dataset: TextDocsInput, action_type: str,
            options: ExecutionOptions) -> list[Dataset]:
    """``calculateChunkSize``: the connector's step size, else one call per document for Bedrock and scripts."""
    docs = dataset.docs
    step_text = (connector.get("parameters") or {}).get(STEP_SIZE)
    if step_text is not None:
        step = _java_int(step_text)
        if step <= 0:
            raise illegal_argument(f"Invalid parameter: {STEP_SIZE}. It must be positive integer.")
    else:
        function = find_action(connector, action_type).get("pre_process_function")
        per_doc = function is not None and (function == preprocess.BEDROCK_EMBEDDING
                                            or preprocess.built_in(function, options.at_least) is None)
        step = 1 if per_doc else max(len(docs), 1)
    # Each chunk is a fresh TEXT_EMBEDDING input carrying the request's algorithm parameters.
    return [TextDocsInput(docs[i : i + step], "TEXT_EMBEDDING", dataset.algo_parameters)
            for i in range(0, len(docs), step)]


def _java_int(text: str | None) -> int:
    """``Integer.parseInt``: a NumberFormatException (an IllegalArgumentException) for anything else."""
    if text is not None and re.fullmatch(r"[+-]?\d+", text) and -(2**31) <= int(text) < 2**31:
        return int(text)
    shown = "null" if text is None else f'"{text}"'
    raise OpenSearchError(f"For input string: {shown}" if text is not None else "Cannot parse null string: null",
                          status=400, type="number_format_exception", is_opensearch_exception=False)


def _prepare(session: requests.Session, deployment: Deployment, dataset: Dataset, action_type: str,
             options: ExecutionOptions) -> Callable[[], dict[str, Any]]:
    """``preparePayloadAndInvoke`` for one chunk, up to the (possibly retried) call it returns."""
    connector = deployment.connector
    action = find_action(connector, action_type)
    connector_parameters: Mapping[str, str | None] = connector.get("parameters") or {}
    parameters: dict[str, str | None] = dict(connector_parameters)
    request_parameters: dict[str, str | None] = {}
    if isinstance(dataset, RemoteInput):
        # The plugin escapes the input dataset in place, so a pre-process script sees escaped values.
        request_parameters = escape_request_parameters(dataset.parameters)
        dataset = RemoteInput(request_parameters)
    parameters.update(request_parameters)
    if isinstance(dataset, TextDocsInput) and dataset.algo_parameters is not None and options.at_least("3.3"):
        parameters.update(dataset.algo_parameters)
    processed = preprocess.run(action.get("pre_process_function"), dataset, parameters, connector_parameters,
                               run_script=_pre_script, at_least=options.at_least)
    if processed is not None:
        parameters.update(escape_request_parameters(processed))
    # Request parameters always win over what the pre-process produced.
    parameters.update(request_parameters)
    add_to_string_parameters(parameters)
    payload = build_payload(action.get("request_body"), parameters,
                            structured_output=bool(action.get("supports_structured_output")),
                            ndjson=options.at_least("3.5"))
    if options.acquire is not None and not options.acquire():
        raise status_exception("Request is throttled at model level.", 429)
    client_config = connector.get("client_config") or {}

    def attempt() -> dict[str, Any]:
        request = build_request(deployment, action, parameters, payload, action_type, options)
        if options.pools is None:
            status, body, headers = _send(session, request)
        else:
            with options.pools.connection(deployment.model_id, client_config, pool_timeout_status(options)):
                status, body, headers = _send(session, request)
        return _answer(status, body, headers, action, parameters, action_type, options)

    if int(client_config.get("max_retry_times", 0)) != 0:
        check_retry_config(client_config)
        retry_any = options.at_least("3.8")
        sleep = options.sleep
        return lambda: with_retries(attempt, client_config, retry_status_errors=retry_any,
                                    **({"sleep": sleep} if sleep else {}))
    return attempt


def pool_timeout_status(options: ExecutionOptions) -> int:
    """3.8 answers a pool-acquire timeout with 429; earlier releases with 500."""
    return 429 if options.at_least("3.8") else 500


def _pre_script(source: str, params: dict[str, Any]) -> str | None:
    return painless.compile_script(source).execute(params, number_model=painless.NumberModel.GSON)


def build_request(deployment: Deployment, action: Mapping[str, Any], parameters: Mapping[str, str | None],
                  payload: str | None, action_type: str, options: ExecutionOptions) -> RemoteRequest:
    """``invokeRemoteService`` up to the send: URL, method, body, URI, headers, network guard, signing."""
    connector = deployment.connector
    url = substitute(action["url"], parameters)
    if options.check_trusted_at_predict:
        check_trusted(url, deployment.trusted_regexes)
    method = str(action.get("method", "")).upper()
    # PUT and DELETE came with 3.5.
    if method not in (_METHODS if options.at_least("3.5") else _METHODS[:2]):
        raise illegal_argument("unsupported http method")
    charset = parameters.get("charset") or "UTF-8"
    if options.at_least("3.6"):
        payload = clean_payload(payload, parameters)
    elif options.at_least("3.5"):
        # 3.5 looked at the connector's own model parameter; 3.6 at the runtime one.
        payload = clean_payload(payload, connector.get("parameters") or {})
    body = _encode(payload, charset)
    if method == "POST" and not body and action_type.upper() != "CANCEL_BATCH_PREDICT":
        raise illegal_argument("Content length is 0. Aborting request to remote model")
    _check_uri(url)
    # The plugin resolves credentials once at deploy, from the PREDICT action's headers.
    deploy_headers = deployment.headers.get("PREDICT") or deployment.headers.get(action_type.upper()) or {}
    if options.at_least("3.7"):
        headers = resolve_headers(deploy_headers, parameters, connector.get("protocol"))
    else:
        # Before 3.7 the deploy-time headers were sent as they were: no runtime placeholders, no checks.
        headers = {name: value for name, value in deploy_headers.items() if value is not None}
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = "application/json"
    if not any(name.lower() == "content-length" for name in headers):
        headers["Content-Length"] = str(len(body or b""))
    check_network(url, private_ip_enabled=options.private_ip_enabled,
                  restricted_ip_patterns=options.restricted_ip_patterns,
                  trusted_private_endpoints=options.trusted_private_endpoints)
    if connector.get("protocol") == "aws_sigv4":
        signing = signing_for(connector.get("credential") or {}, connector.get("parameters") or {})
        headers = sign(method, url, headers, body, signing)
    client_config = connector.get("client_config") or {}
    return RemoteRequest(
        method, url, headers, body,
        float(client_config.get("connection_timeout", 30)), float(client_config.get("read_timeout", 30)),
        verify=not client_config.get("skip_ssl_verification", False),
    )


def _encode(payload: str | None, charset: str) -> bytes | None:
    if payload is None:
        return None  # Charset.forName only runs for a payload
    try:
        # Lone surrogates (legal in Java strings) become '?' as String.getBytes does.
        if not codecs.lookup(charset)._is_text_encoding or codecs.lookup(charset).name == "idna":
            raise LookupError(charset)
        return payload.encode(charset, errors="replace") if payload else (b"" if payload == "" else None)
    except (LookupError, UnicodeError):
        # Charset.forName: UnsupportedCharsetException, an IllegalArgumentException.
        raise OpenSearchError(charset, status=400, type="unsupported_charset_exception",
                              is_opensearch_exception=False) from None


_HOST_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?")


def _check_uri(url: str) -> None:
    """``URI.create`` must accept the endpoint and find a host in it."""
    outer = (
        "Encountered error when trying to create uri from endpoint in ml connector. Please update the endpoint in "
        "connection configuration: "
    )
    cause = _uri_problem(url)
    if cause is None:
        return
    error = illegal_argument(outer)
    error.cause = cause
    raise error


def _uri_problem(url: str) -> OpenSearchError | None:
    """What ``java.net.URI`` says of the text (None when it parses and has a server-based host)."""
    for i, ch in enumerate(url):
        if ch in ' "<>\\^`{|}' or ord(ch) < 0x20 or ord(ch) == 0x7F:
            return illegal_argument(f"Illegal character in {_uri_part(url, i)} at index {i}: {url}")
        if ch == "%" and not re.fullmatch(r"[0-9A-Fa-f]{2}", url[i + 1 : i + 3]):
            return illegal_argument(f"Malformed escape pair at index {i}: {url}")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port that is not a number raises here
        host = parts.hostname if parts.scheme else None
    except ValueError:
        host = None
    # A host name a server-based authority cannot hold ("_", a bad port) leaves URI.getHost() null:
    # the registry-based reading the plugin then refuses. IPv6 literals come back without brackets.
    if host and (":" in host or _HOST_NAME.fullmatch(host)):
        return None
    return illegal_argument("Invalid URI. Please check if the endpoint is valid from connector.")


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


def _send(session: requests.Session, request: RemoteRequest) -> tuple[int, str, Mapping[str, str]]:
    try:
        response = session.request(
            request.method, request.url, headers=request.headers, data=request.body,
            timeout=(request.connect_timeout, request.read_timeout), allow_redirects=False, verify=request.verify,
        )
    except requests.RequestException as error:
        raise status_exception(f"Error communicating with remote model: {_describe(error)}", 500) from None
    except Exception as error:  # noqa: BLE001 - anything the HTTP client throws fails the call, as in the plugin
        raise status_exception(f"Error communicating with remote model: {error}", 500) from None
    return response.status_code, response.content.decode("utf-8", errors="replace"), response.headers


def _answer(status: int, body: str, headers: Mapping[str, str], action: Mapping[str, Any],
            parameters: Mapping[str, str | None], action_type: str, options: ExecutionOptions) -> dict[str, Any]:
    """``MLSdkAsyncHttpResponseHandler``: vendor errors, empty bodies, then the post-process."""
    action_name = action_type.upper()
    if not options.empty_body_after_status and not body.strip() and action_name != "CANCEL_BATCH_PREDICT":
        raise status_exception("No response from model", 400)
    if status < 200 or status > 300:
        vendor_status, status = status, _answer_status(status)
        if any(v.startswith("ThrottlingException") for v in _header_values(headers, "x-amzn-ErrorType")):
            raise OpenSearchError(
                REMOTE_SERVICE_ERROR + "The request was denied due to remote server throttling. To change the retry "
                "policy and behavior, please update the connector client_config.",
                status=status, type="remote_connector_throttling_exception",
            )
        if not body.strip():
            error = status_exception(f"Remote service returned error status {vendor_status} with empty body", status)
        else:
            error = status_exception(REMOTE_SERVICE_ERROR + body, status)
        if vendor_status not in KNOWN_STATUSES:
            error.status_known = False  # a null RestStatus is never retried
        raise error
    if not body.strip() and action_name != "CANCEL_BATCH_PREDICT":
        raise status_exception("Remote service returned empty response body", 502)
    function = preprocess.fill_function_parameters(action.get("post_process_function"), parameters)
    output_options = postprocess.OutputOptions(
        max_json_size=options.max_json_size, integers_preserved=options.integers_preserved,
        filter_falls_back=options.filter_falls_back, at_least=options.at_least,
    )
    number_model = painless.NumberModel.JACKSON if options.integers_preserved else painless.NumberModel.GSON

    def post_script(source: str, params: dict[str, Any]) -> str | None:
        return painless.compile_script(source).execute(params, number_model=number_model)

    try:
        tensors = postprocess.process(body, function, parameters, output_options, post_script)
    except OpenSearchError as error:
        if error.type in ILLEGAL_ARGUMENT_TYPES and options.illegal_argument_passes:
            raise
        raise ml_exception("m_l_exception", f"Fail to execute {action_name} in aws connector", cause=error) from None
    entry: dict[str, Any] = {}
    if tensors:
        entry["output"] = tensors
    entry["status_code"] = status
    return entry


# The codes OpenSearch's RestStatus knows; for any other, RestStatus.fromCode is null.
KNOWN_STATUSES = frozenset({
    100, 101, 200, 201, 202, 203, 204, 205, 206, 207, 300, 301, 302, 303, 304, 305, 307, 400, 401, 402, 403, 404, 405,
    406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 423, 424, 429, 500, 501, 502, 503, 504, 505,
    507,
})


def _answer_status(vendor_status: int) -> int:
    """The status the node answers with for a vendor error status.

    A code ``RestStatus`` does not know leaves the exception without a status, which the node
    cannot render (answered 500 here, and not retried); an informational or 304 status cannot
    carry an error body, so those are answered as 500 too.
    """
    if vendor_status not in KNOWN_STATUSES or vendor_status < 200 or vendor_status == 304:
        return 500
    return vendor_status


def _header_values(headers: Mapping[str, str], name: str) -> list[str]:
    value = headers.get(name)
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
