"""Cluster settings: the ML Commons settings with their defaults, types and validators.

Implements what ``/_cluster/settings`` does on a node with the plugin: persistent
and transient layers over node-level values and defaults, flat or nested keys,
``null`` resets, and OpenSearch's rejections (unknown, final, static, bad value).
Values are kept as OpenSearch keeps them: strings, or lists of strings.
"""

from __future__ import annotations

import fnmatch
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import OpenSearchError, illegal_argument, java_exception
from ..javanumbers import java_double

PREFIX = "plugins.ml_commons."

DEFAULT_TRUSTED_ENDPOINTS = [
    r"^https://runtime\.sagemaker\..*[a-z0-9-]\.amazonaws\.com/.*$",
    r"^https://api\.sagemaker\..*[a-z0-9-]\.amazonaws\.com/.*$",
    r"^https://api\.openai\.com/.*$",
    r"^https://api\.cohere\.ai/.*$",
    r"^https://api\.deepseek\.com/.*$",
    r"^https://generativelanguage\.googleapis\.com/.*$",
    r"^https://bedrock-runtime\..*[a-z0-9-]\.amazonaws\.com/.*$",
    r"^https://bedrock-agent-runtime\..*[a-z0-9-]\.amazonaws\.com/.*$",
    r"^https://bedrock\..*[a-z0-9-]\.amazonaws\.com/.*$",
    r"^https://textract\..*[a-z0-9-]\.amazonaws\.com$",
    r"^https://comprehend\..*[a-z0-9-]\.amazonaws\.com$",
    r"^https://rekognition(-fips)?\..*[a-z0-9-]\.amazonaws\.com$",
]


def _parse_bool(key: str, raw: str) -> str:
    if raw not in ("true", "false"):
        raise illegal_argument(f"Failed to parse value [{raw}] as only [true] or [false] are allowed.")
    return raw


def _number_parser(convert: Callable[[str], float], minimum: float | None,
                   maximum: float | None) -> Callable[[str, str], str]:
    """``Setting.intSetting``/``floatSetting`` parsing with their range messages."""
    def parse(key: str, raw: str) -> str:
        try:
            value = convert(raw)
        except ValueError:
            error = illegal_argument(f"Failed to parse value [{raw}] for setting [{key}]")
            error.cause = java_exception("number_format_exception", f'For input string: "{raw}"', status=400)
            raise error from None
        if minimum is not None and value < minimum:
            raise illegal_argument(f"Failed to parse value [{raw}] for setting [{key}] must be >= {minimum}")
        if maximum is not None and value > maximum:
            raise illegal_argument(f"Failed to parse value [{raw}] for setting [{key}] must be <= {maximum}")
        return raw

    return parse


def _int_parser(minimum: int | None = None, maximum: int | None = None) -> Callable[[str, str], str]:
    return _number_parser(int, minimum, maximum)


def _float_parser(minimum: float | None = None, maximum: float | None = None) -> Callable[[str, str], str]:
    return _number_parser(float, minimum, maximum)


def _any_string(key: str, raw: str) -> str:
    return raw


_BYTE_SIZE = re.compile(r"^\s*(\d+(\.\d+)?)\s*(b|kb|mb|gb|tb|pb)?\s*$", re.IGNORECASE)


def _byte_size(key: str, raw: str) -> str:
    match = _BYTE_SIZE.match(raw)
    if raw.strip() in ("-1", "0") or (match and match.group(3)):
        return raw
    reason = f"failed to parse setting [{key}] with value [{raw}] as a size in bytes: unit is missing or unrecognized"
    error = illegal_argument(reason)
    error.cause = OpenSearchError(reason, status=400, type="parse_exception")
    raise error


def _choice(*allowed: str) -> Callable[[str, str], str]:
    def parse(key: str, raw: str) -> str:
        if raw not in allowed:
            raise illegal_argument(f"Failed to parse value [{raw}] for setting [{key}]")
        return raw

    return parse


_NESTED_QUANTIFIER = re.compile(r".*\([^)]*[*+?]\)[*+?{].*")
_BACKREFERENCE = re.compile(r".*\\[1-9].*")


