"""The WSGI application: parse, route, call the handler, render — and the envelope for every failure."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from ..domain.backend import MLBackend
from ..errors import OpenSearchError, RawHttpError, illegal_argument
from . import render
from .request import ApiRequest, from_environ
from .routes import GLOBAL_PARAMS, ROUTES, MethodNotAllowed, Route, Router

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
        try:
            request = from_environ(environ)
            route = self._route(request)
            self._check_params(request, route)
            status, body = route.handler(self._backend(), request)
        except RawHttpError as error:
            status, body = error.status, error.body
            if status == 405:
                extra_headers.append(("Allow", error.body.pop("_allow", "")))
        except OpenSearchError as error:
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
            pretty = request is not None and request.params.get("pretty") in ("", "true")
            payload = render.to_json(body, pretty=pretty)
        headers.append(("content-length", str(len(payload))))
        if environ.get("REQUEST_METHOD", "").upper() == "HEAD":
            payload = b""
        return status, headers, payload

    def _route(self, request: ApiRequest) -> Route:
        try:
            found = self._router.match(request.method, request.path)
        except MethodNotAllowed as error:
            allowed = [m for m in error.allowed if m != "HEAD"]
            raise RawHttpError(405, {
                "error": f"Incorrect HTTP method for uri [{request.raw_uri}] and method [{request.method}], "
                f"allowed: [{', '.join(allowed)}]",
                "status": 405,
                "_allow": ",".join(allowed),
            }) from None
        if found is None:
            raise RawHttpError(400, {
                "error": f"no handler found for uri [{request.raw_uri}] and method [{request.method}]"
            }) from None
        route, request.path_params = found
        return route

    @staticmethod
    def _check_params(request: ApiRequest, route: Route) -> None:
        unknown = [p for p in request.params if p not in GLOBAL_PARAMS and p not in route.params]
        if not unknown:
            return
        if len(unknown) == 1:
            raise illegal_argument(f"request [{request.path}] contains unrecognized parameter: [{unknown[0]}]")
        names = ", ".join(f"[{p}]" for p in unknown)
        raise illegal_argument(f"request [{request.path}] contains unrecognized parameters: {names}")


_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


def _reason(status: int) -> str:
    return _REASONS.get(status, "Unknown")
