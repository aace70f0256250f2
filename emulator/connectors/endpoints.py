"""Where a connector may send requests: the trusted-endpoint regexes and the private-IP guard."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from urllib.parse import urlsplit

from ..errors import illegal_argument
from .templates import substitute

NOT_CONFIGURED = (
    "Trusted connector endpoints regex is not configured. "
    "Please set plugins.ml_commons.trusted_connector_endpoints_regex."
)
NOT_MATCHING = "Connector URL is not matching the trusted connector endpoint regex"


@lru_cache(maxsize=256)
def _compiled(regex: str) -> re.Pattern[str] | None:
    try:
        return re.compile(regex)
    except re.error:
        return None


def check_trusted(url: str | None, regexes: list[str]) -> None:
    """The URL must fully match one regex (Java ``Matcher.matches()``)."""
    if url is None:
        raise illegal_argument("Resolved connector URL is null")
    if not regexes:
        raise illegal_argument(NOT_CONFIGURED)
    for regex in regexes:
        pattern = _compiled(regex)
        if pattern is not None and pattern.fullmatch(url):
            return
    raise illegal_argument(NOT_MATCHING)


def check_connector_urls(actions: Iterable[Mapping[str, str]], parameters: Mapping[str, str | None],
                         regexes: list[str]) -> None:
    """Create/update time: every action URL, resolved with the connector's own parameters only."""
    for action in actions:
        check_trusted(substitute(action["url"], parameters), regexes)


def check_network(url: str, *, private_ip_enabled: bool) -> None:
    """The per-request guard: http(s) only, valid port, no private or loopback address unless allowed.

    Only literal IP addresses and ``localhost`` are checked: the emulator does not resolve
    other host names, so that intercepted vendor calls work offline.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise illegal_argument(f"Protocol is not http or https: {parts.scheme}")
    try:
        port = parts.port
    except ValueError:
        raise illegal_argument(f"Port out of range: {parts.netloc.rsplit(':', 1)[-1]}") from None
    if port is not None and not 0 <= port <= 65535:
        raise illegal_argument(f"Port out of range: {port}")
    host = parts.hostname or ""
    if not private_ip_enabled and is_private_host(host):
        raise illegal_argument(f"Remote inference host name has private ip address: {host}")


def is_private_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified
