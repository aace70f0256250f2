"""Request headers at call time: runtime ``${parameters.*}`` substitution and the plugin's header checks."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..errors import illegal_argument
from .templates import substitute

BLOCKED_PARAMETER_HEADERS = {
    "authorization", "proxy-authorization", "cookie", "x-api-key", "x-auth-token", "x-auth-header",
    "x-forwarded-for", "x-real-ip", "x-client-ip", "cf-connecting-ip", "true-client-ip", "x-originating-ip",
    "host", "x-forwarded-host", "x-forwarded-server", "forwarded",
}


_PLACEHOLDER = re.compile(r"\$\{parameters\.[^}]+}")


def check_header_placeholder(name: str, value: str | None, protocol: str | None) -> None:
    """``validateConnectorHeaders``: no ``${parameters.*}`` in MCP headers or security-sensitive ones."""
    if value is None or not _PLACEHOLDER.search(value):
        return
    if protocol and protocol.lower() in ("mcp_sse", "mcp_streamable_http"):
        raise illegal_argument(f"Header '{name}' cannot use ${{parameters.*}} placeholders in MCP connectors.")
    if name.lower() in BLOCKED_PARAMETER_HEADERS:
        raise illegal_argument(
            f"Header '{name}' cannot use ${{parameters.*}} placeholders for security reasons. "
            "Use ${credential.*} instead."
        )


def resolve_headers(deploy_headers: Mapping[str, str | None], parameters: Mapping[str, str | None],
                    protocol: str | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in deploy_headers.items():
        if value is None:
            continue
        if "${parameters." in value:
            check_header_placeholder(name, value, protocol)
            value = substitute(value, parameters)
            if "${parameters." in value:
                raise illegal_argument(
                    f"Header '{name}' contains unresolved placeholder. Required parameter is missing."
                )
        headers[name] = value
    _validate(headers)
    return headers


def _validate(headers: Mapping[str, str]) -> None:
    total = 0
    for name, value in headers.items():
        if any((ord(c) < 0x20 and c != "\t") or ord(c) == 0x7F for c in value):
            raise illegal_argument("Header value contains invalid control character")
        size = len(name) + len(value)
        if size > 8192:
            raise illegal_argument("Header size (key + value) exceeds 8KB limit")
        total += size
    if total > 65536:
        raise illegal_argument("Total headers size (key + value) exceeds 64KB limit")
