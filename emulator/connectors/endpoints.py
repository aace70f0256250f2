"""Where a connector may send requests: the trusted-endpoint regexes and the private-IP guard."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from urllib.parse import urlsplit

from ..errors import OpenSearchError, illegal_argument
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


def check_network(url: str, *, private_ip_enabled: bool, restricted_ip_patterns: Sequence[str] = (),
                  trusted_private_endpoints: Sequence[str] = ()) -> None:
    """The HTTP client's guard on every call: protocol, port, restricted and private addresses.

    Only literal IP addresses and ``localhost`` are checked: the emulator does not resolve
    other host names, so that intercepted vendor calls work offline.
    """
    try:
        _check_network(url, private_ip_enabled, list(restricted_ip_patterns), list(trusted_private_endpoints))
    except OpenSearchError as error:
        # The plugin's client rethrows its own validation error as a new one with itself as the cause.
        raise OpenSearchError(error.reason, status=400, type="illegal_argument_exception", cause=error,
                              is_opensearch_exception=False) from None


def _check_network(url: str, private_ip_enabled: bool, restricted: list[str], trusted_private: list[str]) -> None:
    parts = urlsplit(url)
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        raise illegal_argument(f"Protocol is not http or https: {parts.scheme}")
    port_text = parts.netloc.rsplit("@", 1)[-1]
    port_text = port_text.rsplit("]", 1)[-1]
    port = int(port_text.rsplit(":", 1)[1]) if ":" in port_text and port_text.rsplit(":", 1)[1].isdigit() else -1
    if port == -1:
        port = 80 if parts.scheme.lower() == "http" else 443
    if port < 0 or port > 65536:
        raise illegal_argument(f"Port out of range: {port}")
    host = parts.hostname or ""
    addresses = _literal_addresses(host)
    if restricted and any(re.fullmatch(pattern, str(address)) for pattern in restricted for address in addresses):
        raise illegal_argument(f"Remote inference host name has restricted ip address: {host}")
    private = any(_is_private(address) for address in addresses)
    if not private_ip_enabled and private:
        raise illegal_argument(f"Remote inference host name has private ip address: {host}")
    if trusted_private and private and not any(re.fullmatch(p, url) for p in trusted_private):
        raise illegal_argument("Connector URL is not matching the trusted connector private endpoint regex")


def _literal_addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    if host == "localhost" or host.endswith(".localhost"):
        return [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")]
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        return []


_PRIVATE_V4 = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",
                                                  "127.0.0.0/8", "0.0.0.0/32")]
_SITE_LOCAL_V6 = ipaddress.ip_network("fec0::/10")


def _is_private(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """The plugin's set: 10/8, 172.16/12, 192.168/16, 169.254/16, loopback, site-local and any-local."""
    if isinstance(address, ipaddress.IPv4Address):
        return any(address in network for network in _PRIVATE_V4)
    return address.is_loopback or address.is_unspecified or address in _SITE_LOCAL_V6
