"""A compiled path as Jayway holds it: a chain of tokens, each evaluating itself and handing on to the next.

The chain is kept the way Jayway keeps it, state included, because results depend on it:
- every token caches whether it and its upstream are "definite" the first time it is asked;
- a deep scan that meets an array records the element index on the token after its target
  (``upstream_array_index``), and a property leaf only reports a value when that index matches the
  fragment before the path's tail (Jayway's fix for ``$..[2].author``);
- ``length()`` with a path argument appends a wildcard to that argument's chain and every function
  with arguments then unlinks the first wildcard it finds in its first argument.
Compiled paths are cached by their text (as Jayway's LRU cache does), so that state carries over from
one read of the same expression to the next, exactly as on a running node.

Values are the caller's own objects; a definite path returns the last value found, an indefinite one
the list of all of them in the order Jayway walks the document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from .errors import InvalidPath, JavaError, PathNotFound, is_index_error
from .javalang import class_name, to_string

REQUIRE_PROPERTIES = "REQUIRE_PROPERTIES"
NO_OPTIONS: frozenset[str] = frozenset()
JSON_PROVIDER = "com.jayway.jsonpath.spi.json.JsonSmartJsonProvider"


class Predicate(Protocol):
    """A compiled ``[?(...)]`` filter."""

    def apply(self, context: PredicateContext) -> bool: ...


class EvaluationContext:
    """The results of one evaluation of one compiled path, and the cache of ``$`` paths used by its filters."""

    def __init__(self, path: CompiledPath, root_document: Any, options: frozenset[str]) -> None:
        self.path = path
        self.root_document = root_document
        self.options = options
        self.values: list[Any] = []
        self.document_cache: dict[CompiledPath, Any] = {}

    @property
    def requires_properties(self) -> bool:
        return REQUIRE_PROPERTIES in self.options

    def add_result(self, path: str, value: Any) -> None:
        # Jayway records the path of every hit too; only the values are ever read here.
        self.values.append(value)

    def value(self) -> Any:
        """``getValue()``: the last value of a definite path, else the list of all values."""
        if self.path.is_definite():
            if not self.values:
                raise PathNotFound(f"No results for path: {self.path}")
            return self.values[-1]
        return list(self.values)


class PredicateContext:
    """What a filter sees: the item under test, the root document and the evaluation's ``$`` cache."""

    def __init__(self, item: Any, root: Any, options: frozenset[str], cache: dict[CompiledPath, Any]) -> None:
        self.item = item
        self.root = root
        self.options = options
        self.cache = cache

    def evaluate(self, path: CompiledPath) -> Any:
        """A path inside the filter: ``$`` paths once per outer evaluation, ``@`` paths on the item."""
        if path.is_root_path:
            if path not in self.cache:
                self.cache[path] = path.evaluate(self.root, self.root, self.options).value()
            return self.cache[path]
        return path.evaluate(self.item, self.root, self.options).value()


