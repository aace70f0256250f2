"""Where the pytest fixtures send requests: the emulator (in-process or over HTTP), a container or a cluster URL.

Every backend gives the fixtures the same things: a new opensearch-py client, the
base URL, a way to route the test's vendor calls to its cassettes, and a clean-up
after each test. The emulator is simply reset. A real node (a container or a
cluster someone else also uses) is never reset: what the test created is tracked
and removed, and the settings it changed are put back (:mod:`.tracking`).
"""

from __future__ import annotations

from typing import Any, Protocol

from .. import Emulator
from ..http.server import ServerHandle
from ..vendors.replay import VendorReplay
from ..vendors.stub import VendorStub, node_settings
from .locking import ClusterLock
from .naming import RunNames
from .tracking import Ledger, Scope, TrackingTransport, clean_up, existing

TRUSTED = "plugins.ml_commons.trusted_connector_endpoints_regex"
PRIVATE_IP = "plugins.ml_commons.connector.private_ip_enabled"


class Backend(Protocol):
    """What the fixtures need from anything that answers the ML Commons API."""

    name: str
    is_emulator: bool

    def client(self) -> Any:
        """A new ``opensearchpy.OpenSearch`` for this backend."""

    @property
    def url(self) -> str:
        """The backend's base URL over HTTP."""

    def info(self) -> dict[str, Any]:
        """The node's ``GET /`` answer (name, cluster, version)."""

    def begin_test(self) -> None:
        """A test starts using the backend (on a shared cluster: take the shared lock)."""

    def replay_vendors(self, replay: VendorReplay) -> None:
        """Answer the node's vendor calls from ``replay`` until :meth:`stop_replay`."""

    def stop_replay(self) -> None:
        """Stop routing vendor calls to the test's cassettes."""

    def replacements(self) -> dict[str, str]:
        """Literal texts a snapshot must not depend on (run prefix, stub URLs), with their placeholders."""

    def reset(self) -> None:
        """Remove what a test created."""

    def close(self) -> None:
        """Release servers, containers or connections."""


class EmulatorBackend:
    """The emulator, in-process (``transport="inprocess"``, backend ``emulator``) or over loopback HTTP (``http``)."""

    is_emulator = True

    def __init__(self, emulator: Emulator, transport: str = "inprocess", host: str = "127.0.0.1",
                 names: RunNames | None = None, auth: tuple[str, str] | None = None) -> None:
        self.emulator = emulator
        # With the emulator's Security plugin on, the clients are the admin user.
        self.auth = auth
        self.transport = transport
        self.name = "http" if transport == "http" else "emulator"
        self.host = host
        self.names = names
        self._server: ServerHandle | None = None
        self._session_before_replay: Any = None
        self._info: dict[str, Any] | None = None

    @property
    def server(self) -> ServerHandle:
        """The HTTP server, started on first use."""
        if self._server is None:
            self._server = self.emulator.serve(host=self.host, port=0)
        return self._server

    @property
    def url(self) -> str:
        return self.server.url

    def client(self) -> Any:
        extra = {"http_auth": self.auth} if self.auth else {}
        if self.transport == "http":
            from opensearchpy import OpenSearch

            return OpenSearch(hosts=[self.url], **extra)
        return self.emulator.client(**extra)

    def info(self) -> dict[str, Any]:
        if self._info is None:
            client = self.client()
            try:
                self._info = dict(client.info())
            finally:
                client.close()
        return self._info

    def begin_test(self) -> None:
        """Nothing to do: each xdist worker has its own emulator."""

    def replay_vendors(self, replay: VendorReplay) -> None:
        self._session_before_replay = self.emulator.session
        self.emulator.session = replay.session()

    def stop_replay(self) -> None:
        if self._session_before_replay is not None:
            self.emulator.session = self._session_before_replay
            self._session_before_replay = None

    def replacements(self) -> dict[str, str]:
        return {self.names.run_prefix: "<prefix>"} if self.names else {}

    def reset(self) -> None:
        self.emulator.reset()

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


class ExistingResources(Exception):
    """The cluster already holds resources named with the run's prefix (a crashed run, or another run)."""


