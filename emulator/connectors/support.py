"""What this connector engine cannot run; such connectors are refused up front, never silently ignored.

MCP connectors (agents and tools) and processor chains (``input_processors`` /
``output_processors``) are outside the emulated remote-model predict path. A
connector or predict that asks for one of them gets a 400 that names the feature,
so a test never silently gets different behaviour from a real node.
"""

from __future__ import annotations

from typing import Any

from ..errors import illegal_argument


def _refusal(feature: str) -> Exception:
    return illegal_argument(f"{feature} is not supported by the ML Commons emulator yet")


def refuse_unsupported(connector: dict[str, Any]) -> None:
    protocol = connector.get("protocol")
    if protocol and protocol.startswith("mcp"):
        raise _refusal(f"Connector protocol [{protocol}]")
    refuse_unsupported_parameters(connector.get("parameters") or {})


def refuse_unsupported_parameters(parameters: dict[str, Any]) -> None:
    for key in ("input_processors", "output_processors"):
        if parameters.get(key) is not None:
            raise _refusal(f"Parameter [{key}]")