class Token:
    """One step of a path."""

    def __init__(self) -> None:
        self.prev: Token | None = None
        self.next: Token | None = None
        self.upstream_array_index = -1
        self._definite: bool | None = None
        self._upstream_definite: bool | None = None

    # -- the chain --------------------------------------------------------------------------------------------------

    def append_tail(self, token: Token) -> Token:
        self.next = token
        token.prev = self
        return token

    def is_leaf(self) -> bool:
        return self.next is None

    def following(self) -> Token:
        if self.next is None:
            raise JavaError("java.lang.IllegalStateException", "Current path token is a leaf")
        return self.next

    def fragment(self) -> str:
        raise NotImplementedError

    def text(self) -> str:
        """This token's fragment followed by the rest of the chain (``PathToken.toString``)."""
        parts: list[str] = []
        token: Token | None = self
        while token is not None:
            parts.append(token.fragment())
            token = token.next
        return "".join(parts)

    # -- definiteness ---------------------------------------------------------------------------------------------

    def token_definite(self) -> bool:
        raise NotImplementedError

    def is_upstream_definite(self) -> bool:
        if self._upstream_definite is None:
            prev = self.prev
            self._upstream_definite = prev is None or (prev.token_definite() and prev.is_upstream_definite())
        return self._upstream_definite

    def is_path_definite(self) -> bool:
        if self._definite is None:
            definite = self.token_definite()
            if definite and self.next is not None:
                definite = self.next.is_path_definite()
            self._definite = definite
        return self._definite

    # -- evaluation -------------------------------------------------------------------------------------------------

    def evaluate(self, current_path: str, model: Any, ctx: EvaluationContext) -> Any:
        raise NotImplementedError

    def handle_object_property(self, current_path: str, model: dict[str, Any], ctx: EvaluationContext,
                               properties: list[str]) -> None:
        if len(properties) == 1:
            self._handle_one_property(current_path, model, ctx, properties[0])
            return
        # Several properties at the leaf are merged into one new object (missing ones are left out).
        eval_path = current_path + "[" + ", ".join(f"'{p}'" for p in properties) + "]"
        merged: dict[str, Any] = {}
        for name in properties:
            if name in model:
                merged[name] = model[name]
            elif ctx.requires_properties:
                raise PathNotFound(f"Missing property in path {eval_path}")
        ctx.add_result(eval_path, merged)

    def _handle_one_property(self, current_path: str, model: dict[str, Any], ctx: EvaluationContext,
                             name: str) -> None:
        eval_path = f"{current_path}['{name}']"
        if name not in model:
            if self.is_leaf():
                if ctx.requires_properties:
                    raise PathNotFound(f"No results for path: {eval_path}")
                return
            if not (self.is_upstream_definite() and self.token_definite()) and not ctx.requires_properties:
                # Somewhere upstream the path branches: an absent property just ends this branch.
                return
            raise PathNotFound(f"Missing property in path {eval_path}")
        value = model[name]
        if not self.is_leaf():
            self.following().evaluate(eval_path, value, ctx)
            return
        index = f"[{self.upstream_array_index}]"
        if index == "[-1]" or _fragment_before_tail(ctx) == index:
            ctx.add_result(eval_path, value)

    def handle_array_index(self, index: int, current_path: str, model: list[Any], ctx: EvaluationContext) -> None:
        eval_path = f"{current_path}[{index}]"
        effective = len(model) + index if index < 0 else index
        if not 0 <= effective < len(model):
            return
        try:
            if self.is_leaf():
                ctx.add_result(eval_path, model[effective])
            else:
                self.following().evaluate(eval_path, model[effective], ctx)
        except JavaError as error:
            # Jayway swallows an IndexOutOfBoundsException from anywhere down this branch.
            if not is_index_error(error):
                raise


def _fragment_before_tail(ctx: EvaluationContext) -> str:
    before = ctx.path.root.tail.prev
    if before is None:
        raise JavaError("java.lang.NullPointerException")
    return before.fragment()


class RootToken(Token):
    """``$`` (the document) or ``@`` (the item a filter is testing)."""

    def __init__(self, symbol: str) -> None:
        super().__init__()
        self.symbol = symbol
        self.tail: Token = self

    def append(self, token: Token) -> None:
        self.tail = self.tail.append_tail(token)

    def fragment(self) -> str:
        return self.symbol

    def token_definite(self) -> bool:
        return True

    def is_function_path(self) -> bool:
        return isinstance(self.tail, FunctionToken)

    def evaluate(self, current_path: str, model: Any, ctx: EvaluationContext) -> None:
        if self.is_leaf():
            ctx.add_result(self.symbol, model)
        else:
            self.following().evaluate(self.symbol, model, ctx)


class PropertyToken(Token):
    """``.name``, ``['name']`` or ``['a','b']``."""

    def __init__(self, properties: list[str], delimiter: str) -> None:
        super().__init__()
        if not properties:
            raise InvalidPath("Empty properties")
        self.properties = properties
        self.delimiter = delimiter

    def fragment(self) -> str:
        d = self.delimiter
        return "[" + ",".join(f"{d}{p}{d}" for p in self.properties) + "]"

    def token_definite(self) -> bool:
        # Several properties at the leaf are merged into one object, so that counts as definite.
        return len(self.properties) == 1 or self.is_leaf()

    def evaluate(self, current_path: str, model: Any, ctx: EvaluationContext) -> None:
        if not isinstance(model, dict):
            if not self.is_upstream_definite():
                return
            raise PathNotFound(
                f"Expected to find an object with property {self.fragment()} in path {current_path} but found "
                f"'{class_name(model)}'. This is not a json object according to the JsonProvider: '{JSON_PROVIDER}'.")
        if len(self.properties) == 1 or self.is_leaf():
            self.handle_object_property(current_path, model, ctx, self.properties)
            return
        for name in self.properties:
            self.handle_object_property(current_path, model, ctx, [name])


