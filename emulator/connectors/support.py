"""What this connector engine can run today; anything else is refused up front, never ignored.

Built-in pre/post-process functions, Painless scripts, AWS SigV4 signing, retries,
``response_filter`` and MCP connectors belong to the full connector engine. Until
it lands, a connector that asks for one of them is rejected at create (and
update, and inline model register) with a 400 that names the feature, so a test
never silently gets different behaviour from a real node.
"""

from __future__ import annotations

from typing import Any

from ..errors import illegal_argument


def _refusal(feature: str) -> Exception:
    return illegal_argument(f"{feature} is not supported by the ML Commons emulator yet")


def refuse_unsupported(connector: dict[str, Any]) -> None:
    protocol = connector.get("protocol")
    if protocol == "aws_sigv4":
        raise _refusal("Connector protocol [aws_sigv4] (AWS SigV4 signing)")
    if protocol and protocol.startswith("mcp"):
        raise _refusal(f"Connector protocol [{protocol}]")
    for action in connector.get("actions") or []:
        for key in ("pre_process_function", "post_process_function"):
            if action.get(key):
                raise _refusal(f"[{key}] (built-in functions and Painless scripts)")
    client_config = connector.get("client_config") or {}
    if client_config.get("max_retry_times", 0) != 0:
        raise _refusal("client_config [max_retry_times] (retries)")
    refuse_unsupported_parameters(connector.get("parameters") or {})


def refuse_unsupported_parameters(parameters: dict[str, Any]) -> None:
    for key in ("response_filter", "input_processors", "output_processors"):
        if parameters.get(key) is not None:
            raise _refusal(f"Parameter [{key}]")
