"""The pytest plugin: options, hooks and fixtures that run a test suite on the emulator or on a real node.

Fixtures: ``ml_backend`` (what the client fixtures talk to: the emulator in-process
or over HTTP, a container, a cluster URL), ``ml_client`` (opensearch-py client,
cleaned up after each test), ``ml_url``, ``ml_names`` (resource names unique to
the run and worker), ``ml_snapshot`` (normalised responses recorded and
verified), ``ml_emulator`` / ``ml_server`` / ``ml_vendor`` (the emulator's own
handles), ``ml_cassettes`` (the vendor cassettes the ``vendor_cassette`` marker
activated) and ``ml_vendor_stub``. Registered through the ``pytest11`` entry point.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from . import Emulator
from .harness.backends import Backend, EmulatorBackend, ExistingResources
from .harness.container import ContainerStartError, DockerUnavailable
from .harness.naming import RunNames, new_run_id, worker_id
from .harness.normalise import Normaliser
from .harness.options import HarnessOptions, add_options, cluster_backend, make_backend
from .harness.report import BACKEND_PROPERTY, MISMATCH_PROPERTY, ConformanceReport
from .harness.snapshots import Snapshot, SnapshotMismatch, snapshot_path
from .http.server import ServerHandle
from .vendors.cassette import CassetteError, cassette_path
from .vendors.recorder import VendorRecorder
from .vendors.replay import SHIPPED_FIXTURES, VendorReplay
from .vendors.stub import VendorStub

_OPTIONS = pytest.StashKey[HarnessOptions]()
_NAMES = pytest.StashKey[RunNames]()
_CALL_PASSED = pytest.StashKey[bool]()
RUN_ID_KEY = "ml_run_id"
CASSETTE_PROPERTY = "ml_cassettes"


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)
    group = parser.getgroup("ml-commons-emulator")
    group.addoption("--vendor-fixtures", action="append", default=[], metavar="DIR",
                    help="a folder of your own vendor cassettes, searched before the shipped ones (repeatable); "
                         "recordings are written to the first one")
    group.addoption("--vendor-record", action="store_true", default=False,
                    help="send the vendor calls of vendor_cassette tests to the real vendors and record them "
                         "(scrubbed) into the first --vendor-fixtures folder")
    group.addoption("--vendor-stub-host", default="127.0.0.1", metavar="HOST",
                    help="address the network vendor stub binds; 0.0.0.0 for containers")
    group.addoption("--vendor-secret-env", action="append", default=[], metavar="NAME",
                    help="an environment variable whose value must be scrubbed from recordings (repeatable)")
    parser.addini("vendor_fixtures", "folders of vendor cassettes, searched before the shipped ones",
                  type="paths", default=[])


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    options = HarnessOptions.from_config(config)
    if config.getoption("--vendor-record") and not options.is_emulator:
        raise pytest.UsageError("--vendor-record records the emulator's vendor calls: use --ml-backend=emulator "
                                "(a real node's traffic is recorded by `python -m emulator.vendors serve --record`)")
    config.stash[_OPTIONS] = options
    run_id = config.workerinput.get(RUN_ID_KEY) if _is_worker(config) else None  # type: ignore[attr-defined]
    config.stash[_NAMES] = RunNames(options.name_prefix, run_id or new_run_id(), worker_id())
    if not _is_worker(config):
        config.pluginmanager.register(RunSummary(config, ConformanceReport(options.backend)), "ml-run-summary")
    for line in (
        "vendor_cassette(*names): replay these vendor cassettes (e.g. 'openai/embeddings') for the node's vendor "
        "calls in this test",
        "conformance: a backend-agnostic test of documented ML Commons behaviour (runs on every --ml-backend)",
        "emulator_only: needs the emulator's internals; skipped on the container and url backends",
        "cluster_settings: changes cluster-wide settings while it runs (deselect with -m 'not cluster_settings' "
        "on a cluster other people use)",
    ):
        config.addinivalue_line("markers", line)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: every worker of one run shares the run id, so names and the prefix check agree."""
    node.workerinput[RUN_ID_KEY] = node.config.stash[_NAMES].run_id


def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    options = config.stash[_OPTIONS]
    if options.backend != "url" or _is_worker(config) or options.allow_existing:
        return
    probe = cluster_backend(options, config.stash[_NAMES])
    try:
        status, answer = probe.perform("GET", "/")
        if status == 0:
            raise pytest.UsageError(f"--ml-url {options.url} cannot be reached ({type(answer).__name__})")
        if status != 200:
            raise pytest.UsageError(f"--ml-url {options.url} answered GET / with status {status}")
        probe.check_prefix(options.name_prefix)
    except ExistingResources as error:
        raise pytest.UsageError(str(error)) from None
    finally:
        probe.close()


