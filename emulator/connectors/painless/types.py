"""Painless's static types and the promotion and cast rules of its ``AnalyzerCaster``.

A :class:`JType` is ``def``, ``void``, a primitive, a class the emulator knows, or an array
of one. Class names print as Painless prints them (``java.lang.String``, ``def``,
``java.lang.Double[]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, eq=False)
class JType:
    name: str
    kind: str  # "def", "void", "prim", "ref", "array"
    key: str = ""  # the short class name for refs, the primitive name for prims
    component: JType | None = None
    supers: tuple[str, ...] = field(default=())

    @property
    def is_primitive(self) -> bool:
        return self.kind == "prim"

    @property
    def is_def(self) -> bool:
        return self.kind == "def"

    @property
    def is_array(self) -> bool:
        return self.kind == "array"

    def __repr__(self) -> str:
        return f"JType({self.name})"


DEF = JType("def", "def")
VOID = JType("void", "void")

PRIMITIVES = {name: JType(name, "prim", name) for name in
              ("boolean", "byte", "short", "char", "int", "long", "float", "double")}
BOOLEAN = PRIMITIVES["boolean"]
BYTE = PRIMITIVES["byte"]
SHORT = PRIMITIVES["short"]
CHAR = PRIMITIVES["char"]
INT = PRIMITIVES["int"]
LONG = PRIMITIVES["long"]
FLOAT = PRIMITIVES["float"]
DOUBLE = PRIMITIVES["double"]

# Short name -> (canonical name, direct supertypes). Every class extends Object.
_CLASSES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Object": ("java.lang.Object", ()),
    "CharSequence": ("java.lang.CharSequence", ("Object",)),
    "String": ("java.lang.String", ("CharSequence", "Object")),
    "StringBuilder": ("java.lang.StringBuilder", ("CharSequence", "Object")),
    "StringBuffer": ("java.lang.StringBuffer", ("CharSequence", "Object")),
    "Number": ("java.lang.Number", ("Object",)),
    "Boolean": ("java.lang.Boolean", ("Object",)),
    "Character": ("java.lang.Character", ("Object",)),
    "Byte": ("java.lang.Byte", ("Number",)),
    "Short": ("java.lang.Short", ("Number",)),
    "Integer": ("java.lang.Integer", ("Number",)),
    "Long": ("java.lang.Long", ("Number",)),
    "Float": ("java.lang.Float", ("Number",)),
    "Double": ("java.lang.Double", ("Number",)),
    "Math": ("java.lang.Math", ("Object",)),
    "StrictMath": ("java.lang.StrictMath", ("Object",)),
    "BigDecimal": ("java.math.BigDecimal", ("Number",)),
    "BigInteger": ("java.math.BigInteger", ("Number",)),
    "Iterable": ("java.lang.Iterable", ("Object",)),
    "Collection": ("java.util.Collection", ("Iterable",)),
    "List": ("java.util.List", ("Collection",)),
    "ArrayList": ("java.util.ArrayList", ("List",)),
    "Set": ("java.util.Set", ("Collection",)),
    "Map": ("java.util.Map", ("Object",)),
    "HashMap": ("java.util.HashMap", ("Map",)),
    "LinkedHashMap": ("java.util.LinkedHashMap", ("HashMap",)),
    "MapEntry": ("java.util.Map.Entry", ("Object",)),
    "Exception": ("java.lang.Exception", ("Object",)),
    "RuntimeException": ("java.lang.RuntimeException", ("Exception",)),
    "IllegalArgumentException": ("java.lang.IllegalArgumentException", ("RuntimeException",)),
    "NumberFormatException": ("java.lang.NumberFormatException", ("IllegalArgumentException",)),
    "IllegalStateException": ("java.lang.IllegalStateException", ("RuntimeException",)),
    "ArithmeticException": ("java.lang.ArithmeticException", ("RuntimeException",)),
    "NullPointerException": ("java.lang.NullPointerException", ("RuntimeException",)),
    "ClassCastException": ("java.lang.ClassCastException", ("RuntimeException",)),
    "IndexOutOfBoundsException": ("java.lang.IndexOutOfBoundsException", ("RuntimeException",)),
    "ArrayIndexOutOfBoundsException": ("java.lang.ArrayIndexOutOfBoundsException", ("IndexOutOfBoundsException",)),
    "StringIndexOutOfBoundsException": ("java.lang.StringIndexOutOfBoundsException",
                                        ("IndexOutOfBoundsException",)),
    "UnsupportedOperationException": ("java.lang.UnsupportedOperationException", ("RuntimeException",)),
}

CLASSES: dict[str, JType] = {key: JType(name, "ref", key, supers=supers) for key, (name, supers) in _CLASSES.items()}
BY_CANONICAL: dict[str, JType] = {t.name: t for t in CLASSES.values()}

OBJECT = CLASSES["Object"]
STRING = CLASSES["String"]
NUMBER = CLASSES["Number"]
LIST = CLASSES["List"]
ARRAYLIST = CLASSES["ArrayList"]
MAP = CLASSES["Map"]
HASHMAP = CLASSES["HashMap"]
EXCEPTION = CLASSES["Exception"]

BOXES = {"boolean": "Boolean", "byte": "Byte", "short": "Short", "char": "Character", "int": "Integer",
         "long": "Long", "float": "Float", "double": "Double"}
UNBOXES = {box: prim for prim, box in BOXES.items()}

EXCEPTION_CLASSES = frozenset(key for key in CLASSES if key.endswith("Exception"))

# Classes a runtime value reports but scripts cannot name: looked up through their supertypes.
RUNTIME_ONLY: dict[str, tuple[str, ...]] = {
    "com.google.gson.internal.LinkedTreeMap": ("Map",),
    "java.util.HashMap.KeySet": ("Set",),
    "java.util.LinkedHashMap.LinkedKeySet": ("Set",),
    "java.util.HashMap.Values": ("Collection",),
    "java.util.LinkedHashMap.LinkedValues": ("Collection",),
    "java.util.HashMap.EntrySet": ("Set",),
    "java.util.LinkedHashMap.LinkedEntrySet": ("Set",),
    "java.util.HashMap.Node": ("MapEntry",),
    "java.util.LinkedHashMap.Entry": ("MapEntry",),
    "com.google.gson.internal.LinkedTreeMap.KeySet": ("Set",),
    "com.google.gson.internal.LinkedTreeMap.EntrySet": ("Set",),
    "java.util.AbstractMap.2": ("Collection",),
    "com.google.gson.internal.LinkedTreeMap.Node": ("MapEntry",),
    "org.opensearch.painless.PainlessError": (),
}

_ARRAYS: dict[str, JType] = {}


def array_of(component: JType) -> JType:
    name = component.name + "[]"
    found = _ARRAYS.get(name)
    if found is None:
        found = JType(name, "array", component=component)
        _ARRAYS[name] = found
    return found


def resolve(name: str) -> JType | None:
    """The type a script names (``def``, ``int``, ``String``, ``Double[]``), or None."""
    dims = 0
    while name.endswith("[]"):
        name = name[:-2]
        dims += 1
    if name == "def":
        base: JType | None = DEF
    elif name in PRIMITIVES:
        base = PRIMITIVES[name]
    elif name == "void":
        base = VOID
    else:
        base = CLASSES.get(name)
    if base is None:
        return None
    for _ in range(dims):
        base = array_of(base)
    return base


def ancestors(key: str) -> list[str]:
    """A class and all its supertypes, nearest first (breadth-first)."""
    order: list[str] = []
    queue = [key]
    while queue:
        current = queue.pop(0)
        if current in order:
            continue
        order.append(current)
        if current in CLASSES:
            queue.extend(CLASSES[current].supers)
        elif current in RUNTIME_ONLY:
            queue.extend(RUNTIME_ONLY[current])
    if "Object" not in order:
        order.append("Object")
    return order


def is_assignable(target: JType, source: JType) -> bool:
    """``target.isAssignableFrom(source)`` for reference types."""
    if target is source:
        return True
    if target.kind == "ref" and target.key == "Object" and source.kind in ("ref", "array"):
        return True
    if target.kind == "ref" and source.kind == "ref":
        return target.key in ancestors(source.key)
    if target.kind == "array" and source.kind == "array":
        assert target.component is not None and source.component is not None
        if target.component.is_primitive or source.component.is_primitive:
            return target.component is source.component
        return is_assignable(target.component, source.component)
    return False


def box_of(prim: JType) -> JType:
    return CLASSES[BOXES[prim.key]]


# ---- promotions (AnalyzerCaster) --------------------------------------------------------------

_NUMERIC_ORDER = {"byte": 0, "short": 1, "char": 1, "int": 2, "long": 3, "float": 4, "double": 5}


def promote_numeric(left: JType, right: JType | None = None, decimal: bool = True) -> JType | None:
    if right is None:
        if left.is_def:
            return left
        if left in (DOUBLE, FLOAT) and decimal or left is LONG:
            return left
        if left in (INT, CHAR, SHORT, BYTE):
            return INT
        return None
    if left.is_def or right.is_def:
        return DEF
    if decimal:
        if left is DOUBLE or right is DOUBLE:
            return DOUBLE
        if left is FLOAT or right is FLOAT:
            return FLOAT
    if left is LONG or right is LONG:
        return LONG
    if left in (INT, CHAR, SHORT, BYTE) or right in (INT, CHAR, SHORT, BYTE):
        return INT
    return None


def promote_add(left: JType, right: JType) -> JType | None:
    if left is STRING or right is STRING:
        return STRING
    return promote_numeric(left, right, True)


def promote_xor(left: JType, right: JType) -> JType | None:
    if left.is_def or right.is_def:
        return DEF
    if left is BOOLEAN or right is BOOLEAN:
        return BOOLEAN
    return promote_numeric(left, right, False)


def promote_equality(left: JType, right: JType) -> JType | None:
    if left is STRING and right is STRING:
        return STRING
    if left.is_def or right.is_def:
        return DEF
    if left.is_primitive and right.is_primitive:
        if left is BOOLEAN and right is BOOLEAN:
            return BOOLEAN
        return promote_numeric(left, right, True)
    return OBJECT


def promote_conditional(left: JType, right: JType) -> JType | None:
    if left is right:
        return left
    if left.is_def or right.is_def:
        return DEF
    if left.is_primitive and left is not BOOLEAN and right.is_primitive and right is not BOOLEAN:
        for choice in (DOUBLE, FLOAT, LONG, INT):
            if left is choice or right is choice:
                return choice
        if left is CHAR:
            return INT if right in (SHORT, BYTE) else None
        if right is CHAR:
            return INT if left in (SHORT, BYTE) else None
        return None
    return OBJECT


# ---- casts ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cast:
    """A legal conversion from ``source`` to ``target``; ``explicit`` picks Def's explicit converters."""

    source: JType
    target: JType
    explicit: bool


