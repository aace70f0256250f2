"""Source text to the user tree: the Lark grammar plus the ANTLR behaviours it must mimic.

Lexing and parsing failures become :class:`CompileFailure` with Painless's messages:
``unexpected character [...]`` (``EnhancedPainlessLexer``, with the hint about string
escapes), ``unexpected end of script.`` and ``invalid sequence of tokens near [...]``
(``ParserErrorStrategy``). Constructs the emulator does not run (lambdas, method
references, regexes, try/catch) are reported by name at their position.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken, VisitError

from . import tree
from .errors import CompileFailure
from .grammar import GRAMMAR

LEXER_ERROR = "org.antlr.v4.runtime.LexerNoViableAltException"
PARSER_ERROR = "org.antlr.v4.runtime.NoViableAltException"

# Words the ANTLR lexer never makes an ID (the contextual lexer might, where only an ID fits).
_RESERVED = frozenset({
    "if", "in", "else", "while", "do", "for", "continue", "break", "return", "new", "try", "catch", "throw", "this",
    "instanceof", "true", "false", "null", "def", "boolean", "byte", "short", "char", "int", "long", "float", "double",
})


def unsupported(construct: str, offset: int) -> CompileFailure:
    """A construct Painless has but the emulator does not run."""
    return CompileFailure(f"the ML Commons emulator does not support {construct} in Painless scripts", offset)


class _AfterDot(threading.local):
    """ANTLR's AFTER_DOT lexer mode: the character right after ``.``/``?.`` must start a name or an index.

    Lark calls it with the token only, so the text being parsed is kept per thread.
    """

    source = ""

    def __call__(self, token: Token) -> Token:
        end = token.end_pos
        if end < len(self.source) and not _NAME_START.match(self.source, end):
            raise CompileFailure(f"unexpected character [{_error_display(self.source[end])}].", end,
                                 cause_class=LEXER_ERROR)
        return token


_NAME_START = re.compile(r"[_a-zA-Z0-9]")


@lru_cache(maxsize=1)
def _lark() -> tuple[Lark, _AfterDot]:
    after_dot = _AfterDot()
    parser = Lark(GRAMMAR, parser="lalr", lexer="contextual", propagate_positions=True, maybe_placeholders=True,
                  lexer_callbacks={"DOT": after_dot, "NSDOT": after_dot})
    return parser, after_dot


def parse(source: str) -> tree.SSource:
    """Parse a script; raise :class:`CompileFailure` on any lexical or syntax error."""
    parser, after_dot = _lark()
    after_dot.source = source
    try:
        interactive = parser.parse_interactive(source)
        for _ in interactive.iter_parse():
            pass
        accepts = interactive.accepts()
        if "$END" not in accepts and "SEMICOLON" in accepts:
            # Painless ends a statement at the end of the script as if by ';'.
            interactive.feed_token(Token("SEMICOLON", ";", start_pos=len(source), end_pos=len(source)))
        tree = interactive.feed_eof()
    except UnexpectedCharacters as error:
        raise _lexer_failure(source, error.pos_in_stream) from None
    except UnexpectedToken as error:
        raise _token_failure(source, error.token) from None
    except UnexpectedEOF:
        raise CompileFailure("unexpected end of script.", len(source), cause_class=PARSER_ERROR) from None
    try:
        return _ToAst().transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, CompileFailure):
            raise error.orig_exc from None
        raise


def _token_failure(source: str, token: Token) -> CompileFailure:
    if token.type == "$END":
        return CompileFailure("unexpected end of script.", len(source), cause_class=PARSER_ERROR)
    position = token.start_pos
    for construct, marker, token_type in (("lambda expressions", "->", "ARROW"), ("method references", "::", "REF")):
        if token.type == token_type or source.startswith(marker, position):
            return unsupported(construct, position)
        if source.startswith(marker, position - 1):
            # The contextual lexer split the two-character token; report where it starts.
            return unsupported(construct, position - 1)
    for start in (position, position - 1):
        if start >= 0 and (source.startswith("//", start) or source.startswith("/*", start)):
            # An unterminated comment is no token at all: the lexer fails on it.
            return _lexer_failure(source, start)
    return CompileFailure(f"invalid sequence of tokens near ['{_error_display(str(token.value))}'].",
                          token.start_pos, cause_class=PARSER_ERROR)


def _error_display(text: str) -> str:
    """ANTLR's ``getErrorDisplay``: line breaks and tabs shown escaped."""
    return text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def _lexer_failure(source: str, pos: int) -> CompileFailure:
    """Reproduce the text ANTLR's lexer reports when no token can start at ``pos``."""
    first = source[pos]
    end = pos + 1
    if first in "'\"":
        end = _scan_string(source, pos)
    elif source.startswith("//", pos) or source.startswith("/*", pos):
        # An unterminated comment (a final ``//`` line needs a line break) runs to the end.
        end = len(source)
    elif first == "/":
        end = _scan_regex(source, pos)
    text = source[pos:end]
    message = f"unexpected character [{_error_display(text)}]."
    if first in "'\"" and len(text) - 2 > 0 and text[-2] == "\\":
        message += f" The only valid escape sequences in strings starting with [{first}] are [\\\\] and [\\{first}]."
    return CompileFailure(message, pos, cause_class=LEXER_ERROR)


