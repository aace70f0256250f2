"""Vendor cassettes: recorded (or authored) vendor interactions in one readable, diff-friendly JSON format.

A cassette file holds a name, its provenance (``recorded`` from real traffic, or
``authored`` from the vendor's published API reference), how requests are matched, and
the interactions. A request stores the method, URL, the headers that matter and a JSON
(``json``), text (``body``) or binary (``body_base64``) body; a response stores the status,
headers and body the same way. Files are written with sorted keys and two-space indents so
that a re-recording shows up as a small diff.
"""

from __future__ import annotations

import base64
import json
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
PROVENANCE_KINDS = ("recorded", "authored")


class CassetteError(ValueError):
    """A cassette file that cannot be read (the message names the file and the field)."""


@dataclass(frozen=True)
class Message:
    """One side of an interaction: headers and a body kept as JSON, text or bytes."""

    headers: dict[str, str] = field(default_factory=dict)
    json_body: Any = None
    has_json: bool = False
    text: str | None = None
    raw: bytes | None = None

    def body_bytes(self) -> bytes:
        if self.has_json:
            return json.dumps(self.json_body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        if self.text is not None:
            return self.text.encode("utf-8")
        return self.raw or b""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.headers:
            out["headers"] = dict(self.headers)
        if self.has_json:
            out["json"] = self.json_body
        elif self.text is not None:
            out["body"] = self.text
        elif self.raw is not None:
            out["body_base64"] = base64.b64encode(self.raw).decode("ascii")
        return out


@dataclass(frozen=True)
class Request(Message):
    method: str = "GET"
    url: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "url": self.url, **super().to_json()}


@dataclass(frozen=True)
class Response(Message):
    status: int = 200

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, **super().to_json()}


@dataclass(frozen=True)
class Interaction:
    request: Request
    response: Response

    def to_json(self) -> dict[str, Any]:
        return {"request": self.request.to_json(), "response": self.response.to_json()}


@dataclass(frozen=True)
class MatchRules:
    """How a live request is matched: method, host and path always; the body unless ``any_body``.

    ``ignore_body_fields`` are dotted paths left out of the JSON comparison (``model``,
    ``options.seed``); ``ordered`` serves matching interactions once each, in order (a 429
    then a 200 for a retried call).
    """

    any_body: bool = False
    ignore_body_fields: tuple[str, ...] = ()
    ordered: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"any_body": self.any_body, "ignore_body_fields": list(self.ignore_body_fields),
                "ordered": self.ordered}


@dataclass(frozen=True)
class Cassette:
    name: str
    provenance: dict[str, Any]
    interactions: tuple[Interaction, ...]
    match: MatchRules = MatchRules()
    path: Path | None = None

    def to_json(self) -> dict[str, Any]:
        return {"format_version": FORMAT_VERSION, "name": self.name, "provenance": dict(self.provenance),
                "match": self.match.to_json(), "interactions": [i.to_json() for i in self.interactions]}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def save(self, path: Path) -> None:
        """Write atomically: a reader (or a crash) never sees half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_text(self.dumps(), encoding="utf-8")
        os.replace(temporary, path)


def _message_fields(raw: Mapping[str, Any], where: str) -> dict[str, Any]:
    headers = raw.get("headers") or {}
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise CassetteError(f"{where}.headers must be an object of strings")
    bodies = [key for key in ("json", "body", "body_base64") if key in raw]
    if len(bodies) > 1:
        raise CassetteError(f"{where} has more than one of json, body, body_base64: {bodies}")
    out: dict[str, Any] = {"headers": dict(headers)}
    if "json" in raw:
        out.update(json_body=raw["json"], has_json=True)
    elif "body" in raw:
        if not isinstance(raw["body"], str):
            raise CassetteError(f"{where}.body must be a string (use json for JSON values)")
        out["text"] = raw["body"]
    elif "body_base64" in raw:
        try:
            out["raw"] = base64.b64decode(raw["body_base64"], validate=True)
        except (ValueError, TypeError) as error:
            raise CassetteError(f"{where}.body_base64 is not base64: {error}") from None
    return out


def from_json(data: Any, path: Path | None = None) -> Cassette:
    """A cassette from its parsed JSON; every problem is a :class:`CassetteError` naming the field."""
    origin = str(path) if path is not None else "<cassette>"
    if not isinstance(data, dict):
        raise CassetteError(f"{origin}: a cassette is a JSON object")
    if data.get("format_version") != FORMAT_VERSION:
        raise CassetteError(f"{origin}: format_version must be {FORMAT_VERSION}")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise CassetteError(f"{origin}: name must be a non-empty string")
    provenance = data.get("provenance")
    if not isinstance(provenance, dict) or provenance.get("kind") not in PROVENANCE_KINDS:
        raise CassetteError(f"{origin}: provenance.kind must be one of {', '.join(PROVENANCE_KINDS)}")
    rules = data.get("match") or {}
    if not isinstance(rules, dict):
        raise CassetteError(f"{origin}: match must be an object")
    ignore = rules.get("ignore_body_fields") or []
    if not isinstance(ignore, list) or not all(isinstance(f, str) for f in ignore):
        raise CassetteError(f"{origin}: match.ignore_body_fields must be a list of strings")
    for flag in ("any_body", "ordered"):
        if not isinstance(rules.get(flag, False), bool):
            raise CassetteError(f"{origin}: match.{flag} must be true or false")
    match = MatchRules(any_body=rules.get("any_body", False), ignore_body_fields=tuple(ignore),
                       ordered=rules.get("ordered", False))
    raw_interactions = data.get("interactions")
    if not isinstance(raw_interactions, list) or not raw_interactions:
        raise CassetteError(f"{origin}: interactions must be a non-empty list")
    interactions = []
    for index, item in enumerate(raw_interactions):
        where = f"{origin}: interactions[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("request"), dict) \
                or not isinstance(item.get("response"), dict):
            raise CassetteError(f"{where} must hold a request and a response object")
        request, response = item["request"], item["response"]
        method, url = request.get("method"), request.get("url")
        if not isinstance(method, str) or not isinstance(url, str) or "://" not in url:
            raise CassetteError(f"{where}.request needs a method and an absolute url")
        status = response.get("status")
        if not isinstance(status, int) or not 100 <= status <= 599:
            raise CassetteError(f"{where}.response.status must be an HTTP status code")
        interactions.append(Interaction(
            Request(method=method.upper(), url=url, **_message_fields(request, f"{where}.request")),
            Response(status=status, **_message_fields(response, f"{where}.response")),
        ))
    return Cassette(name=name, provenance=dict(provenance), interactions=tuple(interactions), match=match, path=path)


def load(path: Path) -> Cassette:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CassetteError(f"{path}: {error}") from None
    return from_json(data, path)


_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(?:/[A-Za-z0-9_][A-Za-z0-9._-]*)*")


def cassette_path(root: Path, name: str) -> Path:
    """Where cassette ``name`` lives under ``root``; names are relative paths of plain segments (no ``..``)."""
    if not _NAME.fullmatch(name) or any(part in ("", ".", "..") for part in name.split("/")):
        raise CassetteError(f"invalid cassette name {name!r}: use segments of letters, digits, '.', '_' and '-' "
                            "separated by '/'")
    return root / f"{name}.json"


def load_named(root: Path, name: str) -> Cassette:
    """``openai/embeddings`` is ``<root>/openai/embeddings.json``."""
    path = cassette_path(root, name)
    if not path.is_file():
        raise CassetteError(f"no cassette named {name!r} under {root}")
    return load(path)