class WildcardToken(Token):
    """``*`` / ``[*]``: every value of an object or every element of an array."""

    def fragment(self) -> str:
        return "[*]"

    def token_definite(self) -> bool:
        return False

    def evaluate(self, current_path: str, model: Any, ctx: EvaluationContext) -> None:
        if isinstance(model, dict):
            for name in list(model):
                self.handle_object_property(current_path, model, ctx, [name])
        elif isinstance(model, list):
            index = 0
            while index < len(model):
                try:
                    self.handle_array_index(index, current_path, model, ctx)
                except PathNotFound:
                    if ctx.requires_properties:
                        raise
                index += 1


class _ArrayToken(Token):
    def accepts_model(self, current_path: str, model: Any, ctx: EvaluationContext) -> bool:
        """False when this branch just ends here; raises when a definite path meets a non-array."""
        if model is None:
            if not self.is_upstream_definite():
                return False
            raise PathNotFound(f"The path {current_path} is null")
        if not isinstance(model, list):
            if not self.is_upstream_definite():
                return False
            raise PathNotFound(f"Filter: {self.text()} can only be applied to arrays. "
                               f"Current context is: {to_string(model)}")
        return True


class IndexToken(_ArrayToken):
    """``[0]``, ``[-1]`` or ``[0,2,5]``."""

    def __init__(self, indexes: list[int]) -> None:
        super().__init__()
        self.indexes = indexes

    def fragment(self) -> str:
        return "[" + ",".join(str(i) for i in self.indexes) + "]"

    def token_definite(self) -> bool:
        return len(self.indexes) == 1

    def evaluate(self, current_path: str, model: Any, ctx: EvaluationContext) -> None:
        if not self.accepts_model(current_path, model, ctx):
            return
        for index in self.indexes:
            self.handle_array_index(index, current_path, model, ctx)


class SliceToken(_ArrayToken):
    """``[from:]``, ``[:to]`` or ``[from:to]`` (Jayway's reading: ``[1:-1]`` is empty, negatives wrap once)."""

    def __init__(self, start: int | None, stop: int | None) -> None:
        super().__init__()
        self.start = start
        self.stop = stop

    def fragment(self) -> str:
        return f"[{'' if self.start is None else self.start}:{'' if self.stop is None else self.stop}]"

    def token_definite(self) -> bool:
        return False

    def evaluate(self, current_path: str, model: Any, ctx: EvaluationContext) -> None:
        if not self.accepts_model(current_path, model, ctx):
            return
        length = len(model)
        for index in self._indexes(length):
            self.handle_array_index(index, current_path, model, ctx)

    def _indexes(self, length: int) -> list[int]:
        if self.stop is None:
            assert self.start is not None
            start = max(0, length + self.start if self.start < 0 else self.start)
            return [] if length == 0 or start >= length else list(range(start, length))
        if self.start is None:
            if length == 0:
                return []
            stop = min(length, length + self.stop if self.stop < 0 else self.stop)
            return list(range(0, stop))
        stop = min(length, self.stop)
        if self.start >= stop or length == 0:
            return []
        # Jayway walks every i in [start, stop); negative i wrap once, anything still out of range is skipped.
        wrapped = range(max(self.start, -length), min(stop, 0))
        return [*wrapped, *range(max(self.start, 0), stop)]


class ScanToken(Token):
    """``..``: the next token applied at every level of the document, depth first."""

    def fragment(self) -> str:
        return ".."

    def token_definite(self) -> bool:
        return False

    def evaluate(self, current_path: str, model: Any, ctx: EvaluationContext) -> None:
        target = self.following()
        matches = _scan_predicate(target, ctx)
        # An explicit stack instead of recursion: documents can be nested deeper than Python's call stack.
        pending: list[tuple[str, Any]] = [(current_path, model)]
        while pending:
            path, node = pending.pop()
            if isinstance(node, dict):
                if matches(node):
                    target.evaluate(path, node, ctx)
                children = [(f"{path}['{name}']", value) for name, value in node.items()]
            elif isinstance(node, list):
                if matches(node):
                    if target.is_leaf():
                        target.evaluate(path, node, ctx)
                    else:
                        after = target.following()
                        for index, element in enumerate(node):
                            after.upstream_array_index = index
                            after.evaluate(f"{path}[{index}]", element, ctx)
                children = [(f"{path}[{index}]", element) for index, element in enumerate(node)]
            else:
                continue
            pending.extend(reversed(children))


