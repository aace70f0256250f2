"""Parsing a model register body as ``MLRegisterModelInput`` does (remote models)."""

from __future__ import annotations

from typing import Any

from ..connectors.values import gson_json, java_map
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


def _java_double(text: str) -> float:
    """``Double.parseDouble``: trims, and knows only Java's spellings of NaN and infinity."""
    stripped = text.strip()
    if stripped.lstrip("+-").lower() in ("nan", "inf", "infinity") and stripped.lstrip("+-") not in ("NaN", "Infinity"):
        raise ValueError(text)
    return float(stripped.rstrip("dDfF") if stripped[-1:] in "dDfF" else stripped)


def parse_rate_limiter(raw: Any, container: Any, key: Any) -> dict[str, Any]:
    """``MLRateLimiter.parse``: only a negative or non-numeric limit is refused."""
    limiter = fields.require_object(raw, "rate_limiter", container, key)
    out: dict[str, Any] = {}
    if "limit" in limiter:
        text = fields.text(limiter, "limit") or ""
        try:
            negative = _java_double(text) < 0
        except ValueError:
            negative = True
        if negative:
            raise parse_exception("Limit field must be a positive number.")
        out["limit"] = text
    unit = fields.text(limiter, "unit")
    if unit is not None:
        if unit not in TIME_UNITS:
            raise illegal_argument(f"No enum constant java.util.concurrent.TimeUnit.{unit}")
        out["unit"] = unit
    return out


def parse_deploy_setting(raw: Any, container: Any, key: Any) -> dict[str, Any]:
    """``MLDeploySetting.parse``: the TTL defaults to -1 and is always written."""
    setting = fields.require_object(raw, "deploy_setting", container, key)
    out: dict[str, Any] = {}
    auto = fields.boolean(setting, "is_auto_deploy_enabled")
    if auto is not None:
        out["is_auto_deploy_enabled"] = auto
    ttl = fields.integer(setting, "model_ttl_minutes")
    out["model_ttl_minutes"] = -1 if ttl is None else ttl
    return out


def parse_interface(body: dict[str, Any], key: str) -> dict[str, Any]:
    """``parseModelInterface``: a map whose ``input``/``output`` are kept, non-strings as JSON text."""
    interface = fields.map_value(body, key) or {}
    out = {}
    for name in ("input", "output"):
        if name in interface:
            value = interface[name]
            out[name] = value if isinstance(value, str) else gson_json(value)
    return java_map(out)


def check_remote_model_config(config: dict[str, Any]) -> None:
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
    """``MLRegisterModelInput.parse``: each field with the accessor the plugin reads it with."""
    body = fields.require_object(body, "model")
    parsed: dict[str, Any] = {"function_name": "TEXT_EMBEDDING"}
    seen_function = False
    for key, value in body.items():
        if key in ("name", "model_group_id", "description", "url", "model_format", "model_content_hash_value",
                   "connector_id", "access_mode", "version"):
            parsed[key] = fields.text(body, key)
        elif key in ("provisioned_by", "tenant_id"):
            parsed[key] = fields.text(body, key, nullable=True)
        elif key == "function_name":
            parsed[key] = function_name(fields.text(body, key) or "")
            seen_function = True
        elif key in ("is_enabled", "add_all_backend_roles", "does_version_create_model_group", "is_hidden"):
            parsed[key] = fields.boolean(body, key)
        elif key in ("backend_roles", "model_node_ids"):
            parsed[key] = fields.string_list(body, key)
        elif key == "rate_limiter":
            parsed[key] = parse_rate_limiter(value, body, key)
        elif key == "deploy_setting":
            parsed[key] = parse_deploy_setting(value, body, key)
        elif key == "model_config":
            config = fields.obj(body, key)
            if config is not None and seen_function and parsed["function_name"] == "REMOTE":
                check_remote_model_config(config)
            parsed[key] = config
        elif key == "connector":
            parsed[key] = connector_input.parse_connector(value, mode="inline", version_at_least=version_at_least)
        elif key == "interface":
            parsed[key] = parse_interface(body, key)
        elif key == "guardrails":
            parsed[key] = fields.obj(body, key)
    parsed.pop("version", None)  # read, then ignored: the group decides the version
    if parsed.get("name") is None:
        raise illegal_argument("model name is null")
    if parsed["function_name"] != "REMOTE" and parsed.get("model_format") is None:
        raise illegal_argument("model format is null")
    return parsed


__all__ = ["parse_register", "function_name", "OpenSearchError"]
