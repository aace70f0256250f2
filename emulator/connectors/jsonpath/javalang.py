"""The Java semantics Jayway's behaviour leans on, for plain Python JSON values.

Jayway runs on ``java.lang.String`` (UTF-16 code units), ``Integer.parseInt``, ``BigDecimal``,
``Object.equals`` / ``toString`` of json-smart's containers. The messages and comparisons the plugin
produces depend on those exact semantics, so they are reproduced here once.

A document parsed by json-smart (``JSONParser.MODE_PERMISSIVE`` with ordered maps) is made of
``LinkedHashMap``, ``JSONArray``, ``String``, ``Boolean``, ``Integer``/``Long``/``BigInteger`` (by range),
``Double`` (or ``BigDecimal``) and ``null``; the Python counterparts are dict, list, str, bool, int,
float (``Decimal``) and None.
"""

from __future__ import annotations

import math
import struct
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from ...javanumbers import java_double
from .errors import JavaError, number_format_error

INT_MIN, INT_MAX = -(1 << 31), (1 << 31) - 1
LONG_MIN, LONG_MAX = -(1 << 63), (1 << 63) - 1


# -- strings as UTF-16 code units -----------------------------------------------------------------------------------

def units(text: str) -> str:
    """``text`` with every supplementary character split into its surrogate pair (one str char per Java char)."""
    if text.isascii() or max(text) <= "\uffff":
        return text
    raw = text.encode("utf-16-le", "surrogatepass")
    return "".join(chr(int.from_bytes(raw[i:i + 2], "little")) for i in range(0, len(raw), 2))


def readable(code_units: str) -> str:
    """The Python string whose Java form is ``code_units`` (surrogate pairs joined again)."""
    if code_units.isascii():
        return code_units
    return code_units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def readable_strings(value: Any) -> Any:
    """``readable`` applied to every string (keys included) of a parsed JSON value."""
    if isinstance(value, str):
        return readable(value)
    if isinstance(value, list):
        return [readable_strings(item) for item in value]
    if isinstance(value, dict):
        return {readable(key): readable_strings(item) for key, item in value.items()}
    return value


def java_length(text: str) -> int:
    """``String.length()``: the number of UTF-16 code units."""
    return len(text) + sum(1 for c in text if c > "\uffff")


def java_compare(left: str, right: str) -> int:
    """``String.compareTo``: code-unit order, which differs from code-point order above U+FFFF."""
    a, b = units(left), units(right)
    return (a > b) - (a < b)


def java_trim(text: str) -> str:
    """``String.trim()``: drops every char up to U+0020 at both ends (control chars included)."""
    start, end = 0, len(text)
    while start < end and text[start] <= " ":
        start += 1
    while end > start and text[end - 1] <= " ":
        end -= 1
    return text[start:end]


def is_java_digit(c: str) -> bool:
    """``Character.isDigit``: any Unicode decimal digit, not only 0-9."""
    return unicodedata.category(c) == "Nd"


def java_digit(c: str, radix: int) -> int:
    """``Character.digit``: the value of ``c`` in ``radix``, or -1."""
    if is_java_digit(c):
        value = unicodedata.decimal(c)
    elif "a" <= c.lower() <= "z" and c.isascii():
        value = ord(c.lower()) - ord("a") + 10
    elif "\uff21" <= c <= "\uff3a" or "\uff41" <= c <= "\uff5a":
        value = (ord(c) - 0xFF21 if c <= "\uff3a" else ord(c) - 0xFF41) + 10
    else:
        return -1
    return value if value < radix else -1


def parse_int(text: str, radix: int = 10) -> int:
    """``Integer.parseInt``: optional sign, digits of ``radix``, within the int range."""
    def refused() -> JavaError:
        error = number_format_error(text)
        if radix != 10:
            error = JavaError(error.java_type, f"{error.message} under radix {radix}")
        return error

    if not text:
        raise refused()
    start, negative = 0, False
    if text[0] < "0":
        if text[0] not in "+-" or len(text) == 1:
            raise refused()
        negative, start = text[0] == "-", 1
    value = 0
    for c in text[start:]:
        digit = java_digit(c, radix)
        if digit < 0:
            raise refused()
        value = value * radix + digit
        if value > (-INT_MIN if negative else INT_MAX):
            raise refused()
    return -value if negative else value


