"""Dynamic (``def``) behaviour: Painless's ``Def`` lookups, ``DefMath`` operators and casts.

Values of primitive static types are held unboxed (``long`` as a Python int, ``float`` as
a float32-exact Python float, ``char`` as a one-character string); values of reference and
``def`` types are held as the value model boxes them (``Long`` is a :class:`JLong`). The
functions here convert between the two and implement what Painless decides at run time:
method, getter and brace resolution on the receiver's class, numeric promotion of boxed
operands, and the ClassCastException/NullPointerException texts of the JVM paths involved.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from . import allowlist, jlib
from .errors import JavaError
from .jformat import java_double, java_float, to_java_string
from .jvalues import (
    INT_MAX,
    INT_MIN,
    GsonMap,
    JArray,
    JByte,
    JChar,
    JFloat,
    JHashMap,
    JLong,
    JShort,
    class_name,
    double_to_int,
    int_to_float32,
    is_map,
    java_equals,
    number_double_value,
    number_float_value,
    number_int_value,
    number_long_value,
    numeric_kind,
    to_float32,
    unboxed_class_name,
    wrap_int,
    wrap_long,
)
from .types import BY_CANONICAL, RUNTIME_ONLY, Cast, JType, ancestors

NPE = jlib.NPE
CCE = jlib.CCE
IAE = jlib.IAE


class Site:
    """An ``invokedynamic`` call site: once linked to a class, a null receiver fails in its guard."""

    __slots__ = ("linked",)

    def __init__(self) -> None:
        self.linked = False


def null_receiver(site: Site) -> JavaError:
    where = '"receiver"' if site.linked else '"callArgs[0]"'
    return JavaError(NPE, f'Cannot invoke "Object.getClass()" because {where} is null')


# ---- classes --------------------------------------------------------------------------------

def class_key(canonical: str) -> str:
    """The allowlist key the methods of a runtime class are registered under."""
    found = BY_CANONICAL.get(canonical)
    if found is not None:
        return found.key
    if canonical in RUNTIME_ONLY:
        return canonical
    if canonical.endswith("[]"):
        return "Object"
    return "Object"


def value_key(value: Any) -> str:
    return class_key(class_name(value))


def instance_of(value: Any, target: JType) -> bool:
    """``value instanceof target`` for a non-null value."""
    if target.is_def:
        return True
    if target.kind == "array":
        if type(value) is not JArray:
            return False
        component = target.component
        assert component is not None
        if component.is_primitive:
            return value.component == component.name
        if component.is_def or component.key == "Object":
            return not _is_primitive_name(value.component)
        found = BY_CANONICAL.get(value.component)
        return found is not None and component.key in ancestors(found.key)
    if target.kind != "ref":
        return False
    if target.key == "Object":
        return True
    return target.key in ancestors(value_key(value))


def _is_primitive_name(name: str) -> bool:
    return name in ("int", "long", "double", "float", "boolean", "char", "byte", "short")


# ---- boxing ---------------------------------------------------------------------------------

def box(prim: str, value: Any) -> Any:
    """A primitive value as the boxed object ``def`` holds."""
    if prim == "int" or prim == "double" or prim == "boolean":
        return value
    if prim == "long":
        return JLong(value)
    if prim == "float":
        return JFloat(value)
    if prim == "char":
        return JChar(value)
    if prim == "short":
        return JShort(value)
    if prim == "byte":
        return JByte(value)
    return value


def box_as(target: JType, value: Any) -> Any:
    """Box a value of static type ``target`` (primitives only; references pass through)."""
    return box(target.key, value) if target.is_primitive else value


_WRAPPERS = {"int": "java.lang.Integer", "long": "java.lang.Long", "double": "java.lang.Double",
             "float": "java.lang.Float", "boolean": "java.lang.Boolean", "char": "java.lang.Character",
             "byte": "java.lang.Byte", "short": "java.lang.Short"}
_UNBOX_METHOD = {"long": "longValue", "float": "floatValue", "double": "doubleValue"}
# Unboxing conversions MethodHandle.asType allows from Object (unbox, then widen).
_HANDLE_WIDENING = {
    "java.lang.Integer": {"int", "long", "float", "double"},
    "java.lang.Long": {"long", "float", "double"},
    "java.lang.Float": {"float", "double"},
    "java.lang.Double": {"double"},
    "java.lang.Character": {"char", "int", "long", "float", "double"},
    "java.lang.Short": {"short", "int", "long", "float", "double"},
    "java.lang.Byte": {"byte", "short", "int", "long", "float", "double"},
    "java.lang.Boolean": {"boolean"},
}


def handle_convert(target: JType, value: Any) -> Any:
    """What ``MethodHandle.asType`` does to an Object passed where ``target`` is expected.

    Used for the arguments of a method found at run time and for a ``def`` load whose
    result goes straight into a typed slot.
    """
    if target.is_def or (target.kind == "ref" and target.key == "Object"):
        return value
    if target.is_primitive:
        prim = target.key
        if value is None:
            method = _UNBOX_METHOD.get(prim, "intValue")
            raise JavaError(NPE, f'Cannot invoke "java.lang.Number.{method}()" because the return value of '
                                 '"sun.invoke.util.ValueConversions.primitiveConversion(sun.invoke.util.Wrapper, '
                                 'Object, boolean)" is null')
        source = class_name(value)
        if prim in _HANDLE_WIDENING.get(source, ()):
            return convert_primitive(_unbox(value), _UNBOXED_NAMES[source], prim)
        if source in _HANDLE_WIDENING or numeric_kind(value) is not None:
            raise JavaError(CCE, f"Cannot cast {source} to {_WRAPPERS[prim]}")
        raise JavaError(CCE, jlib.jvm_cast_message(source, "java.lang.Number"))
    if value is None or instance_of(value, target):
        return value
    raise JavaError(CCE, f"Cannot cast {class_name(value)} to {target.name}")


_UNBOXED_NAMES = {wrapper: prim for prim, wrapper in _WRAPPERS.items()}


def _unbox(value: Any) -> Any:
    kind = type(value)
    if kind in (JLong, JFloat, JChar, JShort, JByte):
        return value.v
    return value


def convert_primitive(value: Any, source: str, target: str) -> Any:
    """Java's primitive conversions (widening, and narrowing for explicit casts)."""
    if source == target:
        return value
    if source == "char":
        value = ord(value)
        source = "int"
        if target == "int":
            return value
    if target == "double":
        return float(value) if source in ("int", "long", "short", "byte") else value
    if target == "float":
        if source in ("int", "long", "short", "byte"):
            return int_to_float32(value)
        return to_float32(value)
    if source in ("double", "float"):
        if target == "long":
            return double_to_int(value, 64)
        integral = double_to_int(value, 32)
    else:
        integral = value
    if target == "int":
        return wrap_int(integral)
    if target == "long":
        return integral
    if target == "short":
        return ((integral + 32768) & 0xFFFF) - 32768
    if target == "byte":
        return ((integral + 128) & 0xFF) - 128
    if target == "char":
        return chr(integral & 0xFFFF)
    raise ValueError(f"no conversion {source} -> {target}")