def validate_connector_regex(regex: str) -> None:
    """The plugin's guard on trusted-endpoint regexes (ReDoS shapes, length, compilation)."""
    if _NESTED_QUANTIFIER.fullmatch(regex) or _BACKREFERENCE.fullmatch(regex):
        raise illegal_argument(
            f"Regex pattern contains nested quantifiers or backreferences that may cause ReDoS: {regex}"
        )
    if len(regex) > 256:
        raise illegal_argument(f"Regex pattern too long (max 256 chars): {regex}")
    try:
        re.compile(regex)
    except re.error as problem:
        error = illegal_argument(f"Invalid regex pattern: {regex}")
        error.cause = java_exception("pattern_syntax_exception", f"{problem.msg} near index {problem.pos}\n{regex}",
                                     status=400)
        raise error from None


@dataclass(frozen=True)
class SettingDef:
    """One registered setting: its default (string or list of strings) and how values are checked."""

    key: str
    default: str | list[str]
    parse: Callable[[str, str], str] = _any_string
    dynamic: bool = True
    final: bool = False
    list_item_check: Callable[[str], None] | None = None

    @property
    def is_list(self) -> bool:
        return isinstance(self.default, list)


def _ml(name: str, default: Any, parse: Callable[[str, str], str] | None = None, **kw: Any) -> SettingDef:
    if isinstance(default, bool):
        return SettingDef(PREFIX + name, "true" if default else "false", parse or _parse_bool, **kw)
    if isinstance(default, list):
        return SettingDef(PREFIX + name, list(default), parse or _any_string, **kw)
    return SettingDef(PREFIX + name, str(default), parse or _any_string, **kw)


_ML_SETTINGS: list[SettingDef] = [
    _ml("model_access_control_enabled", False),
    _ml("connector_access_control_enabled", False),
    _ml("trusted_connector_endpoints_regex", DEFAULT_TRUSTED_ENDPOINTS, list_item_check=validate_connector_regex),
    _ml("trusted_connector_private_endpoints_regex", [], list_item_check=validate_connector_regex),
    _ml("connector.private_ip_enabled", False),
    _ml("connector.restricted_ip_patterns", [], dynamic=False, final=True),
    _ml("only_run_on_ml_node", True),
    _ml("task_dispatcher.eligible_node_role.remote_model", ["data", "ml"]),
    _ml("task_dispatcher.eligible_node_role.local_model", ["data", "ml"]),
    _ml("model_auto_deploy.enable", True),
    _ml("model_auto_redeploy.enable", True),
    _ml("model_auto_redeploy.lifetime_retry_times", 3, _int_parser(0)),
    _ml("model_auto_redeploy_success_ratio", "0.8", _float_parser(0.0, 1.0)),
    _ml("allow_registering_model_via_url", False),
    _ml("allow_registering_model_via_local_file", False),
    _ml("allow_custom_deployment_plan", False),
    _ml("max_model_on_node", 10, _int_parser(0, 10000)),
    _ml("max_register_model_tasks_per_node", 10, _int_parser(0, 10)),
    _ml("max_deploy_model_tasks_per_node", 10, _int_parser(0, 10)),
    _ml("max_ml_task_per_node", 10, _int_parser(0, 10000)),
    _ml("max_batch_inference_tasks", 100, _int_parser(0, 10000)),
    _ml("max_batch_ingestion_tasks", 100, _int_parser(0, 10000)),
    _ml("batch_ingestion_bulk_size", 500, _int_parser(100, 100000)),
    _ml("task_dispatch_policy", "round_robin", _choice("round_robin", "least_load")),
    _ml("sync_up_job_interval_in_seconds", 10, _int_parser(0, 86400)),
    _ml("ml_task_timeout_in_seconds", 600, _int_parser(1, 86400)),
    _ml("monitoring_request_count", 100, _int_parser(0, 10000000)),
    _ml("trusted_url_regex", r"^(https?|ftp|file)://[-a-zA-Z0-9+&@#/%?=~_|!:,.;]*[-a-zA-Z0-9+&@#/%=~_|]"),
    _ml("native_memory_threshold", 90, _int_parser(0, 100)),
    _ml("jvm_heap_memory_threshold", 85, _int_parser(0, 100)),
    _ml("disk_free_space_threshold", "5gb", _byte_size),
    _ml("exclude_nodes._name", ""),
    _ml("enable_inhouse_python_model", False),
    _ml("remote_inference.enabled", True),
    _ml("local_model.enabled", True),
    _ml("rag_pipeline_feature_enabled", True),
    _ml("memory_feature_enabled", True),
    _ml("agent_framework_enabled", True),
    _ml("controller_enabled", True),
    _ml("offline_batch_ingestion_enabled", True),
    _ml("offline_batch_inference_enabled", True),
    _ml("safe_delete_model", False),
    _ml("mcp_connector_enabled", False),
    _ml("mcp_server_enabled", False),
    _ml("execute_tools_enabled", True),
    _ml("agentic_memory_enabled", True),
    _ml("remote_agentic_memory_enabled", False),
    _ml("memory.retention_enabled", False),
    _ml("index_insight_feature_enabled", False),
    _ml("stream_enabled", False),
    _ml("unified_agent_api_enabled", False),
    _ml("agentic_search_template_enabled", False),
    _ml("mcp_header_passthrough_enabled", False),
    _ml("ag_ui_enabled", False),
    _ml("metrics_static_collection_enabled", False),
    _ml("max_json_size", 100000000, _int_parser(-1)),
    _ml("multi_tenancy_enabled", False, dynamic=False),
    _ml("master_key_cache_ttl_minutes", 5, _int_parser(1), dynamic=False),
    _ml("metrics_collection_enabled", False, dynamic=False, final=True),
    _ml("memory.retention_job_interval_hours", 24, _int_parser(1)),
    _ml("memory.retention_job_throttle_seconds", 5, _int_parser(0)),
    _ml("memory.orphan_ttl_days", 7, _int_parser(-1)),
    _ml("memory.working_memory_ttl_days", -1, _int_parser(-1)),
    _ml("memory.default_session_retention_days", -1, _int_parser(-1)),
    _ml("memory.default_session_max_count", -1, _int_parser(-1)),
    _ml("memory.default_long_term_max_count", -1, _int_parser(-1)),
    _ml("memory.default_history_max_count", -1, _int_parser(-1)),
    _ml("remote_job.status_field", ["status", "Status", "TransformJobStatus"]),
    _ml("remote_job.status_regex.completed", "(complete|completed|partiallyCompleted)"),
    _ml("remote_job.status_regex.cancelled", "(stopped|cancelled)"),
    _ml("remote_job.status_regex.cancelling", "(stopping|cancelling)"),
    _ml("remote_job.status_regex.expired", "(expired|timeout)"),
    _ml("remote_job.status_regex.failed", "(failed)"),
    _ml("remote_metadata_type", "", dynamic=False, final=True),
    _ml("remote_metadata_endpoint", "", dynamic=False, final=True),
    _ml("remote_metadata_region", "", dynamic=False, final=True),
    _ml("remote_metadata_service_name", "", dynamic=False, final=True),
]

