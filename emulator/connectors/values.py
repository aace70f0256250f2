"""How ML Commons turns JSON values into the strings its templates see.

The plugin parses request JSON with Jackson and re-serialises non-string
parameter values with Gson (HTML escaping off), and escapes strings with
Apache Commons Text ``escapeJson``. The exact characters matter because the
result is spliced into the vendor request body.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import illegal_argument
from ..javacollections import java_map
from ..javanumbers import java_double
from ..jsonlimits import too_deep


class LiteralNumber(str):
    """A number Gson parsed into a ``JsonPrimitive``: written back exactly as it was read."""


def gson_tree(text: str) -> Any:
    """``JsonParser.parseString``: the tree Gson rewrites (numbers keep their literal text)."""
    try:
        return json.loads(text, parse_float=LiteralNumber, parse_int=LiteralNumber)
    except RecursionError:
        raise _too_deep(text) from None


def gson_json(value: Any, *, hash_order: bool = True) -> str:
    """Compact JSON as Gson writes it for the plugin (numbers as Java prints them, no HTML escaping).

    Maps the plugin parsed with Jackson into a ``HashMap`` are written in hash order; maps Gson
    parsed itself (``LinkedTreeMap``) keep their order (``hash_order=False``).
    """
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, LiteralNumber):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, str):
        return _gson_string(value)
    if isinstance(value, dict):
        # Parsed request objects are HashMaps in the plugin, so Gson writes their keys in hash order.
        items = {str(k): v for k, v in value.items()}
        ordered = java_map(items) if hash_order else items
        return "{" + ",".join(_gson_string(k) + ":" + gson_json(v, hash_order=hash_order)
                              for k, v in ordered.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(gson_json(v, hash_order=hash_order) for v in value) + "]"
    return _gson_string(str(value))


_GSON_REPLACEMENTS = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f",
                      "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _gson_string(text: str) -> str:
    out = []
    for ch in text:
        replacement = _GSON_REPLACEMENTS.get(ch)
        if replacement is not None:
            out.append(replacement)
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def gson_doubles(value: Any) -> Any:
    """A value as Gson parses JSON into ``Object``: every number becomes a Double."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dict):
        return {k: gson_doubles(v) for k, v in value.items()}
    if isinstance(value, list):
        return [gson_doubles(v) for v in value]
    return value


def parameter_string(value: Any) -> str | None:
    """One parameter value as the plugin stores it: strings as-is, anything else as Gson JSON."""
    if isinstance(value, str):
        return value
    return gson_json(value)


def parameter_map(values: dict[str, Any]) -> dict[str, str | None]:
    """``StringUtils.getParameterMap``: every value as a string, in the resulting HashMap's order."""
    return java_map({str(k): parameter_string(v) for k, v in values.items()})


_APACHE_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\n": "\\n", "\t": "\\t", "\f": "\\f",
                        "\r": "\\r"}


def escape_json(text: str) -> str:
    """Apache Commons Text ``StringEscapeUtils.escapeJson``: also ``/`` and every char >= 0x7F."""
    out = []
    for ch in text:
        replacement = _APACHE_JSON_ESCAPES.get(ch)
        if replacement is not None:
            out.append(replacement)
            continue
        code = ord(ch)
        if code < 0x20 or code >= 0x7F:
            if code > 0xFFFF:
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04X}\\u{0xDC00 + (code & 0x3FF):04X}")
            else:
                out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    return "".join(out)


_STRING_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)


def is_json_container(text: str | None) -> bool:
    """ML Commons ``StringUtils.isJson``: the text parses as a JSON object or array.

    The plugin asks org.json and then Gson: raw control characters inside strings pass,
    except NUL, LF and CR, which org.json reads as an unterminated string.
    """
    if text is None or not text.strip():
        return False
    try:
        parsed = json.loads(text, strict=False)
    except ValueError:
        return False
    except RecursionError:
        raise _too_deep(text) from None
    if not isinstance(parsed, (dict, list)):
        return False
    if ("\n" in text or "\r" in text or "\0" in text) and any(
            ch in token for token in _STRING_TOKEN.findall(text) for ch in "\n\r\0"):
        return False
    return True


def _too_deep(text: str) -> Exception:
    return illegal_argument(f"Invalid JSON format: {too_deep(text)}")
