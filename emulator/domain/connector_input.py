"""Parsing and validating a connector body (create, update, and inline in a model).

Mirrors the plugin's ``MLCreateConnectorInput`` / ``ConnectorAction`` /
``ConnectorClientConfig`` parsers: which field is checked first, the exact
messages, the defaults filled in, and how values are stored (versions and
parameters as strings, action types upper-case).
"""

from __future__ import annotations

import re
from typing import Any

from ..connectors.input_headers import check_header_placeholder
from ..connectors.values import parameter_map
from ..errors import OpenSearchError, illegal_argument
from . import fields
from .validation import validate_fields

PROTOCOLS = ["aws_sigv4", "http", "mcp_sse", "mcp_streamable_http"]
ACTION_TYPES = ["PREDICT", "EXECUTE", "BATCH_PREDICT", "CANCEL_BATCH_PREDICT", "BATCH_PREDICT_STATUS"]
BACKOFF_POLICIES = ["constant", "exponential_equal_jitter", "exponential_full_jitter"]
_ACTION_KEYS = ("action_type", "method", "url", "headers", "request_body", "pre_process_function",
                "post_process_function", "name", "supports_structured_output")
_ACTION_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
def parse_action(raw: Any, container: Any, key: Any, *, version_at_least: Any) -> dict[str, Any]:
    """``ConnectorAction.parse``: fields as met, then the required ones in the plugin's order."""
    action = fields.require_object(raw, "connector action", container, key)
    action_type = fields.text(action, "action_type")
    method = fields.text(action, "method")
    url = fields.text(action, "url")
    headers = fields.string_map(action, "headers")
    request_body = fields.text(action, "request_body")
    pre = fields.text(action, "pre_process_function")
    post = fields.text(action, "post_process_function")
    name = fields.text(action, "name") if version_at_least("3.5") else None
    structured = fields.boolean(action, "supports_structured_output") if version_at_least("3.7") else None
    if action_type is not None:
        upper = action_type.upper()
        if upper not in ACTION_TYPES:
            raise illegal_argument(
                f"No enum constant org.opensearch.ml.common.connector.ConnectorAction.ActionType.{upper}"
            )
        action_type = upper
    if action_type is None:
        raise illegal_argument("action type can't be null")
    if url is None:
        raise illegal_argument("url can't be null")
    if method is None:
        raise illegal_argument("method can't be null")
    if name is not None:
        _validate_action_name(name)
    out = {"action_type": action_type, "method": method, "url": url, "headers": headers,
           "request_body": request_body, "pre_process_function": pre, "post_process_function": post,
           "name": name, "supports_structured_output": True if structured else None}
    return {k: out[k] for k in _ACTION_KEYS if out[k] is not None}


def _validate_action_name(name: str) -> None:
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        raise illegal_argument("Action name must not contain control characters")
    if len(name) > 64:
        raise illegal_argument("Action name exceeds maximum length of 64 characters")
    if not _ACTION_NAME.match(name):
        raise illegal_argument(
            "Action name contains invalid characters. "
            "Only alphanumeric characters, hyphens, and underscores are allowed"
        )
    if name.upper() in ACTION_TYPES:
        raise illegal_argument(f"name can't be one of action type [{', '.join(ACTION_TYPES)}]")


def parse_client_config(raw: Any, container: Any, key: Any, *, version_at_least: Any) -> dict[str, Any]:
    config = fields.require_object(raw, "client_config", container, key)
    policy = fields.text(config, "retry_backoff_policy")
    if policy is not None:
        if policy.lower() not in BACKOFF_POLICIES:
            raise illegal_argument("Unsupported retry backoff policy")
        policy = policy.lower()
    out: dict[str, Any] = {
        "max_connection": _int_or(config, "max_connection", 30),
        "connection_timeout": _int_or(config, "connection_timeout", 30),
        "read_timeout": _int_or(config, "read_timeout", 30),
        "retry_backoff_millis": _int_or(config, "retry_backoff_millis", 200),
        "retry_timeout_seconds": _int_or(config, "retry_timeout_seconds", 30),
        "max_retry_times": _int_or(config, "max_retry_times", 0),
        "retry_backoff_policy": policy or "constant",
    }
    if version_at_least("3.5"):
        skip = fields.boolean(config, "skip_ssl_verification")
        out["skip_ssl_verification"] = bool(skip)
    return out


def _int_or(body: dict[str, Any], field: str, default: int) -> int:
    value = fields.integer(body, field)
    return default if value is None else value


