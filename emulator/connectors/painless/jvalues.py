"""The Java value model a Painless script computes with.

Python values stand for the common Java classes so that JSON-decoded ``params`` need no
conversion: ``None`` is null, ``bool`` is Boolean, ``str`` is String, ``float`` is Double,
``list`` is ArrayList and ``dict`` is the LinkedHashMap Jackson builds. A plain ``int`` is
an Integer when it fits 32 bits; a larger one can only come from JSON, where Jackson makes
it a Long and then a BigInteger, so its class follows from its magnitude. Everything else
Java distinguishes (Long made by Painless, Float, Character, arrays, builders, HashMap) has
a small wrapper class here.
"""

from __future__ import annotations

import math
import struct
from decimal import Decimal
from typing import Any

from ...javacollections import java_string_hash

INT_MIN = -(1 << 31)
INT_MAX = (1 << 31) - 1
LONG_MIN = -(1 << 63)
LONG_MAX = (1 << 63) - 1


def wrap_int(value: int) -> int:
    """Java ``int`` overflow: keep the low 32 bits, signed."""
    return ((value + 0x80000000) & 0xFFFFFFFF) - 0x80000000


def wrap_long(value: int) -> int:
    """Java ``long`` overflow: keep the low 64 bits, signed."""
    return ((value + 0x8000000000000000) & 0xFFFFFFFFFFFFFFFF) - 0x8000000000000000


