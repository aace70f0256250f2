"""Scrubbing vendor traffic before it touches disk: requests and responses, headers, query strings and bodies.

What goes: authorization and API-key headers, AWS SigV4 headers and session tokens,
cookies, organisation / project / request ids, secret-looking query parameters, and every
configured credential value wherever it appears in a URL, header or body (JSON, text or
bytes). Request headers are kept only where they decide how a vendor answers
(``Content-Type``, API-version headers); response headers keep what the plugin reads
(``Content-Type``, ``x-amzn-ErrorType``, ``Retry-After``).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

from ..connectors.values import escape_json
from .cassette import Interaction, Message

REDACTED = "REDACTED"
KEPT_REQUEST_HEADERS = frozenset({"content-type", "anthropic-version", "openai-beta", "x-amz-target",
                                  "api-version", "cohere-version"})
KEPT_RESPONSE_HEADERS = frozenset({"content-type", "x-amzn-errortype", "retry-after"})
SECRET_QUERY_KEYS = frozenset({"key", "api_key", "apikey", "api-key", "token", "access_token", "access_key", "auth",
                               "sig", "signature", "code", "client_secret", "refresh_token", "subscription-key",
                               "x-amz-security-token", "x-amz-signature", "x-amz-credential"})


MIN_SECRET_LENGTH = 6
_ORG_IDS = re.compile(r"\b(org-|proj_)[A-Za-z0-9]{16,}\b")


def variants(secret: str) -> list[str]:
    """The spellings a value takes on the wire: as is, JSON-escaped (Gson and Apache), URL-encoded."""
    forms = {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1], escape_json(secret),
             quote(secret, safe=""), quote_plus(secret)}
    return sorted(forms, key=len, reverse=True)


def secret_forms(secrets: Iterable[str]) -> list[str]:
    """Every spelling of every value worth scrubbing (values shorter than 6 characters would mangle the text)."""
    forms = {form for secret in secrets if secret and len(secret) >= MIN_SECRET_LENGTH for form in variants(secret)}
    return sorted(forms, key=len, reverse=True)


def _scrub_text(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return _ORG_IDS.sub(lambda m: m.group(1) + REDACTED, text)


_SECRET_NAMES = (r"api[_-]?key|secret[_-]?(?:access[_-]?)?key|client[_-]?secret|access[_-]?token|refresh[_-]?token|"
                 r"id[_-]?token|session[_-]?token|password|authorization|request[_-]?id")
_SECRET_FIELD = re.compile(rf"(?i)(?:{_SECRET_NAMES})$")
_SECRET_TEXT_FIELD = re.compile(rf'(?i)("[A-Za-z0-9_-]*(?:{_SECRET_NAMES})"\s*:\s*")(?:[^"\\]|\\.)*"')


def _scrub_value(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        return _scrub_text(value, secrets)
    if isinstance(value, list):
        return [_scrub_value(v, secrets) for v in value]
    if isinstance(value, dict):
        # A field named like a credential is removed even when its value was not configured.
        return {_scrub_text(k, secrets): REDACTED if isinstance(v, str) and _SECRET_FIELD.search(k)
                else _scrub_value(v, secrets) for k, v in value.items()}
    return value


def _scrub_url(url: str, secrets: list[str]) -> str:
    parts = urlsplit(_scrub_text(url, secrets))
    if "@" in parts.netloc:
        # Userinfo (user:password@host) is a credential whatever it holds.
        parts = parts._replace(netloc=REDACTED + "@" + parts.netloc.rsplit("@", 1)[1])
    if not parts.query:
        return urlunsplit(parts)
    pairs = [(k, REDACTED if k.lower() in SECRET_QUERY_KEYS else _scrub_text(v, secrets))
             for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(pairs, safe="")))


def _scrub_body(message: Message, secrets: list[str]) -> dict[str, Any]:
    if message.has_json:
        return {"json_body": _scrub_value(message.json_body, secrets)}
    if message.text is not None:
        # Text bodies that are JSON get the field rules too (they are kept as text for their exact numbers).
        text = _scrub_text(message.text, secrets)
        return {"text": _SECRET_TEXT_FIELD.sub(lambda m: m.group(1) + REDACTED + '"', text)}
    if message.raw is not None:
        raw = message.raw
        for secret in secrets:
            raw = raw.replace(secret.encode("utf-8"), REDACTED.encode("ascii"))
            raw = raw.replace(base64.b64encode(secret.encode("utf-8")), REDACTED.encode("ascii"))
        return {"raw": raw}
    return {}


def scrub(interaction: Interaction, secrets: Iterable[str] = ()) -> Interaction:
    """The interaction with nothing secret left in it (``secrets``: credential values to remove anywhere)."""
    values = secret_forms(secrets)  # longest first: no partial leftovers
    request = interaction.request
    response = interaction.response
    request_headers = {k: _scrub_text(v, values) for k, v in request.headers.items()
                       if k.lower() in KEPT_REQUEST_HEADERS}
    response_headers = {k: _scrub_text(v, values) for k, v in response.headers.items()
                        if k.lower() in KEPT_RESPONSE_HEADERS}
    return Interaction(
        replace(request, url=_scrub_url(request.url, values), headers=request_headers,
                **_scrub_body(request, values)),
        replace(response, headers=response_headers, **_scrub_body(response, values)),
    )


def message_from_wire(headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """Cassette message fields for a body seen on the wire: JSON when it parses, text when UTF-8, else bytes."""
    fields: dict[str, Any] = {"headers": dict(headers)}
    if not body:
        return fields
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return {**fields, "raw": body}
    try:
        parsed = json.loads(text)
    except ValueError:
        return {**fields, "text": text}
    if not _numbers_round_trip(text):
        # Kept as text: a decimal Python would write differently (json-smart keeps long ones as BigDecimal).
        return {**fields, "text": text}
    return {**fields, "json_body": parsed, "has_json": True}


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?')


def _numbers_round_trip(text: str) -> bool:
    """Whether every number in the JSON text is spelled as Python writes it back."""
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token[0] == '"':
            continue
        if any(c in token for c in ".eE"):
            if repr(float(token)) != token:
                return False
        elif str(int(token)) != token:
            return False
    return True

