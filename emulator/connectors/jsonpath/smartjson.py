"""json-smart's permissive parser (``JSONParser.MODE_PERMISSIVE``), as Jayway uses it for JSON in a path.

Jayway parses the JSON literals of a filter (``@.tag in ['a','b']``), strings that look like JSON inside
such lists, and JSON function arguments with json-smart in permissive mode. That mode accepts a lot
plain JSON does not: single quotes, unquoted words, useless commas, leading zeros, NaN, and anything
after the first value. What it accepts and the values it builds decide whether a filter matches, so
this module follows its reading rules; its ``ParseException`` messages are reproduced too.

Numbers come back as Python ints (Java Integer/Long/BigInteger), floats (Double) or, for floating
literals longer than 18 chars, ``Decimal`` (BigDecimal), as json-smart's high-precision mode does.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from .errors import JavaError, number_format_error
from .javalang import big_decimal

EOI = "\x1a"
MAX_DEPTH = 400
_STOP_KEY = frozenset(":" + EOI)
_STOP_VALUE = frozenset(",}" + EOI)
_STOP_ARRAY = frozenset(",]" + EOI)
_STOP_TOP = frozenset(EOI)
_STOP_ALL = frozenset(",:]}" + EOI)
_SIMPLE_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "b": "\b", "\\": "\\", "/": "/", "'": "'", '"': '"'}


class SmartJsonError(Exception):
    """``net.minidev.json.parser.ParseException``."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)

    def java_string(self) -> str:
        return f"net.minidev.json.parser.ParseException: {self.message}"


def _unexpected_char(position: int, char: str) -> SmartJsonError:
    return SmartJsonError(f"Unexpected character ({char}) at position {position}.")


def _unexpected_token(position: int, token: object) -> SmartJsonError:
    return SmartJsonError(f"Unexpected token {token} at position {position}.")


def _unexpected_end(position: int, what: str | None) -> SmartJsonError:
    return SmartJsonError(f"Unexpected End Of File position {position}: {'null' if what is None else what}")


def java_is_whitespace(c: str) -> bool:
    """``Character.isWhitespace``: Unicode spaces except the no-break ones, plus the ASCII separators."""
    if c in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f":
        return True
    return c.isspace() and c not in "\xa0\u2007\u202f\x85" and (c == " " or not c.isascii())


