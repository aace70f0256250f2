"""Connection pools: ``client_config.max_connection`` bounds the concurrent calls of one deployed model.

Each deployed model's connector executor owns its HTTP client (``MLHttpClientCacheManager``
holds one client per executor, rebuilt when the client configuration changes), whose Netty
pool has ``max_connection`` connections. A call that cannot get a connection within the SDK's
acquire timeout (10 s) fails: 429 from 3.8, 500 before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ..errors import status_exception

ACQUIRE_TIMEOUT_SECONDS = 10.0
ACQUIRE_TIMEOUT_MESSAGE = (
    "Acquire operation took longer than the configured maximum time. This indicates that a request cannot get a "
    "connection from the pool within the specified maximum time. This can be due to high request rate."
)


class ConnectionPools:
    """One bounded pool per deployed model and client configuration, for one emulated node."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pools: dict[tuple[Any, ...], threading.BoundedSemaphore] = {}

    def _pool(self, model_id: str, config: Mapping[str, Any]) -> threading.BoundedSemaphore:
        key = (model_id, int(config.get("max_connection", 30)), config.get("connection_timeout", 30),
               config.get("read_timeout", 30), bool(config.get("skip_ssl_verification", False)))
        with self._lock:
            pool = self._pools.get(key)
            if pool is None:
                pool = self._pools[key] = threading.BoundedSemaphore(max(key[1], 1))
            return pool

    @contextmanager
    def connection(self, model_id: str, config: Mapping[str, Any], timeout_status: int = 429) -> Iterator[None]:
        pool = self._pool(model_id, config)
        if not pool.acquire(timeout=ACQUIRE_TIMEOUT_SECONDS):
            raise status_exception(f"Error communicating with remote model: {ACQUIRE_TIMEOUT_MESSAGE}",
                                   timeout_status)
        try:
            yield
        finally:
            pool.release()
