"""The emulator's vendor sessions: a ``requests.Session`` whose http(s) traffic goes to one adapter."""

from __future__ import annotations

import requests
from requests.adapters import BaseAdapter


def mounted(adapter: BaseAdapter) -> requests.Session:
    """A new session sending every http and https request through ``adapter`` (nothing patched globally)."""
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def body_bytes(request: requests.PreparedRequest) -> bytes:
    """The prepared request's body as bytes (requests keeps str bodies as given)."""
    body = request.body or b""
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)
