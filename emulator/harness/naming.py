"""Resource names unique to one test run and one xdist worker, so runs can share a cluster.

Every name a conformance test gives a connector, model group or model is
``<prefix><run>-<worker>-<base>``. The prefix is what a run looks for before it
starts (leftovers of an earlier run) and what it sweeps after each test.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass

DEFAULT_PREFIX = "mlconf-"
_PREFIX_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def validate_prefix(prefix: str) -> str:
    """``prefix`` if it is usable in names and as a search prefix; ValueError otherwise."""
    if not _PREFIX_RE.match(prefix):
        raise ValueError(f"--ml-name-prefix must be 1-32 lowercase letters, digits, '-' or '_' "
                         f"starting with a letter or digit, not {prefix!r}")
    return prefix


def new_run_id() -> str:
    """A short random id for one pytest run (shared by all its xdist workers)."""
    return secrets.token_hex(3)


def worker_id() -> str:
    """The xdist worker (``gw0``, ``gw1`` ...), or ``main`` outside xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@dataclass(frozen=True)
class RunNames:
    """Names for one run on one worker: ``names("group")`` -> ``mlconf-1a2b3c-gw0-group``."""

    prefix: str
    run_id: str
    worker: str

    @property
    def run_prefix(self) -> str:
        """What every name of this run and worker starts with."""
        return f"{self.prefix}{self.run_id}-{self.worker}-"

    def __call__(self, base: str) -> str:
        return self.run_prefix + base

    def owns(self, name: object) -> bool:
        """True for a name this run and worker gave out."""
        return isinstance(name, str) and name.startswith(self.run_prefix)
