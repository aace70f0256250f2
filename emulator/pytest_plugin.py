"""The pytest plugin: options and fixtures that give tests an ML Commons emulator.

Fixtures: ``ml_emulator`` (session-wide :class:`Emulator`), ``ml_backend``
(what the client fixtures talk to), ``ml_client``
(opensearch-py client, state reset after each test), ``ml_url`` (the emulator
served over HTTP), ``ml_vendor`` (a ``responses`` registry answering the
emulator's vendor calls), ``ml_cassettes`` (the vendor cassettes the
``vendor_cassette`` marker activated). Registered through the ``pytest11`` entry point.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from . import DEFAULT_VERSION, Emulator
from .backends import Backend, EmulatorBackend
from .http.server import ServerHandle
from .vendors.cassette import CassetteError, cassette_path
from .vendors.recorder import VendorRecorder
from .vendors.replay import SHIPPED_FIXTURES, VendorReplay
from .vendors.stub import VendorStub

TRANSPORTS = ("inprocess", "http")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ml-commons-emulator")
    group.addoption("--ml-transport", choices=TRANSPORTS, default=None,
                    help="how ml_client reaches the emulator: inprocess (default) or http")
    group.addoption("--ml-version", default=None, help=f"OpenSearch version to emulate (default {DEFAULT_VERSION})")
    group.addoption("--ml-host", default=None, help="address the HTTP emulator binds (default 127.0.0.1)")
    group.addoption("--vendor-fixtures", action="append", default=[], metavar="DIR",
                    help="a folder of your own vendor cassettes, searched before the shipped ones (repeatable); "
                         "recordings are written to the first one")
    group.addoption("--vendor-record", action="store_true", default=False,
                    help="send the vendor calls of vendor_cassette tests to the real vendors and record them "
                         "(scrubbed) into the first --vendor-fixtures folder")
    group.addoption("--vendor-stub-host", default="127.0.0.1", metavar="HOST",
                    help="address the network vendor stub (ml_vendor_stub) binds; 0.0.0.0 for containers")
    group.addoption("--vendor-secret-env", action="append", default=[], metavar="NAME",
                    help="an environment variable whose value must be scrubbed from recordings (repeatable)")
    parser.addini("ml_transport", "default for --ml-transport", default="inprocess")
    parser.addini("vendor_fixtures", "folders of vendor cassettes, searched before the shipped ones",
                  type="paths", default=[])
    parser.addini("ml_version", "default for --ml-version", default=DEFAULT_VERSION)
    parser.addini("ml_host", "default for --ml-host", default="127.0.0.1")


def _option(config: pytest.Config, name: str) -> str:
    value = config.getoption(f"--ml-{name}")
    return value if value is not None else config.getini(f"ml_{name}")


_TOTALS = pytest.StashKey[dict[str, int]]()


def pytest_configure(config: pytest.Config) -> None:
    transport = _option(config, "transport")
    if transport not in TRANSPORTS:
        raise pytest.UsageError(f"ml_transport must be one of {', '.join(TRANSPORTS)}, not {transport!r}")
    config.addinivalue_line(
        "markers", "vendor_cassette(*names): replay these vendor cassettes (e.g. 'openai/embeddings') for the "
        "emulator's vendor calls in this test")
    config.stash[_TOTALS] = {"replayed": 0, "recorded": 0, "missed": 0, "tests": 0}


def _cassette_roots(config: pytest.Config) -> list[Path]:
    """The user's folders first (command line, then ini), then the shipped fixtures."""
    roots = [Path(p) for p in config.getoption("--vendor-fixtures")]
    roots += [Path(p) for p in config.getini("vendor_fixtures")]
    return [*roots, SHIPPED_FIXTURES]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    totals = config.stash.get(_TOTALS, None)
    if totals and totals["tests"]:
        terminalreporter.write_line(
            f"vendor cassettes: {totals['replayed']} interactions replayed, {totals['recorded']} recorded, "
            f"{totals['missed']} missed ({totals['tests']} tests)")


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


@pytest.fixture(autouse=True)
def ml_cassettes(request: pytest.FixtureRequest) -> Iterator[VendorReplay | VendorRecorder | None]:
    """The vendor cassettes of the test's ``vendor_cassette`` markers, answering the emulator's vendor calls.

    Yields the :class:`VendorReplay` (``.cassettes``, ``.served``, ``.missed``); with
    ``--vendor-record`` the :class:`VendorRecorder` instead; None for a test without the marker
    (the emulator is then left untouched).
    """
    names = [name for marker in request.node.iter_markers("vendor_cassette") for name in marker.args]
    if not names:
        yield None
        return
    config = request.config
    emulator: Emulator = request.getfixturevalue("ml_emulator")
    original = emulator.session
    totals = config.stash[_TOTALS]
    if config.getoption("--vendor-record"):
        yield from _recording(request, emulator, names)
        return
    replay = VendorReplay()
    try:
        replay.use_named(names, _cassette_roots(config))
    except CassetteError as error:
        pytest.fail(f"vendor_cassette: {error}", pytrace=False)
    emulator.session = replay.session()
    try:
        yield replay
    finally:
        emulator.session = original
        totals["tests"] += 1
        totals["replayed"] += len(replay.served)
        totals["missed"] += len(replay.missed)


def _recording(request: pytest.FixtureRequest, emulator: Emulator, names: list[str]) -> Iterator[VendorRecorder]:
    config = request.config
    folders = [Path(p) for p in config.getoption("--vendor-fixtures")] + [Path(p) for p in
                                                                            config.getini("vendor_fixtures")]
    if not folders:
        pytest.fail("--vendor-record needs a folder to record into: give --vendor-fixtures DIR", pytrace=False)
    if len(names) != 1:
        pytest.fail(f"--vendor-record records one cassette per test; this test names {names}", pytrace=False)
    env_names = config.getoption("--vendor-secret-env")

    def secrets() -> list[str]:
        return emulator.backend.credential_values() + [os.environ.get(name, "") for name in env_names]

    try:
        destination = cassette_path(folders[0], names[0])
    except CassetteError as error:
        pytest.fail(f"vendor_cassette: {error}", pytrace=False)
    recorder = VendorRecorder(names[0], destination, secrets=secrets)
    original = emulator.session
    emulator.session = recorder.session()
    try:
        yield recorder
    finally:
        emulator.session = original
        saved = recorder.save()
        totals = config.stash[_TOTALS]
        totals["tests"] += 1
        totals["recorded"] += len(saved.interactions) if saved else 0


@pytest.fixture
def ml_vendor_stub(request: pytest.FixtureRequest) -> Iterator[VendorStub]:
    """The test's ``vendor_cassette`` cassettes served over HTTP, for a node that cannot be patched.

    ``.url``, ``.rewrite(connector_body)`` (the actions call the stub, paths kept), ``.settings``
    (the cluster settings a node needs to call it), ``.replay`` (what was served and missed).
    """
    names = [name for marker in request.node.iter_markers("vendor_cassette") for name in marker.args]
    replay = VendorReplay()
    try:
        replay.use_named(names, _cassette_roots(request.config))
    except CassetteError as error:
        pytest.fail(f"vendor_cassette: {error}", pytrace=False)
    stub = VendorStub(replay, host=request.config.getoption("--vendor-stub-host"))
    try:
        yield stub
    finally:
        stub.stop()
        totals = request.config.stash[_TOTALS]
        totals["tests"] += 1
        totals["replayed"] += len(replay.served)
        totals["missed"] += len(replay.missed)
