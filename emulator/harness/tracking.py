"""What a test creates on a shared node, and how it is removed again without touching anything else.

:class:`TrackingTransport` is an opensearch-py ``Transport`` that watches the
requests of a test: it keeps the ids of every connector, model group, model and
task the node answers with, the previous value of every cluster setting the test
changes, and (when the test replays vendor cassettes through the stub) points
connector actions at the stub. :func:`clean_up` then undeploys and deletes those
resources, sweeps anything else carrying the run's name prefix, and puts the
settings back. Nothing the run did not create is deleted.
"""

from __future__ import annotations

import json
import re
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from opensearchpy import Transport
from opensearchpy.exceptions import TransportError

from ..vendors.stub import rewrite_url
from .locking import ClusterLock

ML = "/_plugins/_ml"
Perform = Callable[..., tuple[int, Any]]


class CleanupWarning(UserWarning):
    """A resource the harness created could not be removed from the node."""


@dataclass
class Ledger:
    """The resources and setting changes of one test (or, for the session's own settings, of the session)."""

    connectors: list[str] = field(default_factory=list)
    model_groups: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    settings: dict[str, dict[str, Any]] = field(default_factory=lambda: {"persistent": {}, "transient": {}})
    # Every model the test registered, deleted or not: their deploy and predict tasks are cleaned up too.
    task_models: list[str] = field(default_factory=list)
    # Vendor URLs rewritten to the stub: rewritten -> original, for normalising answers back.
    rewrites: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, resource_id: Any) -> None:
        bucket: list[str] = getattr(self, kind)
        if isinstance(resource_id, str) and resource_id and resource_id not in bucket:
            bucket.append(resource_id)
            if kind == "models" and resource_id not in self.task_models:
                self.task_models.append(resource_id)

    def forget(self, kind: str, resource_id: str) -> None:
        bucket: list[str] = getattr(self, kind)
        if resource_id in bucket:
            bucket.remove(resource_id)

    def empty(self) -> bool:
        return not (self.connectors or self.model_groups or self.models or self.tasks or self.task_models
                    or self.settings["persistent"] or self.settings["transient"])


@dataclass
class Scope:
    """What the transport records into for the running test; ``stub_url`` is set when vendors are replayed."""

    ledger: Ledger = field(default_factory=Ledger)
    stub_url: str | None = None
    lock: ClusterLock | None = None


_CREATES = [
    (re.compile(rf"^{ML}/connectors/_create$"), (("connector_id", "connectors"),)),
    (re.compile(rf"^{ML}/model_groups/_register$"), (("model_group_id", "model_groups"),)),
    (re.compile(rf"^{ML}/models/(_register|_upload)$"), (("model_id", "models"), ("task_id", "tasks"))),
    (re.compile(rf"^{ML}/models/[^/]+/(_deploy|_load)$"), (("task_id", "tasks"),)),
    (re.compile(rf"^{ML}/models/[^/]+/_predict$"), (("task_id", "tasks"),)),
]
_DELETES = [
    (re.compile(rf"^{ML}/connectors/([^/]+)$"), "connectors"),
    (re.compile(rf"^{ML}/model_groups/([^/]+)$"), "model_groups"),
    (re.compile(rf"^{ML}/models/([^/]+)$"), "models"),
    (re.compile(rf"^{ML}/tasks/([^/]+)$"), "tasks"),
]
_REGISTER = re.compile(rf"^{ML}/models/(_register|_upload)$")
_FAILED_REGISTER_QUERY = {"query": {"bool": {
    "filter": [{"term": {"task_type": "REGISTER_MODEL"}}, {"term": {"state": "FAILED"}}],
    "must_not": [{"exists": {"field": "model_id"}}]}}, "size": 1000, "_source": False}
_CONNECTOR_BODIES = re.compile(rf"^{ML}/(connectors/_create|connectors/[^/]+|models/_register|models/[^/]+)$")


def _path(url: str) -> str:
    path = urlsplit(url).path
    return path.rstrip("/") if len(path) > 1 else path


def _as_json(body: Any) -> Any:
    if isinstance(body, dict):
        return body
    if isinstance(body, bytes | str):
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None
    return None


def flatten(settings: Any, prefix: str = "") -> dict[str, Any]:
    """``{"plugins": {"ml_commons": {"x": 1}}}`` -> ``{"plugins.ml_commons.x": 1}``."""
    flat: dict[str, Any] = {}
    if not isinstance(settings, dict):
        return flat
    for key, value in settings.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