def parse(text: str) -> Any:
    """The first JSON value of ``text``; raises ``SmartJsonError`` like json-smart does."""
    return _Parser(text).parse()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = -1
        self.c = EOI
        self.depth = 0

    # -- reading chars -------------------------------------------------------------------------------------------

    def read(self) -> None:
        self.pos += 1
        self.c = self.text[self.pos] if self.pos < len(self.text) else EOI

    def read_no_end(self) -> None:
        self.read()
        if self.pos >= len(self.text):
            raise _unexpected_end(self.pos - 1, "EOF")

    def skip_space(self) -> None:
        while not (self.c > " " or self.c == EOI):
            self.read()

    def skip_digits(self) -> None:
        while "0" <= self.c <= "9":
            self.read()

    def skip_unquoted(self, stop: frozenset[str]) -> None:
        while not (self.c == EOI or self.c in stop):
            self.read()

    def extract_trimmed(self, start: int, stop: int) -> str:
        while start < stop - 1 and java_is_whitespace(self.text[start]):
            start += 1
        while stop - 1 > start and java_is_whitespace(self.text[stop - 1]):
            stop -= 1
        return self.text[start:stop]

    # -- values ----------------------------------------------------------------------------------------------------

    def parse(self) -> Any:
        self.read()
        # Permissive mode accepts trailing data: whatever follows the first value is ignored.
        return self.read_value(_STOP_TOP)

    def read_value(self, stop: frozenset[str]) -> Any:
        while True:
            c = self.c
            if c in " \r\n\t":
                self.read()
                continue
            if c in ":}]":
                raise _unexpected_char(self.pos, c)
            if c == "{":
                return self.read_object()
            if c == "[":
                return self.read_array()
            if c in "\"'":
                return self.read_string()
            if c in "0123456789-":
                return self.read_number(stop)
            word = self.read_unquoted(stop)
            if c == "n" and word == "null":
                return None
            if c == "f" and word == "false":
                return False
            if c == "t" and word == "true":
                return True
            if c == "N" and word == "NaN":
                return math.nan
            return word

    def read_unquoted(self, stop: frozenset[str]) -> str:
        start = self.pos
        self.skip_unquoted(stop)
        return self.extract_trimmed(start, self.pos)

    def read_array(self) -> list[Any]:
        self.enter()
        items: list[Any] = []
        self.read()
        while True:
            c = self.c
            if c in " \r\n\t":
                self.read()
            elif c == "]":
                self.depth -= 1
                self.read()
                return items
            elif c in ":}":
                raise _unexpected_char(self.pos, c)
            elif c == ",":
                # Useless commas are accepted: they add nothing.
                self.read()
            elif c == EOI:
                raise _unexpected_end(self.pos - 1, "EOF")
            else:
                items.append(self.read_value(_STOP_ARRAY))

    def read_object(self) -> dict[str, Any]:
        self.enter()
        result: dict[str, Any] = {}
        while True:
            self.read()
            c = self.c
            if c in " \r\t\n":
                continue
            if c in ":][{":
                raise _unexpected_char(self.pos, c)
            if c == "}":
                self.depth -= 1
                self.read()
                return result
            if c == ",":
                continue
            key = self.read_string() if c in "\"'" else self.read_unquoted(_STOP_KEY)
            self.skip_space()
            if self.c != ":":
                if self.c == EOI:
                    raise _unexpected_end(self.pos - 1, None)
                raise _unexpected_char(self.pos - 1, self.c)
            self.read_no_end()
            result[key] = self.read_value(_STOP_VALUE)
            self.skip_space()
            if self.c == "}":
                self.depth -= 1
                self.read()
                return result
            if self.c == EOI:
                raise _unexpected_end(self.pos - 1, None)
            if self.c != ",":
                raise _unexpected_token(self.pos - 1, self.c)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SmartJsonError(
                f"Malicious payload, having non natural depths, parsing stoped on {self.c} at position {self.pos}.")

    def read_string(self) -> str:
        quote = self.c
        close = self.text.find(quote, self.pos + 1)
        if close == -1:
            raise _unexpected_end(len(self.text), None)
        raw = self.text[self.pos + 1:close]
        if "\\" not in raw:
            # Control chars are tolerated as they are (the permissive mode ignores them).
            self.pos = close
            self.read()
            return raw
        return self.read_escaped_string(quote)

    def read_escaped_string(self, quote: str) -> str:
        out: list[str] = []
        while True:
            self.read()
            c = self.c
            if c == EOI:
                raise _unexpected_end(self.pos - 1, None)
            if c == quote:
                self.read()
                return "".join(out)
            if c == "\\":
                self.read()
                if self.c in _SIMPLE_ESCAPES:
                    out.append(_SIMPLE_ESCAPES[self.c])
                elif self.c == "u":
                    out.append(self.read_hex(4))
                elif self.c == "x":
                    out.append(self.read_hex(2))
                # Any other escaped char is dropped together with its backslash.
            elif c <= "\x1f" or c == "\x7f":
                # Permissive mode skips control chars inside an escaped string.
                continue
            else:
                out.append(c)

    def read_hex(self, count: int) -> str:
        value = 0
        for _ in range(count):
            self.read()
            digit = "0123456789ABCDEF".find(self.c) if self.c in "0123456789ABCDEF" else -1
            if digit < 0 and "a" <= self.c <= "f":
                digit = ord(self.c) - ord("a") + 10
            if digit < 0:
                if self.c == EOI:
                    raise _unexpected_end(self.pos, "EOF")
                raise SmartJsonError(f"Unexpected unicode escape sequence {self.c} at position {self.pos}.")
            value = value * 16 + digit
        return chr(value)

    def read_number(self, stop: frozenset[str]) -> Any:
        start = self.pos
        self.read()
        self.skip_digits()
        if self.c not in ".Ee":
            if self.unquoted_follows(stop):
                return self.read_rest_as_word(start, stop)
            digits = self.extract_trimmed(start, self.pos)
            try:
                return int(digits.rstrip("-") or "0")
            except ValueError:
                # A control character the space skipper passed over is still part of the number text.
                raise number_format_error(digits) from None
        if self.c == ".":
            self.read()
            self.skip_digits()
        if self.c not in "Ee":
            if self.unquoted_follows(stop):
                return self.read_rest_as_word(start, stop)
            return self.floating(self.extract_trimmed(start, self.pos))
        self.read()
        if self.c in "+-" or "0" <= self.c <= "9":
            self.read()
            self.skip_digits()
            if self.unquoted_follows(stop):
                return self.read_rest_as_word(start, stop)
            return self.floating(self.extract_trimmed(start, self.pos))
        return self.read_rest_as_word(start, stop)

    def unquoted_follows(self, stop: frozenset[str]) -> bool:
        self.skip_space()
        return self.c != EOI and self.c < "~" and self.c not in stop

    def read_rest_as_word(self, start: int, stop: frozenset[str]) -> str:
        self.skip_unquoted(stop)
        return self.extract_trimmed(start, self.pos)

    def floating(self, literal: str) -> float | Decimal:
        try:
            if len(literal) > 18:
                return big_decimal(literal)
            return float(literal)
        except (ValueError, JavaError):
            raise _unexpected_token(self.pos, literal) from None
