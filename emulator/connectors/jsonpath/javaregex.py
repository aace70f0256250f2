"""``java.util.regex.Pattern`` for the ``=~ /.../flags`` operator of Jayway filters, on Python's ``re``.

Jayway compiles the regex of a filter with ``Pattern.compile(pattern, flags)`` and tests values with
``matcher(value).matches()`` (a whole-string match). The two dialects disagree in places that change
results: Java's ``.`` excludes every line terminator, its ``\\w``/``\\d``/``\\s`` and case folding are
ASCII-only unless ``u``/``U`` is given, ``\\z``/``\\Z``/``\\h``/``\\v``/``\\R``/``\\Q..\\E``/``\\p{..}``/
``(?<name>)`` are spelled differently or missing, and inline flags may appear mid-pattern.

This module translates a Java pattern into an equivalent Python one. A pattern Java would reject, or
a construct Python cannot express (class intersection ``&&``, negated nested classes, ``\\G``, ``\\X``,
variable-width look-behind, Unicode scripts and blocks in ``\\p{..}``) raises ``PatternError``, which
the filter compiler treats as Java's ``PatternSyntaxException``.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

FLAG_LETTERS = "dixmsuU"
_JAVA_SPACE = " \t\n\x0b\x0c\r"
_LINE_TERMINATORS = "\\n\\r\\x85\\u2028\\u2029"
_HORIZONTAL = " \\t\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000"
_VERTICAL = "\\n\\x0b\\x0c\\r\\x85\\u2028\\u2029"
_POSIX = {
    "Lower": "a-z", "Upper": "A-Z", "ASCII": "\\x00-\\x7f", "Alpha": "a-zA-Z", "Digit": "0-9",
    "Alnum": "a-zA-Z0-9", "Punct": "!-/:-@\\[-`{-~", "Graph": "!-~", "Print": " -~", "Blank": " \\t",
    "Cntrl": "\\x00-\\x1f\\x7f", "XDigit": "0-9a-fA-F", "Space": " \\t\\n\\x0b\\x0c\\r",
}
_CATEGORIES = frozenset({
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Ps",
    "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Co", "Cn",
})


class PatternError(Exception):
    """The pattern does not compile (``PatternSyntaxException``), or cannot be expressed in Python."""


@dataclass(frozen=True)
class _Flags:
    case_insensitive: bool = False
    multiline: bool = False
    dotall: bool = False
    unix_lines: bool = False
    comments: bool = False
    unicode_case: bool = False
    unicode_class: bool = False

    def with_letters(self, on: str, off: str = "") -> _Flags:
        changes: dict[str, bool] = {}
        for letters, value in ((on, True), (off, False)):
            for letter in letters:
                name = {"i": "case_insensitive", "m": "multiline", "s": "dotall", "d": "unix_lines",
                        "x": "comments", "u": "unicode_case", "U": "unicode_class"}[letter]
                changes[name] = value
                if letter == "U" and value:
                    changes["unicode_case"] = True
        return replace(self, **changes)

    @property
    def unicode(self) -> bool:
        return self.unicode_case or self.unicode_class


def compile_java_regex(pattern: str, flag_letters: str) -> re.Pattern[str]:
    """A Python regex that matches what ``Pattern.compile(pattern, flags)`` matches."""
    flags = _Flags().with_letters("".join(c for c in flag_letters if c in FLAG_LETTERS))
    body = _Translator(pattern, flags).translate()
    try:
        return re.compile(body, 0 if flags.unicode else re.ASCII)
    except (re.error, OverflowError, RecursionError) as error:
        raise PatternError(str(error)) from None


def _literal(c: str) -> str:
    return re.escape(c) if c != " " else " "


def _class_literal(c: str) -> str:
    return "\\" + c if c in "\\]^-[" else c


class _Translator:
    def __init__(self, pattern: str, flags: _Flags) -> None:
        self.src = pattern
        self.i = 0
        self.flags = flags
        self.out: list[str] = []
        self.groups = 0
        # Per open group: the flags to restore and how many inline-flag groups to close with it.
        self.stack: list[tuple[_Flags, int]] = []
        self.inline_groups = 0

    def translate(self) -> str:
        opener = self._scope(_Flags(unicode_case=self.flags.unicode), self.flags)
        while self.i < len(self.src):
            self._step()
        if self.stack:
            raise PatternError("Unclosed group")
        body = "".join(self.out) + ")" * self.inline_groups
        return f"{opener}{body})" if opener else body

    @staticmethod
    def _scope(before: _Flags, after: _Flags) -> str:
        """The Python scoped-flag opener taking the regex from ``before`` to ``after``, or ""."""
        on, off = "", ""
        for attribute, letter in (("case_insensitive", "i"), ("multiline", "m")):
            if getattr(after, attribute) and not getattr(before, attribute):
                on += letter
            elif getattr(before, attribute) and not getattr(after, attribute):
                off += letter
        if after.unicode != before.unicode:
            on += "u" if after.unicode else "a"
        if not on and not off:
            return ""
        return f"(?{on}{'-' + off if off else ''}:"

    def _peek(self, offset: int = 0) -> str:
        index = self.i + offset
        return self.src[index] if index < len(self.src) else ""

    def _skip_comment_or_space(self) -> bool:
        if not self.flags.comments:
            return False
        c = self._peek()
        if c in _JAVA_SPACE and c:
            self.i += 1
            return True
        if c == "#":
            while self.i < len(self.src) and self.src[self.i] not in "\n\r\x85\u2028\u2029":
                self.i += 1
            return True
        return False

    def _step(self) -> None:
        if self._skip_comment_or_space():
            return
        c = self.src[self.i]
        if c == "\\":
            self.out.append(self._escape())
        elif c == "[":
            self.out.append(self._char_class())
        elif c == "(":
            self._open_group()
        elif c == ")":
            self._close_group()
        elif c == ".":
            self.i += 1
            if self.flags.dotall:
                self.out.append("[\\s\\S]")
            elif self.flags.unix_lines:
                self.out.append("[^\\n]")
            else:
                self.out.append(f"[^{_LINE_TERMINATORS}]")
        elif c == "{":
            match = re.compile(r"\{\d+(,\d*)?\}").match(self.src, self.i)
            if match is None:
                raise PatternError("Illegal repetition")
            self.out.append(match.group())
            self.i = match.end()
        elif c in "*+?|^$":
            self.out.append(c)
            self.i += 1
        else:
            self.out.append(_literal(c))
            self.i += 1

    # -- groups -------------------------------------------------------------------------------------------------------

    def _open_group(self) -> None:
        saved = (self.flags, self.inline_groups)
        if self._peek(1) != "?":
            self.i += 1
            self.groups += 1
            self.out.append("(")
        else:
            marker = self._peek(2)
            if marker in (":", "=", "!", ">"):
                self.out.append("(?" + marker)
                self.i += 3
            elif marker == "<" and self._peek(3) in ("=", "!"):
                self.out.append("(?<" + self._peek(3))
                self.i += 4
            elif marker == "<":
                match = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)>").match(self.src, self.i + 2)
                if match is None:
                    raise PatternError("named capturing group is missing trailing '>'")
                self.groups += 1
                self.out.append(f"(?P<{match.group(1)}>")
                self.i = match.end()
            else:
                match = re.compile(r"([idmsuxU]*)(?:-([idmsuxU]*))?([:)])").match(self.src, self.i + 2)
                if match is None:
                    raise PatternError("Unknown inline modifier")
                flags = self.flags.with_letters(match.group(1), match.group(2) or "")
                scope = self._scope(self.flags, flags)
                self.i = match.end()
                if match.group(3) == ")":
                    # Inline flags hold until the enclosing group ends.
                    self.flags = flags
                    if scope:
                        self.out.append(scope)
                        self.inline_groups += 1
                    return
                self.out.append(scope or "(?:")
                self.stack.append(saved)
                self.flags, self.inline_groups = flags, 0
                return
        self.stack.append(saved)
        self.inline_groups = 0

    def _close_group(self) -> None:
        if not self.stack:
            raise PatternError("Unmatched closing ')'")
        self.out.append(")" * self.inline_groups + ")")
        self.flags, self.inline_groups = self.stack.pop()
        self.i += 1

    # -- escapes ------------------------------------------------------------------------------------------------------

    def _escape(self) -> str:
        """One escape outside a class, as Python regex text."""
        self.i += 1
        if self.i >= len(self.src):
            raise PatternError("Unexpected internal error")
        e = self.src[self.i]
        self.i += 1
        if e in "123456789":
            number = int(e)
            while self._peek().isdigit() and self._peek().isascii() and number * 10 + int(self._peek()) <= self.groups:
                number = number * 10 + int(self._peek())
                self.i += 1
            return f"(?:\\{number})"
        if e in "dDsSwWbBA":
            if e == "b" and self._peek() == "{":
                raise PatternError("\\b{g} is not supported")
            return "\\" + e
        if e == "z":
            return "\\Z"
        if e == "Z":
            return "(?=\\n?\\Z)" if self.flags.unix_lines else f"(?=(?:\\r\\n|[{_LINE_TERMINATORS}])?\\Z)"
        if e == "h":
            return f"[{_HORIZONTAL}]"
        if e == "H":
            return f"[^{_HORIZONTAL}]"
        if e == "v":
            return f"[{_VERTICAL}]"
        if e == "V":
            return f"[^{_VERTICAL}]"
        if e == "R":
            return f"(?>\\r\\n|[{_VERTICAL}])"
        if e == "Q":
            end = self.src.find("\\E", self.i)
            quoted = self.src[self.i:] if end == -1 else self.src[self.i:end]
            self.i = len(self.src) if end == -1 else end + 2
            return "".join(_literal(c) for c in quoted)
        if e in "pP":
            body = self._property()
            return f"[{'^' if e == 'P' else ''}{body}]"
        if e == "k":
            match = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)>").match(self.src, self.i)
            if match is None:
                raise PatternError("\\k is not followed by '<' for named capturing group")
            self.i = match.end()
            return f"(?P={match.group(1)})"
        if e == "N":
            match = re.compile(r"\{[^}]*\}").match(self.src, self.i)
            if match is None:
                raise PatternError("Unknown character name")
            self.i = match.end()
            return "\\N" + match.group()
        return _literal(self._char_escape(e))

    def _char_escape(self, e: str) -> str:
        """The single char an escape such as ``\\t``, ``\\x41``, ``\\u00e9``, ``\\0101`` or ``\\cA`` stands for."""
        simple = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "a": "\a", "e": "\x1b"}
        if e in simple:
            return simple[e]
        if e == "0":
            match = re.compile(r"[0-3][0-7]{0,2}|[0-7]{1,2}").match(self.src, self.i)
            if match is None:
                raise PatternError("Illegal octal escape sequence")
            self.i = match.end()
            return chr(int(match.group(), 8))
        if e == "x":
            match = re.compile(r"[0-9a-fA-F]{2}|\{([0-9a-fA-F]+)\}").match(self.src, self.i)
            if match is None:
                raise PatternError("Illegal hexadecimal escape sequence")
            self.i = match.end()
            value = int(match.group(1) or match.group(), 16)
            if value > sys.maxunicode:
                raise PatternError("Hexadecimal codepoint is too big")
            return chr(value)
        if e == "u":
            match = re.compile(r"[0-9a-fA-F]{4}").match(self.src, self.i)
            if match is None:
                raise PatternError("Illegal Unicode escape sequence")
            self.i = match.end()
            value = int(match.group(), 16)
            low = re.compile(r"\\u(d[c-f][0-9a-f]{2})", re.IGNORECASE).match(self.src, self.i)
            if 0xD800 <= value <= 0xDBFF and low:
                self.i = low.end()
                value = 0x10000 + ((value - 0xD800) << 10) + (int(low.group(1), 16) - 0xDC00)
            return chr(value)
        if e == "c":
            if self.i >= len(self.src):
                raise PatternError("Illegal control escape sequence")
            self.i += 1
            return chr(ord(self.src[self.i - 1]) ^ 64)
        if e.isascii() and e.isalnum():
            raise PatternError("Illegal/unsupported escape sequence")
        return e

    def _property(self) -> str:
        """The class body of ``\\p{Name}`` / ``\\pL`` (the ``p`` already read)."""
        if self._peek() == "{":
            end = self.src.find("}", self.i)
            if end == -1:
                raise PatternError("Unclosed character family")
            name = self.src[self.i + 1:end]
            self.i = end + 1
        else:
            name = self._peek()
            if not name:
                raise PatternError("Illegal character family")
            self.i += 1
        for prefix in ("general_category=", "gc=", "Is"):
            if name.startswith(prefix) and name[len(prefix):] in _CATEGORIES:
                name = name[len(prefix):]
        if name in _POSIX and not self.flags.unicode_class:
            return _POSIX[name]
        if name in _CATEGORIES:
            return _category_class(name)
        raise PatternError(f"Unknown character property name {{{name}}}")

    # -- character classes -----------------------------------------------------------------------------------------

    def _char_class(self) -> str:
        body, negated = self._class_body()
        return f"[{'^' if negated else ''}{body}]"

    def _class_body(self) -> tuple[str, bool]:
        """Reads ``[...]`` (starting at ``[``) into a Python class body; nested positive classes are merged."""
        self.i += 1
        negated = self._peek() == "^"
        if negated:
            self.i += 1
        parts: list[str] = []
        while True:
            if self._skip_comment_or_space():
                continue
            c = self._peek()
            if not c:
                raise PatternError("Unclosed character class")
            if c == "]" and parts:
                self.i += 1
                return "".join(parts), negated
            if c == "[":
                inner, inner_negated = self._class_body()
                if inner_negated:
                    raise PatternError("negated nested character classes are not supported")
                parts.append(inner)
                continue
            if c == "&" and self._peek(1) == "&":
                raise PatternError("character class intersection is not supported")
            start = self._class_atom()
            if start is None:
                continue
            if start[0] == "set" or self._peek() != "-" or self._peek(1) in ("]", ""):
                parts.append(start[1] if start[0] == "set" else _class_literal(start[1]))
                continue
            self.i += 1
            end = self._class_atom()
            if end is None or end[0] == "set" or ord(end[1]) < ord(start[1]):
                raise PatternError("Illegal character range")
            parts.append(f"{_class_literal(start[1])}-{_class_literal(end[1])}")

    def _class_atom(self) -> tuple[str, str] | None:
        """One member of a class: ``("char", c)``, or ``("set", fragment)`` for a ready-made class fragment."""
        c = self.src[self.i]
        if c != "\\":
            self.i += 1
            return "char", c
        self.i += 1
        if self.i >= len(self.src):
            raise PatternError("Unclosed character class")
        e = self.src[self.i]
        self.i += 1
        if e in "dDsSwW":
            return "set", "\\" + e
        if e == "h":
            return "set", _HORIZONTAL
        if e == "v":
            return "set", _VERTICAL
        if e == "p":
            return "set", self._property()
        if e == "Q":
            end = self.src.find("\\E", self.i)
            quoted = self.src[self.i:] if end == -1 else self.src[self.i:end]
            self.i = len(self.src) if end == -1 else end + 2
            return ("set", "".join(_class_literal(q) for q in quoted)) if quoted else None
        if e in "HVPRXbBAzZGk":
            raise PatternError(f"\\{e} is not supported inside a character class")
        return "char", self._char_escape(e)


@lru_cache(maxsize=64)
def _category_class(name: str) -> str:
    """A class body of every code point whose general category is (or starts with) ``name``."""
    ranges: list[tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(code))
        if category == name or (len(name) == 1 and category[0] == name):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)