class TrackingTransport(Transport):
    """A ``Transport`` that records what a test creates into :attr:`scope` (when one is set)."""

    scope: Scope | None = None

    def perform_request(self, method: str, url: str, headers: Any = None, params: Any = None,
                        body: Any = None) -> Any:
        scope = self.scope
        if scope is None:
            return super().perform_request(method, url, headers=headers, params=params, body=body)
        path = _path(url)
        previous: dict[str, dict[str, Any]] = {}
        if method == "PUT" and path == "/_cluster/settings":
            if scope.lock is not None:
                scope.lock.exclusive()
            previous = self._previous_settings(scope.ledger, _as_json(body))
        elif scope.stub_url and method in ("POST", "PUT") and _CONNECTOR_BODIES.match(path):
            body = _point_at_stub(body, scope)
        if method == "POST" and _REGISTER.match(path):
            return self._register(scope, method, url, headers, params, body, path)
        response = super().perform_request(method, url, headers=headers, params=params, body=body)
        # Only a change the node accepted needs putting back (a refused update changes nothing).
        for section, values in previous.items():
            scope.ledger.settings[section].update(values)
        _record(scope.ledger, method, path, response)
        return response

    def _register(self, scope: Scope, method: str, url: str, headers: Any, params: Any, body: Any,
                  path: str) -> Any:
        """A register the node refuses may still leave a FAILED task with no model (the plugin writes the
        task before it looks the model group up): the ones that appeared during the request are the test's."""
        before = self._failed_register_tasks()
        try:
            response = super().perform_request(method, url, headers=headers, params=params, body=body)
        except TransportError:
            for task_id in self._failed_register_tasks() - before:
                scope.ledger.add("tasks", task_id)
            raise
        _record(scope.ledger, method, path, response)
        return response

    def _failed_register_tasks(self) -> set[str]:
        status, answer = self.raw("POST", f"{ML}/tasks/_search", body=_FAILED_REGISTER_QUERY)
        if status != 200 or not isinstance(answer, dict):
            return set()
        return {hit.get("_id") for hit in (answer.get("hits") or {}).get("hits") or [] if hit.get("_id")}

    def raw(self, method: str, path: str, body: Any = None, params: Any = None) -> tuple[int, Any]:
        """A request the ledger does not see; errors are returned as ``(status, info)``."""
        try:
            return 200, super().perform_request(method, path, params=params, body=body)
        except TransportError as error:
            status = error.status_code if isinstance(error.status_code, int) else 0
            return status, error.info

    def _previous_settings(self, ledger: Ledger, body: Any) -> dict[str, dict[str, Any]]:
        """The values, before this update, of the settings it changes for the first time in this test."""
        previous: dict[str, dict[str, Any]] = {}
        if not isinstance(body, dict):
            return previous
        current: dict[str, Any] | None = None
        for section in ("persistent", "transient"):
            changed = flatten(body.get(section))
            pending = [key for key in changed if key not in ledger.settings[section]]
            if not pending:
                continue
            if current is None:
                status, current = self.raw("GET", "/_cluster/settings", params={"flat_settings": "true"})
                if status != 200 or not isinstance(current, dict):
                    current = {}
            before = current.get(section) or {}
            previous[section] = {key: before.get(key) for key in pending}
        return previous


def _point_at_stub(body: Any, scope: Scope) -> Any:
    data = _as_json(body)
    if not isinstance(data, dict) or scope.stub_url is None:
        return body
    connector = data.get("connector") if isinstance(data.get("connector"), dict) else data
    actions = connector.get("actions")
    if not isinstance(actions, list):
        return body
    rewritten = []
    for action in actions:
        if isinstance(action, dict) and isinstance(action.get("url"), str):
            new_url = rewrite_url(action["url"], scope.stub_url)
            scope.ledger.rewrites[new_url] = action["url"]
            action = {**action, "url": new_url}
        rewritten.append(action)
    new_connector = {**connector, "actions": rewritten}
    return {**data, "connector": new_connector} if connector is not data else new_connector


def _record(ledger: Ledger, method: str, path: str, response: Any) -> None:
    if not isinstance(response, dict):
        return
    if method == "POST":
        for pattern, fields in _CREATES:
            if pattern.match(path):
                for key, kind in fields:
                    ledger.add(kind, response.get(key))
                return
    if method == "DELETE":
        for pattern, kind in _DELETES:
            match = pattern.match(path)
            if match and not match.group(1).startswith("_"):
                ledger.forget(kind, match.group(1))
                return


def _sweep_query(run_prefix: str) -> dict[str, Any]:
    return {"query": {"prefix": {"name.keyword": run_prefix}}, "size": 1000, "_source": ["name"]}


