"""Matching a live vendor request against recorded ones, and explaining a miss.

The default key is method + host + path + the JSON body compared as data (key order and
spacing do not matter, so the emulator's escaping variants of the same JSON still match).
A cassette may leave out body fields or the body altogether. A miss names the request and
shows a diff against the nearest recorded interaction.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .cassette import Interaction, MatchRules, Request

_ABSENT = object()


@dataclass(frozen=True)
class LiveRequest:
    """What the emulator sent, reduced to what matching looks at."""

    method: str
    url: str
    body: bytes

    @property
    def host(self) -> str:
        return _host(self.url)

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    def json(self) -> Any:
        return _parse(self.body)


def _host(url: str) -> str:
    """Host and port, without userinfo (recordings scrub it, so it cannot take part in matching)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port is not None else host


def _parse(body: bytes) -> Any:
    if not body:
        return _ABSENT
    try:
        return json.loads(body)
    except ValueError:
        return _ABSENT


def _without(value: Any, dotted: str) -> Any:
    head, _, rest = dotted.partition(".")
    if not isinstance(value, dict) or head not in value:
        return value
    copy = dict(value)
    if rest:
        copy[head] = _without(copy[head], rest)
    else:
        del copy[head]
    return copy


def _comparable(body: bytes, rules: MatchRules) -> Any:
    parsed = _parse(body)
    if parsed is _ABSENT:
        return body
    for dotted in rules.ignore_body_fields:
        parsed = _without(parsed, dotted)
    return parsed


def _recorded_body(request: Request) -> bytes:
    return request.body_bytes()


def matches(live: LiveRequest, interaction: Interaction, rules: MatchRules, *, ignore_host: bool = False) -> bool:
    """Whether ``live`` is the recorded request (``ignore_host`` for the network stub, which connectors reach
    under its own address with the vendor's path kept)."""
    recorded = interaction.request
    parts = urlsplit(recorded.url)
    if live.method != recorded.method or live.path != (parts.path or "/"):
        return False
    if not ignore_host and live.host != _host(recorded.url):
        return False
    if rules.any_body:
        return True
    return _canonical(_comparable(live.body, rules)) == _canonical(_comparable(_recorded_body(recorded), rules))


def _canonical(value: Any) -> Any:
    """Type-exact comparison: JSON true is not 1, and 1 is not 1.0."""
    if isinstance(value, bytes):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _pretty(body: bytes, rules: MatchRules) -> list[str]:
    value = _comparable(body, rules)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace").splitlines() or [""]
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


_MAX_DIFF_LINES = 60
_MAX_COMPARED = 25


def explain_miss(live: LiveRequest, candidates: list[tuple[str, Interaction, MatchRules]],
                 exhausted: int = 0) -> str:
    """The miss message: the request, then a (bounded) diff against the nearest recorded interaction."""
    head = f"no recorded vendor interaction matches {live.method} {live.url}"
    if exhausted:
        head += f" (all {exhausted} matching interactions of an ordered cassette were already served)"
    if not candidates:
        return head + " (no cassette is active)"

    def misses(item: tuple[str, Interaction, MatchRules]) -> int:
        recorded = item[1].request
        parts = urlsplit(recorded.url)
        return (live.method != recorded.method) + 2 * (live.host != _host(recorded.url)) + 2 * (
            live.path != (parts.path or "/"))

    # Only the closest by method, host and path are compared by body, and by lines: a miss stays cheap.
    fewest = min(misses(item) for item in candidates)
    close = [item for item in candidates if misses(item) == fewest][:_MAX_COMPARED]
    sent_lines = _pretty(live.body, close[0][2])[:400]

    def similarity(item: tuple[str, Interaction, MatchRules]) -> float:
        recorded_lines = _pretty(_recorded_body(item[1].request), item[2])[:400]
        return difflib.SequenceMatcher(None, sent_lines, recorded_lines, autojunk=False).quick_ratio()

    name, nearest, rules = max(close, key=similarity)
    recorded = nearest.request
    lines = [f"{recorded.method} {recorded.url}", *_pretty(_recorded_body(recorded), rules)[:400]]
    sent = [f"{live.method} {live.url}", *_pretty(live.body, rules)[:400]]
    diff = list(difflib.unified_diff(lines, sent, fromfile=f"recorded ({name})", tofile="sent", lineterm=""))
    if len(diff) > _MAX_DIFF_LINES:
        diff = [*diff[:_MAX_DIFF_LINES], f"... ({len(diff) - _MAX_DIFF_LINES} more diff lines)"]
    body = "\n".join(line if len(line) <= 500 else line[:500] + "..." for line in diff)
    return f"{head}; nearest recorded interaction is in cassette {name!r}:\n{body}"