# ---- casts decided at compile time -----------------------------------------------------------

def cast_function(cast: Cast | None) -> Callable[[Any], Any] | None:
    """The run-time work of a compile-time cast (None when there is none)."""
    if cast is None:
        return None
    source, target = cast.source, cast.target
    if source.is_def:
        return _from_def(target, cast.explicit)
    if source.is_primitive:
        if target.is_primitive:
            prim_from, prim_to = source.key, target.key
            return lambda value: convert_primitive(value, prim_from, prim_to)
        if target.is_def or target.key in ("Object", "Number"):
            prim = source.key
            return lambda value: box(prim, value)
        if source.key == "char" and target.key == "String":
            return None
        boxed_prim = allowlist_box_target(target)
        prim = source.key
        return lambda value: box(boxed_prim, convert_primitive(value, prim, boxed_prim))
    if source.key == "String" and target.is_primitive:
        return _string_to_char
    if source.kind == "ref" and target.is_primitive:
        prim = target.key
        return lambda value: _unbox_typed(value, prim)
    if source.kind == "ref" and target.kind == "ref" and source.key in _BOXED_KEYS and target.key in _BOXED_KEYS:
        prim = allowlist_box_target(target)
        return lambda value: _rebox(value, prim)
    if target.is_def or target.kind == "ref" and target.key == "Object":
        return None
    from .types import is_assignable

    if is_assignable(target, source):
        return None
    return lambda value: _checkcast(value, target)


