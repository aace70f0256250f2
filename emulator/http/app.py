"""The WSGI application: parse, route, call the handler, render — and the envelope for every failure."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from ..domain.backend import MLBackend
from ..domain.security import Unauthorized
from ..errors import LocatedError, OpenSearchError, PlainTextError, RawHttpError, illegal_argument
from . import render
from .locate import find_path, line_and_column
from .request import ApiRequest, from_environ
from .routes import FLAG_PARAMS, GLOBAL_PARAMS, ROUTES, MethodNotAllowed, Route, Router

log = logging.getLogger("emulator")

class EmulatorApp:
    """A WSGI callable serving one :class:`MLBackend`."""

    def __init__(self, backend_provider: Callable[[], MLBackend]) -> None:
        self._backend = backend_provider
        self._router = Router(ROUTES)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        status, headers, body = self.handle(environ)
        start_response(f"{status} {_reason(status)}", headers)
        return [body]

    def handle(self, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        """Serve one request; returns (status, headers, body bytes)."""
        request: ApiRequest | None = None
        extra_headers: list[tuple[str, str]] = []
        route: Route | None = None
        try:
            request = from_environ(environ)
            backend = self._backend()
            if backend.security.enabled:
                request.user = _authenticate(backend, request)
            check_flag_params(request)
            if request.method == "OPTIONS":
                allowed = self._router.allowed_methods(request.path)
                headers = [("content-type", "text/plain; charset=UTF-8"), ("content-length", "0")]
                return 200, headers + ([("Allow", ",".join(allowed))] if allowed else []), b""
            route = self._route(request, backend.security.enabled)
            if request.user is not None and route.action is not None:
                backend.security.authorize(request.user, route.action)
            check_content_type(request)
            self._check_params(request, route)
            backend.expire_idle_models()
            status, body = route.handler(backend, request)
        except PlainTextError as error:
            payload = b"" if environ.get("REQUEST_METHOD", "").upper() == "HEAD" else error.text.encode()
            return error.status, [("content-type", "text/plain; charset=UTF-8"), *error.headers,
                                  ("content-length", str(len(error.text.encode())))], payload
        except RawHttpError as error:
            status, body = error.status, error.body
            if status == 405:
                extra_headers.append(("Allow", error.body.pop("_allow", "")))
        except OpenSearchError as error:
            if isinstance(error, LocatedError) and request is not None:
                _locate(error, request)
            status, body = render.error_body(error)
        except Exception:  # noqa: BLE001 - an unhandled error is a bug; answer like OpenSearch, log the trace
            log.exception("unhandled error serving %s", environ.get("PATH_INFO"))
            status, body = 500, {
                "error": {
                    "root_cause": [{"type": "exception", "reason": "internal error in the ML Commons emulator"}],
                    "type": "exception",
                    "reason": "internal error in the ML Commons emulator",
                },
                "status": 500,
            }
        headers = [("content-type", render.JSON_TYPE)] + extra_headers
        if body is None:
            payload = b""
        else:
            if request is not None and "filter_path" in request.params and 200 <= status < 300:
                body = render.filter_path(body, request.params["filter_path"])
            if request is not None and "pretty" in request.params:
                pretty = request.params["pretty"] in ("", "true")
            else:
                pretty = route is not None and route.pretty_by_default and 200 <= status < 300
            payload = render.to_json(body, pretty=pretty)
        headers.append(("content-length", str(len(payload))))
        if environ.get("REQUEST_METHOD", "").upper() == "HEAD":
            payload = b""
        return status, headers, payload

    def _route(self, request: ApiRequest, security_on: bool) -> Route:
        try:
            found = self._router.match(request.method, request.path)
            if found is not None and found[0].security_api and not security_on:
                found = None  # without the Security plugin its paths do not exist
        except MethodNotAllowed as error:
            allowed = [m for m in error.allowed if m != "HEAD"]
            raise RawHttpError(405, {
                "error": f"Incorrect HTTP method for uri [{request.raw_uri}] and method [{request.method}], "
                f"allowed: [{', '.join(allowed)}]",
                "status": 405,
                "_allow": ",".join(allowed),
            }) from None
        if found is None:
            # OpenSearch names the decoded path here, without the query string.
            raise RawHttpError(400, {
                "error": f"no handler found for uri [{request.path}] and method [{request.method}]"
            }) from None
        route, request.path_params = found
        return route

    @staticmethod
    def _check_params(request: ApiRequest, route: Route) -> None:
        unknown = [p for p in request.params if p not in GLOBAL_PARAMS and p not in route.params]
        if unknown:
            raise illegal_argument(unrecognized_message(request.path, unknown, route.params | GLOBAL_PARAMS))


_SUPPORTED_MEDIA_TYPES = {"application/json", "application/x-ndjson", "application/smile", "application/yaml",
                          "application/cbor", "application/vnd.opensearch+json", "application/vnd.opensearch+smile",
                          "application/vnd.opensearch+yaml", "application/vnd.opensearch+cbor"}


def check_content_type(request: ApiRequest) -> None:
    """What ``RestController.dispatchRequest`` checks once a handler is found."""
    header = request.header("Content-Type")
    if header is not None:
        media_type = header.split(";")[0].strip().lower()
        if media_type.count("/") != 1 or not all(media_type.split("/")):
            cause = OpenSearchError(f"invalid Content-Type header [{header}]", status=400,
                                    type="illegal_argument_exception", is_opensearch_exception=False)
            raise OpenSearchError(f"java.lang.IllegalArgumentException: invalid Content-Type header [{header}]",
                                  status=400, type="content_type_header_exception", cause=cause)
    if not request.raw_body:
        return
    if header is None or header.split(";")[0].strip().lower() not in _SUPPORTED_MEDIA_TYPES:
        raise RawHttpError(406, {"error": f"Content-Type header [{header or ''}] is not supported", "status": 406})


def _authenticate(backend: MLBackend, request: ApiRequest) -> Any:
    """HTTP basic authentication, as the Security plugin's REST filter does before anything else."""
    try:
        return backend.security.authenticate(request.header("Authorization"))
    except Unauthorized:
        raise PlainTextError(401, "Unauthorized",
                             [("WWW-Authenticate", 'Basic realm="OpenSearch Security"')]) from None


