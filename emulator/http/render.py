"""Rendering answers: JSON bodies, the error envelope, ``pretty`` and ``filter_path``."""

from __future__ import annotations

import json
import math
import re
import secrets
from decimal import Decimal
from typing import Any

from ..errors import OpenSearchError, RawHttpError
from ..javanumbers import java_double
from ..jsonlimits import finite

JSON_TYPE = "application/json; charset=UTF-8"


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_PRETTY = json.JSONEncoder(ensure_ascii=False, indent=2, separators=(",", " : "), allow_nan=False)


def to_json(body: Any, *, pretty: bool = False) -> bytes:
    try:
        return _encode(body, pretty)
    except ValueError:
        return _encode(finite(body), pretty)  # only when a NaN or infinity is in the answer


def _encode(body: Any, pretty: bool) -> bytes:
    spelled: list[str] = []
    nonce = secrets.token_hex(4)
    body = _java_floats(body, spelled, nonce)
    text = _PRETTY.encode(body) + "\n" if pretty else _COMPACT.encode(body)
    if spelled:
        marker = re.compile(r'"\\u0000' + nonce + r':(\d+)\\u0000"')
        text = marker.sub(lambda m: spelled[int(m.group(1))], text)
    # Java strings may hold lone surrogates; its UTF-8 encoder writes them as '?', and so does this.
    return text.encode("utf-8", errors="replace")


def _differs(value: float) -> bool:
    """Whether Jackson (``Double.toString``) spells this double otherwise than Python: below 1e-3 or from 1e7."""
    magnitude = abs(value)
    return (magnitude < 1e-3 or magnitude >= 1e7) and magnitude != 0.0 and math.isfinite(value)


def _java_floats(node: Any, spelled: list[str], nonce: str) -> Any:
    """``node`` with each double Java spells differently replaced by a marker string (the same object if none).

    The markers are swapped for Java's spelling after encoding: the C encoder offers no hook for floats.
    """
    if isinstance(node, float):
        if _differs(node):
            spelled.append(java_double(node))
            return f"\x00{nonce}:{len(spelled) - 1}\x00"
        return node
    if isinstance(node, Decimal):
        # A BigDecimal (json-smart keeps long decimals so) is written with its own toString().
        spelled.append(str(node.copy_abs() if node.is_zero() else node))
        return f"\x00{nonce}:{len(spelled) - 1}\x00"
    if isinstance(node, list):
        if not any(isinstance(v, (float, list, dict, Decimal)) and (not isinstance(v, float) or _differs(v))
                   for v in node):
            return node
        return [_java_floats(v, spelled, nonce) for v in node]
    if isinstance(node, dict):
        changed = None
        for key, value in node.items():
            if isinstance(value, (float, list, dict, Decimal)):
                new = _java_floats(value, spelled, nonce)
                if new is not value:
                    if changed is None:
                        changed = dict(node)
                    changed[key] = new
        return node if changed is None else changed
    return node


def error_body(error: OpenSearchError | RawHttpError) -> tuple[int, dict[str, Any]]:
    if isinstance(error, RawHttpError):
        return error.status, error.body
    return error.status, error.to_body()


def filter_path(body: Any, expression: str) -> Any:
    """OpenSearch's ``filter_path``: keep only the listed dotted paths (``*`` and ``**`` wildcards)."""
    patterns = [p.strip().split(".") for p in expression.split(",") if p.strip()]
    if not patterns:
        return body
    filtered = _filter(body, patterns)
    return filtered if filtered is not None else {}


def _matches(segment: str, key: str) -> bool:
    if segment == "*" or segment == "**":
        return True
    if "*" not in segment:
        return segment == key
    import fnmatch

    return fnmatch.fnmatchcase(key, segment)


def _filter(node: Any, patterns: list[list[str]]) -> Any:
    if any(not p for p in patterns):
        return node
    if isinstance(node, list):
        items = [_filter(item, patterns) for item in node]
        kept = [item for item in items if item is not None]
        return kept or None
    if not isinstance(node, dict):
        return None
    out: dict[str, Any] = {}
    for key, value in node.items():
        rests: list[list[str]] = []
        seen: set[tuple[str, ...]] = set()
        for pattern in patterns:
            head = pattern[0]
            if head == "**":
                for rest in (pattern, pattern[1:]):
                    if tuple(rest) not in seen:  # repeated ** would otherwise multiply the patterns per level
                        seen.add(tuple(rest))
                        rests.append(rest)
            elif _matches(head, key) and tuple(pattern[1:]) not in seen:
                seen.add(tuple(pattern[1:]))
                rests.append(pattern[1:])
        if not rests:
            continue
        kept = _filter(value, rests)
        if kept is not None:
            out[key] = kept
    return out or None