# A few core dynamic settings that test set-ups commonly send to a node.
_CORE_SETTINGS: list[SettingDef] = [
    SettingDef("cluster.routing.allocation.disk.threshold_enabled", "true", _parse_bool),
    SettingDef("cluster.routing.allocation.disk.watermark.low", "85%"),
    SettingDef("cluster.routing.allocation.disk.watermark.high", "90%"),
    SettingDef("cluster.routing.allocation.disk.watermark.flood_stage", "95%"),
    SettingDef("cluster.routing.allocation.enable", "all", _choice("all", "primaries", "new_primaries", "none")),
    SettingDef("cluster.max_shards_per_node", "1000", _int_parser(1)),
    SettingDef("action.auto_create_index", "true"),
    SettingDef("action.destructive_requires_name", "false", _parse_bool),
    SettingDef("search.max_buckets", "65535", _int_parser(0)),
    SettingDef("indices.breaker.total.limit", "95%"),
]

REGISTRY: dict[str, SettingDef] = {s.key: s for s in _ML_SETTINGS + _CORE_SETTINGS}


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested settings objects become dotted keys; lists and scalars are leaves."""
    if not isinstance(value, dict):
        return {prefix: value}
    out: dict[str, Any] = {}
    for key, item in value.items():
        full = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(item, dict):
            out.update(flatten(item, full))
        else:
            out[full] = item
    return out


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """Dotted keys become nested objects, as OpenSearch renders settings by default."""
    out: dict[str, Any] = {}
    for key in sorted(flat):
        node = out
        parts = key.split(".")
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[parts[-1]] = flat[key]
    return out


def render_value(value: Any) -> str | list[str]:
    """How OpenSearch stores a setting value it was sent: strings, or lists of strings."""
    if isinstance(value, list):
        return [render_scalar(v) for v in value]
    return render_scalar(value)


def render_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, dict):
        raise illegal_argument("settings values must be scalars or arrays")
    return str(value)


def _display(value: str | list[str]) -> str:
    return "[" + ", ".join(value) + "]" if isinstance(value, list) else value


class ClusterSettings:
    """Persistent and transient layers over node settings and defaults."""

    def __init__(self, node_settings: dict[str, Any] | None = None) -> None:
        self._lock = threading.RLock()
        self._node: dict[str, str | list[str]] = {}
        for key, value in flatten(node_settings or {}).items():
            definition = self._definition(key, "node")
            self._node[key] = self._validated(definition, render_value(value))
        self.persistent: dict[str, str | list[str]] = {}
        self.transient: dict[str, str | list[str]] = {}

    def reset(self) -> None:
        with self._lock:
            self.persistent.clear()
            self.transient.clear()

    @staticmethod
    def _definition(key: str, scope: str) -> SettingDef:
        definition = REGISTRY.get(key)
        if definition is None:
            raise illegal_argument(f"{scope} setting [{key}], not recognized")
        return definition

    @staticmethod
    def _validated(definition: SettingDef, value: str | list[str]) -> str | list[str]:
        if definition.is_list:
            items = value if isinstance(value, list) else [value]
            for item in items:
                if definition.list_item_check:
                    definition.list_item_check(item)
            return list(items)
        if isinstance(value, list):
            raise illegal_argument(f"Failed to parse value [{_display(value)}] for setting [{definition.key}]")
        return definition.parse(definition.key, value)

    def get(self, key: str) -> str | list[str]:
        """The effective value: transient, then persistent, then node settings, then default."""
        with self._lock:
            for layer in (self.transient, self.persistent, self._node):
                if key in layer:
                    return layer[key]
            return REGISTRY[key].default

    def get_bool(self, key: str) -> bool:
        return self.get(PREFIX + key) == "true"

    def get_list(self, key: str) -> list[str]:
        value = self.get(PREFIX + key)
        return list(value) if isinstance(value, list) else [value]

    def get_int(self, key: str) -> int:
        return int(str(self.get(PREFIX + key)))

    def update(self, persistent: dict[str, Any], transient: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Apply an update atomically: every key is validated before any is written.

        Returns the (persistent, transient) keys this request set, as strings, for the echo.
        """
        with self._lock:
            staged: list[tuple[dict[str, Any], str, str | list[str] | None]] = []
            echoes: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
            # OpenSearch validates the transient block first, each in sorted key order.
            for scope, layer, echo, body in (
                ("transient", self.transient, echoes[1], transient),
                ("persistent", self.persistent, echoes[0], persistent),
            ):
                for key, raw in sorted(flatten(body).items()):
                    if key.endswith("*") and raw is None:
                        # A wildcard null resets every explicitly set key it matches.
                        staged.extend((layer, k, None) for k in list(layer) if fnmatch.fnmatchcase(k, key))
                        continue
                    staged.append((layer, key, self._stage(scope, key, raw, echo)))
            for layer, key, value in staged:
                if value is None:
                    layer.pop(key, None)
                else:
                    layer[key] = value
            return echoes

    def _stage(self, scope: str, key: str, raw: Any, echo: dict[str, Any]) -> str | list[str] | None:
        definition = self._definition(key, scope)
        if definition.final:
            raise illegal_argument(f"final {scope} setting [{key}], not updateable")
        if not definition.dynamic:
            raise illegal_argument(f"{scope} setting [{key}], not dynamically updateable")
        if raw is None:
            return None
        # Setting.get and its validator run before any update consumer, so their error is the answer.
        validated = self._validated(definition, render_value(raw))
        echo[key] = validated
        return validated

    def explicit(self) -> tuple[dict[str, Any], dict[str, Any]]:
        with self._lock:
            return dict(self.persistent), dict(self.transient)

    def defaults(self) -> dict[str, Any]:
        """Every registered setting not set explicitly, with its node-level or default value."""
        with self._lock:
            out: dict[str, Any] = {}
            for key, definition in REGISTRY.items():
                if key in self.persistent or key in self.transient:
                    continue
                out[key] = self._node.get(key, definition.default)
            return out
