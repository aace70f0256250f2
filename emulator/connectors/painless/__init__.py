"""A Painless interpreter for ML Commons connector scripts (``pre_``/``post_process_function``).

``compile_script(source)`` parses and checks a script the way OpenSearch compiles it in the
``TemplateScript`` context (``params`` is the only variable, the result is a String or
null), cached by source text; ``script.execute(params)`` runs it. Failures are
:class:`ScriptException` (``script_exception``, ``compile error`` or ``runtime error``)
with the ``script_stack``, ``position`` and Java cause OpenSearch reports. When the script
calls ``escape(`` without defining it, ML Commons' helper is injected first: it is run
natively and offsets shift by its 669 characters, while ``script`` shows the user's text.
"""

from __future__ import annotations

from enum import Enum
from functools import lru_cache
from typing import Any

from . import escape, interpreter
from .analyzer import Analyzer, Program
from .errors import (
    CompileFailure,
    JavaError,
    ScriptException,
    SourceMap,
    compile_exception,
    runtime_exception,
    unlocated_compile_exception,
)
from .jvalues import GsonMap
from .parser import parse

__all__ = ["NumberModel", "PainlessScript", "ScriptException", "compile_script"]


class NumberModel(Enum):
    """How JSON numbers in ``params`` become Java objects.

    ``JACKSON`` (ML Commons 3.5 and later): Integer if it fits 32 bits, else Long, else
    BigInteger; decimals are Double. ``GSON`` (earlier versions, and every pre-process
    input): every number is a Double and objects are Gson's ``LinkedTreeMap``.
    """

    JACKSON = "jackson"
    GSON = "gson"


class PainlessScript:
    """A compiled script. ``execute`` may be called any number of times, from any thread."""

    def __init__(self, source: str, program: Program, source_map: SourceMap) -> None:
        self.source = source
        self._program = program
        self._source_map = source_map
        self._statements = sorted(source_map.offset(offset) for offset in program.statements)

    def execute(self, params: dict[str, Any], *, number_model: NumberModel = NumberModel.JACKSON) -> str | None:
        """Run the script with ``params`` (JSON-decoded values; containers may be modified by the script)."""
        if number_model is NumberModel.GSON:
            params = _to_gson(params)
        state = interpreter.ExecutionState()
        main = self._program.main
        frame: list[Any] = [interpreter.MAX_LOOP_COUNTER, state, params]
        frame.extend([None] * (main.frame_size - len(frame)))
        assert main.body is not None
        try:
            signal = main.body.ex(frame)
        except JavaError as error:
            raise runtime_exception(error, self._source_map, self._statements, self.source) from None
        except RecursionError:
            overflow = JavaError("java.lang.StackOverflowError", None, None)
            raise runtime_exception(overflow, self._source_map, self._statements, self.source) from None
        if isinstance(signal, interpreter.Returned):
            return signal.value
        return None


@lru_cache(maxsize=512)
def compile_script(source: str) -> PainlessScript:
    """Compile ``source`` (raises :class:`ScriptException` with reason ``compile error``)."""
    injected = escape.is_injected(source)
    if injected:
        source_map = SourceMap(source, escape.HELPER_LENGTH, escape.HELPER_TAIL)
    else:
        source_map = SourceMap(source)
    try:
        tree = parse(source)
        natives = {"escape": escape.EscapeHelper()}
        program = Analyzer(tree, escape.helper_function() if injected else None, natives).analyze()
    except CompileFailure as failure:
        raise compile_exception(failure, source_map, source) from None
    except RecursionError:
        raise unlocated_compile_exception("java.lang.StackOverflowError", None, source) from None
    return PainlessScript(source, program, source_map)


def _to_gson(value: Any) -> Any:
    # An explicit stack: a vendor body can nest deeper than Python's call stack.
    root = _gson_shell(value)
    pending = [(value, root)]
    while pending:
        source, target = pending.pop()
        if type(source) is dict:
            for key, item in source.items():
                copy = target[key] = _gson_shell(item)
                if copy is not item:
                    pending.append((item, copy))
        elif type(source) is list:
            for item in source:
                copy = _gson_shell(item)
                target.append(copy)
                if copy is not item:
                    pending.append((item, copy))
    return root


def _gson_shell(value: Any) -> Any:
    """Gson's counterpart of one value: an empty container to fill, or the converted scalar."""
    kind = type(value)
    if kind is dict:
        return GsonMap()
    if kind is list:
        return []
    if kind is int:
        try:
            return float(value)
        except OverflowError:
            return float("inf") if value > 0 else float("-inf")
    return value
