"""ML Commons' ``escape()`` helper: when it is injected, and what it does.

``StringUtils.addDefaultMethod`` prepends a 669-character Painless function
``String escape(def input)`` to a script that calls ``escape(`` (regex
``(?<!\\bString\\s+)\\bescape\\s*\\(``, which also matches inside comments, strings and
``x.escape(``) unless the script defines ``String escape(def|String ...)`` itself. The
emulator does not hold that text: it runs the helper natively and shifts every reported
offset by its length, as the real prepended text does.

The helper applies, in order and only when ``input.contains(...)`` is true, the
replacements below (``\\`` doubled first, a quote escaped, CR, the two-character
backslash-t, LF, BS, FF); TAB and other control characters are left alone. Each
``contains``/``replace`` is a dynamic call, so a null input fails with a
NullPointerException, a number with ``dynamic method [java.lang.Integer, contains/1] not
found``, and a List (whose ``contains`` works) with the final ``String`` return.
"""

from __future__ import annotations

import re
from typing import Any

from . import runtime, tree
from .errors import HelperFrame, JavaError

HELPER_LENGTH = 669
# The helper's last 25 characters, which a compile error near the start of the script shows.
HELPER_TAIL = "     return input;\n    }\n"

_STEPS = (
    ("\\", "\\\\"),
    ('"', '\\"'),
    ("\r", "\\r"),
    ("\\t", "\\\\\\t"),
    ("\n", "\\n"),
    ("\b", "\\b"),
    ("\f", "\\f"),
)

# Where OpenSearch's stack trace points when the helper's first ``input.contains`` fails, and
# when its ``return input`` cannot cast the value to String (offsets within the helper).
_FIRST_CONTAINS = HelperFrame(('if (input.contains("\\\\")) {\n        ', "         ^---- HERE"), (48, 39, 75))
_RETURN_CAST = HelperFrame(("input = input.replace('\f', '\\\\f');\n      }\n      ", "             ^---- HERE"),
                           (613, 600, 649))
# A ``replace`` failing inside the helper (a List holding one of the searched strings): the
# emulator does not reproduce that part of the helper's text.
_UNKNOWN = HelperFrame(("<<< unknown portion of script >>>",), None)

_WHITESPACE = "[ \\t\\n\\x0b\\f\\r]"
_USE = re.compile(r"\bescape" + _WHITESPACE + r"*\(", re.ASCII)
_BEFORE_USE = re.compile(r"\bString" + _WHITESPACE + r"+\Z", re.ASCII)
_DEFINITION = re.compile(r"String" + _WHITESPACE + r"+escape" + _WHITESPACE + r"*\(" + _WHITESPACE
                         + r"*(def|String)" + _WHITESPACE + r"+[^\n\r\u0085\u2028\u2029]*?\)", re.ASCII)


def is_injected(source: str) -> bool:
    """``!containsEscapeMethod(source) && isEscapeUsed(source)``."""
    if _DEFINITION.search(source):
        return False
    return any(not _BEFORE_USE.search(source, 0, match.start()) for match in _USE.finditer(source))


def helper_function() -> tree.SFunction:
    """The helper as the analyser declares it: ``String escape(def input)``, implemented natively."""
    return tree.SFunction(0, "String", "escape", ["def"], ["input"], tree.SBlock(0, []), native="escape")


class EscapeHelper:
    """The helper's behaviour, with its own call sites (their link state shapes null-receiver messages)."""

    def __init__(self) -> None:
        self.contains_sites = [runtime.Site() for _ in _STEPS]
        self.replace_sites = [runtime.Site() for _ in _STEPS]

    def __call__(self, args: list[Any]) -> Any:
        value = args[0]
        if type(value) is str:
            for index, (needle, replacement) in enumerate(_STEPS):
                self.contains_sites[index].linked = True
                if needle in value:
                    self.replace_sites[index].linked = True
                    value = value.replace(needle, replacement)
            return value
        for index, (needle, replacement) in enumerate(_STEPS):
            try:
                found = runtime.def_call(value, "contains", [needle], self.contains_sites[index])
            except JavaError as error:
                error.offset = _FIRST_CONTAINS if index == 0 else _UNKNOWN
                raise
            if found:
                try:
                    value = runtime.def_call(value, "replace", [needle, replacement], self.replace_sites[index])
                except JavaError as error:
                    error.offset = _UNKNOWN
                    raise
        if value is not None and type(value) is not str:
            raise JavaError("java.lang.ClassCastException",
                            f"cannot implicitly cast def [{runtime.unboxed_class_name(value)}] to java.lang.String",
                            _RETURN_CAST)
        return value
