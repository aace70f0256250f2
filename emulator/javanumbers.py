"""Java's spelling of floating-point numbers: ``Double.toString`` and ``Float.toString`` (JDK 19+).

The shortest decimal that rounds back to the value, in Java's layout: plain notation in
[1e-3, 1e7) with at least one fractional digit, ``d.dddE±n`` outside it. Python's ``repr``
picks the same shortest digits for normal doubles, so only the layout is redone there;
subnormals, where Java also weighs two-digit candidates, take an exact search. Every layer
that writes a double as Java would (templates, Jackson output, Painless, JSONPath) uses this.
"""

from __future__ import annotations

import math
import struct
from fractions import Fraction
from typing import Any


def _bits(value: float) -> int:
    return struct.unpack("<q", struct.pack("<d", value))[0]


def _float_bits(value: float) -> int:
    return struct.unpack("<i", struct.pack("<f", value))[0]


_MIN_NORMAL_DOUBLE = 2.2250738585072014e-308
_MIN_NORMAL_FLOAT = 1.1754943508222875e-38


def _special(value: float) -> str | None:
    """NaN, the infinities and the signed zeros, spelled alike by ``Double`` and ``Float``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    return None


def java_double(value: float) -> str:
    """``Double.toString(value)``."""
    special = _special(value)
    if special is not None:
        return special
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        # Python's repr uses plain notation with the same shortest digits in this range.
        return repr(value)
    if magnitude >= _MIN_NORMAL_DOUBLE:
        return _from_repr(repr(value))
    return _subnormal_double(value)


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
    bits = _bits(abs(value))
    below = Fraction(_bits_to_double(bits - 1))
    above = Fraction(_bits_to_double(bits + 1))
    digits, exponent = _shortest_decimal(abs(value), below, above, even=bits % 2 == 0, max_digits=17)
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return ("-" if value < 0 else "") + f"{mantissa}E{exponent}"


def java_float(value: float) -> str:
    """``Float.toString(value)`` for a float32-exact Python float."""
    special = _special(value)
    if special is not None:
        return special
    magnitude = abs(value)
    if magnitude >= _MIN_NORMAL_FLOAT:
        # For normal floats the correctly rounded shortest decimal that maps back to the same float is
        # Java's choice (its closer-two-digit rule only matters for subnormals): try 1 to 9 digits.
        for precision in range(9):
            text = f"{value:.{precision}e}"
            if _to_float32(float(text)) == value:
                return java_double(float(text))
    bits = _float_bits(magnitude)
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
