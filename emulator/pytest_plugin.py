"""The pytest plugin: options and fixtures that give tests an ML Commons emulator.

Fixtures: ``ml_emulator`` (session-wide :class:`Emulator`), ``ml_backend``
(what the client fixtures talk to), ``ml_client``
(opensearch-py client, state reset after each test), ``ml_url`` (the emulator
served over HTTP), ``ml_vendor`` (a ``responses`` registry answering the
emulator's vendor calls). Registered through the ``pytest11`` entry point.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from . import DEFAULT_VERSION, Emulator
from .backends import Backend, EmulatorBackend
from .http.server import ServerHandle

TRANSPORTS = ("inprocess", "http")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ml-commons-emulator")
    group.addoption("--ml-transport", choices=TRANSPORTS, default=None,
                    help="how ml_client reaches the emulator: inprocess (default) or http")
    group.addoption("--ml-version", default=None, help=f"OpenSearch version to emulate (default {DEFAULT_VERSION})")
    group.addoption("--ml-host", default=None, help="address the HTTP emulator binds (default 127.0.0.1)")
    parser.addini("ml_transport", "default for --ml-transport", default="inprocess")
    parser.addini("ml_version", "default for --ml-version", default=DEFAULT_VERSION)
    parser.addini("ml_host", "default for --ml-host", default="127.0.0.1")


def _option(config: pytest.Config, name: str) -> str:
    value = config.getoption(f"--ml-{name}")
    return value if value is not None else config.getini(f"ml_{name}")


def pytest_configure(config: pytest.Config) -> None:
    transport = _option(config, "transport")
    if transport not in TRANSPORTS:
        raise pytest.UsageError(f"ml_transport must be one of {', '.join(TRANSPORTS)}, not {transport!r}")


@pytest.fixture(scope="session")
def ml_emulator(pytestconfig: pytest.Config) -> Emulator:
    """One emulator for the test session; ``ml_client`` and ``ml_url`` reset it after each test."""
    return Emulator(version=_option(pytestconfig, "version"))


@pytest.fixture(scope="session")
def ml_backend(ml_emulator: Emulator, pytestconfig: pytest.Config) -> Iterator[Backend]:
    """What ``ml_client`` and ``ml_url`` talk to (the emulator, in-process or over HTTP)."""
    backend = EmulatorBackend(ml_emulator, _option(pytestconfig, "transport"), _option(pytestconfig, "host"))
    try:
        yield backend
    finally:
        backend.close()


@pytest.fixture(scope="session")
def ml_server(ml_backend: Backend) -> ServerHandle:
    """The session emulator served over loopback HTTP (started on first use)."""
    assert isinstance(ml_backend, EmulatorBackend)
    return ml_backend.server


@pytest.fixture
def ml_url(ml_backend: Backend) -> Iterator[str]:
    """The backend's base URL over HTTP; state is reset after the test."""
    try:
        yield ml_backend.url
    finally:
        ml_backend.reset()


@pytest.fixture
def ml_client(ml_backend: Backend) -> Iterator[Any]:
    """An ``opensearchpy.OpenSearch`` client on a clean backend (in-process, or HTTP with --ml-transport=http)."""
    client = ml_backend.client()
    try:
        yield client
    finally:
        client.close()
        ml_backend.reset()


@pytest.fixture
def ml_vendor(ml_emulator: Emulator) -> Iterator[Any]:
    """A ``responses.RequestsMock`` that answers the emulator's vendor calls, and only those.

    Register vendor answers with ``ml_vendor.add(...)``; unmatched calls fail the predict.
    """
    import responses

    from .vendors.responses_adapter import session_for

    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    original = ml_emulator.session
    ml_emulator.session = session_for(mock)
    try:
        yield mock
    finally:
        ml_emulator.session = original
