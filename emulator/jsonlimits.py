"""JSON rules shared by every layer: Jackson's source marker, nesting depth, non-finite numbers.

Jackson refuses documents nested deeper than 1000 levels. The emulator's Python code
walks parsed documents recursively, so it accepts at most :data:`MAX_DEPTH` levels and
answers deeper (still legal) documents with a clear 400 rather than failing inside.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

# How Jackson (2.16+ and 3) names the input in error locations: the source itself is never echoed.
JACKSON_SOURCE = "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"
JACKSON_MAX_DEPTH = 1000
MAX_DEPTH = 200


@dataclass(frozen=True)
class Structure:
    """What a scan of JSON text (strings skipped, nothing parsed) finds: the deepest nesting, the containers
    still open at the end (bracket and offset, innermost last), and whether it ends inside a string."""

    deepest: int
    open_containers: tuple[tuple[str, int], ...]
    in_string: bool


def structure(text: str) -> Structure:
    stack: list[tuple[str, int]] = []
    deepest = 0
    in_string = escaped = False
    for offset, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            stack.append((char, offset))
            deepest = max(deepest, len(stack))
        elif char in "}]" and stack:
            stack.pop()
    return Structure(deepest, tuple(stack), in_string)


def nesting_depth(text: str) -> int:
    """The deepest ``{``/``[`` nesting in JSON text (strings are skipped), without parsing it."""
    return structure(text).deepest


def depth_problem(text: str) -> str | None:
    """Why a document is too deep to read, or None."""
    depth = nesting_depth(text)
    if depth > JACKSON_MAX_DEPTH:
        return (f"Document nesting depth ({JACKSON_MAX_DEPTH + 1}) exceeds the maximum allowed ({JACKSON_MAX_DEPTH}, "
                "from `StreamReadConstraints.getMaxNestingDepth()`)")
    if depth > MAX_DEPTH:
        return f"Document nesting depth ({depth}) exceeds the maximum the ML Commons emulator reads ({MAX_DEPTH})"
    return None


def finite(value: Any) -> Any:
    """Non-finite floats as Jackson writes them by default (``WRITE_NAN_AS_STRINGS``): "NaN", "Infinity"."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def too_deep(text: str) -> ValueError:
    """The error for JSON text too deep for the emulator's Python parser (raised where it recurses)."""
    return ValueError(depth_problem(text) or f"Document nesting depth exceeds the maximum the ML Commons emulator "
                                              f"reads ({MAX_DEPTH})")