def parse_connector(body: Any, *, mode: str, version_at_least: Any, container: Any = None,
                    key: Any = None) -> dict[str, Any]:
    """Parse a connector body. ``mode`` is "create", "update" (``MLCreateConnectorInput.parse``) or
    "inline" (``Connector.createConnector``, a model's own connector).

    Returns the parsed fields (absent ones omitted) plus ``dry_run``/access fields.
    Raises the plugin's errors in the plugin's order.
    """
    if mode == "inline":
        return _parse_inline(body, version_at_least=version_at_least)
    body = fields.require_object(body, "connector", container, key)
    parsed: dict[str, Any] = {}
    # Field errors surface as the parser meets them, in body order, before the required-field checks.
    for name, value in body.items():
        if name in ("name", "description", "protocol", "version", "access_mode"):
            parsed[name] = fields.text(body, name)
        elif name in ("provisioned_by", "tenant_id", "url"):
            parsed[name] = fields.text(body, name, nullable=True)
        elif name == "parameters":
            params = fields.map_value(body, name)
            parsed[name] = parameter_map(params or {})
        elif name in ("credential", "headers"):
            parsed[name] = fields.string_map(body, name)
        elif name == "actions":
            if not isinstance(value, list):
                raise fields.unexpected_token(body, name, "START_ARRAY", value)
            parsed[name] = [parse_action(a, value, i, version_at_least=version_at_least) for i, a in enumerate(value)]
        elif name == "backend_roles":
            parsed[name] = fields.string_list(body, name)
        elif name in ("add_all_backend_roles", "dry_run"):
            parsed[name] = fields.boolean(body, name)
        elif name == "client_config":
            parsed[name] = parse_client_config(value, body, name, version_at_least=version_at_least)
    if parsed.get("provisioned_by") is not None and not version_at_least("3.7"):
        parsed.pop("provisioned_by")
    dry_run = bool(parsed.get("dry_run"))
    if mode == "create" and not dry_run:
        _check_required(parsed)
    if mode == "create":
        parsed.setdefault("parameters", {})
    return parsed


def _parse_inline(body: Any, *, version_at_least: Any) -> dict[str, Any] | None:
    """``Connector.createConnector``: protocol first, then the protocol's own parser.

    Answers None where the plugin's parser fails with anything but an IllegalArgumentException
    (the caller then reports a missing connector, as the plugin does).
    """
    if not isinstance(body, dict):
        body = {}  # parser.map() reads anything but an object as an empty map
    protocol = body.get("protocol")
    if protocol is None:
        raise illegal_argument("connector protocol is null")
    if not isinstance(protocol, str) or protocol not in PROTOCOLS:
        raise illegal_argument(f"Can't find class for type {protocol}")
    try:
        parsed = parse_connector(body, mode="update", version_at_least=version_at_least)
    except OpenSearchError as error:
        if error.type in ("illegal_argument_exception", "number_format_exception"):
            raise
        return None
    if protocol in ("http", "aws_sigv4"):
        parsed.pop("url", None)
        parsed.pop("headers", None)
    if protocol == "aws_sigv4":
        validate_aws(parsed)
    return parsed


def _check_required(parsed: dict[str, Any]) -> None:
    if parsed.get("name") is None:
        raise illegal_argument("Connector name is null")
    if parsed.get("version") is None:
        raise illegal_argument("Connector version is null")
    protocol = parsed.get("protocol")
    if protocol is None:
        raise illegal_argument("Connector protocol is null")
    is_mcp = protocol in ("mcp_sse", "mcp_streamable_http")
    if not is_mcp and not parsed.get("credential"):
        raise illegal_argument("Connector credential is null or empty list")
    if is_mcp and not (parsed.get("url") or "").strip():
        raise illegal_argument("MCP Connector url is null or blank")
    _check_protocol(protocol)


def _check_protocol(protocol: str | None) -> None:
    if protocol is not None and protocol not in PROTOCOLS:
        raise illegal_argument(f"Unsupported connector protocol. Please use one of [{', '.join(PROTOCOLS)}]")


def validate_request(parsed: dict[str, Any], *, mode: str) -> None:
    """``MLCreateConnectorRequest.validate`` / ``MLUpdateConnectorRequest.validate`` (safe-text rule)."""
    fields_to_check = [
        ("Model connector name", parsed.get("name"), mode == "create" and not parsed.get("dry_run")),
        ("Model connector description", parsed.get("description"), False),
    ]
    if mode == "create":
        fields_to_check.append(("Model connector provisioned_by field", parsed.get("provisioned_by"), False))
    validate_fields(fields_to_check)


def validate_headers(actions: list[dict[str, Any]], protocol: str | None) -> None:
    """Headers may not take ``${parameters.*}`` in MCP connectors or in security-sensitive names."""
    for action in actions:
        for name, value in (action.get("headers") or {}).items():
            check_header_placeholder(name, value, protocol)


def access_fields_given(parsed: dict[str, Any]) -> bool:
    mode = fields.access_mode(parsed.get("access_mode"), lower_first=False)
    return mode is not None or parsed.get("add_all_backend_roles") is not None or bool(parsed.get("backend_roles"))


def validate_aws(parsed: dict[str, Any]) -> None:
    """``AwsConnector.validate``: keys, service name and region must be somewhere."""
    credential = parsed.get("credential") or {}
    parameters = parsed.get("parameters") or {}
    if "access_key" not in credential or "secret_key" not in credential:
        raise illegal_argument("Missing credential")
    if "service_name" not in parameters and "service_name" not in credential:
        raise illegal_argument("Missing service name")
    if "region" not in parameters and "region" not in credential:
        raise illegal_argument("Missing region")
