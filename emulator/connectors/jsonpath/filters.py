"""Filters ``[?(...)]``: the expression compiler, the value nodes it compares, and the operators.

The comparison rules are Jayway's, not JSON's: a string and a number are equal when their texts are
(``'5' == 5``), numbers compare as ``BigDecimal`` (``1 == 1.0``), ``<``/``>`` only order two numbers or
two strings, JSON values compare with Java ``equals`` (so ``[1] == [1.0]`` is false), and a list of
values given in a filter is read by json-smart's permissive parser (``['a', b]`` is two strings).
Any operand that cannot be used makes the filter reject the item rather than fail the read, except
where Jayway lets an exception through (a malformed JSON literal, ``exists`` between two non-booleans).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from . import smartjson
from .errors import InvalidPath, JavaError, JsonPathError, PathNotFound
from .javalang import (
    big_decimal,
    big_decimal_string,
    class_name,
    int_value,
    is_array,
    is_java_digit,
    is_number,
    java_compare,
    java_equals,
    java_length,
    java_trim,
    jayway_unescape,
    number_string,
    readable,
    readable_strings,
    to_string,
    units,
)
from .javaregex import FLAG_LETTERS, PatternError, compile_java_regex
from .scanner import Scanner
from .tokens import REQUIRE_PROPERTIES, CompiledPath, PredicateContext

# -- value nodes ------------------------------------------------------------------------------------------------------


class ValueNode:
    """One operand of a comparison."""

    kind = ""

    def as_kind(self, kind: str) -> Any:
        if self.kind == kind:
            return self
        raise InvalidPath(f"Expected {_KIND_NAMES[kind]} node")

    def equals(self, other: ValueNode) -> bool:
        """``this.equals(other)`` as the Java node class defines it."""
        return self is other


_KIND_NAMES = {"pattern": "regexp", "path": "path", "number": "number", "string": "string", "boolean": "boolean",
               "json": "json", "predicate": "predicate", "list": "value list", "null": "null",
               "undefined": "undefined", "class": "class"}


class StringNode(ValueNode):
    kind = "string"

    def __init__(self, text: str, unquote: bool) -> None:
        if unquote and len(units(text)) > 1:
            raw = units(text)
            if raw[0] == raw[-1] and raw[0] in "'\"":
                raw = raw[1:-1]
            text = readable(jayway_unescape(raw))
        self.string = text

    def as_kind(self, kind: str) -> Any:
        if kind == "number":
            try:
                return NumberNode(big_decimal(units(self.string)))
            except JavaError:
                return NAN
        return super().as_kind(kind)

    def equals(self, other: ValueNode) -> bool:
        if other is self:
            return True
        if not isinstance(other, (StringNode, NumberNode)):
            return False
        return self.string == other.as_kind("string").string


class NumberNode(ValueNode):
    kind = "number"

    def __init__(self, number: Decimal | None) -> None:
        self.number = number

    def as_kind(self, kind: str) -> Any:
        if kind == "string":
            return StringNode(big_decimal_string(self._value()), unquote=False)
        return super().as_kind(kind)

    def _value(self) -> Decimal:
        if self.number is None:
            raise JavaError("java.lang.NullPointerException")
        return self.number

    def equals(self, other: ValueNode) -> bool:
        if other is self:
            return True
        if not isinstance(other, (NumberNode, StringNode)):
            return False
        that = other.as_kind("number")
        return that is not NAN and self._value() == that._value()


NAN = NumberNode(None)


class BooleanNode(ValueNode):
    kind = "boolean"

    def __init__(self, value: bool) -> None:
        self.value = value

    def equals(self, other: ValueNode) -> bool:
        return isinstance(other, BooleanNode) and other.value == self.value


TRUE, FALSE = BooleanNode(True), BooleanNode(False)


class NullNode(ValueNode):
    kind = "null"

    def equals(self, other: ValueNode) -> bool:
        return isinstance(other, NullNode)


class UndefinedNode(ValueNode):
    """What a path that found nothing evaluates to; equal to nothing, itself included."""

    kind = "undefined"

    def equals(self, other: ValueNode) -> bool:
        return False


NULL, UNDEFINED = NullNode(), UndefinedNode()


class PatternNode(ValueNode):
    kind = "pattern"

    def __init__(self, literal: str) -> None:
        begin, end = literal.index("/"), literal.rindex("/")
        self.pattern = readable(literal[begin + 1:end])
        self.regex = compile_java_regex(self.pattern, literal[end + 1:])

    def matches(self, text: str) -> bool:
        return self.regex.fullmatch(text) is not None


class JsonNode(ValueNode):
    """A JSON literal of the filter (parsed when used) or a list/object found in the document."""

    kind = "json"

    def __init__(self, text: str | None = None, parsed: Any = None) -> None:
        self.text = text
        self.parsed = parsed
        self._literal_parsed = text is None

    @property
    def raw(self) -> Any:
        return self.parsed if self.text is None else self.text

    def value(self) -> Any:
        """The JSON value; a literal is parsed on first use (a malformed one fails the whole read)."""
        if not self._literal_parsed:
            assert self.text is not None
            try:
                self.parsed = readable_strings(smartjson.parse(self.text))
            except smartjson.SmartJsonError as error:
                raise JavaError("java.lang.IllegalArgumentException", error.java_string()) from None
            self._literal_parsed = True
        return self.parsed

    def is_array(self) -> bool:
        return isinstance(self.value(), list)

    def length(self) -> int:
        value = self.value()
        return len(value) if isinstance(value, list) else -1

    def is_empty(self) -> bool:
        value = self.value()
        if isinstance(value, (list, dict)):
            return len(value) == 0
        if isinstance(value, str):
            return value == ""
        return True

    def value_list(self) -> ValueNode:
        """``asValueListNode(ctx)``: the elements as nodes, or UNDEFINED when this is not an array."""
        value = self.value()
        if not isinstance(value, list):
            return UNDEFINED
        return ValueListNode([to_value_node(item) for item in value])

    def equals(self, other: ValueNode) -> bool:
        return other is self or (isinstance(other, JsonNode) and java_equals(self.raw, other.raw))

    def equals_value_of(self, other: JsonNode) -> bool:
        """The ``==`` of two JSON operands: this one's raw form against the other one's parsed value."""
        return other is self or java_equals(self.raw, other.value())


class ValueListNode(ValueNode):
    kind = "list"

    def __init__(self, nodes: list[ValueNode]) -> None:
        self.nodes = nodes

    def contains(self, node: ValueNode) -> bool:
        return any(node.equals(element) for element in self.nodes)

    def subset_of(self, other: ValueListNode) -> bool:
        return all(other.contains(node) for node in self.nodes)

    def equals(self, other: ValueNode) -> bool:
        return other is self or (isinstance(other, ValueListNode) and len(other.nodes) == len(self.nodes)
                                 and all(a.equals(b) for a, b in zip(self.nodes, other.nodes, strict=True)))


class PathNode(ValueNode):
    """``@.x`` or ``$.x`` inside a filter; an existence check when it stands alone."""

    kind = "path"

    def __init__(self, path: CompiledPath, exists_check: bool, should_exist: bool) -> None:
        self.path = path
        self.exists_check = exists_check
        self.should_exist = should_exist

    def as_exists_check(self, should_exist: bool) -> PathNode:
        return PathNode(self.path, True, should_exist)

    def evaluate(self, context: PredicateContext) -> ValueNode:
        if self.exists_check:
            try:
                self.path.evaluate(context.item, context.root, frozenset({REQUIRE_PROPERTIES})).value()
            except PathNotFound:
                return FALSE
            return TRUE
        try:
            result = context.evaluate(self.path)
        except PathNotFound:
            return UNDEFINED
        if isinstance(result, bool):
            return TRUE if result else FALSE
        if is_number(result):
            return NumberNode(big_decimal(number_string(result)))
        if isinstance(result, str):
            return StringNode(result, unquote=False)
        if result is None:
            return NULL
        if is_array(result) or isinstance(result, dict):
            return JsonNode(parsed=result)
        raise JsonPathError(f"Could not convert class {class_name(result)}:{to_string(result)} to a ValueNode")


def to_value_node(value: Any) -> ValueNode:
    """``ValueNode.toValueNode`` for one element of a list operand."""
    if value is None:
        return NULL
    if _looks_like_path(value):
        return PathNode(compile_path_text(units(value)), False, False)
    if _looks_like_json(value):
        return JsonNode(text=units(value))
    if isinstance(value, str):
        return StringNode(value, unquote=True)
    if isinstance(value, bool):
        return TRUE if value else FALSE
    if is_number(value):
        return NumberNode(big_decimal(number_string(value)))
    raise JsonPathError("Could not determine value type")


def _looks_like_path(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    text = java_trim(value)
    if not text or text[0] not in "@$":
        return False
    try:
        compile_path_text(units(text))
    except (JsonPathError, JavaError):
        return False
    return True


def _looks_like_json(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    text = java_trim(value)
    if len(text) <= 1 or (text[0], text[-1]) not in (("[", "]"), ("{", "}")):
        return False
    try:
        smartjson.parse(units(text))
    except smartjson.SmartJsonError:
        return False
    return True


def compile_path_text(text: str) -> CompiledPath:
    """``PathCompiler.compile`` (deferred import: the path compiler uses this module for its filters)."""
    from .compiler import compile_units

    return compile_units(text)


# -- operators ------------------------------------------------------------------------------------------------------

def _input_text(node: ValueNode) -> str:
    if isinstance(node, (StringNode, NumberNode)):
        return node.as_kind("string").string
    if isinstance(node, BooleanNode):
        return "true" if node.value else "false"
    return ""


def _list_of(node: ValueNode) -> ValueListNode | None:
    """The list view of an operand: a JSON array's elements, None for other JSON (the operator is false)."""
    if isinstance(node, JsonNode):
        view = node.value_list()
        return None if isinstance(view, UndefinedNode) else view
    return node.as_kind("list")


