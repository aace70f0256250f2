"""The functions a path can end in (``length()``, ``sum()``, ``first()``...) and their arguments.

Jayway looks a function up by name only when the path is evaluated (an unknown name compiles fine and
fails on read), computes numeric aggregates in ``double``, and its quirks are kept: ``max()`` starts
from ``Double.MIN_VALUE`` (the smallest positive double), ``length()`` of a string is null, ``last()``
of a one-element list fails, and ``append()`` adds to the document's own list.

Arguments are either JSON (parsed by json-smart every time they are read) or paths, evaluated against
the root document before the function runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from . import smartjson
from .errors import INVALID_JSON_EXCEPTION, InvalidPath, JavaError, JsonPathError, list_index_error
from .javalang import KeySet, double_value, int_value, is_array, is_number, readable_strings, to_string
from .tokens import CompiledPath, EvaluationContext, WildcardToken

_EMPTY_AGGREGATE = "Aggregation function attempted to calculate value using empty array"
DOUBLE_MIN_VALUE = 5e-324


class Parameter:
    """One function argument: JSON text, or a compiled path."""

    def __init__(self, json: str | None = None, path: CompiledPath | None = None) -> None:
        self.json = json
        self.path = path
        self.path_value: Any = None

    @classmethod
    def of_path(cls, path: CompiledPath) -> Parameter:
        return cls(path=path)

    def value(self) -> Any:
        if self.path is not None:
            return self.path_value
        assert self.json is not None
        try:
            return readable_strings(smartjson.parse(self.json))
        except smartjson.SmartJsonError as error:
            raise JsonPathError(error.java_string(), INVALID_JSON_EXCEPTION) from None


def evaluate_parameters(parameters: list[Parameter] | None, ctx: EvaluationContext) -> None:
    """Path arguments are read against the root document each time the function runs."""
    for parameter in parameters or ():
        if parameter.path is not None:
            parameter.path_value = parameter.path.evaluate(ctx.root_document, ctx.root_document, ctx.options).value()


def unlink_first_wildcard(parameters: list[Parameter] | None) -> None:
    """Jayway's clean-up after any function with arguments: the first wildcard past the first token goes."""
    if not parameters:
        return
    path = parameters[0].path
    if path is None or path.is_function_path():
        return
    token = path.root.next
    while token is not None and token.next is not None:
        if isinstance(token.next, WildcardToken):
            token.next = token.next.next
            return
        token = token.next


def _values(parameters: list[Parameter] | None, *, as_text: bool) -> list[Any]:
    """``Parameter.toList``: the arguments' numbers, or all of them as text (list arguments flattened)."""
    found: list[Any] = []
    for parameter in parameters or ():
        value = parameter.value()
        for item in value if is_array(value) else [value]:
            if item is None:
                continue
            if as_text:
                found.append(item if isinstance(item, str) else to_string(item))
            elif is_number(item):
                found.append(item)
    return found


Function = Callable[[Any, EvaluationContext, list[Parameter] | None], Any]


def _aggregate(step: Callable[[list[float]], float]) -> Function:
    def run(model: Any, ctx: EvaluationContext, parameters: list[Parameter] | None) -> float:
        numbers = [item for item in model if is_number(item)] if isinstance(model, list) else []
        numbers += _values(parameters, as_text=False)
        if not numbers:
            raise JsonPathError(_EMPTY_AGGREGATE)
        return step([double_value(n) for n in numbers])
    return run


def _sum(values: list[float]) -> float:
    total = 0.0
    for value in values:
        total += value
    return total


def _min(values: list[float]) -> float:
    smallest = 1.7976931348623157e308
    for value in values:
        if smallest > value:
            smallest = value
    return smallest


def _max(values: list[float]) -> float:
    largest = DOUBLE_MIN_VALUE
    for value in values:
        if largest < value:
            largest = value
    return largest


def _stddev(values: list[float]) -> float:
    total = squares = 0.0
    for value in values:
        total += value
        squares += value * value
    count = float(len(values))
    variance = squares / count - total * total / count / count
    return math.nan if variance < 0 or math.isnan(variance) else math.sqrt(variance)


def _length(model: Any, ctx: EvaluationContext, parameters: list[Parameter] | None) -> int | None:
    if parameters:
        path = parameters[0].path
        if path is None:
            raise JavaError("java.lang.NullPointerException",
                            'Cannot invoke "com.jayway.jsonpath.internal.Path.isFunctionPath()" because the return '
                            'value of "com.jayway.jsonpath.internal.function.Parameter.getPath()" is null')
        if not path.is_function_path():
            # Jayway appends a wildcard to the argument to count its children; the clean-up after the call unlinks it.
            tail = path.root.next
            while tail is not None and tail.next is not None:
                tail = tail.next
            if tail is not None:
                tail.next = WildcardToken()
        inner = path.evaluate(model, model, ctx.options).value()
        if is_array(inner):
            return len(inner)
    if isinstance(model, (list, dict)):
        return len(model)
    return None


def _keys(model: Any, ctx: EvaluationContext, parameters: list[Parameter] | None) -> KeySet | None:
    return KeySet(model) if isinstance(model, dict) else None


def _concat(model: Any, ctx: EvaluationContext, parameters: list[Parameter] | None) -> str:
    parts = [item for item in model if isinstance(item, str)] if isinstance(model, list) else []
    return "".join(parts + _values(parameters, as_text=True))


def _append(model: Any, ctx: EvaluationContext, parameters: list[Parameter] | None) -> Any:
    for parameter in parameters or ():
        if isinstance(model, list):
            model.append(parameter.value())
    return model


def _element(target: Callable[[list[Parameter] | None], int]) -> Function:
    def run(model: Any, ctx: EvaluationContext, parameters: list[Parameter] | None) -> Any:
        if not isinstance(model, list):
            raise JsonPathError(_EMPTY_AGGREGATE)
        index = target(parameters)
        if index >= 0:
            if index >= len(model):
                raise list_index_error(index, len(model))
            return model[index]
        real = len(model) + index
        if real > 0:
            return model[real]
        raise JsonPathError(f"Target index:{index} larger than object count:{len(model)}")
    return run


def _index_argument(parameters: list[Parameter] | None) -> int:
    numbers = _values(parameters, as_text=False)
    if not numbers:
        raise list_index_error(0, 0)
    return int_value(numbers[0])


FUNCTIONS: dict[str, Function] = {
    "avg": _aggregate(lambda values: _sum(values) / float(len(values))),
    "stddev": _aggregate(_stddev),
    "sum": _aggregate(_sum),
    "min": _aggregate(_min),
    "max": _aggregate(_max),
    "concat": _concat,
    "length": _length,
    "size": _length,
    "append": _append,
    "keys": _keys,
    "first": _element(lambda parameters: 0),
    "last": _element(lambda parameters: -1),
    "index": _element(_index_argument),
}


def lookup(name: str) -> Function:
    """``PathFunctionFactory.newFunction``."""
    function = FUNCTIONS.get(name)
    if function is None:
        raise InvalidPath(f"Function with name: {name} does not exist.")
    return function