def _scan_string(source: str, pos: int) -> int:
    """End (exclusive) of the text ANTLR consumed before a string literal failed."""
    quote = source[pos]
    index = pos + 1
    while index < len(source):
        char = source[index]
        if char == "\\":
            if index + 1 < len(source) and source[index + 1] in ("\\", quote):
                index += 2
                continue
            return min(index + 2, len(source))
        if char == quote:
            return index + 1
        index += 1
    return len(source)


def _scan_regex(source: str, pos: int) -> int:
    index = pos + 1
    while index < len(source):
        char = source[index]
        if char == "\n":
            return index + 1
        if char == "\\":
            index += 2
            continue
        if char == "/":
            return index + 1
        index += 1
    return len(source)


# ---- parse tree to user tree ------------------------------------------------------------------

class _Postfix:
    """A ``.name``, ``.name(args)`` or ``[index]`` waiting for its prefix."""

    __slots__ = ("kind", "loc", "name", "args", "null_safe", "index")

    def __init__(self, kind: str, loc: int, *, name: str = "", args: list[tree.Node] | None = None,
                 null_safe: bool = False, index: tree.Node | None = None) -> None:
        self.kind = kind
        self.loc = loc
        self.name = name
        self.args = args or []
        self.null_safe = null_safe
        self.index = index

    def apply(self, prefix: tree.Node, start: int) -> tree.Node:
        if self.kind == "call":
            return tree.ECall(self.loc, prefix, self.name, self.args, self.null_safe, start=start)
        if self.kind == "dot":
            return tree.EDot(self.loc, prefix, self.name, self.null_safe, start=start)
        assert self.index is not None
        return tree.EBrace(self.loc, prefix, self.index, start=start)


def _tokens(children: list[Any]) -> list[Token]:
    return [child for child in children if isinstance(child, Token)]


def _nodes(children: list[Any]) -> list[Any]:
    return [child for child in children if child is not None and not isinstance(child, Token)]


def _unescape(literal: str) -> str:
    body = literal[1:-1]
    if "\\" not in body:
        return body
    return re.sub(r"\\(.)", r"\1", body, flags=re.S)


_ASSIGN_OPS = {"=": None, "+=": "+", "-=": "-", "*=": "*", "/=": "/", "%=": "%", "&=": "&", "^=": "^",
               "|=": "|", "<<=": "<<", ">>=": ">>", ">>>=": ">>>"}


