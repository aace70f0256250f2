"""Reading vendor response bodies as ML Commons does (``StringUtils.fromJson``): limits, numbers, errors."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import illegal_argument
from ..jsonlimits import JACKSON_SOURCE, depth_problem, structure
from .values import gson_doubles

_TOKEN = re.compile(r"[\w$]+")


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise illegal_argument(f"Invalid JSON format: Duplicate field '{key}'")
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Non-standard token '{name}': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow")


def parse_response_body(body: str, *, max_json_size: int, integers_preserved: bool,
                        default_key: str = "response") -> dict[str, Any]:
    """``StringUtils.fromJson(body, key)``: object as-is, array under ``key``, else an error.

    From 3.5 the plugin parses with Jackson (integers stay integers, duplicate keys are refused);
    before, Gson made every number a double.
    """
    if max_json_size > 0 and len(body.encode("utf-8")) > max_json_size:
        raise illegal_argument(f"JSON string size exceeds maximum allowed size ({max_json_size} bytes)")
    problem = depth_problem(body)
    if problem is not None:
        raise illegal_argument(f"Invalid JSON format: {problem}")
    try:
        parsed = json.loads(body, object_pairs_hook=_reject_duplicates if integers_preserved else None,
                            parse_constant=_reject_constant)
    except ValueError as error:
        if not isinstance(error, json.JSONDecodeError):
            raise illegal_argument(f"Invalid JSON format: {error}") from None
        raise illegal_argument(f"Invalid JSON format: {_jackson_message(body, error)}") from None
    if isinstance(parsed, dict):
        result = parsed
    elif isinstance(parsed, list):
        result = {default_key: parsed}
    else:
        raise illegal_argument("Unsupported response type")
    return result if integers_preserved else gson_doubles(result)


def _jackson_message(body: str, error: json.JSONDecodeError) -> str:
    stripped = body.lstrip()
    start = len(body) - len(stripped)
    line = body.count("\n", 0, error.pos) + 1
    first = stripped[:1]
    if first and first not in "[{\"-0123456789":
        # Jackson reads a token while characters are Java identifier parts and reports where it stopped.
        expecting = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
        column = start - (body.rfind("\n", 0, start) + 1) + 1
        if first.isidentifier() or first == "$":
            token = _TOKEN.match(stripped)
            text = token.group(0) if token else first
            return (f"Unrecognized token '{text}': was expecting {expecting}\n at [Source: {JACKSON_SOURCE}; "
                    f"line: {line}, column: {column + len(text)}]")
        return (f"Unexpected character ('{first}' (code {ord(first)})): expected a valid value {expecting}\n at "
                f"[Source: {JACKSON_SOURCE}; line: {line}, column: {column + 1}]")
    if error.pos >= len(body.rstrip()) or error.msg.startswith("Unterminated string"):
        eof = _end_of_input(body)
        if eof is not None:
            return eof
    column = error.pos - (body.rfind("\n", 0, error.pos) + 1) + 1
    return f"{error.msg}\n at [Source: {JACKSON_SOURCE}; line: {line}, column: {column}]"


def _location(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"[Source: {JACKSON_SOURCE}; line: {line}, column: {column}]"


def _end_of_input(body: str) -> str | None:
    """Jackson's message for a document cut off inside a string, an object or an array."""
    found = structure(body)
    end = _location(body, len(body))
    if found.in_string:
        return f"Unexpected end-of-input: was expecting closing quote for a String value\n at {end}"
    if found.open_containers:
        kind, start = found.open_containers[-1]
        name = "Object" if kind == "{" else "Array"
        return (f"Unexpected end-of-input: expected close marker for {name} (start marker at "
                f"{_location(body, start)})\n at {end}")
    return None