def _hits(perform: Perform, path: str, run_prefix: str) -> list[tuple[str, str]]:
    status, answer = perform("POST", path, _sweep_query(run_prefix))
    if status != 200 or not isinstance(answer, dict):
        return []
    found = []
    for hit in (answer.get("hits") or {}).get("hits") or []:
        name = (hit.get("_source") or {}).get("name")
        if isinstance(name, str) and name.startswith(run_prefix):
            found.append((hit.get("_id"), name))
    return found


def existing(perform: Perform, prefix: str) -> dict[str, list[str]]:
    """Names of connectors, model groups and models on the node that start with ``prefix``."""
    found = {}
    for kind in ("connectors", "model_groups", "models"):
        names = [name for _, name in _hits(perform, f"{ML}/{kind}/_search", prefix)]
        if names:
            found[kind] = names
    return found


def sweep(perform: Perform, ledger: Ledger, run_prefix: str) -> None:
    """Add to ``ledger`` every connector, model group and model named with the run's prefix."""
    for kind in ("models", "connectors", "model_groups"):
        for resource_id, _ in _hits(perform, f"{ML}/{kind}/_search", run_prefix):
            ledger.add(kind, resource_id)


def _delete(perform: Perform, kind: str, resource_id: str, sleep: Callable[[float], None]) -> tuple[int, Any]:
    status, answer = perform("DELETE", f"{ML}/{kind}/{resource_id}")
    # A real node may still be undeploying a remote model for a moment after the undeploy answer.
    for _ in range(_UNDEPLOY_RETRIES):
        if not (kind == "models" and status == 400 and "deploy" in _reason(answer).lower()):
            break
        sleep(0.5)
        status, answer = perform("DELETE", f"{ML}/{kind}/{resource_id}")
    return status, answer


_UNDEPLOY_RETRIES = 20


def clean_up(perform: Perform, ledger: Ledger, run_prefix: str, *, sweep_names: bool = True,
             sleep: Callable[[float], None] = time.sleep) -> list[str]:
    """Remove the ledger's resources (models undeployed first) and restore its settings.

    Model groups a model was put in automatically are removed too, but only when
    their name carries the run's prefix. Returns what could not be removed (also
    issued as :class:`CleanupWarning`).
    """
    if sweep_names:
        sweep(perform, ledger, run_prefix)
    failures: list[str] = []
    for model_id in list(ledger.task_models):
        # Deploy and predict tasks of the model are not all in the answers the test saw (register?deploy=true
        # names only the register task, an auto-deploy on predict none), and may outlive a deleted model.
        status, tasks = perform("POST", f"{ML}/tasks/_search",
                                {"query": {"term": {"model_id": model_id}}, "size": 1000, "_source": False})
        if status == 200 and isinstance(tasks, dict):
            for hit in (tasks.get("hits") or {}).get("hits") or []:
                ledger.add("tasks", hit.get("_id"))
    for model_id in list(ledger.models):
        status, model = perform("GET", f"{ML}/models/{model_id}")
        if status == 200 and isinstance(model, dict):
            group = model.get("model_group_id")
            if isinstance(group, str) and group not in ledger.model_groups:
                group_status, group_doc = perform("GET", f"{ML}/model_groups/{group}")
                if group_status == 200 and isinstance(group_doc, dict) and \
                        str(group_doc.get("name", "")).startswith(run_prefix):
                    ledger.add("model_groups", group)
            perform("POST", f"{ML}/models/{model_id}/_undeploy")
    for kind in ("models", "connectors", "model_groups", "tasks"):
        for resource_id in list(getattr(ledger, kind)):
            status, answer = _delete(perform, kind, resource_id, sleep)
            if status not in (200, 404):
                failures.append(f"{kind[:-1]} {resource_id}: {status} {_reason(answer)}")
            ledger.forget(kind, resource_id)
    for section in ("persistent", "transient"):
        previous = ledger.settings[section]
        if previous:
            status, answer = perform("PUT", "/_cluster/settings", {section: dict(previous)})
            if status != 200:
                failures.append(f"{section} settings {sorted(previous)}: {status} {_reason(answer)}")
            previous.clear()
    ledger.rewrites.clear()
    ledger.task_models.clear()
    for failure in failures:
        warnings.warn(CleanupWarning(f"could not remove {failure}"), stacklevel=2)
    return failures


def _reason(answer: Any) -> str:
    if isinstance(answer, dict) and isinstance(answer.get("error"), dict):
        return str(answer["error"].get("reason"))
    return str(answer)[:200]