def _scan_predicate(target: Token, ctx: EvaluationContext) -> Callable[[Any], bool]:
    """Which levels of the document the scan hands to its target."""
    if isinstance(target, PropertyToken):
        return lambda node: isinstance(node, dict) and (
            not target.token_definite() or all(name in node for name in target.properties))
    if isinstance(target, _ArrayToken):
        return lambda node: isinstance(node, list)
    if isinstance(target, WildcardToken):
        return lambda node: True
    if isinstance(target, FilterToken):
        return lambda node: target.accept(node, ctx)
    return lambda node: False


class FilterToken(Token):
    """``[?(...)]``: keeps the elements (or the object itself) its predicate accepts."""

    def __init__(self, predicates: list[Predicate]) -> None:
        super().__init__()
        self.predicates = predicates

    def fragment(self) -> str:
        return "[" + ",".join("?" for _ in self.predicates) + "]"

    def token_definite(self) -> bool:
        return False

    def accept(self, item: Any, ctx: EvaluationContext) -> bool:
        context = PredicateContext(item, ctx.root_document, ctx.options, ctx.document_cache)
        for predicate in self.predicates:
            try:
                if not predicate.apply(context):
                    return False
            except InvalidPath:
                return False
        return True

    def evaluate(self, current_path: str, model: Any, ctx: EvaluationContext) -> None:
        if isinstance(model, dict):
            if self.accept(model, ctx):
                if self.is_leaf():
                    ctx.add_result(current_path, model)
                else:
                    self.following().evaluate(current_path, model, ctx)
        elif isinstance(model, list):
            for index, item in enumerate(model):
                if self.accept(item, ctx):
                    self.handle_array_index(index, current_path, model, ctx)
        elif self.is_upstream_definite():
            raise InvalidPath(f"Filter: {self.text()} can not be applied to primitives. "
                              f"Current context is: {to_string(model)}")


class FunctionToken(Token):
    """``.length()``, ``.sum()``, ``.first()``...: looked up by name when evaluated, not when compiled."""

    def __init__(self, name: str, parameters: list[Any] | None) -> None:
        super().__init__()
        self.name = name
        self.parameters = parameters
        self._fragment = "." + name + ("(...)" if parameters else "()")

    def fragment(self) -> str:
        return self._fragment

    def token_definite(self) -> bool:
        return True

    def evaluate(self, current_path: str, model: Any, ctx: EvaluationContext) -> None:
        # Deferred import: the functions work on compiled paths and tokens themselves.
        from .functions import evaluate_parameters, lookup, unlink_first_wildcard

        function = lookup(self.name)
        evaluate_parameters(self.parameters, ctx)
        result = function(model, ctx, self.parameters)
        ctx.add_result(f"{current_path}.{self.name}", result)
        unlink_first_wildcard(self.parameters)
        if not self.is_leaf():
            self.following().evaluate(current_path, result, ctx)


class CompiledPath:
    """A whole compiled path (``CompiledPath``); ``$..x.fn()`` is turned into ``$.fn($..x)`` as Jayway does."""

    def __init__(self, root: RootToken, is_root_path: bool) -> None:
        self.root = _scan_into_function_argument(root)
        self.is_root_path = is_root_path

    def __str__(self) -> str:
        return self.root.text()

    def is_definite(self) -> bool:
        return self.root.is_path_definite()

    def is_function_path(self) -> bool:
        return self.root.is_function_path()

    def evaluate(self, document: Any, root_document: Any, options: frozenset[str]) -> EvaluationContext:
        ctx = EvaluationContext(self, root_document, options)
        self.root.evaluate("", document, ctx)
        return ctx


def _scan_into_function_argument(root: RootToken) -> RootToken:
    if not (root.is_function_path() and isinstance(root.following(), ScanToken)):
        return root
    from .functions import Parameter

    token: Token = root
    prior: Token = root
    while not isinstance(token := token.following(), FunctionToken):
        prior = token
    assert isinstance(token, FunctionToken)
    prior.next = None
    root.tail = prior
    token.parameters = [Parameter.of_path(CompiledPath(root, True))]
    function_root = RootToken("$")
    function_root.tail = token
    function_root.next = token
    return function_root