def _equal(left: ValueNode, right: ValueNode) -> bool:
    if isinstance(left, JsonNode) and isinstance(right, JsonNode):
        return left.equals_value_of(right)
    return left.equals(right)


def _order(left: ValueNode, right: ValueNode) -> int | None:
    if isinstance(left, NumberNode) and isinstance(right, NumberNode):
        a, b = left._value(), right._value()
        return (a > b) - (a < b)
    if isinstance(left, StringNode) and isinstance(right, StringNode):
        return java_compare(left.string, right.string)
    return None


def _compare(test: Any) -> Any:
    def evaluate(left: ValueNode, right: ValueNode) -> bool:
        order = _order(left, right)
        return order is not None and test(order)
    return evaluate


def _exists(left: ValueNode, right: ValueNode) -> bool:
    if not isinstance(left, BooleanNode) and not isinstance(right, BooleanNode):
        raise JsonPathError("Failed to evaluate exists expression")
    return left.as_kind("boolean").value == right.as_kind("boolean").value


def _size(left: ValueNode, right: ValueNode) -> bool:
    if not isinstance(right, NumberNode):
        return False
    expected = int_value(right._value())
    if isinstance(left, StringNode):
        return java_length(left.string) == expected
    if isinstance(left, JsonNode):
        return left.length() == expected
    return False