_BOXED_KEYS = {"Boolean", "Byte", "Short", "Character", "Integer", "Long", "Float", "Double"}


def allowlist_box_target(target: JType) -> str:
    from .types import UNBOXES

    return UNBOXES[target.key]


def _unbox_typed(value: Any, prim: str) -> Any:
    if value is None:
        raise JavaError(NPE, f'Cannot invoke "{_WRAPPERS.get(prim, "java.lang.Number")}.{prim}Value()" because '
                             'value is null')
    return convert_primitive(_unbox(value), _UNBOXED_NAMES[class_name(value)], prim)


def _rebox(value: Any, prim: str) -> Any:
    if value is None:
        return None
    return box(prim, convert_primitive(_unbox(value), _UNBOXED_NAMES[class_name(value)], prim))


def _checkcast(value: Any, target: JType) -> Any:
    if value is None or instance_of(value, target):
        return value
    raise JavaError(CCE, jlib.jvm_cast_message(class_name(value), target.name))


def _string_to_char(value: Any) -> str:
    if value is None:
        raise JavaError(CCE, "cannot cast null java.lang.String to char")
    if jlib.java_length(value) != 1:
        raise JavaError(CCE, "cannot cast java.lang.String with length not equal to one to char")
    return jlib.units(value)[0]


def _def_cast_error(value: Any, target: str, explicit: bool) -> JavaError:
    """``Def.defToStringImplicit``/``Explicit``'s failure."""
    if value is None:
        return JavaError(NPE, 'Cannot invoke "Object.getClass()" because "value" is null')
    how = "explicitly" if explicit else "implicitly"
    return JavaError(CCE, f"cannot {how} cast def [{unboxed_class_name(value)}] to {target}")


# What Def.defToXImplicit accepts for each primitive target (by boxed class).
_IMPLICIT_SOURCES = {
    "boolean": {"java.lang.Boolean"},
    "byte": {"java.lang.Byte"},
    "short": {"java.lang.Byte", "java.lang.Short"},
    "char": {"java.lang.Character"},
    "int": {"java.lang.Byte", "java.lang.Short", "java.lang.Character", "java.lang.Integer"},
    "long": {"java.lang.Byte", "java.lang.Short", "java.lang.Character", "java.lang.Integer", "java.lang.Long"},
    "float": {"java.lang.Byte", "java.lang.Short", "java.lang.Character", "java.lang.Integer", "java.lang.Long",
              "java.lang.Float"},
    "double": {"java.lang.Byte", "java.lang.Short", "java.lang.Character", "java.lang.Integer", "java.lang.Long",
               "java.lang.Float", "java.lang.Double"},
}
_EXPLICIT_NUMBERS = {"java.lang.Byte", "java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float",
                     "java.lang.Double"}


def _explicit_label(prim: str) -> tuple[str, str]:
    """The words ``Def.defToXExplicit`` uses in its error (two of them misreport themselves)."""
    if prim == "float":
        return "float", "byte"
    if prim == "double":
        return "def", "byte"
    return "def", prim


def _from_def(target: JType, explicit: bool) -> Callable[[Any], Any] | None:
    """``Def.defToX`` for a cast out of ``def``."""
    if target.is_def or (target.kind == "ref" and target.key == "Object"):
        return None
    if target.is_primitive:
        return _def_to_primitive(target.key, explicit)
    if target.kind == "ref" and target.key in _BOXED_KEYS:
        return _def_to_boxed(allowlist_box_target(target), target.name, explicit)
    if target.kind == "ref" and target.key == "String":
        def to_string(value: Any) -> Any:
            if value is None or type(value) is str:
                return value
            if explicit and type(value) is JChar:
                return value.v
            raise _def_cast_error(value, "java.lang.String", explicit)

        return to_string
    return lambda value: _checkcast(value, target)


