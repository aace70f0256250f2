"""Reading request bodies the way the plugin's XContent parsers do, and write-response shapes.

Each reader mirrors one XContentParser accessor the ML parsers call, with what it
does on an unexpected token: ``text()`` on an object, array or null is an
``IllegalStateException`` (500) naming the token's position, an expected object or
array that is something else fails ``ensureExpectedToken`` (400
``parsing_exception``), ``map()`` reads a scalar as an empty map, ``booleanValue()``
and ``intValue()`` coerce strings. Positions are filled in by the HTTP layer.
"""

from __future__ import annotations

from typing import Any

from ..errors import LocatedError, OpenSearchError
from ..javacollections import java_map
from ..javanumbers import java_double
from ..jsonlimits import JACKSON_SOURCE
from .store import Document

_ABSENT = object()


class RawNumber(float):
    """A JSON float that remembers its literal text, because ``text()`` returns the token as written."""

    raw: str

    def __new__(cls, literal: str) -> RawNumber:
        number = super().__new__(cls, literal)
        number.raw = literal
        return number


def token_kind(value: Any) -> str:
    """The XContent token name of a JSON value (``START_OBJECT``, ``VALUE_STRING`` ...)."""
    if isinstance(value, dict):
        return "START_OBJECT"
    if isinstance(value, (list, tuple)):
        return "START_ARRAY"
    if isinstance(value, str):
        return "VALUE_STRING"
    if isinstance(value, bool):
        return "VALUE_BOOLEAN"
    if isinstance(value, (int, float)):
        return "VALUE_NUMBER"
    if value is None:
        return "VALUE_NULL"
    return "VALUE_EMBEDDED_OBJECT"


def jackson_kind(value: Any) -> str:
    """Jackson's own token name, which its messages use (numbers split into INT and FLOAT)."""
    if isinstance(value, bool):
        return "VALUE_TRUE" if value else "VALUE_FALSE"
    if isinstance(value, int):
        return "VALUE_NUMBER_INT"
    if isinstance(value, float):
        return "VALUE_NUMBER_FLOAT"
    return token_kind(value)


def cannot_get_text(container: Any, key: Any, value: Any) -> LocatedError:
    return LocatedError(f"Can't get text on a {token_kind(value)} at {{at}}", container=container, key=key,
                        status=500, type="illegal_state_exception", is_opensearch_exception=False)


def unexpected_token(container: Any, key: Any, expected: str, value: Any) -> LocatedError:
    """``ensureExpectedToken`` failing: a ``ParsingException`` with ``line``/``col``."""
    return LocatedError(
        f"Failed to parse object: expecting token of type [{expected}] but found [{token_kind(value)}]",
        container=container, key=key, status=400, type="parsing_exception", is_opensearch_exception=True,
        position_metadata=True,
    )


def jackson_error(container: Any, key: Any, message: str) -> LocatedError:
    return LocatedError(f"{message}\n at [Source: {JACKSON_SOURCE}; line: {{line}}, column: {{column}}]",
                        container=container, key=key, status=400, type="json_parse_exception",
                        is_opensearch_exception=False)


def require_object(body: Any, what: str, container: Any = None, key: Any = None) -> dict[str, Any]:
    """``ensureExpectedToken(START_OBJECT, ...)``, the check every ML parser starts with.

    ``container``/``key`` locate ``body`` inside the request (None for the body itself).
    """
    if not isinstance(body, dict):
        raise unexpected_token(container, key, "START_OBJECT", body)
    return body


def text_value(container: Any, key: Any, value: Any, *, nullable: bool = False) -> str | None:
    """``parser.text()`` (``textOrNull()`` when ``nullable``) on one value."""
    if value is None:
        if nullable:
            return None
        raise cannot_get_text(container, key, value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, RawNumber):
        return value.raw
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, (str, int)):
        return str(value)
    raise cannot_get_text(container, key, value)


