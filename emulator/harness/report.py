"""The conformance report: one entry per test with backend, version, outcome and normalised mismatches.

Entries are built from pytest's test reports, so under xdist they are gathered
on the controller: what only a worker knows (the node's version, snapshot
mismatches) travels in the reports' ``user_properties``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BACKEND_PROPERTY = "ml_backend"
MISMATCH_PROPERTY = "ml_mismatch"
_ORDER = {"setup": 0, "call": 1, "teardown": 2}


def _failure_text(report: Any) -> str:
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    if crash is not None:
        return str(crash.message)[:4000]
    return str(getattr(report, "longrepr", "") or "")[:4000]


@dataclass
class Entry:
    test: str
    conformance: bool
    backend: str
    version: str | None = None
    distribution: str | None = None
    outcome: str = "passed"
    duration: float = 0.0
    failure: str | None = None
    skip_reason: str | None = None
    mismatches: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"test": self.test, "conformance": self.conformance, "backend": self.backend,
                                "version": self.version, "distribution": self.distribution,
                                "outcome": self.outcome, "duration": round(self.duration, 4)}
        if self.failure:
            data["failure"] = self.failure
        if self.skip_reason:
            data["skip_reason"] = self.skip_reason
        if self.mismatches:
            data["mismatches"] = self.mismatches
        return data


class ConformanceReport:
    """Collects test reports into entries; :meth:`write` saves them as JSON."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.entries: dict[str, Entry] = {}

    def add(self, report: Any) -> None:
        """Fold one phase's ``TestReport`` into its test's entry."""
        entry = self.entries.get(report.nodeid)
        if entry is None:
            keywords = getattr(report, "keywords", {}) or {}
            entry = self.entries[report.nodeid] = Entry(report.nodeid, "conformance" in keywords, self.backend)
        entry.duration += float(getattr(report, "duration", 0.0) or 0.0)
        for name, value in getattr(report, "user_properties", []) or []:
            if name == BACKEND_PROPERTY and isinstance(value, dict):
                entry.backend = value.get("backend", entry.backend)
                entry.version = value.get("version")
                entry.distribution = value.get("distribution")
            elif name == MISMATCH_PROPERTY and isinstance(value, dict) and value not in entry.mismatches:
                entry.mismatches.append(value)
        outcome = self._outcome(report)
        if outcome is not None and self._worse(outcome, entry.outcome):
            entry.outcome = outcome
            if outcome in ("failed", "error"):
                entry.failure = _failure_text(report)
            elif outcome == "skipped":
                longrepr = getattr(report, "longrepr", None)
                entry.skip_reason = str(longrepr[2]) if isinstance(longrepr, tuple) and len(longrepr) == 3 else None

    @staticmethod
    def _outcome(report: Any) -> str | None:
        if hasattr(report, "wasxfail"):
            return "xfailed" if report.skipped else "xpassed"
        if report.failed:
            return "failed" if report.when == "call" else "error"
        if report.skipped:
            return "skipped"
        return None

    @staticmethod
    def _worse(new: str, old: str) -> bool:
        rank = {"passed": 0, "xfailed": 1, "skipped": 1, "xpassed": 2, "failed": 3, "error": 3}
        return rank[new] > rank[old]

    def counts(self, conformance_only: bool = False) -> dict[str, int]:
        totals: dict[str, int] = {}
        for entry in self.entries.values():
            if conformance_only and not entry.conformance:
                continue
            totals[entry.outcome] = totals.get(entry.outcome, 0) + 1
        return totals

    def versions(self) -> list[str]:
        return sorted({entry.version for entry in self.entries.values() if entry.version})

    def summary(self) -> str:
        """One line: backend, version, outcomes of the conformance tests and how many mismatched a snapshot."""
        counts = self.counts(conformance_only=True)
        mismatched = sum(1 for entry in self.entries.values() if entry.conformance and entry.mismatches)
        parts = ", ".join(f"{counts[k]} {k}" for k in ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
                          if counts.get(k))
        version = "/".join(self.versions()) or "version unknown"
        return (f"ML conformance on {self.backend} (OpenSearch {version}): {parts or 'no conformance tests'}"
                f"{f'; {mismatched} with snapshot mismatches' if mismatched else ''}")

    def write(self, path: Path) -> None:
        document = {
            "format": 1,
            "generated": datetime.now(UTC).isoformat(timespec="seconds"),
            "backend": self.backend,
            "versions": self.versions(),
            "summary": self.counts(conformance_only=True),
            "tests": [entry.as_json() for entry in sorted(self.entries.values(), key=lambda e: e.test)],
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
