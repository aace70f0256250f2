"""The search DSL: runs an OpenSearch ``_search`` body over the documents of one in-memory index.

``run_search`` parses the body the way OpenSearch's ``SearchSourceBuilder`` and query parsers do (same
error types and reasons; parse errors carry ``line``/``col`` like ``ParsingException``), evaluates the
query, sorts, pages, filters ``_source`` and renders the standard search response with the
``version``/``seq_no_primary_term`` hit fields ML Commons always turns on. Errors OpenSearch raises on
the shard (sorting a text field, a too-large result window, a bad ``minimum_should_match``) are only
raised when the index exists, wrapped in ``search_phase_execution_exception`` like OpenSearch does.

Known deviations from OpenSearch, chosen on purpose:

- Scores are not BM25. Every matching leaf query scores its ``boost`` (1.0 by default); ``bool`` sums
  its ``must`` and matching ``should`` scores (``filter``/``must_not`` add 0, so a filter-only bool
  scores 0.0 as in OpenSearch); ``constant_score`` scores its boost, ``dis_max`` takes the max plus
  ``tie_breaker`` times the rest. Without ``sort`` hits are ordered by score, ties in index order.
- There are no mappings. Field types are inferred: names in ``TEXT_FIELDS`` are ``text`` (analysed
  by an approximation of the standard analyzer: Unicode word runs, lower-cased) with an exact
  ``.keyword`` subfield; names in ``DATE_FIELDS`` are dates (epoch millis or ISO strings, date math
  on ``range`` bounds, UTC only); everything else is ``keyword``/numeric/boolean according to the
  stored JSON value. ``<field>.keyword`` means the exact value of any field. Queries that OpenSearch
  would reject for the field's type (``prefix`` on a number, ``term`` ``"abc"`` on a long) just match
  nothing; sorting on a field no document has sorts as keyword instead of failing as unmapped.
- ``match`` accepts and ignores ``analyzer`` and the options that only tune scoring or fuzzy expansion;
  ``fuzziness`` itself is refused. ``match_phrase`` accepts ``slop`` but needs the tokens contiguous.
- Parse-error positions are counted in the compact single-line JSON rendering of the parsed body
  (what opensearch-py sends); a pretty-printed request body has other real positions.
- The negative-boost reason renders the query compactly, not like ``QueryBuilder.toString``.
- ``_name`` is accepted, ``matched_queries`` are not reported. Filtered ``_source`` keeps the stored
  key order (OpenSearch emits Java HashMap order once any include/exclude applies).
"""

from __future__ import annotations

import calendar
import copy
import datetime as _dt
import functools
import json
import math
import re
import struct
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import OpenSearchError, illegal_argument, parse_exception
from ..javanumbers import java_double
from ..jsonlimits import JACKSON_SOURCE
from .fields import token_kind as _token
from .store import Document

# Fields the ML system-index mappings declare as ``text`` (with a ``.keyword`` subfield); the domain
# may add its own.
TEXT_FIELDS: set[str] = {"name", "description"}

# Fields the ML system-index mappings declare as ``date`` (stored as epoch millis).
DATE_FIELDS: set[str] = {
    "created_time", "last_updated_time", "last_registered_time", "last_deployed_time", "last_undeployed_time",
    "create_time", "last_update_time", "last_updated_at", "created_at",
}

MAX_RESULT_WINDOW = 10000
DEFAULT_TRACK_TOTAL_HITS = 10000
# The id the single emulated node reports in shard failures.
NODE_ID = "mlEmulatorNode00000001"

_INT_MAX = 2**31 - 1
_LONG_MAX = 2**63 - 1
_LONG_MIN = -(2**63)
_EMULATOR = "the ML Commons emulator"

SUPPORTED_QUERIES: frozenset[str] = frozenset({
    "match_all", "match_none", "term", "terms", "ids", "match", "match_phrase", "bool", "exists", "range",
    "prefix", "wildcard", "constant_score", "dis_max", "boosting",
})

# Query names a real OpenSearch cluster with the ML, k-NN and neural-search plugins registers and this
# emulator does not evaluate: they are refused as unsupported rather than unknown.
UNSUPPORTED_QUERIES: frozenset[str] = frozenset({
    "nested", "query_string", "simple_query_string", "multi_match", "fuzzy", "regexp", "script", "script_score",
    "function_score", "geo_distance", "geo_bounding_box", "geo_polygon", "geo_shape", "xy_shape",
    "more_like_this", "knn", "neural", "neural_sparse", "hybrid", "match_bool_prefix", "match_phrase_prefix",
    "terms_set", "intervals", "span_term", "span_first", "span_near", "span_or", "span_not", "span_containing",
    "span_within", "span_multi", "field_masking_span", "span_field_masking", "wrapper", "distance_feature",
    "rank_feature", "has_child", "has_parent", "parent_id", "percolate", "template", "combined_fields",
})

_ALL_QUERIES = SUPPORTED_QUERIES | UNSUPPORTED_QUERIES

# SearchSourceBuilder's keys by the token kind it accepts them with.
_VALUE_KEYS = frozenset({
    "from", "size", "timeout", "terminate_after", "min_score", "version", "seq_no_primary_term", "explain",
    "track_scores", "track_total_hits", "_source", "stored_fields", "sort", "profile", "search_pipeline",
    "include_named_queries_score", "verbose_pipeline",
})
_OBJECT_KEYS = frozenset({
    "query", "post_filter", "_source", "script_fields", "indices_boost", "aggregations", "aggs", "highlight",
    "suggest", "sort", "rescore", "ext", "slice", "collapse", "pit", "search_pipeline", "derived",
})
_ARRAY_KEYS = frozenset({
    "stored_fields", "docvalue_fields", "indices_boost", "sort", "rescore", "stats", "_source", "search_after",
    "fields", "derived",
})

_MISSING: Any = object()


# -- errors -------------------------------------------------------------------------------------------------


class XContentParseError(OpenSearchError):
    """``XContentParseException``: not an OpenSearch exception, but OpenSearch reports its parsing cause as root."""

    def __init__(self, reason: str, *, cause: OpenSearchError | None = None,
                 type: str = "x_content_parse_exception") -> None:
        super().__init__(reason, status=400, type=type, cause=cause, is_opensearch_exception=False)

    def root_causes(self) -> list[dict[str, Any]]:
        # OpenSearchException.guessRootCauses unwraps an XContentParseException whose cause is another one
        # or an OpenSearch exception.
        cause = self.cause
        if cause is not None and (isinstance(cause, XContentParseError) or cause.is_opensearch_exception):
            return cause.root_causes()
        return [self._fragment()]


class SearchPhaseExecutionError(OpenSearchError):
    """``search_phase_execution_exception`` "all shards failed" for the single shard of an index."""

    def __init__(self, index: str, shard_reason: OpenSearchError, cause: OpenSearchError | None = None) -> None:
        super().__init__(
            "all shards failed",
            status=shard_reason.status,
            type="search_phase_execution_exception",
            cause=cause or shard_reason,
            metadata={
                "phase": "query",
                "grouped": True,
                "failed_shards": [{"shard": 0, "index": index, "node": NODE_ID, "reason": shard_reason._caused_by()}],
            },
        )
        self.shard_reason = shard_reason

    def root_causes(self) -> list[dict[str, Any]]:
        return self.shard_reason.root_causes()


def _at(error: OpenSearchError, position: tuple[int, int]) -> OpenSearchError:
    """Remember where the parser stood, for the wrappers that report the same position."""
    error.parser_pos = position  # type: ignore[attr-defined]
    return error


def _number_format(text: str) -> OpenSearchError:
    """``Float.parseFloat``/``Double.parseDouble``'s NumberFormatException."""
    reason = "empty String" if not text.strip() else f'For input string: "{text}"'
    return OpenSearchError(reason, status=400, type="number_format_exception", is_opensearch_exception=False)


def _unsupported(what: str) -> OpenSearchError:
    return illegal_argument(f"{what} is not supported by {_EMULATOR}")


class _ShardError(Exception):
    """A failure OpenSearch only raises while executing on the shard (so never for a missing index)."""

    def __init__(self, error: OpenSearchError, cause: OpenSearchError | None = None) -> None:
        super().__init__(error.reason)
        self.error = error
        self.cause = cause


class _MsmError(ValueError):
    def __init__(self, type_: str, reason: str) -> None:
        super().__init__(reason)
        self.type = type_
        self.reason = reason


# -- JSON tokens and positions ------------------------------------------------------------------------------


def _is_value(value: Any) -> bool:
    """``Token.isValue()``: strings, numbers and booleans (not null)."""
    return isinstance(value, (str, int, float))


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _size(value: Any) -> int:
    return len(_compact(value).encode("utf-8", "surrogatepass"))


def _offset(node: Any, path: tuple[Any, ...], kind: str) -> int:
    """Byte offset of a token inside the compact rendering of ``node``."""
    if not path:
        return 0 if kind == "value" else max(_size(node) - 1, 0)
    step, rest = path[0], path[1:]
    pos = 1
    if isinstance(node, dict):
        for key, value in node.items():
            if key == step:
                if not rest and kind == "key":
                    return pos
                pos += _size(key) + 1
                return pos + _offset(value, rest, kind)
            pos += _size(key) + 1 + _size(value) + 1
    elif isinstance(node, (list, tuple)) and isinstance(step, int):
        for index, value in enumerate(node):
            if index == step:
                return pos + _offset(value, rest, kind)
            pos += _size(value) + 1
    return 0


def _java_text(value: Any) -> str:
    """How Java renders a parsed JSON scalar with ``toString``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_double(value)
    return str(value)


def _f32(value: float) -> float:
    """The value a Java ``float`` holds, printed with the fewest digits that identify it (``Float.toString``)."""
    try:
        packed = struct.pack("f", value)
    except (OverflowError, struct.error):
        return math.copysign(math.inf, value)
    single = struct.unpack("f", packed)[0]
    if math.isinf(single) or math.isnan(single):
        return single
    for precision in range(1, 10):
        candidate = float(f"{single:.{precision}g}")
        if struct.pack("f", candidate) == packed:
            return candidate
    return single


_JAVA_FLOAT = re.compile(r"[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)")
_JAVA_INT = re.compile(r"[+-]?\d+")


def _java_parse_double(text: str) -> float | None:
    stripped = text.strip(" \t\n\r\x0b\x0c\x00")
    if not _JAVA_FLOAT.fullmatch(stripped):
        return None
    stripped = stripped.rstrip("fFdD") if not stripped.endswith("Infinity") else stripped
    try:
        return float(stripped)
    except (ValueError, OverflowError):
        return None


def _java_parse_int(text: str) -> int:
    """``Integer.parseInt``; raises ``ValueError`` like Java's NumberFormatException."""
    if not _JAVA_INT.fullmatch(text):
        raise ValueError(text)
    number = int(text)
    if not -(2**31) <= number <= _INT_MAX:
        raise ValueError(text)
    return number


# -- the analyzer and date handling ---------------------------------------------------------------------------

# Word runs of the standard tokenizer, roughly UAX#29: letters/digits/underscores, joined across '.' or "'"
# between letters and across '.' or ',' between digits.
_WORD = re.compile(r"\w+(?:(?:(?<=[^\W\d_])[.'’](?=[^\W\d_])|(?<=\d)[.,](?=\d))\w+)*")


