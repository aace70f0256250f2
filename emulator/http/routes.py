"""The routing table: every path the emulator serves, read top to bottom.

Each route names its handler, the query parameters it consumes (OpenSearch
rejects any other), and whether it reads a body (OpenSearch rejects a body on
routes that do not).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.routing import Map, Rule

from . import handlers

ML = "/_plugins/_ml"
GLOBAL_PARAMS = frozenset({"pretty", "human", "error_trace", "filter_path", "source", "source_content_type"})
HEALTH_PARAMS = frozenset({
    "level", "local", "master_timeout", "cluster_manager_timeout", "timeout", "wait_for_active_shards",
    "wait_for_nodes", "wait_for_events", "wait_for_no_relocating_shards", "wait_for_no_initializing_shards",
    "wait_for_status", "awareness_attribute", "expand_wildcards",
})
SETTINGS_PARAMS = frozenset({
    "flat_settings", "include_defaults", "master_timeout", "cluster_manager_timeout", "timeout",
})
CONTENT = frozenset({"return_content"})


@dataclass(frozen=True)
class Route:
    methods: tuple[str, ...]
    path: str
    handler: Callable[..., tuple[int, object]]
    params: frozenset[str] = frozenset()
    body: bool = True


ROUTES: list[Route] = [
    Route(("GET", "HEAD"), "/", handlers.root, body=False),
    Route(("GET",), "/_cluster/settings", handlers.get_cluster_settings, SETTINGS_PARAMS, body=False),
    Route(("PUT",), "/_cluster/settings", handlers.put_cluster_settings, SETTINGS_PARAMS),
    Route(("GET",), "/_cluster/health", handlers.cluster_health, HEALTH_PARAMS, body=False),
    Route(("GET",), "/_cluster/health/<index>", handlers.cluster_health, HEALTH_PARAMS, body=False),
    # model groups
    Route(("POST",), f"{ML}/model_groups/_register", handlers.register_model_group),
    Route(("GET", "POST"), f"{ML}/model_groups/_search", handlers.search_model_groups),
    Route(("GET",), f"{ML}/model_groups/<model_group_id>", handlers.get_model_group, body=False),
    Route(("PUT",), f"{ML}/model_groups/<model_group_id>", handlers.update_model_group),
    Route(("DELETE",), f"{ML}/model_groups/<model_group_id>", handlers.delete_model_group, body=False),
    # connectors
    Route(("POST",), f"{ML}/connectors/_create", handlers.create_connector),
    Route(("GET", "POST"), f"{ML}/connectors/_search", handlers.search_connectors),
    Route(("GET",), f"{ML}/connectors/<connector_id>", handlers.get_connector, CONTENT, body=False),
    Route(("PUT",), f"{ML}/connectors/<connector_id>", handlers.update_connector),
    Route(("DELETE",), f"{ML}/connectors/<connector_id>", handlers.delete_connector, body=False),
    # models
    Route(("POST",), f"{ML}/models/_register", handlers.register_model, frozenset({"deploy"})),
    Route(("POST",), f"{ML}/models/_upload", handlers.register_model, frozenset({"deploy"})),
    Route(("GET", "POST"), f"{ML}/models/_search", handlers.search_models),
    Route(("POST",), f"{ML}/models/_undeploy", handlers.undeploy_model),
    Route(("POST",), f"{ML}/models/_unload", handlers.undeploy_model),
    Route(("GET",), f"{ML}/models/<model_id>", handlers.get_model, CONTENT, body=False),
    Route(("PUT",), f"{ML}/models/<model_id>", handlers.update_model),
    Route(("DELETE",), f"{ML}/models/<model_id>", handlers.delete_model, body=False),
    Route(("POST",), f"{ML}/models/<model_id>/_deploy", handlers.deploy_model),
    Route(("POST",), f"{ML}/models/<model_id>/_load", handlers.deploy_model),
    Route(("POST",), f"{ML}/models/<model_id>/_undeploy", handlers.undeploy_model),
    Route(("POST",), f"{ML}/models/<model_id>/_unload", handlers.undeploy_model),
    Route(("POST",), f"{ML}/models/<model_id>/_predict", handlers.predict),
    Route(("POST",), f"{ML}/_predict/<algorithm>/<model_id>", handlers.predict),
    # tasks
    Route(("GET", "POST"), f"{ML}/tasks/_search", handlers.search_tasks),
    Route(("GET",), f"{ML}/tasks/<task_id>", handlers.get_task, body=False),
    Route(("DELETE",), f"{ML}/tasks/<task_id>", handlers.delete_task, body=False),
]


def build_map() -> tuple[Map, dict[str, Route]]:
    rules = []
    by_endpoint: dict[str, Route] = {}
    for index, route in enumerate(ROUTES):
        endpoint = f"{route.handler.__name__}#{index}"
        by_endpoint[endpoint] = route
        rules.append(Rule(route.path, methods=list(route.methods), endpoint=endpoint, strict_slashes=False))
    return Map(rules, merge_slashes=False), by_endpoint
