"""Path text to token chain, with the syntax Jayway's ``PathCompiler`` accepts and the messages it fails with.

A path that does not start with ``$`` or ``@`` gets ``$.`` put in front. Tokens are read left to right:
``.name``, ``..``, ``*``, ``['a','b']``, ``[0,1]``, ``[1:3]``, ``[*]``, ``[?(...)]`` and ``name(args)``.
Several oddities are Jayway's and kept: ``$.*a`` reads as ``$.*.a``, ``.length().x`` reads ``)`` as a
property name, a space anywhere in a dotted name is refused, and a few malformed inputs end with
the JDK's ``StringIndexOutOfBoundsException`` text wrapped in an ``InvalidPathException``.
"""

from __future__ import annotations

import re

from .errors import InvalidPath, JavaError, JsonPathError
from .filters import compile_filter
from .functions import Parameter
from .javalang import is_java_digit, java_trim, jayway_unescape, parse_int, readable
from .scanner import Scanner
from .tokens import (
    CompiledPath,
    FilterToken,
    FunctionToken,
    IndexToken,
    PropertyToken,
    RootToken,
    ScanToken,
    SliceToken,
    Token,
    WildcardToken,
)

_WHITESPACE = " \t\n\r"
_INDEX_SEPARATOR = re.compile(r"[ \t\n\x0b\f\r]*,[ \t\n\x0b\f\r]*")


def compile_units(text: str) -> CompiledPath:
    """``PathCompiler.compile`` over code units: anything but an ``InvalidPathException`` is wrapped in one."""
    try:
        scanner = Scanner(text).trim()
        if scanner.char_at(0) not in "$@":
            scanner = Scanner("$." + text).trim()
        if scanner.last_is("."):
            raise InvalidPath("Path must not end with a '.' or '..'")
        return _PathReader(scanner).compile()
    except InvalidPath:
        raise
    except (JsonPathError, JavaError) as error:
        raise InvalidPath(error.java_string()) from None


def _fail_token(position: int, hint: str = "") -> InvalidPath:
    return InvalidPath(f"Could not parse token starting at position {position}{hint}")


