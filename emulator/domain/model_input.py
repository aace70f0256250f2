"""Parsing a model register body as ``MLRegisterModelInput`` does (remote models)."""

from __future__ import annotations

from typing import Any

from ..connectors.values import gson_json
from ..errors import OpenSearchError, illegal_argument, parse_exception
from . import connector_input, fields

FUNCTION_NAMES = [
    "LINEAR_REGRESSION", "KMEANS", "AD_LIBSVM", "SAMPLE_ALGO", "LOCAL_SAMPLE_CALCULATOR", "FIT_RCF", "BATCH_RCF",
    "ANOMALY_LOCALIZATION", "RCF_SUMMARIZE", "LOGISTIC_REGRESSION", "TEXT_EMBEDDING", "METRICS_CORRELATION",
    "REMOTE", "SPARSE_ENCODING", "SPARSE_TOKENIZE", "TEXT_SIMILARITY", "QUESTION_ANSWERING", "AGENT", "CONNECTOR",
    "TOOL",
]
TIME_UNITS = ["NANOSECONDS", "MICROSECONDS", "MILLISECONDS", "SECONDS", "MINUTES", "HOURS", "DAYS"]


def function_name(value: str) -> str:
    upper = value.upper()
    if upper not in FUNCTION_NAMES:
        raise illegal_argument("Wrong function name")
    return upper


def parse_rate_limiter(raw: Any) -> dict[str, Any]:
    limiter = fields.require_object(raw, "rate_limiter")
    out: dict[str, Any] = {}
    limit = limiter.get("limit")
    if limit is not None:
        text = fields.text(limiter, "limit") or ""
        try:
            numeric = float(text)
        except ValueError:
            numeric = -1.0
        if numeric <= 0 or numeric != numeric:
            raise parse_exception("Limit field must be a positive number.")
        out["limit"] = text
    unit = fields.text(limiter, "unit")
    if unit is not None:
        if unit not in TIME_UNITS:
            raise illegal_argument(f"No enum constant java.util.concurrent.TimeUnit.{unit}")
        out["unit"] = unit
    return out


def parse_deploy_setting(raw: Any) -> dict[str, Any]:
    setting = fields.require_object(raw, "deploy_setting")
    out: dict[str, Any] = {}
    auto = fields.boolean(setting, "is_auto_deploy_enabled")
    if auto is not None:
        out["is_auto_deploy_enabled"] = auto
    ttl = fields.integer(setting, "model_ttl_minutes")
    if ttl is not None:
        out["model_ttl_minutes"] = ttl
    return out


def parse_interface(raw: Any) -> dict[str, Any]:
    interface = fields.require_object(raw, "interface")
    out = {}
    for key in ("input", "output"):
        value = interface.get(key)
        if value is not None:
            out[key] = value if isinstance(value, str) else gson_json(value)
    return out


def _check_remote_model_config(config: dict[str, Any]) -> None:
    model_type = config.get("model_type")
    if not isinstance(model_type, str) or model_type.lower() != "text_embedding":
        return
    if config.get("embedding_dimension") is None:
        raise illegal_argument("Embedding dimension must be provided for remote text embedding model")
    if config.get("framework_type") is None:
        raise illegal_argument("Framework type must be provided for remote text embedding model")
    additional = config.get("additional_config")
    if not isinstance(additional, dict) or additional.get("space_type") is None:
        raise illegal_argument("Space type must be provided in additional_config for remote text embedding model")


def parse_register(body: Any, *, version_at_least: Any) -> dict[str, Any]:
    body = fields.require_object(body, "model")
    parsed: dict[str, Any] = {"function_name": "TEXT_EMBEDDING"}
    seen_function = False
    for key, value in body.items():
        if value is None:
            continue
        if key in ("name", "model_group_id", "description", "url", "model_format", "model_content_hash_value",
                   "connector_id", "provisioned_by", "tenant_id", "access_mode"):
            parsed[key] = fields.text(body, key)
        elif key == "function_name":
            parsed[key] = function_name(fields.text(body, key) or "")
            seen_function = True
        elif key == "version":
            fields.text(body, key)
        elif key in ("is_enabled", "add_all_backend_roles", "does_version_create_model_group"):
            parsed[key] = fields.boolean(body, key)
        elif key in ("backend_roles", "model_node_ids"):
            parsed[key] = fields.string_list(body, key)
        elif key == "rate_limiter":
            parsed[key] = parse_rate_limiter(value)
        elif key == "deploy_setting":
            parsed[key] = parse_deploy_setting(value)
        elif key == "model_config":
            config = fields.obj(body, key)
            if config is not None and seen_function and parsed["function_name"] == "REMOTE":
                _check_remote_model_config(config)
            parsed[key] = config
        elif key == "connector":
            parsed[key] = connector_input.parse_connector(value, mode="inline", version_at_least=version_at_least)
        elif key == "interface":
            parsed[key] = parse_interface(value)
        elif key == "guardrails":
            parsed[key] = fields.obj(body, key)
    if parsed.get("name") is None:
        raise illegal_argument("model name is null")
    if parsed["function_name"] != "REMOTE" and parsed.get("model_format") is None:
        raise illegal_argument("model format is null")
    return parsed


__all__ = ["parse_register", "function_name", "OpenSearchError"]
