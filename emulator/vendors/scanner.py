"""A secret scanner for fixture folders: known key shapes and configured credential values must not be there.

Run it on any folder (``python -m emulator.vendors scan DIR [--secret VALUE ...]``) or call
:func:`scan` from a test. It reads every file, base64 bodies decoded too, and reports each
finding with the file, the line and what was found (the value itself is not printed).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .scrub import secret_forms

# Key shapes vendors issue; the shipped fixtures use REDACTED or obviously fake values instead.
PATTERNS: dict[str, re.Pattern[str]] = {
    "OpenAI API key": re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
    "Anthropic API key": re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b"),
    "AWS secret access key": re.compile(r"(?i)secret[_-]?(?:access[_-]?)?key[\"'\s:=]+[A-Za-z0-9/+]{40}\b"),
    "AWS session token": re.compile(r"\b(?:IQoJb3JpZ2luX2Vj|FwoGZXIv|FQoGZXIv)[A-Za-z0-9/+=]{40,}"),
    "AWS SigV4 signature": re.compile(r"(?i)Signature=[0-9a-f]{64}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}"),
    "Google OAuth token": re.compile(r"\bya29\.[0-9A-Za-z_-]{20,}"),
    "JSON web token": re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    "Hugging Face token": re.compile(r"\bhf_[A-Za-z0-9]{30,}"),
    "bearer token": re.compile(r"(?i)\b(?:bearer|token)\s+(?!REDACTED\b)[A-Za-z0-9._~+/=-]{20,}"),
    "GitHub token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{30,})"),
    "API key assignment": re.compile(r"(?i)\b(?:x-api-key|api-key|api_key|apikey|secret_key|access_token)['\"]?"
                                     r"\s*[:=]\s*['\"]?(?!REDACTED)[A-Za-z0-9_\-/+=]{16,}"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "basic credentials": re.compile(r"(?i)\bbasic\s+(?!REDACTED\b)[A-Za-z0-9+/=]{12,}"),
    "API key header": re.compile(r'(?i)"(?:x-api-key|api-key|x-goog-api-key|ocp-apim-subscription-key|'
                                 r'x-amz-security-token)"\s*:\s*"(?!REDACTED")[^"]{8,}"'),
    "named secret field": re.compile(r'(?i)"[a-z0-9_-]*(?:api[_-]?key|secret[_-]?(?:access[_-]?)?key|'
                                     r'access[_-]?token|session[_-]?token|password)"\s*:\s*"(?!REDACTED")[^"]{8,}"'),
}
_BASE64 = re.compile(r'"body_base64"\s*:\s*"([A-Za-z0-9+/=\s]+)"')


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _texts(text: str) -> list[tuple[int, str]]:
    """The file's lines, plus the decoded text of each base64 body (reported on its line)."""
    lines = list(enumerate(text.splitlines(), 1))
    for match in _BASE64.finditer(text):
        number = text.count("\n", 0, match.start()) + 1
        try:
            decoded = base64.b64decode("".join(match.group(1).split()), validate=True)
        except (binascii.Error, ValueError):
            continue
        lines.append((number, decoded.decode("utf-8", errors="replace")))
    return lines


def scan_text(text: str, path: Path, secrets: Iterable[str] = ()) -> list[Finding]:
    # Each configured value in every spelling it can take in a file (JSON-escaped, URL-encoded ...).
    values = secret_forms(s for s in secrets if s and len(s) >= 4)
    findings = []
    for number, line in _texts(text):
        for what, pattern in PATTERNS.items():
            if pattern.search(line):
                findings.append(Finding(path, number, what))
        for value in values:
            if value in line:
                findings.append(Finding(path, number, "a configured credential value"))
    return findings


def scan(folder: Path, secrets: Iterable[str] = ()) -> list[Finding]:
    """Every finding under ``folder`` (all files, recursively)."""
    values = list(secrets)
    findings: list[Finding] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        findings.extend(scan_text(text, path, values))
    return findings
