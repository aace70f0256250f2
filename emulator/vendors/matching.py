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
        return urlsplit(self.url).netloc.lower()

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    def json(self) -> Any:
        return _parse(self.body)


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
    if not ignore_host and live.host != parts.netloc.lower():
        return False
    if rules.any_body:
        return True
    return _comparable(live.body, rules) == _comparable(_recorded_body(recorded), rules)


def _pretty(body: bytes, rules: MatchRules) -> list[str]:
    value = _comparable(body, rules)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace").splitlines() or [""]
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


def explain_miss(live: LiveRequest, candidates: list[tuple[str, Interaction, MatchRules]]) -> str:
    """The miss message: the request, then a diff against the nearest recorded interaction."""
    head = f"no recorded vendor interaction matches {live.method} {live.url}"
    if not candidates:
        return head + " (no cassette is active)"

    def distance(item: tuple[str, Interaction, MatchRules]) -> tuple[int, float]:
        _, interaction, rules = item
        recorded = interaction.request
        parts = urlsplit(recorded.url)
        misses = (live.method != recorded.method) + 2 * (live.host != parts.netloc.lower()) + 2 * (
            live.path != (parts.path or "/"))
        ratio = difflib.SequenceMatcher(None, "\n".join(_pretty(live.body, rules)),
                                        "\n".join(_pretty(_recorded_body(recorded), rules))).ratio()
        return misses, -ratio

    name, nearest, rules = min(candidates, key=distance)
    recorded = nearest.request
    lines = [f"{recorded.method} {recorded.url}", *_pretty(_recorded_body(recorded), rules)]
    sent = [f"{live.method} {live.url}", *_pretty(live.body, rules)]
    diff = "\n".join(difflib.unified_diff(lines, sent, fromfile=f"recorded ({name})", tofile="sent", lineterm=""))
    return f"{head}; nearest recorded interaction is in cassette {name!r}:\n{diff}"
