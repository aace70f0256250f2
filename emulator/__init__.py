"""ML Commons emulator: the OpenSearch ML Commons REST API for remote models, in memory.

>>> from emulator import Emulator
>>> emu = Emulator()
>>> client = emu.client()          # opensearch-py, wired in-process
>>> client.info()["version"]["distribution"]
'opensearch'
"""

from __future__ import annotations

from typing import Any

import requests

from .domain.backend import MLBackend
from .domain.node import DEFAULT_VERSION, Node
from .domain.security import DEFAULT_ADMIN_PASSWORD, Security
from .http.app import EmulatorApp
from .http.server import ServerHandle

__all__ = ["Emulator", "ServerHandle", "DEFAULT_VERSION"]


class Emulator:
    """One emulated single-node cluster with ML Commons: its own state, settings and vendor session.

    ``version`` is the OpenSearch version to emulate (it decides version-dependent
    behaviour and what ``GET /`` reports). ``settings`` are node-level settings
    (flat or nested keys), the values ``reset()`` returns to. ``security=True``
    turns the Security plugin on: HTTP basic auth on every request, an ``admin``
    user (password ``admin_password``) with ``all_access``, and the Security REST API.
    """

    def __init__(self, version: str = DEFAULT_VERSION, settings: dict[str, Any] | None = None, *,
                 security: bool = False, admin_password: str = DEFAULT_ADMIN_PASSWORD) -> None:
        self.node = Node(version=version)
        self._session = requests.Session()
        self.backend = MLBackend(self.node, settings, lambda: self._session,
                                 Security(enabled=security, admin_password=admin_password))
        self.wsgi_app = EmulatorApp(lambda: self.backend)

    @property
    def version(self) -> str:
        return self.node.version

    @property
    def session(self) -> requests.Session:
        """The ``requests.Session`` every vendor call goes through; replace it to intercept vendors."""
        return self._session

    @session.setter
    def session(self, session: requests.Session) -> None:
        self._session = session

    def client(self, **kwargs: Any) -> Any:
        """An ``opensearchpy.OpenSearch`` that calls this emulator in-process (no socket)."""
        from opensearchpy import OpenSearch

        from .http.inprocess import InProcessConnection

        kwargs.setdefault("hosts", [{"host": "localhost", "port": 9200}])
        return OpenSearch(connection_class=InProcessConnection, wsgi_app=self.wsgi_app, **kwargs)

    def serve(self, host: str = "127.0.0.1", port: int = 0, threads: int = 8) -> ServerHandle:
        """Serve over HTTP in a background thread; the handle has ``.url`` and ``.stop()``."""
        return ServerHandle(self.wsgi_app, host=host, port=port, threads=threads)

    def reset(self) -> None:
        """Forget every resource, undeploy everything and restore the initial settings."""
        self.backend.reset()
