"""Network replay: the same cassettes served over HTTP, for clients that cannot be patched (a real node).

Point a connector at the stub with :func:`rewrite_connector` (the vendor's scheme and
host become the stub's, the path and query stay), give the node :func:`node_settings`
(the stub must be a trusted endpoint, and a private address must be allowed), and the
stub answers from the cassettes, matching on method, path and body. A request no cassette
holds is answered 404 with the miss explained in the body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

from ..http.server import ServerHandle
from .matching import LiveRequest
from .recorder import VendorRecorder
from .replay import CassetteMiss, VendorReplay

_REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
            403: "Forbidden", 404: "Not Found", 408: "Request Timeout", 409: "Conflict", 413: "Payload Too Large",
            422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error",
            502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


class StubApp:
    """A WSGI app answering every request from a :class:`VendorReplay`."""

    def __init__(self, replay: VendorReplay) -> None:
        self.replay = replay

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = _request_body(environ)
        host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
        url = f"http://{host}{_target(environ)}"
        live = LiveRequest(environ.get("REQUEST_METHOD", "GET").upper(), url, body)
        try:
            _, interaction = self.replay.answer(live, ignore_host=True)
        except CassetteMiss as miss:
            payload = json.dumps({"error": {"type": "cassette_miss", "message": str(miss)}}).encode()
            return _respond(start_response, 404, [("Content-Type", "application/json")], payload)
        recorded = interaction.response
        return _respond(start_response, recorded.status, recorded.headers.items(), recorded.body_bytes())


def _request_body(environ: dict[str, Any]) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        return environ["wsgi.input"].read(length)
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return environ["wsgi.input"].read()
    return b""


def _target(environ: dict[str, Any]) -> str:
    """Path and query as the client sent them (PATH_INFO is percent-decoded; recordings are not)."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if raw and raw.startswith("/"):
        return raw
    if raw and "://" in raw:  # an absolute-form request target (a client talking to a proxy)
        parts = raw.split("/", 3)
        return "/" + (parts[3] if len(parts) > 3 else "")
    query = environ.get("QUERY_STRING", "")
    return environ.get("PATH_INFO", "/") + (f"?{query}" if query else "")


def _respond(start_response: Any, status: int, headers: Iterable[tuple[str, str]], content: bytes) -> list[bytes]:
    kept = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP]
    kept.append(("Content-Length", str(len(content))))
    start_response(f"{status} {_REASONS.get(status, 'Status')}", kept)
    return [content]


class RecordingStubApp:
    """A recording proxy: each request goes to ``upstream`` (same path and query) and is recorded, scrubbed."""

    _DROPPED = {"host", "content-length", "connection", "accept-encoding"}

    def __init__(self, recorder: VendorRecorder, upstream: str) -> None:
        self.recorder = recorder
        self.upstream = upstream.rstrip("/")
        self.session = recorder.session()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = _request_body(environ)
        url = self.upstream + _target(environ)
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items()
                   if key.startswith("HTTP_") and key[5:].replace("_", "-").lower() not in self._DROPPED}
        headers.pop("Transfer-Encoding", None)
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        try:
            answer = self.session.request(environ.get("REQUEST_METHOD", "GET"), url, headers=headers,
                                          data=body or None, timeout=(30, 120), allow_redirects=False)
        except requests.RequestException as error:
            payload = json.dumps({"error": {"type": "upstream_unreachable", "message": str(error)}}).encode()
            return _respond(start_response, 502, [("Content-Type", "application/json")], payload)
        # Saved after every exchange, so an interrupted session keeps what it recorded.
        self.recorder.save()
        return _respond(start_response, answer.status_code, answer.headers.items(), answer.content)


def serve(replay: VendorReplay, host: str = "127.0.0.1", port: int = 0, threads: int = 8) -> ServerHandle:
    """Serve ``replay`` over HTTP in a background thread (``.url``, ``.stop()``)."""
    return ServerHandle(StubApp(replay), host=host, port=port, threads=threads)


def rewrite_url(url: str, stub_url: str) -> str:
    """The vendor URL with the stub's scheme and host; ``${parameters.x}`` placeholders in the path survive."""
    match = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*", url)
    rest = url[match.end():] if match else url
    stub = urlsplit(stub_url)
    return urlunsplit((stub.scheme, stub.netloc, "", "", "")) + rest


def rewrite_connector(connector: dict[str, Any], stub_url: str) -> dict[str, Any]:
    """A copy of a connector body whose every action calls the stub instead of the vendor."""
    out = dict(connector)
    out["actions"] = [{**action, "url": rewrite_url(action["url"], stub_url)} if "url" in action else dict(action)
                      for action in connector.get("actions") or []]
    return out


def node_settings(stub_urls: Iterable[str]) -> dict[str, Any]:
    """The cluster settings a real node needs to call the stub(s)."""
    patterns = []
    for url in stub_urls:
        parts = urlsplit(url)
        patterns.append("^" + re.escape(f"{parts.scheme}://{parts.netloc}") + "/.*$")
    return {"plugins.ml_commons.trusted_connector_endpoints_regex": patterns,
            "plugins.ml_commons.connector.private_ip_enabled": True}


class VendorStub:
    """A running stub with what a test needs to point a node at it."""

    def __init__(self, replay: VendorReplay, host: str = "127.0.0.1", port: int = 0,
                 advertised_host: str | None = None) -> None:
        self.replay = replay
        self._app = StubApp(replay)
        self.server = ServerHandle(self._app, host=host, port=port, threads=8)
        # A container reaches the host's stub under another name (host.docker.internal).
        reach = advertised_host or ("127.0.0.1" if host in ("0.0.0.0", "::") else host)
        self.url = f"http://{reach}:{self.server.port}"

    def use(self, replay: VendorReplay) -> None:
        """Answer from ``replay`` from now on (one stub serves a whole session, one replay per test)."""
        self.replay = self._app.replay = replay

    def rewrite(self, connector: dict[str, Any]) -> dict[str, Any]:
        return rewrite_connector(connector, self.url)

    @property
    def settings(self) -> dict[str, Any]:
        return node_settings([self.url])

    def stop(self) -> None:
        self.server.stop()


def replay_for(fixtures: Path, names: Iterable[str] = ()) -> VendorReplay:
    """A replay of the named cassettes under ``fixtures``, or of all of them when none are named."""
    replay = VendorReplay()
    chosen = list(names)
    if chosen:
        replay.use_named(chosen, [fixtures])
    else:
        replay.use_folder(fixtures)
    return replay
