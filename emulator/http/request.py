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
from ..jsonlimits import JACKSON_SOURCE, depth_problem

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
    # The authenticated caller when the Security plugin is on (an ``emulator.domain.security.User``).
    user: Any = None
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


_DECODER = json.JSONDecoder(parse_constant=lambda name: _reject_constant(name), parse_float=RawNumber,
                            object_pairs_hook=lambda pairs: _no_duplicates(pairs))


class _JsonProblem(ValueError):
    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.pos = pos


def parse_json_body(raw: bytes) -> Any:
    """The body as OpenSearch 3.8's Jackson 3 parser reads it: one value, then anything after it is ignored."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _json_error(f"Invalid UTF-8 start byte 0x{raw[error.start]:02x}", error.start,
                          "json_parse_exception") from None
    start = len(text) - len(text.lstrip(" \t\r\n"))
    problem = depth_problem(text)
    if problem is not None:
        raise _json_error(problem, 0, "stream_constraints_exception")
    try:
        value, _ = _DECODER.raw_decode(text, start)
        return value
    except json.JSONDecodeError as error:
        raise _translate(text, error) from None
    except _JsonProblem as problem:
        raise _json_error(str(problem), len(text[: problem.pos].encode("utf-8")), "json_parse_exception") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _JsonProblem(f'Duplicate Object property "{key}"', 0)
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise _JsonProblem(f"Non-standard token '{name}': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", 0)


def _json_error(message: str, byte_offset: int, type_: str) -> OpenSearchError:
    """``JacksonExceptionTranslator``: the translated exception over Jackson's own, same reason."""
    reason = f"{message}\n at [Source: {JACKSON_SOURCE}; byte offset: #{byte_offset}]"
    cause_type = "stream_read_exception" if type_ == "json_parse_exception" else type_
    cause = java_exception(cause_type, reason, status=400)
    error = java_exception(type_, reason, status=400)
    error.cause = cause
    return error


def _translate(text: str, error: json.JSONDecodeError) -> OpenSearchError:
    offset = len(text[: error.pos].encode("utf-8"))
    if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
        inside = _innermost_container(text, error.pos)
        what = "Array entries" if inside == "[" else "Object entries"
        return _json_error(f"Unexpected end-of-input within/between {what}", len(text.encode("utf-8")),
                           "unexpected_end_of_input_exception")
    char = text[error.pos]
    if error.msg.startswith("Invalid control character"):
        return _json_error(f"Illegal unquoted character ((CTRL-CHAR, code {ord(char)})): has to be escaped using "
                           "backslash to be included in string value", offset, "json_parse_exception")
    expectation = {
        "Expecting value": "expected a value",
        "Expecting property name enclosed in double quotes": "was expecting double-quote to start property name",
        "Expecting ':' delimiter": "was expecting a colon to separate property name and value",
    }.get(error.msg)
    if expectation is None and error.msg.startswith("Expecting ',' delimiter"):
        inside = _innermost_container(text, error.pos)
        expectation = f"was expecting comma to separate {'Array' if inside == '[' else 'Object'} entries"
    return _json_error(f"Unexpected character ('{char}' (code {ord(char)})): {expectation or error.msg}", offset,
                       "json_parse_exception")


def _innermost_container(text: str, pos: int) -> str:
    """``{`` or ``[``: the innermost container still open at ``pos``."""
    stack: list[str] = []
    in_string = False
    index = 0
    while index < min(pos, len(text)):
        ch = text[index]
        if in_string:
            if ch == "\\":
                index += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append(ch)
        elif ch in "}]" and stack:
            stack.pop()
        index += 1
    return stack[-1] if stack else "{"