class _PathReader:
    def __init__(self, scanner: Scanner) -> None:
        self.path = scanner
        self.root: RootToken | None = None

    def compile(self) -> CompiledPath:
        root = self.read_root()
        return CompiledPath(root, root.fragment() == "$")

    def append(self, token: Token) -> None:
        assert self.root is not None
        self.root.append(token)

    def read_root(self) -> RootToken:
        path = self.path
        while path.in_bounds() and path.current() in _WHITESPACE:
            path.pos += 1
        if path.current() not in "$@":
            raise InvalidPath("Path must start with '$' or '@'")
        self.root = RootToken(path.current())
        if path.is_tail():
            return self.root
        path.pos += 1
        if path.current() not in ".[":
            raise InvalidPath(f"Illegal character at position {path.pos} expected '.' or '['")
        self.read_tokens()
        return self.root

    def read_tokens(self) -> None:
        path = self.path
        while True:
            c = path.current()
            if c == "[":
                if not (self.read_bracket_properties() or self.read_array() or self.read_wildcard()
                        or self.read_filter() or self.read_placeholder()):
                    raise _fail_token(path.pos, ". Expected ?, ', 0-9, * ")
            elif c == ".":
                self.read_dot()
                # A dot is always followed by another token (a path cannot end with one).
                continue
            elif c == "*":
                if not self.read_wildcard():
                    raise _fail_token(path.pos)
            elif not self.read_property_or_function():
                raise _fail_token(path.pos)
            if path.is_tail():
                return

    def read_dot(self) -> None:
        path = self.path
        if path.current_is(".") and path.next_is("."):
            self.append(ScanToken())
            path.pos += 2
        elif not path.has_more():
            raise InvalidPath("Path must not end with a '.")
        else:
            path.pos += 1
        if path.current_is("."):
            raise InvalidPath(f"Character '.' on position {path.pos} is not valid.")

    def read_property_or_function(self) -> bool:
        path = self.path
        if path.current() in "[*. ":
            return False
        start = read = path.pos
        end = 0
        is_function = False
        while path.in_bounds(read):
            c = path.char_at(read)
            if c == " ":
                raise InvalidPath("Use bracket notion ['my prop'] if your property contains blank characters. "
                                  f"position: {path.pos}")
            if c in ".[":
                end = read
                break
            if c == "(":
                is_function, end = True, read
                break
            read += 1
        if end == 0:
            end = path.length()
        name = path.slice(start, end)
        if not is_function:
            path.pos = end
            self.append(PropertyToken([readable(name)], "'"))
            return True
        depth = 1
        for i in range(read + 1, path.length()):
            if path.char_at(i) == ")":
                depth -= 1
            elif path.char_at(i) == "(":
                depth += 1
            if depth == 0:
                break
        if depth != 0:
            raise InvalidPath(f"Arguments to function: '{name}' are not closed properly.")
        parameters = None
        if path.in_bounds(read + 1):
            if path.char_at(read + 1) != ")":
                path.pos = end + 1
                parameters = self.read_function_parameters(name)
            else:
                path.pos = read + 1
        else:
            path.pos = read
        self.append(FunctionToken(readable(name), parameters))
        return True

    def read_function_parameters(self, name: str) -> list[Parameter]:
        """The arguments up to the function's closing parenthesis: JSON texts and paths, split on top-level commas."""
        path = self.path
        kind: str | None = None
        parens, brackets, braces, quotes = 1, 0, 0, 0
        finished = False
        prior = "\0"
        parameters: list[Parameter] = []
        text: list[str] = []
        while path.in_bounds() and not finished:
            c = path.current()
            path.pos += 1
            if kind is None:
                if c in _WHITESPACE:
                    continue
                if c in '{"-' or is_java_digit(c):
                    kind = "json"
                elif c in "$@":
                    kind = "path"
            if c == '"':
                if prior != "\\" and quotes > 0:
                    quotes -= 1
                else:
                    quotes += 1
            elif c == "(":
                parens += 1
            elif c == "{":
                braces += 1
            elif c == "[":
                brackets += 1
            elif c == "}":
                if braces == 0:
                    raise InvalidPath(f"Unexpected close brace '}}' at character position: {path.pos}")
                braces -= 1
            elif c == "]":
                if brackets == 0:
                    raise InvalidPath(f"Unexpected close bracket ']' at character position: {path.pos}")
                brackets -= 1
            elif c in "),":
                if c == ")":
                    parens -= 1
                    if parens < 0 or prior == "(":
                        text.append(c)
                if quotes == 0 and braces == 0 and brackets == 0 and ((parens == 0 and c == ")") or parens == 1):
                    finished = parens == 0
                    if kind is not None:
                        argument = "".join(text)
                        if kind == "json":
                            parameters.append(Parameter(json=argument))
                        else:
                            parameters.append(Parameter.of_path(_PathReader(Scanner(argument)).compile()))
                        text.clear()
                        kind = None
            if kind is not None and not (c == "," and braces == 0 and brackets == 0 and parens == 1):
                text.append(c)
            prior = c
        if braces != 0 or parens != 0 or brackets != 0:
            raise InvalidPath(f"Arguments to function: '{name}' are not closed properly.")
        return parameters

    def read_placeholder(self) -> bool:
        """``[?]``: a slot for a predicate passed alongside the path; response filters never supply one."""
        path = self.path
        if not path.current_is("["):
            return False
        question = path.index_of_next_significant("?")
        if question == -1:
            return False
        if path.next_significant(question) not in "],":
            return False
        begin = path.pos + 1
        end = path.next_index_of("]", begin)
        if end == -1:
            return False
        expression = path.slice(begin, end)
        # The slot always holds a "?", and no predicates are ever supplied with a response filter.
        raise InvalidPath(f"Not enough predicates supplied for filter [{expression}] at position {path.pos}")

    def read_filter(self) -> bool:
        path = self.path
        if not path.current_is("[") and not path.next_significant_is("?"):
            return False
        open_statement = path.pos
        question = path.index_of_next_significant("?")
        if question == -1:
            return False
        open_paren = path.index_of_next_significant("(", question)
        if open_paren == -1:
            return False
        close_paren = path.matching_close(open_paren, "(", ")", True, True)
        if close_paren == -1:
            return False
        if not path.next_significant_is("]", close_paren):
            return False
        close_statement = path.index_of_next_significant("]", close_paren)
        criteria = path.slice(open_statement, close_statement + 1)
        self.append(FilterToken([compile_filter(criteria)]))
        path.pos = close_statement + 1
        return True

    def read_wildcard(self) -> bool:
        path = self.path
        in_bracket = path.current_is("[")
        if in_bracket and not path.next_significant_is("*"):
            return False
        if not path.current_is("*") and path.out_of_bounds(path.pos + 1):
            return False
        if in_bracket:
            star = path.index_of_next_significant("*")
            if not path.next_significant_is("]", star):
                raise InvalidPath(f"Expected wildcard token to end with ']' on position {star + 1}")
            path.pos = path.index_of_next_significant("]", star) + 1
        else:
            path.pos += 1
        self.append(WildcardToken())
        return True

    def read_array(self) -> bool:
        path = self.path
        if not path.current_is("["):
            return False
        first = path.next_significant()
        if not is_java_digit(first) and first not in "-:":
            return False
        begin = path.pos + 1
        end = path.next_index_of("]", begin)
        if end == -1:
            return False
        expression = java_trim(path.slice(begin, end))
        if expression == "*":
            return False
        if any(not is_java_digit(c) and c not in ",-: " for c in expression):
            return False
        if ":" in expression:
            self.append(_slice_token(expression))
        else:
            self.append(IndexToken(_indexes(expression)))
        path.pos = end + 1
        return True

    def read_bracket_properties(self) -> bool:
        path = self.path
        if not path.current_is("["):
            return False
        quote = path.next_significant()
        if quote not in "'\"":
            return False
        properties: list[str] = []
        start = read = path.pos + 1
        end = 0
        in_property = escaped = after_comma = False
        while path.in_bounds(read):
            c = path.char_at(read)
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == "]" and not in_property:
                if after_comma:
                    raise InvalidPath(f"Found empty property at index {read}")
                break
            elif c == quote:
                if in_property:
                    if path.next_significant(read) not in "],":
                        raise InvalidPath("Property must be separated by comma or Property must be terminated close "
                                          f"square bracket at index {read}")
                    end = read
                    properties.append(readable(jayway_unescape(path.slice(start, end))))
                    in_property = False
                else:
                    start, in_property, after_comma = read + 1, True, False
            elif c == "," and not in_property:
                if after_comma:
                    raise InvalidPath(f"Found empty property at index {read}")
                after_comma = True
            read += 1
        if in_property:
            raise InvalidPath(f"Property has not been closed - missing closing {quote}")
        close = path.index_of_next_significant("]", end)
        if close == -1:
            raise InvalidPath("Property has not been closed - missing closing ]")
        path.pos = close + 1
        self.append(PropertyToken(properties, quote))
        return True