class ClusterBackend:
    """An existing node or cluster at ``url``, shared with others: tracked clean-up, never a reset."""

    name = "url"
    is_emulator = False

    def __init__(self, url: str, names: RunNames, *, auth: tuple[str, str] | None = None, verify_certs: bool = True,
                 ca_certs: str | None = None, stub_host: str = "127.0.0.1", stub_advertised_host: str | None = None,
                 private_ip_at_runtime: bool = True, shared: bool = True) -> None:
        self._url = url.rstrip("/")
        self.names = names
        self.auth = auth
        self.verify_certs = verify_certs
        self.ca_certs = ca_certs
        self.stub_host = stub_host
        self.stub_advertised_host = stub_advertised_host
        self.private_ip_at_runtime = private_ip_at_runtime
        # Only a cluster others use needs the lock; a container belongs to one worker.
        self.lock = ClusterLock(self._url) if shared else None
        self.scope = Scope(lock=self.lock)
        self._stub: VendorStub | None = None
        self._info: dict[str, Any] | None = None
        self._closed = False
        self._in_test = False
        self._admin = self._new_client(None)

    @property
    def url(self) -> str:
        return self._url

    def _new_client(self, scope: Scope | None) -> Any:
        from opensearchpy import OpenSearch

        options: dict[str, Any] = {"hosts": [self._url], "transport_class": TrackingTransport,
                                   "verify_certs": self.verify_certs, "ssl_show_warn": self.verify_certs}
        if self.auth:
            options["http_auth"] = self.auth
        if self.ca_certs:
            options["ca_certs"] = self.ca_certs
        client = OpenSearch(**options)
        client.transport.scope = scope
        return client

    def client(self) -> Any:
        self._in_test = True
        return self._new_client(self.scope)

    def perform(self, method: str, path: str, body: Any = None, params: Any = None) -> tuple[int, Any]:
        """A request outside any test's ledger; ``(status, body)``, errors included."""
        transport: TrackingTransport = self._admin.transport
        return transport.raw(method, path, body=body, params=params)

    def info(self) -> dict[str, Any]:
        if self._info is None:
            status, body = self.perform("GET", "/")
            self._info = body if status == 200 and isinstance(body, dict) else {}
        return self._info

    def check_prefix(self, prefix: str) -> None:
        """Refuse a cluster that already has connectors, model groups or models named ``prefix...``."""
        found = existing(self.perform, prefix)
        if found:
            listed = "; ".join(f"{kind}: {', '.join(sorted(names)[:5])}" for kind, names in sorted(found.items()))
            raise ExistingResources(
                f"{self._url} already has ML resources named {prefix!r}... ({listed}); they may belong to another "
                f"run or a crashed one. Remove them, choose another --ml-name-prefix, or pass --ml-allow-existing")

    def _session_stub(self) -> VendorStub:
        if self._stub is None:
            self._stub = VendorStub(VendorReplay(), host=self.stub_host, advertised_host=self.stub_advertised_host)
        return self._stub

    def _allow_stub(self, stub_url: str) -> None:
        """Trust the stub's URL (beside the cluster's own patterns) and allow private addresses, for this test
        only: the change goes through the test's ledger, so it is put back by the test's clean-up and holds
        the cluster lock exclusively meanwhile (another worker's stub is another URL)."""
        status, current = self.perform("GET", "/_cluster/settings",
                                       params={"include_defaults": "true", "flat_settings": "true"})
        patterns: list[str] = []
        if status == 200 and isinstance(current, dict):
            for section in ("transient", "persistent", "defaults"):
                value = (current.get(section) or {}).get(TRUSTED)
                if isinstance(value, list):
                    patterns = list(value)
                    break
        wanted = node_settings([stub_url])
        persistent: dict[str, Any] = {TRUSTED: patterns + [p for p in wanted[TRUSTED] if p not in patterns]}
        if self.private_ip_at_runtime:
            persistent[PRIVATE_IP] = True
        writer = self._new_client(self.scope)
        try:
            writer.cluster.put_settings(body={"persistent": persistent})
        finally:
            writer.close()

    def begin_test(self) -> None:
        self._in_test = True
        if self.lock is not None:
            self.lock.shared()

    def replay_vendors(self, replay: VendorReplay) -> None:
        self._in_test = True
        stub = self._session_stub()
        stub.use(replay)
        self.scope.stub_url = stub.url
        self._allow_stub(stub.url)

    def stop_replay(self) -> None:
        self.scope.stub_url = None
        if self._stub is not None:
            self._stub.use(VendorReplay())

    def replacements(self) -> dict[str, str]:
        return {self.names.run_prefix: "<prefix>", **self.scope.ledger.rewrites}

    def reset(self) -> None:
        """Clean up after the test (once, however many fixtures ask) and let other tests change settings."""
        if not self._in_test:
            return
        try:
            clean_up(self.perform, self.scope.ledger, self.names.run_prefix)
        finally:
            self._in_test = False
            if self.lock is not None:
                self.lock.release()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.reset()
        finally:
            if self._stub is not None:
                self._stub.stop()
                self._stub = None
            if self.lock is not None:
                self.lock.close()
            self._admin.close()


class ContainerBackend(ClusterBackend):
    """A real node started with testcontainers for this session (one per xdist worker)."""

    name = "container"

    def __init__(self, container: Any, url: str, names: RunNames, *, admin_password: str = "",
                 stub_host: str = "0.0.0.0", stub_advertised_host: str = "host.docker.internal") -> None:
        auth = ("admin", admin_password) if admin_password else None
        # private_ip_enabled is set at container start (NODE_SETTINGS), where the plugin reliably reads it.
        super().__init__(url, names, auth=auth, verify_certs=False, stub_host=stub_host,
                         stub_advertised_host=stub_advertised_host, private_ip_at_runtime=False, shared=False)
        self.container = container

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.container.stop()


__all__ = ["Backend", "ClusterBackend", "ContainerBackend", "EmulatorBackend", "ExistingResources", "Ledger"]
