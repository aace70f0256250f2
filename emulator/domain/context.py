"""What every domain service shares: the store, the settings and the node identity."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .ids import now_millis
from .node import Node
from .settings import ClusterSettings
from .store import Store


@dataclass
class MLContext:
    store: Store
    settings: ClusterSettings
    node: Node
    # Epoch milliseconds for time-driven rules (model TTL); tests may substitute a controllable clock.
    clock: Callable[[], int] = field(default=now_millis)

    def remote_inference_enabled(self) -> bool:
        return self.settings.get_bool("remote_inference.enabled")