def _empty(left: ValueNode, right: ValueNode) -> bool:
    if isinstance(left, StringNode):
        return (left.string == "") == right.as_kind("boolean").value
    if isinstance(left, JsonNode):
        return left.is_empty() == right.as_kind("boolean").value
    return False


def _in(left: ValueNode, right: ValueNode) -> bool:
    values = _list_of(right)
    return values is not None and values.contains(left)


def _all(left: ValueNode, right: ValueNode) -> bool:
    # Jayway asks the right operand for a value list without the context, which only a Criteria-built
    # list answers: from a path string this always fails (and so the item is rejected).
    required = right.as_kind("list")
    if not isinstance(left, JsonNode):
        return False
    view = left.value_list()
    return not isinstance(view, ValueListNode) or all(view.contains(node) for node in required.nodes)


def _contains(left: ValueNode, right: ValueNode) -> bool:
    if isinstance(left, StringNode) and isinstance(right, StringNode):
        return right.string in left.string
    if isinstance(left, JsonNode):
        view = left.value_list()
        return isinstance(view, ValueListNode) and view.contains(right)
    return False


def _regex(left: ValueNode, right: ValueNode) -> bool:
    if isinstance(left, PatternNode) == isinstance(right, PatternNode):
        return False
    pattern, subject = (left, right) if isinstance(left, PatternNode) else (right, left)
    if isinstance(subject, ValueListNode) or (isinstance(subject, JsonNode) and subject.is_array()):
        view = subject.as_kind("json").value_list()
        return isinstance(view, ValueListNode) and any(pattern.matches(_input_text(n)) for n in view.nodes)
    return pattern.matches(_input_text(subject))