def to_float32(value: float) -> float:
    """Round a double to the nearest float (IEEE round-half-even), overflowing to infinity."""
    try:
        return struct.unpack("<f", struct.pack("<f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)


def int_to_float32(value: int) -> float:
    """``(float) longValue``: one correct rounding of the integer (no double-rounding through double)."""
    if -(1 << 24) <= value <= 1 << 24:
        return float(value)
    negative = value < 0
    magnitude = -value if negative else value
    shift = magnitude.bit_length() - 24
    mantissa, rest = divmod(magnitude, 1 << shift)
    half = 1 << (shift - 1)
    if rest > half or (rest == half and mantissa & 1):
        mantissa += 1
    result = math.ldexp(float(mantissa), shift)
    return -result if negative else result


def double_to_int(value: float, bits: int) -> int:
    """Java's narrowing of a double to int or long: NaN is 0, out-of-range values saturate."""
    if math.isnan(value):
        return 0
    low, high = (INT_MIN, INT_MAX) if bits == 32 else (LONG_MIN, LONG_MAX)
    if value >= high:
        return high
    if value <= low:
        return low
    return int(value)


def double_bits(value: float) -> int:
    return struct.unpack("<q", struct.pack("<d", value))[0]


def float_bits(value: float) -> int:
    return struct.unpack("<i", struct.pack("<f", value))[0]


class JLong:
    """A ``java.lang.Long`` made by Painless (a JSON integer beyond 32 bits is a plain ``int``)."""

    __slots__ = ("v",)

    def __init__(self, v: int) -> None:
        self.v = v

    def __eq__(self, other: object) -> bool:
        return type(other) is JLong and other.v == self.v

    def __hash__(self) -> int:
        return hash(("J", self.v))

    def __repr__(self) -> str:
        return f"JLong({self.v})"


class JFloat:
    """A ``java.lang.Float``: ``v`` is a Python float holding an exact float32 value."""

    __slots__ = ("v",)

    def __init__(self, v: float) -> None:
        self.v = v

    def __eq__(self, other: object) -> bool:
        return type(other) is JFloat and float_bits(other.v) == float_bits(self.v)

    def __hash__(self) -> int:
        return hash(("F", float_bits(self.v)))

    def __repr__(self) -> str:
        return f"JFloat({self.v!r})"


class JChar:
    """A ``java.lang.Character``: one UTF-16 code unit, kept as a one-character string."""

    __slots__ = ("v",)

    def __init__(self, v: str) -> None:
        self.v = v

    def __eq__(self, other: object) -> bool:
        return type(other) is JChar and other.v == self.v

    def __hash__(self) -> int:
        return hash(("C", self.v))

    def __repr__(self) -> str:
        return f"JChar({self.v!r})"


class JShort:
    """A ``java.lang.Short`` (only an explicit cast makes one)."""

    __slots__ = ("v",)

    def __init__(self, v: int) -> None:
        self.v = v

    def __eq__(self, other: object) -> bool:
        return type(other) is JShort and other.v == self.v

    def __hash__(self) -> int:
        return hash(("S", self.v))


class JByte:
    """A ``java.lang.Byte`` (only an explicit cast makes one)."""

    __slots__ = ("v",)

    def __init__(self, v: int) -> None:
        self.v = v

    def __eq__(self, other: object) -> bool:
        return type(other) is JByte and other.v == self.v

    def __hash__(self) -> int:
        return hash(("B", self.v))


class JBigInteger:
    """A ``java.math.BigInteger`` made by a script (a huge JSON integer is a plain ``int``)."""

    __slots__ = ("v",)

    def __init__(self, v: int) -> None:
        self.v = v

    def __eq__(self, other: object) -> bool:
        return type(other) is JBigInteger and other.v == self.v

    def __hash__(self) -> int:
        return hash(("BI", self.v))


class JBigDecimal:
    """A ``java.math.BigDecimal``: an unscaled integer and a scale, as Java keeps them."""

    __slots__ = ("unscaled", "scale")

    def __init__(self, unscaled: int, scale: int) -> None:
        self.unscaled = unscaled
        self.scale = scale

    def decimal(self) -> Decimal:
        return Decimal(self.unscaled).scaleb(-self.scale)

    def __eq__(self, other: object) -> bool:
        # BigDecimal.equals compares the scale too: 2.0 is not 2.00.
        return type(other) is JBigDecimal and (other.unscaled, other.scale) == (self.unscaled, self.scale)

    def __hash__(self) -> int:
        return hash(("BD", self.unscaled, self.scale))


class JStringBuilder:
    """A ``java.lang.StringBuilder``: appended pieces, joined lazily."""

    __slots__ = ("parts", "__weakref__")

    def __init__(self, text: str = "") -> None:
        self.parts = [text] if text else []

    def text(self) -> str:
        parts = self.parts
        if len(parts) > 1:
            joined = "".join(parts)
            self.parts = [joined]
            return joined
        return parts[0] if parts else ""

    def set_text(self, text: str) -> None:
        self.parts = [text] if text else []


class JArray:
    """A Java array: its component type name (``java.lang.Double``, ``int``...) and its elements."""

    __slots__ = ("component", "items", "__weakref__")

    def __init__(self, component: Any, items: list[Any]) -> None:
        self.component = component
        self.items = items


class JavaObject:
    """A thrown-or-held Java exception instance created by ``new``."""

    __slots__ = ("java_class", "message", "offset", "__weakref__")

    def __init__(self, java_class: str, message: str | None, offset: int | None) -> None:
        self.java_class = java_class
        self.message = message
        # Where its stack trace was filled in (the ``new``), which is what OpenSearch reports.
        self.offset = offset


class JHashMap(dict):
    """A ``java.util.HashMap``: Python keeps insertion order, Java iterates by hash bucket.

    The table capacity only grows (16, doubling when size exceeds 3/4 of it), so the
    iteration order is the keys sorted stably by ``spread(hashCode) & (capacity - 1)``.
    """

    __slots__ = ("capacity",)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.capacity = 0
        self.grow()

    def grow(self) -> None:
        size = len(self)
        if size == 0:
            return
        capacity = self.capacity or 16
        while size > capacity * 3 // 4:
            capacity *= 2
        self.capacity = capacity

    def ordered_keys(self) -> list[Any]:
        if len(self) < 2:
            return list(self)
        mask = self.capacity - 1

        def bucket(key: Any) -> int:
            h = java_hash(unbox_key(key)) & 0xFFFFFFFF
            return (h ^ (h >> 16)) & mask

        return sorted(self, key=bucket)


class GsonMap(dict):
    """The ``com.google.gson.internal.LinkedTreeMap`` Gson builds (insertion ordered)."""

    __slots__ = ()


class SetView(list):
    """A snapshot of ``Map.keySet()`` / ``values()`` / ``entrySet()`` (``kind`` 0, 1, 2) under its Java class.

    Removals through the view also remove from ``mapping``, as Java's live views do.
    """

    __slots__ = ("java_class", "mapping", "kind")

    def __init__(self, items: list[Any], java_class: str, mapping: dict[Any, Any], kind: int) -> None:
        super().__init__(items)
        self.java_class = java_class
        self.mapping = mapping
        self.kind = kind


class MapEntry:
    """A ``Map.Entry`` from ``entrySet()``."""

    __slots__ = ("key", "value", "java_class")

    def __init__(self, key: Any, value: Any, java_class: str) -> None:
        self.key = key
        self.value = value
        self.java_class = java_class


class _BoxedKey:
    """A map key Python would conflate with another type (``1``, ``1.0`` and ``True`` are distinct in Java)."""

    __slots__ = ("v", "tag")

    def __init__(self, v: Any, tag: str) -> None:
        self.v = v
        self.tag = tag

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _BoxedKey) or other.tag != self.tag:
            return False
        if self.tag == "D":
            return double_bits(other.v) == double_bits(self.v)
        return other.v == self.v

    def __hash__(self) -> int:
        return hash((self.tag, double_bits(self.v) if self.tag == "D" else self.v))


def box_key(key: Any) -> Any:
    """The dict key standing for a Java map key."""
    kind = type(key)
    if kind is str or kind is int:
        if kind is int and not INT_MIN <= key <= INT_MAX:
            return _BoxedKey(key, "J" if LONG_MIN <= key <= LONG_MAX else "BI")
        return key
    if kind is float:
        return _BoxedKey(key, "D")
    if kind is bool:
        return _BoxedKey(key, "Z")
    if kind is list or kind is SetView or is_map(key):
        return _CollectionKey(key)
    return key


class _CollectionKey:
    """A List or Map used as a map key: Java compares such keys with ``equals``/``hashCode`` by content."""

    __slots__ = ("v",)

    def __init__(self, v: Any) -> None:
        self.v = v

    def __eq__(self, other: object) -> bool:
        return type(other) is _CollectionKey and (other.v is self.v or java_equals(self.v, other.v))

    def __hash__(self) -> int:
        return java_hash(self.v)


def unbox_key(key: Any) -> Any:
    if type(key) is _CollectionKey:
        return key.v
    if type(key) is _BoxedKey:
        if key.tag == "J":
            return JLong(key.v)
        if key.tag == "BI":
            return JBigInteger(key.v)
        return key.v
    return key


# ---- classes ---------------------------------------------------------------------------------

_SIMPLE_CLASSES = {
    type(None): None,
    bool: "java.lang.Boolean",
    str: "java.lang.String",
    float: "java.lang.Double",
    JLong: "java.lang.Long",
    JFloat: "java.lang.Float",
    JChar: "java.lang.Character",
    JShort: "java.lang.Short",
    JByte: "java.lang.Byte",
    JBigInteger: "java.math.BigInteger",
    JBigDecimal: "java.math.BigDecimal",
    JStringBuilder: "java.lang.StringBuilder",
    list: "java.util.ArrayList",
    dict: "java.util.LinkedHashMap",
    JHashMap: "java.util.HashMap",
    GsonMap: "com.google.gson.internal.LinkedTreeMap",
}

_UNBOXED = {
    "java.lang.Boolean": "boolean",
    "java.lang.Integer": "int",
    "java.lang.Long": "long",
    "java.lang.Double": "double",
    "java.lang.Float": "float",
    "java.lang.Character": "char",
    "java.lang.Short": "short",
    "java.lang.Byte": "byte",
}


class UnsupportedValue(TypeError):
    """A ``params`` value that is not JSON-decoded data (a caller bug, not a script error)."""


def int_class(value: int) -> str:
    if INT_MIN <= value <= INT_MAX:
        return "java.lang.Integer"
    if LONG_MIN <= value <= LONG_MAX:
        return "java.lang.Long"
    return "java.math.BigInteger"


def class_name(value: Any) -> str:
    """``value.getClass().getCanonicalName()`` (null must be handled by the caller)."""
    kind = type(value)
    name = _SIMPLE_CLASSES.get(kind, "")
    if name:
        return name
    if kind is int:
        return int_class(value)
    if kind is JArray:
        return value.component + "[]"
    if kind is SetView or kind is MapEntry:
        return value.java_class
    if kind is JavaObject:
        return value.java_class
    raise UnsupportedValue(f"not a Painless value: {kind.__name__}")


def unboxed_class_name(value: Any) -> str:
    """``typeToUnboxedType(value.getClass())`` as Def's cast errors print it."""
    name = class_name(value)
    return _UNBOXED.get(name, name)


def is_list(value: Any) -> bool:
    kind = type(value)
    return kind is list


def is_map(value: Any) -> bool:
    kind = type(value)
    return kind is dict or kind is JHashMap or kind is GsonMap


def is_collection(value: Any) -> bool:
    kind = type(value)
    return kind is list or kind is SetView


# ---- numbers ---------------------------------------------------------------------------------

def numeric_kind(value: Any) -> str | None:
    """The boxed numeric class letter (``I J F D S B C`` or ``BI``/``BD``), or None for non-numbers."""
    kind = type(value)
    if kind is int:
        if INT_MIN <= value <= INT_MAX:
            return "I"
        return "J" if LONG_MIN <= value <= LONG_MAX else "BI"
    if kind is float:
        return "D"
    if kind is JLong:
        return "J"
    if kind is JFloat:
        return "F"
    if kind is JChar:
        return "C"
    if kind is JShort:
        return "S"
    if kind is JByte:
        return "B"
    if kind is JBigInteger:
        return "BI"
    if kind is JBigDecimal:
        return "BD"
    return None


def is_number(value: Any) -> bool:
    """``value instanceof Number`` (Character is not a Number)."""
    kind = numeric_kind(value)
    return kind is not None and kind != "C"


def number_int_value(value: Any) -> int:
    """``Number.intValue()``: Double truncates and saturates, Long and BigInteger keep the low bits."""
    kind = type(value)
    if kind is float:
        return double_to_int(value, 32)
    if kind is JFloat:
        return double_to_int(value.v, 32)
    if kind is JBigDecimal:
        return wrap_int(_big_decimal_integer(value))
    if kind is int:
        return wrap_int(value)
    if kind is JChar:
        return ord(value.v)
    return wrap_int(value.v)


def number_long_value(value: Any) -> int:
    kind = type(value)
    if kind is float:
        return double_to_int(value, 64)
    if kind is JFloat:
        return double_to_int(value.v, 64)
    if kind is JBigDecimal:
        return wrap_long(_big_decimal_integer(value))
    if kind is int:
        return wrap_long(value)
    if kind is JChar:
        return ord(value.v)
    return wrap_long(value.v)


def number_double_value(value: Any) -> float:
    kind = type(value)
    if kind is float:
        return value
    if kind is int:
        return _int_to_double(value)
    if kind is JFloat:
        return value.v
    if kind is JChar:
        return float(ord(value.v))
    if kind is JBigDecimal:
        return _big_decimal_to_double(value)
    return _int_to_double(value.v)


def number_float_value(value: Any) -> float:
    kind = type(value)
    if kind is float:
        return to_float32(value)
    if kind is JFloat:
        return value.v
    if kind is JChar:
        return float(ord(value.v))
    if kind is JBigDecimal:
        return to_float32(float(value.decimal()))
    raw = value if kind is int else value.v
    return int_to_float32(raw)


def _int_to_double(value: int) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _big_decimal_integer(value: JBigDecimal) -> int:
    """The integer part (truncated toward zero) of a BigDecimal."""
    if value.scale <= 0:
        return value.unscaled * 10 ** (-value.scale)
    quotient = abs(value.unscaled) // 10 ** value.scale
    return -quotient if value.unscaled < 0 else quotient


def _big_decimal_to_double(value: JBigDecimal) -> float:
    try:
        return float(value.decimal())
    except OverflowError:
        return math.inf if value.unscaled > 0 else -math.inf


# ---- equality and hashing ---------------------------------------------------------------------

def java_equals(left: Any, right: Any) -> bool:
    """``left.equals(right)`` for a non-null ``left`` (Integer 1 is not Long 1, 0.0 is not -0.0)."""
    kind = type(left)
    if kind is str:
        return type(right) is str and left == right
    if kind is bool:
        return type(right) is bool and left == right
    number = numeric_kind(left)
    if number is not None:
        if numeric_kind(right) != number:
            return False
        if number == "D":
            return double_bits(left) == double_bits(right)
        if number == "F":
            return float_bits(left.v) == float_bits(right.v)
        if number == "BD":
            return left == right
        return _raw(left) == _raw(right)
    if kind is list or kind is SetView:
        if type(right) not in (list, SetView) or len(left) != len(right):
            return False
        if kind is SetView and type(right) is SetView:
            return _set_equals(left, right)
        return all(_null_safe_equals(a, b) for a, b in zip(left, right, strict=True))
    if is_map(left):
        if not is_map(right) or len(left) != len(right):
            return False
        for key, value in left.items():
            if key not in right or not _null_safe_equals(value, right[key]):
                return False
        return True
    return left is right


def _raw(value: Any) -> Any:
    return value if type(value) is int else value.v


def _set_equals(left: list[Any], right: list[Any]) -> bool:
    return all(any(_null_safe_equals(a, b) for b in right) for a in left)


def _null_safe_equals(left: Any, right: Any) -> bool:
    if left is None:
        return right is None
    return java_equals(left, right)


def java_hash(value: Any) -> int:
    """``hashCode()`` as HashMap sees it (null hashes to 0)."""
    kind = type(value)
    if value is None:
        return 0
    if kind is str:
        return java_string_hash(value)
    if kind is bool:
        return 1231 if value else 1237
    if kind is int:
        if INT_MIN <= value <= INT_MAX:
            return value
        return wrap_int(value ^ (value >> 32)) if LONG_MIN <= value <= LONG_MAX else wrap_int(value)
    if kind is JLong:
        return wrap_int(value.v ^ ((value.v & 0xFFFFFFFFFFFFFFFF) >> 32))
    if kind is float:
        bits = double_bits(value) & 0xFFFFFFFFFFFFFFFF
        return wrap_int(bits ^ (bits >> 32))
    if kind is JFloat:
        return float_bits(value.v)
    if kind is JChar:
        return ord(value.v)
    if kind in (JShort, JByte):
        return value.v
    if kind is list:
        h = 1
        for item in value:
            h = wrap_int(31 * h + java_hash(item))
        return h
    if is_map(value):
        # AbstractMap.hashCode: the sum of the entries' key hash XOR value hash.
        return wrap_int(sum(java_hash(unbox_key(key)) ^ java_hash(item) for key, item in value.items()))
    if kind is SetView and value.kind != 1:
        # keySet() and entrySet() are Sets (the sum of the element hashes); values() keeps identity.
        return wrap_int(sum(map(java_hash, value)))
    if kind is MapEntry:
        return java_hash(unbox_key(value.key)) ^ java_hash(value.value)
    return wrap_int(id(value) >> 4)


def identity_hash(value: Any) -> str:
    """A stand-in for ``Integer.toHexString(System.identityHashCode(o))``: arbitrary, stable per object."""
    return format((id(value) * 2654435761 >> 8) & 0x7FFFFFFF, "x")
