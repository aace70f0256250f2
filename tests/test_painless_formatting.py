"""Java's text for numbers and collections: Double.toString, Float.toString, List/Map.toString.

Golden values were produced with ``Double.toString``/``Float.toString`` on OpenJDK; the
properties check the JDK 19+ rules (shortest digits that round back, E notation outside
[1e-3, 1e7), at least one fractional digit) against independent brute-force searches.
"""

from __future__ import annotations

import math
import re
import struct
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.connectors.painless.jformat import java_double, java_float, list_to_string, map_to_string, to_java_string
from emulator.connectors.painless.jvalues import JHashMap, to_float32


def reference_java_double(value: float) -> str:
    """An independent spelling for normal doubles: the digits of ``Decimal(repr(x))`` in Java's layout."""
    sign = "-" if value < 0 else ""
    _, digit_tuple, exp = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    exponent = len(digits) - 1 + int(exp)
    digits = digits.rstrip("0") or "0"
    if 1e-3 <= abs(value) < 1e7:
        point = exponent + 1
        if point <= 0:
            return sign + "0." + "0" * (-point) + digits
        if point >= len(digits):
            return sign + digits + "0" * (point - len(digits)) + ".0"
        return sign + digits[:point] + "." + digits[point:]
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exponent}"


def double_from_bits(bits: int) -> float:
    return struct.unpack("<d", struct.pack("<q", bits))[0]


def float_from_bits(bits: int) -> float:
    return struct.unpack("<f", struct.pack("<i", bits))[0]


# (raw bits, Double.toString) printed by OpenJDK 17 where its algorithm agrees with JDK 19+.
DOUBLE_GOLDEN = [
    (1, "4.9E-324"), (3, "1.5E-323"), (4503599627370496, "2.2250738585072014E-308"), (20240225330731, "1.0E-310"),
    (4599075939470750516, "0.30000000000000004"), (4862596447618666293, "1.2345678901234568E17"),
    (4532020583610935537, "1.0E-5"), (4563315196701607639, "0.00123"), (4711630319722168319, "9999999.999999998"),
    (9218868437227405311, "1.7976931348623157E308"), (-4718609169332206730, "-1.5E-7"),
]

FLOAT_GOLDEN = [
    (1, "1.4E-45"), (2, "2.8E-45"), (7, "9.8E-45"), (14, "2.0E-44"), (2139095039, "3.4028235E38"),
    (1036831949, "0.1"), (786163455, "1.0E-10"), (1275068416, "3.3554432E7"), (1266679808, "1.6777216E7"),
    (1050253722, "0.3"), (1259902591, "9999999.0"), (1259902592, "1.0E7"), (981668463, "0.001"),
    (981668462, "9.999999E-4"), (1123477881, "123.456"),
]


@pytest.mark.parametrize(("bits", "expected"), DOUBLE_GOLDEN)
def test_double_to_string_matches_the_jdk(bits: int, expected: str) -> None:
    assert java_double(double_from_bits(bits)) == expected


@pytest.mark.parametrize(("bits", "expected"), FLOAT_GOLDEN)
def test_float_to_string_matches_the_jdk(bits: int, expected: str) -> None:
    assert java_float(float_from_bits(bits)) == expected


def test_jdk19_shortest_digits_for_1e23() -> None:
    # JDK 17 printed 9.999999999999999E22; JDK 19+ (OpenSearch ships 21+) prints the shortest form.
    assert java_double(1e23) == "1.0E23"


def test_special_doubles() -> None:
    assert [java_double(v) for v in (math.nan, math.inf, -math.inf, 0.0, -0.0)] == \
        ["NaN", "Infinity", "-Infinity", "0.0", "-0.0"]


def test_special_floats() -> None:
    assert [java_float(v) for v in (math.nan, math.inf, -math.inf, 0.0, -0.0)] == \
        ["NaN", "Infinity", "-Infinity", "0.0", "-0.0"]


