"""The core cluster answers the emulated single node gives: health over the indices that exist."""

from __future__ import annotations

from typing import Any

from ..errors import illegal_argument
from .node import Node
from .store import Store

HEALTH_STATUSES = ("green", "yellow", "red")


def cluster_health(node: Node, store: Store, indices: list[str], wait_for_status: str | None) -> tuple[bool, dict]:
    """``(timed_out, body)`` of ``_cluster/health``, optionally restricted to ``indices``.

    A missing index keeps a real node red until the request's timeout (30 s by default) ends it
    with ``timed_out: true``; the emulator reports that outcome at once.
    """
    if wait_for_status is not None and wait_for_status.lower() not in HEALTH_STATUSES:
        raise illegal_argument(
            f"No enum constant org.opensearch.cluster.health.ClusterHealthStatus.{wait_for_status.upper()}"
        )
    if indices:
        missing = [name for name in indices if not store.index_exists(name)]
        shards = len(indices) - len(missing)
    else:
        missing = []
        shards = store.index_count()
    body: dict[str, Any] = {
        "cluster_name": node.cluster_name,
        "status": "red" if missing else "green",
        "timed_out": bool(missing),
        "number_of_nodes": 1,
        "number_of_data_nodes": 1,
        "discovered_master": True,
        "discovered_cluster_manager": True,
        "active_primary_shards": shards,
        "active_shards": shards,
        "relocating_shards": 0,
        "initializing_shards": 0,
        "unassigned_shards": 0,
        "delayed_unassigned_shards": 0,
        "number_of_pending_tasks": 0,
        "number_of_in_flight_fetch": 0,
        "task_max_waiting_in_queue_millis": 0,
        "active_shards_percent_as_number": 100.0,
    }
    return bool(missing), body
