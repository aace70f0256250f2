"""Reading request bodies the way the plugin's XContent parsers do, and write-response shapes.

A wrong JSON type for a field is a 400 that names the field, never a Python
exception; values the Java parsers read with ``text()`` accept any scalar.
"""

from __future__ import annotations

from typing import Any

from ..errors import OpenSearchError
from .store import Document

_JSON_KIND = {dict: "START_OBJECT", list: "START_ARRAY", str: "VALUE_STRING", bool: "VALUE_BOOLEAN",
              int: "VALUE_NUMBER", float: "VALUE_NUMBER", type(None): "VALUE_NULL"}


def token_kind(value: Any) -> str:
    """The Jackson token name OpenSearch uses in parse errors for a JSON value."""
    return _JSON_KIND.get(type(value), "VALUE_EMBEDDED_OBJECT")


def mistyped(field: str, expected: str, value: Any) -> OpenSearchError:
    return OpenSearchError(
        f"Failed to parse field [{field}]: expected {expected} but found [{token_kind(value)}]",
        status=400,
        type="x_content_parse_exception",
    )


def require_object(body: Any, what: str) -> dict[str, Any]:
    """``ensureExpectedToken(START_OBJECT, ...)``, the check every ML parser starts with."""
    if not isinstance(body, dict):
        raise OpenSearchError(
            f"Failed to parse object: expecting token of type [START_OBJECT] but found [{token_kind(body)}]",
            status=400,
            type="parsing_exception",
        )
    return body


def text(body: dict[str, Any], field: str) -> str | None:
    """``parser.text()``: any scalar as its text; null is absent; objects and arrays are errors."""
    value = body.get(field)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        from ..connectors.values import java_double

        return java_double(value)
    if isinstance(value, (str, int)):
        return str(value)
    raise mistyped(field, "a string value", value)


def boolean(body: dict[str, Any], field: str) -> bool | None:
    """``parser.booleanValue()``: JSON booleans and the strings "true"/"false"."""
    value = body.get(field)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise mistyped(field, "a boolean value", value)


def integer(body: dict[str, Any], field: str) -> int | None:
    value = body.get(field)
    if value is None:
        return None
    if isinstance(value, bool):
        raise mistyped(field, "a number", value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    raise mistyped(field, "a number", value)


def string_list(body: dict[str, Any], field: str) -> list[str] | None:
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, list):
        raise mistyped(field, "an array of strings", value)
    out = []
    for item in value:
        if isinstance(item, (dict, list)) or item is None:
            raise mistyped(field, "an array of strings", item)
        out.append(text({"v": item}, "v") or "")
    return out


def obj(body: dict[str, Any], field: str) -> dict[str, Any] | None:
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise mistyped(field, "an object", value)
    return value


_SHARDS = {"total": 1, "successful": 1, "failed": 0}


def write_response(index: str, doc: Document, result: str, *, forced_refresh: bool) -> dict[str, Any]:
    """The core index/update/delete response body OpenSearch returns for a document write."""
    body: dict[str, Any] = {"_index": index, "_id": doc.id, "_version": doc.version, "result": result}
    if forced_refresh:
        body["forced_refresh"] = True
    body["_shards"] = dict(_SHARDS)
    body["_seq_no"] = doc.seq_no
    body["_primary_term"] = doc.primary_term
    return body


def access_mode(value: Any, *, lower_first: bool) -> str | None:
    """``AccessMode.from``: a known mode, anything else counts as absent.

    Model-group parsers lower-case the value first; connector and model parsers do not.
    """
    if not isinstance(value, str):
        return None
    mode = value.lower() if lower_first else value
    return mode if mode in ("public", "private", "restricted") else None
