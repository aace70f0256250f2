"""Semantic analysis: the user tree to the executable tree, with Painless's compile errors.

Follows OpenSearch's ``DefaultSemanticAnalysisPhase``: every expression gets a static type,
implicit casts are inserted where ``AnalyzerCaster`` allows them (and rejected with its
messages where it does not), statements are checked for control flow (extraneous blocks,
unreachable statements, loops that cannot loop) and a final expression statement of a
value-returning function becomes its return value. It also tracks, in emission order, the
debug labels the bytecode writer would place, so each failing node knows the offset a
stack trace would report, and collects the statement offsets that bound ``script_stack``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import allowlist, jlib, runtime, tree
from . import interpreter as ir
from .errors import CompileFailure
from .types import (
    BOOLEAN,
    BOXES,
    CHAR,
    CLASSES,
    DEF,
    DOUBLE,
    EXCEPTION,
    EXCEPTION_CLASSES,
    FLOAT,
    INT,
    LONG,
    MAP,
    OBJECT,
    STRING,
    VOID,
    IllegalCast,
    JType,
    legal_cast,
    promote_add,
    promote_conditional,
    promote_equality,
    promote_numeric,
    promote_xor,
    resolve,
)

IAE = "java.lang.IllegalArgumentException"
CCE = "java.lang.ClassCastException"
ISE = "java.lang.IllegalStateException"

_OPERATIONS = {
    "*": "multiplication", "/": "division", "%": "remainder", "+": "addition", "-": "subtraction",
    "<<": "left shift", ">>": "right shift", ">>>": "unsigned shift", "~": "bitwise not", "&": "bitwise and",
    "^": "bitwise xor", "|": "boolean or", "!": "boolean not", "&&": "boolean and", "||": "boolean or",
    "<": "less than", "<=": "less than or equals", ">": "greater than", ">=": "greater than or equals",
    "==": "equals", "===": "reference equals", "!=": "not equals", "!==": "reference not equals",
}

_BYTE = resolve("byte")
_SHORT = resolve("short")
_DEFAULTS = {"int": 0, "long": 0, "short": 0, "byte": 0, "double": 0.0, "float": 0.0, "boolean": False,
             "char": "\0"}


def fail(message: str, node: tree.Node | int, java_class: str = IAE) -> CompileFailure:
    offset = node if isinstance(node, int) else node.loc
    return CompileFailure(message, offset, java_class=java_class)


@dataclass
class Variable:
    name: str
    type: JType
    slot: int
    read_only: bool = False


@dataclass
class Flow:
    """Control-flow facts about a statement (``MethodEscape``, ``LoopEscape``, ...)."""

    method_escape: bool = False
    loop_escape: bool = False
    all_escape: bool = False
    any_continue: bool = False
    any_break: bool = False


@dataclass
class Conditions:
    last_source: bool = False
    in_loop: bool = False
    last_loop: bool = False
    begin_loop: bool = False


@dataclass
class FunctionScope:
    name: str
    return_type: JType
    scopes: list[dict[str, Variable]] = field(default_factory=lambda: [{}])
    next_slot: int = 2

    def lookup(self, name: str) -> Variable | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def define(self, name: str, type_: JType, loc: int, read_only: bool = False) -> Variable:
        if self.lookup(name) is not None:
            raise fail(f"variable [{name}] is already defined", loc)
        variable = Variable(name, type_, self.next_slot, read_only)
        self.next_slot += 1
        self.scopes[-1][name] = variable
        return variable


@dataclass
class Typed:
    """An analysed expression: its executable node and static type (``static`` for a bare class name)."""

    node: ir.Expr | None
    type: JType
    static: JType | None = None
    partial: str | None = None
    def_optimized: bool = False


@dataclass
class Program:
    main: ir.Function
    functions: dict[str, ir.Function]
    statements: list[int]


class Analyzer:
    """Analyse a parsed script (``helper`` is the injected ``escape`` function, if any)."""

    def __init__(self, source: tree.SSource, helper: tree.SFunction | None, natives: dict[str, Any]) -> None:
        self.source = source
        self.helper = helper
        self.natives = natives
        self.functions: dict[tuple[str, int], tuple[tree.SFunction, ir.Function, list[JType], JType]] = {}
        self.statements: set[int] = set()
        self.label: int | None = None
        self.scope: FunctionScope = FunctionScope("execute", STRING)
        self.uses_params = False

    # ---- entry -------------------------------------------------------------------------------

    def analyze(self) -> Program:
        declared = ([self.helper] if self.helper is not None else []) + list(self.source.functions)
        for function in declared:
            self._declare(function)
        execute_node = tree.SFunction(0, "String", "execute", [], [], tree.SBlock(0, self.source.statements))
        self._declare(execute_node)
        for function in declared:
            if function.native is None:
                self._define(function)
        main = self._define(execute_node, is_execute=True)
        return Program(main, {key[0]: entry[1] for key, entry in self.functions.items()},
                       sorted(self.statements))

    def _declare(self, function: tree.SFunction) -> None:
        key = (function.name, len(function.param_types))
        label = f"{function.name}/{len(function.param_types)}"
        if key in self.functions:
            raise fail(f"invalid function definition: found duplicate function [{label}].", function)
        return_type = resolve(function.return_type)
        if return_type is None:
            raise fail(f"invalid function definition: return type [{function.return_type}] not found for function "
                       f"[{label}]", function)
        params = []
        for name in function.param_types:
            param = resolve(name)
            if param is None:
                raise fail(f"invalid function definition: parameter type [{name}] not found for function [{label}]",
                           function)
            params.append(param)
        compiled = ir.Function(function.name, 0, _DEFAULTS.get(return_type.key) if return_type.is_primitive else None)
        if function.native is not None:
            compiled.native = self.natives[function.native]
        self.functions[key] = (function, compiled, params, return_type)

    def _define(self, function: tree.SFunction, is_execute: bool = False) -> ir.Function:
        _, compiled, params, return_type = self.functions[(function.name, len(function.param_types))]
        self.scope = FunctionScope(function.name, return_type)
        self.label = None
        if is_execute:
            self.scope.define("params", MAP, 0)
            if self._mentions_params(function.block):
                # The injected ``params = getParams()`` writes a line entry at offset 0.
                self.label = 0
        else:
            for type_, name in zip(params, function.param_names, strict=True):
                self.scope.define(name, type_, function.loc)
        if not function.block.statements:
            raise fail(f"invalid function definition: found no statements for function [{function.name}] with "
                       f"[{len(params)}] parameters", function)
        body, flow = self._block(function.block, Conditions(last_source=True), new_scope=False)
        if not flow.method_escape and not is_execute and return_type is not VOID:
            raise fail(f"invalid function definition: not all paths provide a return value for function "
                       f"[{function.name}] with [{len(params)}] parameters", function)
        compiled.body = body
        compiled.frame_size = self.scope.next_slot
        return compiled

    def _mentions_params(self, node: Any) -> bool:
        if isinstance(node, tree.ESymbol):
            return node.name == "params"
        if isinstance(node, tree.Node):
            return any(self._mentions_params(value) for value in vars(node).values())
        if isinstance(node, list):
            return any(self._mentions_params(value) for value in node)
        return False

    def mark(self, offset: int) -> None:
        self.label = offset

    # ---- statements --------------------------------------------------------------------------

    def _block(self, block: tree.SBlock | None, conditions: Conditions, *, new_scope: bool = True
               ) -> tuple[ir.Block, Flow]:
        assert block is not None
        if not block.statements:
            raise fail("invalid block: found no statements", block)
        if new_scope:
            self.scope.scopes.append({})
        compiled: list[ir.Stmt] = []
        flow = Flow()
        last = block.statements[-1]
        try:
            for statement in block.statements:
                child = Conditions(in_loop=conditions.in_loop)
                if statement is last:
                    child.last_loop = conditions.begin_loop or conditions.last_loop
                    child.last_source = conditions.last_source
                node, statement_flow = self._statement(statement, child)
                compiled.append(node)
                if statement is last:
                    flow.method_escape = statement_flow.method_escape
                    flow.loop_escape = statement_flow.loop_escape
                    flow.all_escape = statement_flow.all_escape
                elif statement_flow.all_escape:
                    raise fail("invalid block: unreachable statement", block)
                flow.any_continue |= statement_flow.any_continue
                flow.any_break |= statement_flow.any_break
        finally:
            if new_scope:
                self.scope.scopes.pop()
        return ir.Block(compiled), flow

    def _statement(self, node: tree.Node, conditions: Conditions) -> tuple[ir.Stmt, Flow]:
        if isinstance(node, tree.SDeclBlock):
            return self._declarations(node), Flow()
        self.statements.add(node.loc)
        handler = getattr(self, "_s_" + type(node).__name__)
        return handler(node, conditions)

    def _declarations(self, node: tree.SDeclBlock) -> ir.Stmt:
        compiled = [self._declaration(declaration) for declaration in node.declarations]
        return compiled[0] if len(compiled) == 1 else ir.Block(compiled)

    def _declaration(self, node: tree.SDeclaration) -> ir.Stmt:
        self.statements.add(node.loc)
        if resolve(node.name) is not None:
            raise fail(f"invalid declaration: type [{node.name}] cannot be a name", node)
        type_ = resolve(node.type_name)
        if type_ is None:
            raise fail(f"invalid declaration: cannot resolve type [{node.type_name}]", node)
        value = None
        if node.value is not None:
            value = self.value(node.value, target=type_)
        variable = self.scope.define(node.name, type_, node.loc)
        default = _DEFAULTS.get(type_.key) if type_.is_primitive else None
        return ir.Declare(variable.slot, value, default)

    def _s_SExpression(self, node: tree.SExpression, conditions: Conditions) -> tuple[ir.Stmt, Flow]:
        return_type = self.scope.return_type
        returns = conditions.last_source and return_type is not VOID
        typed = self.expr(node.expr, read=returns)
        self._require_value(typed, node.expr)
        if returns and typed.type is not VOID:
            value = self.cast(typed, return_type, node.expr, internal=True)
            return ir.Return(value), Flow(method_escape=True, loop_escape=True, all_escape=True)
        assert typed.node is not None
        return ir.ExprStmt(typed.node), Flow()

    def _s_SReturn(self, node: tree.SReturn, conditions: Conditions) -> tuple[ir.Stmt, Flow]:
        return_type = self.scope.return_type
        escape = Flow(method_escape=True, loop_escape=True, all_escape=True)
        if node.value is None:
            if return_type is not VOID:
                raise fail(f"cannot cast from [{return_type.name}] to [void]", node, CCE)
            return ir.Return(None), escape
        return ir.Return(self.value(node.value, target=return_type, internal=True)), escape

    def _s_SThrow(self, node: tree.SThrow, conditions: Conditions) -> tuple[ir.Stmt, Flow]:
        value = self.value(node.expr, target=EXCEPTION)
        return ir.Throw(value, self.label), Flow(method_escape=True, loop_escape=True, all_escape=True)

    def _s_SIf(self, node: tree.SIf, conditions: Conditions) -> tuple[ir.Stmt, Flow]:
        cond = self.value(node.cond, target=BOOLEAN)
        if isinstance(node.cond, tree.EBoolean) or node.block is None:
            raise fail("extraneous if block", node)
        block, flow = self._block(node.block, Conditions(conditions.last_source, conditions.in_loop,
                                                         conditions.last_loop))
        return ir.If(cond, block, None), Flow(any_continue=flow.any_continue, any_break=flow.any_break)

    def _s_SIfElse(self, node: tree.SIfElse, conditions: Conditions) -> tuple[ir.Stmt, Flow]:
        cond = self.value(node.cond, target=BOOLEAN)
        if isinstance(node.cond, tree.EBoolean) or node.block is None:
            raise fail("extraneous if block", node)
        inherited = Conditions(conditions.last_source, conditions.in_loop, conditions.last_loop)
        then, then_flow = self._block(node.block, inherited)
        if node.else_block is None:
            raise fail("extraneous else block.", node)
        otherwise, else_flow = self._block(node.else_block, inherited)
        flow = Flow(
            method_escape=then_flow.method_escape and else_flow.method_escape,
            loop_escape=then_flow.loop_escape and else_flow.loop_escape,
            all_escape=then_flow.all_escape and else_flow.all_escape,
            any_continue=then_flow.any_continue or else_flow.any_continue,
            any_break=then_flow.any_break or else_flow.any_break,
        )
        return ir.If(cond, then, otherwise), flow

    def _loop_body(self, block: tree.SBlock) -> tuple[ir.Block, Flow]:
        return self._block(block, Conditions(in_loop=True, begin_loop=True))

    def _s_SWhile(self, node: tree.SWhile, conditions: Conditions) -> tuple[ir.Stmt, Flow]:
        self.scope.scopes.append({})
        try:
            cond = self.value(node.cond, target=BOOLEAN)
            continuous = False
            if isinstance(node.cond, tree.EBoolean):
                continuous = node.cond.value
                if not continuous:
                    raise fail("extraneous while loop", node)
                if node.block is None:
                    raise fail("no paths escape from while loop", node)
            self.mark(node.loc)
            body = None
            flow = Flow()
            if node.block is not None:
                body, body_flow = self._loop_body(node.block)
                if body_flow.loop_escape and not body_flow.any_continue:
                    raise fail("extraneous while loop", node)
                if continuous and not body_flow.any_break:
                    flow = Flow(method_escape=True, all_escape=True)
            return ir.While(cond, body, node.loc), flow
        finally:
            self.scope.scopes.pop()

    def _s_SDo(self, node: tree.SDo, conditions: Conditions) -> tuple[ir.Stmt, Flow]:
        self.scope.scopes.append({})
        try:
            if node.block is None:
                raise fail("extraneous do-while loop", node)
            body, body_flow = self._loop_body(node.block)
            if body_flow.loop_escape and not body_flow.any_continue:
                raise fail("extraneous do-while loop", node)
            cond = self.value(node.cond, target=BOOLEAN)
            flow = Flow()
            if isinstance(node.cond, tree.EBoolean):
                if not node.cond.value:
                    raise fail("extraneous do-while loop", node)
                if not body_flow.any_break:
                    flow = Flow(method_escape=True, all_escape=True)
            self.mark(node.loc)
            return ir.DoWhile(cond, body, node.loc), flow
        finally:
            self.scope.scopes.pop()

    def _s_SFor(self, node: tree.SFor, conditions: Conditions) -> tuple[ir.Stmt, Flow]:
        self.scope.scopes.append({})
        try:
            init: ir.Stmt | None = None
            if isinstance(node.init, tree.SDeclBlock):
                init = self._declarations(node.init)
            elif node.init is not None:
                typed = self.expr(node.init, read=False)
                assert typed.node is not None
                init = ir.ExprStmt(typed.node)
            cond = None
            continuous = False
            if node.cond is not None:
                cond = self.value(node.cond, target=BOOLEAN)
                if isinstance(node.cond, tree.EBoolean):
                    continuous = node.cond.value
                    if not continuous:
                        raise fail("extraneous for loop", node)
                    if node.block is None:
                        raise fail("no paths escape from for loop", node)
            else:
                continuous = True
            self.mark(node.loc)
            body = None
            flow = Flow()
            if node.block is not None:
                body, body_flow = self._loop_body(node.block)
                if body_flow.loop_escape and not body_flow.any_continue:
                    raise fail("extraneous for loop", node)
                if continuous and not body_flow.any_break:
                    flow = Flow(method_escape=True, all_escape=True)
            after = None
            if node.after is not None:
                typed = self.expr(node.after, read=False)
                after = typed.node
            return ir.For(init, cond, after, body, node.loc), flow
        finally:
            self.scope.scopes.pop()

    def _s_SEach(self, node: tree.SEach, conditions: Conditions) -> tuple[ir.Stmt, Flow]:
        iterable = self.expr(node.iterable)
        self._require_value(iterable, node.iterable)
        type_ = resolve(node.type_name)
        if type_ is None:
            raise fail(f"invalid foreach loop: type [{node.type_name}] not found", node)
        items_dbg = self.label
        self.scope.scopes.append({})
        try:
            variable = self.scope.define(node.name, type_, node.loc, read_only=True)
            if node.block is None:
                raise fail("extraneous foreach loop", node)
            source = iterable.type
            if source.is_array:
                assert source.component is not None
                element = source.component
                items: Callable[[Any], list[Any]] = _array_items
            elif source.is_def or (source.kind == "ref" and source.key in ("Iterable", "Collection", "List",
                                                                             "ArrayList", "Set")):
                element = DEF
                site = runtime.Site()
                items = _def_items(site) if source.is_def else _typed_items
            else:
                raise fail(f"invalid foreach loop: cannot iterate over type [{source.name}].", node)
            cast = self._cast_function(element, type_, node, explicit=True, internal=True)
            self.mark(node.loc)
            body, body_flow = self._loop_body(node.block)
            if body_flow.loop_escape and not body_flow.any_continue:
                raise fail("extraneous foreach loop", node)
            assert iterable.node is not None
            return ir.ForEach(iterable.node, items, variable.slot, cast, body, node.loc, items_dbg, items_dbg), Flow()
        finally:
            self.scope.scopes.pop()

    def _s_SBreak(self, node: tree.SBreak, conditions: Conditions) -> tuple[ir.Stmt, Flow]:
        if not conditions.in_loop:
            raise fail("invalid break statement: not inside loop", node)
        return ir.Break(), Flow(all_escape=True, loop_escape=True, any_break=True)

    def _s_SContinue(self, node: tree.SContinue, conditions: Conditions) -> tuple[ir.Stmt, Flow]:
        if not conditions.in_loop:
            raise fail("invalid continue statement: not inside loop", node)
        if conditions.last_loop:
            raise fail("extraneous continue statement", node)
        return ir.Continue(), Flow(all_escape=True, any_continue=True)

    # ---- casts -------------------------------------------------------------------------------

    def _cast_function(self, source: JType, target: JType, node: tree.Node, *, explicit: bool = False,
                       internal: bool = False) -> Callable[[Any], Any] | None:
        try:
            cast = legal_cast(source, target, explicit=explicit, internal=internal)
        except IllegalCast as error:
            raise fail(str(error), node, CCE) from None
        return runtime.cast_function(cast)

    def cast(self, typed: Typed, target: JType, node: tree.Node, *, explicit: bool = False,
             internal: bool = False) -> ir.Expr:
        assert typed.node is not None
        function = self._cast_function(typed.type, target, node, explicit=explicit, internal=internal)
        if function is None:
            return typed.node
        if isinstance(typed.node, ir.Const):
            try:
                return ir.Const(function(typed.node.value))
            except Exception:  # a constant that cannot convert fails when it runs, as in Java
                pass
        return ir.Cast(typed.node, function, self.label)

    def value(self, node: tree.Node, *, target: JType, explicit: bool = False, internal: bool = False) -> ir.Expr:
        """Analyse an expression whose value is read into a slot of type ``target``."""
        typed = self.expr(node, target=target, explicit=explicit, internal=internal)
        self._require_value(typed, node)
        return self.cast(typed, target, node, explicit=explicit, internal=internal)

    def _require_value(self, typed: Typed, node: tree.Node) -> None:
        """``checkedVisit``: a bare class name or an unresolved symbol is not a value."""
        if typed.partial is not None:
            raise fail(f"cannot resolve symbol [{typed.partial}]", node)
        if typed.static is not None:
            raise fail(f"value required: instead found unexpected type [{typed.static.name}]", node)
        if typed.type is VOID and typed.node is None:
            raise fail("value required: instead found no value", node, ISE)

    # ---- expressions -------------------------------------------------------------------------

    def expr(self, node: tree.Node, *, read: bool = True, write: bool = False, target: JType | None = None,
             explicit: bool = False, internal: bool = False, negate: bool = False) -> Typed:
        handler = getattr(self, "_e_" + type(node).__name__)
        typed = handler(node, read=read, write=write, target=target, explicit=explicit, internal=internal,
                        negate=negate)
        return typed

    def checked(self, node: tree.Node, **options: Any) -> Typed:
        typed = self.expr(node, **options)
        self._require_value(typed, node)
        return typed

    def _unread(self, node: tree.Node, read: bool, write: bool, what: str, assign_what: str | None = None) -> None:
        if write:
            raise fail(f"invalid assignment: cannot assign a value to {assign_what or what}", node)
        if not read:
            raise fail(f"not a statement: {what}", node)

    # -- constants --

    def _e_ENumeric(self, node: tree.ENumeric, *, read: bool, write: bool, target: JType | None, negate: bool,
                    **_: Any) -> Typed:
        numeric = ("-" if negate else "") + node.text
        if write:
            raise fail(f"invalid assignment: cannot assign a value to numeric constant [{numeric}]", node)
        if not read:
            raise fail(f"not a statement: numeric constant [{numeric}] not used", node)
        radix = node.radix
        last = numeric[-1]
        if last in "dD":
            if radix != 10:
                raise fail("Illegal tree structure.", node, ISE)
            return Typed(ir.Const(float(numeric[:-1])), DOUBLE)
        if last in "fF":
            if radix != 10:
                raise fail("Illegal tree structure.", node, ISE)
            return Typed(ir.Const(jlib.parse_float(numeric[:-1])), FLOAT)
        if last in "lL":
            try:
                value = _parse_java_integer(numeric[:-1], radix, 64)
            except ValueError:
                raise fail(f"Invalid long constant [{numeric}].", node) from None
            return Typed(ir.Const(value), LONG)
        try:
            value = _parse_java_integer(numeric, radix, 32)
        except ValueError:
            try:
                _parse_java_integer(numeric, radix, 64)
            except ValueError:
                raise fail(f"Invalid int constant [{numeric}].", node) from None
            raise fail(f"Invalid int constant [{numeric}]. If you want a long constant then change it to "
                       f"[{numeric}L].", node) from None
        if target is not None and target.key == "byte" and -128 <= value <= 127:
            return Typed(ir.Const(value), _BYTE)
        if target is not None and target.key == "char" and 0 <= value <= 0xFFFF:
            return Typed(ir.Const(chr(value)), CHAR)
        if target is not None and target.key == "short" and -32768 <= value <= 32767:
            return Typed(ir.Const(value), _SHORT)
        return Typed(ir.Const(value), INT)

    def _e_EDecimal(self, node: tree.EDecimal, *, read: bool, write: bool, negate: bool, **_: Any) -> Typed:
        decimal = ("-" if negate else "") + node.text
        if write:
            raise fail(f"invalid assignment: cannot assign a value to decimal constant [{decimal}]", node)
        if not read:
            raise fail(f"not a statement: decimal constant [{decimal}] not used", node)
        if decimal[-1] in "fF":
            return Typed(ir.Const(jlib.parse_float(decimal[:-1])), FLOAT)
        text = decimal[:-1] if decimal[-1] in "dD" else decimal
        return Typed(ir.Const(float(text)), DOUBLE)

    def _e_EString(self, node: tree.EString, *, read: bool, write: bool, **_: Any) -> Typed:
        if write:
            raise fail(f"invalid assignment: cannot assign a value to string constant [{node.value}]", node)
        if not read:
            raise fail(f"not a statement: string constant [{node.value}] not used", node)
        return Typed(ir.Const(node.value), STRING)

    def _e_EBoolean(self, node: tree.EBoolean, *, read: bool, write: bool, **_: Any) -> Typed:
        text = "true" if node.value else "false"
        if write:
            raise fail(f"invalid assignment: cannot assign a value to boolean constant [{text}]", node)
        if not read:
            raise fail(f"not a statement: boolean constant [{text}] not used", node)
        return Typed(ir.Const(node.value), BOOLEAN)

    def _e_ENull(self, node: tree.ENull, *, read: bool, write: bool, target: JType | None, **_: Any) -> Typed:
        if write:
            raise fail("invalid assignment: cannot assign a value to null constant", node)
        if not read:
            raise fail("not a statement: null constant not used", node)
        if target is not None:
            if target.is_primitive:
                raise fail(f"Cannot cast null to a primitive type [{target.name}].", node)
            return Typed(ir.Const(None), target)
        return Typed(ir.Const(None), OBJECT)

    # -- names --

    def _e_ESymbol(self, node: tree.ESymbol, *, read: bool, write: bool, **_: Any) -> Typed:
        variable = self.scope.lookup(node.name)
        if variable is None:
            return Typed(None, VOID, partial=node.name)
        if not read and not write:
            raise fail(f"not a statement: variable [{node.name}] not used", node)
        if write and variable.read_only:
            raise fail(f"Variable [{node.name}] is read-only.", node)
        return Typed(ir.Local(variable.slot), variable.type)

    def _e_EStaticType(self, node: tree.EStaticType, *, read: bool, write: bool, **_: Any) -> Typed:
        type_ = CLASSES[node.name]
        if write:
            raise fail(f"invalid assignment: cannot write a value to a static type [{type_.name}]", node)
        if not read:
            raise fail(f"not a statement: static type [{type_.name}] not used", node)
        return Typed(None, VOID, static=type_)

    # -- operators --

    def _e_EBinary(self, node: tree.EBinary, *, read: bool, write: bool, target: JType | None, explicit: bool,
                   **_: Any) -> Typed:
        op = node.op
        name = f"{_OPERATIONS[op]} operation [{op}]"
        self._unread(node, read, write, f"result not used from {name}")
        self.mark(node.loc)
        left = self.checked(node.left)
        right = self.checked(node.right)
        if op in ("*", "/", "%", "-"):
            promoted = promote_numeric(left.type, right.type, True)
        elif op == "+":
            promoted = promote_add(left.type, right.type)
        elif op in ("<<", ">>", ">>>"):
            promoted = promote_numeric(left.type, None, False)
            shift = promote_numeric(right.type, None, False)
            if shift is None:
                promoted = None
        elif op in ("|", "&"):
            promoted = promote_numeric(left.type, right.type, False)
        else:
            promoted = promote_xor(left.type, right.type)
        if promoted is None:
            raise fail(f"cannot apply the {_OPERATIONS[op]} operator [{op}] to the types [{left.type.name}] and "
                       f"[{right.type.name}]", node, CCE)
        if promoted is STRING and op == "+":
            return Typed(self._concat([(left, node.left), (right, node.right)], node), STRING)
        if promoted.is_def or (op in ("<<", ">>", ">>>") and (left.type.is_def or right.type.is_def)):
            left_node = self.cast(left, DEF, node.left, internal=True)
            right_node = self.cast(right, DEF, node.right, internal=True)
            value_type = DEF
            convert = None
            if target is not None and not explicit and not target.is_def:
                value_type = target
                convert = _handle_converter(target)
            return Typed(ir.DefBinary(op, left_node, right_node, convert, self.label), value_type)
        if op in ("<<", ">>", ">>>"):
            shift_type = promote_numeric(right.type, None, False)
            assert shift_type is not None
            left_node = self.cast(left, promoted, node.left)
            right_node = self.cast(right, INT, node.right, explicit=True) if shift_type is LONG else \
                self.cast(right, shift_type, node.right)
        else:
            left_node = self.cast(left, promoted, node.left)
            right_node = self.cast(right, promoted, node.right)
        function = runtime.PRIMITIVE_OPS[promoted.key][op]
        return Typed(ir.Binary(function, left_node, right_node, self.label), promoted)

    def _concat(self, operands: list[tuple[Typed, tree.Node]], node: tree.Node) -> ir.Expr:
        parts: list[tuple[ir.Expr, Callable[[Any], str]]] = []
        for typed, source in operands:
            assert typed.node is not None
            if isinstance(typed.node, ir.Concat) and typed.type is STRING and _is_concat(source):
                parts.extend(typed.node.parts)
            else:
                parts.append((typed.node, runtime.stringifier(typed.type)))
        return ir.Concat(parts, self.label)

    def _e_EComp(self, node: tree.EComp, *, read: bool, write: bool, **_: Any) -> Typed:
        op = node.op
        name = f"{_OPERATIONS[op]} operation [{op}]"
        self._unread(node, read, write, f"result not used from {name}")
        self.mark(node.loc)
        left = self.checked(node.left)
        right = self.checked(node.right)
        equality = op in ("==", "!=", "===", "!==")
        promoted = promote_equality(left.type, right.type) if equality else \
            promote_numeric(left.type, right.type, True)
        if promoted is None:
            raise fail(f"cannot apply the {_OPERATIONS[op]} operator [{op}] to the types [{left.type.name}] and "
                       f"[{right.type.name}]", node, CCE)
        if equality and isinstance(node.left, tree.ENull) and isinstance(node.right, tree.ENull):
            raise fail("extraneous comparison of [null] constants", node)
        negate = op in ("!=", "!==")
        reference = op in ("===", "!==")
        if promoted.is_def and not reference:
            left_node = self.cast(left, DEF, node.left)
            right_node = self.cast(right, DEF, node.right)
            if equality:
                if isinstance(node.right, tree.ENull):
                    return Typed(ir.IsNull(left_node, negate), BOOLEAN)
                if isinstance(node.left, tree.ENull):
                    return Typed(ir.IsNull(right_node, negate), BOOLEAN)
                return Typed(ir.DefEquals(left_node, right_node, negate, self.label), BOOLEAN)
            return Typed(ir.DefCompare(op, left_node, right_node, self.label), BOOLEAN)
        left_node = self.cast(left, promoted, node.left)
        right_node = self.cast(right, promoted, node.right)
        if equality:
            if promoted.is_primitive:
                base = (lambda a, b: a != b) if negate else (lambda a, b: a == b)
                return Typed(ir.Compare(base, left_node, right_node), BOOLEAN)
            if isinstance(node.right, tree.ENull):
                return Typed(ir.IsNull(left_node, negate), BOOLEAN)
            if reference:
                return Typed(ir.Identity(left_node, right_node, negate), BOOLEAN)
            return Typed(ir.ObjectEquals(left_node, right_node, negate), BOOLEAN)
        return Typed(ir.Compare(runtime.COMPARISONS[op], left_node, right_node), BOOLEAN)

    def _e_EBoolOp(self, node: tree.EBoolOp, *, read: bool, write: bool, **_: Any) -> Typed:
        op = node.op
        self._unread(node, read, write, f"result not used from {_OPERATIONS[op]} operation [{op}]")
        left = self.value(node.left, target=BOOLEAN)
        right = self.value(node.right, target=BOOLEAN)
        return Typed(ir.And(left, right) if op == "&&" else ir.Or(left, right), BOOLEAN)

    def _e_EUnary(self, node: tree.EUnary, *, read: bool, write: bool, target: JType | None, explicit: bool,
                  internal: bool, **_: Any) -> Typed:
        op = node.op
        self._unread(node, read, write, f"result not used from {_OPERATIONS[op]} operation [{op}]")
        child_node = node.child
        if op == "-" and isinstance(child_node, tree.ENumeric | tree.EDecimal):
            # A negated literal is folded into one constant (no operator instruction, no line entry).
            return self.expr(child_node, target=target, explicit=explicit, internal=internal, negate=True)
        self.mark(node.loc)
        if op == "!":
            child = self.value(child_node, target=BOOLEAN)
            return Typed(ir.Not(child), BOOLEAN)
        child = self.checked(child_node)
        promoted = promote_numeric(child.type, None, op != "~")
        if promoted is None:
            raise fail(f"cannot apply the {_OPERATIONS[op]} operator [{op}] to the type [{child.type.name}]", node,
                       CCE)
        name = {"-": "neg", "+": "plus", "~": "not"}[op]
        if promoted.is_def:
            value = self.cast(child, DEF, child_node)
            value_type = target if target is not None and not explicit else DEF
            convert = None if value_type is DEF else (lambda v, t=value_type: runtime.handle_convert(t, v))
            function = (lambda v, n=name, c=convert: c(runtime.def_unary(n, v))) if convert else \
                (lambda v, n=name: runtime.def_unary(n, v))
            return Typed(ir.Unary(function, value, self.label), value_type)
        value = self.cast(child, promoted, child_node)
        if op == "+":
            return Typed(value, promoted)
        if op == "-":
            return Typed(ir.Unary(runtime.NEGATIONS[promoted.key], value, self.label), promoted)
        return Typed(ir.Unary(lambda v: ~v, value, self.label), promoted)

    def _e_EExplicit(self, node: tree.EExplicit, *, read: bool, write: bool, **_: Any) -> Typed:
        name = node.type_name
        self._unread(node, read, write, f"result not used from explicit cast with target type [{name}]",
                     f"an explicit cast with target type [{name}]")
        type_ = resolve(name)
        if type_ is None:
            raise fail(f"cannot resolve type [{name}]", node)
        value = self.value(node.child, target=type_, explicit=True)
        return Typed(value, type_)

    def _e_EInstanceof(self, node: tree.EInstanceof, *, read: bool, write: bool, **_: Any) -> Typed:
        name = node.type_name
        self._unread(node, read, write, f"result not used from instanceof with target type [{name}]",
                     f"instanceof with target type [{name}]")
        type_ = resolve(name)
        if type_ is None:
            raise fail(f"Not a type [{name}].", node)
        child = self.checked(node.expr)
        assert child.node is not None
        checked_type = CLASSES[BOXES[type_.key]] if type_.is_primitive else type_
        value = self.cast(child, DEF, node.expr, internal=True) if child.type.is_primitive else child.node
        return Typed(ir.InstanceOf(value, checked_type), BOOLEAN)

    def _e_EConditional(self, node: tree.EConditional, *, read: bool, write: bool, target: JType | None,
                        explicit: bool, internal: bool, **_: Any) -> Typed:
        self._unread(node, read, write, "result not used from conditional operation [?:]",
                     "conditional operation [?:]")
        cond = self.value(node.cond, target=BOOLEAN)
        left = self.checked(node.left, target=target, explicit=explicit, internal=internal)
        right = self.checked(node.right, target=target, explicit=explicit, internal=internal)
        if target is None:
            promoted = promote_conditional(left.type, right.type)
            if promoted is None:
                raise fail(f"cannot apply the conditional operator [?:] to the types [{left.type.name}] and "
                           f"[{right.type.name}]", node, CCE)
            value_type = promoted
        else:
            value_type = target
        left_node = self.cast(left, value_type, node.left, explicit=explicit, internal=internal)
        right_node = self.cast(right, value_type, node.right, explicit=explicit, internal=internal)
        return Typed(ir.Conditional(cond, left_node, right_node), value_type)

    def _e_EElvis(self, node: tree.EElvis, *, read: bool, write: bool, target: JType | None, explicit: bool,
                  internal: bool, **_: Any) -> Typed:
        self._unread(node, read, write, "result not used from elvis operation [?:]", "elvis operation [?:]")
        if target is not None and target.is_primitive:
            raise fail("Elvis operator cannot return primitives", node)
        left = self.checked(node.left, target=target, explicit=explicit, internal=internal)
        right = self.checked(node.right, target=target, explicit=explicit, internal=internal)
        if isinstance(node.left, tree.ENull):
            raise fail("Extraneous elvis operator. LHS is null.", node)
        if isinstance(node.left, tree.EBoolean | tree.ENumeric | tree.EDecimal | tree.EString):
            raise fail("Extraneous elvis operator. LHS is a constant.", node)
        if left.type.is_primitive:
            raise fail("Extraneous elvis operator. LHS is a primitive.", node)
        if isinstance(node.right, tree.ENull):
            raise fail("Extraneous elvis operator. RHS is null.", node)
        value_type = target if target is not None else promote_conditional(left.type, right.type) or OBJECT
        left_node = self.cast(left, value_type, node.left, explicit=explicit, internal=internal)
        right_node = self.cast(right, value_type, node.right, explicit=explicit, internal=internal)
        return Typed(ir.Elvis(left_node, right_node), value_type)

    # -- construction --

    def _e_EListInit(self, node: tree.EListInit, *, read: bool, write: bool, **_: Any) -> Typed:
        self._unread(node, read, write, "result not used from list initializer", "list initializer")
        self.mark(node.loc)
        values = [self.value(value, target=DEF, internal=True) for value in node.values]
        return Typed(ir.ListInit(values), CLASSES["ArrayList"])

    def _e_EMapInit(self, node: tree.EMapInit, *, read: bool, write: bool, **_: Any) -> Typed:
        self._unread(node, read, write, "result not used from map initializer", "map initializer")
        self.mark(node.loc)
        keys = []
        values = []
        for key, value in zip(node.keys, node.values, strict=True):
            keys.append(self.value(key, target=DEF, internal=True))
            values.append(self.value(value, target=DEF, internal=True))
        return Typed(ir.MapInit(keys, values), CLASSES["HashMap"])

    def _e_ENewObj(self, node: tree.ENewObj, *, read: bool, write: bool, **_: Any) -> Typed:
        count = len(node.args)
        if write:
            raise fail(f"invalid assignment cannot assign a value to new object with constructor "
                       f"[{node.type_name}/{count}]", node)
        type_ = resolve(node.type_name)
        if type_ is None or type_.kind != "ref":
            raise fail(f"Not a type [{node.type_name}].", node)
        constructor = allowlist.CONSTRUCTORS.get(type_.key, {}).get(count)
        if constructor is None:
            raise fail(f"constructor [{type_.name}, <init>/{count}] not found", node)
        self.mark(node.loc)
        args = [self.value(arg, target=param, internal=True) for arg, param in
                zip(node.args, constructor.params, strict=True)]
        if type_.key in EXCEPTION_CLASSES:
            return Typed(ir.NewException(type_.name, args, self.label), type_)
        return Typed(ir.Call(constructor.impl, args, self.label), type_)

    def _e_ENewArray(self, node: tree.ENewArray, *, read: bool, write: bool, **_: Any) -> Typed:
        self._unread(node, read, write, "result not used from new array", "new array")
        type_ = resolve(node.type_name)
        if type_ is None:
            raise fail(f"Not a type [{node.type_name}].", node)
        self.mark(node.loc)
        base = type_
        dims = 0
        while base.is_array:
            assert base.component is not None
            base = base.component
            dims += 1
        component_name = base.name
        if node.initializer:
            assert type_.component is not None
            values = [self.value(value, target=type_.component, internal=True) for value in node.values]
            return Typed(ir.NewInitArray(type_.component.name, values), type_)
        sizes = [self.value(size, target=INT, internal=True) for size in node.values]
        default = _DEFAULTS.get(base.key) if base.is_primitive and dims == len(sizes) else None
        return Typed(ir.NewArray(component_name, sizes, dims, default, self.label), type_)

    # -- member access --

    def _prefix(self, node: tree.Node) -> Typed:
        """A prefix of ``.``: may be a class name or the start of an unresolved dotted name."""
        return self.expr(node)

    def _e_EDot(self, node: tree.EDot, *, read: bool, write: bool, target: JType | None, explicit: bool,
                **_: Any) -> Typed:
        if not read and not write:
            raise fail("not a statement: result of dot operator [.] not used", node)
        prefix = self._prefix(node.prefix)
        name = node.name
        if prefix.partial is not None:
            return Typed(None, VOID, partial=f"{prefix.partial}.{name}")
        if prefix.static is not None:
            static = prefix.static
            found = allowlist.FIELDS.get(static.key, {}).get(name)
            if found is None:
                raise fail(f"field [{static.name}, {name}] not found", node)
            if write:
                raise fail(f"invalid assignment: cannot assign a value to read-only field [{name}]", node)
            return Typed(ir.Const(found[1]), found[0])
        prefix_type = prefix.type
        assert prefix.node is not None
        if prefix_type.is_array:
            if name != "length":
                raise fail(f"Field [{name}] does not exist for type [{prefix_type.name}].", node)
            if write:
                raise fail("invalid assignment: cannot assign a value write to read-only field [length] for an "
                           "array.", node)
            self.mark(node.loc)
            return self._null_safe(node, ir.ArrayLength(prefix.node, self.label), INT)
        if prefix_type.is_def:
            self.mark(node.loc)
            value_type = DEF
            convert = None
            if target is not None and not explicit and not node.null_safe and not write and not target.is_def:
                value_type = target
                convert = _handle_converter(target)
            loaded = ir.DefLoad(prefix.node, name, convert, node.loc)
            result = self._null_safe(node, loaded, value_type)
            result.def_optimized = write
            return result
        if prefix_type.is_primitive or prefix_type is VOID:
            raise fail(f"field [{prefix_type.name}, {name}] not found", node)
        getter = allowlist.lookup_getter(prefix_type.key, name) if name[:1].islower() else None
        if getter is not None:
            if write:
                raise fail(f"Illegal shortcut on field [{name}] for type [{prefix_type.name}].", node)
            self.mark(node.loc)
            method = getter
            return self._null_safe(node, ir.MethodCall(prefix.node, method.impl, [], node.loc,
                                                       _null_call_message(method)), method.ret)
        if _is_map_type(prefix_type):
            self.mark(node.loc)
            return self._null_safe(node, ir.MapGet(prefix.node, name, node.loc), DEF)
        if _is_list_type(prefix_type):
            if not jlib._INTEGER_TEXT.fullmatch(name):
                raise fail(f"invalid list index [{name}]", node)
            self.mark(node.loc)
            index = int(name)
            return self._null_safe(node, ir.Member(prefix.node, lambda items, f, i=index: jlib.list_get(items, i),
                                                   node.loc), DEF)
        raise fail(f"field [{prefix_type.name}, {name}] not found", node)

    def _null_safe(self, node: Any, loaded: ir.Expr, value_type: JType) -> Typed:
        if not getattr(node, "null_safe", False):
            return Typed(loaded, value_type)
        if value_type.is_primitive:
            raise CompileFailure("Result of null safe operator must be nullable", None)
        return Typed(ir.NullSafe(loaded), value_type)

    def _e_EBrace(self, node: tree.EBrace, *, read: bool, write: bool, target: JType | None, explicit: bool,
                  **_: Any) -> Typed:
        if not read and not write:
            raise fail("not a statement: result of brace operator not used", node)
        prefix = self.checked(node.prefix)
        assert prefix.node is not None
        prefix_type = prefix.type
        if prefix_type.is_array:
            index = self.value(node.index, target=INT)
            self.mark(node.loc)
            assert prefix_type.component is not None
            if write:
                return Typed(prefix.node, prefix_type.component)
            return Typed(ir.ArrayLoad(prefix.node, index, node.loc), prefix_type.component)
        if prefix_type.is_def:
            index_typed = self.checked(node.index)
            index = self.cast(index_typed, DEF, node.index, internal=True)
            normalize_dbg = self.label
            self.mark(node.loc)
            value_type = DEF
            convert = None
            if target is not None and not explicit and not write and not target.is_def:
                value_type = target
                convert = _handle_converter(target)
            return Typed(ir.DefBraceLoad(prefix.node, index, convert, normalize_dbg, node.loc), value_type,
                         def_optimized=write)
        if _is_map_type(prefix_type):
            key = self.value(node.index, target=DEF)
            self.mark(node.loc)
            return Typed(ir.Member(prefix.node, _map_brace(key), node.loc), DEF)
        if _is_list_type(prefix_type):
            index = self.value(node.index, target=INT)
            self.mark(node.loc)
            return Typed(ir.Member(prefix.node, _list_brace(index), node.loc), DEF)
        raise fail(f"Illegal array access on type [{prefix_type.name}].", node)

    def _e_ECall(self, node: tree.ECall, *, read: bool, write: bool, target: JType | None, explicit: bool,
                 **_: Any) -> Typed:
        count = len(node.args)
        if write:
            raise fail(f"invalid assignment: cannot assign a value to method call [{node.name}/{count}]", node)
        prefix = self._prefix(node.prefix)
        if prefix.partial is not None:
            raise fail(f"cannot resolve symbol [{prefix.partial}]", node)
        if prefix.static is not None:
            static = prefix.static
            method = allowlist.lookup_static(static.key, node.name, count)
            if method is None:
                raise fail(f"static method [{static.name}, {node.name}/{count}] not found", node)
            self.mark(node.loc)
            args = [self.value(arg, target=param, internal=True) for arg, param in
                    zip(node.args, method.params, strict=True)]
            return Typed(ir.Call(method.impl, args, self.label), method.ret)
        assert prefix.node is not None
        prefix_type = prefix.type
        if prefix_type.is_def:
            self._check_supported(node)
            self.mark(node.loc)
            args = []
            for arg in node.args:
                typed = self.checked(arg)
                if typed.type is VOID:
                    raise fail(f"Argument(s) cannot be of [void] type when calling method [{node.name}].", node)
                args.append(self.cast(typed, DEF, arg, internal=True))
            value_type = DEF
            convert = None
            if target is not None and not explicit and not node.null_safe and not target.is_def:
                value_type = target
                convert = _handle_converter(target)
            call = ir.DefCall(prefix.node, node.name, args, convert, self.label)
            return self._null_safe_call(node, call, value_type)
        method = None
        if prefix_type.kind == "ref":
            method = allowlist.lookup_method(prefix_type.key, node.name, count)
        if method is None:
            raise fail(f"member method [{prefix_type.name}, {node.name}/{count}] not found", node)
        self.mark(node.loc)
        args = [self.value(arg, target=param, internal=True) for arg, param in
                zip(node.args, method.params, strict=True)]
        call_node = ir.MethodCall(prefix.node, method.impl, args, self.label, _null_call_message(method))
        return self._null_safe_call(node, call_node, method.ret)

    def _null_safe_call(self, node: tree.ECall, call: Any, value_type: JType) -> Typed:
        if not node.null_safe:
            return Typed(call, value_type)
        if value_type.is_primitive:
            raise CompileFailure("Result of null safe operator must be nullable", None)
        return Typed(ir.NullSafe(call), value_type)

    def _check_supported(self, node: tree.ECall) -> None:
        key = (node.name, len(node.args))
        if key in allowlist.KNOWN_ELSEWHERE and not _implemented_anywhere(*key):
            raise fail(f"the ML Commons emulator does not support the method [{node.name}/{len(node.args)}] in "
                       "Painless scripts", node)

    def _e_ECallLocal(self, node: tree.ECallLocal, *, read: bool, write: bool, **_: Any) -> Typed:
        count = len(node.args)
        if write:
            raise fail(f"invalid assignment: cannot assign a value to function call [{node.name}/{count}]", node)
        entry = self.functions.get((node.name, count))
        if entry is None or node.name == "execute":
            shown = "[" + ", ".join(f"org.opensearch.painless.node.{type(arg).__name__}@"
                                    f"{(id(arg) * 2654435761 >> 8) & 0x7FFFFFFF:x}" for arg in node.args) + "]"
            raise fail(f"Unknown call [{node.name}] with [{shown}] arguments.", node)
        _, compiled, params, return_type = entry
        self.mark(node.loc)
        args = [self.value(arg, target=param, internal=True) for arg, param in zip(node.args, params, strict=True)]
        return Typed(ir.CallFunction(compiled, args, self.label), return_type)

    # -- assignment --

    def _e_EAssignment(self, node: tree.EAssignment, *, read: bool, write: bool, **_: Any) -> Typed:
        if write:
            raise fail("invalid assignment: cannot assign a value to assignment", node)
        lhs = node.lhs
        if isinstance(lhs, tree.ESymbol):
            return self._assign_local(node, read)
        if isinstance(lhs, tree.EDot | tree.EBrace):
            return self._assign_member(node, read)
        # Anything else reports its own "cannot assign a value to ..." error.
        self.expr(lhs, read=read, write=True)
        raise fail(f"invalid assignment: cannot assign a value to [{type(lhs).__name__}]", node)

    def _assign_local(self, node: tree.EAssignment, read: bool) -> Typed:
        lhs = node.lhs
        assert isinstance(lhs, tree.ESymbol)
        variable = self.scope.lookup(lhs.name)
        if variable is None:
            raise fail(f"cannot resolve symbol [{lhs.name}]", lhs)
        if variable.read_only:
            raise fail(f"Variable [{lhs.name}] is read-only.", lhs)
        target = ir.LocalTarget(variable.slot)
        value_type = variable.type
        if node.op is None:
            rhs = self.value(node.rhs, target=value_type)
            return Typed(ir.Assign(target, rhs, None, read, False, self.label), value_type if read else VOID)
        self.mark(node.loc)
        combine, rhs = self._compound(node, value_type)
        return Typed(ir.Assign(target, rhs, combine, read, node.post, self.label), value_type if read else VOID)

    def _compound(self, node: tree.EAssignment, lhs_type: JType) -> tuple[Callable[[Any, Any], Any], ir.Expr]:
        op = node.op
        assert op is not None
        right = self.checked(node.rhs)
        if op in ("*", "/", "%", "-"):
            compound = promote_numeric(lhs_type, right.type, True)
        elif op == "+":
            compound = promote_add(lhs_type, right.type)
        elif op in ("<<", ">>", ">>>"):
            compound = promote_numeric(lhs_type, None, False)
            if promote_numeric(right.type, None, False) is None:
                compound = None
        else:
            compound = promote_xor(lhs_type, right.type)
        if compound is None:
            raise fail(f"invalid compound assignment: cannot apply [{op}=] to types [{_class_text(lhs_type)}] and "
                       f"[{_class_text(right.type)}]", node, CCE)
        if compound is STRING:
            right_format = runtime.stringifier(right.type)
            left_format = runtime.stringifier(lhs_type)
            rhs = right.node
            assert rhs is not None

            def concat(old: Any, new: Any) -> str:
                result = left_format(old) + right_format(new)
                jlib.check_size(len(result))
                return result

            return concat, rhs
        if compound.is_def:
            rhs = self.cast(right, DEF, node.rhs, internal=True)
            up = self._cast_function(lhs_type, DEF, node)
            down = self._cast_function(DEF, lhs_type, node, explicit=True)

            def def_combine(old: Any, new: Any) -> Any:
                boxed = up(old) if up is not None else old
                result = runtime.def_compound_result(boxed, runtime.def_binary(op, boxed, new))
                return down(result) if down is not None else result

            return def_combine, rhs
        if op in ("<<", ">>", ">>>"):
            shift = promote_numeric(right.type, None, False)
            rhs = self.cast(right, INT, node.rhs, explicit=True) if shift is LONG else \
                self.cast(right, shift, node.rhs)  # type: ignore[arg-type]
        else:
            rhs = self.cast(right, compound, node.rhs)
        up = self._cast_function(lhs_type, compound, node)
        down = self._cast_function(compound, lhs_type, node, explicit=True)
        function = runtime.PRIMITIVE_OPS[compound.key][op]

        def combine(old: Any, new: Any) -> Any:
            result = function(up(old) if up is not None else old, new)
            return down(result) if down is not None else result

        return combine, rhs

    def _assign_member(self, node: tree.EAssignment, read: bool) -> Typed:
        lhs = node.lhs
        if isinstance(lhs, tree.EDot):
            prefix = self._prefix(lhs.prefix)
            if prefix.partial is not None:
                raise fail(f"cannot resolve symbol [{prefix.partial}.{lhs.name}]", lhs)
            if prefix.static is not None:
                self._e_EDot(lhs, read=True, write=True, target=None, explicit=False)
                raise fail(f"invalid assignment: cannot write a value to a static type [{prefix.static.name}]", lhs)
            assert prefix.node is not None
            prefix_type = prefix.type
            name = lhs.name
            if lhs.null_safe:
                raise fail("invalid assignment: cannot assign a value to a null safe operation [?.]", lhs)
            if prefix_type.is_array:
                raise fail("invalid assignment: cannot assign a value write to read-only field [length] for an "
                           "array." if name == "length" else
                           f"Field [{name}] does not exist for type [{prefix_type.name}].", lhs)
            if prefix_type.is_def:
                load_site = runtime.Site()
                store_site = runtime.Site()
                target = ir.MemberTarget(
                    prefix.node, None,
                    lambda receiver, _, n=name, s=load_site: runtime.def_load(receiver, n, s),
                    lambda receiver, _, value, n=name, s=store_site: runtime.def_store(receiver, n, value, s),
                    lhs.loc, lhs.loc)
                return self._member_assignment(node, target, DEF, read, def_target=True)
            if _is_map_type(prefix_type):
                target = ir.MemberTarget(prefix.node, None,
                                         lambda mapping, _, n=name: jlib.map_get(_nonnull_map(mapping), n),
                                         lambda mapping, _, value, n=name: jlib.map_put(_nonnull_map(mapping), n,
                                                                                        value),
                                         lhs.loc, lhs.loc)
                return self._member_assignment(node, target, DEF, read)
            if _is_list_type(prefix_type) and jlib._INTEGER_TEXT.fullmatch(name):
                index = int(name)
                target = ir.MemberTarget(prefix.node, None,
                                         lambda items, _, i=index: jlib.list_get(items, i),
                                         lambda items, _, value, i=index: jlib.list_set(items, i, value),
                                         lhs.loc, lhs.loc)
                return self._member_assignment(node, target, DEF, read)
            raise fail(f"field [{prefix_type.name}, {name}] not found", lhs)
        assert isinstance(lhs, tree.EBrace)
        prefix = self.checked(lhs.prefix)
        assert prefix.node is not None
        prefix_type = prefix.type
        if prefix_type.is_array:
            assert prefix_type.component is not None
            component = prefix_type.component
            index = self.value(lhs.index, target=INT)
            target = ir.MemberTarget(prefix.node, index,
                                     lambda array, i: runtime.array_load_typed(array, i),
                                     lambda array, i, value: runtime.array_store(array, i, value),
                                     lhs.loc, lhs.loc, normalizer=_normalize_array)
            return self._member_assignment(node, target, component, read)
        if prefix_type.is_def:
            index_typed = self.checked(lhs.index)
            index = self.cast(index_typed, DEF, lhs.index, internal=True)
            normalize_site = runtime.Site()
            load_site = runtime.Site()
            store_site = runtime.Site()
            target = ir.MemberTarget(
                prefix.node, index,
                lambda receiver, i, s=load_site: runtime.def_brace_load(receiver, i, s),
                lambda receiver, i, value, s=store_site: runtime.def_brace_store(receiver, i, value, s),
                lhs.loc, lhs.loc,
                normalizer=lambda receiver, i, s=normalize_site: runtime.normalize_index(receiver, i, s),
                index_dbg=self.label)
            return self._member_assignment(node, target, DEF, read, def_target=True)
        if _is_map_type(prefix_type):
            key = self.value(lhs.index, target=DEF)
            target = ir.MemberTarget(prefix.node, key,
                                     lambda mapping, k: jlib.map_get(_nonnull_map(mapping), k),
                                     lambda mapping, k, value: jlib.map_put(_nonnull_map(mapping), k, value),
                                     lhs.loc, lhs.loc)
            return self._member_assignment(node, target, DEF, read)
        if _is_list_type(prefix_type):
            index = self.value(lhs.index, target=INT)
            target = ir.MemberTarget(prefix.node, index,
                                     lambda items, i: jlib.list_get(items, i),
                                     lambda items, i, value: jlib.list_set(items, i, value),
                                     lhs.loc, lhs.loc, normalizer=_normalize_list)
            return self._member_assignment(node, target, DEF, read)
        raise fail(f"Illegal array access on type [{prefix_type.name}].", lhs)

    def _member_assignment(self, node: tree.EAssignment, target: ir.MemberTarget, lhs_type: JType, read: bool,
                           def_target: bool = False) -> Typed:
        if node.op is None:
            if def_target:
                typed = self.checked(node.rhs)
                if typed.type is VOID:
                    raise fail("invalid assignment: cannot assign type [void]", node)
                rhs = self.cast(typed, DEF, node.rhs, internal=True)
                value_type = typed.type
                if value_type.is_primitive and read:
                    unbox = self._cast_function(DEF, value_type, node, explicit=True)
                    assignment = ir.Assign(target, rhs, None, read, False, self.label)
                    self.mark(target.store_dbg)
                    return Typed(ir.Cast(assignment, unbox, self.label) if unbox else assignment, value_type)
            else:
                rhs = self.value(node.rhs, target=lhs_type)
                value_type = lhs_type
            self.mark(target.store_dbg)
            return Typed(ir.Assign(target, rhs, None, read, False, self.label), value_type if read else VOID)
        # The operator's own line entry is superseded by the load's, which comes right after it.
        self.mark(target.load_dbg)
        combine, rhs = self._compound(node, lhs_type)
        dbg = self.label
        self.mark(target.store_dbg)
        return Typed(ir.Assign(target, rhs, combine, read, node.post, dbg), lhs_type if read else VOID)


# ---- helpers --------------------------------------------------------------------------------------

def _parse_java_integer(text: str, radix: int, bits: int) -> int:
    """``Integer.parseInt``/``Long.parseLong`` of a literal's digits (ValueError when it does not fit)."""
    value = int(text, radix)
    low, high = (-(1 << 31), (1 << 31) - 1) if bits == 32 else (-(1 << 63), (1 << 63) - 1)
    if not low <= value <= high:
        raise ValueError(text)
    return value


