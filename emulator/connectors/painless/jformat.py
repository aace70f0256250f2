"""Java's text for values: ``String.valueOf`` of every runtime value Painless can hold.

Numbers follow ``Double.toString``/``Float.toString`` (JDK 19+: the shortest decimal that
rounds back, Java's plain/E layout), collections follow ``AbstractCollection.toString``
(``[a, b]``) and ``AbstractMap.toString`` (``{k=v}``), strings are not quoted.
"""

from __future__ import annotations

from typing import Any

from ...javanumbers import java_double, java_float
from .jvalues import (
    GsonMap,
    JArray,
    JavaObject,
    JBigDecimal,
    JBigInteger,
    JByte,
    JChar,
    JFloat,
    JHashMap,
    JLong,
    JShort,
    JStringBuilder,
    MapEntry,
    SetView,
    identity_hash,
    unbox_key,
)

# ---- String.valueOf --------------------------------------------------------------------------

def to_java_string(value: Any) -> str:
    """``String.valueOf(value)``: what ``+`` concatenation and ``StringBuilder.append`` produce."""
    kind = type(value)
    if kind is str:
        return value
    if kind is float:
        return java_double(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    formatter = _FORMATTERS.get(kind)
    if formatter is not None:
        return formatter(value)
    raise TypeError(f"not a Painless value: {kind.__name__}")


# In a joined repr of floats only tokens holding one of these need Java's layout (E notation,
# NaN/Infinity); numbers of 1e7 and more without an exponent are found by magnitude instead.
_MARKERS = ("e", "n", "0.000")


def _marker_positions(text: str) -> list[int]:
    # str.find is a C-speed scan; a regex alternation over the whole text is ten times slower.
    positions = []
    for marker in _MARKERS:
        found = text.find(marker)
        while found >= 0:
            positions.append(found)
            found = text.find(marker, found + 1)
    positions.sort()
    return positions


def list_to_string(items: list[Any]) -> str:
    """``ArrayList.toString()``: ``[a, b]``, nested collections likewise, a self-reference as ``(this Collection)``."""
    return _list_text(items, 0)


def _list_text(items: list[Any], depth: int) -> str:
    if not items:
        return "[]"
    text = _float_list_to_string(items)
    if text is not None:
        return text
    if depth >= _RECURSIVE_DEPTH:
        return _nested_to_string(items)
    return "[" + ", ".join("(this Collection)" if item is items else _text(item, depth + 1) for item in items) + "]"


def _text(value: Any, depth: int) -> str:
    kind = type(value)
    if kind is list or kind is SetView:
        return _list_text(value, depth)
    if kind is dict or kind is GsonMap or kind is JHashMap:
        return _map_text(value, depth)
    return to_java_string(value)


def _float_list_to_string(items: list[Any]) -> str | None:
    """The fast path for a list of Doubles (an embedding); None when an item is anything else."""
    try:
        joined = ", ".join(map(float.__repr__, items))
    except TypeError:
        return None
    # max() is unreliable once a NaN is in the list, and NaN/Infinity are rare: format those one by one.
    if "n" in joined or max(map(abs, items)) >= 1e7:
        return "[" + ", ".join(map(java_double, items)) + "]"
    pieces = []
    position = 0
    for found in _marker_positions(joined):
        start = joined.rfind(" ", 0, found) + 1
        if start < position:
            continue  # a second marker in a token already fixed
        end = joined.find(",", found)
        if end < 0:
            end = len(joined)
        pieces.append(joined[position:start])
        pieces.append(java_double(float(joined[start:end])))
        position = end
    if not pieces:
        return "[" + joined + "]"
    pieces.append(joined[position:])
    return "[" + "".join(pieces) + "]"


def map_to_string(mapping: dict[Any, Any]) -> str:
    """``AbstractMap.toString()``: ``{k=v, k2=v2}`` in the map's iteration order."""
    return _map_text(mapping, 0)


def _map_text(mapping: dict[Any, Any], depth: int) -> str:
    if depth >= _RECURSIVE_DEPTH:
        return _nested_to_string(mapping)
    parts = []
    for key in map_keys(mapping):
        item = mapping[key]
        java_key = unbox_key(key)
        key_text = "(this Map)" if java_key is mapping else to_java_string(java_key)
        value_text = "(this Map)" if item is mapping else _text(item, depth + 1)
        parts.append(f"{key_text}={value_text}")
    return "{" + ", ".join(parts) + "}"


# Plain recursion is fastest, but JSON nests deeper than Python's call stack allows, so
# collections below this depth are rendered with an explicit stack instead.
_RECURSIVE_DEPTH = 40
# Java's stack takes thousands of nested toString() calls; deeper than this only a cycle
# through another collection gets, which overflows the stack on a real node too.
_MAX_NESTING = 10_000
_LISTS = (list, SetView)
_MAPS = (dict, JHashMap, GsonMap)


def _nested_to_string(root: Any) -> str:
    """``toString()`` of a List or Map with an explicit stack: JSON nests deeper than Python's call stack.

    A frame is ``[container, pending items, parts, open, close, key text awaiting its value]``;
    a map's pending items are its (key text, value) pairs.
    """
    stack = [_frame(root)]
    finished = ""
    while stack:
        frame = stack[-1]
        pending = frame[1]
        if finished:
            # The child collection just rendered completes one part of this frame.
            frame[2].append(frame[5] + finished)
            finished = ""
        while pending:
            item = pending.pop()
            container = frame[0]
            if frame[3] == "[":
                prefix, value = "", item
                if value is container:
                    frame[2].append("(this Collection)")
                    continue
            else:
                prefix, value = item
                if value is container:
                    frame[2].append(prefix + "(this Map)")
                    continue
            kind = type(value)
            if value and (kind in _LISTS or kind in _MAPS):
                text = _float_list_to_string(value) if kind in _LISTS else None
                if text is None:
                    if len(stack) >= _MAX_NESTING:
                        raise RecursionError("collection nested too deeply")
                    frame[5] = prefix
                    stack.append(_frame(value))
                    break
                frame[2].append(prefix + text)
            else:
                frame[2].append(prefix + to_java_string(value))
        else:
            stack.pop()
            finished = frame[3] + ", ".join(frame[2]) + frame[4]
    return finished


def _frame(container: Any) -> list[Any]:
    if type(container) in _LISTS:
        return [container, list(reversed(container)), [], "[", "]", ""]
    pairs = []
    for key in map_keys(container):
        java_key = unbox_key(key)
        key_text = "(this Map)" if java_key is container else to_java_string(java_key)
        pairs.append((key_text + "=", container[key]))
    pairs.reverse()
    return [container, pairs, [], "{", "}", ""]


def map_keys(mapping: dict[Any, Any]) -> list[Any]:
    """The stored (boxed) keys in Java iteration order."""
    if type(mapping) is JHashMap:
        return mapping.ordered_keys()
    return list(mapping)


def big_decimal_to_string(value: JBigDecimal) -> str:
    """``BigDecimal.toString()``: the scientific-when-needed form (same rules as the decimal spec)."""
    text = str(value.decimal())
    return text[1:] if text.startswith("-") and value.unscaled == 0 else text


_ARRAY_CODES = {"int": "I", "long": "J", "double": "D", "float": "F", "boolean": "Z", "char": "C", "byte": "B",
                "short": "S"}


def array_type_descriptor(component: str) -> str:
    """``getClass().getName()`` of an array (``[Ljava.lang.Double;``, ``[I``...)."""
    depth = 1
    while component.endswith("[]"):
        component = component[:-2]
        depth += 1
    code = _ARRAY_CODES.get(component)
    if code is None:
        code = "L" + ("java.lang.Object" if component == "def" else component) + ";"
    return "[" * depth + code


def _array_to_string(value: JArray) -> str:
    return array_type_descriptor(value.component) + "@" + identity_hash(value)


def _exception_to_string(value: JavaObject) -> str:
    return value.java_class if value.message is None else f"{value.java_class}: {value.message}"


def _entry_to_string(value: MapEntry) -> str:
    return f"{to_java_string(unbox_key(value.key))}={to_java_string(value.value)}"


_FORMATTERS: dict[type, Any] = {
    list: list_to_string,
    SetView: list_to_string,
    dict: map_to_string,
    JHashMap: map_to_string,
    GsonMap: map_to_string,
    JLong: lambda v: str(v.v),
    JFloat: lambda v: java_float(v.v),
    JChar: lambda v: v.v,
    JShort: lambda v: str(v.v),
    JByte: lambda v: str(v.v),
    JBigInteger: lambda v: str(v.v),
    JBigDecimal: big_decimal_to_string,
    JStringBuilder: JStringBuilder.text,
    JArray: _array_to_string,
    JavaObject: _exception_to_string,
    MapEntry: _entry_to_string,
}
