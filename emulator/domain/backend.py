"""The ML Commons backend of one emulator: every domain service over one shared state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from . import cluster
from .connectors import Connectors
from .context import MLContext
from .model_groups import ModelGroups
from .models import Models
from .node import Node
from .predict import Predictions
from .security import Security, User
from .settings import ClusterSettings
from .store import CONNECTOR_INDEX, MODEL_INDEX, Store
from .tasks import Tasks


class MLBackend:
    """State (store, settings, deployed models) plus the services that own the rules."""

    def __init__(self, node: Node, node_settings: dict[str, Any] | None,
                 session_provider: Callable[[], requests.Session], security: Security | None = None) -> None:
        self.node = node
        self.security = security or Security(enabled=False)
        self.node_settings = dict(node_settings or {})
        self.store = Store()
        self.settings = ClusterSettings(self.node_settings)
        self.ctx = MLContext(self.store, self.settings, node)
        self.model_groups = ModelGroups(self.ctx)
        self.connectors = Connectors(self.ctx)
        self.tasks = Tasks(self.ctx)
        self.models = Models(self.ctx, self.model_groups, self.connectors, self.tasks)
        self.predictions = Predictions(self.ctx, self.models, session_provider)

    def reset(self) -> None:
        """Back to a fresh node: no indices, no cluster-level settings, nothing deployed."""
        with self.store.lock:
            self.store.reset()
            self.settings.reset()
            self.models.reset()
            self.predictions.reset()
            self.security.reset()

    def credential_values(self) -> list[str]:
        """Every connector credential value the node holds (standalone and inline), for scrubbing recordings."""
        values: list[str] = []
        with self.store.lock:
            for index, key in ((CONNECTOR_INDEX, None), (MODEL_INDEX, "connector")):
                if not self.store.index_exists(index):
                    continue
                for doc in self.store.documents(index):
                    holder = doc.source.get(key) if key else doc.source
                    credential = holder.get("credential") if isinstance(holder, dict) else None
                    if isinstance(credential, dict):
                        values.extend(v for v in credential.values() if isinstance(v, str) and v)
        return values

    def cluster_health(self, indices: list[str], wait_for_status: str | None) -> tuple[bool, dict[str, Any]]:
        return cluster.cluster_health(self.node, self.store, indices, wait_for_status)

    def expire_idle_models(self) -> None:
        """Run the node's sync-up duties that depend on time (model TTL)."""
        self.models.undeploy_idle()

    def update_connector(self, connector_id: str, body: Any, user: User | None = None) -> dict[str, Any]:
        return self.connectors.update(connector_id, body, self.models.deployed_ids(), user)
