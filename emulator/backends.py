"""Where the pytest fixtures send requests: a backend gives clients, a URL and a reset between tests.

Today there is one kind, the emulator itself, reached in-process or over loopback
HTTP. Real nodes (a container, a cluster URL) plug in behind the same three
methods, so the fixtures and the tests written against them do not change.
"""

from __future__ import annotations

from typing import Any, Protocol

from . import Emulator
from .http.server import ServerHandle


class Backend(Protocol):
    """What the fixtures need from anything that answers the ML Commons API."""

    name: str

    def client(self) -> Any:
        """A new ``opensearchpy.OpenSearch`` for this backend."""

    @property
    def url(self) -> str:
        """The backend's base URL over HTTP."""

    def reset(self) -> None:
        """Remove what a test created."""

    def close(self) -> None:
        """Release servers, containers or connections."""


class EmulatorBackend:
    """The emulator, in-process (``transport="inprocess"``) or over loopback HTTP (``"http"``)."""

    name = "emulator"

    def __init__(self, emulator: Emulator, transport: str = "inprocess", host: str = "127.0.0.1") -> None:
        self.emulator = emulator
        self.transport = transport
        self.host = host
        self._server: ServerHandle | None = None

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
        if self.transport == "http":
            from opensearchpy import OpenSearch

            return OpenSearch(hosts=[self.url])
        return self.emulator.client()

    def reset(self) -> None:
        self.emulator.reset()

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
