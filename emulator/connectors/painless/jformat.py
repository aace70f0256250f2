"""Java's text for values: ``String.valueOf`` of every runtime value Painless can hold.

Numbers follow ``Double.toString``/``Float.toString`` (JDK 19+: the shortest decimal that
rounds back, Java's plain/E layout), collections follow ``AbstractCollection.toString``
(``[a, b]``) and ``AbstractMap.toString`` (``{k=v}``), strings are not quoted.
"""

from __future__ import annotations

import math
import struct
from fractions import Fraction
from typing import Any

from ..values import java_double as _layout_double
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
    double_bits,
    float_bits,
    identity_hash,
    unbox_key,
)

_MIN_NORMAL_DOUBLE = 2.2250738585072014e-308
_MIN_NORMAL_FLOAT = 1.1754943508222875e-38


def java_double(value: float) -> str:
    """``Double.toString(value)``."""
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        # Python's repr uses plain notation with the same shortest digits in this range.
        return repr(value)
    if magnitude >= _MIN_NORMAL_DOUBLE and magnitude != math.inf:
        return _from_repr(repr(value))
    if 0.0 < magnitude < _MIN_NORMAL_DOUBLE:
        return _subnormal_double(value)
    return _layout_double(value)


def _from_repr(text: str) -> str:
    """Java's E notation from Python's repr of a finite normal double outside [1e-3, 1e7).

    Both pick the same shortest digits; only the layout differs (``1e-05`` vs ``1.0E-5``,
    ``0.0001`` vs ``1.0E-4``, ``12345678.0`` vs ``1.2345678E7``).
    """
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        return f"{sign}{mantissa}E{int(exponent)}"
    whole, _, fraction = text.partition(".")
    if whole == "0":
        stripped = fraction.lstrip("0")
        exponent = len(stripped) - len(fraction) - 1
        digits = stripped
    else:
        exponent = len(whole) - 1
        digits = (whole + fraction).rstrip("0")
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exponent}"


def _subnormal_double(value: float) -> str:
    # JDK 19+ looks at two-digit decimals too when one digit would do, and keeps the closer one.
    bits = double_bits(abs(value))
    below = Fraction(_bits_to_double(bits - 1))
    above = Fraction(_bits_to_double(bits + 1))
    digits, exponent = _shortest_decimal(abs(value), below, above, even=bits % 2 == 0, max_digits=17)
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return ("-" if value < 0 else "") + f"{mantissa}E{exponent}"


def java_float(value: float) -> str:
    """``Float.toString(value)`` for a float32-exact Python float."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    magnitude = abs(value)
    if magnitude >= _MIN_NORMAL_FLOAT:
        # For normal floats the correctly rounded shortest decimal that maps back to the same float is
        # Java's choice (its closer-two-digit rule only matters for subnormals): try 1 to 9 digits.
        for precision in range(9):
            text = f"{value:.{precision}e}"
            if _to_float32(float(text)) == value:
                return java_double(float(text))
    bits = float_bits(magnitude)
    below = Fraction(_bits_to_float(bits - 1))
    # Above the largest float the next step would be 2**128.
    above = Fraction(2**128) if bits + 1 == 0x7F800000 else Fraction(_bits_to_float(bits + 1))
    digits, exponent = _shortest_decimal(magnitude, below, above, even=bits % 2 == 0, max_digits=9)
    # The double nearest this short decimal prints the same digits (they round-trip a fortiori).
    return java_double(float(("-" if value < 0 else "") + f"{digits[0]}.{digits[1:] or '0'}e{exponent}"))


def _to_float32(value: float) -> float:
    try:
        return struct.unpack("<f", struct.pack("<f", value))[0]
    except OverflowError:
        return math.inf  # a candidate rounded past the largest float maps to no float



def _bits_to_double(bits: int) -> float:
    return struct.unpack("<d", struct.pack("<q", bits))[0]


def _bits_to_float(bits: int) -> float:
    return struct.unpack("<f", struct.pack("<i", bits))[0]


def _shortest_decimal(value: float, below: Fraction, above: Fraction, *, even: bool,
                      max_digits: int) -> tuple[str, int]:
    """Digits and decimal exponent of Java's choice among the decimals that round to ``value``.

    The rounding interval is bounded by the midpoints to the neighbouring values (inclusive
    when the significand is even, as round-half-even keeps those ties). Among the shortest
    decimals inside it Java takes the closest; when one digit suffices it also considers
    two-digit ones.
    """
    exact = Fraction(value)
    low = (exact + below) / 2
    high = (exact + above) / 2

    def inside(candidate: Fraction) -> bool:
        if low < candidate < high:
            return True
        return even and (candidate == low or candidate == high)

    best: tuple[Fraction, int, int] | None = None
    for length in range(1, max_digits + 2):
        found = _closest_of_length(exact, length, inside)
        if found is not None:
            if best is None:
                best = found
                if length > 1:
                    break
                continue
            if found[0] < best[0]:
                best = found
            break
    if best is None:  # unreachable for finite values: max_digits always suffices
        raise ValueError(f"no decimal for {value!r}")
    _, mantissa, exponent = best
    text = str(mantissa).rstrip("0") or "0"
    return text, exponent + len(str(mantissa)) - 1


def _closest_of_length(exact: Fraction, length: int, inside: Any) -> tuple[Fraction, int, int] | None:
    """The ``length``-digit decimal closest to ``exact`` that rounds back, as (distance, mantissa, exponent)."""
    nearest = f"{float(exact):.{length - 1}e}"
    mantissa_text, exponent_text = nearest.split("e")
    mantissa = int(mantissa_text.replace(".", "").replace("-", ""))
    unit_exponent = int(exponent_text) - (length - 1)
    best: tuple[Fraction, int, int] | None = None
    for candidate in (mantissa - 1, mantissa, mantissa + 1):
        if candidate <= 0:
            continue
        number = Fraction(candidate) * Fraction(10) ** unit_exponent
        if not inside(number):
            continue
        distance = abs(number - exact)
        if best is None or distance < best[0] or (distance == best[0] and candidate % 2 == 0):
            best = (distance, candidate, unit_exponent)
    return best


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
