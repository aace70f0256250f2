"""Painless failures in OpenSearch's shape: ``script_exception`` wrapping the Java exception.

Internally the compiler raises :class:`CompileFailure` and the interpreter raises
:class:`JavaError` (a Java exception on its way up the script's stack, carrying the
source offset its stack trace points at). :func:`compile_exception` and
:func:`runtime_exception` turn them into the :class:`ScriptException` OpenSearch renders,
with ``script_stack`` and ``position`` computed the way ``PainlessScriptEngine`` (compile
errors: 25 characters either side) and ``PainlessScript`` (runtime errors: from the
enclosing statement to the next one) compute them. Offsets count UTF-16 code units, as
Java strings do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...errors import OpenSearchError

UNSET: Any = object()


class ScriptException(OpenSearchError):
    """OpenSearch's ``ScriptException``: type ``script_exception``, status 400.

    ``metadata`` holds, in OpenSearch's order, ``script_stack``, ``script`` (the user's
    source: when ML Commons prepends its ``escape()`` helper, the real node reports the
    combined text but the same offsets, which the emulator reproduces), ``lang`` and
    ``position`` (left out when the stack has no script frame).
    """

    def __init__(self, reason: str, *, script: str, script_stack: list[str], position: dict[str, int] | None,
                 cause: OpenSearchError) -> None:
        metadata: dict[str, Any] = {"script_stack": script_stack, "script": script, "lang": "painless"}
        if position is not None:
            metadata["position"] = position
        super().__init__(reason, status=400, type="script_exception", cause=cause, metadata=metadata,
                         is_opensearch_exception=True)
        self.script_stack = script_stack
        self.script = script
        self.position = position


class CompileFailure(Exception):
    """A compile-time error: the Java exception Painless throws and the offset it points at."""

    def __init__(self, message: str, offset: int | None, *, java_class: str = "java.lang.IllegalArgumentException",
                 cause_class: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.java_class = java_class
        # The ANTLR RecognitionException some parser errors carry as their cause (no message).
        self.cause_class = cause_class


class JavaError(Exception):
    """A Java exception thrown while a script runs.

    ``offset`` is where the innermost script frame stood when the exception was created:
    a source index, a :class:`HelperFrame` inside the injected ``escape()`` helper, ``None``
    when no line information precedes the failing instruction, or :data:`UNSET` until the
    node that raised it fills it in.
    """

    def __init__(self, java_class: str, message: str | None, offset: Any = UNSET, *,
                 value: Any = None) -> None:
        super().__init__(message)
        self.java_class = java_class
        self.message = message
        self.offset = offset
        # The script-visible exception object (for ``throw e`` and catch blocks).
        self.value = value


@dataclass(frozen=True)
class HelperFrame:
    """A failure inside the injected helper, whose text the emulator does not hold.

    ``stack`` is what OpenSearch prints for it, ``position`` its offsets (both ``None``
    when the emulator cannot reproduce them).
    """

    stack: tuple[str, ...]
    position: tuple[int, int, int] | None


def exception_type(java_class: str) -> str:
    """OpenSearch's ``getExceptionName``: the simple class name in snake case."""
    simple = java_class.rsplit(".", 1)[-1].rsplit("$", 1)[-1]
    return re.sub(r"(?<!^)([A-Z])", r"_\1", simple).lower()


def java_cause(java_class: str, message: str | None, nested: OpenSearchError | None = None) -> OpenSearchError:
    return OpenSearchError(message, status=500, type=exception_type(java_class), cause=nested,
                           is_opensearch_exception=False)


# ---- UTF-16 offsets --------------------------------------------------------------------------

