"""An opensearch-py connection that calls the emulator's WSGI app directly: no socket, no thread."""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from opensearchpy import Connection


class InProcessConnection(Connection):
    """``opensearchpy.Connection`` that hands each request to a WSGI callable in this process.

    Pass it to ``OpenSearch(connection_class=InProcessConnection, wsgi_app=app)``.
    The app must offer ``handle(environ) -> (status, headers, body)`` (``EmulatorApp`` does);
    errors are raised as opensearch-py's usual exceptions.
    """

    def __init__(self, host: str = "localhost", port: int | None = None, wsgi_app: Any = None, **kwargs: Any) -> None:
        if wsgi_app is None:
            raise ValueError("InProcessConnection needs wsgi_app=<the emulator's WSGI app>")
        kwargs.pop("http_compress", None)
        http_auth = kwargs.pop("http_auth", None)
        super().__init__(host=host, port=port or 9200, **kwargs)
        self._app: Any = wsgi_app
        if http_auth is not None:
            # As Urllib3HttpConnection does: a (user, password) pair or a "user:password" string.
            text = ":".join(http_auth) if isinstance(http_auth, tuple | list) else str(http_auth)
            self.headers["authorization"] = "Basic " + base64.b64encode(text.encode("utf-8")).decode("ascii")

    def perform_request(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None = None,
        body: bytes | None = None,
        timeout: float | None = None,
        ignore: Any = (),
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        path = self.url_prefix + url
        query = urlencode(params or {})
        full_url = path + (f"?{query}" if query else "")
        if isinstance(body, str):
            body = body.encode("utf-8")
        body = body or b""
        request_headers = dict(self.headers)
        request_headers.update(headers or {})
        environ = _environ(method, path, query, body, request_headers)
        start = time.time()
        status, response_headers, raw = self._app.handle(environ)
        duration = time.time() - start
        raw_data = raw.decode("utf-8", "surrogatepass")
        if not (200 <= status < 300) and status not in (ignore if isinstance(ignore, (tuple, list)) else (ignore,)):
            self.log_request_fail(method, full_url, path, body, duration, status, raw_data)
            self._raise_error(status, raw_data, dict(response_headers).get("content-type"))
        self.log_request_success(method, full_url, path, body, status, raw_data, duration)
        return status, _HeaderDict(response_headers), raw_data


    def close(self) -> None:
        """Nothing to release: there is no socket."""


class _HeaderDict(dict):  # type: ignore[type-arg]
    """Case-insensitive lookup, like urllib3's header container."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        super().__init__((k.lower(), v) for k, v in pairs)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(key.lower(), default)


def _environ(method: str, path: str, query: str, body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method.upper(),
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "9200",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key != "CONTENT_LENGTH":
            environ[f"HTTP_{key}"] = value
    return environ

