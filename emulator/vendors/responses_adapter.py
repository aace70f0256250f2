"""Serve a ``responses.RequestsMock`` registry through one ``requests.Session`` only.

``responses`` normally patches ``HTTPAdapter.send`` for the whole process, which
collides with moto, VCR.py or a test's own mocks. Mounting this adapter on the
emulator's session routes just the emulator's vendor calls to the registry; the
rest of the process is untouched.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter

from .sessions import mounted


class ResponsesAdapter(HTTPAdapter):
    """An adapter answering from a (not started) ``responses.RequestsMock``."""

    def __init__(self, mock: Any) -> None:
        super().__init__()
        self.mock = mock

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        # RequestsMock._on_request is what its global patch calls; it needs the adapter to build responses.
        return self.mock._on_request(self, request, **kwargs)


def session_for(mock: Any) -> requests.Session:
    """A new session whose every http(s) request is answered by ``mock``."""
    return mounted(ResponsesAdapter(mock))