def analyze(text: str) -> list[str]:
    """Tokens of the standard analyzer (approximation): word runs, lower-cased."""
    return [token.lower() for token in _WORD.findall(text) if token.strip("_")]


_ISO = re.compile(
    r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,9}))?)?)?)?)?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?"
)
_UNIT_MS = {"s": 1000, "m": 60_000, "h": 3_600_000, "H": 3_600_000, "d": 86_400_000, "w": 7 * 86_400_000}


def _parse_iso(text: str, round_up: bool) -> int | None:
    match = _ISO.fullmatch(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        parts = [int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0), int(second or 0)]
        millis = int((fraction or "0").ljust(3, "0")[:3])
        stamp = _dt.datetime(*parts, tzinfo=_dt.UTC)
    except ValueError:
        return None
    result = calendar.timegm(stamp.timetuple()) * 1000 + millis
    if round_up:
        # The round-up parser fills the fields the text left out with their maximum.
        if month is None:
            result = _add_months(result, 12) - 1
        elif day is None:
            result = _add_months(result, 1) - 1
        elif hour is None:
            result += 86_400_000 - 1
        elif minute is None:
            result += 3_600_000 - 1
        elif second is None:
            result += 60_000 - 1
        elif fraction is None:
            result += 999
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
        result -= sign * offset * 60_000
    return result


def _add_months(millis: int, months: int) -> int:
    stamp = _dt.datetime.fromtimestamp(millis / 1000, tz=_dt.UTC)
    total = stamp.year * 12 + stamp.month - 1 + months
    year, month = divmod(total, 12)
    day = min(stamp.day, calendar.monthrange(year, month + 1)[1])
    moved = stamp.replace(year=year, month=month + 1, day=day)
    return int(calendar.timegm(moved.timetuple()) * 1000 + millis % 1000)


