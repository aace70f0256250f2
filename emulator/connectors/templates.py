"""Connector templates: ``${parameters.x}`` / ``${credential.x}`` substitution.

Reproduces the Apache Commons Text ``StringSubstitutor`` rules the plugin relies
on: unknown variables stay verbatim, ``${parameters.x:-default}`` defaults,
values are themselves substituted (recursively), ``$${...}`` escapes, and a
self-referencing value is an "Infinite loop in property interpolation" error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..errors import java_exception

PARAMETERS = "${parameters."
CREDENTIAL = "${credential."
_ESCAPE = "$"
_SUFFIX = "}"
_DEFAULT_DELIMITER = ":-"


def substitute(text: str, values: Mapping[str, str | None], prefix: str = PARAMETERS) -> str:
    """Replace every ``<prefix>name}`` in ``text`` with ``values[name]``."""
    buffer = [text]
    _substitute(buffer, 0, len(text), values, prefix, None)
    return buffer[0]


def _substitute(
    buffer: list[str], offset: int, length: int, values: Mapping[str, str | None], prefix: str, prior: list[str] | None
) -> int:
    """Substitute in ``buffer[0][offset:offset+length]``; returns the change in length."""
    pos = offset
    end = offset + length
    length_change = 0
    while pos < end:
        text = buffer[0]
        found = text.find(prefix, pos, end)
        if found < 0:
            break
        pos = found
        if pos > offset and text[pos - 1] == _ESCAPE:
            buffer[0] = text[: pos - 1] + text[pos:]
            length_change -= 1
            end -= 1
            continue
        start = pos
        suffix_at = text.find(_SUFFIX, pos + len(prefix), end)
        if suffix_at < 0:
            break
        expression = text[start + len(prefix) : suffix_at]
        stop = suffix_at + len(_SUFFIX)
        name, default = _split_default(expression, prefix)
        if prior is None:
            prior = [text[offset : offset + length]]
        if name in prior[1:]:
            chain = "->".join(prior[1:])
            raise java_exception(
                "illegal_state_exception", f"Infinite loop in property interpolation of {prior[0]}: {chain}"
            )
        prior.append(name)
        value = values.get(name)
        if value is None:
            value = default
        if value is not None:
            buffer[0] = text[:start] + value + text[stop:]
            change = _substitute(buffer, start, len(value), values, prefix, prior)
            change += len(value) - (stop - start)
            pos = stop + change
            end += change
            length_change += change
        else:
            pos = stop
        prior.pop()
    return length_change


def _split_default(expression: str, prefix: str) -> tuple[str, str | None]:
    for i in range(len(expression)):
        if expression.startswith(prefix, i):
            break
        if expression.startswith(_DEFAULT_DELIMITER, i):
            return expression[:i], expression[i + len(_DEFAULT_DELIMITER) :]
    return expression, None


_UNFILLED = re.compile(r"\$\{parameters\.([^}]+)}")


def unfilled_parameters(text: str) -> list[str]:
    """Names of ``${parameters.x}`` still in ``text``, in order, duplicates kept."""
    return _UNFILLED.findall(text)


_NULL_DEFAULT = re.compile(r'"\$\{parameters\.(\w+):-null}"')


def fill_null_defaults(template: str, values: Mapping[str, str | None]) -> str:
    """``"${parameters.x:-null}"`` (quotes included) becomes a bare ``null`` when x is absent or null."""
    return _NULL_DEFAULT.sub(lambda m: "null" if values.get(m.group(1)) is None else m.group(0), template)