def big_decimal(text: str) -> Decimal:
    """``new BigDecimal(String)``: [sign] digits [. digits] [e [sign] digits], any Unicode digits."""
    i, n = 0, len(text)
    if i < n and text[i] in "+-":
        i += 1
    mantissa, fraction, seen_point = [], 0, False
    while i < n and (is_java_digit(text[i]) or (text[i] == "." and not seen_point)):
        if text[i] == ".":
            seen_point = True
        else:
            mantissa.append(str(unicodedata.decimal(text[i])))
            fraction += seen_point
        i += 1
    exponent = 0
    if i < n and text[i] in "eE" and mantissa:
        i += 1
        sign = -1 if i < n and text[i] == "-" else 1
        if i < n and text[i] in "+-":
            i += 1
        digits = []
        while i < n and is_java_digit(text[i]):
            digits.append(str(unicodedata.decimal(text[i])))
            i += 1
        if not digits:
            raise JavaError("java.lang.NumberFormatException", "No exponent digits.")
        exponent = sign * int("".join(digits))
        if not LONG_MIN <= exponent <= LONG_MAX:
            raise JavaError("java.lang.NumberFormatException", "Too many nonzero exponent digits.")
    if i < n:
        raise JavaError("java.lang.NumberFormatException",
                        f'Character {readable(text[i])} is neither a decimal digit number, decimal point, nor '
                        f'"e" notation exponential mark.')
    if not mantissa:
        raise JavaError("java.lang.NumberFormatException", "No digits found.")
    if not INT_MIN <= fraction - exponent <= INT_MAX:
        raise JavaError("java.lang.NumberFormatException", "Scale out of range.")
    sign_text = "-" if text[:1] == "-" else ""
    try:
        value = Decimal(f"{sign_text}{''.join(mantissa)}E{exponent - fraction}")
    except InvalidOperation:  # pragma: no cover - the grammar above only lets valid literals through
        raise JavaError("java.lang.NumberFormatException", None) from None
    return value.copy_abs() if value.is_zero() else value


def big_decimal_string(value: Decimal) -> str:
    """``BigDecimal.toString()``: the same scientific-notation rule as Python's ``Decimal``, no negative zero."""
    return str(value.copy_abs() if value.is_zero() else value)


# -- numbers ----------------------------------------------------------------------------------------------------------

def is_number(value: Any) -> bool:
    """``value instanceof Number`` (Java's Boolean is not a Number)."""
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def integer_class(value: int) -> str:
    """The class json-smart stores an integer literal in."""
    if INT_MIN <= value <= INT_MAX:
        return "java.lang.Integer"
    if LONG_MIN <= value <= LONG_MAX:
        return "java.lang.Long"
    return "java.math.BigInteger"


def double_value(value: int | float | Decimal) -> float:
    """``Number.doubleValue()``: too large a magnitude becomes an infinity rather than an error."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def int_value(value: int | float | Decimal) -> int:
    """``Number.intValue()``: a double is cast (truncated, saturated, NaN as 0), integers keep their low 32 bits."""
    if isinstance(value, float):
        if math.isnan(value):
            return 0
        if math.isinf(value):
            return INT_MAX if value > 0 else INT_MIN
        return max(INT_MIN, min(INT_MAX, int(value)))
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        # m * 10^e with e >= 32 is a multiple of 2^32: its low 32 bits are all zero.
        value = 0 if isinstance(exponent, int) and exponent >= 32 else int(value)
    low = int(value) & 0xFFFFFFFF
    return low - (1 << 32) if low > INT_MAX else low


def number_string(value: int | float | Decimal) -> str:
    """``Number.toString()`` of the class json-smart would have used."""
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, Decimal):
        return big_decimal_string(value)
    return str(value)


# -- class names, toString and equals of document values ----------------------------------------------------------

class KeySet(list[str]):
    """What ``keys()`` returns: a ``LinkedHashMap`` key set, which Jayway does not treat as a JSON array.

    It is a list for the caller (it serialises as one, as Gson writes a Set); inside the engine it is
    a collection that is neither an array nor an object.
    """


KEY_SET_CLASS = "java.util.LinkedHashMap$LinkedKeySet"


def is_array(value: Any) -> bool:
    """``JsonProvider.isArray``: a ``List`` (a key set is not one)."""
    return isinstance(value, list) and not isinstance(value, KeySet)


def class_name(value: Any) -> str:
    """``value.getClass().getName()`` for a json-smart value (``"null"`` for null, as Jayway prints it)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "java.lang.Boolean"
    if isinstance(value, int):
        return integer_class(value)
    if isinstance(value, float):
        return "java.lang.Double"
    if isinstance(value, Decimal):
        return "java.math.BigDecimal"
    if isinstance(value, str):
        return "java.lang.String"
    if isinstance(value, KeySet):
        return KEY_SET_CLASS
    if isinstance(value, list):
        return "net.minidev.json.JSONArray"
    if isinstance(value, dict):
        return "java.util.LinkedHashMap"
    return type(value).__name__