_WIDENING = {
    "byte": {"short", "int", "long", "float", "double"},
    "short": {"int", "long", "float", "double"},
    "char": {"int", "long", "float", "double"},
    "int": {"long", "float", "double"},
    "long": {"float", "double"},
    "float": {"double"},
    "double": set(),
}

_BOX_TARGETS = {  # primitive -> boxed types it may become when the cast is internal
    "byte": {"Byte", "Short", "Integer", "Long", "Float", "Double"},
    "short": {"Short", "Integer", "Long", "Float", "Double"},
    "char": {"Character", "Integer", "Long", "Float", "Double"},
    "int": {"Integer", "Long", "Float", "Double"},
    "long": {"Long", "Float", "Double"},
    "float": {"Float", "Double"},
    "double": {"Double"},
    "boolean": {"Boolean"},
}

_UNBOX_TARGETS = {  # boxed -> primitives and boxes it may become when internal
    "Byte": ({"byte", "short", "int", "long", "float", "double"}, {"Short", "Integer", "Long", "Float", "Double"}),
    "Short": ({"short", "int", "long", "float", "double"}, {"Integer", "Long", "Float", "Double"}),
    "Character": ({"char", "int", "long", "float", "double"}, {"Integer", "Long", "Float", "Double"}),
    "Integer": ({"int", "long", "float", "double"}, {"Long", "Float", "Double"}),
    "Long": ({"long", "float", "double"}, {"Float", "Double"}),
    "Float": ({"float", "double"}, {"Double"}),
    "Double": ({"double"}, set()),
    "Boolean": ({"boolean"}, set()),
}