def pytest_runtest_setup(item: pytest.Item) -> None:
    options = item.config.stash[_OPTIONS]
    if not options.is_emulator and item.get_closest_marker("emulator_only") is not None:
        pytest.skip(f"emulator_only: this test needs the emulator's internals (backend is {options.backend})")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_CALL_PASSED] = report.passed
    return report


class RunSummary:
    """On the controller (or a run without xdist): vendor cassette totals, the conformance report and its summary."""

    def __init__(self, config: pytest.Config, report: ConformanceReport) -> None:
        self.config = config
        self.report = report
        self.cassettes = {"replayed": 0, "recorded": 0, "missed": 0, "tests": 0}
        self.write_error: str | None = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.report.add(report)
        if report.when != "teardown":
            return
        for name, value in report.user_properties:
            if name == CASSETTE_PROPERTY and isinstance(value, dict):
                self.cassettes["tests"] += 1
                for key in ("replayed", "recorded", "missed"):
                    self.cassettes[key] += int(value.get(key, 0))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        path = self.config.stash[_OPTIONS].report
        if path is not None:
            try:
                self.report.write(path)
            except OSError as error:
                self.write_error = f"ML conformance report not written: {error}"

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        totals = self.cassettes
        if totals["tests"]:
            terminalreporter.write_line(
                f"vendor cassettes: {totals['replayed']} interactions replayed, {totals['recorded']} recorded, "
                f"{totals['missed']} missed ({totals['tests']} tests)")
        options = self.config.stash[_OPTIONS]
        if options.report is not None or self.report.counts(conformance_only=True):
            line = self.report.summary()
            if options.report is not None and self.write_error is None:
                line += f"; report: {options.report}"
            terminalreporter.write_line(line)
        if self.write_error:
            terminalreporter.write_line(self.write_error, red=True)
        if options.snapshot_update and options.is_emulator:
            terminalreporter.write_line("ml snapshots were recorded from the emulator, not a real node: record them "
                                        "with --ml-backend=container or url to check the emulator against a node")


def _cassette_roots(config: pytest.Config) -> list[Path]:
    """The user's folders first (command line, then ini), then the shipped fixtures."""
    roots = [Path(p) for p in config.getoption("--vendor-fixtures")]
    roots += [Path(p) for p in config.getini("vendor_fixtures")]
    return [*roots, SHIPPED_FIXTURES]


def _marked_cassettes(request: pytest.FixtureRequest) -> list[str]:
    return [name for marker in request.node.iter_markers("vendor_cassette") for name in marker.args]


def _note_backend(request: pytest.FixtureRequest, backend: Backend) -> None:
    """Start the test on the backend and put the backend and its version in the test's report."""
    backend.begin_test()
    if any(name == BACKEND_PROPERTY for name, _ in request.node.user_properties):
        return
    version = (backend.info().get("version") or {}) if hasattr(backend, "info") else {}
    request.node.user_properties.append((BACKEND_PROPERTY, {
        "backend": backend.name, "version": version.get("number"), "distribution": version.get("distribution")}))


@pytest.fixture(scope="session")
def ml_backend(pytestconfig: pytest.Config) -> Iterator[Backend]:
    """What ``ml_client`` and ``ml_url`` talk to, chosen with ``--ml-backend`` (one per session and xdist worker)."""
    options = pytestconfig.stash[_OPTIONS]
    try:
        backend = make_backend(options, pytestconfig.stash[_NAMES])
    except DockerUnavailable as error:
        pytest.skip(str(error))
    except ContainerStartError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield backend
    finally:
        backend.close()


def _emulator_backend(backend: Backend, fixture: str) -> EmulatorBackend:
    if not isinstance(backend, EmulatorBackend):
        pytest.skip(f"{fixture} is the emulator's own handle; this run uses --ml-backend={backend.name}")
    return backend


@pytest.fixture(scope="session")
def ml_emulator(ml_backend: Backend) -> Emulator:
    """The session's :class:`Emulator` (skips on real backends); ``ml_client`` and ``ml_url`` reset it."""
    return _emulator_backend(ml_backend, "ml_emulator").emulator


@pytest.fixture(scope="session")
def ml_server(ml_backend: Backend) -> ServerHandle:
    """The session emulator served over loopback HTTP (started on first use; skips on real backends)."""
    return _emulator_backend(ml_backend, "ml_server").server


@pytest.fixture
def ml_url(ml_backend: Backend, request: pytest.FixtureRequest) -> Iterator[str]:
    """The backend's base URL over HTTP; what the test created is removed afterwards."""
    _note_backend(request, ml_backend)
    try:
        yield ml_backend.url
    finally:
        ml_backend.reset()


@pytest.fixture
def ml_client(ml_backend: Backend, request: pytest.FixtureRequest) -> Iterator[Any]:
    """An ``opensearchpy.OpenSearch`` client on the backend; what the test created is removed afterwards."""
    _note_backend(request, ml_backend)
    client = ml_backend.client()
    try:
        yield client
    finally:
        client.close()
        ml_backend.reset()