def _locate(error: LocatedError, request: ApiRequest) -> None:
    """Fill in where the offending value sits in the request body."""
    root = request.json()
    path = [] if error.container is None else find_path(root, error.container)
    if path is None:
        return
    if error.container is not None:
        path.append(error.key)
    line, column = line_and_column(request.body_text(), path)
    error.locate(line, column)


def check_flag_params(request: ApiRequest) -> None:
    """``pretty``, ``human`` and ``error_trace`` are parsed as booleans before anything else."""
    for name in FLAG_PARAMS:
        value = request.params.get(name)
        if value is not None and value not in ("", "true", "false"):
            raise illegal_argument(f"Failed to parse value [{value}] as only [true] or [false] are allowed.")
    response_format = request.params.get("format", "json").lower()
    if response_format not in ("", "json"):
        raise illegal_argument(
            f"format [{response_format}] is not supported by the ML Commons emulator: it answers JSON"
        )


def unrecognized_message(path: str, invalid: list[str], candidates: frozenset[str]) -> str:
    """``BaseRestHandler.unrecognized``: the message, with "did you mean" suggestions by edit distance."""
    parts = []
    for name in sorted(invalid):
        scored = [(_similarity(name, c), c) for c in candidates]
        keys = [c for score, c in sorted((s for s in scored if s[0] > 0.5), key=lambda s: (-s[0], s[1]))]
        text = f"[{name}]"
        if keys:
            text += " -> did you mean " + (f"[{keys[0]}]" if len(keys) == 1 else f"any of [{', '.join(keys)}]") + "?"
        parts.append(text)
    plural = "s" if len(invalid) > 1 else ""
    return f"request [{path}] contains unrecognized parameter{plural}: " + ", ".join(parts)


def _similarity(a: str, b: str) -> float:
    """Lucene ``LevenshteinDistance.getDistance``: 1 - edits / longer length."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    longest = max(len(a), len(b))
    return 1.0 - previous[-1] / longest if longest else 1.0


_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


def _reason(status: int) -> str:
    return _REASONS.get(status, "Unknown")
