"""Model-level rate limiting: the token bucket a node builds from a model's ``rate_limiter``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

NANOS_PER_UNIT = {"NANOSECONDS": 1, "MICROSECONDS": 1_000, "MILLISECONDS": 1_000_000, "SECONDS": 1_000_000_000,
                  "MINUTES": 60_000_000_000, "HOURS": 3_600_000_000_000, "DAYS": 86_400_000_000_000}


class TokenBucket:
    """OpenSearch's ``TokenBucket``: refills continuously at ``rate`` tokens per nanosecond up to ``burst``.

    Built as the plugin builds it: ``limit`` per ``unit`` spread over the eligible nodes, with a burst
    (and a full bucket to start) of ``max(limit / nodes, 1)``.
    """

    def __init__(self, limit: float, unit: str, nodes: int = 1,
                 clock: Callable[[], int] = time.monotonic_ns) -> None:
        self._rate = limit / NANOS_PER_UNIT[unit] / nodes
        self._burst = max(limit / nodes, 1.0)
        self._tokens = self._burst
        self._clock = clock
        self._last = clock()
        self._lock = threading.Lock()

    def request(self) -> bool:
        """Take one token if there is one."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self._burst, self._tokens + (now - self._last) * self._rate)
            self._last = now
            if self._tokens >= 1:
                self._tokens -= 1
                return True
            return False


def bucket_for(rate_limiter: dict[str, str] | None, clock: Callable[[], int] = time.monotonic_ns) -> TokenBucket | None:
    """A bucket for a model's ``rate_limiter``, or None when it is absent or incomplete (``isValid``)."""
    if not rate_limiter or rate_limiter.get("limit") is None or rate_limiter.get("unit") is None:
        return None
    try:
        limit = float(rate_limiter["limit"])
    except ValueError:
        return None
    return TokenBucket(limit, rate_limiter["unit"], clock=clock)
