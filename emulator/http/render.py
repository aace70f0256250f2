"""Rendering answers: JSON bodies, the error envelope, ``pretty`` and ``filter_path``."""

from __future__ import annotations

import json
from typing import Any

from ..errors import OpenSearchError, RawHttpError
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
    if pretty:
        return (_PRETTY.encode(body) + "\n").encode("utf-8", errors="replace")
    # Java strings may hold lone surrogates; its UTF-8 encoder writes them as '?', and so does this.
    return _COMPACT.encode(body).encode("utf-8", errors="replace")


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
