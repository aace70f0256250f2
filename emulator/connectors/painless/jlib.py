"""What the allowlisted Java library methods do, on the emulator's value model.

Strings are indexed in UTF-16 code units like Java strings; messages of the exceptions
the JDK throws are the JDK 17 ones (checked with ``jshell``).
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .errors import JavaError
from .jformat import map_keys, to_java_string
from .jvalues import (
    INT_MAX,
    INT_MIN,
    LONG_MAX,
    LONG_MIN,
    GsonMap,
    JArray,
    JBigDecimal,
    JBigInteger,
    JFloat,
    JHashMap,
    JLong,
    JStringBuilder,
    MapEntry,
    SetView,
    box_key,
    class_name,
    is_number,
    java_equals,
    java_hash,
    number_double_value,
    to_float32,
    unbox_key,
)

NPE = "java.lang.NullPointerException"
IAE = "java.lang.IllegalArgumentException"
CCE = "java.lang.ClassCastException"
IOOBE = "java.lang.IndexOutOfBoundsException"
AIOOBE = "java.lang.ArrayIndexOutOfBoundsException"
SIOOBE = "java.lang.StringIndexOutOfBoundsException"
NFE = "java.lang.NumberFormatException"
ARITHMETIC = "java.lang.ArithmeticException"
UNSUPPORTED = "java.lang.UnsupportedOperationException"
CME = "java.util.ConcurrentModificationException"

# Growing a string or list past this is treated as the JVM running out of heap.
MAX_SIZE = 20_000_000


def out_of_memory() -> JavaError:
    return JavaError("java.lang.OutOfMemoryError", "Java heap space")


def check_size(size: int) -> None:
    if size > MAX_SIZE:
        raise out_of_memory()


def helpful_npe(method: str, what: str) -> JavaError:
    """The JVM's helpful NullPointerException text for a call on null."""
    return JavaError(NPE, f'Cannot invoke "{method}" because {what} is null')


# ---- UTF-16 views ---------------------------------------------------------------------------

def units(text: str) -> str:
    """``text`` with every astral character split into its two surrogates (one Python char per Java char)."""
    if text.isascii() or not _ASTRAL.search(text):
        return text
    raw = text.encode("utf-16-le", "surrogatepass")
    return "".join(chr(int.from_bytes(raw[i:i + 2], "little")) for i in range(0, len(raw), 2))


