"""Turning a WSGI environ into an :class:`ApiRequest`: path, query, headers and the JSON body.

Accepts what OpenSearch accepts: gzip/deflate request bodies, a body on GET,
the ``source`` query parameter instead of a body, and trailing slashes.
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from ..domain.fields import RawNumber
from ..errors import OpenSearchError, java_exception

_NO_BODY = object()


@dataclass
class ApiRequest:
    method: str
    path: str
    raw_uri: str
    params: dict[str, str]
    environ: dict[str, Any]
    raw_body: bytes
    path_params: dict[str, str] = field(default_factory=dict)
    _parsed: Any = _NO_BODY

    def header(self, name: str) -> str | None:
        """A request header by name (case-insensitive)."""
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            return self.environ.get(key)
        return self.environ.get("HTTP_" + key)

    def body_text(self) -> str:
        """The JSON text the body was parsed from (the ``source`` parameter when there is no body)."""
        if not self.raw_body and "source" in self.params:
            return self.params["source"]
        return self.raw_body.decode("utf-8", errors="replace")

    def content_or_source(self) -> Any:
        """``contentOrSourceParamParser``: the body, else the ``source`` parameter (with its content type)."""
        if not self.raw_body and "source" in self.params:
            if "source_content_type" not in self.params:
                raise java_exception("illegal_state_exception",
                                     "source and source_content_type parameters are required")
            self._parsed = parse_json_body(self.params["source"].encode("utf-8"))
            return self._parsed
        return self.json()

    def json(self) -> Any:
        """The parsed JSON body, or None when there is none. Malformed JSON is OpenSearch's 400."""
        if self._parsed is _NO_BODY:
            raw = self.raw_body
            self._parsed = parse_json_body(raw) if raw.strip() else None
            if self._parsed is None and raw.strip():
                # A literal `null` body is content, and no ML parser accepts it.
                raise OpenSearchError(
                    "Failed to parse object: expecting token of type [START_OBJECT] but found [VALUE_NULL]",
                    status=400, type="parsing_exception",
                )
        return self._parsed


def from_environ(environ: dict[str, Any]) -> ApiRequest:
    method = environ.get("REQUEST_METHOD", "GET").upper()
    raw_path = environ.get("PATH_INFO", "") or "/"
    path = unquote(raw_path) if "%" in raw_path else raw_path
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = environ.get("QUERY_STRING", "")
    params = dict(parse_qsl(query, keep_blank_values=True)) if query else {}
    raw_body = _read_body(environ)
    if raw_body:
        encoding = environ.get("HTTP_CONTENT_ENCODING", "").lower()
        if encoding in ("gzip", "deflate"):
            raw_body = _decompress(raw_body, encoding)
    raw_uri = raw_path + (f"?{query}" if query else "")
    return ApiRequest(method, path, raw_uri, params, environ, raw_body)


def _read_body(environ: dict[str, Any]) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length:
        try:
            size = int(length)
        except ValueError:
            size = 0
        return stream.read(size) if size > 0 else b""
    if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked" or environ.get("wsgi.input_terminated"):
        return stream.read()
    return b""


def _decompress(body: bytes, encoding: str) -> bytes:
    try:
        if encoding == "gzip":
            return gzip.decompress(body)
        return zlib.decompress(body)
    except (OSError, zlib.error, EOFError):
        raise OpenSearchError(
            f"Failed to decompress the request body: it is not valid {encoding} data",
            status=400, type="illegal_argument_exception", is_opensearch_exception=False,
        ) from None


def parse_json_body(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise java_exception(
            "json_parse_exception", "Invalid UTF-8 start byte in the request body", status=400
        ) from None
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_float=RawNumber)
    except json.JSONDecodeError as error:
        raise java_exception("json_parse_exception", _jackson_style(text, error), status=400) from None
    except ValueError as error:
        raise java_exception("json_parse_exception", str(error), status=400) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Non-standard token '{name}': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow")


def _jackson_style(text: str, error: json.JSONDecodeError) -> str:
    line = error.lineno
    column = error.colno
    source = "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"
    location = f"\n at [Source: {source}; line: {line}, column: {column}]"
    if error.pos >= len(text):
        return "Unexpected end-of-input: expected close marker for Object" + location
    char = text[error.pos]
    return f"Unexpected character ('{char}' (code {ord(char)})): {error.msg}" + location