def _needs_class_operand(left: ValueNode, right: ValueNode) -> bool:
    # Only the Criteria API can build a class operand; from a path string the operand is always wrong.
    right.as_kind("class")
    return False


def _needs_predicate_operand(left: ValueNode, right: ValueNode) -> bool:
    # Likewise a predicate operand, which only the Criteria API can supply.
    right.as_kind("predicate")
    return False


def _subset_of(left: ValueNode, right: ValueNode) -> bool:
    right_values = _list_of(right)
    if right_values is None:
        return False
    left_values = _list_of(left)
    return left_values is not None and left_values.subset_of(right_values)


def _any_of(left: ValueNode, right: ValueNode) -> bool:
    right_values = _list_of(right)
    if right_values is None:
        return False
    left_values = _list_of(left)
    return left_values is not None and any(a.equals(b) for a in left_values.nodes for b in right_values.nodes)


def _none_of(left: ValueNode, right: ValueNode) -> bool:
    right_values = _list_of(right)
    if right_values is None:
        return False
    left_values = _list_of(left)
    return left_values is not None and not any(a.equals(b) for a in left_values.nodes for b in right_values.nodes)


OPERATORS: dict[str, Any] = {
    ">=": _compare(lambda order: order >= 0),
    "<=": _compare(lambda order: order <= 0),
    "==": _equal,
    "===": lambda left, right: type(left) is type(right) and _equal(left, right),
    "!=": lambda left, right: not _equal(left, right),
    "!==": lambda left, right: not (type(left) is type(right) and _equal(left, right)),
    "<": _compare(lambda order: order < 0),
    ">": _compare(lambda order: order > 0),
    "=~": _regex,
    "NIN": lambda left, right: not _in(left, right),
    "IN": _in,
    "CONTAINS": _contains,
    "ALL": _all,
    "SIZE": _size,
    "EXISTS": _exists,
    "TYPE": _needs_class_operand,
    "MATCHES": _needs_predicate_operand,
    "EMPTY": _empty,
    "SUBSETOF": _subset_of,
    "ANYOF": _any_of,
    "NONEOF": _none_of,
}


def operator_named(text: str) -> str:
    """``RelationalOperator.fromString``: case-insensitive."""
    name = text.upper()
    if name not in OPERATORS:
        raise InvalidPath(f"Filter operator {readable(text)} is not supported!")
    return name


# -- expressions --------------------------------------------------------------------------------------------------

class Relational:
    def __init__(self, left: ValueNode, operator: str, right: ValueNode) -> None:
        self.left = left
        self.operator = operator
        self.right = right

    def apply(self, context: PredicateContext) -> bool:
        left = self.left.evaluate(context) if isinstance(self.left, PathNode) else self.left
        right = self.right.evaluate(context) if isinstance(self.right, PathNode) else self.right
        return bool(OPERATORS[self.operator](left, right))


class AnyOf:
    def __init__(self, operands: list[Any]) -> None:
        self.operands = operands

    def apply(self, context: PredicateContext) -> bool:
        return any(operand.apply(context) for operand in self.operands)