def _def_to_primitive(prim: str, explicit: bool) -> Callable[[Any], Any]:
    accepted = _IMPLICIT_SOURCES[prim]

    def to_primitive(value: Any) -> Any:
        if value is None:
            raise JavaError(NPE, 'Cannot invoke "Object.getClass()" because "value" is null')
        source = class_name(value)
        if source in accepted:
            return convert_primitive(_unbox(value), _UNBOXED_NAMES[source], prim)
        if prim == "boolean":
            raise JavaError(CCE, f"cannot cast def [{unboxed_class_name(value)}] to boolean")
        if explicit:
            if source in _EXPLICIT_NUMBERS or source == "java.lang.Character":
                return convert_primitive(_unbox(value), _UNBOXED_NAMES[source], prim)
            if prim == "char" and source == "java.lang.String":
                return _string_to_char(value)
            word, label = _explicit_label(prim)
            raise JavaError(CCE, f"cannot explicitly cast {word} [{unboxed_class_name(value)}] to {label}")
        raise JavaError(CCE, f"cannot implicitly cast def [{unboxed_class_name(value)}] to {prim}")

    return to_primitive


def _def_to_boxed(prim: str, canonical: str, explicit: bool) -> Callable[[Any], Any]:
    accepted = _IMPLICIT_SOURCES[prim]

    def to_boxed(value: Any) -> Any:
        if value is None:
            return None
        source = class_name(value)
        if source in accepted:
            return box(prim, convert_primitive(_unbox(value), _UNBOXED_NAMES[source], prim))
        if explicit and prim != "boolean":
            if source in _EXPLICIT_NUMBERS or source == "java.lang.Character":
                return box(prim, convert_primitive(_unbox(value), _UNBOXED_NAMES[source], prim))
            if prim == "char" and source == "java.lang.String":
                return JChar(_string_to_char(value))
        how = "explicitly" if explicit and prim != "boolean" else "implicitly"
        raise JavaError(CCE, f"cannot {how} cast def [{unboxed_class_name(value)}] to {canonical}")

    return to_boxed


# ---- DefMath ----------------------------------------------------------------------------------

_OPERATOR_NAMES = {"+": "+", "-": "-", "*": "*", "/": "/", "%": "%", "&": "&", "^": "^", "|": "|",
                   "<": "<", "<=": "<=", ">": ">", ">=": ">", "<<": "<<", ">>": ">>", ">>>": ">>>"}


def _promotion(left: Any, right: Any) -> str | None:
    """The primitive ``DefMath.promote`` picks for two boxed operands, or None for the Object path."""
    a = _UNBOXED_NAMES.get(class_name(left))
    b = _UNBOXED_NAMES.get(class_name(right))
    if a is None or b is None:
        return None
    if a == "boolean" and b == "boolean":
        return "boolean"
    if "double" in (a, b):
        return "double"
    if "float" in (a, b):
        return "float"
    if "long" in (a, b):
        return "long"
    return "int"


def _to_promoted(value: Any, prim: str) -> Any:
    """The handle argument conversion of a boxed operand to the chosen overload's primitive."""
    return handle_convert(_PRIM_TYPES[prim], value)


def _generic_kind(left: Any, right: Any) -> str | None:
    """The arithmetic the Object overloads do: Double, Float, Long, else int (Characters count as ints)."""
    a, b = numeric_kind(left), numeric_kind(right)
    if a is None or b is None:
        return None
    if "D" in (a, b):
        return "double"
    if "F" in (a, b):
        return "float"
    if "J" in (a, b):
        return "long"
    return "int"


def _generic_value(value: Any, kind: str) -> Any:
    if kind == "double":
        return number_double_value(value)
    if kind == "float":
        return number_float_value(value)
    if kind == "long":
        return number_long_value(value)
    return number_int_value(value)


def _class_or_npe(value: Any, side: str) -> str:
    if value is None:
        raise JavaError(NPE, f'Cannot invoke "Object.getClass()" because "{side}" is null')
    return class_name(value)


