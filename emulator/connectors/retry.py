"""Retries of a remote call, as ``RemoteConnectorExecutor.invokeRemoteServiceWithRetry`` runs them.

OpenSearch's ``RetryableAction`` retries while ``shouldRetry`` says so and the
``retry_timeout_seconds`` budget lasts; the delay between attempts comes from the
connector's backoff policy. The failure the client finally sees is the last one,
with up to three earlier ones attached as ``suppressed`` (the action keeps four).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from ..errors import OpenSearchError, illegal_argument

T = TypeVar("T")
_KEPT_FAILURES = 4


def retryable(error: OpenSearchError, *, status_errors: bool = True) -> bool:
    """AWS header throttling, and (from 3.8) any status exception with 429 or a 5xx status."""
    if error.type == "remote_connector_throttling_exception":
        return True
    return (status_errors and error.status_known and error.type == "status_exception"
            and (error.status == 429 or error.status >= 500))


def _time_value(millis: int) -> str:
    """``TimeValue.toString`` for a duration in milliseconds."""
    if millis == 0:
        return "0s"
    if millis == -1:
        return "-1"
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if millis >= size:
            value = millis / size
            return f"{value:.1f}".rstrip("0").rstrip(".") + unit
    return f"{millis}ms"


def delays(config: Mapping[str, Any], rng: random.Random) -> Iterator[float]:
    """Seconds to wait before each retry, per ``retry_backoff_policy`` (OpenSearch ``BackoffPolicy``)."""
    base = int(config.get("retry_backoff_millis", 200))
    policy = config.get("retry_backoff_policy", "constant")
    attempt = 0
    while True:
        if policy == "exponential_equal_jitter":
            # min(2^retries * base, max) ms; half of it fixed, the other half random (retries capped at 30).
            cap = int(config.get("retry_timeout_seconds", 30)) * 1000
            ceiling = min(base * (1 << min(attempt, 30)), cap)
            millis = ceiling // 2 + rng.randint(0, ceiling // 2)
        elif policy == "exponential_full_jitter":
            # 1 to the current bound, which doubles each time up to Integer.MAX_VALUE.
            bound = min(base * (1 << min(attempt, 31)), 2**31 - 1)
            millis = rng.randint(1, max(bound, 1))
        else:
            millis = base
        attempt += 1
        yield max(millis, 0) / 1000


def check_retry_config(config: Mapping[str, Any]) -> None:
    """What building ``RetryableAction`` refuses: its two ``TimeValue`` arguments, then the initial delay."""
    backoff = int(config.get("retry_backoff_millis", 200))
    if backoff < -1:
        raise illegal_argument(f"duration cannot be negative, was given [{backoff}]")
    timeout = int(config.get("retry_timeout_seconds", 30))
    if timeout < -1:
        raise illegal_argument(f"duration cannot be negative, was given [{timeout}]")
    if backoff < 1:
        raise illegal_argument(f"Initial delay was less than 1 millisecond: {_time_value(backoff)}")


def with_retries(call: Callable[[], T], config: Mapping[str, Any], *, retry_status_errors: bool = True,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 rng: random.Random | None = None) -> T:
    """Run ``call`` until it succeeds, fails for good, or the retry budget is spent."""
    check_retry_config(config)
    max_retries = int(config.get("max_retry_times", 0))
    timeout = int(config.get("retry_timeout_seconds", 30))
    started = clock()
    failures: list[OpenSearchError] = []
    retries = 0
    waits = delays(config, rng or random.Random())
    while True:
        try:
            return call()
        except OpenSearchError as error:
            failures.insert(0, error)
            del failures[_KEPT_FAILURES:]
            retries += 1
            retry = retryable(error, status_errors=retry_status_errors) and (
                max_retries == -1 or retries <= max_retries)
            if not retry or clock() - started >= timeout:
                raise _final(failures) from None
            sleep(next(waits))


def _final(failures: list[OpenSearchError]) -> OpenSearchError:
    top = failures[0]
    if len(failures) > 1:
        top = top.with_suppressed(failures[1:])
    return top
