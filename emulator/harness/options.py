"""The plugin's command-line and ini options, read once into :class:`HarnessOptions`, and the backend they ask for."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .. import DEFAULT_VERSION, Emulator
from ..domain.security import DEFAULT_ADMIN_PASSWORD
from .backends import Backend, ClusterBackend, ContainerBackend, EmulatorBackend
from .container import DEFAULT_JAVA_OPTS, DEFAULT_START_TIMEOUT, container_spec, start_container
from .naming import DEFAULT_PREFIX, RunNames, validate_prefix

BACKENDS = ("emulator", "http", "container", "url")
TRANSPORTS = ("inprocess", "http")
PASSWORD_ENV = "ML_PASSWORD"


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("ml-commons-emulator")
    group.addoption("--ml-backend", choices=BACKENDS, default=None,
                    help="what ml_client talks to: emulator (in-process, default), http (the emulator over loopback), "
                         "container (a real node in Docker), url (an existing cluster, --ml-url)")
    group.addoption("--ml-transport", choices=TRANSPORTS, default=None,
                    help="older spelling: inprocess = --ml-backend=emulator, http = --ml-backend=http")
    group.addoption("--ml-version", default=None, help=f"OpenSearch version to emulate, and of the container's default "
                                                       f"image (default {DEFAULT_VERSION})")
    group.addoption("--ml-host", default=None, help="address the HTTP emulator binds (default 127.0.0.1)")
    group.addoption("--ml-url", default=None, help="the cluster for --ml-backend=url (http[s]://host:port)")
    group.addoption("--ml-user", default=None, help="basic-auth user for --ml-url (with --ml-password or $ML_PASSWORD)")
    group.addoption("--ml-password", default=None, help=f"basic-auth password for --ml-url (or ${PASSWORD_ENV})")
    group.addoption("--ml-no-verify-certs", action="store_true", default=False,
                    help="do not verify the cluster's TLS certificate (--ml-backend=url)")
    group.addoption("--ml-ca-certs", default=None, metavar="PATH", help="CA bundle for the cluster's TLS certificate")
    group.addoption("--ml-image", default=None,
                    help="Docker image for --ml-backend=container (default opensearchproject/opensearch:<version>)")
    group.addoption("--ml-security", action="store_true", default=False,
                    help="the Security plugin on: the emulator with basic auth and an admin user, or the container "
                         "with HTTPS and a generated strong admin password")
    group.addoption("--ml-admin-password", default=None,
                    help="the emulator's admin password with --ml-security (default admin)")
    group.addoption("--ml-start-timeout", type=float, default=None,
                    help=f"seconds to wait for the container to be ready (default {DEFAULT_START_TIMEOUT:.0f})")
    group.addoption("--ml-java-opts", default=None, help=f"OPENSEARCH_JAVA_OPTS of the container ({DEFAULT_JAVA_OPTS})")
    group.addoption("--ml-ryuk", choices=("on", "off"), default=None,
                    help="testcontainers' Ryuk reaper (pulled from Docker Hub): off for offline CI "
                         "(default: on unless TESTCONTAINERS_RYUK_DISABLED=true)")
    group.addoption("--ml-name-prefix", default=None,
                    help=f"prefix of every resource name the run creates (default {DEFAULT_PREFIX})")
    group.addoption("--ml-allow-existing", action="store_true", default=False,
                    help="run against a cluster that already has resources named with the prefix")
    group.addoption("--ml-conformance-report", default=None, metavar="PATH",
                    help="write a JSON report of every test (backend, version, outcome, normalised mismatches)")
    group.addoption("--ml-snapshot-update", action="store_true", default=False,
                    help="record the ml_snapshot values of this run (normalised) instead of verifying them")
    group.addoption("--vendor-stub-advertise", default=None, metavar="HOST",
                    help="the host name a cluster (--ml-backend=url) uses to reach the vendor stub "
                         "(default: the --vendor-stub-host address)")
    parser.addini("ml_backend", "default for --ml-backend", default="")
    parser.addini("ml_transport", "older spelling of ml_backend (inprocess or http)", default="")
    parser.addini("ml_version", "default for --ml-version", default=DEFAULT_VERSION)
    parser.addini("ml_host", "default for --ml-host", default="127.0.0.1")
    parser.addini("ml_url", "default for --ml-url", default="")
    parser.addini("ml_image", "default for --ml-image", default="")
    parser.addini("ml_name_prefix", "default for --ml-name-prefix", default=DEFAULT_PREFIX)


def _pick(config: pytest.Config, option: str, ini: str) -> Any:
    value = config.getoption(option)
    return value if value is not None else (config.getini(ini) or None)


@dataclass(frozen=True)
class HarnessOptions:
    """Everything the fixtures need to build and use a backend."""

    backend: str
    version: str
    host: str
    url: str | None
    user: str | None
    password: str | None
    verify_certs: bool
    ca_certs: str | None
    image: str | None
    security: bool
    admin_password: str | None
    start_timeout: float
    java_opts: str
    ryuk_disabled: bool
    name_prefix: str
    allow_existing: bool
    stub_host: str
    stub_advertise: str | None
    report: Path | None
    snapshot_update: bool

    @property
    def is_emulator(self) -> bool:
        return self.backend in ("emulator", "http")

    @classmethod
    def from_config(cls, config: pytest.Config) -> HarnessOptions:
        backend = _backend(config)
        url = _pick(config, "--ml-url", "ml_url")
        if backend == "url" and not url:
            raise pytest.UsageError("--ml-backend=url needs --ml-url (or ml_url in the ini file)")
        if config.getoption("--ml-security") and backend == "url":
            raise pytest.UsageError("--ml-security configures a node the plugin starts; for --ml-backend=url give the "
                                    "cluster's credentials with --ml-user and --ml-password")
        try:
            prefix = validate_prefix(_pick(config, "--ml-name-prefix", "ml_name_prefix"))
        except ValueError as error:
            raise pytest.UsageError(str(error)) from None
        ryuk = config.getoption("--ml-ryuk")
        ryuk_disabled = (ryuk == "off") if ryuk else os.environ.get("TESTCONTAINERS_RYUK_DISABLED", "").lower() in (
            "1", "true", "yes")
        stub_host = config.getoption("--vendor-stub-host")
        timeout = config.getoption("--ml-start-timeout")
        report = config.getoption("--ml-conformance-report")
        return cls(
            backend=backend, version=_pick(config, "--ml-version", "ml_version") or DEFAULT_VERSION,
            host=_pick(config, "--ml-host", "ml_host") or "127.0.0.1", url=url,
            user=config.getoption("--ml-user"),
            password=config.getoption("--ml-password") or os.environ.get(PASSWORD_ENV),
            verify_certs=not config.getoption("--ml-no-verify-certs"), ca_certs=config.getoption("--ml-ca-certs"),
            image=_pick(config, "--ml-image", "ml_image"), security=bool(config.getoption("--ml-security")),
            admin_password=config.getoption("--ml-admin-password"),
            start_timeout=DEFAULT_START_TIMEOUT if timeout is None else timeout,
            java_opts=config.getoption("--ml-java-opts") or DEFAULT_JAVA_OPTS, ryuk_disabled=ryuk_disabled,
            name_prefix=prefix, allow_existing=bool(config.getoption("--ml-allow-existing")),
            stub_host=stub_host, stub_advertise=config.getoption("--vendor-stub-advertise"),
            report=Path(report) if report else None, snapshot_update=bool(config.getoption("--ml-snapshot-update")),
        )

    def auth(self) -> tuple[str, str] | None:
        if self.user is None and self.password is None:
            return None
        return (self.user or "admin", self.password or "")


def _backend(config: pytest.Config) -> str:
    chosen = config.getoption("--ml-backend")
    transport = config.getoption("--ml-transport")
    from_transport = {"inprocess": "emulator", "http": "http"}.get(transport or "")
    if chosen and from_transport and chosen != from_transport:
        raise pytest.UsageError(f"--ml-transport={transport} contradicts --ml-backend={chosen}")
    value = chosen or from_transport or config.getini("ml_backend") or \
        {"inprocess": "emulator", "http": "http"}.get(config.getini("ml_transport"), "") or "emulator"
    if value not in BACKENDS:
        raise pytest.UsageError(f"ml_backend must be one of {', '.join(BACKENDS)}, not {value!r}")
    return value


def cluster_backend(options: HarnessOptions, names: RunNames) -> ClusterBackend:
    """The ``url`` backend (no request is sent yet)."""
    assert options.url is not None
    return ClusterBackend(options.url, names, auth=options.auth(), verify_certs=options.verify_certs,
                          ca_certs=options.ca_certs, stub_host=options.stub_host,
                          stub_advertised_host=options.stub_advertise)


def make_backend(options: HarnessOptions, names: RunNames) -> Backend:
    """The backend ``options`` ask for, started. The container raises
    :class:`~.container.DockerUnavailable` when there is no Docker daemon."""
    if options.is_emulator:
        transport = "http" if options.backend == "http" else "inprocess"
        password = options.admin_password or DEFAULT_ADMIN_PASSWORD
        emulator = Emulator(version=options.version, security=options.security, admin_password=password)
        return EmulatorBackend(emulator, transport, options.host, names=names,
                               auth=("admin", password) if options.security else None)
    if options.backend == "url":
        return cluster_backend(options, names)
    spec = container_spec(options.version, options.image, security=options.security,
                          java_opts=options.java_opts, ryuk_disabled=options.ryuk_disabled,
                          start_timeout=options.start_timeout)
    container, url = start_container(spec)
    stub_host = options.stub_host if options.stub_host not in ("127.0.0.1", "localhost") else "0.0.0.0"
    return ContainerBackend(container, url, names, admin_password=spec.admin_password if spec.security else "",
                            stub_host=stub_host, stub_advertised_host=options.stub_advertise or "host.docker.internal")