def _types_error(symbol: str, left: Any, right: Any) -> JavaError:
    left_name = _class_or_npe(left, "left")
    right_name = _class_or_npe(right, "right")
    return JavaError(CCE, f"Cannot apply [{symbol}] operation to types [{left_name}] and [{right_name}].")


def def_binary(op: str, left: Any, right: Any) -> Any:
    """A binary math operator on two ``def`` operands; the result is boxed."""
    if op == "+" and (type(left) is str or type(right) is str):
        result = to_java_string(left) + to_java_string(right)
        jlib.check_size(len(result))
        return result
    if op in ("&", "^", "|"):
        return _def_bitwise(op, left, right)
    if op in ("<<", ">>", ">>>"):
        return _def_shift(op, left, right)
    prim = _promotion(left, right) if left is not None and right is not None else None
    if prim is not None:
        if prim == "boolean":
            raise JavaError(CCE, f"Cannot apply [{op}] operation to type [boolean]")
        a, b = _to_promoted(left, prim), _to_promoted(right, prim)
        return box(prim, PRIMITIVE_OPS[prim][op](a, b))
    kind = _generic_kind(left, right)
    if kind is None:
        raise _types_error(op, left, right)
    return box(kind, PRIMITIVE_OPS[kind][op](_generic_value(left, kind), _generic_value(right, kind)))


def _integral(value: Any, long: bool) -> int:
    kind = numeric_kind(value)
    if kind == "C":
        return ord(value.v)
    if kind in ("I", "S", "B") or (long and kind == "J"):
        return value if type(value) is int else value.v
    if value is None:
        raise JavaError(NPE, 'Cannot invoke "Object.getClass()" because "o" is null')
    raise JavaError(CCE, f"Cannot convert [{class_name(value)}] to an integral value.")


def _def_bitwise(op: str, left: Any, right: Any) -> Any:
    if left is not None and right is not None:
        prim = _promotion(left, right)
        if prim in ("float", "double"):
            raise JavaError(CCE, f"Cannot apply [{op}] operation to type [float]")
        if prim is not None:
            a, b = _to_promoted(left, prim), _to_promoted(right, prim)
            return box(prim, PRIMITIVE_OPS[prim][op](a, b))
    if type(left) is bool and type(right) is bool:
        return PRIMITIVE_OPS["boolean"][op](left, right)
    if numeric_kind(left) == "J" or numeric_kind(right) == "J":
        return JLong(PRIMITIVE_OPS["long"][op](_integral(left, True), _integral(right, True)))
    return PRIMITIVE_OPS["int"][op](_integral(left, False), _integral(right, False))


def _def_shift(op: str, left: Any, right: Any) -> Any:
    if left is None:
        raise JavaError(NPE, 'Cannot invoke "Object.getClass()" because "args[0]" is null')
    prim = _UNBOXED_NAMES.get(class_name(left))
    distance = _integral(right, True)
    if prim in ("float", "double", "boolean"):
        raise JavaError(CCE, f"Cannot apply [{op}] operation to type [{prim}]")
    if prim == "long" or numeric_kind(left) == "J":
        return JLong(PRIMITIVE_OPS["long"][op](_integral(left, True), distance))
    return PRIMITIVE_OPS["int"][op](_integral(left, False), distance)


def def_compare(op: str, left: Any, right: Any) -> bool:
    """``<``, ``<=``, ``>``, ``>=`` on ``def`` operands."""
    prim = _promotion(left, right) if left is not None and right is not None else None
    if prim is not None:
        if prim == "boolean":
            raise JavaError(CCE, f"Cannot apply [{op}] operation to type [boolean]")
        return COMPARISONS[op](_to_promoted(left, prim), _to_promoted(right, prim))
    kind = _generic_kind(left, right)
    if kind is None:
        # DefMath's generic ">=" reports itself as ">".
        raise _types_error(_OPERATOR_NAMES[op], left, right)
    return COMPARISONS[op](_generic_value(left, kind), _generic_value(right, kind))


