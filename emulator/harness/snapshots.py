"""Recorded, normalised responses that later runs verify against (one reviewable JSON file per test).

A test calls ``snapshot.match("key", response)``. With ``update`` the normalised
response is kept and written to ``<test dir>/snapshots/<module>/<test>.json`` when
the test passes; otherwise it is compared with the recorded one and a difference
fails the test with a diff. The file says which backend and version it was
recorded from, so a snapshot taken on a real node is told apart from one taken on
the emulator.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .normalise import Normaliser, diff, dumps

FORMAT = 1


class SnapshotError(Exception):
    """A snapshot file that cannot be read, or a test that misuses ``match``."""


class SnapshotMismatch(AssertionError):
    """The normalised response differs from the recorded one."""

    def __init__(self, key: str, path: Path, text: str) -> None:
        super().__init__(f"snapshot {key!r} in {path} differs from the response (normalised):\n{text}")
        self.key = key
        self.diff = text


def snapshot_path(test_file: Path, test_name: str) -> Path:
    """Where a test's snapshot lives: beside its module, one file per test (parameters included)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name).strip("_")
    return test_file.parent / "snapshots" / test_file.stem / f"{safe}.json"


def load(path: Path) -> dict[str, Any]:
    """The recorded values of one snapshot file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise SnapshotError(f"{path}: not JSON ({error})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("values"), dict):
        raise SnapshotError(f"{path}: not a snapshot file of format {FORMAT} (needs 'format' and 'values')")
    return data


@dataclass
class Snapshot:
    """The snapshot of one test: ``match`` compares (or, when updating, records) normalised values."""

    path: Path
    test_id: str
    normaliser: Callable[[], Normaliser]
    update: bool
    source: dict[str, str]
    recorded: dict[str, Any] = field(default_factory=dict)
    mismatches: list[SnapshotMismatch] = field(default_factory=list)
    # Called with each mismatch before it is raised (the plugin puts it in the test's report).
    on_mismatch: Callable[[SnapshotMismatch], None] | None = None
    _loaded: dict[str, Any] | None = None

    def match(self, key: str, value: Any) -> None:
        """Check ``value`` (normalised) against the recorded ``key``; record it instead when updating."""
        __tracebackhide__ = True
        if key in self.recorded:
            raise SnapshotError(f"snapshot key {key!r} used twice in {self.test_id}")
        try:
            json.dumps(value)
        except (TypeError, ValueError) as error:
            raise SnapshotError(f"snapshot {key!r} in {self.test_id} is not a JSON value ({error})") from None
        # Built per call: the texts to replace (vendor URLs rewritten to the stub) grow during the test.
        normalised = self.normaliser().normalise(value)
        self.recorded[key] = normalised
        if self.update:
            return
        values = self._recorded_values()
        if key not in values:
            raise SnapshotError(f"no snapshot {key!r} is recorded in {self.path}: record it with "
                                f"--ml-snapshot-update (against a real node, ideally)")
        if values[key] != normalised:
            mismatch = SnapshotMismatch(key, self.path, diff(values[key], normalised, ("recorded", "response")))
            self.mismatches.append(mismatch)
            if self.on_mismatch is not None:
                self.on_mismatch(mismatch)
            raise mismatch

    def _recorded_values(self) -> dict[str, Any]:
        if self._loaded is None:
            if not self.path.exists():
                raise SnapshotError(f"no snapshot is recorded for {self.test_id} ({self.path}): record it with "
                                    f"--ml-snapshot-update (against a real node, ideally)")
            self._loaded = load(self.path)
        return self._loaded["values"]

    def save(self) -> Path | None:
        """Write what this test recorded (update mode); nothing when it matched nothing."""
        if not self.update or not self.recorded:
            return None
        document = {"format": FORMAT, "test": self.test_id, "recorded_from": self.source,
                    "recorded_on": datetime.now(UTC).date().isoformat(), "values": self.recorded}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Atomic: xdist workers and an interrupted run never leave half a file.
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(dumps(document) + "\n")
        os.replace(temporary, self.path)
        return self.path
