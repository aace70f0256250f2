"""Connection pools: ``client_config.max_connection`` bounds the concurrent calls of one HTTP client.

The plugin caches one Netty client per client configuration (``MLHttpClientCacheManager``
keys it by the timeouts, pool size and TLS options), so connectors with the same
``client_config`` share a pool of ``max_connection`` connections. A call that cannot get a
connection within the SDK's acquire timeout (10 s) fails; the plugin answers that with 429.
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
    """One bounded pool per distinct client configuration, for one emulated node."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pools: dict[tuple[Any, ...], threading.BoundedSemaphore] = {}

    def _pool(self, config: Mapping[str, Any]) -> threading.BoundedSemaphore:
        key = (int(config.get("max_connection", 30)), config.get("connection_timeout", 30),
               config.get("read_timeout", 30), bool(config.get("skip_ssl_verification", False)))
        with self._lock:
            pool = self._pools.get(key)
            if pool is None:
                pool = self._pools[key] = threading.BoundedSemaphore(max(key[0], 1))
            return pool

    @contextmanager
    def connection(self, config: Mapping[str, Any]) -> Iterator[None]:
        pool = self._pool(config)
        if not pool.acquire(timeout=ACQUIRE_TIMEOUT_SECONDS):
            raise status_exception(f"Error communicating with remote model: {ACQUIRE_TIMEOUT_MESSAGE}", 429)
        try:
            yield
        finally:
            pool.release()
