"""Parsing a model register body as ``MLRegisterModelInput`` does (remote models)."""

from __future__ import annotations

import json
from typing import Any

from ..connectors.values import gson_json
from ..errors import illegal_argument, parse_exception
from ..javacollections import java_map
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


FRAMEWORK_TYPES = ("HUGGINGFACE_TRANSFORMERS", "SENTENCE_TRANSFORMERS", "HUGGINGFACE_TRANSFORMERS_NEURON")
POOLING_MODES = ("MEAN", "MEAN_SQRT_LEN", "MAX", "WEIGHTED_MEAN", "CLS", "LAST_TOKEN", "NONE")


def parse_remote_model_config(raw: Any, container: Any, key: Any) -> dict[str, Any]:
    """``RemoteModelConfig.parse``: known keys only, enums upper-cased, then the plugin's checks."""
    config = fields.require_object(raw, "model_config", container, key)
    values: dict[str, Any] = {}
    for name in config:
        if name in ("model_type", "all_config"):
            values[name] = fields.text(config, name)
        elif name in ("embedding_dimension", "model_max_length"):
            values[name] = fields.integer(config, name)
        elif name == "framework_type":
            framework = (fields.text(config, name) or "").upper()
            if framework not in FRAMEWORK_TYPES:
                raise illegal_argument("Wrong framework type")
            values[name] = framework
        elif name == "pooling_mode":
            pooling = (fields.text(config, name) or "").upper()
            if pooling not in POOLING_MODES:
                raise illegal_argument("Wrong pooling method")
            values[name] = pooling
        elif name == "normalize_result":
            values[name] = fields.boolean(config, name)
        elif name == "additional_config":
            values[name] = fields.map_value(config, name)
    order = ("model_type", "embedding_dimension", "framework_type", "all_config", "pooling_mode", "normalize_result",
             "model_max_length", "additional_config")
    out = {k: values[k] for k in order if values.get(k) is not None and (k != "normalize_result" or values[k])}
    _check_duplicate_keys(out.get("all_config"), out.get("additional_config"))
    check_remote_model_config(out)
    return out


def _check_duplicate_keys(all_config: str | None, additional: dict[str, Any] | None) -> None:
    if all_config is None or not additional:
        return
    try:
        parsed = json.loads(all_config)
    except ValueError:
        return
    duplicates = [k for k in parsed if k in additional] if isinstance(parsed, dict) else []
    if duplicates:
        listed = ", ".join(duplicates)
        raise illegal_argument(f"Duplicate keys found in both all_config and additional_config: {listed}")


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
            # Which parser reads it depends on the function name read so far (TEXT_EMBEDDING by default).
            if seen_function and parsed["function_name"] == "REMOTE":
                parsed[key] = parse_remote_model_config(value, body, key)
            else:
                parsed[key] = fields.obj(body, key)
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