class IllegalCast(Exception):
    """``Cannot cast from [a] to [b].`` (a ClassCastException at compile time)."""

    def __init__(self, source: JType, target: JType) -> None:
        super().__init__(f"Cannot cast from [{source.name}] to [{target.name}].")


def legal_cast(source: JType, target: JType, *, explicit: bool, internal: bool) -> Cast | None:
    """``AnalyzerCaster.getLegalCast``: None when no conversion is needed; raises :class:`IllegalCast`."""
    if source is target:
        return None
    if source.is_def:
        return Cast(source, target, explicit)
    if source is STRING and target is CHAR and explicit:
        return Cast(source, target, True)
    if source.is_primitive:
        if target.is_def:
            return Cast(source, target, explicit)
        if source is BOOLEAN:
            if target.kind == "ref" and target.key in ("Object", "Boolean") and internal:
                return Cast(source, target, explicit)
            raise IllegalCast(source, target)
        if target.kind == "ref" and target.key in ("Object", "Number") and internal:
            return Cast(source, target, explicit)
        if source is CHAR and target is STRING and explicit:
            return Cast(source, target, True)
        if target.is_primitive and target is not BOOLEAN:
            if target.key in _WIDENING[source.key] or explicit:
                return Cast(source, target, explicit)
            raise IllegalCast(source, target)
        if target.kind == "ref" and internal and target.key in _BOX_TARGETS[source.key]:
            return Cast(source, target, explicit)
        raise IllegalCast(source, target)
    if source.kind == "ref" and source.key in _UNBOX_TARGETS and internal:
        prims, boxes = _UNBOX_TARGETS[source.key]
        if (target.is_primitive and target.key in prims) or (target.kind == "ref" and target.key in boxes):
            return Cast(source, target, explicit)
    if source is not VOID and target.is_def:
        return Cast(source, target, explicit)
    if source.kind in ("ref", "array") and target.kind in ("ref", "array"):
        if is_assignable(target, source) or (explicit and is_assignable(source, target)):
            return Cast(source, target, explicit)
    raise IllegalCast(source, target)
