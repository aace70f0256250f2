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

# Key shapes vendors issue; the shipped fixtures use REDACTED or obviously fake values instead.
PATTERNS: dict[str, re.Pattern[str]] = {
    "OpenAI API key": re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
    "Anthropic API key": re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b"),
    "AWS secret access key": re.compile(r"(?i)secret[_-]?(?:access[_-]?)?key[\"'\s:=]+[A-Za-z0-9/+]{40}\b"),
    "AWS session token": re.compile(r"\bIQoJb3JpZ2luX2Vj[A-Za-z0-9/+=]{40,}"),
    "AWS SigV4 signature": re.compile(r"Signature=[0-9a-f]{64}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "bearer token": re.compile(r"(?i)\bbearer\s+(?!REDACTED\b)[A-Za-z0-9._~+/=-]{20,}"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "basic credentials": re.compile(r"(?i)\bbasic\s+(?!REDACTED\b)[A-Za-z0-9+/=]{12,}"),
    "API key header": re.compile(r'(?i)"(?:x-api-key|api-key|x-goog-api-key|ocp-apim-subscription-key|'
                                 r'x-amz-security-token)"\s*:\s*"(?!REDACTED")[^"]{8,}"'),
    "named secret field": re.compile(r'(?i)"[a-z0-9_-]*(?:api[_-]?key|secret[_-]?(?:access[_-]?)?key|'
                                     r'access[_-]?token|session[_-]?token|password)"\s*:\s*"(?!REDACTED")[^"]{8,}"'),
}
_BASE64 = re.compile(r'"body_base64"\s*:\s*"([A-Za-z0-9+/=]+)"')


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
    for number, line in list(lines):
        for match in _BASE64.finditer(line):
            try:
                decoded = base64.b64decode(match.group(1), validate=True).decode("utf-8", errors="replace")
            except (binascii.Error, ValueError):
                continue
            lines.append((number, decoded))
    return lines


def scan_text(text: str, path: Path, secrets: Iterable[str] = ()) -> list[Finding]:
    values = [s for s in secrets if s and len(s) >= 4]
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