def def_equals(left: Any, right: Any) -> bool:
    """``==`` on ``def`` operands (``DefMath.eq``): numbers compare by value across classes."""
    if left is None or right is None:
        return left is None and right is None
    if type(left) is str or type(right) is str:
        return type(left) is type(right) and left == right
    prim = _promotion(left, right)
    if prim is not None:
        if prim == "boolean":
            return left == right
        return _to_promoted(left, prim) == _to_promoted(right, prim)
    a, b = numeric_kind(left), numeric_kind(right)
    if a is not None and b is not None:
        kind = _generic_kind(left, right)
        assert kind is not None
        return _generic_value(left, kind) == _generic_value(right, kind)
    return java_equals(left, right)


def def_unary(op: str, value: Any) -> Any:
    if value is None:
        raise JavaError(NPE, 'Cannot invoke "Object.getClass()" because "args[0]" is null')
    prim = _UNBOXED_NAMES.get(class_name(value))
    symbol = {"neg": "-", "plus": "+", "not": "~"}[op]
    if prim == "boolean":
        raise JavaError(CCE, f"Cannot apply [{symbol}] operation to type [boolean]")
    if op == "not":
        if prim in ("float", "double"):
            raise JavaError(CCE, f"Cannot apply not [~] to type [{prim}]")
        if prim is None:
            raise JavaError(CCE, f"Cannot apply [~] operation to type [{class_name(value)}].")
        promoted = "long" if prim == "long" else "int"
        raw = convert_primitive(_unbox(value), prim, promoted)
        return box(promoted, ~raw)
    if prim is None:
        raise JavaError(CCE, f"Cannot apply [{symbol}] operation to type [{class_name(value)}].")
    promoted = prim if prim in ("long", "float", "double") else "int"
    raw = convert_primitive(_unbox(value), prim, promoted)
    if op == "plus":
        return box(promoted, raw)
    return box(promoted, NEGATIONS[promoted](raw))


def def_compound_result(receiver: Any, result: Any) -> Any:
    """``DefMath`` compound assignment: the result is cast back to the receiver's class."""
    if receiver is None or result is None:
        return result
    target = _UNBOXED_NAMES.get(class_name(receiver))
    if target is None or target == "boolean":
        source = class_name(result)
        if source != class_name(receiver) and not instance_of(result, _type_of_class(class_name(receiver))):
            raise JavaError(CCE, f"Cannot cast {source} to {class_name(receiver)}")
        return result
    source = _UNBOXED_NAMES.get(class_name(result))
    if source is None:
        raise JavaError(CCE, f"Cannot cast {class_name(result)} to {class_name(receiver)}")
    return box(target, convert_primitive(_unbox(result), source, target))


def _type_of_class(canonical: str) -> JType:
    found = BY_CANONICAL.get(canonical)
    from .types import OBJECT

    return found if found is not None else OBJECT


# ---- primitive operators --------------------------------------------------------------------

def _int_div(a: int, b: int) -> int:
    if b == 0:
        raise JavaError("java.lang.ArithmeticException", "/ by zero")
    quotient = abs(a) // abs(b)
    return wrap_int(quotient if (a < 0) == (b < 0) else -quotient)


def _long_div(a: int, b: int) -> int:
    if b == 0:
        raise JavaError("java.lang.ArithmeticException", "/ by zero")
    quotient = abs(a) // abs(b)
    return wrap_long(quotient if (a < 0) == (b < 0) else -quotient)


def _int_rem(a: int, b: int) -> int:
    if b == 0:
        raise JavaError("java.lang.ArithmeticException", "/ by zero")
    remainder = abs(a) % abs(b)
    return -remainder if a < 0 else remainder


