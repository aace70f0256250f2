"""The user tree (the AST): what a Painless script says, with the source offsets Painless reports.

Node names and the offset each one carries follow OpenSearch's ``Walker``: a statement is
located at its first token, a binary or assignment expression at the first token of its
left operand, a field access, method call or brace access at its ``.`` or ``[`` token, a
declaration at the variable name. ``start`` is where the node's source text begins
(``(`` for a parenthesised expression), which is what an enclosing binary node inherits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class Node:
    loc: int
    start: int = field(default=-1, kw_only=True)

    def __post_init__(self) -> None:
        if self.start < 0:
            self.start = self.loc


# ---- expressions --------------------------------------------------------------------------

@dataclass(eq=False)
class ENumeric(Node):
    text: str
    radix: int


@dataclass(eq=False)
class EDecimal(Node):
    text: str


@dataclass(eq=False)
class EString(Node):
    value: str


@dataclass(eq=False)
class EBoolean(Node):
    value: bool


@dataclass(eq=False)
class ENull(Node):
    pass


@dataclass(eq=False)
class ESymbol(Node):
    name: str


@dataclass(eq=False)
class EStaticType(Node):
    """A class name used as a prefix (``String.valueOf``, ``Integer.MAX_VALUE``)."""

    name: str


@dataclass(eq=False)
class EDot(Node):
    prefix: Node
    name: str
    null_safe: bool


@dataclass(eq=False)
class ECall(Node):
    prefix: Node
    name: str
    args: list[Node]
    null_safe: bool


@dataclass(eq=False)
class EBrace(Node):
    prefix: Node
    index: Node


@dataclass(eq=False)
class ECallLocal(Node):
    name: str
    args: list[Node]


@dataclass(eq=False)
class ENewObj(Node):
    type_name: str
    args: list[Node]


@dataclass(eq=False)
class ENewArray(Node):
    type_name: str
    values: list[Node]
    initializer: bool


@dataclass(eq=False)
class EListInit(Node):
    values: list[Node]


@dataclass(eq=False)
class EMapInit(Node):
    keys: list[Node]
    values: list[Node]


@dataclass(eq=False)
class EBinary(Node):
    op: str
    left: Node
    right: Node


@dataclass(eq=False)
class EComp(Node):
    op: str
    left: Node
    right: Node


@dataclass(eq=False)
class EBoolOp(Node):
    op: str
    left: Node
    right: Node


@dataclass(eq=False)
class EInstanceof(Node):
    expr: Node
    type_name: str


@dataclass(eq=False)
class EUnary(Node):
    op: str
    child: Node


@dataclass(eq=False)
class EExplicit(Node):
    type_name: str
    child: Node


@dataclass(eq=False)
class EAssignment(Node):
    lhs: Node
    rhs: Node
    op: str | None
    post: bool = False


@dataclass(eq=False)
class EConditional(Node):
    cond: Node
    left: Node
    right: Node


@dataclass(eq=False)
class EElvis(Node):
    left: Node
    right: Node


# ---- statements ---------------------------------------------------------------------------

@dataclass(eq=False)
class SBlock(Node):
    statements: list[Node]


@dataclass(eq=False)
class SIf(Node):
    cond: Node
    block: SBlock | None


@dataclass(eq=False)
class SIfElse(Node):
    cond: Node
    block: SBlock | None
    else_block: SBlock | None


@dataclass(eq=False)
class SWhile(Node):
    cond: Node
    block: SBlock | None


@dataclass(eq=False)
class SDo(Node):
    block: SBlock | None
    cond: Node


@dataclass(eq=False)
class SFor(Node):
    init: Any
    cond: Node | None
    after: Node | None
    block: SBlock | None


@dataclass(eq=False)
class SEach(Node):
    type_name: str
    name: str
    iterable: Node
    block: SBlock | None


@dataclass(eq=False)
class SDeclaration(Node):
    type_name: str
    name: str
    value: Node | None


@dataclass(eq=False)
class SDeclBlock(Node):
    declarations: list[SDeclaration]


@dataclass(eq=False)
class SExpression(Node):
    expr: Node


@dataclass(eq=False)
class SReturn(Node):
    value: Node | None


@dataclass(eq=False)
class SThrow(Node):
    expr: Node


@dataclass(eq=False)
class SBreak(Node):
    pass


@dataclass(eq=False)
class SContinue(Node):
    pass


@dataclass(eq=False)
class SFunction(Node):
    return_type: str
    name: str
    param_types: list[str]
    param_names: list[str]
    block: SBlock
    # The injected escape() helper: implemented natively, never analysed from source.
    native: str | None = None


@dataclass(eq=False)
class SSource(Node):
    functions: list[SFunction]
    statements: list[Node]