@v_args(meta=True)
class _ToAst(Transformer):
    # -- structure --

    def start(self, meta: Any, children: list[Any]) -> tree.SSource:
        functions = [child for child in children if isinstance(child, tree.SFunction)]
        statements = [child for child in children if child is not None and not isinstance(child, tree.SFunction)]
        return tree.SSource(0, functions, statements)

    def function(self, meta: Any, children: list[Any]) -> tree.SFunction:
        return_type, name = children[0], children[1]
        params = [child for child in children[2:-1] if child is not None]
        block = children[-1]
        if block is None:
            block = tree.SBlock(meta.start_pos, [])
        return tree.SFunction(meta.start_pos, return_type, str(name), [p[0] for p in params],
                             [p[1] for p in params], block)

    def parameter(self, meta: Any, children: list[Any]) -> tuple[str, str]:
        return children[0], str(children[1])

    def statement(self, meta: Any, children: list[Any]) -> tree.Node:
        return children[0]

    def trailer(self, meta: Any, children: list[Any]) -> tree.SBlock | None:
        inner = children[0]
        if inner is None or isinstance(inner, tree.SBlock):
            return inner
        return tree.SBlock(meta.start_pos, [inner])

    def block(self, meta: Any, children: list[Any]) -> tree.SBlock | None:
        statements = _nodes(children)
        if not statements:
            return None
        return tree.SBlock(meta.start_pos, statements)

    def empty(self, meta: Any, children: list[Any]) -> None:
        return None

    def initializer(self, meta: Any, children: list[Any]) -> tree.Node:
        return children[0]

    # -- statements --

    def if_stmt(self, meta: Any, children: list[Any]) -> tree.Node:
        cond, block = children[1], children[2]
        if len(children) > 3:
            return tree.SIfElse(meta.start_pos, cond, block, children[4])
        return tree.SIf(meta.start_pos, cond, block)

    def while_stmt(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.SWhile(meta.start_pos, children[1], children[2])

    def for_stmt(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.SFor(meta.start_pos, children[1], children[2], children[3], children[4])

    def each_stmt(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.SEach(meta.start_pos, children[1], str(children[2]), children[3], children[4])

    def ineach_stmt(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.SEach(meta.start_pos, "def", str(children[1]), children[3], children[4])

    def try_stmt(self, meta: Any, children: list[Any]) -> tree.Node:
        raise unsupported("try/catch statements", meta.start_pos)

    def trap(self, meta: Any, children: list[Any]) -> None:
        return None

    def do_stmt(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.SDo(meta.start_pos, children[1], children[3])

    def declaration(self, meta: Any, children: list[Any]) -> tree.SDeclBlock:
        type_name = children[0]
        declarations = [tree.SDeclaration(var[0], type_name, var[1], var[2]) for var in children[1:]]
        return tree.SDeclBlock(meta.start_pos, declarations)

    def declvar(self, meta: Any, children: list[Any]) -> tuple[int, str, tree.Node | None]:
        name = children[0]
        self._check_name(name)
        return name.start_pos, str(name), children[2]

    def continue_stmt(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.SContinue(meta.start_pos)

    def break_stmt(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.SBreak(meta.start_pos)

    def return_stmt(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.SReturn(meta.start_pos, children[1])

    def throw_stmt(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.SThrow(meta.start_pos, children[1])

    def expr_stmt(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.SExpression(meta.start_pos, children[0])

    # -- types --

    def decltype(self, meta: Any, children: list[Any]) -> str:
        return str(children[0]) + "[]" * children[1]

    def unknown_type(self, meta: Any, children: list[Any]) -> str:
        return str(children[0])

    def dims(self, meta: Any, children: list[Any]) -> int:
        return len(_tokens(children))

    dims1 = dims

    def primordefcasttype(self, meta: Any, children: list[Any]) -> str:
        return str(children[0])

    def refcasttype(self, meta: Any, children: list[Any]) -> str:
        return str(children[0]) + "[]" * children[1]

    # -- operators --

    def conditional(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.EConditional(meta.start_pos, children[0], children[2], children[3])

    def elvis(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.EElvis(meta.start_pos, children[0], children[2])

    def assignop(self, meta: Any, children: list[Any]) -> str:
        return str(children[0])

    def assignment(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.EAssignment(meta.start_pos, children[0], children[2], _ASSIGN_OPS[children[1]])

    def bool_op(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.EBoolOp(meta.start_pos, str(children[1]), children[0], children[2])

    def binary(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.EBinary(meta.start_pos, str(children[1]), children[0], children[2])

    def comp(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.EComp(meta.start_pos, str(children[1]), children[0], children[2])

    def instanceof(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.EInstanceof(meta.start_pos, children[0], children[2])

    def regex_op(self, meta: Any, children: list[Any]) -> tree.Node:
        raise unsupported("regex operators [=~] and [==~]", children[1].start_pos)

    def pre(self, meta: Any, children: list[Any]) -> tree.Node:
        op = children[0]
        one = tree.ENumeric(op.start_pos, "1", 10)
        return tree.EAssignment(op.start_pos, children[1], one, "+" if op == "++" else "-", post=False)

    def post(self, meta: Any, children: list[Any]) -> tree.Node:
        op = children[1]
        one = tree.ENumeric(meta.start_pos, "1", 10)
        return tree.EAssignment(meta.start_pos, children[0], one, "+" if op == "++" else "-", post=True)

    def sign(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.EUnary(meta.start_pos, str(children[0]), children[1])

    not_op = sign

    def cast(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.EExplicit(meta.start_pos, children[1], children[2])

    # -- chains --

    def dynamic_chain(self, meta: Any, children: list[Any]) -> tree.Node:
        node = children[0]
        start = node.start
        for postfix in children[1:]:
            node = postfix.apply(node, start)
        return node

    def static_chain(self, meta: Any, children: list[Any]) -> tree.Node:
        name = children[0]
        node: tree.Node = tree.EStaticType(name.start_pos, str(name))
        for postfix in children[1:]:
            node = postfix.apply(node, meta.start_pos)
        return node

    def new_array(self, meta: Any, children: list[Any]) -> tree.Node:
        type_name = str(children[1])
        values = []
        postfixes = []
        for child in children[2:]:
            if isinstance(child, _Postfix):
                postfixes.append(child)
            elif child is not None and not isinstance(child, Token):
                values.append(child)
        node: tree.Node = tree.ENewArray(meta.start_pos, type_name + "[]" * len(values), values, False)
        for postfix in postfixes:
            node = postfix.apply(node, meta.start_pos)
        return node

    def new_init_array(self, meta: Any, children: list[Any]) -> tree.Node:
        type_name = str(children[1]) + "[]"
        values = []
        postfixes = []
        for child in children[2:]:
            if isinstance(child, _Postfix):
                postfixes.append(child)
            elif child is not None and not isinstance(child, Token):
                values.append(child)
        node: tree.Node = tree.ENewArray(meta.start_pos, type_name, values, True)
        for postfix in postfixes:
            node = postfix.apply(node, meta.start_pos)
        return node

    def callinvoke(self, meta: Any, children: list[Any]) -> _Postfix:
        dot, name, args = children
        return _Postfix("call", dot.start_pos, name=str(name), args=args, null_safe=dot.type == "NSDOT")

    def fieldaccess(self, meta: Any, children: list[Any]) -> _Postfix:
        dot, name = children
        return _Postfix("dot", dot.start_pos, name=str(name), null_safe=dot.type == "NSDOT")

    def braceaccess(self, meta: Any, children: list[Any]) -> _Postfix:
        return _Postfix("brace", children[0].start_pos, index=children[1])

    def arguments(self, meta: Any, children: list[Any]) -> list[tree.Node]:
        return [child for child in children if child is not None]

    def lambda_arrow(self, meta: Any, children: list[Any]) -> tree.Node:
        raise unsupported("lambda expressions", children[0].start_pos)

    def method_ref(self, meta: Any, children: list[Any]) -> tree.Node:
        raise unsupported("method references", children[0].start_pos)

    # -- primaries --

    def precedence(self, meta: Any, children: list[Any]) -> tree.Node:
        inner = children[1]
        inner.start = meta.start_pos
        return inner

    def numeric(self, meta: Any, children: list[Any]) -> tree.Node:
        text = str(children[0])
        if text[:2] in ("0x", "0X"):
            return tree.ENumeric(meta.start_pos, text[2:], 16)
        if "." in text or ("e" in text.lower() and text[-1] not in "lL"):
            return tree.EDecimal(meta.start_pos, text)
        if len(text) > 1 and text[0] == "0" and text[1] in "01234567":
            return tree.ENumeric(meta.start_pos, text[1:], 8)
        return tree.ENumeric(meta.start_pos, text, 10)

    def true(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.EBoolean(meta.start_pos, True)

    def false(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.EBoolean(meta.start_pos, False)

    def null(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.ENull(meta.start_pos)

    def string(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.EString(meta.start_pos, _unescape(str(children[0])))

    def regex(self, meta: Any, children: list[Any]) -> tree.Node:
        raise unsupported("regex literals", meta.start_pos)

    def list_init(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.EListInit(meta.start_pos, _nodes(children))

    def map_init(self, meta: Any, children: list[Any]) -> tree.Node:
        pairs = [child for child in children if isinstance(child, tuple)]
        return tree.EMapInit(meta.start_pos, [k for k, _ in pairs], [v for _, v in pairs])

    def maptoken(self, meta: Any, children: list[Any]) -> tuple[tree.Node, tree.Node]:
        return children[0], children[1]

    def variable(self, meta: Any, children: list[Any]) -> tree.Node:
        name = children[0]
        self._check_name(name)
        return tree.ESymbol(meta.start_pos, str(name))

    def call_local(self, meta: Any, children: list[Any]) -> tree.Node:
        name = children[0]
        self._check_name(name)
        return tree.ECallLocal(meta.start_pos, str(name), children[1])

    def new_object(self, meta: Any, children: list[Any]) -> tree.Node:
        return tree.ENewObj(meta.start_pos, str(children[1]), children[2])

    @staticmethod
    def _check_name(token: Token) -> None:
        if str(token) in _RESERVED:
            raise CompileFailure(f"invalid sequence of tokens near ['{token}'].", token.start_pos,
                                 cause_class=PARSER_ERROR)