def _float_div(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _float_rem(a: float, b: float) -> float:
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return math.nan
    if math.isinf(b):
        return a
    return math.fmod(a, b)


def _ushr32(a: int, b: int) -> int:
    return wrap_int((a & 0xFFFFFFFF) >> (b & 31))


def _ushr64(a: int, b: int) -> int:
    return wrap_long((a & 0xFFFFFFFFFFFFFFFF) >> (b & 63))


def _float32(function: Callable[[float, float], float]) -> Callable[[float, float], float]:
    return lambda a, b: to_float32(function(a, b))


PRIMITIVE_OPS: dict[str, dict[str, Callable[[Any, Any], Any]]] = {
    "int": {
        "+": lambda a, b: wrap_int(a + b), "-": lambda a, b: wrap_int(a - b), "*": lambda a, b: wrap_int(a * b),
        "/": _int_div, "%": _int_rem, "&": lambda a, b: a & b, "|": lambda a, b: a | b, "^": lambda a, b: a ^ b,
        "<<": lambda a, b: wrap_int(a << (b & 31)), ">>": lambda a, b: a >> (b & 31), ">>>": _ushr32,
    },
    "long": {
        "+": lambda a, b: wrap_long(a + b), "-": lambda a, b: wrap_long(a - b),
        "*": lambda a, b: wrap_long(a * b), "/": _long_div, "%": _int_rem, "&": lambda a, b: a & b,
        "|": lambda a, b: a | b, "^": lambda a, b: a ^ b, "<<": lambda a, b: wrap_long(a << (b & 63)),
        ">>": lambda a, b: a >> (b & 63), ">>>": _ushr64,
    },
    "double": {
        "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": _float_div,
        "%": _float_rem,
    },
    "float": {
        "+": _float32(lambda a, b: a + b), "-": _float32(lambda a, b: a - b), "*": _float32(lambda a, b: a * b),
        "/": _float32(_float_div), "%": _float32(_float_rem),
    },
    "boolean": {"&": lambda a, b: a and b, "|": lambda a, b: a or b, "^": lambda a, b: a != b},
}

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}

NEGATIONS: dict[str, Callable[[Any], Any]] = {
    "int": lambda v: wrap_int(-v), "long": lambda v: wrap_long(-v), "double": lambda v: -v,
    "float": lambda v: -v,
}

from .types import PRIMITIVES as _PRIM_TYPES  # noqa: E402

# ---- dynamic member access (Def.lookupGetter & co) -------------------------------------------

def def_load(receiver: Any, name: str, site: Site) -> Any:
    """``receiver.name`` on a ``def``: a getter, an array length, a map key or a list index."""
    if receiver is None:
        raise null_receiver(site)
    kind = type(receiver)
    if kind is dict or kind is GsonMap or kind is JHashMap:
        getter = _getter_for(receiver, name)
        site.linked = True
        if getter is not None:
            return box_as(getter.ret, getter.impl(receiver))
        return receiver.get(name)
    getter = _getter_for(receiver, name)
    if getter is not None:
        site.linked = True
        return box_as(getter.ret, getter.impl(receiver))
    if kind is JArray and name == "length":
        site.linked = True
        return len(receiver.items)
    if kind is list:
        index = _list_shortcut(name)
        site.linked = True
        return jlib.list_get(receiver, index)
    raise JavaError(IAE, f"dynamic getter [{class_name(receiver)}, {name}] not found")


def _getter_for(receiver: Any, name: str) -> allowlist.Method | None:
    if not name or not name[0].islower():
        return None
    return allowlist.lookup_getter(value_key(receiver), name)


def _list_shortcut(name: str) -> int:
    if not jlib._INTEGER_TEXT.fullmatch(name):
        raise JavaError(IAE, f"Illegal list shortcut value [{name}].")
    index = int(name)
    if not INT_MIN <= index <= INT_MAX:
        raise JavaError(IAE, f"Illegal list shortcut value [{name}].")
    return index


def def_store(receiver: Any, name: str, value: Any, site: Site) -> None:
    """``receiver.name = value`` on a ``def``: a setter, a map put or a list set."""
    if receiver is None:
        raise null_receiver(site)
    setter = allowlist.lookup_setter(value_key(receiver), name) if name and name[0].islower() else None
    if setter is not None:
        site.linked = True
        setter.impl(receiver, handle_convert(setter.params[0], value))
        return
    if is_map(receiver):
        site.linked = True
        jlib.map_put(receiver, name, value)
        return
    if type(receiver) is list:
        index = _list_shortcut(name)
        site.linked = True
        jlib.list_set(receiver, index, value)
        return
    raise JavaError(IAE, f"dynamic setter [{class_name(receiver)}, {name}] not found")


