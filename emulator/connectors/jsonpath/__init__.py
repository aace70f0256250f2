"""Jayway JsonPath 2.9.0, as ML Commons applies ``response_filter`` and the post-process default filters.

The plugin calls ``JsonPath.parse(body).read(filter)`` / ``JsonPath.read(body, filter)`` with the
default configuration (json-smart provider, no options). This package reproduces what that returns
and how it fails, message for message::

    path = compile_path("$.choices[0].message.content")   # InvalidPath on bad syntax
    path.is_definite                                       # True: read() returns one value
    path.read(document)                                    # PathNotFound when nothing matches

A definite path gives the value itself; an indefinite one (wildcard, deep scan, filter, slice,
several indexes) gives a list, and absent properties on its branches are skipped. Documents are the
plain JSON values ``json.loads`` produces; returned values are the document's own objects.

Only ``JsonPathError`` (or its subclasses ``InvalidPath`` and ``PathNotFound``) ever escapes.
Besides those two, a read can end in other Java exceptions the plugin does not catch either
(``JsonPathException`` from an aggregate over nothing, ``IllegalArgumentException`` from a malformed
JSON literal, ...); they come as a plain ``JsonPathError`` whose ``java_type`` names the Java class.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .compiler import compile_units
from .errors import InvalidPath, JavaError, JsonPathError, PathNotFound, stack_overflow
from .javalang import readable, units
from .tokens import NO_OPTIONS, CompiledPath, Token

__all__ = ["InvalidPath", "JsonPath", "JsonPathError", "PathNotFound", "compile_path"]

# Jayway keeps compiled paths in an LRU cache of 400 (``CacheProvider``); the state a compiled path
# accumulates while it is read lives as long as its cache entry, here as there.
CACHE_SIZE = 400


class JsonPath:
    """One compiled expression."""

    def __init__(self, expression: str, compiled: CompiledPath) -> None:
        self.expression = expression
        self._compiled = compiled

    def __repr__(self) -> str:
        return f"JsonPath({self.expression!r})"

    def __str__(self) -> str:
        """The normalised form Jayway prints in its messages, e.g. ``$['a'][0]``."""
        return readable(str(self._compiled))

    @property
    def is_definite(self) -> bool:
        """Whether ``read`` returns a single value (True) or a list of every match (False)."""
        token: Token | None = self._compiled.root
        while token is not None:
            if not token.token_definite():
                return False
            token = token.next
        return True

    def read(self, document: Any) -> Any:
        """``JsonPath.read`` with the default configuration."""
        if document is None:
            raise JsonPathError("json can not be null", "java.lang.IllegalArgumentException")
        try:
            return self._compiled.evaluate(document, document, NO_OPTIONS).value()
        except JavaError as error:
            raise error.as_public() from None
        except RecursionError:
            raise stack_overflow() from None


@lru_cache(maxsize=CACHE_SIZE)
def compile_path(expression: str) -> JsonPath:
    """The compiled ``expression`` (cached); raises ``InvalidPath`` with Jayway's message."""
    if not expression:
        raise JsonPathError("path can not be null or empty", "java.lang.IllegalArgumentException")
    try:
        return JsonPath(expression, compile_units(units(expression)))
    except JavaError as error:
        raise error.as_public() from None
    except RecursionError:
        raise stack_overflow() from None
