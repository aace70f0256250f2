"""The executable tree: expression nodes (``ev``) and statement nodes (``ex``) built by the analyzer.

A frame is a list: slot 0 holds the loop counter of the running function (Painless allows
1,000,000 loop iterations per invocation), slot 1 the execution state, locals follow.
Every node that can throw records ``dbg``, the source offset OpenSearch's stack trace would
show for it (the last debug label emitted before the failing instruction), and stamps it
on a :class:`JavaError` that does not have one yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import jlib, runtime
from .errors import UNSET, JavaError
from .jvalues import JArray, JavaObject

MAX_LOOP_COUNTER = 1_000_000
# Painless counts loop iterations per call; a budget per execution keeps recursion from multiplying it.
MAX_TOTAL_ITERATIONS = 5_000_000
MAX_CALL_DEPTH = 80
LOOP_LIMIT_MESSAGE = "The maximum number of statements that can be executed in a loop has been reached."


class ExecutionState:
    __slots__ = ("iterations", "depth")

    def __init__(self) -> None:
        self.iterations = 0
        self.depth = 0


def _stamp(error: JavaError, dbg: Any) -> None:
    if error.offset is UNSET:
        error.offset = dbg


class Expr:
    __slots__ = ()

    def ev(self, f: list[Any]) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


class Stmt:
    __slots__ = ()

    def ex(self, f: list[Any]) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


class _Signal:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


BREAK = _Signal("break")
CONTINUE = _Signal("continue")


class Returned:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


# ---- expressions --------------------------------------------------------------------------------

class Const(Expr):
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def ev(self, f: list[Any]) -> Any:
        return self.value


class Local(Expr):
    __slots__ = ("slot",)

    def __init__(self, slot: int) -> None:
        self.slot = slot

    def ev(self, f: list[Any]) -> Any:
        return f[self.slot]


class Cast(Expr):
    __slots__ = ("child", "fn", "dbg")

    def __init__(self, child: Expr, fn: Callable[[Any], Any], dbg: Any) -> None:
        self.child = child
        self.fn = fn
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        value = self.child.ev(f)
        try:
            return self.fn(value)
        except JavaError as error:
            _stamp(error, self.dbg)
            raise


class Concat(Expr):
    """String concatenation: each part formatted by its static type."""

    __slots__ = ("parts", "dbg")

    def __init__(self, parts: list[tuple[Expr, Callable[[Any], str]]], dbg: Any) -> None:
        self.parts = parts
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        pieces = []
        size = 0
        for node, fmt in self.parts:
            piece = fmt(node.ev(f))
            size += len(piece)
            pieces.append(piece)
        if size > jlib.MAX_SIZE:
            error = jlib.out_of_memory()
            error.offset = self.dbg
            raise error
        return "".join(pieces)


class Binary(Expr):
    """A primitive operator whose operands were cast to its type at compile time."""

    __slots__ = ("fn", "left", "right", "dbg")

    def __init__(self, fn: Callable[[Any, Any], Any], left: Expr, right: Expr, dbg: Any) -> None:
        self.fn = fn
        self.left = left
        self.right = right
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        a = self.left.ev(f)
        b = self.right.ev(f)
        try:
            return self.fn(a, b)
        except JavaError as error:
            _stamp(error, self.dbg)
            raise


class DefBinary(Expr):
    __slots__ = ("op", "left", "right", "convert", "dbg")

    def __init__(self, op: str, left: Expr, right: Expr, convert: Callable[[Any], Any] | None, dbg: Any) -> None:
        self.op = op
        self.left = left
        self.right = right
        self.convert = convert
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        a = self.left.ev(f)
        b = self.right.ev(f)
        try:
            result = runtime.def_binary(self.op, a, b)
            return result if self.convert is None else self.convert(result)
        except JavaError as error:
            _stamp(error, self.dbg)
            raise


class DefCompare(Expr):
    __slots__ = ("op", "left", "right", "dbg")

    def __init__(self, op: str, left: Expr, right: Expr, dbg: Any) -> None:
        self.op = op
        self.left = left
        self.right = right
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        a = self.left.ev(f)
        b = self.right.ev(f)
        try:
            return runtime.def_compare(self.op, a, b)
        except JavaError as error:
            _stamp(error, self.dbg)
            raise


class DefEquals(Expr):
    __slots__ = ("left", "right", "negate", "dbg")

    def __init__(self, left: Expr, right: Expr, negate: bool, dbg: Any) -> None:
        self.left = left
        self.right = right
        self.negate = negate
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        a = self.left.ev(f)
        b = self.right.ev(f)
        try:
            return runtime.def_equals(a, b) != self.negate
        except JavaError as error:
            _stamp(error, self.dbg)
            raise


class ObjectEquals(Expr):
    """``==`` between references: ``Objects.equals``."""

    __slots__ = ("left", "right", "negate")

    def __init__(self, left: Expr, right: Expr, negate: bool) -> None:
        self.left = left
        self.right = right
        self.negate = negate

    def ev(self, f: list[Any]) -> Any:
        a = self.left.ev(f)
        b = self.right.ev(f)
        if a is None or b is None:
            return (a is None and b is None) != self.negate
        return runtime.java_equals(a, b) != self.negate


class Identity(Expr):
    """``===``: the same object (equal immutable values count as the same)."""

    __slots__ = ("left", "right", "negate")

    def __init__(self, left: Expr, right: Expr, negate: bool) -> None:
        self.left = left
        self.right = right
        self.negate = negate

    def ev(self, f: list[Any]) -> Any:
        a = self.left.ev(f)
        b = self.right.ev(f)
        if a is b:
            return not self.negate
        same = type(a) is type(b) and type(a) in (int, float, str, bool) and a == b
        return same != self.negate


class IsNull(Expr):
    __slots__ = ("child", "negate")

    def __init__(self, child: Expr, negate: bool) -> None:
        self.child = child
        self.negate = negate

    def ev(self, f: list[Any]) -> Any:
        return (self.child.ev(f) is None) != self.negate


class Compare(Expr):
    __slots__ = ("fn", "left", "right")

    def __init__(self, fn: Callable[[Any, Any], bool], left: Expr, right: Expr) -> None:
        self.fn = fn
        self.left = left
        self.right = right

    def ev(self, f: list[Any]) -> Any:
        return self.fn(self.left.ev(f), self.right.ev(f))


class And(Expr):
    __slots__ = ("left", "right")

    def __init__(self, left: Expr, right: Expr) -> None:
        self.left = left
        self.right = right

    def ev(self, f: list[Any]) -> Any:
        return self.left.ev(f) and self.right.ev(f)


class Or(Expr):
    __slots__ = ("left", "right")

    def __init__(self, left: Expr, right: Expr) -> None:
        self.left = left
        self.right = right

    def ev(self, f: list[Any]) -> Any:
        return self.left.ev(f) or self.right.ev(f)


class Not(Expr):
    __slots__ = ("child",)

    def __init__(self, child: Expr) -> None:
        self.child = child

    def ev(self, f: list[Any]) -> Any:
        return not self.child.ev(f)


class Unary(Expr):
    __slots__ = ("fn", "child", "dbg")

    def __init__(self, fn: Callable[[Any], Any], child: Expr, dbg: Any) -> None:
        self.fn = fn
        self.child = child
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        value = self.child.ev(f)
        try:
            return self.fn(value)
        except JavaError as error:
            _stamp(error, self.dbg)
            raise


class Conditional(Expr):
    __slots__ = ("cond", "left", "right")

    def __init__(self, cond: Expr, left: Expr, right: Expr) -> None:
        self.cond = cond
        self.left = left
        self.right = right

    def ev(self, f: list[Any]) -> Any:
        return self.left.ev(f) if self.cond.ev(f) else self.right.ev(f)


class Elvis(Expr):
    __slots__ = ("left", "right")

    def __init__(self, left: Expr, right: Expr) -> None:
        self.left = left
        self.right = right

    def ev(self, f: list[Any]) -> Any:
        value = self.left.ev(f)
        return self.right.ev(f) if value is None else value


class InstanceOf(Expr):
    __slots__ = ("child", "target")

    def __init__(self, child: Expr, target: Any) -> None:
        self.child = child
        self.target = target

    def ev(self, f: list[Any]) -> Any:
        value = self.child.ev(f)
        return value is not None and runtime.instance_of(value, self.target)


class NullSafe(Expr):
    """``prefix?.member``: null when the prefix is null, else the member node applied to it."""

    __slots__ = ("member",)

    def __init__(self, member: Any) -> None:
        self.member = member

    def ev(self, f: list[Any]) -> Any:
        receiver = self.member.prefix.ev(f)
        if receiver is None:
            return None
        return self.member.apply(receiver, f)


class Member(Expr):
    """An operation on an evaluated prefix: ``fn(receiver, frame)``."""

    __slots__ = ("prefix", "fn", "dbg")

    def __init__(self, prefix: Expr, fn: Callable[[Any, list[Any]], Any], dbg: Any) -> None:
        self.prefix = prefix
        self.fn = fn
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        return self.apply(self.prefix.ev(f), f)

    def apply(self, receiver: Any, f: list[Any]) -> Any:
        try:
            return self.fn(receiver, f)
        except JavaError as error:
            _stamp(error, self.dbg)
            raise


class MapGet(Expr):
    """``map.key`` or ``map['key']`` on a statically typed Map (``params.x``)."""

    __slots__ = ("prefix", "key", "dbg")

    def __init__(self, prefix: Expr, key: str, dbg: Any) -> None:
        self.prefix = prefix
        self.key = key
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        return self.apply(self.prefix.ev(f), f)

    def apply(self, mapping: Any, f: list[Any]) -> Any:
        if mapping is None:
            error = jlib.helpful_npe("java.util.Map.get(Object)", '"<local1>"')
            error.offset = self.dbg
            raise error
        return mapping.get(self.key)


class Call(Expr):
    """A call resolved at compile time: ``fn(*args)`` (a static method or a constructor)."""

    __slots__ = ("fn", "args", "dbg")

    def __init__(self, fn: Callable[..., Any], args: list[Expr], dbg: Any) -> None:
        self.fn = fn
        self.args = args
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        values = [arg.ev(f) for arg in self.args]
        try:
            return self.fn(*values)
        except JavaError as error:
            _stamp(error, self.dbg)
            raise


class MethodCall(Expr):
    """``receiver.name(args)`` on a statically typed receiver."""

    __slots__ = ("prefix", "fn", "args", "dbg", "null_message")

    def __init__(self, prefix: Expr, fn: Callable[..., Any], args: list[Expr], dbg: Any, null_message: str) -> None:
        self.prefix = prefix
        self.fn = fn
        self.args = args
        self.dbg = dbg
        self.null_message = null_message

    def ev(self, f: list[Any]) -> Any:
        return self.apply(self.prefix.ev(f), f)

    def apply(self, receiver: Any, f: list[Any]) -> Any:
        values = [arg.ev(f) for arg in self.args]
        try:
            if receiver is None:
                raise JavaError(jlib.NPE, self.null_message)
            return self.fn(receiver, *values)
        except JavaError as error:
            _stamp(error, self.dbg)
            raise


class DefCall(Expr):
    __slots__ = ("prefix", "name", "args", "site", "convert", "dbg")

    def __init__(self, prefix: Expr, name: str, args: list[Expr], convert: Callable[[Any], Any] | None,
                 dbg: Any) -> None:
        self.prefix = prefix
        self.name = name
        self.args = args
        self.site = runtime.Site()
        self.convert = convert
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        return self.apply(self.prefix.ev(f), f)

    def apply(self, receiver: Any, f: list[Any]) -> Any:
        values = [arg.ev(f) for arg in self.args]
        try:
            result = runtime.def_call(receiver, self.name, values, self.site)
            return result if self.convert is None else self.convert(result)
        except JavaError as error:
            _stamp(error, self.dbg)
            raise


class DefLoad(Expr):
    __slots__ = ("prefix", "name", "site", "convert", "dbg")

    def __init__(self, prefix: Expr, name: str, convert: Callable[[Any], Any] | None, dbg: Any) -> None:
        self.prefix = prefix
        self.name = name
        self.site = runtime.Site()
        self.convert = convert
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        return self.apply(self.prefix.ev(f), f)

    def apply(self, receiver: Any, f: list[Any]) -> Any:
        if type(receiver) is dict and self.convert is None:
            # The common case (a JSON object): a key lookup, unless the name is an allowlisted getter.
            if self.name != "empty":
                self.site.linked = True
                return receiver.get(self.name)
        try:
            result = runtime.def_load(receiver, self.name, self.site)
            return result if self.convert is None else self.convert(result)
        except JavaError as error:
            _stamp(error, self.dbg)
            raise


class DefBraceLoad(Expr):
    __slots__ = ("prefix", "index", "normalize_site", "site", "convert", "normalize_dbg", "dbg")

    def __init__(self, prefix: Expr, index: Expr, convert: Callable[[Any], Any] | None, normalize_dbg: Any,
                 dbg: Any) -> None:
        self.prefix = prefix
        self.index = index
        self.normalize_site = runtime.Site()
        self.site = runtime.Site()
        self.convert = convert
        self.normalize_dbg = normalize_dbg
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        receiver = self.prefix.ev(f)
        index = self.index.ev(f)
        try:
            index = runtime.normalize_index(receiver, index, self.normalize_site)
        except JavaError as error:
            _stamp(error, self.normalize_dbg)
            raise
        try:
            result = runtime.def_brace_load(receiver, index, self.site)
            return result if self.convert is None else self.convert(result)
        except JavaError as error:
            _stamp(error, self.dbg)
            raise


class ArrayLength(Expr):
    __slots__ = ("prefix", "dbg")

    def __init__(self, prefix: Expr, dbg: Any) -> None:
        self.prefix = prefix
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        return self.apply(self.prefix.ev(f), f)

    def apply(self, array: Any, f: list[Any]) -> Any:
        if array is None:
            error = JavaError(jlib.NPE, 'Cannot read the array length because "<local1>" is null')
            error.offset = self.dbg
            raise error
        return len(array.items)


class ArrayLoad(Expr):
    """``array[i]`` on a statically typed array (negative indexes count from the end)."""

    __slots__ = ("prefix", "index", "dbg")

    def __init__(self, prefix: Expr, index: Expr, dbg: Any) -> None:
        self.prefix = prefix
        self.index = index
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        array = self.prefix.ev(f)
        index = self.index.ev(f)
        try:
            if array is None:
                raise JavaError(jlib.NPE, 'Cannot load from object array because "<local1>" is null')
            if index < 0:
                index += len(array.items)
            return runtime.array_load_typed(array, index)
        except JavaError as error:
            _stamp(error, self.dbg)
            raise


class CallFunction(Expr):
    """A call of a function the script defines."""

    __slots__ = ("function", "args", "dbg")

    def __init__(self, function: Any, args: list[Expr], dbg: Any) -> None:
        self.function = function
        self.args = args
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        values = [arg.ev(f) for arg in self.args]
        try:
            return self.function.invoke(values, f[1])
        except JavaError as error:
            _stamp(error, self.dbg)
            raise


class NewException(Expr):
    """``new IllegalArgumentException(msg)``: its stack trace is filled in where it is created."""

    __slots__ = ("java_class", "args", "dbg")

    def __init__(self, java_class: str, args: list[Expr], dbg: Any) -> None:
        self.java_class = java_class
        self.args = args
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        message = self.args[0].ev(f) if self.args else None
        return JavaObject(self.java_class, message, self.dbg)


class NewArray(Expr):
    __slots__ = ("component", "sizes", "dims", "default", "dbg")

    def __init__(self, component: str, sizes: list[Expr], dims: int, default: Any, dbg: Any) -> None:
        self.component = component
        self.sizes = sizes
        self.dims = dims
        self.default = default
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        sizes = [size.ev(f) for size in self.sizes]
        try:
            return self._build(sizes, self.dims)
        except JavaError as error:
            _stamp(error, self.dbg)
            raise

    def _build(self, sizes: list[int], dims: int) -> JArray:
        size = sizes[0]
        if size < 0:
            raise JavaError("java.lang.NegativeArraySizeException", str(size))
        jlib.check_size(size)
        component = self.component + "[]" * (dims - 1)
        if len(sizes) > 1:
            return JArray(component, [self._build(sizes[1:], dims - 1) for _ in range(size)])
        return JArray(component, [self.default if dims == 1 else None] * size)


class NewInitArray(Expr):
    __slots__ = ("component", "values")

    def __init__(self, component: str, values: list[Expr]) -> None:
        self.component = component
        self.values = values

    def ev(self, f: list[Any]) -> Any:
        return JArray(self.component, [value.ev(f) for value in self.values])


class ListInit(Expr):
    __slots__ = ("values",)

    def __init__(self, values: list[Expr]) -> None:
        self.values = values

    def ev(self, f: list[Any]) -> Any:
        return [value.ev(f) for value in self.values]


class MapInit(Expr):
    __slots__ = ("keys", "values")

    def __init__(self, keys: list[Expr], values: list[Expr]) -> None:
        self.keys = keys
        self.values = values

    def ev(self, f: list[Any]) -> Any:
        result = runtime.jlib.new_hash_map()
        for key, value in zip(self.keys, self.values, strict=True):
            jlib.map_put(result, key.ev(f), value.ev(f))
        return result


class Assign(Expr):
    """Assignment through a :class:`Target`, plain or compound, pre or post."""

    __slots__ = ("target", "rhs", "combine", "read", "post", "dbg")

    def __init__(self, target: Any, rhs: Expr, combine: Callable[[Any, Any], Any] | None, read: bool, post: bool,
                 dbg: Any) -> None:
        self.target = target
        self.rhs = rhs
        self.combine = combine
        self.read = read
        self.post = post
        self.dbg = dbg

    def ev(self, f: list[Any]) -> Any:
        target = self.target
        context = target.prepare(f)
        if self.combine is None:
            value = self.rhs.ev(f)
            target.store(f, context, value)
            return value
        old = target.load(f, context)
        operand = self.rhs.ev(f)
        try:
            value = self.combine(old, operand)
        except JavaError as error:
            _stamp(error, self.dbg)
            raise
        target.store(f, context, value)
        return target.post_value(old) if self.post else value


class LocalTarget:
    __slots__ = ("slot",)

    def __init__(self, slot: int) -> None:
        self.slot = slot

    def prepare(self, f: list[Any]) -> Any:
        return None

    def load(self, f: list[Any], context: Any) -> Any:
        return f[self.slot]

    def store(self, f: list[Any], context: Any, value: Any) -> None:
        f[self.slot] = value

    def post_value(self, old: Any) -> Any:
        return old


class MemberTarget:
    """A ``.name`` or ``[index]`` slot: the receiver (and index) are evaluated once."""

    __slots__ = ("prefix", "index", "loader", "storer", "load_dbg", "store_dbg", "index_dbg", "normalizer",
                 "post_cast")

    def __init__(self, prefix: Expr, index: Expr | None, loader: Callable[[Any, Any], Any],
                 storer: Callable[[Any, Any, Any], None], load_dbg: Any, store_dbg: Any,
                 normalizer: Callable[[Any, Any], Any] | None = None, index_dbg: Any = None,
                 post_cast: Callable[[Any], Any] | None = None) -> None:
        self.prefix = prefix
        self.index = index
        self.loader = loader
        self.storer = storer
        self.load_dbg = load_dbg
        self.store_dbg = store_dbg
        self.normalizer = normalizer
        self.index_dbg = index_dbg
        self.post_cast = post_cast

    def prepare(self, f: list[Any]) -> Any:
        receiver = self.prefix.ev(f)
        index = self.index.ev(f) if self.index is not None else None
        if self.normalizer is not None:
            try:
                index = self.normalizer(receiver, index)
            except JavaError as error:
                _stamp(error, self.index_dbg)
                raise
        return receiver, index

    def load(self, f: list[Any], context: Any) -> Any:
        try:
            return self.loader(*context)
        except JavaError as error:
            _stamp(error, self.load_dbg)
            raise

    def store(self, f: list[Any], context: Any, value: Any) -> None:
        try:
            self.storer(context[0], context[1], value)
        except JavaError as error:
            _stamp(error, self.store_dbg)
            raise

    def post_value(self, old: Any) -> Any:
        return old if self.post_cast is None else self.post_cast(old)


# ---- statements ---------------------------------------------------------------------------------

class Block(Stmt):
    __slots__ = ("statements",)

    def __init__(self, statements: list[Stmt]) -> None:
        self.statements = statements

    def ex(self, f: list[Any]) -> Any:
        for statement in self.statements:
            signal = statement.ex(f)
            if signal is not None:
                return signal
        return None


class ExprStmt(Stmt):
    __slots__ = ("expr",)

    def __init__(self, expr: Expr) -> None:
        self.expr = expr

    def ex(self, f: list[Any]) -> Any:
        self.expr.ev(f)
        return None


class Declare(Stmt):
    __slots__ = ("slot", "value", "default")

    def __init__(self, slot: int, value: Expr | None, default: Any) -> None:
        self.slot = slot
        self.value = value
        self.default = default

    def ex(self, f: list[Any]) -> Any:
        f[self.slot] = self.default if self.value is None else self.value.ev(f)
        return None


class Return(Stmt):
    __slots__ = ("value",)

    def __init__(self, value: Expr | None) -> None:
        self.value = value

    def ex(self, f: list[Any]) -> Any:
        return Returned(None if self.value is None else self.value.ev(f))


class Throw(Stmt):
    __slots__ = ("value", "dbg")

    def __init__(self, value: Expr, dbg: Any) -> None:
        self.value = value
        self.dbg = dbg

    def ex(self, f: list[Any]) -> Any:
        thrown = self.value.ev(f)
        if thrown is None:
            raise JavaError(jlib.NPE, 'Cannot throw exception because "null" is null', self.dbg)
        raise JavaError(thrown.java_class, thrown.message, thrown.offset, value=thrown)


class If(Stmt):
    __slots__ = ("cond", "then", "otherwise")

    def __init__(self, cond: Expr, then: Stmt, otherwise: Stmt | None) -> None:
        self.cond = cond
        self.then = then
        self.otherwise = otherwise

    def ex(self, f: list[Any]) -> Any:
        if self.cond.ev(f):
            return self.then.ex(f)
        if self.otherwise is not None:
            return self.otherwise.ex(f)
        return None


class _Loop(Stmt):
    __slots__ = ("dbg",)

    def tick(self, f: list[Any]) -> None:
        remaining = f[0] - 1
        f[0] = remaining
        state = f[1]
        state.iterations += 1
        if remaining <= 0 or state.iterations > MAX_TOTAL_ITERATIONS:
            raise JavaError("org.opensearch.painless.PainlessError", LOOP_LIMIT_MESSAGE, self.dbg)


class While(_Loop):
    __slots__ = ("cond", "body")

    def __init__(self, cond: Expr, body: Stmt | None, dbg: Any) -> None:
        self.cond = cond
        self.body = body
        self.dbg = dbg

    def ex(self, f: list[Any]) -> Any:
        cond, body = self.cond, self.body
        while cond.ev(f):
            self.tick(f)
            if body is not None:
                signal = body.ex(f)
                if signal is not None:
                    if signal is BREAK:
                        break
                    if signal is not CONTINUE:
                        return signal
        return None


class DoWhile(_Loop):
    __slots__ = ("cond", "body")

    def __init__(self, cond: Expr, body: Stmt, dbg: Any) -> None:
        self.cond = cond
        self.body = body
        self.dbg = dbg

    def ex(self, f: list[Any]) -> Any:
        while True:
            signal = self.body.ex(f)
            if signal is not None:
                if signal is BREAK:
                    break
                if signal is not CONTINUE:
                    return signal
            if not self.cond.ev(f):
                break
            self.tick(f)
        return None


class For(_Loop):
    __slots__ = ("init", "cond", "after", "body")

    def __init__(self, init: Stmt | None, cond: Expr | None, after: Expr | None, body: Stmt | None,
                 dbg: Any) -> None:
        self.init = init
        self.cond = cond
        self.after = after
        self.body = body
        self.dbg = dbg

    def ex(self, f: list[Any]) -> Any:
        if self.init is not None:
            self.init.ex(f)
        cond, after, body = self.cond, self.after, self.body
        while cond is None or cond.ev(f):
            self.tick(f)
            if body is not None:
                signal = body.ex(f)
                if signal is not None:
                    if signal is BREAK:
                        break
                    if signal is not CONTINUE:
                        return signal
            if after is not None:
                after.ev(f)
        return None


class ForEach(_Loop):
    """``for (T x : iterable)``: elements come from ``items(value)`` and are cast to the variable's type."""

    __slots__ = ("iterable", "items", "slot", "cast", "body", "items_dbg", "cast_dbg")

    def __init__(self, iterable: Expr, items: Callable[[Any], list[Any]], slot: int,
                 cast: Callable[[Any], Any] | None, body: Stmt, dbg: Any, items_dbg: Any, cast_dbg: Any) -> None:
        self.iterable = iterable
        self.items = items
        self.slot = slot
        self.cast = cast
        self.body = body
        self.dbg = dbg
        self.items_dbg = items_dbg
        self.cast_dbg = cast_dbg

    def ex(self, f: list[Any]) -> Any:
        value = self.iterable.ev(f)
        try:
            items = self.items(value)
        except JavaError as error:
            _stamp(error, self.items_dbg)
            raise
        size = len(items)
        index = 0
        slot, cast, body = self.slot, self.cast, self.body
        while index < len(items):
            if len(items) != size:
                raise JavaError(jlib.CME, None, self.cast_dbg)
            element = items[index]
            index += 1
            if cast is not None:
                try:
                    element = cast(element)
                except JavaError as error:
                    _stamp(error, self.cast_dbg)
                    raise
            f[slot] = element
            self.tick(f)
            signal = body.ex(f)
            if signal is not None:
                if signal is BREAK:
                    break
                if signal is not CONTINUE:
                    return signal
        return None


class Break(Stmt):
    __slots__ = ()

    def ex(self, f: list[Any]) -> Any:
        return BREAK


class Continue(Stmt):
    __slots__ = ()

    def ex(self, f: list[Any]) -> Any:
        return CONTINUE


class Function:
    """A compiled function: the script body (``execute``) or one the script defines."""

    __slots__ = ("name", "body", "frame_size", "native", "default_return")

    def __init__(self, name: str, frame_size: int, default_return: Any = None) -> None:
        self.name = name
        self.body: Stmt | None = None
        self.frame_size = frame_size
        self.native: Callable[[list[Any]], Any] | None = None
        self.default_return = default_return

    def invoke(self, args: list[Any], state: ExecutionState) -> Any:
        if self.native is not None:
            return self.native(args)
        state.depth += 1
        try:
            if state.depth > MAX_CALL_DEPTH:
                raise JavaError("java.lang.StackOverflowError", None, None)
            frame: list[Any] = [MAX_LOOP_COUNTER, state, *args]
            frame.extend([None] * (self.frame_size - len(frame)))
            assert self.body is not None
            signal = self.body.ex(frame)
        finally:
            state.depth -= 1
        if isinstance(signal, Returned):
            return signal.value
        return self.default_return
