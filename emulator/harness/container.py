"""A real OpenSearch node in Docker (testcontainers), configured so remote models replay through the stub.

:func:`container_spec` decides everything handed to testcontainers (image, env,
extra hosts, password); :func:`start_container` builds the
``OpenSearchContainer`` only then, because constructing one already needs a
Docker daemon, and waits until the node and its ML plugin answer.
"""

from __future__ import annotations

import secrets
import string
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

STUB_HOST_IN_CONTAINER = "host.docker.internal"
DEFAULT_JAVA_OPTS = "-Xms1g -Xmx1g"
DEFAULT_START_TIMEOUT = 240.0

# Settings a node needs before it can call a vendor stub on the Docker host, set as `-E` options at start
# (the entrypoint turns `a.b=value` variables into them): private addresses are checked when the HTTP
# client is built, so flipping `private_ip_enabled` later is not reliable.
NODE_SETTINGS = {
    "plugins.ml_commons.only_run_on_ml_node": "false",
    "plugins.ml_commons.connector.private_ip_enabled": "true",
    "plugins.ml_commons.native_memory_threshold": "100",
    "plugins.ml_commons.jvm_heap_memory_threshold": "100",
}


class DockerUnavailable(Exception):
    """No Docker daemon answered; tests that need the container are skipped with this reason."""


class ContainerStartError(Exception):
    """The container started but the node was not ready in time (the message carries its last log lines)."""


def default_image(version: str) -> str:
    """The official image of the OpenSearch release the emulator emulates (it bundles ML Commons)."""
    return f"opensearchproject/opensearch:{version}"


def strong_password() -> str:
    """A generated admin password that passes the demo installer's strength check (upper, lower, digit, symbol)."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(20))
    return f"Ml{core}9!"


@dataclass(frozen=True)
class ContainerSpec:
    """Everything handed to testcontainers for one node."""

    image: str
    security: bool = False
    admin_password: str = ""
    env: dict[str, str] = field(default_factory=dict)
    extra_hosts: dict[str, str] = field(default_factory=dict)
    ryuk_disabled: bool = False
    start_timeout: float = DEFAULT_START_TIMEOUT

    @property
    def scheme(self) -> str:
        return "https" if self.security else "http"


def container_spec(version: str, image: str | None = None, *, security: bool = False,
                   admin_password: str | None = None, java_opts: str = DEFAULT_JAVA_OPTS, ryuk_disabled: bool = False,
                   start_timeout: float = DEFAULT_START_TIMEOUT,
                   settings: dict[str, str] | None = None) -> ContainerSpec:
    """The container for ``version`` (or ``image``), security off unless asked, ML settings for replay."""
    password = admin_password or (strong_password() if security else "")
    env = {
        "discovery.type": "single-node",
        "OPENSEARCH_JAVA_OPTS": java_opts,
        # The demo installer refuses to start without a strong password and rewrites the config; without
        # security it is not needed at all (opensearch-build#4599).
        "DISABLE_INSTALL_DEMO_CONFIG": "false" if security else "true",
        "DISABLE_SECURITY_PLUGIN": "false" if security else "true",
        **NODE_SETTINGS,
        **(settings or {}),
    }
    if security:
        # testcontainers sets this only for tags it can parse as >= 2.12; set it for every tag.
        env["OPENSEARCH_INITIAL_ADMIN_PASSWORD"] = password
        env["plugins.security.allow_default_init_securityindex"] = "true"
    return ContainerSpec(image=image or default_image(version), security=security, admin_password=password,
                         env=env, extra_hosts={STUB_HOST_IN_CONTAINER: "host-gateway"},
                         ryuk_disabled=ryuk_disabled, start_timeout=start_timeout)


def build_container(spec: ContainerSpec, factory: Callable[..., Any] | None = None) -> Any:
    """The configured (not started) ``OpenSearchContainer``; :class:`DockerUnavailable` without a daemon."""
    from testcontainers.core.config import testcontainers_config

    if spec.ryuk_disabled:
        # Ryuk is pulled from Docker Hub; offline CI turns it off (containers are then stopped by us only).
        testcontainers_config.ryuk_disabled = True
    from docker.errors import DockerException

    if factory is None:
        with warnings.catch_warnings():
            # The module decorates its health check with testcontainers' own deprecated helper at import.
            warnings.simplefilter("ignore", DeprecationWarning)
            from testcontainers.community.opensearch import OpenSearchContainer as factory
    try:
        container = factory(image=spec.image, security_enabled=spec.security,
                            initial_admin_password=spec.admin_password or "admin")
    except DockerException as error:
        raise DockerUnavailable(f"no Docker daemon for the container backend ({_first_line(error)})") from None
    for key, value in spec.env.items():
        container.with_env(key, value)
    container.with_kwargs(extra_hosts=dict(spec.extra_hosts))
    return container


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def wait_until_ready(url: str, spec: ContainerSpec, logs: Callable[[], str] = lambda: "",
                     session: requests.Session | None = None, clock: Callable[[], float] = time.monotonic,
                     sleep: Callable[[float], None] = time.sleep) -> None:
    """Poll until the node answers, its cluster is at least yellow and the ML plugin is loaded."""
    http = session or requests.Session()
    auth = ("admin", spec.admin_password) if spec.security else None
    deadline = clock() + spec.start_timeout
    last = "no answer yet"
    while clock() < deadline:
        try:
            health = http.get(f"{url}/_cluster/health", params={"wait_for_status": "yellow", "timeout": "5s"},
                              auth=auth, verify=False, timeout=10)
            if health.status_code == 200:
                plugins = http.get(f"{url}/_cat/plugins", params={"format": "json"}, auth=auth, verify=False,
                                   timeout=10)
                names = {row.get("component") for row in plugins.json()} if plugins.status_code == 200 else set()
                if "opensearch-ml" in names:
                    return
                last = f"plugins loaded: {sorted(n for n in names if n)} (no opensearch-ml)"
            else:
                last = f"GET /_cluster/health answered {health.status_code}"
        except (requests.RequestException, ValueError) as error:
            last = _first_line(error)
        sleep(1.0)
    tail = "\n".join(logs().splitlines()[-20:])
    raise ContainerStartError(f"OpenSearch container {spec.image} was not ready within {spec.start_timeout:.0f} s "
                              f"(--ml-start-timeout); last check: {last}\nlast log lines:\n{tail}")


def start_container(spec: ContainerSpec, factory: Callable[..., Any] | None = None) -> tuple[Any, str]:
    """Start the node; returns the container and its base URL."""
    container = build_container(spec, factory)
    # DockerContainer.start, not OpenSearchContainer.start: its health check waits for green with a fixed
    # 120 s budget and no log output; ours waits for yellow and the ML plugin, and says why it gave up.
    from testcontainers.core.container import DockerContainer

    DockerContainer.start(container)
    url = f"{spec.scheme}://{container.get_container_host_ip()}:{container.get_exposed_port(9200)}"

    def logs() -> str:
        try:
            out, err = container.get_logs()
            return (out + err).decode("utf-8", "replace")
        except Exception:  # the container may already be gone
            return ""

    try:
        wait_until_ready(url, spec, logs)
    except ContainerStartError:
        container.stop()
        raise
    return container, url