def _indexes(expression: str) -> list[int]:
    """``ArrayIndexOperation.parse``: comma-separated ints."""
    if any(not is_java_digit(c) and c not in ", -" for c in expression):
        raise InvalidPath(f"Failed to parse ArrayIndexOperation: {expression}")
    indexes = []
    for token in _INDEX_SEPARATOR.split(expression):
        try:
            indexes.append(parse_int(token))
        except JavaError:
            raise InvalidPath(f"Failed to parse token in ArrayIndexOperation: {token}") from None
    return indexes


def _slice_token(expression: str) -> SliceToken:
    """``ArraySliceOperation.parse``: ``from:``, ``:to`` or ``from:to`` (spaces are not allowed here)."""
    if any(not is_java_digit(c) and c not in "-:" for c in expression):
        raise InvalidPath(f"Failed to parse SliceOperation: {expression}")
    parts = expression.split(":")
    while parts and parts[-1] == "":
        # String.split drops trailing empty strings.
        parts.pop()
    start = parse_int(parts[0]) if len(parts) > 0 and parts[0] != "" else None
    stop = parse_int(parts[1]) if len(parts) > 1 and parts[1] != "" else None
    if start is None and stop is None:
        raise InvalidPath(f"Failed to parse SliceOperation: {expression}")
    return SliceToken(start, stop)
