"""What every domain service shares: the store, the settings and the node identity."""

from __future__ import annotations

from dataclasses import dataclass

from .node import Node
from .settings import ClusterSettings
from .store import Store


@dataclass
class MLContext:
    store: Store
    settings: ClusterSettings
    node: Node

    def remote_inference_enabled(self) -> bool:
        return self.settings.get_bool("remote_inference.enabled")