def normalize_index(receiver: Any, index: Any, site: Site) -> Any:
    """``Def.lookupIndexNormalize``: negative list and array indexes count from the end."""
    if receiver is None:
        raise null_receiver(site)
    kind = type(receiver)
    if kind is dict or kind is GsonMap or kind is JHashMap:
        site.linked = True
        return index
    if kind is list or kind is JArray:
        site.linked = True
        position = handle_convert(_PRIM_TYPES["int"], index)
        if position < 0:
            position += len(receiver) if kind is list else len(receiver.items)
        return position
    raise JavaError(IAE, f"Attempting to address a non-array-like type [{class_name(receiver)}] as an array.")


def def_brace_load(receiver: Any, index: Any, site: Site) -> Any:
    kind = type(receiver)
    site.linked = True
    if kind is list:
        return jlib.list_get(receiver, index)
    if kind is JArray:
        return array_load(receiver, index)
    return jlib.map_get(receiver, index)


def def_brace_store(receiver: Any, index: Any, value: Any, site: Site) -> None:
    kind = type(receiver)
    site.linked = True
    if kind is list:
        jlib.list_set(receiver, index, value)
    elif kind is JArray:
        array_store(receiver, index, handle_convert(_component_type(receiver), value))
    else:
        jlib.map_put(receiver, index, value)


def _component_type(array: JArray) -> JType:
    from .types import resolve

    found = resolve(_short_name(array.component))
    return found if found is not None else _PRIM_TYPES["int"]


def _short_name(canonical: str) -> str:
    suffix = ""
    while canonical.endswith("[]"):
        canonical = canonical[:-2]
        suffix += "[]"
    found = BY_CANONICAL.get(canonical)
    return (found.key if found is not None else canonical) + suffix


def array_load(array: JArray, index: int) -> Any:
    items = array.items
    if not 0 <= index < len(items):
        raise JavaError(jlib.AIOOBE, f"Index {index} out of bounds for length {len(items)}")
    value = items[index]
    return box(array.component, value) if array.component in _PRIM_TYPES else value


def array_load_typed(array: JArray, index: int) -> Any:
    items = array.items
    if not 0 <= index < len(items):
        raise JavaError(jlib.AIOOBE, f"Index {index} out of bounds for length {len(items)}")
    return items[index]


def array_store(array: JArray, index: int, value: Any) -> None:
    items = array.items
    if not 0 <= index < len(items):
        raise JavaError(jlib.AIOOBE, f"Index {index} out of bounds for length {len(items)}")
    if array.component in _PRIM_TYPES:
        value = _unbox(value)
    items[index] = value


def def_call(receiver: Any, name: str, args: list[Any], site: Site) -> Any:
    """``receiver.name(args)`` on a ``def``: resolved on the receiver's class when it runs."""
    if receiver is None:
        raise null_receiver(site)
    method = allowlist.lookup_method(value_key(receiver), name, len(args))
    if method is None:
        raise JavaError(IAE, f"dynamic method [{class_name(receiver)}, {name}/{len(args)}] not found")
    site.linked = True
    converted = [handle_convert(param, arg) for param, arg in zip(method.params, args, strict=True)]
    return box_as(method.ret, method.impl(receiver, *converted))


def def_iterate(value: Any, site: Site) -> list[Any]:
    if value is None:
        raise null_receiver(site)
    site.linked = True
    if type(value) is JArray:
        component = value.component
        if component in _PRIM_TYPES:
            return [box(component, item) for item in value.items]
        return value.items
    return jlib.iterate(value)


# ---- string conversion by static type ----------------------------------------------------------

def stringifier(static: JType) -> Callable[[Any], str]:
    """``String.valueOf`` for a value of static type ``static`` (concatenation, ``append``)."""
    if static.is_primitive:
        prim = static.key
        if prim == "double":
            return java_double
        if prim == "float":
            return java_float
        if prim == "boolean":
            return lambda value: "true" if value else "false"
        if prim == "char":
            return _identity_str
        return str
    return to_java_string


def _identity_str(value: str) -> str:
    return value