def _is_concat(node: tree.Node) -> bool:
    return isinstance(node, tree.EBinary) and node.op == "+"


def _is_map_type(type_: JType) -> bool:
    return type_.kind == "ref" and type_.key in ("Map", "HashMap", "LinkedHashMap")


def _is_list_type(type_: JType) -> bool:
    return type_.kind == "ref" and type_.key in ("List", "ArrayList")


def _class_text(type_: JType) -> str:
    """``Class.toString()`` as the compound assignment error prints it."""
    if type_.is_primitive:
        return type_.name
    if type_.is_def:
        return "class org.opensearch.painless.lookup.def"
    interfaces = {"List", "Map", "Collection", "Iterable", "Set", "CharSequence"}
    return ("interface " if type_.key in interfaces else "class ") + type_.name


def _handle_converter(target: JType) -> Callable[[Any], Any]:
    return lambda value: runtime.handle_convert(target, value)


def _null_call_message(method: allowlist.Method) -> str:
    params = ",".join(_java_type_name(param) for param in method.params)
    owner = CLASSES[method.owner].name if method.owner in CLASSES else method.owner
    owner = {"java.lang.String": "String", "java.lang.Object": "Object"}.get(owner, owner)
    return f'Cannot invoke "{owner}.{method.name}({params})" because "<local1>" is null'


