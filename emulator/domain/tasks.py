"""ML tasks: the records register and deploy write, and get/delete/search over them.

Remote register and deploy finish within the request, so their tasks are
written as CREATED and completed before the HTTP answer, exactly the end state
a real node reaches a moment later.
"""

from __future__ import annotations

from typing import Any

from ..errors import index_not_found, java_exception, status_exception
from . import fields
from .context import MLContext
from .ids import new_id, now_millis
from .search import run_search
from .store import TASK_INDEX

_FIELD_ORDER = ("task_id", "model_id", "task_type", "function_name", "state", "input_type", "progress",
                "output_index", "worker_node", "create_time", "last_update_time", "error", "user", "is_async",
                "remote_job", "response", "tenant_id")


def ordered(source: dict[str, Any]) -> dict[str, Any]:
    return {key: source[key] for key in _FIELD_ORDER if source.get(key) is not None}


class Tasks:
    def __init__(self, ctx: MLContext) -> None:
        self.ctx = ctx
        self.store = ctx.store

    def record(self, *, task_type: str, is_async: bool, state: str, created: int, model_id: str | None = None,
               error: str | None = None) -> str:
        """A task the plugin creates (CREATED) and finishes within the same request: both writes, end state."""
        task_id = new_id()
        source = {"model_id": model_id, "task_type": task_type, "function_name": "REMOTE", "state": state,
                  "worker_node": [self.ctx.node.node_id], "create_time": created,
                  "last_update_time": max(now_millis(), created), "error": error, "is_async": is_async}
        self.store.put(TASK_INDEX, task_id, ordered(source), writes=2)
        return task_id

    def get(self, task_id: str) -> dict[str, Any]:
        source = self.store.view(TASK_INDEX, task_id)
        if source is None:
            raise status_exception("Failed to find task", 404)
        return source

    def delete(self, task_id: str) -> dict[str, Any]:
        with self.store.lock:
            if not self.store.index_exists(TASK_INDEX):
                sdk_error = status_exception(
                    f"Failed to get data object from index {TASK_INDEX}", 500, cause=index_not_found(TASK_INDEX)
                )
                raise status_exception("Failed to find task", 404, cause=sdk_error)
            doc = self.store.get(TASK_INDEX, task_id)
            if doc is None:
                raise status_exception("Failed to find task", 404)
            if doc.source.get("state") == "RUNNING":
                raise java_exception("exception", "Task cannot be deleted in running state. Try after some time.")
            deleted = self.store.delete(TASK_INDEX, task_id)
            assert deleted is not None
            return fields.write_response(TASK_INDEX, deleted, "deleted", forced_refresh=True)

    def search(self, body: Any) -> dict[str, Any]:
        return run_search(
            TASK_INDEX,
            self.store.documents(TASK_INDEX),
            body,
            index_exists=self.store.index_exists(TASK_INDEX),
            force_fetch_source=True,
        )
