"""The Painless allowlist the emulator implements: methods, constructors and static fields.

Signatures come from OpenSearch's ``spi/java.lang.txt``, ``java.util.txt`` and ``java.math.txt``
(including Painless augmentations such as ``List.getLength()`` and ``String.splitOnToken``).
Implementations take and return values in the representation of the declared types:
primitives unboxed (``long`` is a Python int, ``char`` a one-character string), references
as the value model holds them. :data:`KNOWN_ELSEWHERE` lists allowlisted names the emulator
does not implement, so that calling one is reported as unsupported rather than as missing.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import jlib
from .errors import JavaError
from .jformat import java_double, java_float, to_java_string
from .jvalues import (
    INT_MAX,
    INT_MIN,
    LONG_MAX,
    LONG_MIN,
    JavaObject,
    JBigDecimal,
    JBigInteger,
    double_to_int,
    java_hash,
    number_double_value,
    number_float_value,
    number_int_value,
    number_long_value,
)
from .types import JType, ancestors, resolve


@dataclass(frozen=True)
class Method:
    owner: str
    name: str
    params: tuple[JType, ...]
    ret: JType
    impl: Callable[..., Any]
    static: bool = False

    @property
    def arity(self) -> int:
        return len(self.params)


METHODS: dict[str, dict[tuple[str, int], Method]] = {}
STATICS: dict[str, dict[tuple[str, int], Method]] = {}
CONSTRUCTORS: dict[str, dict[int, Method]] = {}
FIELDS: dict[str, dict[str, tuple[JType, Any]]] = {}


def _type(name: str) -> JType:
    found = resolve(name)
    if found is None:
        raise KeyError(name)
    return found


def _method(owner: str, signature: str, impl: Callable[..., Any], *, static: bool = False) -> None:
    """Register ``"ret name(params)"`` on ``owner``."""
    ret, rest = signature.split(" ", 1)
    name, params_text = rest.split("(", 1)
    params = tuple(_type(p.strip()) for p in params_text.rstrip(")").split(",") if p.strip())
    table = STATICS if static else METHODS
    table.setdefault(owner, {})[(name, len(params))] = Method(owner, name, params, _type(ret), impl, static)


def _constructor(owner: str, params_text: str, impl: Callable[..., Any]) -> None:
    params = tuple(_type(p.strip()) for p in params_text.split(",") if p.strip())
    CONSTRUCTORS.setdefault(owner, {})[len(params)] = Method(owner, "<init>", params, _type(owner), impl)


def _field(owner: str, name: str, type_name: str, value: Any) -> None:
    FIELDS.setdefault(owner, {})[name] = (_type(type_name), value)


def lookup_method(key: str, name: str, arity: int) -> Method | None:
    """An instance method of class ``key`` or of any of its supertypes."""
    for ancestor in ancestors(key):
        found = METHODS.get(ancestor, {}).get((name, arity))
        if found is not None:
            return found
    return None


def lookup_static(key: str, name: str, arity: int) -> Method | None:
    return STATICS.get(key, {}).get((name, arity))


def lookup_getter(key: str, name: str) -> Method | None:
    """The ``getX()``/``isX()`` method a ``.x`` shortcut reads."""
    if not name:
        return None
    capital = name[0].upper() + name[1:]
    return lookup_method(key, "get" + capital, 0) or lookup_method(key, "is" + capital, 0)


def lookup_setter(key: str, name: str) -> Method | None:
    if not name:
        return None
    return lookup_method(key, "set" + name[0].upper() + name[1:], 1)


# ---- java.lang.Object / CharSequence / String --------------------------------------------------

_method("Object", "boolean equals(Object)", jlib.object_equals)
_method("Object", "int hashCode()", java_hash)
_method("Object", "String toString()", to_java_string)

_method("CharSequence", "char charAt(int)", lambda s, i: jlib.string_char_at(_text(s), i))
_method("CharSequence", "int length()", lambda s: jlib.java_length(_text(s)))
_method("CharSequence", "CharSequence subSequence(int,int)", lambda s, a, b: jlib.string_substring(_text(s), a, b))
_method("CharSequence", "String toString()", to_java_string)

_method("String", "boolean contains(CharSequence)", jlib.string_contains)
_method("String", "String replace(CharSequence,CharSequence)", jlib.string_replace)
_method("String", "boolean equalsIgnoreCase(String)", jlib.string_equals_ignore_case)
_method("String", "String substring(int)", jlib.string_substring)
_method("String", "String substring(int,int)", jlib.string_substring)
_method("String", "int indexOf(String)", jlib.string_index_of)
_method("String", "int indexOf(String,int)", jlib.string_index_of)
_method("String", "int lastIndexOf(String)", jlib.string_last_index_of)
_method("String", "int lastIndexOf(String,int)", jlib.string_last_index_of)
_method("String", "boolean startsWith(String)", jlib.string_starts_with)
_method("String", "boolean startsWith(String,int)", jlib.string_starts_with)
_method("String", "boolean endsWith(String)", lambda s, suffix: s.endswith(jlib._not_null_arg(suffix)))
_method("String", "String trim()", jlib.string_trim)
_method("String", "String toLowerCase()", str.lower)
_method("String", "String toUpperCase()", str.upper)
_method("String", "boolean isEmpty()", lambda s: len(s) == 0)
_method("String", "int compareTo(String)", jlib.string_compare_to)
_method("String", "String concat(String)", jlib.string_concat)
_method("String", "String[] splitOnToken(String)", jlib.string_split_on_token)
_method("String", "String[] splitOnToken(String,int)", jlib.string_split_on_token)
_method("String", "char[] toCharArray()", jlib.string_to_char_array)
_method("String", "String encodeBase64()", jlib.string_encode_base64)
_method("String", "String decodeBase64()", jlib.string_decode_base64)
_method("String", "String valueOf(def)", to_java_string, static=True)
_method("String", "String join(CharSequence,Iterable)", jlib.string_join, static=True)
_constructor("String", "", lambda: "")


def _text(sequence: Any) -> str:
    return sequence.text() if not isinstance(sequence, str) else sequence


# ---- java.lang.StringBuilder ---------------------------------------------------------------

for _owner in ("StringBuilder", "StringBuffer"):
    _constructor(_owner, "", jlib.builder_new)
    _constructor(_owner, "CharSequence", jlib.builder_new)
    _method(_owner, f"{_owner} append(def)", jlib.builder_append)
    _method(_owner, f"{_owner} append(CharSequence,int,int)", jlib.builder_append_range)
    _method(_owner, f"{_owner} insert(int,def)", jlib.builder_insert)
    _method(_owner, f"{_owner} reverse()", jlib.builder_reverse)
    _method(_owner, "void setLength(int)", jlib.builder_set_length)
    _method(_owner, "int length()", jlib.builder_length)
    _method(_owner, "char charAt(int)", jlib.builder_char_at)
    _method(_owner, "void setCharAt(int,char)", jlib.builder_set_char_at)
    _method(_owner, f"{_owner} delete(int,int)", jlib.builder_delete)
    _method(_owner, f"{_owner} deleteCharAt(int)", jlib.builder_delete_char_at)
    _method(_owner, f"{_owner} replace(int,int,String)", jlib.builder_replace)
    _method(_owner, "String substring(int)", jlib.builder_substring)
    _method(_owner, "String substring(int,int)", jlib.builder_substring)
    _method(_owner, "int indexOf(String)", jlib.builder_index_of)
    _method(_owner, "int indexOf(String,int)", jlib.builder_index_of)
    _method(_owner, "int lastIndexOf(String)", jlib.builder_last_index_of)
    _method(_owner, "int lastIndexOf(String,int)", jlib.builder_last_index_of)


# ---- numbers -------------------------------------------------------------------------------

def _byte(value: Any) -> int:
    return ((number_int_value(value) + 128) & 0xFF) - 128


def _short(value: Any) -> int:
    return ((number_int_value(value) + 32768) & 0xFFFF) - 32768


_method("Number", "byte byteValue()", _byte)
_method("Number", "short shortValue()", _short)
_method("Number", "int intValue()", number_int_value)
_method("Number", "long longValue()", number_long_value)
_method("Number", "float floatValue()", number_float_value)
_method("Number", "double doubleValue()", number_double_value)


def _compare(left: Any, right: Any) -> int:
    if right is None:
        raise JavaError(jlib.NPE, None)
    a, b = number_double_value(left), number_double_value(right)
    if math.isnan(a) or math.isnan(b):
        return (not math.isnan(b)) - (not math.isnan(a)) if math.isnan(a) != math.isnan(b) else 0
    return (a > b) - (a < b)


def _parse_int(text: Any, radix: int = 10) -> int:
    return jlib.parse_integer(text, radix, 32)


def _parse_long(text: Any, radix: int = 10) -> int:
    return jlib.parse_integer(text, radix, 64)


_method("Integer", "int compareTo(Integer)", _compare)
_method("Integer", "int parseInt(String)", _parse_int, static=True)
_method("Integer", "int parseInt(String,int)", _parse_int, static=True)
_method("Integer", "Integer valueOf(int)", lambda v: v, static=True)
_method("Integer", "String toString(int)", str, static=True)
_method("Integer", "int max(int,int)", max, static=True)
_method("Integer", "int min(int,int)", min, static=True)
_method("Integer", "int compare(int,int)", lambda a, b: (a > b) - (a < b), static=True)
_method("Integer", "int signum(int)", lambda a: (a > 0) - (a < 0), static=True)
_field("Integer", "MAX_VALUE", "int", INT_MAX)
_field("Integer", "MIN_VALUE", "int", INT_MIN)

_method("Long", "int compareTo(Long)", _compare)
_method("Long", "long parseLong(String)", _parse_long, static=True)
_method("Long", "long parseLong(String,int)", _parse_long, static=True)
_method("Long", "Long valueOf(long)", jlib.long_box, static=True)
_method("Long", "String toString(long)", str, static=True)
_method("Long", "long max(long,long)", max, static=True)
_method("Long", "long min(long,long)", min, static=True)
_method("Long", "int compare(long,long)", lambda a, b: (a > b) - (a < b), static=True)
_field("Long", "MAX_VALUE", "long", LONG_MAX)
_field("Long", "MIN_VALUE", "long", LONG_MIN)

_method("Double", "int compareTo(Double)", _compare)
_method("Double", "boolean isNaN()", lambda v: math.isnan(v))
_method("Double", "boolean isInfinite()", lambda v: math.isinf(v))
_method("Double", "double parseDouble(String)", jlib.parse_double, static=True)
_method("Double", "Double valueOf(double)", lambda v: v, static=True)
_method("Double", "String toString(double)", java_double, static=True)
_method("Double", "boolean isNaN(double)", math.isnan, static=True)
_method("Double", "boolean isInfinite(double)", math.isinf, static=True)
_method("Double", "boolean isFinite(double)", math.isfinite, static=True)
_method("Double", "int compare(double,double)", lambda a, b: _compare(a, b), static=True)
_field("Double", "MAX_VALUE", "double", 1.7976931348623157e308)
_field("Double", "MIN_VALUE", "double", 5e-324)
_field("Double", "NaN", "double", math.nan)
_field("Double", "POSITIVE_INFINITY", "double", math.inf)
_field("Double", "NEGATIVE_INFINITY", "double", -math.inf)

_method("Float", "int compareTo(Float)", _compare)
_method("Float", "boolean isNaN()", lambda v: math.isnan(v.v))
_method("Float", "boolean isInfinite()", lambda v: math.isinf(v.v))
_method("Float", "float parseFloat(String)", jlib.parse_float, static=True)
_method("Float", "Float valueOf(float)", jlib.float_box, static=True)
_method("Float", "String toString(float)", java_float, static=True)
_field("Float", "MAX_VALUE", "float", 3.4028234663852886e38)
_field("Float", "MIN_VALUE", "float", 1.401298464324817e-45)

_method("Boolean", "boolean booleanValue()", lambda v: v)
_method("Boolean", "int compareTo(Boolean)", lambda a, b: (a > b) - (a < b))
_method("Boolean", "boolean parseBoolean(String)", lambda s: s is not None and s.lower() == "true", static=True)
_method("Boolean", "String toString(boolean)", lambda v: "true" if v else "false", static=True)
_method("Boolean", "Boolean valueOf(boolean)", lambda v: v, static=True)
_field("Boolean", "TRUE", "Boolean", True)
_field("Boolean", "FALSE", "Boolean", False)

def _code_point_test(test: Callable[[str], bool]) -> Callable[[int], bool]:
    """A ``Character.isX(int)`` test: false for values that are not code points, as in Java."""
    return lambda code: 0 <= code <= 0x10FFFF and test(chr(code))


def _is_whitespace(char: str) -> bool:
    return char in " \t\n\x0b\f\r\x1c\x1d\x1e\x1f" or (char.isspace() and char not in "\xa0\u2007\u202f")


_method("Character", "char charValue()", lambda c: c.v)
_method("Character", "String toString(char)", lambda c: c, static=True)
_method("Character", "boolean isDigit(int)", _code_point_test(str.isdigit), static=True)
_method("Character", "boolean isLetter(int)", _code_point_test(str.isalpha), static=True)
_method("Character", "boolean isLetterOrDigit(int)", _code_point_test(str.isalnum), static=True)
_method("Character", "boolean isWhitespace(int)", _code_point_test(_is_whitespace), static=True)
_method("Character", "boolean isUpperCase(int)", _code_point_test(str.isupper), static=True)
_method("Character", "boolean isLowerCase(int)", _code_point_test(str.islower), static=True)
_method("Character", "char toUpperCase(char)", jlib._simple_upper, static=True)
_method("Character", "char toLowerCase(char)", jlib._simple_lower, static=True)


# ---- java.lang.Math ------------------------------------------------------------------------

def _round(value: float) -> int:
    if math.isnan(value):
        return 0
    return double_to_int(math.floor(value + 0.5), 64) if math.isfinite(value) else double_to_int(value, 64)


def _pow(base: float, exponent: float) -> float:
    try:
        return math.pow(base, exponent)
    except OverflowError:
        return math.inf if base > 0 or float(exponent).is_integer() and exponent % 2 == 0 else -math.inf
    except ValueError:
        if base == 0:
            return math.inf
        return math.nan


def _guard(function: Callable[[float], float], overflow: float = math.inf) -> Callable[[float], float]:
    def guarded(value: float) -> float:
        try:
            return function(value)
        except OverflowError:
            return overflow
        except ValueError:
            if function in (math.log, math.log10) and value == 0:
                return -math.inf
            return math.nan

    return guarded


def _signum(value: float) -> float:
    if math.isnan(value) or value == 0:
        return value
    return 1.0 if value > 0 else -1.0


def _max(a: float, b: float) -> float:
    if math.isnan(a) or math.isnan(b):
        return math.nan
    if a == b == 0:
        return b if math.copysign(1, a) < 0 else a
    return a if a > b else b


def _min(a: float, b: float) -> float:
    if math.isnan(a) or math.isnan(b):
        return math.nan
    if a == b == 0:
        return a if math.copysign(1, a) < 0 else b
    return a if a < b else b


for _owner in ("Math", "StrictMath"):
    _method(_owner, "double abs(double)", abs, static=True)
    _method(_owner, "double max(double,double)", _max, static=True)
    _method(_owner, "double min(double,double)", _min, static=True)
    _method(_owner, "double floor(double)", _guard(lambda v: float(math.floor(v)) if math.isfinite(v) else v),
            static=True)
    _method(_owner, "double ceil(double)", _guard(lambda v: float(math.ceil(v)) if math.isfinite(v) else v),
            static=True)
    _method(_owner, "long round(double)", _round, static=True)
    _method(_owner, "double sqrt(double)", _guard(math.sqrt), static=True)
    _method(_owner, "double cbrt(double)", _guard(lambda v: math.copysign(abs(v) ** (1 / 3), v)), static=True)
    _method(_owner, "double pow(double,double)", _pow, static=True)
    _method(_owner, "double exp(double)", _guard(math.exp), static=True)
    _method(_owner, "double log(double)", _guard(math.log), static=True)
    _method(_owner, "double log10(double)", _guard(math.log10), static=True)
    _method(_owner, "double signum(double)", _signum, static=True)
    _method(_owner, "double hypot(double,double)", math.hypot, static=True)
    _method(_owner, "double random()", random.random, static=True)
    _field(_owner, "PI", "double", math.pi)
    _field(_owner, "E", "double", math.e)


# ---- java.math -------------------------------------------------------------------------------

_constructor("BigDecimal", "String", jlib.big_decimal_from_string)
_method("BigDecimal", "BigDecimal add(BigDecimal)", jlib.big_decimal_add)
_method("BigDecimal", "BigDecimal subtract(BigDecimal)", jlib.big_decimal_subtract)
_method("BigDecimal", "BigDecimal multiply(BigDecimal)", jlib.big_decimal_multiply)
_method("BigDecimal", "BigDecimal negate()", lambda v: JBigDecimal(-v.unscaled, v.scale))
_method("BigDecimal", "BigDecimal abs()", lambda v: JBigDecimal(abs(v.unscaled), v.scale))
_method("BigDecimal", "int signum()", lambda v: (v.unscaled > 0) - (v.unscaled < 0))
_method("BigDecimal", "int scale()", lambda v: v.scale)
_method("BigDecimal", "int compareTo(BigDecimal)", jlib.big_decimal_compare)
_method("BigDecimal", "BigDecimal stripTrailingZeros()", jlib.big_decimal_strip)
_method("BigDecimal", "BigDecimal setScale(int)", jlib.big_decimal_set_scale)
_method("BigDecimal", "String toPlainString()", jlib.big_decimal_plain)
_method("BigDecimal", "BigDecimal valueOf(double)", jlib.big_decimal_value_of, static=True)
_field("BigDecimal", "ZERO", "BigDecimal", JBigDecimal(0, 0))
_field("BigDecimal", "ONE", "BigDecimal", JBigDecimal(1, 0))
_field("BigDecimal", "TEN", "BigDecimal", JBigDecimal(10, 0))

_constructor("BigInteger", "String", jlib.big_integer_from_string)
_constructor("BigInteger", "String,int", jlib.big_integer_from_string)
_method("BigInteger", "BigInteger add(BigInteger)", lambda a, b: JBigInteger(a.v + jlib._not_null_arg(b).v))
_method("BigInteger", "BigInteger subtract(BigInteger)", lambda a, b: JBigInteger(a.v - jlib._not_null_arg(b).v))
_method("BigInteger", "BigInteger multiply(BigInteger)", lambda a, b: JBigInteger(a.v * jlib._not_null_arg(b).v))
_method("BigInteger", "int signum()", lambda v: (v.v > 0) - (v.v < 0))
_method("BigInteger", "BigInteger valueOf(long)", JBigInteger, static=True)


# ---- java.util -----------------------------------------------------------------------------

_method("Iterable", "String join(String)", jlib.iterable_join)
_method("Iterable", "double sum()", jlib.iterable_sum)

_method("Collection", "boolean add(def)", jlib.list_add)
_method("Collection", "boolean addAll(Collection)", jlib.collection_add_all)
_method("Collection", "void clear()", jlib.collection_clear)
_method("Collection", "boolean contains(def)", jlib.collection_contains)
_method("Collection", "boolean isEmpty()", lambda items: len(items) == 0)
_method("Collection", "int size()", len)

_method("List", "void add(int,def)", jlib.list_insert)
_method("List", "def get(int)", jlib.list_get)
_method("List", "def set(int,def)", jlib.list_set)
_method("List", "def remove(int)", jlib.list_remove_at)
_method("List", "int indexOf(def)", jlib.list_index_of)
_method("List", "int lastIndexOf(def)", jlib.list_last_index_of)
_method("List", "List subList(int,int)", jlib.list_sub_list)
_method("List", "int getLength()", len)
_method("List", "boolean equals(Object)", jlib.object_equals)
_method("List", "int hashCode()", java_hash)

_method("Set", "boolean remove(def)", jlib.view_remove)

_constructor("ArrayList", "", jlib.new_array_list)
_constructor("ArrayList", "Collection", jlib.new_array_list)

_method("Map", "def get(def)", jlib.map_get)
_method("Map", "def put(def,def)", jlib.map_put)
_method("Map", "def putIfAbsent(def,def)", jlib.map_put_if_absent)
_method("Map", "boolean containsKey(def)", jlib.map_contains_key)
_method("Map", "boolean containsValue(def)", jlib.map_contains_value)
_method("Map", "def remove(def)", jlib.map_remove)
_method("Map", "def getOrDefault(def,def)", jlib.map_get_or_default)
_method("Map", "void putAll(Map)", jlib.map_put_all)
_method("Map", "boolean isEmpty()", lambda mapping: len(mapping) == 0)
_method("Map", "int size()", len)
_method("Map", "void clear()", dict.clear)
_method("Map", "Set keySet()", jlib.map_key_set)
_method("Map", "Collection values()", jlib.map_values)
_method("Map", "Set entrySet()", jlib.map_entry_set)
_method("Map", "boolean equals(Object)", jlib.object_equals)

_method("MapEntry", "def getKey()", lambda entry: entry.key)
_method("MapEntry", "def getValue()", lambda entry: entry.value)

_constructor("HashMap", "", jlib.new_hash_map)
_constructor("HashMap", "Map", jlib.new_hash_map)
_constructor("LinkedHashMap", "", dict)
_constructor("LinkedHashMap", "Map", lambda source: _linked_copy(source))


def _linked_copy(source: Any) -> dict[Any, Any]:
    result: dict[Any, Any] = {}
    jlib.map_put_all(result, source)
    return result


# ---- exceptions ----------------------------------------------------------------------------

def _exception_factory(key: str) -> Callable[..., JavaObject]:
    canonical = _type(key).name

    def create(message: str | None = None) -> JavaObject:
        return JavaObject(canonical, message, None)

    return create


for _key in ("Exception", "RuntimeException", "IllegalArgumentException", "IllegalStateException",
             "ArithmeticException", "NullPointerException", "ClassCastException", "IndexOutOfBoundsException",
             "ArrayIndexOutOfBoundsException", "StringIndexOutOfBoundsException", "NumberFormatException",
             "UnsupportedOperationException"):
    _constructor(_key, "", _exception_factory(_key))
    _constructor(_key, "String", _exception_factory(_key))

_method("Exception", "String getMessage()", lambda exception: exception.message)
_method("Exception", "String getLocalizedMessage()", lambda exception: exception.message)


# Allowlisted instance methods the emulator does not implement (name, arity): calling one on a
# def receiver is reported at compile time as unsupported instead of failing as "not found".
KNOWN_ELSEWHERE = frozenset({
    ("codePointAt", 1), ("codePointBefore", 1), ("codePointCount", 2), ("contentEquals", 1), ("getChars", 4),
    ("offsetByCodePoints", 2), ("regionMatches", 4), ("regionMatches", 5), ("toLowerCase", 1), ("toUpperCase", 1),
    ("chars", 0), ("codePoints", 0), ("replaceAll", 2), ("replaceFirst", 2), ("compareToIgnoreCase", 1),
    ("appendCodePoint", 1), ("capacity", 0), ("iterator", 0), ("listIterator", 0), ("listIterator", 1),
    ("stream", 0), ("spliterator", 0), ("toArray", 0), ("toArray", 1), ("forEach", 1), ("removeIf", 1),
    ("replaceAll", 1), ("sort", 1), ("containsAll", 1), ("removeAll", 1), ("retainAll", 1), ("addAll", 2),
    ("getByPath", 1), ("getByPath", 2), ("collect", 1), ("collect", 2), ("find", 1), ("findAll", 1),
    ("findResult", 1), ("findResult", 2), ("findResults", 1), ("groupBy", 1), ("any", 1), ("every", 1),
    ("each", 1), ("eachWithIndex", 1), ("count", 1), ("asCollection", 0), ("asList", 0), ("sum", 1),
    ("compute", 2), ("computeIfAbsent", 2), ("computeIfPresent", 2), ("merge", 3), ("replace", 3),
    ("intValueExact", 0), ("longValueExact", 0), ("divide", 1), ("divide", 2), ("remainder", 1), ("pow", 1),
    ("precision", 0), ("toBigInteger", 0), ("movePointLeft", 1), ("movePointRight", 1), ("max", 1), ("min", 1),
    ("ulp", 0), ("toEngineeringString", 0), ("clone", 0), ("trimToSize", 0), ("getStackTrace", 0),
})