def to_string(value: Any) -> str:
    """``String.valueOf(value)``: maps print as ``LinkedHashMap`` does, lists as json-smart JSON."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return number_string(value)
    if isinstance(value, str):
        return value
    if isinstance(value, KeySet):
        return "[" + ", ".join(to_string(key) for key in value) + "]"
    if isinstance(value, list):
        return json_smart_string(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={to_string(item)}" for key, item in value.items()) + "}"
    return str(value)


def json_smart_string(value: Any) -> str:
    """json-smart's ``toJSONString`` with its default style (every key and string quoted, ``/`` escaped)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "null" if math.isinf(value) else java_double(value)
    if is_number(value):
        return number_string(value)
    if isinstance(value, str):
        return '"' + _escape_for_web(value) + '"'
    if isinstance(value, list):
        return "[" + ",".join(json_smart_string(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f'"{_escape_for_web(str(k))}":{json_smart_string(v)}' for k, v in value.items()) + "}"
    return '"' + _escape_for_web(str(value)) + '"'


_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                  "/": "\\/"}


def _escape_for_web(text: str) -> str:
    out = []
    for c in units(text):
        if c in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[c])
        elif c <= "\x1f" or "\x7f" <= c <= "\x9f" or "\u2000" <= c <= "\u20ff":
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return readable("".join(out))


def java_equals(left: Any, right: Any) -> bool:
    """``left.equals(right)`` for json-smart values: numbers only equal within the same Java class."""
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, int):
        return (isinstance(right, int) and integer_class(left) == integer_class(right)) and left == right
    if isinstance(left, float):
        # Double.equals compares bit patterns: NaN equals NaN, 0.0 does not equal -0.0.
        return isinstance(right, float) and struct.pack(">d", left) == struct.pack(">d", right)
    if isinstance(left, Decimal):
        # BigDecimal.equals wants the same value and the same scale.
        return (isinstance(right, Decimal) and left == right
                and left.as_tuple().exponent == right.as_tuple().exponent)
    if isinstance(left, str):
        return isinstance(right, str) and left == right
    if isinstance(left, list):
        return (isinstance(right, list) and len(left) == len(right)
                and all(java_equals(a, b) for a, b in zip(left, right, strict=True)))
    if isinstance(left, dict):
        return (isinstance(right, dict) and len(left) == len(right)
                and all(key in right and java_equals(item, right[key]) for key, item in left.items()))
    return left == right


def jayway_unescape(text: str) -> str:
    """Jayway's ``Utils.unescape`` over code units: backslash escapes, ``\\uXXXX``, a lone trailing backslash kept."""
    from .errors import JsonPathError

    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        i += 1
        if c != "\\":
            out.append(c)
            continue
        if i == n:
            out.append("\\")
            break
        e = text[i]
        i += 1
        if e == "u":
            code = text[i:i + 4]
            i += 4
            if len(code) < 4:
                # An unfinished \u at the very end is silently dropped.
                break
            try:
                value = parse_int(code, 16)
            except JavaError:
                raise JsonPathError(f"Unable to parse unicode value: {code}") from None
            out.append(chr(value & 0xFFFF))
        else:
            out.append({"r": "\r", "f": "\f", "t": "\t", "n": "\n", "b": "\b"}.get(e, e))
    return "".join(out)