def from_units(view: str) -> str:
    """Join surrogate pairs back into characters (lone surrogates stay, as in Java)."""
    if view.isascii() or not _SURROGATE.search(view):
        return view
    return view.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def java_length(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(units(text))


# ---- java.lang.String -----------------------------------------------------------------------

def string_char_at(text: str, index: int) -> str:
    view = units(text)
    if not 0 <= index < len(view):
        raise JavaError(SIOOBE, f"String index out of range: {index}")
    return view[index]


def string_substring(text: str, begin: int, end: int | None = None) -> str:
    view = units(text)
    length = len(view)
    if end is None:
        end = length
    if begin < 0 or begin > end or end > length:
        raise JavaError(SIOOBE, f"begin {begin}, end {end}, length {length}")
    return from_units(view[begin:end])


def string_index_of(text: str, needle: str, start: int = 0) -> int:
    view, target = units(text), units(_not_null_arg(needle))
    start = max(start, 0)
    if start > len(view):
        return len(view) if target == "" else -1
    return view.find(target, start)


def string_last_index_of(text: str, needle: str, start: int | None = None) -> int:
    view, target = units(text), units(_not_null_arg(needle))
    if start is None:
        return view.rfind(target)
    if start < 0:
        return -1
    return view.rfind(target, 0, min(start, len(view)) + len(target))


def string_starts_with(text: str, prefix: str, offset: int = 0) -> bool:
    view, target = units(text), units(_not_null_arg(prefix))
    if offset < 0 or offset > len(view) - len(target):
        return False
    return view.startswith(target, offset)


def string_replace(text: str, target: Any, replacement: Any) -> str:
    old = _char_sequence(target)
    new = _char_sequence(replacement)
    if old == "":
        view = units(text)
        result = from_units(units(new).join(["", *view, ""]))
    else:
        result = text.replace(old, new)
    check_size(len(result))
    return result


def string_contains(text: str, sequence: Any) -> bool:
    return _char_sequence(sequence) in text


def string_trim(text: str) -> str:
    # Java trims code points up to U+0020 only, not Unicode whitespace.
    return text.strip(_TRIMMED)


_TRIMMED = "".join(chr(code) for code in range(33))


def _simple_upper(char: str) -> str:
    upper = char.upper()
    return upper if len(upper) == 1 else char


def _simple_lower(char: str) -> str:
    lower = char.lower()
    return lower if len(lower) == 1 else char


def string_equals_ignore_case(text: str, other: Any) -> bool:
    if other is None:
        return False
    left, right = units(text), units(other)
    if len(left) != len(right):
        return False
    for a, b in zip(left, right, strict=True):
        if a != b and _simple_upper(a) != _simple_upper(b) and _simple_lower(a) != _simple_lower(b):
            return False
    return True


def string_compare_to(text: str, other: str) -> int:
    left, right = units(text), units(_not_null_arg(other))
    for a, b in zip(left, right, strict=False):
        if a != b:
            return ord(a) - ord(b)
    return len(left) - len(right)


def string_concat(text: str, other: str) -> str:
    if other is None:
        raise helpful_npe("String.isEmpty()", '"str"')
    result = text + other
    check_size(len(result))
    return result


def string_split_on_token(text: str, token: str, limit: int = -1) -> JArray:
    """Painless's ``splitOnToken`` augmentation: split on a literal token, at most ``limit`` pieces."""
    if text is None or len(text) == 0 or token is None or len(token) == 0 or len(text) < len(token):
        return JArray("java.lang.String", [text])
    result = []
    position = 0
    while limit != 1:
        found = text.find(token, position)
        if found == -1:
            break
        result.append(text[position:found])
        position = found + len(token)
        limit -= 1
    result.append(text[position:])
    return JArray("java.lang.String", result)


def string_to_char_array(text: str) -> JArray:
    return JArray("char", list(units(text)))


def string_encode_base64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8", "surrogatepass")).decode("ascii")


def string_decode_base64(text: str) -> str:
    for char in text:
        if char not in _BASE64 and char != "=":
            raise JavaError(IAE, f"Illegal base64 character {ord(char):x}")
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as error:
        raise JavaError(IAE, str(error)) from None
    return raw.decode("utf-8", "replace")


_BASE64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def string_join(delimiter: Any, elements: Any) -> str:
    separator = _char_sequence(delimiter)
    if elements is None:
        raise JavaError(NPE, None)
    parts = []
    for element in iterate(elements):
        parts.append("null" if element is None else _char_sequence(element))
    return separator.join(parts)


def _char_sequence(value: Any) -> str:
    if type(value) is str:
        return value
    if type(value) is JStringBuilder:
        return value.text()
    if value is None:
        raise JavaError(NPE, None)
    raise JavaError(CCE, jvm_cast_message(class_name(value), "java.lang.CharSequence"))


def _not_null_arg(value: Any) -> Any:
    if value is None:
        raise JavaError(NPE, None)
    return value


def jvm_cast_message(source: str, target: str) -> str:
    """The JVM's ``checkcast`` failure text."""
    source_module = _module(source)
    target_module = _module(target)
    if source_module == target_module:
        return f"class {source} cannot be cast to class {target} ({source} and {target} are {source_module})"
    return f"class {source} cannot be cast to class {target} ({source} is {source_module}; {target} is {target_module})"


def _module(name: str) -> str:
    if name.startswith("java."):
        return "in module java.base of loader 'bootstrap'"
    return "in unnamed module of loader 'app'"


# ---- java.lang.StringBuilder ----------------------------------------------------------------

def builder_new(sequence: Any = "") -> JStringBuilder:
    return JStringBuilder(_char_sequence(sequence))


def builder_append(builder: JStringBuilder, value: Any) -> JStringBuilder:
    text = to_java_string(value)
    parts = builder.parts
    parts.append(text)
    if len(parts) > 256:
        builder.text()
        check_size(len(builder.parts[0]) if builder.parts else 0)
    return builder


def builder_append_range(builder: JStringBuilder, sequence: Any, start: int, end: int) -> JStringBuilder:
    text = "null" if sequence is None else _char_sequence(sequence)
    view = units(text)
    if start < 0 or start > end or end > len(view):
        raise JavaError(IOOBE, f"start {start}, end {end}, length {len(view)}")
    builder.parts.append(from_units(view[start:end]))
    return builder


def builder_length(builder: JStringBuilder) -> int:
    return java_length(builder.text())


def builder_insert(builder: JStringBuilder, offset: int, value: Any) -> JStringBuilder:
    view = units(builder.text())
    if not 0 <= offset <= len(view):
        raise JavaError(SIOOBE, f"offset {offset}, length {len(view)}")
    builder.set_text(from_units(view[:offset] + units(to_java_string(value)) + view[offset:]))
    check_size(len(builder.parts[0]) if builder.parts else 0)
    return builder


def builder_reverse(builder: JStringBuilder) -> JStringBuilder:
    builder.set_text(builder.text()[::-1])
    return builder


def builder_set_length(builder: JStringBuilder, length: int) -> None:
    if length < 0:
        raise JavaError(SIOOBE, f"String index out of range: {length}")
    check_size(length)
    view = units(builder.text())
    builder.set_text(from_units(view[:length] + "\0" * (length - len(view))))


def builder_char_at(builder: JStringBuilder, index: int) -> str:
    view = units(builder.text())
    if not 0 <= index < len(view):
        raise JavaError(SIOOBE, f"index {index}, length {len(view)}")
    return view[index]


def builder_set_char_at(builder: JStringBuilder, index: int, char: str) -> None:
    view = units(builder.text())
    if not 0 <= index < len(view):
        raise JavaError(SIOOBE, f"index {index}, length {len(view)}")
    builder.set_text(from_units(view[:index] + char + view[index + 1:]))


def builder_delete(builder: JStringBuilder, start: int, end: int) -> JStringBuilder:
    view = units(builder.text())
    end = min(end, len(view))
    if start < 0 or start > end:
        raise JavaError(SIOOBE, f"start {start}, end {end}, length {len(view)}")
    builder.set_text(from_units(view[:start] + view[end:]))
    return builder


def builder_delete_char_at(builder: JStringBuilder, index: int) -> JStringBuilder:
    view = units(builder.text())
    if not 0 <= index < len(view):
        raise JavaError(SIOOBE, f"index {index}, length {len(view)}")
    builder.set_text(from_units(view[:index] + view[index + 1:]))
    return builder


def builder_replace(builder: JStringBuilder, start: int, end: int, text: str) -> JStringBuilder:
    view = units(builder.text())
    if start < 0 or start > len(view) or start > end:
        raise JavaError(SIOOBE, f"start {start}, end {end}, length {len(view)}")
    end = min(end, len(view))
    builder.set_text(from_units(view[:start] + units(_not_null_arg(text)) + view[end:]))
    return builder


def builder_substring(builder: JStringBuilder, start: int, end: int | None = None) -> str:
    view = units(builder.text())
    if end is None:
        end = len(view)
    if start < 0 or start > end or end > len(view):
        raise JavaError(SIOOBE, f"start {start}, end {end}, length {len(view)}")
    return from_units(view[start:end])


def builder_index_of(builder: JStringBuilder, needle: str, start: int = 0) -> int:
    return string_index_of(builder.text(), needle, start)


def builder_last_index_of(builder: JStringBuilder, needle: str, start: int | None = None) -> int:
    return string_last_index_of(builder.text(), needle, start)


# ---- numbers --------------------------------------------------------------------------------

_INTEGER_TEXT = re.compile(r"[+-]?\d+")


def parse_integer(text: Any, radix: int = 10, bits: int = 32) -> int:
    """``Integer.parseInt`` / ``Long.parseLong``."""
    if text is None:
        raise JavaError(NFE, "Cannot parse null string")
    suffix = "" if radix == 10 else f" under radix {radix}"
    failure = JavaError(NFE, f'For input string: "{text}"{suffix}')
    if radix == 10:
        if not _INTEGER_TEXT.fullmatch(text):
            raise failure
        value = int(text)
    else:
        if not re.fullmatch(r"[+-]?[0-9A-Za-z]+", text):
            raise failure
        try:
            value = int(text, radix)
        except ValueError:
            raise failure from None
    low, high = (INT_MIN, INT_MAX) if bits == 32 else (LONG_MIN, LONG_MAX)
    if not low <= value <= high:
        raise failure
    return value


_DOUBLE_TEXT = re.compile(
    r"[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+[fFdD]?)")


def parse_double(text: Any) -> float:
    """``Double.parseDouble``: Java's grammar (surrounding control characters ignored, ``1.5f`` allowed)."""
    if text is None:
        raise helpful_npe("String.trim()", '"in"')
    trimmed = text.strip(_TRIMMED)
    if trimmed == "":
        raise JavaError(NFE, "empty String")
    if not _DOUBLE_TEXT.fullmatch(trimmed):
        raise JavaError(NFE, f'For input string: "{text}"')
    body = trimmed.rstrip("fFdD") if not trimmed.endswith("Infinity") else trimmed
    if "x" in body.lower() and "Infinity" not in body:
        return float.fromhex(body)
    return float(body)


def parse_float(text: Any) -> float:
    """``Float.parseFloat``: rounded once from the decimal, not through a double."""
    value = parse_double(text)
    if not math.isfinite(value) or value == 0:
        return to_float32(value)
    trimmed = text.strip(_TRIMMED).rstrip("fFdD")
    if "x" in trimmed.lower():
        return to_float32(value)
    return _nearest_float32(Fraction(Decimal(trimmed)))


def _nearest_float32(exact: Fraction) -> float:
    guess = to_float32(float(exact))
    if not math.isfinite(guess) or guess == 0:
        return guess
    import struct

    bits = struct.unpack("<i", struct.pack("<f", abs(guess)))[0]
    best = guess
    best_distance = abs(Fraction(guess) - exact)
    for neighbour_bits in (bits - 1, bits + 1):
        if not 0 <= neighbour_bits < 0x7F800000:
            continue
        neighbour = math.copysign(struct.unpack("<f", struct.pack("<i", neighbour_bits))[0], guess)
        distance = abs(Fraction(neighbour) - exact)
        if distance < best_distance or (distance == best_distance and neighbour_bits % 2 == 0):
            best, best_distance = neighbour, distance
    return best


# ---- java.math.BigDecimal / BigInteger -------------------------------------------------------

def big_decimal_from_string(text: Any) -> JBigDecimal:
    """``new BigDecimal(String)`` with Java's accepted syntax and error messages."""
    if text is None:
        raise helpful_npe("String.toCharArray()", '"val"')
    body = text
    if body[:1] in "+-":
        body = body[1:]
    mantissa, _, exponent = body.partition("e") if "e" in body else body.partition("E")
    for char in mantissa:
        if char not in "0123456789.":
            raise JavaError(NFE, f'Character {char} is neither a decimal digit number, decimal point, nor "e" '
                                 'notation exponential mark.')
    if mantissa.count(".") > 1:
        raise JavaError(NFE, "Character array contains more than one decimal point.")
    if not mantissa.replace(".", ""):
        raise JavaError(NFE, "No digits found." if text else None)
    if "e" in body.lower():
        if not re.fullmatch(r"[+-]?\d+", exponent):
            raise JavaError(NFE, None)
        if len(exponent.lstrip("+-").lstrip("0")) > 10:
            raise JavaError(NFE, "Too many nonzero exponent digits.")
    whole, _, fraction = mantissa.partition(".")
    unscaled = int((whole + fraction) or "0")
    scale = len(fraction) - (int(exponent) if exponent else 0)
    if not INT_MIN <= scale <= INT_MAX:
        raise JavaError(NFE, "Exponent overflow.")
    if text.startswith("-"):
        unscaled = -unscaled
    return JBigDecimal(unscaled, scale)


def big_decimal_from_decimal(value: Decimal) -> JBigDecimal:
    sign, digits, exponent = value.as_tuple()
    unscaled = int("".join(map(str, digits)) or "0")
    return JBigDecimal(-unscaled if sign else unscaled, -int(exponent))


def big_decimal_value_of(value: float) -> JBigDecimal:
    if not math.isfinite(value):
        raise JavaError(NFE, "Infinite or NaN")
    return big_decimal_from_string(to_java_string(value))


def big_decimal_add(left: JBigDecimal, right: JBigDecimal) -> JBigDecimal:
    return _aligned(left, right, lambda a, b: a + b)


def big_decimal_subtract(left: JBigDecimal, right: JBigDecimal) -> JBigDecimal:
    return _aligned(left, right, lambda a, b: a - b)


def _aligned(left: JBigDecimal, right: JBigDecimal, operation: Any) -> JBigDecimal:
    _not_null_arg(right)
    scale = max(left.scale, right.scale)
    a = left.unscaled * 10 ** (scale - left.scale)
    b = right.unscaled * 10 ** (scale - right.scale)
    return JBigDecimal(operation(a, b), scale)


def big_decimal_multiply(left: JBigDecimal, right: JBigDecimal) -> JBigDecimal:
    _not_null_arg(right)
    return JBigDecimal(left.unscaled * right.unscaled, left.scale + right.scale)


def big_decimal_compare(left: JBigDecimal, right: JBigDecimal) -> int:
    _not_null_arg(right)
    a, b = left.decimal(), right.decimal()
    return (a > b) - (a < b)


def big_decimal_strip(value: JBigDecimal) -> JBigDecimal:
    if value.unscaled == 0:
        return JBigDecimal(0, 0)
    unscaled, scale = value.unscaled, value.scale
    while unscaled % 10 == 0:
        unscaled //= 10
        scale -= 1
    return JBigDecimal(unscaled, scale)


def big_decimal_set_scale(value: JBigDecimal, scale: int) -> JBigDecimal:
    if scale >= value.scale:
        return JBigDecimal(value.unscaled * 10 ** (scale - value.scale), scale)
    factor = 10 ** (value.scale - scale)
    quotient, remainder = divmod(abs(value.unscaled), factor)
    if remainder:
        raise JavaError(ARITHMETIC, "Rounding necessary")
    return JBigDecimal(quotient if value.unscaled >= 0 else -quotient, scale)


def big_decimal_plain(value: JBigDecimal) -> str:
    text = format(value.decimal(), "f")
    return text[1:] if text.startswith("-") and value.unscaled == 0 else text


def big_integer_from_string(text: Any, radix: int = 10) -> JBigInteger:
    if text is None:
        raise JavaError(NPE, None)
    if not re.fullmatch(r"[+-]?[0-9A-Za-z]+", text):
        raise JavaError(NFE, "Zero length BigInteger" if text in ("", "+", "-") else f'For input string: "{text}"')
    try:
        return JBigInteger(int(text, radix))
    except ValueError:
        raise JavaError(NFE, f'For input string: "{text}"') from None


# ---- collections ----------------------------------------------------------------------------

def list_get(items: list[Any], index: int) -> Any:
    if not 0 <= index < len(items):
        raise JavaError(IOOBE, f"Index {index} out of bounds for length {len(items)}")
    return items[index]


def list_set(items: list[Any], index: int, value: Any) -> Any:
    if not 0 <= index < len(items):
        raise JavaError(IOOBE, f"Index {index} out of bounds for length {len(items)}")
    old = items[index]
    items[index] = value
    return old


def list_add(items: list[Any], value: Any) -> bool:
    if type(items) is SetView:
        raise JavaError(UNSUPPORTED, None)
    check_size(len(items) + 1)
    items.append(value)
    return True


def list_insert(items: list[Any], index: int, value: Any) -> None:
    if not 0 <= index <= len(items):
        raise JavaError(IOOBE, f"Index: {index}, Size: {len(items)}")
    check_size(len(items) + 1)
    items.insert(index, value)


def list_remove_at(items: list[Any], index: int) -> Any:
    if not 0 <= index < len(items):
        raise JavaError(IOOBE, f"Index {index} out of bounds for length {len(items)}")
    return items.pop(index)


def collection_add_all(items: list[Any], other: Any) -> bool:
    values = list(iterate(_not_null_arg(other)))
    check_size(len(items) + len(values))
    if type(items) is SetView:
        raise JavaError(UNSUPPORTED, None)
    items.extend(values)
    return bool(values)


def collection_contains(items: list[Any], value: Any) -> bool:
    if type(value) is str:
        return value in items
    if value is None:
        return any(item is None for item in items)
    return any(item is not None and java_equals(value, item) for item in items)


def list_index_of(items: list[Any], value: Any) -> int:
    for index, item in enumerate(items):
        if (item is None and value is None) or (value is not None and item is not None and java_equals(value, item)):
            return index
    return -1


def list_last_index_of(items: list[Any], value: Any) -> int:
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        if (item is None and value is None) or (value is not None and item is not None and java_equals(value, item)):
            return index
    return -1


def list_sub_list(items: list[Any], start: int, end: int) -> list[Any]:
    if start < 0:
        raise JavaError(IOOBE, f"fromIndex = {start}")
    if end > len(items):
        raise JavaError(IOOBE, f"toIndex = {end}")
    if start > end:
        raise JavaError(IAE, f"fromIndex({start}) > toIndex({end})")
    return items[start:end]


def collection_clear(items: list[Any]) -> None:
    if type(items) is SetView:
        items.mapping.clear()
        items.clear()
        return
    items.clear()


def iterable_join(items: Any, separator: str) -> str:
    return to_java_string(separator).join(to_java_string(item) for item in iterate(items))


def iterable_sum(items: Any) -> float:
    total = 0.0
    for item in iterate(items):
        if item is None:
            raise helpful_npe("java.lang.Number.doubleValue()", '"<local3>"')
        if not is_number(item):
            raise JavaError(CCE, jvm_cast_message(class_name(item), "java.lang.Number"))
        total += number_double_value(item)
    return total


def iterate(value: Any) -> list[Any]:
    """The elements a Java ``Iterable`` (or array) yields."""
    kind = type(value)
    if kind is list or kind is SetView:
        return value
    if kind is JArray:
        return value.items
    raise JavaError(IAE, f"Cannot iterate over [{class_name(value)}]")


def map_get(mapping: dict[Any, Any], key: Any) -> Any:
    if type(key) is str:
        return mapping.get(key)
    return mapping.get(box_key(key))


def map_put(mapping: dict[Any, Any], key: Any, value: Any) -> Any:
    boxed = key if type(key) is str else box_key(key)
    old = mapping.get(boxed)
    mapping[boxed] = value
    if type(mapping) is JHashMap:
        mapping.grow()
    return old


def map_put_if_absent(mapping: dict[Any, Any], key: Any, value: Any) -> Any:
    old = map_get(mapping, key)
    if old is None:
        map_put(mapping, key, value)
    return old


def map_contains_key(mapping: dict[Any, Any], key: Any) -> bool:
    return (key if type(key) is str else box_key(key)) in mapping


def map_contains_value(mapping: dict[Any, Any], value: Any) -> bool:
    return collection_contains(list(mapping.values()), value)


def map_remove(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.pop(key if type(key) is str else box_key(key), None)


def map_get_or_default(mapping: dict[Any, Any], key: Any, default: Any) -> Any:
    boxed = key if type(key) is str else box_key(key)
    return mapping[boxed] if boxed in mapping else default


def map_put_all(mapping: dict[Any, Any], other: Any) -> None:
    if not isinstance(_not_null_arg(other), dict):
        raise JavaError(CCE, jvm_cast_message(class_name(other), "java.util.Map"))
    for key in map_keys(other):
        map_put(mapping, unbox_key(key), other[key])


_VIEW_CLASSES = {
    dict: ("java.util.LinkedHashMap.LinkedKeySet", "java.util.LinkedHashMap.LinkedValues",
           "java.util.LinkedHashMap.LinkedEntrySet", "java.util.LinkedHashMap.Entry"),
    JHashMap: ("java.util.HashMap.KeySet", "java.util.HashMap.Values", "java.util.HashMap.EntrySet",
               "java.util.HashMap.Node"),
    GsonMap: ("com.google.gson.internal.LinkedTreeMap.KeySet", "java.util.AbstractMap.2",
              "com.google.gson.internal.LinkedTreeMap.EntrySet", "com.google.gson.internal.LinkedTreeMap.Node"),
}


def map_view(mapping: dict[Any, Any], kind: int) -> SetView:
    """``keySet()`` (0), ``values()`` (1) or ``entrySet()`` (2)."""
    keys = map_keys(mapping)
    classes = _VIEW_CLASSES[type(mapping)]
    if kind == 0:
        items = [unbox_key(key) for key in keys]
    elif kind == 1:
        items = [mapping[key] for key in keys]
    else:
        items = [MapEntry(unbox_key(key), mapping[key], classes[3]) for key in keys]
    return SetView(items, classes[kind], mapping, kind)


def view_remove(view: SetView, value: Any) -> bool:
    """``Set.remove`` on a map view: the entry leaves the map too."""
    target = value.key if view.kind == 2 and type(value) is MapEntry else value
    for index, item in enumerate(view):
        probe = item.key if view.kind == 2 else item
        if (probe is None and target is None) or (probe is not None and target is not None
                                                  and java_equals(probe, target)):
            if view.kind == 1:
                for key in map_keys(view.mapping):
                    if view.mapping[key] is item:
                        del view.mapping[key]
                        break
            else:
                map_remove(view.mapping, probe)
            del view[index]
            return True
    return False


def map_key_set(mapping: dict[Any, Any]) -> SetView:
    return map_view(mapping, 0)


def map_values(mapping: dict[Any, Any]) -> SetView:
    return map_view(mapping, 1)


def map_entry_set(mapping: dict[Any, Any]) -> SetView:
    return map_view(mapping, 2)


def new_hash_map(source: Any = None) -> JHashMap:
    result = JHashMap()
    if source is not None:
        map_put_all(result, source)
    return result


def new_array_list(source: Any = None) -> list[Any]:
    if source is None:
        return []
    return list(iterate(source))


def object_hash_code(value: Any) -> int:
    return java_hash(value)


def object_equals(value: Any, other: Any) -> bool:
    return other is not None and java_equals(value, other)


def long_box(value: int) -> JLong:
    return JLong(value)


def float_box(value: float) -> JFloat:
    return JFloat(value)
