"""One cluster, several test processes: cluster-wide settings are changed by one test at a time.

Every test on a shared cluster holds a shared lock; a test about to change a
cluster setting takes it exclusively, so no other test runs while the setting
differs, and gives it back after its clean-up has put the setting back. The lock
is an ``flock`` on a file named after the cluster URL, so the xdist workers of a
run (and other runs on the same machine) agree on it. Where ``fcntl`` does not
exist (Windows) the lock does nothing and settings tests should not run in parallel.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def lock_path(url: str) -> Path:
    digest = hashlib.sha256(url.rstrip("/").encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / "ml-commons-emulator-locks" / f"{digest}.lock"


class ClusterLock:
    """``shared()`` for every test, ``exclusive()`` before a settings change, ``release()`` after clean-up."""

    def __init__(self, url: str) -> None:
        self.path = lock_path(url)
        self.mode: str | None = None
        self._fd: int | None = None

    def _file(self) -> int:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        return self._fd

    def shared(self) -> None:
        if self.mode is None and fcntl is not None:
            fcntl.flock(self._file(), fcntl.LOCK_SH)
        self.mode = self.mode or "shared"

    def exclusive(self) -> None:
        if self.mode != "exclusive" and fcntl is not None:
            # flock converts by releasing first, so two tests upgrading at once cannot deadlock.
            fcntl.flock(self._file(), fcntl.LOCK_EX)
        self.mode = "exclusive"

    def release(self) -> None:
        if self.mode is not None and fcntl is not None:
            fcntl.flock(self._file(), fcntl.LOCK_UN)
        self.mode = None

    def close(self) -> None:
        self.release()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
