"""The predict answer: vendor response bodies wrapped as ML Commons model tensors."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import illegal_argument
from ..jsonlimits import JACKSON_SOURCE, depth_problem

_TOKEN = re.compile(r"[^\s\[\]{},:\"]+")


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise illegal_argument(f"Invalid JSON format: Duplicate field '{key}'")
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Non-standard token '{name}': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow")


def _doubles(value: Any) -> Any:
    """Before 3.5 the plugin converted every number through Gson, so integers came back as doubles."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dict):
        return {k: _doubles(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_doubles(v) for v in value]
    return value


def parse_response_body(body: str, *, max_json_size: int, integers_preserved: bool) -> dict[str, Any]:
    """``StringUtils.fromJson(body, "response")``: object as-is, array under ``response``, else an error."""
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
        result = {"response": parsed}
    else:
        raise illegal_argument("Unsupported response type")
    return result if integers_preserved else _doubles(result)


def _jackson_message(body: str, error: json.JSONDecodeError) -> str:
    stripped = body.lstrip()
    match = _TOKEN.match(stripped)
    line = body.count("\n", 0, error.pos) + 1
    column = error.pos - (body.rfind("\n", 0, error.pos) + 1) + 1
    if match and stripped[:1] not in "[{\"-0123456789":
        return (
            f"Unrecognized token '{match.group(0)}': was expecting (JSON String, Number, Array, Object or token "
            f"'null', 'true' or 'false')\n at [Source: {JACKSON_SOURCE}; line: {line}, column: {column}]"
        )
    return f"{error.msg}\n at [Source: {JACKSON_SOURCE}; line: {line}, column: {column}]"


def model_tensors(data_as_map: dict[str, Any], status_code: int) -> dict[str, Any]:
    """One ``inference_results`` entry with the default (no post-process) tensor."""
    return {"output": [{"name": "response", "dataAsMap": data_as_map}], "status_code": status_code}