class AllOf:
    def __init__(self, operands: list[Any]) -> None:
        self.operands = operands

    def apply(self, context: PredicateContext) -> bool:
        return all(operand.apply(context) for operand in self.operands)


class Not:
    def __init__(self, operand: Any) -> None:
        self.operand = operand

    def apply(self, context: PredicateContext) -> bool:
        return not self.operand.apply(context)


# -- the filter compiler ------------------------------------------------------------------------------------------

_RELATIONAL_CHARS = "<>=~!"
_NUMBER_CHARS = "-.Ee"


def compile_filter(criteria: str) -> Any:
    """``FilterCompiler.compile`` of ``[?(...)]`` (code units), raising Jayway's messages."""
    return _FilterReader(criteria).compile()


class _FilterReader:
    def __init__(self, criteria: str) -> None:
        self.criteria = criteria
        f = self.f = Scanner(criteria).trim()
        if not f.current_is("[") or not f.last_is("]"):
            raise InvalidPath(f"Filter must start with '[' and end with ']'. {criteria}")
        f.pos += 1
        f.end -= 1
        f.trim()
        if not f.current_is("?"):
            raise InvalidPath(f"Filter must start with '[?' and end with ']'. {criteria}")
        f.pos += 1
        f.trim()
        if not f.current_is("(") or not f.last_is(")"):
            raise InvalidPath(f"Filter must start with '[?(' and end with ')]'. {criteria}")

    def compile(self) -> Any:
        f = self.f
        try:
            result = self.read_or()
            f.skip_blanks()
            if f.in_bounds():
                raise InvalidPath(f"Expected end of filter expression instead of: {f.slice(f.pos, f.length())}")
            return result
        except InvalidPath:
            raise
        except (JavaError, JsonPathError):
            raise InvalidPath(f"Failed to parse filter: {f}, error on position: {f.pos}, char: {f.current()}") \
                from None

    def read_or(self) -> Any:
        operands = [self.read_and()]
        while True:
            savepoint = self.f.pos
            if not self.f.has_significant_sequence("||"):
                self.f.pos = savepoint
                return operands[0] if len(operands) == 1 else AnyOf(operands)
            operands.append(self.read_and())

    def read_and(self) -> Any:
        operands = [self.read_and_operand()]
        while True:
            savepoint = self.f.pos
            if not self.f.has_significant_sequence("&&"):
                self.f.pos = savepoint
                return operands[0] if len(operands) == 1 else AllOf(operands)
            operands.append(self.read_and_operand())

    def read_and_operand(self) -> Any:
        f = self.f
        savepoint = f.skip_blanks().pos
        if f.skip_blanks().current_is("!"):
            f.read_significant("!")
            if f.skip_blanks().current() in "$@":
                # "!@.x" is a negated existence check, read as a path below.
                f.pos = savepoint
            else:
                return Not(self.read_and_operand())
        if f.skip_blanks().current_is("("):
            f.read_significant("(")
            operand = self.read_or()
            f.read_significant(")")
            return operand
        return self.read_expression()

    def read_expression(self) -> Relational:
        left = self.read_value()
        savepoint = self.f.pos
        try:
            operator = self.read_operator()
            right = self.read_value()
            return Relational(left, operator, right)
        except InvalidPath:
            self.f.pos = savepoint
        path = left.as_kind("path")
        check = path.as_exists_check(path.should_exist)
        return Relational(check, "EXISTS", TRUE if check.should_exist else FALSE)

    def read_operator(self) -> str:
        f = self.f
        begin = f.skip_blanks().pos
        if f.current() in _RELATIONAL_CHARS:
            while f.in_bounds() and f.current() in _RELATIONAL_CHARS:
                f.pos += 1
        else:
            while f.in_bounds() and f.current() != " ":
                f.pos += 1
        return operator_named(f.slice(begin, f.pos))

    def read_value(self) -> ValueNode:
        f = self.f
        c = f.skip_blanks().current()
        if c in "$@":
            return self.read_path()
        if c == "!":
            f.pos += 1
            if f.skip_blanks().current() in "$@":
                return self.read_path()
            raise InvalidPath("Unexpected character: !")
        return self.read_literal()

    def read_literal(self) -> ValueNode:
        c = self.f.skip_blanks().current()
        if c in "'\"":
            return self.read_string(c)
        if c in "tf":
            return self.read_boolean()
        if c == "n":
            return self.read_null()
        if c in "{[":
            return self.read_json()
        if c == "/":
            return self.read_pattern()
        return self.read_number()

    def read_path(self) -> PathNode:
        f = self.f
        previous = f.previous_significant()
        begin = f.pos
        f.pos += 1
        while f.in_bounds():
            if f.current() == "[":
                close = f.matching_close(f.pos, "[", "]", True, False)
                if close == -1:
                    raise InvalidPath(f"Square brackets does not match in filter {f}")
                f.pos = close + 1
            closing_function = f.current() == ")" and self._closes_function(begin)
            closing_group = f.current() == ")" and not closing_function
            if not f.in_bounds() or f.current() in _RELATIONAL_CHARS or f.current() == " " or closing_group:
                break
            f.pos += 1
        return PathNode(compile_path_text(f.slice(begin, f.pos)), False, previous != "!")

    def _closes_function(self, lower_bound: int) -> bool:
        f = self.f
        if f.current() != ")":
            return False
        index = f.index_of_previous_significant()
        if index == -1 or f.char_at(index) != "(":
            return False
        index -= 1
        while f.in_bounds(index) and index > lower_bound:
            if f.char_at(index) == ".":
                return True
            index -= 1
        return False

    def read_string(self, quote: str) -> StringNode:
        f = self.f
        begin = f.pos
        close = f.next_unescaped(quote)
        if close == -1:
            raise InvalidPath(f"String literal does not have matching quotes. Expected {quote} in {f}")
        f.pos = close + 1
        return StringNode(f.slice(begin, f.pos), unquote=True)

    def read_boolean(self) -> BooleanNode:
        f = self.f
        begin = f.pos
        end = f.pos + 3 if f.current() == "t" else f.pos + 4
        if not f.in_bounds(end):
            raise InvalidPath("Expected boolean literal")
        literal = f.slice(begin, end + 1)
        if literal not in ("true", "false"):
            raise InvalidPath("Expected boolean literal")
        f.pos += len(literal)
        return TRUE if literal == "true" else FALSE

    def read_null(self) -> NullNode:
        f = self.f
        if f.current() == "n" and f.in_bounds(f.pos + 3) and f.slice(f.pos, f.pos + 4) == "null":
            f.pos += 4
            return NULL
        raise InvalidPath("Expected <null> value")

    def read_json(self) -> JsonNode:
        f = self.f
        begin = f.pos
        opening = f.current()
        close = f.matching_close(f.pos, opening, "]" if opening == "[" else "}", True, False)
        if close == -1:
            raise InvalidPath(f"String not closed. Expected ' in {f}")
        f.pos = close + 1
        return JsonNode(text=f.slice(begin, f.pos))

    def read_pattern(self) -> PatternNode:
        f = self.f
        begin = f.pos
        close = f.next_unescaped("/")
        if close == -1:
            raise InvalidPath(f"Pattern not closed. Expected / in {f}")
        if f.in_bounds(close + 1):
            end_of_flags = close + 1
            while f.in_bounds(end_of_flags) and f.char_at(end_of_flags) in FLAG_LETTERS:
                end_of_flags += 1
            close += end_of_flags - (close + 1)
        f.pos = close + 1
        try:
            return PatternNode(f.slice(begin, f.pos))
        except (PatternError, re.error) as error:
            raise JavaError("java.util.regex.PatternSyntaxException", str(error)) from None

    def read_number(self) -> NumberNode:
        f = self.f
        begin = f.pos
        while f.in_bounds() and (is_java_digit(f.current()) or f.current() in _NUMBER_CHARS):
            f.pos += 1
        return NumberNode(big_decimal(f.slice(begin, f.pos)))