def _java_type_name(type_: JType) -> str:
    if type_.is_def:
        return "Object"
    return {"java.lang.String": "String", "java.lang.Object": "Object"}.get(type_.name, type_.name)


def _implemented_anywhere(name: str, arity: int) -> bool:
    return any((name, arity) in methods for methods in allowlist.METHODS.values())


def _array_items(value: Any) -> list[Any]:
    if value is None:
        raise runtime.JavaError(jlib.NPE, 'Cannot read the array length because "<local1>" is null')
    return value.items


def _typed_items(value: Any) -> list[Any]:
    if value is None:
        raise runtime.JavaError(jlib.NPE, 'Cannot invoke "java.lang.Iterable.iterator()" because "<local1>" is null')
    return jlib.iterate(value)


def _def_items(site: runtime.Site) -> Callable[[Any], list[Any]]:
    return lambda value: runtime.def_iterate(value, site)


def _nonnull_map(mapping: Any) -> Any:
    if mapping is None:
        raise jlib.helpful_npe("java.util.Map.get(Object)", '"<local1>"')
    return mapping


def _map_brace(key: ir.Expr) -> Callable[[Any, list[Any]], Any]:
    def load(mapping: Any, f: list[Any]) -> Any:
        return jlib.map_get(_nonnull_map(mapping), key.ev(f))

    return load


def _list_brace(index: ir.Expr) -> Callable[[Any, list[Any]], Any]:
    def load(items: Any, f: list[Any]) -> Any:
        position = index.ev(f)
        if items is None:
            raise jlib.helpful_npe("java.util.List.get(int)", '"<local1>"')
        if position < 0:
            position += len(items)
        return jlib.list_get(items, position)

    return load


def _normalize_array(array: Any, index: int) -> int:
    if array is None:
        raise runtime.JavaError(jlib.NPE, 'Cannot read the array length because "<local1>" is null')
    return index + len(array.items) if index < 0 else index


def _normalize_list(items: Any, index: int) -> int:
    if items is None:
        raise jlib.helpful_npe("java.util.List.size()", '"<local1>"')
    return index + len(items) if index < 0 else index