@pytest.fixture
def ml_names(pytestconfig: pytest.Config) -> RunNames:
    """``ml_names("group")``: a resource name unique to this run and xdist worker (``mlconf-1a2b3c-gw0-group``)."""
    return pytestconfig.stash[_NAMES]


@pytest.fixture
def ml_snapshot(request: pytest.FixtureRequest, ml_backend: Backend) -> Iterator[Snapshot]:
    """``ml_snapshot.match(key, response)``: verify a normalised response against the test's recorded snapshot
    (``snapshots/<module>/<test>.json`` beside the test file), or record it with ``--ml-snapshot-update``."""
    options = request.config.stash[_OPTIONS]
    info = ml_backend.info().get("version") or {}
    version = info.get("number")

    def normaliser() -> Normaliser:
        replacements = dict(ml_backend.replacements())
        if isinstance(version, str) and len(version) >= 5:
            replacements[version] = "<version>"
        return Normaliser(replacements)

    def report(mismatch: SnapshotMismatch) -> None:
        request.node.user_properties.append((MISMATCH_PROPERTY, {
            "key": mismatch.key, "snapshot": str(snapshot.path), "diff": mismatch.diff}))

    snapshot = Snapshot(snapshot_path(Path(str(request.node.path)), request.node.name), request.node.nodeid,
                        normaliser, options.snapshot_update,
                        {"backend": ml_backend.name, "version": version, "distribution": info.get("distribution")},
                        on_mismatch=report)
    yield snapshot
    if request.node.stash.get(_CALL_PASSED, False):
        snapshot.save()


@pytest.fixture
def ml_vendor(ml_backend: Backend) -> Iterator[Any]:
    """A ``responses.RequestsMock`` that answers the emulator's vendor calls, and only those.

    Register vendor answers with ``ml_vendor.add(...)``; unmatched calls fail the predict.
    Skips on real backends (use ``vendor_cassette`` there).
    """
    import responses

    from .vendors.responses_adapter import session_for

    emulator = _emulator_backend(ml_backend, "ml_vendor").emulator
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    original = emulator.session
    emulator.session = session_for(mock)
    try:
        yield mock
    finally:
        emulator.session = original


@pytest.fixture(autouse=True)
def ml_cassettes(request: pytest.FixtureRequest) -> Iterator[VendorReplay | VendorRecorder | None]:
    """The vendor cassettes of the test's ``vendor_cassette`` markers, answering the node's vendor calls.

    On the emulator the calls are answered in-process; on a real node through the vendor stub, with the
    test's connectors pointed at it. Yields the :class:`VendorReplay` (``.cassettes``, ``.served``,
    ``.missed``); with ``--vendor-record`` the :class:`VendorRecorder` instead; None for a test without
    the marker (the backend is then left untouched).
    """
    names = _marked_cassettes(request)
    if not names:
        yield None
        return
    if request.config.getoption("--vendor-record"):
        yield from _recording(request, names)
        return
    replay = VendorReplay()
    try:
        replay.use_named(names, _cassette_roots(request.config))
    except CassetteError as error:
        pytest.fail(f"vendor_cassette: {error}", pytrace=False)
    backend: Backend = request.getfixturevalue("ml_backend")
    _note_backend(request, backend)
    backend.replay_vendors(replay)
    try:
        yield replay
    finally:
        backend.stop_replay()
        if not backend.is_emulator:
            # Also for a test that used the marker without ml_client: the stub settings are put back.
            backend.reset()
        request.node.user_properties.append((CASSETTE_PROPERTY, {
            "replayed": len(replay.served), "missed": len(replay.missed)}))


def _recording(request: pytest.FixtureRequest, names: list[str]) -> Iterator[VendorRecorder]:
    config = request.config
    emulator: Emulator = request.getfixturevalue("ml_emulator")
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
        request.node.user_properties.append((CASSETTE_PROPERTY, {
            "recorded": len(saved.interactions) if saved else 0}))


@pytest.fixture
def ml_vendor_stub(request: pytest.FixtureRequest) -> Iterator[VendorStub]:
    """The test's ``vendor_cassette`` cassettes served over HTTP, for a node the plugin does not manage.

    ``.url``, ``.rewrite(connector_body)`` (the actions call the stub, paths kept), ``.settings``
    (the cluster settings a node needs to call it), ``.replay`` (what was served and missed).
    """
    replay = VendorReplay()
    try:
        replay.use_named(_marked_cassettes(request), _cassette_roots(request.config))
    except CassetteError as error:
        pytest.fail(f"vendor_cassette: {error}", pytrace=False)
    stub = VendorStub(replay, host=request.config.getoption("--vendor-stub-host"))
    try:
        yield stub
    finally:
        stub.stop()
        request.node.user_properties.append((CASSETTE_PROPERTY, {
            "replayed": len(replay.served), "missed": len(replay.missed)}))