def text(body: dict[str, Any], field: str, *, nullable: bool = False) -> str | None:
    """``parser.text()`` on a field: absent is None, any scalar is its text, else the plugin's error."""
    value = body.get(field, _ABSENT)
    if value is _ABSENT:
        return None
    return text_value(body, field, value, nullable=nullable)


def boolean(body: dict[str, Any], field: str) -> bool | None:
    """``parser.booleanValue()``: JSON booleans and the strings "true"/"false"."""
    value = body.get(field, _ABSENT)
    if value is _ABSENT:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value in ("true", "false"):
            return value == "true"
        raise OpenSearchError(f"Failed to parse value [{value}] as only [true] or [false] are allowed.",
                              status=400, type="illegal_argument_exception", is_opensearch_exception=False)
    raise jackson_error(body, field, f"Current token ({jackson_kind(value)}) not of boolean type")


def integer(body: dict[str, Any], field: str) -> int | None:
    """``parser.intValue()``: numbers are truncated, numeric strings are coerced."""
    value = body.get(field, _ABSENT)
    if value is _ABSENT:
        return None
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        raise jackson_error(body, field,
                            f"Current token ({jackson_kind(value)}) not numeric, can not use numeric value accessors")
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise OpenSearchError(f'For input string: "{value}"', status=400, type="number_format_exception",
                                  is_opensearch_exception=False) from None
        if not -(2**31) <= number <= 2**31 - 1:
            raise OpenSearchError(f"Value [{value}] is out of range for an integer", status=400,
                                  type="illegal_argument_exception", is_opensearch_exception=False)
        return int(number)
    if not -(2**31) <= value <= 2**31 - 1:
        raise jackson_error(body, field, f"Numeric value ({text_value(body, field, value)}) out of range of int "
                                         f"(-2147483648 - 2147483647)")
    return int(value)


def string_list(body: dict[str, Any], field: str) -> list[str] | None:
    """An array of strings: ``ensureExpectedToken(START_ARRAY)`` then ``text()`` per element."""
    value = body.get(field, _ABSENT)
    if value is _ABSENT:
        return None
    if not isinstance(value, list):
        raise unexpected_token(body, field, "START_ARRAY", value)
    return [text_value(value, i, item) or "" for i, item in enumerate(value)]


def obj(body: dict[str, Any], field: str) -> dict[str, Any] | None:
    """An object field parsed by its own parser (``ensureExpectedToken(START_OBJECT)``)."""
    value = body.get(field, _ABSENT)
    if value is _ABSENT:
        return None
    return require_object(value, field, body, field)


def map_value(body: dict[str, Any], field: str) -> dict[str, Any] | None:
    """``parser.map()``: an object as-is; a scalar or array reads as an empty map."""
    value = body.get(field, _ABSENT)
    if value is _ABSENT:
        return None
    return value if isinstance(value, dict) else {}


def string_map(body: dict[str, Any], field: str) -> dict[str, str | None] | None:
    """``parser.mapStrings()``: an object whose values are read with ``text()``."""
    value = map_value(body, field)
    if value is None:
        return None
    return java_map({k: text_value(value, k, v) for k, v in value.items()})


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


_BAD_REQUEST_TYPES = {"illegal_argument_exception", "number_format_exception", "m_l_resource_not_found_exception"}
_RETURNED_AS_IS = {"status_exception", "index_not_found_exception", "invalid_index_name_exception"}


def wrap_rest_failure(error: OpenSearchError, general_message: str) -> OpenSearchError:
    """``MLSearchHandler.wrapRestActionListener``: what the model and model-group actions send back on failure."""
    root = error
    while root.cause is not None:
        root = root.cause
    if error.type in _RETURNED_AS_IS:
        return error
    if root.type in _RETURNED_AS_IS:
        return root
    if error.type in _BAD_REQUEST_TYPES or error.type == "m_l_exception":
        return OpenSearchError(error.reason, status=400 if error.type in _BAD_REQUEST_TYPES else 500,
                               type="status_exception")
    message = root.reason if root.type in _BAD_REQUEST_TYPES or root.type == "m_l_exception" else general_message
    return OpenSearchError(message, status=500, type="status_exception")