def _round_down(millis: int, unit: str) -> int:
    stamp = _dt.datetime.fromtimestamp(millis / 1000, tz=_dt.UTC)
    if unit == "y":
        stamp = stamp.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    elif unit == "M":
        stamp = stamp.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    elif unit == "w":
        stamp = (stamp - _dt.timedelta(days=stamp.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    elif unit == "d":
        stamp = stamp.replace(hour=0, minute=0, second=0, microsecond=0)
    elif unit in ("h", "H"):
        stamp = stamp.replace(minute=0, second=0, microsecond=0)
    elif unit == "m":
        stamp = stamp.replace(second=0, microsecond=0)
    else:
        stamp = stamp.replace(microsecond=0)
    return calendar.timegm(stamp.timetuple()) * 1000


def _apply_math(millis: int, math_text: str, round_up: bool) -> int | None:
    index = 0
    while index < len(math_text):
        op = math_text[index]
        index += 1
        if op == "/":
            if index >= len(math_text):
                return None
            unit = math_text[index]
            index += 1
            if unit not in "yMwdhHms":
                return None
            start = _round_down(millis, unit)
            if round_up:
                start = _add_months(start, 12 if unit == "y" else 1) if unit in "yM" else start + _UNIT_MS[unit]
                start -= 1
            millis = start
            continue
        if op not in "+-":
            return None
        digits = re.match(r"\d*", math_text[index:]).group(0)  # type: ignore[union-attr]
        index += len(digits)
        amount = int(digits) if digits else 1
        if index >= len(math_text) or math_text[index] not in "yMwdhHms":
            return None
        unit = math_text[index]
        index += 1
        amount = amount if op == "+" else -amount
        if unit == "y":
            millis = _add_months(millis, 12 * amount)
        elif unit == "M":
            millis = _add_months(millis, amount)
        else:
            millis += amount * _UNIT_MS[unit]
    return millis


def _date_millis(value: Any, round_up: bool = False) -> int | None:
    """Epoch millis of a date value or bound (``strict_date_optional_time||epoch_millis`` plus date math)."""
    try:
        return _date_millis_unchecked(value, round_up)
    except (ValueError, OverflowError, OSError):
        # Out of the calendar's range: OpenSearch fails to parse such a date, here it just matches nothing.
        return None


def _date_millis_unchecked(value: Any, round_up: bool) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith("now"):
        return _apply_math(int(time.time() * 1000), text[3:], round_up)
    if "||" in text:
        anchor_text, _, math_text = text.partition("||")
        anchor = _date_millis_unchecked(anchor_text, False)
        return None if anchor is None else _apply_math(anchor, math_text, round_up)
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        number = float(text)
        return int(number) if math.isfinite(number) else None
    return _parse_iso(text, round_up)


# -- minimum_should_match ---------------------------------------------------------------------------------------


def _to_f32(value: float) -> float:
    try:
        return struct.unpack("f", struct.pack("f", value))[0]
    except (OverflowError, struct.error):
        return math.copysign(math.inf, value)


def calculate_min_should_match(optional: int, spec: str) -> int:
    """``Queries.calculateMinShouldMatch``; raises ``_MsmError`` where Java throws."""
    result = optional
    spec = spec.strip()
    if "<" in spec:
        spec = re.sub(r"(\s+<\s*)|(\s*<\s+)", "<", spec)
        for part in _java_split(spec, " "):
            pieces = _java_split(part, "<")
            if not pieces:
                raise _MsmError("array_index_out_of_bounds_exception", "Index 0 out of bounds for length 0")
            upper = _msm_int(pieces[0])
            if optional <= upper:
                return result
            if len(pieces) < 2:
                raise _MsmError("array_index_out_of_bounds_exception",
                                f"Index 1 out of bounds for length {len(pieces)}")
            result = calculate_min_should_match(optional, pieces[1])
        return result
    if "%" in spec:
        percent = _msm_int(spec[:-1])
        calc = _to_f32(_to_f32(float(result * percent)) * _to_f32(1 / 100))
        result = result + int(calc) if calc < 0 else int(calc)
    else:
        calc_int = _msm_int(spec)
        result = result + calc_int if calc_int < 0 else calc_int
    return max(result, 0)


def _java_split(text: str, sep: str) -> list[str]:
    parts = text.split(sep)
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def _msm_int(text: str) -> int:
    try:
        return _java_parse_int(text)
    except ValueError:
        raise _MsmError("number_format_exception", f'For input string: "{text}"') from None


# -- documents ------------------------------------------------------------------------------------------------


def _split_field(name: str) -> tuple[str, bool]:
    """(source path, analysed?) of a query field name."""
    if name.endswith(".keyword") and len(name) > len(".keyword"):
        return name[: -len(".keyword")], False
    return name, name in TEXT_FIELDS


class _DocView:
    """One candidate document with cached field lookups."""

    __slots__ = ("doc", "index", "pos", "_values")

    def __init__(self, doc: Document, index: str, pos: int) -> None:
        self.doc = doc
        self.index = index
        self.pos = pos
        self._values: dict[str, list[Any]] = {}

    def values(self, path: str) -> list[Any]:
        """Non-null scalar values at a dotted path, arrays flattened (multi-value semantics)."""
        cached = self._values.get(path)
        if cached is None:
            if path == "_id":
                cached = [self.doc.id]
            elif path == "_index":
                cached = [self.index]
            else:
                cached = []
                _collect(self.doc.source, path.split("."), 0, cached)
            self._values[path] = cached
        return cached

    def exists(self, path: str) -> bool:
        if path in ("_id", "_index"):
            return True
        if "*" in path:
            pattern = _glob_regex(path)
            return any(pattern.fullmatch(p) for p in _leaf_paths(self.doc.source, ""))
        return _has_leaf_at(self.doc.source, path.split("."), 0)


def _collect(node: Any, parts: list[str], index: int, out: list[Any]) -> None:
    if isinstance(node, list):
        for item in node:
            _collect(item, parts, index, out)
        return
    if index == len(parts):
        if node is not None and not isinstance(node, dict):
            out.append(node)
        return
    if isinstance(node, dict):
        # A source key may itself contain dots ("a.b": 1 is the field a.b).
        for end in range(index + 1, len(parts) + 1):
            key = ".".join(parts[index:end])
            if key in node:
                _collect(node[key], parts, end, out)


def _has_leaf(node: Any) -> bool:
    if isinstance(node, dict):
        return any(_has_leaf(value) for value in node.values())
    if isinstance(node, list):
        return any(_has_leaf(value) for value in node)
    return node is not None


def _has_leaf_at(node: Any, parts: list[str], index: int) -> bool:
    if isinstance(node, list):
        return any(_has_leaf_at(item, parts, index) for item in node)
    if index == len(parts):
        return _has_leaf(node)
    if isinstance(node, dict):
        for end in range(index + 1, len(parts) + 1):
            key = ".".join(parts[index:end])
            if key in node and _has_leaf_at(node[key], parts, end):
                return True
    return False


def _leaf_paths(node: Any, prefix: str) -> Iterable[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if _has_leaf(value):
                yield path
                yield from _leaf_paths(value, path)
    elif isinstance(node, list):
        for value in node:
            yield from _leaf_paths(value, prefix)


class _Wildcard:
    """A ``*``/``?`` pattern matched by simulating its automaton (linear, like Lucene), never by backtracking."""

    def __init__(self, tokens: list[str | None]) -> None:
        # "*" (any run), "?" (any one character) or "=c" (the literal character c)
        self.tokens = tokens

    def fullmatch(self, text: str) -> bool:
        tokens = self.tokens
        states = self._close({0})
        for char in text:
            following = set()
            for state in states:
                if state < len(tokens):
                    kind = tokens[state]
                    if kind == "*":
                        following.add(state)
                    elif kind == "?" or kind == "=" + char:
                        following.add(state + 1)
            if not following:
                return False
            states = self._close(following)
        return len(tokens) in states

    def _close(self, states: set[int]) -> set[int]:
        closed = set(states)
        for state in sorted(states):
            while state < len(self.tokens) and self.tokens[state] == "*":
                state += 1
                closed.add(state)
        return closed


def _glob_regex(pattern: str) -> _Wildcard:
    """A field-name pattern: ``*`` matches anything, everything else is literal."""
    return _Wildcard(["*" if ch == "*" else "=" + ch for ch in pattern])


def _wildcard_regex(pattern: str) -> _Wildcard:
    """The ``wildcard`` query's pattern: ``*``, ``?`` and ``\\`` escapes."""
    tokens: list[str | None] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            tokens.append("=" + pattern[index + 1])
            index += 2
            continue
        tokens.append(char if char in "*?" else "=" + char)
        index += 1
    return _Wildcard(tokens)


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    return None


def _as_number(value: Any) -> int | float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _JAVA_INT.fullmatch(text):
            try:
                return int(text)
            except ValueError:
                return None
        return _java_parse_double(text)
    return None


def _terms_of(view: _DocView, path: str, analysed: bool) -> list[Any]:
    """The indexed terms of a field: tokens for text fields, the raw values otherwise."""
    values = view.values(path)
    if not analysed:
        return values
    tokens: list[Any] = []
    for value in values:
        tokens.extend(analyze(value if isinstance(value, str) else _java_text(value)))
    return tokens


def _term_equals(doc_value: Any, query_value: Any, analysed: bool, case_insensitive: bool) -> bool:
    if analysed or isinstance(doc_value, str):
        if isinstance(query_value, (dict, list)) or query_value is None:
            return False
        left, right = str(doc_value), _java_text(query_value)
        if case_insensitive:
            return left.lower() == right.lower()
        return left == right
    if isinstance(doc_value, bool):
        wanted = _as_bool(query_value)
        return wanted is not None and wanted == doc_value
    if isinstance(doc_value, (int, float)):
        number = _as_number(query_value)
        return number is not None and number == doc_value
    return False


def _compare(left: Any, right: Any) -> int:
    """A total order over scalars: numbers (booleans as 0/1) before strings."""
    left_key, right_key = _order_key(left), _order_key(right)
    return (left_key > right_key) - (left_key < right_key)


def _order_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, (int, float)):
        return (0, value) if not (isinstance(value, float) and math.isnan(value)) else (0, math.inf)
    if isinstance(value, str):
        return (1, value)
    return (2, _compact(value))


# -- query nodes ------------------------------------------------------------------------------------------------


class _Context:
    """What preparing a query on the shard needs."""

    def __init__(self, index: str, index_uuid: str) -> None:
        self.index = index
        self.index_uuid = index_uuid

    def msm(self, optional: int, spec: str) -> int:
        try:
            return calculate_min_should_match(optional, spec)
        except _MsmError as error:
            cause = OpenSearchError(error.reason, status=400 if error.type == "number_format_exception" else 500,
                                    type=error.type, is_opensearch_exception=False)
            shard = OpenSearchError(
                f"failed to create query: {error.reason}", status=400, type="query_shard_exception", cause=cause,
                metadata={"index_uuid": self.index_uuid, "index": self.index},
            )
            raise _ShardError(shard) from None


class _Node:
    boost: float = 1.0

    def prepare(self, ctx: _Context, filter_ctx: bool) -> None:
        """Shard-level preparation (``toQuery``); ``filter_ctx`` is ``QueryShardContext.isFilter``."""

    def score(self, view: _DocView) -> float | None:
        """The score of a matching document, None when it does not match."""
        raise NotImplementedError


class _MatchAll(_Node):
    def __init__(self, boost: float) -> None:
        self.boost = boost

    def score(self, view: _DocView) -> float | None:
        return self.boost


class _MatchNone(_Node):
    def score(self, view: _DocView) -> float | None:
        return None


class _Ids(_Node):
    def __init__(self, values: list[str], boost: float) -> None:
        self.values = set(values)
        self.boost = boost

    def score(self, view: _DocView) -> float | None:
        return self.boost if view.doc.id in self.values else None


class _FieldNode(_Node):
    def __init__(self, field_name: str, boost: float) -> None:
        self.field = field_name
        self.path, self.analysed = _split_field(field_name)
        self.boost = boost


class _Term(_FieldNode):
    def __init__(self, field_name: str, values: list[Any], boost: float, case_insensitive: bool = False) -> None:
        super().__init__(field_name, boost)
        self.values = values
        self.case_insensitive = case_insensitive

    def score(self, view: _DocView) -> float | None:
        for doc_value in _terms_of(view, self.path, self.analysed):
            for wanted in self.values:
                if _term_equals(doc_value, wanted, self.analysed, self.case_insensitive):
                    return self.boost
        return None


class _Match(_FieldNode):
    def __init__(self, field_name: str, query: Any, boost: float, operator: str, msm: str | None,
                 zero_terms_all: bool) -> None:
        super().__init__(field_name, boost)
        self.query = query
        self.operator = operator
        self.msm_spec = msm
        self.zero_terms_all = zero_terms_all
        self.tokens: list[str] = []
        self.required = 1

    def prepare(self, ctx: _Context, filter_ctx: bool) -> None:
        if not self.analysed:
            return
        self.tokens = analyze(_java_text(self.query))
        if self.operator == "and":
            self.required = len(self.tokens)
        elif self.msm_spec is not None and len(self.tokens) > 1:
            # Only a multi-term disjunction is a BooleanQuery that minimum_should_match applies to.
            self.required = max(ctx.msm(len(self.tokens), self.msm_spec), 1)

    def score(self, view: _DocView) -> float | None:
        if not self.analysed:
            for doc_value in view.values(self.path):
                if _term_equals(doc_value, self.query, False, False):
                    return self.boost
            return None
        if not self.tokens:
            return self.boost if self.zero_terms_all else None
        present = set(_terms_of(view, self.path, True))
        hits = sum(1 for token in self.tokens if token in present)
        return self.boost if hits >= self.required and hits > 0 else None


class _MatchPhrase(_FieldNode):
    def __init__(self, field_name: str, query: Any, boost: float, zero_terms_all: bool) -> None:
        super().__init__(field_name, boost)
        self.query = query
        self.zero_terms_all = zero_terms_all
        self.tokens = analyze(_java_text(query)) if self.analysed else []

    def score(self, view: _DocView) -> float | None:
        if not self.analysed:
            for doc_value in view.values(self.path):
                if _term_equals(doc_value, self.query, False, False):
                    return self.boost
            return None
        if not self.tokens:
            return self.boost if self.zero_terms_all else None
        width = len(self.tokens)
        for value in view.values(self.path):
            tokens = analyze(value if isinstance(value, str) else _java_text(value))
            for start in range(len(tokens) - width + 1):
                if tokens[start:start + width] == self.tokens:
                    return self.boost
        return None


class _Prefix(_FieldNode):
    def __init__(self, field_name: str, value: str, boost: float, case_insensitive: bool, wildcard: bool) -> None:
        super().__init__(field_name, boost)
        self.value = value.lower() if case_insensitive else value
        self.case_insensitive = case_insensitive
        self.pattern = _wildcard_regex(self.value) if wildcard else None

    def score(self, view: _DocView) -> float | None:
        for doc_value in _terms_of(view, self.path, self.analysed):
            if not isinstance(doc_value, str):
                continue
            text = doc_value.lower() if self.case_insensitive else doc_value
            if self.pattern is not None:
                if self.pattern.fullmatch(text):
                    return self.boost
            elif text.startswith(self.value):
                return self.boost
        return None


class _Exists(_FieldNode):
    def score(self, view: _DocView) -> float | None:
        return self.boost if view.exists(self.path) else None


class _Range(_FieldNode):
    def __init__(self, field_name: str, lower: Any, include_lower: bool, upper: Any, include_upper: bool,
                 boost: float) -> None:
        super().__init__(field_name, boost)
        self.lower, self.include_lower = lower, include_lower
        self.upper, self.include_upper = upper, include_upper
        self.is_date = self.path in DATE_FIELDS
        self.date_lower: int | None = None
        self.date_upper: int | None = None

    def prepare(self, ctx: _Context, filter_ctx: bool) -> None:
        if self.is_date:
            # DateFieldType.rangeQuery: gt/lte bounds round up, exclusive bounds then step by one milli.
            if self.lower is not None:
                millis = _date_millis(self.lower, round_up=not self.include_lower)
                self.date_lower = None if millis is None else millis + (0 if self.include_lower else 1)
            if self.upper is not None:
                millis = _date_millis(self.upper, round_up=self.include_upper)
                self.date_upper = None if millis is None else millis - (0 if self.include_upper else 1)

    def _in_range(self, value: Any) -> bool:
        if self.is_date:
            millis = _date_millis(value)
            if millis is None:
                return False
            if self.lower is not None and (self.date_lower is None or millis < self.date_lower):
                return False
            return not (self.upper is not None and (self.date_upper is None or millis > self.date_upper))
        if isinstance(value, bool):
            lower = None if self.lower is None else _as_bool(self.lower)
            upper = None if self.upper is None else _as_bool(self.upper)
            if (self.lower is not None and lower is None) or (self.upper is not None and upper is None):
                return False
            return self._check(int(value), None if lower is None else int(lower), None if upper is None else int(upper))
        if isinstance(value, (int, float)):
            lower_number = None if self.lower is None else _as_number(self.lower)
            upper_number = None if self.upper is None else _as_number(self.upper)
            if (self.lower is not None and lower_number is None) or (self.upper is not None and upper_number is None):
                return False
            return self._check(value, lower_number, upper_number)
        if isinstance(value, str):
            lower_text = None if self.lower is None else _java_text(self.lower)
            upper_text = None if self.upper is None else _java_text(self.upper)
            return self._check(value, lower_text, upper_text)
        return False

    def _check(self, value: Any, lower: Any, upper: Any) -> bool:
        if lower is not None:
            if value < lower or (value == lower and not self.include_lower):
                return False
        if upper is not None:
            if value > upper or (value == upper and not self.include_upper):
                return False
        return True

    def score(self, view: _DocView) -> float | None:
        if self.is_date:
            candidates = view.values(self.path)
        else:
            candidates = _terms_of(view, self.path, self.analysed)
        for value in candidates:
            if self._in_range(value):
                return self.boost
        return None


class _Bool(_Node):
    def __init__(self) -> None:
        self.must: list[_Node] = []
        self.filter: list[_Node] = []
        self.should: list[_Node] = []
        self.must_not: list[_Node] = []
        self.msm_spec: str | None = None
        self.adjust_pure_negative = True
        self.boost = 1.0
        self.required_should = 0
        self.empty = False

    def prepare(self, ctx: _Context, filter_ctx: bool) -> None:
        for clause in self.must + self.should:
            clause.prepare(ctx, filter_ctx)
        for clause in self.filter + self.must_not:
            clause.prepare(ctx, True)
        self.empty = not (self.must or self.filter or self.should or self.must_not)
        if self.empty:
            return
        spec = "1" if filter_ctx and self.msm_spec is None and self.should else self.msm_spec
        msm = ctx.msm(len(self.should), spec) if spec is not None else 0
        if msm <= 0 and self.should and not self.must and not self.filter:
            # Lucene: a query without required clauses needs one of its optional clauses.
            msm = 1
        self.required_should = msm

    def score(self, view: _DocView) -> float | None:
        if self.empty:
            return self.boost
        total = 0.0
        for clause in self.must:
            clause_score = clause.score(view)
            if clause_score is None:
                return None
            total += clause_score
        for clause in self.filter:
            if clause.score(view) is None:
                return None
        for clause in self.must_not:
            if clause.score(view) is not None:
                return None
        matched = 0
        for clause in self.should:
            clause_score = clause.score(view)
            if clause_score is not None:
                matched += 1
                total += clause_score
        if matched < self.required_should:
            return None
        if not (self.must or self.filter or self.should) and not self.adjust_pure_negative:
            return None
        return total * self.boost


class _ConstantScore(_Node):
    def __init__(self, inner: _Node, boost: float) -> None:
        self.inner = inner
        self.boost = boost

    def prepare(self, ctx: _Context, filter_ctx: bool) -> None:
        self.inner.prepare(ctx, True)

    def score(self, view: _DocView) -> float | None:
        return self.boost if self.inner.score(view) is not None else None


class _DisMax(_Node):
    def __init__(self, queries: list[_Node], tie_breaker: float, boost: float) -> None:
        self.queries = queries
        self.tie_breaker = tie_breaker
        self.boost = boost

    def prepare(self, ctx: _Context, filter_ctx: bool) -> None:
        for query in self.queries:
            query.prepare(ctx, filter_ctx)

    def score(self, view: _DocView) -> float | None:
        scores = [s for s in (query.score(view) for query in self.queries) if s is not None]
        if not scores:
            return None
        best = max(scores)
        return (best + self.tie_breaker * (sum(scores) - best)) * self.boost


class _Boosting(_Node):
    def __init__(self, positive: _Node, negative: _Node, negative_boost: float, boost: float) -> None:
        self.positive = positive
        self.negative = negative
        self.negative_boost = negative_boost
        self.boost = boost

    def prepare(self, ctx: _Context, filter_ctx: bool) -> None:
        self.positive.prepare(ctx, filter_ctx)
        self.negative.prepare(ctx, filter_ctx)

    def score(self, view: _DocView) -> float | None:
        positive = self.positive.score(view)
        if positive is None:
            return None
        if self.negative.score(view) is not None:
            positive *= self.negative_boost
        return positive * self.boost


# -- sorting ------------------------------------------------------------------------------------------------------


@dataclass
class _Sort:
    kind: str  # "score", "doc" or "field"
    field: str = ""
    desc: bool = False
    missing: Any = "_last"
    mode: str | None = None


def _sort_value(spec: _Sort, view: _DocView, score: float) -> Any:
    """The raw per-document sort value, ``_MISSING`` when the document has none."""
    if spec.kind == "score":
        return score
    if spec.kind == "doc":
        return view.pos
    path, _ = _split_field(spec.field)
    values = view.values(path)
    if path in DATE_FIELDS:
        values = [m for m in (_date_millis(v) for v in values) if m is not None]
    values = [int(v) if isinstance(v, bool) else v for v in values]
    if not values:
        return _MISSING
    mode = spec.mode or ("max" if spec.desc else "min")
    numbers = [v for v in values if isinstance(v, (int, float))]
    if mode in ("sum", "avg", "median") and len(numbers) == len(values):
        if mode == "sum":
            return sum(numbers)
        if mode == "avg":
            return sum(numbers) / len(numbers)
        ordered = sorted(numbers)
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    key = functools.cmp_to_key(_compare)
    return max(values, key=key) if mode == "max" else min(values, key=key)


# -- _source filtering --------------------------------------------------------------------------------------------


_MAX_REMEMBERED_STEPS = 20_000


class _Glob:
    """A union of simple-match patterns (``*`` only) stepped a character at a time, like a run automaton."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = list(patterns)
        self.initial = self._closure({(i, 0) for i in range(len(self.patterns))})
        # Every hit steps through the same field names: remember each (state, name) transition.
        self._steps: dict[tuple[frozenset[tuple[int, int]], str], frozenset[tuple[int, int]]] = {}

    def _closure(self, states: set[tuple[int, int]]) -> frozenset[tuple[int, int]]:
        out = set(states)
        stack = list(states)
        while stack:
            index, pos = stack.pop()
            pattern = self.patterns[index]
            if pos < len(pattern) and pattern[pos] == "*" and (index, pos + 1) not in out:
                out.add((index, pos + 1))
                stack.append((index, pos + 1))
        return frozenset(out)

    def step(self, states: frozenset[tuple[int, int]], text: str) -> frozenset[tuple[int, int]]:
        known = self._steps.get((states, text))
        if known is None:
            if len(self._steps) > _MAX_REMEMBERED_STEPS:
                self._steps.clear()  # documents with ever new field names must not grow it without bound
            known = self._steps[(states, text)] = self._step(states, text)
        return known

    def _step(self, states: frozenset[tuple[int, int]], text: str) -> frozenset[tuple[int, int]]:
        for char in text:
            if not states:
                return states
            moved: set[tuple[int, int]] = set()
            for index, pos in states:
                pattern = self.patterns[index]
                if pos < len(pattern):
                    if pattern[pos] == "*":
                        moved.add((index, pos))
                    elif pattern[pos] == char:
                        moved.add((index, pos + 1))
            states = self._closure(moved)
        return states

    def accepts(self, states: frozenset[tuple[int, int]]) -> bool:
        return any(pos == len(self.patterns[index]) for index, pos in states)


@functools.lru_cache(maxsize=256)
def _glob(patterns: tuple[str, ...]) -> _Glob:
    return _Glob(patterns)


def _field_patterns(paths: Sequence[str]) -> list[str]:
    # An object path also matches everything under it.
    out: list[str] = []
    for path in paths:
        out.extend((path, path + ".*"))
    return out


def filter_source(source: dict[str, Any], includes: Sequence[str], excludes: Sequence[str]) -> dict[str, Any]:
    """``XContentMapValues.filter``: keep the included, drop the excluded dotted paths (``*`` wildcards)."""
    if not includes and not excludes:
        return copy.deepcopy(source)
    match_all = _glob(("*",))
    include = _glob(tuple(_field_patterns(includes))) if includes else match_all
    exclude = _glob(tuple(_field_patterns(excludes)))
    return copy.deepcopy(_filter_map(source, include, include.initial, exclude, exclude.initial, match_all))


def _filter_map(source: dict[str, Any], include: _Glob, include_state: frozenset[tuple[int, int]], exclude: _Glob,
                exclude_state: frozenset[tuple[int, int]], match_all: _Glob) -> dict[str, Any]:
    filtered: dict[str, Any] = {}
    for key, value in source.items():
        key_text = str(key)
        key_include = include.step(include_state, key_text)
        if not key_include:
            continue
        key_exclude = exclude.step(exclude_state, key_text) if exclude_state else exclude_state
        if key_exclude and exclude.accepts(key_exclude):
            continue
        sub_include, sub_state = include, key_include
        if include.accepts(key_include):
            if not key_exclude or not exclude.step(key_exclude, "."):
                # No exclude can match below this key.
                filtered[key] = value
                continue
            sub_include, sub_state = match_all, match_all.initial
        if isinstance(value, dict):
            sub_state = sub_include.step(sub_state, ".")
            if not sub_state:
                continue
            inner_exclude = exclude.step(key_exclude, ".") if key_exclude else key_exclude
            inner = _filter_map(value, sub_include, sub_state, exclude, inner_exclude, match_all)
            if include.accepts(key_include) or inner:
                filtered[key] = inner
        elif isinstance(value, list):
            items = _filter_list(value, sub_include, sub_state, exclude, key_exclude, match_all)
            if include.accepts(key_include) or items:
                filtered[key] = items
        elif include.accepts(key_include) and not (key_exclude and exclude.accepts(key_exclude)):
            filtered[key] = value
    return filtered


def _filter_list(items: list[Any], include: _Glob, include_state: frozenset[tuple[int, int]], exclude: _Glob,
                 exclude_state: frozenset[tuple[int, int]], match_all: _Glob) -> list[Any]:
    filtered: list[Any] = []
    accepted = include.accepts(include_state)
    for item in items:
        if isinstance(item, dict):
            inner_include = include.step(include_state, ".")
            inner_exclude = exclude.step(exclude_state, ".") if exclude_state else exclude_state
            inner = {}
            if inner_include:
                inner = _filter_map(item, include, inner_include, exclude, inner_exclude, match_all)
            if inner:
                filtered.append(inner)
        elif isinstance(item, list):
            inner_list = _filter_list(item, include, include_state, exclude, exclude_state, match_all)
            if inner_list:
                filtered.append(inner_list)
        elif accepted:
            filtered.append(item)
    return filtered


# -- the request ------------------------------------------------------------------------------------------------


@dataclass
class _Request:
    query: _Node | None = None
    post_filter: _Node | None = None
    from_: int = 0
    size: int = 10
    sort: list[_Sort] | None = None
    fetch_source: bool | None = None
    includes: list[str] = field(default_factory=list)
    excludes: list[str] = field(default_factory=list)
    track_total_hits: int = DEFAULT_TRACK_TOTAL_HITS
    track_scores: bool = False
    min_score: float | None = None
    terminate_after: int = 0


_Path = tuple[Any, ...]


class _Parser:
    """Parses one request body; every error names the position of the token the Java parser stood on."""

    max_depth = 100

    def __init__(self, body: Any) -> None:
        self.body = body
        self.depth = 0

    # -- positions and errors --

    def loc(self, path: _Path, kind: str = "value") -> tuple[int, int]:
        try:
            return 1, _offset(self.body, path, kind) + 1
        except (TypeError, ValueError, RecursionError):
            return 1, 1

    def parsing(self, reason: str, path: _Path, kind: str = "value",
                cause: OpenSearchError | None = None) -> OpenSearchError:
        line, col = self.loc(path, kind)
        error = OpenSearchError(reason, status=400, type="parsing_exception", cause=cause,
                                metadata={"line": line, "col": col})
        return _at(error, (line, col))

    def xcontent(self, reason: str, path: _Path, kind: str = "value", cause: OpenSearchError | None = None,
                 type: str = "x_content_parse_exception") -> XContentParseError:
        line, col = self.loc(path, kind)
        error = XContentParseError(f"[{line}:{col}] {reason}", cause=cause, type=type)
        # ObjectParser reports an unknown field at its name, but the parser has moved on to the value.
        return _at(error, self.loc(path) if kind == "key" else (line, col))

    def position(self, error: OpenSearchError, fallback: _Path, kind: str) -> tuple[int, int]:
        """Where the Java parser stood when ``error`` was thrown."""
        return getattr(error, "parser_pos", None) or self.loc(fallback, kind)

    def wrap_object_parser(self, error: OpenSearchError, path: _Path) -> OpenSearchError:
        # match_all and ids rethrow ObjectParser failures as a ParsingException with the same message.
        line, col = self.position(error, path, "value")
        wrapped = OpenSearchError(error.reason, status=400, type="parsing_exception", cause=error,
                                  metadata={"line": line, "col": col})
        return _at(wrapped, (line, col))

    def no_text(self, value: Any, path: _Path) -> OpenSearchError:
        line, col = self.loc(path)
        return OpenSearchError(f"Can't get text on a {_token(value)} at {line}:{col}", status=500,
                               type="illegal_state_exception", is_opensearch_exception=False)

    def jackson(self, reason: str, value: Any, path: _Path) -> OpenSearchError:
        line, col = self.loc(path)
        col += _size(value)
        return OpenSearchError(
            f"{reason}\n at [Source: {JACKSON_SOURCE}; "
            f"line: {line}, column: {col}]",
            status=400, type="json_parse_exception", is_opensearch_exception=False,
        )

    # -- scalar readers, as XContentParser reads a value token --

    def text(self, value: Any, path: _Path) -> str:
        if isinstance(value, (str, int, float)):
            return value if isinstance(value, str) else _java_text(value)
        raise self.no_text(value, path)

    def float_(self, value: Any, path: _Path) -> float:
        if isinstance(value, bool):
            raise self.jackson(f"Current token ({'VALUE_TRUE' if value else 'VALUE_FALSE'}) not numeric, can not use "
                               "numeric value accessors", value, path)
        if isinstance(value, (int, float)):
            try:
                return float(value)
            except OverflowError:
                return math.inf
        if isinstance(value, str):
            number = _java_parse_double(value)
            if number is None:
                raise _number_format(value)
            return _f32(number)
        raise self.jackson(f"Current token ({_token(value)}) not numeric, can not use numeric value accessors",
                           value, path)

    def int_(self, value: Any, path: _Path) -> int:
        if isinstance(value, bool):
            raise self.jackson(f"Current token ({'VALUE_TRUE' if value else 'VALUE_FALSE'}) not numeric, can not use "
                               "numeric value accessors", value, path)
        if isinstance(value, str):
            number = _java_parse_double(value)
            if number is None:
                raise _number_format(value)
            if math.isnan(number) or not -(2**31) <= number <= _INT_MAX:
                raise illegal_argument(f"Value [{value}] is out of range for an integer")
            return int(number)
        if isinstance(value, (int, float)):
            if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
                raise illegal_argument(f"Value [{_java_text(value)}] is out of range for an integer")
            if not -(2**31) <= value <= _INT_MAX:
                raise self.jackson(
                    f"Numeric value ({_java_text(value)}) out of range of int (-2147483648 - 2147483647)", value, path
                )
            return int(value)
        raise self.jackson(f"Current token ({_token(value)}) not numeric, can not use numeric value accessors",
                           value, path)

    def bool_(self, value: Any, path: _Path) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            if value in ("true", "false"):
                return value == "true"
            raise illegal_argument(f"Failed to parse value [{value}] as only [true] or [false] are allowed.")
        kind = "VALUE_NUMBER_INT" if isinstance(value, int) else "VALUE_NUMBER_FLOAT" if isinstance(value, float) \
            else _token(value)
        raise self.jackson(f"Current token ({kind}) not of boolean type", value, path)

    def boost(self, value: Any, path: _Path, name: str, body: Any) -> float:
        boost = self.float_(value, path)
        if boost < 0:
            raise self.negative_boost(name, body)
        return boost

    @staticmethod
    def negative_boost(name: str, body: Any) -> OpenSearchError:
        return illegal_argument(f"negative [boost] are not allowed in [{_compact({name: body})}], use a value "
                                "between 0 and 1 to deboost")

    # -- the body --

    def parse_body(self) -> _Request:
        request = _Request()
        body = self.body
        if body is None:
            return request
        if not isinstance(body, dict):
            raise OpenSearchError(f"Expected [START_OBJECT] but found [{_token(body)}]", status=400,
                                  type="parsing_exception", metadata={"line": 1, "col": 1})
        for key, value in body.items():
            path = (key,)
            kind = _token(value)
            if _is_value(value):
                if key not in _VALUE_KEYS:
                    raise self.parsing(f"Unknown key for a {kind} in [{key}].", path)
                self.body_value(request, key, value, path)
            elif isinstance(value, dict):
                if key not in _OBJECT_KEYS:
                    raise self.parsing(f"Unknown key for a {kind} in [{key}].", path)
                self.body_object(request, key, value, path)
            elif isinstance(value, list):
                if key not in _ARRAY_KEYS:
                    raise self.parsing(f"Unknown key for a {kind} in [{key}].", path)
                self.body_array(request, key, value, path)
            else:
                raise self.parsing(f"Unknown key for a {kind} in [{key}].", path)
        return request

    def body_value(self, request: _Request, key: str, value: Any, path: _Path) -> None:
        if key == "from":
            number = self.int_(value, path)
            if number < 0:
                raise illegal_argument(f"[from] parameter cannot be negative, found [{number}]")
            request.from_ = number
        elif key == "size":
            number = self.int_(value, path)
            if number < 0:
                raise illegal_argument(f"[size] parameter cannot be negative, found [{number}]")
            request.size = number
        elif key == "timeout":
            self.time_value(self.text(value, path), "timeout")
        elif key == "terminate_after":
            number = self.int_(value, path)
            if number < 0:
                raise illegal_argument("terminateAfter must be > 0")
            request.terminate_after = number
        elif key == "min_score":
            request.min_score = self.float_(value, path)
        elif key in ("version", "seq_no_primary_term"):
            # ML Commons turns both on after parsing, whatever the body said.
            self.bool_(value, path)
        elif key == "track_scores":
            request.track_scores = self.bool_(value, path)
        elif key in ("explain", "profile", "include_named_queries_score", "verbose_pipeline"):
            if self.bool_(value, path):
                raise _unsupported(f"[{key}]")
        elif key == "track_total_hits":
            if isinstance(value, bool) or value in ("true", "false"):
                request.track_total_hits = _INT_MAX if value in (True, "true") else -1
            else:
                number = self.int_(value, path)
                if number < -1:
                    raise illegal_argument(
                        f"[track_total_hits] parameter must be positive or equals to -1, got {number}"
                    )
                request.track_total_hits = number
        elif key == "_source":
            self.source_value(request, value, path)
        elif key == "sort":
            request.sort = [self.field_or_score(self.text(value, path))]
        else:  # stored_fields, search_pipeline
            raise _unsupported(f"[{key}]")

    def body_object(self, request: _Request, key: str, value: dict[str, Any], path: _Path) -> None:
        if key == "query":
            request.query = self.parse_query(value, path)
        elif key == "post_filter":
            request.post_filter = self.parse_query(value, path)
        elif key == "_source":
            self.source_object(request, value, path)
        elif key == "sort":
            request.sort = self.compound_sort(value, path)
        elif key in ("aggs", "aggregations"):
            raise illegal_argument(f"aggregations [{key}] are not supported by {_EMULATOR}")
        else:
            raise _unsupported(f"[{key}]")

    def body_array(self, request: _Request, key: str, value: list[Any], path: _Path) -> None:
        if key == "sort":
            request.sort = self.sort_array(value, path)
        elif key == "_source":
            request.fetch_source = True
            request.includes = self.string_list(value, path, "_source")
        elif key == "stats":
            # Stats groups only feed index statistics; they do not change the response.
            self.string_list(value, path, "stats")
        else:
            raise _unsupported(f"[{key}]")

    def time_value(self, text: str, setting: str) -> None:
        if text in ("-1", "0"):
            return
        match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(nanos|micros|ms|s|m|h|d)\s*", text.lower())
        if not match:
            raise parse_exception(f"failed to parse setting [{setting}] with value [{text}] as a time value: unit is "
                                  "missing or unrecognized")

    def string_list(self, values: list[Any], path: _Path, name: str) -> list[str]:
        out = []
        for index, item in enumerate(values):
            if not isinstance(item, str):
                raise self.parsing(f"Unknown key for a {_token(item)} in [{name}].", path + (index,))
            out.append(item)
        return out

    def source_value(self, request: _Request, value: Any, path: _Path) -> None:
        if isinstance(value, bool):
            request.fetch_source = value
        elif isinstance(value, str):
            request.fetch_source = True
            request.includes = [value]
        else:
            raise self.parsing(f"Expected one of [VALUE_BOOLEAN, START_OBJECT] but found [{_token(value)}]", path)

    def source_object(self, request: _Request, value: dict[str, Any], path: _Path) -> None:
        request.fetch_source = True
        for key, item in value.items():
            item_path = path + (key,)
            target = "includes" if key in ("includes", "include") else "excludes" if key in ("excludes", "exclude") \
                else None
            if isinstance(item, list) and target:
                setattr(request, target, self.string_list(item, item_path, key))
            elif isinstance(item, str) and target:
                setattr(request, target, [item])
            else:
                raise self.parsing(f"Unknown key for a {_token(item)} in [{key}].", item_path)

    # -- sort --

    @staticmethod
    def field_or_score(name: str) -> _Sort:
        if name == "_score":
            return _Sort("score", desc=True)
        if name == "_doc":
            return _Sort("doc")
        return _Sort("field", field=name)

    def sort_array(self, values: list[Any], path: _Path) -> list[_Sort]:
        specs: list[_Sort] = []
        for index, item in enumerate(values):
            if isinstance(item, dict):
                specs.extend(self.compound_sort(item, path + (index,)))
            elif isinstance(item, str):
                specs.append(self.field_or_score(item))
            else:
                raise illegal_argument("malformed sort format, within the sort array, an object, or an actual string "
                                       "are allowed")
        return specs

    def sort_order(self, text: str) -> bool:
        lowered = text.lower()
        if lowered not in ("asc", "desc"):
            raise illegal_argument(f"Unknown SortOrder [{text}]")
        return lowered == "desc"

    def compound_sort(self, value: dict[str, Any], path: _Path) -> list[_Sort]:
        specs: list[_Sort] = []
        for name, options in value.items():
            item_path = path + (name,)
            if isinstance(options, str):
                spec = self.field_or_score(name)
                spec.desc = self.sort_order(options)
                specs.append(spec)
            elif name in ("_geo_distance", "_geoDistance", "_script"):
                raise _unsupported(f"sort [{name}]")
            elif name == "_score":
                specs.append(self.object_sort(name, options, item_path, "_score", ("order",)))
            else:
                specs.append(self.object_sort(name, options, item_path, "field_sort",
                                              ("missing", "unmapped_type", "order", "mode", "nested", "numeric_type")))
        return specs

    def object_sort(self, name: str, options: Any, path: _Path, parser_name: str, known: tuple[str, ...]) -> _Sort:
        if not isinstance(options, dict):
            raise self.xcontent(f"[{parser_name}] Expected START_OBJECT but was: {_token(options)}", path)
        spec = self.field_or_score(name)
        for key, option in options.items():
            option_path = path + (key,)
            if key not in known:
                raise self.xcontent(f"[{parser_name}] unknown field [{key}]{_did_you_mean(key, known)}", option_path,
                                    "key")
            if key == "missing":
                if not _is_value(option) and option is not None:
                    raise self.xcontent(f"[{parser_name}] {key} doesn't support values of type: {_token(option)}",
                                        option_path)
                spec.missing = option if option is not None else "_last"
                continue
            if key == "nested":
                raise _unsupported("sort option [nested]")
            if not isinstance(option, str):
                raise self.xcontent(f"[{parser_name}] {key} doesn't support values of type: {_token(option)}",
                                    option_path)
            try:
                if key == "order":
                    spec.desc = self.sort_order(option)
                elif key == "mode":
                    if option.lower() not in ("min", "max", "sum", "avg", "median"):
                        raise illegal_argument(f"Unknown SortMode [{option}]")
                    spec.mode = option.lower()
                elif key == "numeric_type" and option.lower() not in ("long", "double", "date", "date_nanos"):
                    raise illegal_argument(f"invalid value for [numeric_type], must be [long, double, date, "
                                           f"date_nanos], got {option}")
            except OpenSearchError as error:
                raise self.xcontent(f"[{parser_name}] failed to parse field [{key}]", option_path,
                                    cause=error) from None
        return spec

    # -- queries --

    def parse_query(self, obj: dict[str, Any], path: _Path) -> _Node:
        """``parseInnerQueryBuilder`` for a query object found at ``path``."""
        if not obj:
            line, col = self.loc(path, "end")
            raise illegal_argument(f"query malformed, empty clause found at [{line}:{col}]")
        self.depth += 1
        try:
            if self.depth > self.max_depth:
                raise self.xcontent("query nesting is too deep for the emulator", path)
            entries = list(obj.items())
            name, body = entries[0]
            name_path = path + (name,)
            if not isinstance(body, dict):
                raise self.parsing(f"[{name}] query malformed, no start_object after query name", name_path)
            parse = _QUERY_PARSERS.get(name)
            if parse is None:
                if name in UNSUPPORTED_QUERIES:
                    raise _unsupported(f"query [{name}]")
                line, col = self.loc(name_path)
                cause = XContentParseError(f"[{line}:{col}] unknown field [{name}]",
                                           type="named_object_not_found_exception")
                raise self.parsing(f"unknown query [{name}]{_did_you_mean(name, sorted(_ALL_QUERIES))}", name_path,
                                   cause=cause)
            node = parse(self, body, name_path)
            if len(entries) > 1:
                raise self.parsing(f"[{name}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]",
                                   path + (entries[1][0],), "key")
            return node
        finally:
            self.depth -= 1

    def q_match_all(self, body: dict[str, Any], path: _Path) -> _Node:
        return _MatchAll(self.object_parser_params("match_all", body, path, {}))

    def q_ids(self, body: dict[str, Any], path: _Path) -> _Node:
        values: list[str] = []

        def read_values(value: Any, value_path: _Path) -> None:
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if not _is_value(item):
                        raise self.xcontent("[ids] failed to parse field [values]", value_path + (index,),
                                            cause=self.no_text(item, value_path + (index,)))
                    values.append(self.text(item, value_path + (index,)))
            elif _is_value(value):
                values.append(self.text(value, value_path))
            else:
                raise self.xcontent(f"[ids] values doesn't support values of type: {_token(value)}", value_path)

        boost = self.object_parser_params("ids", body, path, {"values": read_values})
        return _Ids(values, boost)

    def object_parser_params(self, name: str, body: dict[str, Any], path: _Path,
                             extra: dict[str, Callable[[Any, _Path], None]]) -> float:
        """Boost/_name (plus ``extra`` fields) of an ObjectParser-based query; errors are rewrapped."""
        boost = 1.0
        known = ["boost", "_name", *extra]
        for key, value in body.items():
            key_path = path + (key,)
            try:
                if key in extra:
                    extra[key](value, key_path)
                elif key == "boost":
                    if isinstance(value, bool) or not _is_value(value):
                        raise self.xcontent(f"[{name}] boost doesn't support values of type: {_token(value)}",
                                            key_path)
                    try:
                        boost = self.float_(value, key_path)
                        if boost < 0:
                            raise self.negative_boost(name, body)
                    except OpenSearchError as error:
                        raise self.xcontent(f"[{name}] failed to parse field [boost]", key_path, cause=error) from None
                elif key == "_name":
                    if not _is_value(value):
                        raise self.xcontent(f"[{name}] _name doesn't support values of type: {_token(value)}",
                                            key_path)
                else:
                    raise self.xcontent(f"[{name}] unknown field [{key}]{_did_you_mean(key, known)}", key_path, "key")
            except XContentParseError as error:
                raise self.wrap_object_parser(error, key_path) from None
        return boost

    def q_match_none(self, body: dict[str, Any], path: _Path) -> _Node:
        for key, value in body.items():
            key_path = path + (key,)
            if not _is_value(value):
                raise self.parsing(f"[match_none] unknown token [{_token(value)}] after [{key}]", key_path)
            if key == "boost":
                self.boost(value, key_path, "match_none", body)
            elif key == "_name":
                self.text(value, key_path)
            else:
                raise self.parsing(f"[match_none] query does not support [{key}]", key_path)
        return _MatchNone()

    def q_term(self, body: dict[str, Any], path: _Path) -> _Node:
        field_name: str | None = None
        value: Any = None
        boost = 1.0
        case_insensitive = False
        for key, item in body.items():
            key_path = path + (key,)
            if isinstance(item, list):
                raise self.parsing("[term] query does not support array of values", key_path)
            if item is None:
                continue
            if field_name is not None:
                raise self.parsing(f"[term] query doesn't support multiple fields, found [{field_name}] and [{key}]",
                                   key_path)
            field_name = key
            if not isinstance(item, dict):
                value = item
                continue
            for param, param_value in item.items():
                param_path = key_path + (param,)
                if param in ("value", "term"):
                    if isinstance(param_value, dict):
                        if param_value:
                            first = next(iter(param_value))
                            raise self.parsing(f"[term] query does not support [{first}]", param_path + (first,))
                        continue
                    if isinstance(param_value, list):
                        raise self.parsing("[term] query does not support array of values", param_path)
                    value = param_value
                elif param == "_name":
                    self.text(param_value, param_path)
                elif param == "boost":
                    boost = self.float_(param_value, param_path)
                elif param == "case_insensitive":
                    case_insensitive = self.bool_(param_value, param_path)
                else:
                    raise self.parsing(f"[term] query does not support [{param}]", param_path)
        if not field_name:
            raise illegal_argument("field name is null or empty")
        if value is None:
            raise illegal_argument("value cannot be null")
        if boost < 0:
            raise self.negative_boost("term", body)
        return _Term(field_name, [value], boost, case_insensitive)

    def q_terms(self, body: dict[str, Any], path: _Path) -> _Node:
        field_name: str | None = None
        values: list[Any] = []
        boost = 1.0
        for key, item in body.items():
            key_path = path + (key,)
            if isinstance(item, list):
                if field_name is not None:
                    raise self.parsing("[terms] query does not support multiple fields", key_path)
                field_name = key
                for index, element in enumerate(item):
                    if element is None:
                        raise self.parsing("No value specified for terms query", key_path + (index,))
                    if isinstance(element, list):
                        raise self.parsing(f"[terms] unknown token [END_ARRAY] after [{key}]", key_path, "end")
                    if isinstance(element, dict):
                        # The parser reads the name of the object's first field as the term.
                        if element:
                            values.append(next(iter(element)))
                        continue
                    values.append(element)
            elif isinstance(item, dict):
                if field_name is not None:
                    raise self.parsing(f"[terms] query does not support more than one field. Already got: "
                                       f"[{field_name}] but also found [{key}]", key_path)
                raise _unsupported("[terms] lookup")
            elif item is None:
                raise self.parsing(f"[terms] unknown token [VALUE_NULL] after [{key}]", key_path)
            elif key == "boost":
                boost = self.float_(item, key_path)
            elif key in ("_name", "value_type"):
                self.text(item, key_path)
            else:
                raise self.parsing(f"[terms] query does not support [{key}]", key_path)
        if field_name is None:
            raise self.parsing("[terms] query requires a field name, followed by array of terms or a document "
                               "lookup specification", path, "end")
        if boost < 0:
            raise self.negative_boost("terms", body)
        return _Term(field_name, values, boost)

    def single_field_text_query(self, name: str, body: dict[str, Any], path: _Path,
                                params: Callable[[str, Any, _Path], None]) -> tuple[str | None, Any]:
        """The shape shared by match and match_phrase: ``{field: text}`` or ``{field: {query: text, ...}}``."""
        field_name: str | None = None
        query: Any = None
        for key, item in body.items():
            key_path = path + (key,)
            if field_name is not None:
                raise self.parsing(f"[{name}] query doesn't support multiple fields, found [{field_name}] and [{key}]",
                                   key_path)
            field_name = key
            if isinstance(item, dict):
                for param, value in item.items():
                    param_path = key_path + (param,)
                    if not _is_value(value):
                        raise self.parsing(f"[{name}] unknown token [{_token(value)}] after [{param}]", param_path)
                    if param == "query":
                        query = value
                    else:
                        params(param, value, param_path)
            elif isinstance(item, list):
                raise self.no_text(item, key_path)
            else:
                query = item
        return field_name, query

    def q_match(self, body: dict[str, Any], path: _Path) -> _Node:
        options: dict[str, Any] = {"boost": 1.0, "operator": "or", "msm": None, "zero": False, "prefix_length": 0,
                                   "max_expansions": 50}

        def params(param: str, value: Any, param_path: _Path) -> None:
            if param == "boost":
                options["boost"] = self.float_(value, param_path)
            elif param == "operator":
                text = self.text(value, param_path).upper()
                if text not in ("AND", "OR"):
                    raise illegal_argument(f"No enum constant org.opensearch.index.query.Operator.{text}")
                options["operator"] = text.lower()
            elif param == "minimum_should_match":
                options["msm"] = self.text(value, param_path)
            elif param == "zero_terms_query":
                options["zero"] = self.zero_terms(value, param_path)
            elif param in ("prefix_length", "max_expansions"):
                options[param] = self.int_(value, param_path)
            elif param in ("fuzzy_transpositions", "lenient", "auto_generate_synonyms_phrase_query"):
                self.bool_(value, param_path)
            elif param == "cutoff_frequency":
                self.float_(value, param_path)
            elif param in ("analyzer", "fuzzy_rewrite", "_name"):
                self.text(value, param_path)
            elif param == "fuzziness":
                raise _unsupported("[match] fuzziness")
            else:
                raise self.parsing(f"[match] query does not support [{param}]", param_path)

        field_name, query = self.single_field_text_query("match", body, path, params)
        if query is None:
            raise self.parsing("No text specified for text query", path, "end")
        if options["prefix_length"] < 0:
            raise illegal_argument("[match] requires prefix length to be non-negative.")
        if options["max_expansions"] <= 0:
            raise illegal_argument("[match] requires maxExpansions to be positive.")
        if options["boost"] < 0:
            raise self.negative_boost("match", body)
        return _Match(field_name or "", query, options["boost"], options["operator"], options["msm"], options["zero"])

    def q_match_phrase(self, body: dict[str, Any], path: _Path) -> _Node:
        options: dict[str, Any] = {"boost": 1.0, "slop": 0, "zero": False}

        def params(param: str, value: Any, param_path: _Path) -> None:
            if param == "boost":
                options["boost"] = self.float_(value, param_path)
            elif param == "slop":
                options["slop"] = self.int_(value, param_path)
            elif param == "zero_terms_query":
                options["zero"] = self.zero_terms(value, param_path)
            elif param in ("analyzer", "_name"):
                self.text(value, param_path)
            else:
                raise self.parsing(f"[match_phrase] query does not support [{param}]", param_path)

        field_name, query = self.single_field_text_query("match_phrase", body, path, params)
        if field_name is None:
            raise illegal_argument("[match_phrase] requires fieldName")
        if query is None:
            raise illegal_argument("[match_phrase] requires query value")
        if options["slop"] < 0:
            raise illegal_argument("No negative slop allowed.")
        if options["boost"] < 0:
            raise self.negative_boost("match_phrase", body)
        return _MatchPhrase(field_name, query, options["boost"], options["zero"])

    def zero_terms(self, value: Any, path: _Path) -> bool:
        text = self.text(value, path)
        if text.lower() not in ("none", "all"):
            raise self.parsing(f"Unsupported zero_terms_query value [{text}]", path)
        return text.lower() == "all"

    def multi_term(self, name: str, body: dict[str, Any], path: _Path) -> _Node:
        field_name: str | None = None
        value: str | None = None
        boost = 1.0
        case_insensitive = False
        value_keys = ("value", "wildcard") if name == "wildcard" else ("value", "prefix")

        def read(item: Any, item_path: _Path) -> str | None:
            if item is None and name != "wildcard":
                return None
            if not _is_value(item):
                raise self.no_text(item, item_path)
            return self.text(item, item_path)

        for key, item in body.items():
            key_path = path + (key,)
            if field_name is not None:
                raise self.parsing(f"[{name}] query doesn't support multiple fields, found [{field_name}] and [{key}]",
                                   key_path)
            field_name = key
            if not isinstance(item, dict):
                value = read(item, key_path)
                continue
            for param, param_value in item.items():
                param_path = key_path + (param,)
                if param in value_keys:
                    value = read(param_value, param_path)
                elif param == "boost":
                    boost = self.float_(param_value, param_path)
                elif param in ("_name", "rewrite"):
                    self.text(param_value, param_path)
                elif param == "case_insensitive":
                    case_insensitive = self.bool_(param_value, param_path)
                else:
                    raise self.parsing(f"[{name}] query does not support [{param}]", param_path)
        if not field_name:
            raise illegal_argument("field name is null or empty")
        if value is None:
            raise illegal_argument("value cannot be null")
        if boost < 0:
            raise self.negative_boost(name, body)
        return _Prefix(field_name, value, boost, case_insensitive, wildcard=name == "wildcard")

    def q_prefix(self, body: dict[str, Any], path: _Path) -> _Node:
        return self.multi_term("prefix", body, path)

    def q_wildcard(self, body: dict[str, Any], path: _Path) -> _Node:
        return self.multi_term("wildcard", body, path)

    def q_exists(self, body: dict[str, Any], path: _Path) -> _Node:
        field_name: str | None = None
        boost = 1.0
        for key, value in body.items():
            key_path = path + (key,)
            if not _is_value(value):
                raise self.parsing(f"[exists] unknown token [{_token(value)}] after [{key}]", key_path)
            if key == "field":
                field_name = self.text(value, key_path)
            elif key == "_name":
                self.text(value, key_path)
            elif key == "boost":
                boost = self.float_(value, key_path)
            else:
                raise self.parsing(f"[exists] query does not support [{key}]", key_path)
        if field_name is None:
            raise self.parsing("[exists] must be provided with a [field]", path, "end")
        if not field_name:
            raise illegal_argument("field name is null or empty")
        if boost < 0:
            raise self.negative_boost("exists", body)
        return _Exists(field_name, boost)

    def q_range(self, body: dict[str, Any], path: _Path) -> _Node:
        field_name: str | None = None
        bounds: dict[str, Any] = {"lower": None, "include_lower": True, "upper": None, "include_upper": True}
        boost = 1.0
        for key, item in body.items():
            key_path = path + (key,)
            if not isinstance(item, dict):
                if item is None:
                    continue
                raise self.parsing(f"[range] query does not support [{key}]", key_path)
            if field_name is not None:
                raise self.parsing(f"[range] query doesn't support multiple fields, found [{field_name}] and [{key}]",
                                   key_path)
            field_name = key
            seen: dict[str, set[str]] = {"lower": set(), "upper": set()}
            for param, value in item.items():
                param_path = key_path + (param,)
                if isinstance(value, dict) and value:
                    first = next(iter(value))
                    raise self.parsing(f"[range] query does not support [{first}]", param_path + (first,))
                side = "lower" if param in ("from", "gt", "gte", "include_lower") else \
                    "upper" if param in ("to", "lt", "lte", "include_upper") else None
                if side is not None:
                    if isinstance(value, list) and param not in ("include_lower", "include_upper"):
                        inside = param_path + (0,) if value else param_path
                        raise self.parsing(f"invalid {side} bound for [range] query", inside,
                                           "value" if value else "end")
                    strict = ("gt", "gte") if side == "lower" else ("lt", "lte")
                    already = seen[side]
                    if already and (param in strict or already & set(strict) or param in already):
                        raise self.parsing(f"invalid {side} bound for [range] query", param_path)
                    already.add(param)
                if param in ("from", "gt", "gte"):
                    bounds["lower"] = value if not isinstance(value, dict) else None
                    if param != "from":
                        bounds["include_lower"] = param == "gte"
                elif param in ("to", "lt", "lte"):
                    bounds["upper"] = value if not isinstance(value, dict) else None
                    if param != "to":
                        bounds["include_upper"] = param == "lte"
                elif param in ("include_lower", "include_upper"):
                    bounds[param] = self.bool_(value, param_path)
                elif param == "boost":
                    boost = self.float_(value, param_path)
                elif param in ("time_zone", "format", "_name"):
                    self.text(value, param_path)
                elif param == "relation":
                    relation = self.text(value, param_path)
                    if relation.lower() == "disjoint":
                        raise illegal_argument(f"[range] query does not support relation [{relation}]")
                    if relation.lower() not in ("intersects", "within", "contains"):
                        raise illegal_argument(f"{relation} is not a valid relation")
                else:
                    raise self.parsing(f"[range] query does not support [{param}]", param_path)
        if not field_name:
            raise illegal_argument("field name is null or empty")
        if boost < 0:
            raise self.negative_boost("range", body)
        return _Range(field_name, bounds["lower"], bounds["include_lower"], bounds["upper"], bounds["include_upper"],
                      boost)

    def q_bool(self, body: dict[str, Any], path: _Path) -> _Node:
        node = _Bool()
        known = ["must", "filter", "should", "must_not", "minimum_should_match", "adjust_pure_negative", "boost",
                 "_name"]
        for key, value in body.items():
            key_path = path + (key,)
            if key in ("must", "filter", "should", "must_not", "mustNot"):
                target = getattr(node, "must_not" if key == "mustNot" else key)
                target.extend(self.bool_clauses(key, value, key_path))
            elif key == "minimum_should_match":
                if isinstance(value, (dict, list)):
                    raise self.xcontent(f"[bool] minimum_should_match doesn't support values of type: {_token(value)}",
                                        key_path)
                node.msm_spec = None if value is None else self.text(value, key_path)
            elif key == "adjust_pure_negative":
                if isinstance(value, bool) or isinstance(value, str):
                    try:
                        node.adjust_pure_negative = self.bool_(value, key_path)
                    except OpenSearchError as error:
                        raise self.xcontent(f"[bool] failed to parse field [{key}]", key_path, cause=error) from None
                else:
                    raise self.xcontent(f"[bool] adjust_pure_negative doesn't support values of type: {_token(value)}",
                                        key_path)
            elif key == "boost":
                if isinstance(value, bool) or not _is_value(value):
                    raise self.xcontent(f"[bool] boost doesn't support values of type: {_token(value)}", key_path)
                try:
                    node.boost = self.boost(value, key_path, "bool", body)
                except OpenSearchError as error:
                    raise self.xcontent(f"[bool] failed to parse field [{key}]", key_path, cause=error) from None
            elif key == "_name":
                if not _is_value(value):
                    raise self.xcontent(f"[bool] _name doesn't support values of type: {_token(value)}", key_path)
            else:
                raise self.xcontent(f"[bool] unknown field [{key}]{_did_you_mean(key, known)}", key_path, "key")
        return node

    def bool_clauses(self, key: str, value: Any, path: _Path) -> list[_Node]:
        def wrap(error: OpenSearchError, at: _Path, kind: str) -> OpenSearchError:
            line, col = self.position(error, at, kind)
            wrapped = XContentParseError(f"[{line}:{col}] [bool] failed to parse field [{key}]", cause=error)
            return _at(wrapped, (line, col))

        if value is None:
            return []
        if isinstance(value, dict):
            try:
                return [self.parse_query(value, path)]
            except OpenSearchError as error:
                raise wrap(error, *self.failure_point(error, value, path)) from None
        if isinstance(value, list):
            clauses = []
            for index, item in enumerate(value):
                if not isinstance(item, dict):
                    # The parser has moved on to the token after the element when it notices.
                    at: _Path = path + (index + 1,) if index + 1 < len(value) else path
                    kind = "value" if index + 1 < len(value) else "end"
                    raise wrap(self.parsing("[_na] query malformed, must start with start_object", at, kind), at, kind)
                try:
                    clauses.append(self.parse_query(item, path + (index,)))
                except OpenSearchError as error:
                    raise wrap(error, *self.failure_point(error, item, path + (index,))) from None
            return clauses
        raise self.xcontent(f"[bool] {key} doesn't support values of type: {_token(value)}", path)

    @staticmethod
    def failure_point(error: OpenSearchError, value: Any, path: _Path) -> tuple[_Path, str]:
        # Errors without a position of their own (IllegalArgumentException) surface once the clause was read.
        if not value:
            return path, "end"
        return path + (next(iter(value)),), "end"

    def q_constant_score(self, body: dict[str, Any], path: _Path) -> _Node:
        inner: _Node | None = None
        boost = 1.0
        for key, value in body.items():
            key_path = path + (key,)
            if isinstance(value, dict):
                if key != "filter":
                    raise self.parsing(f"[constant_score] query does not support [{key}]", key_path)
                inner = self.parse_query(value, key_path)
            elif isinstance(value, list) or value is None:
                raise self.parsing(f"unexpected token [{_token(value)}]", key_path)
            elif key == "_name":
                self.text(value, key_path)
            elif key == "boost":
                boost = self.float_(value, key_path)
            else:
                raise self.parsing(f"[constant_score] query does not support [{key}]", key_path)
        if inner is None:
            raise self.parsing("[constant_score] requires a 'filter' element", path, "end")
        if boost < 0:
            raise self.negative_boost("constant_score", body)
        return _ConstantScore(inner, boost)

    def q_dis_max(self, body: dict[str, Any], path: _Path) -> _Node:
        queries: list[_Node] = []
        found = False
        boost = 1.0
        tie_breaker = 0.0
        for key, value in body.items():
            key_path = path + (key,)
            if isinstance(value, (dict, list)) and key != "queries":
                raise self.parsing(f"[dis_max] query does not support [{key}]", key_path)
            if isinstance(value, dict):
                found = True
                queries.append(self.parse_query(value, key_path))
            elif isinstance(value, list):
                found = True
                if not value:
                    raise self.parsing("[_na] query malformed, must start with start_object", key_path, "end")
                for index, item in enumerate(value):
                    if not isinstance(item, dict):
                        raise self.parsing("[_na] query malformed, must start with start_object", key_path + (index,))
                    queries.append(self.parse_query(item, key_path + (index,)))
            elif key == "boost":
                boost = self.float_(value, key_path)
            elif key == "tie_breaker":
                tie_breaker = self.float_(value, key_path)
            elif key == "_name":
                self.text(value, key_path)
            else:
                raise self.parsing(f"[dis_max] query does not support [{key}]", key_path)
        if not found:
            raise self.parsing("[dis_max] requires 'queries' field with at least one clause", path, "end")
        if boost < 0:
            raise self.negative_boost("dis_max", body)
        return _DisMax(queries, tie_breaker, boost)

    def q_boosting(self, body: dict[str, Any], path: _Path) -> _Node:
        clauses: dict[str, _Node] = {}
        negative_boost = -1.0
        boost = 1.0
        for key, value in body.items():
            key_path = path + (key,)
            if isinstance(value, (dict, list)):
                if key not in ("positive", "negative"):
                    raise self.parsing(f"[boosting] query does not support [{key}]", key_path)
                items = [(value, key_path)] if isinstance(value, dict) else \
                    [(item, key_path + (i,)) for i, item in enumerate(value) if isinstance(item, dict)]
                for item, item_path in items:
                    clauses[key] = self.parse_query(item, item_path)
            elif key == "negative_boost":
                negative_boost = self.float_(value, key_path)
            elif key == "boost":
                boost = self.float_(value, key_path)
            elif key == "_name":
                self.text(value, key_path)
            else:
                raise self.parsing(f"[boosting] query does not support [{key}]", key_path)
        if "positive" not in clauses:
            raise self.parsing("[boosting] query requires 'positive' query to be set'", path, "end")
        if "negative" not in clauses:
            raise self.parsing("[boosting] query requires 'negative' query to be set'", path, "end")
        if negative_boost < 0:
            raise self.parsing("[boosting] query requires 'negative_boost' to be set to be a positive value'", path,
                               "end")
        if boost < 0:
            raise self.negative_boost("boosting", body)
        return _Boosting(clauses["positive"], clauses["negative"], negative_boost, boost)


_QUERY_PARSERS: dict[str, Callable[[_Parser, dict[str, Any], _Path], _Node]] = {
    "match_all": _Parser.q_match_all,
    "match_none": _Parser.q_match_none,
    "term": _Parser.q_term,
    "terms": _Parser.q_terms,
    "ids": _Parser.q_ids,
    "match": _Parser.q_match,
    "match_phrase": _Parser.q_match_phrase,
    "bool": _Parser.q_bool,
    "exists": _Parser.q_exists,
    "range": _Parser.q_range,
    "prefix": _Parser.q_prefix,
    "wildcard": _Parser.q_wildcard,
    "constant_score": _Parser.q_constant_score,
    "dis_max": _Parser.q_dis_max,
    "boosting": _Parser.q_boosting,
}


def _levenshtein_similarity(target: str, other: str) -> float:
    """Lucene's ``LevenshteinDistance.getDistance``: 1 - edits / longer length."""
    if not target or not other:
        return 1.0 if target == other else 0.0
    previous = list(range(len(other) + 1))
    for i, left in enumerate(target, 1):
        current = [i] + [0] * len(other)
        for j, right in enumerate(other, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (left != right))
        previous = current
    return 1.0 - previous[-1] / max(len(target), len(other))


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    scored = [(_to_f32(_levenshtein_similarity(name, c)), c) for c in candidates]
    scored = [(score, c) for score, c in scored if score > 0.5]
    if not scored:
        return ""
    scored.sort(key=lambda item: (-item[0], item[1]))
    names = [c for _, c in scored]
    if len(names) == 1:
        return f" did you mean [{names[0]}]?"
    return f" did you mean any of [{', '.join(names)}]?"


# -- running a search ---------------------------------------------------------------------------------------------


_EMPTY_SHARDS = {"total": 0, "successful": 0, "skipped": 0, "failed": 0}


def run_search(
    index_name: str,
    docs: Iterable[Document],
    body: Any,
    *,
    index_exists: bool = True,
    source_excludes: Sequence[str] = (),
    doc_filter: Callable[[dict[str, Any]], bool] | None = None,
    force_fetch_source: bool = False,
    plugin_wraps_query: bool = False,
    index_uuid: str = "_na_",
) -> dict[str, Any]:
    """Run a search request body over ``docs`` (in index order) and return the OpenSearch response.

    ``source_excludes`` are added to the body's ``_source`` excludes (the plugin always strips them);
    ``doc_filter`` is an access filter ANDed with the query. ``force_fetch_source`` mirrors
    ``RestActionUtils.getSourceContext``, which rebuilds the fetch context with ``fetchSource=true`` so
    ``"_source": false`` is ignored. ``plugin_wraps_query`` is for searches the plugin rewrites as
    ``bool{must: <user query>, filter: <access filter>}``: without a user query every hit then scores 0.0.
    Raises ``OpenSearchError`` (status 400, or 500 for Java ``illegal_state_exception``s) for bad input.
    """
    started = time.perf_counter()
    request = _Parser(body).parse_body()
    if not index_exists:
        # wrapListenerToHandleSearchIndexNotFound: InternalSearchResponse.empty() with zero shards.
        return {
            "took": 0,
            "timed_out": False,
            "_shards": dict(_EMPTY_SHARDS),
            "hits": {"total": {"value": 0, "relation": "eq"}, "max_score": 0.0, "hits": []},
        }
    try:
        return _execute(index_name, list(docs), request, started, source_excludes, doc_filter, force_fetch_source,
                        plugin_wraps_query, index_uuid)
    except _ShardError as failure:
        raise SearchPhaseExecutionError(index_name, failure.error, failure.cause) from None


def _effective_sort(specs: list[_Sort] | None) -> list[_Sort] | None:
    # SortBuilder.buildSort: sorting on the score alone (descending) is no sort at all.
    if not specs:
        return None
    if len(specs) == 1 and specs[0].kind == "score" and specs[0].desc:
        return None
    return specs


def _execute(index_name: str, docs: list[Document], request: _Request, started: float,
             source_excludes: Sequence[str], doc_filter: Callable[[dict[str, Any]], bool] | None,
             force_fetch_source: bool, plugin_wraps_query: bool, index_uuid: str) -> dict[str, Any]:
    ctx = _Context(index_name, index_uuid)
    query = request.query or _MatchAll(1.0)
    query.prepare(ctx, False)
    if request.post_filter is not None:
        request.post_filter.prepare(ctx, False)
    sort = _effective_sort(request.sort)
    for spec in sort or ():
        if spec.kind == "field" and spec.field in TEXT_FIELDS:
            reason = (
                "Text fields are not optimised for operations that require per-document field data like "
                "aggregations and sorting, so these operations are disabled by default. Please use a keyword field "
                f"instead. Alternatively, set fielddata=true on [{spec.field}] in order to load field data by "
                "uninverting the inverted index. Note that this can use significant memory."
            )
            shard = illegal_argument(reason)
            nested = OpenSearchError(reason, status=400, type="illegal_argument_exception",
                                     cause=illegal_argument(reason), is_opensearch_exception=False)
            raise _ShardError(shard, nested)
    window = request.from_ + request.size
    if window > MAX_RESULT_WINDOW:
        raise _ShardError(illegal_argument(
            f"Result window is too large, from + size must be less than or equal to: [{MAX_RESULT_WINDOW}] but was "
            f"[{window}]. See the scroll api for a more efficient way to request large data sets. This limit can be "
            "set by changing the [index.max_result_window] index level setting."
        ))

    matched: list[tuple[_DocView, float]] = []
    terminated_early: bool | None = None if request.terminate_after == 0 else False
    for pos, doc in enumerate(docs):
        if doc_filter is not None and not doc_filter(doc.source):
            continue
        view = _DocView(doc, index_name, pos)
        score = query.score(view)
        if score is None:
            continue
        if request.post_filter is not None and request.post_filter.score(view) is None:
            continue
        if plugin_wraps_query and request.query is None:
            score = 0.0
        score = _f32(score)
        if request.min_score is not None and score < request.min_score:
            continue
        if request.terminate_after and len(matched) >= request.terminate_after:
            terminated_early = True
            break
        matched.append((view, score))

    track_scores = sort is None or request.track_scores
    if sort is None:
        ordered = sorted(matched, key=lambda item: -item[1])  # stable: ties stay in index order
        sort_values: dict[int, list[Any]] = {}
    else:
        ordered, sort_values = _sort_hits(matched, sort)

    page = ordered[request.from_:request.from_ + request.size]
    fetch = True if force_fetch_source or request.fetch_source is None else request.fetch_source
    excludes = list(request.excludes) + list(source_excludes)
    hits = []
    for view, score in page:
        doc = view.doc
        hit: dict[str, Any] = {
            "_index": index_name,
            "_id": doc.id,
            "_version": doc.version,
            "_seq_no": doc.seq_no,
            "_primary_term": doc.primary_term,
            "_score": score if track_scores else None,
        }
        if fetch:
            hit["_source"] = filter_source(doc.source, request.includes, excludes)
        if sort is not None:
            hit["sort"] = sort_values[view.pos]
        hits.append(hit)

    max_score = None
    if track_scores and matched and request.size > 0:
        max_score = max(score for _, score in matched)
    hits_section: dict[str, Any] = {}
    if request.track_total_hits >= 0:
        count = len(matched)
        limit = request.track_total_hits
        hits_section["total"] = {"value": min(count, limit), "relation": "gte" if count > limit else "eq"}
    hits_section["max_score"] = max_score
    hits_section["hits"] = hits
    response: dict[str, Any] = {"took": int((time.perf_counter() - started) * 1000), "timed_out": False}
    if terminated_early is not None:
        response["terminated_early"] = terminated_early
    response["_shards"] = {"total": 1, "successful": 1, "skipped": 0, "failed": 0}
    response["hits"] = hits_section
    return response


def _sort_hits(matched: list[tuple[_DocView, float]],
               sort: list[_Sort]) -> tuple[list[tuple[_DocView, float]], dict[int, list[Any]]]:
    raw = {view.pos: [_sort_value(spec, view, score) for spec in sort] for view, score in matched}
    numeric = []
    for index in range(len(sort)):
        present = [values[index] for values in raw.values() if values[index] is not _MISSING]
        numeric.append(bool(present) and all(isinstance(v, (int, float)) for v in present))
    # A custom ``missing`` value stands in for the document's value, converted like one.
    for values in raw.values():
        for index, spec in enumerate(sort):
            if values[index] is _MISSING and spec.missing not in ("_last", "_first"):
                substitute = spec.missing
                if numeric[index]:
                    number = _as_number(substitute)
                    substitute = number if number is not None else substitute
                elif not isinstance(substitute, str):
                    substitute = _java_text(substitute)
                values[index] = substitute

    def compare(left: tuple[_DocView, float], right: tuple[_DocView, float]) -> int:
        left_values, right_values = raw[left[0].pos], raw[right[0].pos]
        for index, spec in enumerate(sort):
            a, b = left_values[index], right_values[index]
            if a is _MISSING or b is _MISSING:
                if a is b:
                    continue
                first = spec.missing == "_first"
                return (-1 if first else 1) if a is _MISSING else (1 if first else -1)
            result = _compare(a, b)
            if result:
                return -result if spec.desc else result
        return left[0].pos - right[0].pos

    ordered = sorted(matched, key=functools.cmp_to_key(compare))
    rendered: dict[int, list[Any]] = {}
    for pos, values in raw.items():
        out = []
        for index, spec in enumerate(sort):
            value = values[index]
            if value is _MISSING:
                first = spec.missing == "_first"
                if numeric[index]:
                    # Lucene's missing value for a long sort field: the far end the document sorts at.
                    value = _LONG_MIN if first != spec.desc else _LONG_MAX
                else:
                    value = None
            elif spec.kind == "score":
                value = _f32(value)
            out.append(value)
        rendered[pos] = out
    return ordered, rendered