class Utf16Text:
    """A string addressed in UTF-16 code units (identity for text without astral characters)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.simple = not any(ord(ch) > 0xFFFF for ch in text) if not text.isascii() else True
        if not self.simple:
            self.units = text.encode("utf-16-le", "surrogatepass")

    def __len__(self) -> int:
        return len(self.text) if self.simple else len(self.units) // 2

    def unit_offset(self, index: int) -> int:
        if self.simple or index <= 0:
            return index
        return len(self.text[:index].encode("utf-16-le", "surrogatepass")) // 2

    def slice(self, start: int, end: int) -> str:
        if self.simple:
            return self.text[start:end]
        return self.units[2 * start:2 * end].decode("utf-16-le", "surrogatepass")


class SourceMap:
    """The compiled source: an optional prefix the emulator only knows the length and tail of, then the user's text."""

    def __init__(self, user: str, prefix_length: int = 0, prefix_tail: str = "") -> None:
        self.user = Utf16Text(user)
        self.prefix_length = prefix_length
        self.prefix_tail = prefix_tail

    def __len__(self) -> int:
        return self.prefix_length + len(self.user)

    def offset(self, index: int) -> int:
        """The Java offset of a Python index into the user's text."""
        return self.prefix_length + self.user.unit_offset(index)

    def slice(self, start: int, end: int) -> str:
        parts = []
        if start < self.prefix_length:
            tail_start = self.prefix_length - len(self.prefix_tail)
            parts.append(self.prefix_tail[max(start, tail_start) - tail_start:
                                          max(min(end, self.prefix_length), tail_start) - tail_start])
        if end > self.prefix_length:
            parts.append(self.user.slice(max(start, self.prefix_length) - self.prefix_length,
                                         end - self.prefix_length))
        return "".join(parts)


def compile_exception(failure: CompileFailure, source: SourceMap, script: str) -> ScriptException:
    """``PainlessScriptEngine.convertToScriptException`` for a compile error at ``failure.offset`` (a user index)."""
    if failure.offset is None:
        # Thrown without a Location: no script frame, so no stack or position.
        return unlocated_compile_exception(failure.java_class, failure.message, script)
    offset = source.offset(failure.offset) if failure.offset >= 0 else failure.offset
    start = max(0, offset - 25)
    end = min(len(source), offset + 25)
    snippet = ("... " if start > 0 else "") + source.slice(start, end) + (" ..." if end < len(source) else "")
    pointer = ("    " if start > 0 else "") + " " * max(0, offset - start) + "^---- HERE"
    nested = java_cause(failure.cause_class, None) if failure.cause_class else None
    cause = java_cause(failure.java_class, failure.message, nested)
    return ScriptException("compile error", script=script, script_stack=[snippet, pointer],
                           position={"offset": offset, "start": start, "end": end}, cause=cause)


def unlocated_compile_exception(java_class: str, message: str | None, script: str) -> ScriptException:
    """A compile failure with no script frame (a stack overflow while compiling)."""
    return ScriptException("compile error", script=script, script_stack=[], position=None,
                           cause=java_cause(java_class, message))


def runtime_exception(error: JavaError, source: SourceMap, statements: list[int], script: str) -> ScriptException:
    """``PainlessScript.convertToScriptException``: the stack points into the statement that failed.

    ``statements`` are the sorted Java offsets of every statement of the compiled class.
    """
    cause = java_cause(error.java_class, error.message)
    located = error.offset
    if isinstance(located, HelperFrame):
        position = None
        if located.position is not None:
            offset, start, end = located.position
            position = {"offset": offset, "start": start, "end": end}
        return ScriptException("runtime error", script=script, script_stack=list(located.stack),
                               position=position, cause=cause)
    if located is None or located is UNSET:
        return ScriptException("runtime error", script=script, script_stack=["<<< unknown portion of script >>>"],
                               position=None, cause=cause)
    offset = source.offset(located)
    start = _previous_set(statements, offset)
    end = _next_set(statements, start + 1)
    if end < 0:
        end = len(source)
    snippet = source.slice(start, end)
    pointer = " " * max(0, offset - start) + "^---- HERE"
    return ScriptException("runtime error", script=script, script_stack=[snippet, pointer],
                           position={"offset": offset, "start": start, "end": end}, cause=cause)


def _previous_set(sorted_offsets: list[int], offset: int) -> int:
    best = -1
    for candidate in sorted_offsets:
        if candidate > offset:
            break
        best = candidate
    return max(best, 0)


def _next_set(sorted_offsets: list[int], offset: int) -> int:
    for candidate in sorted_offsets:
        if candidate >= offset:
            return candidate
    return -1