_JAVA_DOUBLE = re.compile(r"-?(?:\d+\.\d+|\d\.\d+E-?\d+)")


def _significant_digits(text: str) -> str:
    mantissa = text.lstrip("-").split("E")[0].replace(".", "")
    digits = mantissa.lstrip("0").rstrip("0")
    return digits or "0"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_double_text_parses_back_to_the_same_value(value: float) -> None:
    assert float(java_double(value)) == value


@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda v: v != 0))
def test_double_uses_e_notation_exactly_outside_the_plain_range(value: float) -> None:
    text = java_double(value)
    assert _JAVA_DOUBLE.fullmatch(text)
    assert ("E" in text) == (not 1e-3 <= abs(value) < 1e7)
    if "E" in text:
        assert text.lstrip("-")[0] != "0" and "+" not in text


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=2.2250738585072014e-308)
       | st.floats(allow_nan=False, allow_infinity=False, max_value=-2.2250738585072014e-308))
def test_double_formatting_agrees_with_an_independent_layout(value: float) -> None:
    assert java_double(value) == reference_java_double(value)


@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda v: v != 0))
def test_double_digits_are_the_shortest_that_round_back(value: float) -> None:
    digits = _significant_digits(java_double(value))
    for length in range(1, len(digits)):
        if length == 1 and len(digits) == 2:
            continue  # Java prefers a closer two-digit decimal over a one-digit one
        for candidate in _decimals_of_length(value, length):
            assert float(candidate) != value


def _decimals_of_length(value: float, length: int) -> list[Decimal]:
    """The two ``length``-digit decimals around ``value``."""
    exact = Decimal(value)
    exponent = exact.adjusted() - length + 1
    quantum = Decimal(1).scaleb(exponent)
    return [exact.quantize(quantum, rounding=ROUND_FLOOR), exact.quantize(quantum, rounding=ROUND_CEILING)]


@given(st.floats(width=32, allow_nan=False, allow_infinity=False).filter(lambda v: v != 0))
def test_float_text_parses_back_to_the_same_float(value: float) -> None:
    assert to_float32(float(java_float(value))) == value


@given(st.floats(width=32, allow_nan=False, allow_infinity=False).filter(lambda v: v != 0))
def test_float_digits_are_the_shortest_float_digits(value: float) -> None:
    text = java_float(value)
    digits = _significant_digits(text)
    assert ("E" in text) == (not 1e-3 <= abs(value) < 1e7)
    for length in range(1, len(digits)):
        if length == 1 and len(digits) == 2:
            continue
        for candidate in _decimals_of_length(value, length):
            assert to_float32(float(candidate)) != value


_scalars = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.booleans(),
    st.none(),
    st.text(alphabet="abc ,[]=", max_size=4),
)


def _reference(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_reference(item) for item in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return java_double(value)
    return str(value)


@settings(max_examples=300)
@given(st.recursive(_scalars, lambda children: st.lists(children, max_size=6), max_leaves=40))
def test_list_to_string_matches_abstract_collection_to_string(value: object) -> None:
    if isinstance(value, list):
        assert list_to_string(value) == _reference(value)
    else:
        assert to_java_string(value) == _reference(value)


@settings(max_examples=200)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=60))
def test_float_lists_use_the_fast_path_with_java_text(values: list[float]) -> None:
    assert list_to_string(values) == "[" + ", ".join(java_double(v) for v in values) + "]"


def test_map_to_string_uses_key_equals_value() -> None:
    assert map_to_string({"a": 1, "b": [0.5, None], "c": {"d": "e"}}) == "{a=1, b=[0.5, null], c={d=e}}"


def test_hash_map_to_string_follows_java_bucket_order() -> None:
    mapping = JHashMap()
    for key in ("banana", "apple", "cherry", "z", "a", "b"):
        mapping[key] = len(key)
    mapping.grow()
    assert map_to_string(mapping) == "{banana=6, apple=5, cherry=6, a=1, b=1, z=1}"
