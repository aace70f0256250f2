"""The routing table: every path the emulator serves, read top to bottom, and the matcher over it.

Each route names its handler and the query parameters it consumes (OpenSearch
rejects any other). A body sent to a route that does not read one is ignored,
as in OpenSearch 3.x. Matching follows OpenSearch's path trie: path segments are
compared one by one and a literal segment wins over a ``{placeholder}``, so
``/models/_search`` is the search route while ``PUT /models/_search`` still
reaches the update route with ``model_id = "_search"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from . import handlers, security_handlers

ML = "/_plugins/_ml"
MLA = "cluster:admin/opensearch/ml/"
# Read by every REST channel; their values are checked before routing.
GLOBAL_PARAMS = frozenset({"pretty", "human", "error_trace", "filter_path", "format"})
FLAG_PARAMS = ("pretty", "human", "error_trace")
# Only handlers that read their body with contentOrSourceParamParser (the searches) take it from ?source=.
SOURCE = frozenset({"source", "source_content_type"})
HEALTH_PARAMS = frozenset({
    "level", "local", "master_timeout", "cluster_manager_timeout", "timeout", "wait_for_active_shards",
    "wait_for_nodes", "wait_for_events", "wait_for_no_relocating_shards", "wait_for_no_initializing_shards",
    "wait_for_status", "awareness_attribute", "expand_wildcards",
})
GET_SETTINGS_PARAMS = frozenset({
    "flat_settings", "include_defaults", "local", "master_timeout", "cluster_manager_timeout", "settings_filter",
})
PUT_SETTINGS_PARAMS = frozenset({
    "flat_settings", "master_timeout", "cluster_manager_timeout", "timeout", "settings_filter",
})
CONTENT = frozenset({"return_content"})
METHOD_ORDER = ("GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "CONNECT")


@dataclass(frozen=True)
class Route:
    methods: tuple[str, ...]
    path: str
    handler: Callable[..., tuple[int, object]]
    params: frozenset[str] = frozenset()
    pretty_by_default: bool = False
    # The transport action the Security plugin checks (None: the route checks its caller itself).
    action: str | None = None
    # A route of the Security plugin: it exists only when the emulator runs with security on.
    security_api: bool = False
    segments: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "segments", tuple(s for s in self.path.split("/") if s))


def _security_routes() -> list[Route]:
    routes = []
    for prefix in ("/_plugins/_security", "/_opendistro/_security"):
        api = f"{prefix}/api"
        for kind in ("internalusers", "roles", "rolesmapping"):
            get = security_handlers.endpoint_handler(kind, "GET")
            patch = security_handlers.endpoint_handler(kind, "PATCH")
            routes += [Route(("GET",), f"{api}/{kind}", get, security_api=True),
                       Route(("PATCH",), f"{api}/{kind}", patch, security_api=True),
                       Route(("GET",), f"{api}/{kind}/{{name}}", get, security_api=True),
                       Route(("PATCH",), f"{api}/{kind}/{{name}}", patch, security_api=True),
                       Route(("PUT",), f"{api}/{kind}/{{name}}", security_handlers.endpoint_handler(kind, "PUT"),
                             security_api=True),
                       Route(("DELETE",), f"{api}/{kind}/{{name}}",
                             security_handlers.endpoint_handler(kind, "DELETE"), security_api=True)]
        routes += [Route(("GET", "POST"), f"{prefix}/authinfo", security_handlers.get_authinfo,
                         frozenset({"verbose", "auth_type"}), security_api=True),
                   Route(("GET",), f"{api}/account", security_handlers.get_account, security_api=True)]
    return routes


SECURITY_ROUTES = _security_routes()

ROUTES: list[Route] = [
    Route(("GET", "HEAD"), "/", handlers.root, pretty_by_default=True, action="cluster:monitor/main"),
    Route(("GET",), "/_cluster/settings", handlers.get_cluster_settings, GET_SETTINGS_PARAMS,
          action="cluster:monitor/state"),
    Route(("PUT",), "/_cluster/settings", handlers.put_cluster_settings, PUT_SETTINGS_PARAMS,
          action="cluster:admin/settings/update"),
    Route(("GET",), "/_cluster/health", handlers.cluster_health, HEALTH_PARAMS, action="cluster:monitor/health"),
    Route(("GET",), "/_cluster/health/{index}", handlers.cluster_health, HEALTH_PARAMS,
          action="cluster:monitor/health"),
    # model groups
    Route(("POST",), f"{ML}/model_groups/_register", handlers.register_model_group,
          action=MLA + "register_model_group"),
    Route(("GET", "POST"), f"{ML}/model_groups/_search", handlers.search_model_groups, SOURCE,
          action=MLA + "model_groups/search"),
    Route(("GET",), f"{ML}/model_groups/{{model_group_id}}", handlers.get_model_group, action=MLA + "model_groups/get"),
    Route(("PUT",), f"{ML}/model_groups/{{model_group_id}}", handlers.update_model_group,
          action=MLA + "update_model_group"),
    Route(("DELETE",), f"{ML}/model_groups/{{model_group_id}}", handlers.delete_model_group,
          action=MLA + "model_groups/delete"),
    # connectors
    Route(("POST",), f"{ML}/connectors/_create", handlers.create_connector, action=MLA + "create_connector"),
    Route(("GET", "POST"), f"{ML}/connectors/_search", handlers.search_connectors, SOURCE,
          action=MLA + "connectors/search"),
    Route(("GET",), f"{ML}/connectors/{{connector_id}}", handlers.get_connector, CONTENT,
          action=MLA + "connectors/get"),
    Route(("PUT",), f"{ML}/connectors/{{connector_id}}", handlers.update_connector, action=MLA + "connectors/update"),
    Route(("DELETE",), f"{ML}/connectors/{{connector_id}}", handlers.delete_connector,
          action=MLA + "connectors/delete"),
    # models
    Route(("POST",), f"{ML}/models/_register", handlers.register_model, frozenset({"deploy"}),
          action=MLA + "register_model"),
    Route(("POST",), f"{ML}/models/_upload", handlers.register_model, frozenset({"deploy"}),
          action=MLA + "register_model"),
    Route(("GET", "POST"), f"{ML}/models/_search", handlers.search_models, SOURCE, action=MLA + "models/search"),
    Route(("POST",), f"{ML}/models/_undeploy", handlers.undeploy_model, action=MLA + "undeploy_models"),
    Route(("POST",), f"{ML}/models/_unload", handlers.undeploy_model, action=MLA + "undeploy_models"),
    Route(("GET",), f"{ML}/models/{{model_id}}", handlers.get_model, CONTENT, action=MLA + "models/get"),
    Route(("PUT",), f"{ML}/models/{{model_id}}", handlers.update_model, action=MLA + "models/update"),
    Route(("DELETE",), f"{ML}/models/{{model_id}}", handlers.delete_model, action=MLA + "models/delete"),
    Route(("POST",), f"{ML}/models/{{model_id}}/_deploy", handlers.deploy_model, action=MLA + "deploy_model"),
    Route(("POST",), f"{ML}/models/{{model_id}}/_load", handlers.deploy_model, action=MLA + "deploy_model"),
    Route(("POST",), f"{ML}/models/{{model_id}}/_undeploy", handlers.undeploy_model, action=MLA + "undeploy_models"),
    Route(("POST",), f"{ML}/models/{{model_id}}/_unload", handlers.undeploy_model, action=MLA + "undeploy_models"),
    Route(("POST",), f"{ML}/models/{{model_id}}/_predict", handlers.predict, action=MLA + "predict"),
    Route(("POST",), f"{ML}/_predict/{{algorithm}}/{{model_id}}", handlers.predict, action=MLA + "predict"),
    # tasks
    Route(("GET", "POST"), f"{ML}/tasks/_search", handlers.search_tasks, SOURCE, action=MLA + "tasks/search"),
    Route(("GET",), f"{ML}/tasks/{{task_id}}", handlers.get_task, action=MLA + "tasks/get"),
    Route(("DELETE",), f"{ML}/tasks/{{task_id}}", handlers.delete_task, action=MLA + "tasks/delete"),
    # the Security plugin (only with security on), under both of its prefixes
    *SECURITY_ROUTES,
]


class MethodNotAllowed(Exception):
    """The path exists, but not for this method; ``allowed`` lists the methods it has."""

    def __init__(self, allowed: list[str]) -> None:
        super().__init__(allowed)
        self.allowed = allowed


class _Node:
    """One path segment of the trie: literal children, one placeholder child, and the routes ending here."""

    __slots__ = ("literals", "param", "param_name", "routes")

    def __init__(self) -> None:
        self.literals: dict[str, _Node] = {}
        self.param: _Node | None = None
        self.param_name = ""
        self.routes: dict[str, Route] = {}


class Router:
    """Matches (method, path) against :data:`ROUTES` the way OpenSearch's path trie does."""

    def __init__(self, routes: list[Route]) -> None:
        self._root = _Node()
        for route in routes:
            node = self._root
            for segment in route.segments:
                if segment.startswith("{"):
                    if node.param is None:
                        node.param = _Node()
                        node.param_name = segment[1:-1]
                    elif node.param_name != segment[1:-1]:
                        raise ValueError(f"conflicting placeholder names at {route.path}")
                    node = node.param
                else:
                    node = node.literals.setdefault(segment, _Node())
            for method in route.methods:
                node.routes[method] = route

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route and its path parameters; None when no path matches; MethodNotAllowed when no method does."""
        segments = [s for s in path.split("/") if s]
        allowed: set[str] = set()
        for node, args in _walk(self._root, segments, 0, {}):
            route = node.routes.get(method)
            if route is not None:
                return route, args
            allowed.update(node.routes)
        if allowed:
            raise MethodNotAllowed([m for m in METHOD_ORDER if m in allowed])
        return None

    def allowed_methods(self, path: str) -> list[str]:
        """Every method some route serves at ``path`` (what OPTIONS answers)."""
        segments = [s for s in path.split("/") if s]
        methods: set[str] = set()
        for node, _ in _walk(self._root, segments, 0, {}):
            methods.update(node.routes)
        return [m for m in METHOD_ORDER if m in methods]


def _walk(node: _Node, segments: list[str], depth: int, args: dict[str, str]) -> Iterator[tuple[_Node, dict[str, str]]]:
    """Every node the path reaches, literal branches before placeholder ones."""
    if depth == len(segments):
        if node.routes:
            yield node, args
        return
    segment = segments[depth]
    child = node.literals.get(segment)
    if child is not None:
        yield from _walk(child, segments, depth + 1, args)
    if node.param is not None:
        yield from _walk(node.param, segments, depth + 1, {**args, node.param_name: segment})
