"""Record mode: the emulator's vendor calls go to the real vendor, and what came back becomes a cassette.

A :class:`VendorRecorder` gives a ``requests.Session`` whose adapter sends each request
for real, keeps the exchange, and hands the vendor's answer back unchanged. ``save``
scrubs every interaction (the configured secret values, plus anything shaped like a
credential) before the cassette touches disk. Requests that repeat with different
answers (a 429, then a 200) make the cassette ``ordered``.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from .cassette import Cassette, Interaction, MatchRules, Request, Response
from .matching import LiveRequest, matches
from .scrub import message_from_wire, scrub
from .sessions import body_bytes, mounted


class VendorRecorder:
    """Records the exchanges of one cassette; ``secrets`` returns the values to scrub when saving."""

    def __init__(self, name: str, path: Path, *, secrets: Callable[[], Iterable[str]] = tuple,
                 api_version: str = "unknown", upstream: HTTPAdapter | None = None) -> None:
        self.name = name
        self.path = path
        self.secrets = secrets
        self.api_version = api_version
        self.interactions: list[Interaction] = []
        # Values are collected at each call too: the connectors holding them may be gone by save time.
        self._seen_secrets: set[str] = set()
        self._upstream = upstream or HTTPAdapter()
        self._lock = threading.Lock()
        self._save_lock = threading.Lock()

    def session(self) -> requests.Session:
        return mounted(_RecordingAdapter(self))

    def _keep(self, request: requests.PreparedRequest, response: requests.Response) -> None:
        recorded = Interaction(
            Request(method=str(request.method).upper(), url=str(request.url),
                    **message_from_wire(dict(request.headers), body_bytes(request))),
            Response(status=response.status_code, **message_from_wire(dict(response.headers), response.content)),
        )
        current = [s for s in self.secrets() if s]
        with self._lock:
            self.interactions.append(recorded)
            self._seen_secrets.update(current)

    def cassette(self) -> Cassette:
        """The scrubbed cassette of everything recorded so far."""
        with self._lock:
            secrets = [*self._seen_secrets, *self.secrets()]
            interactions = tuple(scrub(i, secrets) for i in self.interactions)
        ordered = any(
            matches(LiveRequest(a.request.method, a.request.url, a.request.body_bytes()), b, MatchRules())
            for index, a in enumerate(interactions) for b in interactions[index + 1 :]
        )
        provenance = {"kind": "recorded", "date": datetime.date.today().isoformat(), "api_version": self.api_version}
        return Cassette(self.name, provenance, interactions, MatchRules(ordered=ordered))

    def save(self) -> Cassette | None:
        """Write the cassette (nothing when no call was made); returns what was written."""
        with self._save_lock:
            if not self.interactions:
                return None
            cassette = self.cassette()
            cassette.save(self.path)
            return cassette


class _RecordingAdapter(HTTPAdapter):
    def __init__(self, recorder: VendorRecorder) -> None:
        super().__init__()
        self.recorder = recorder

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        response = self.recorder._upstream.send(request, **kwargs)
        response.content  # noqa: B018 - read the body once, so it can be kept and still handed back
        self.recorder._keep(request, response)
        return response

    def close(self) -> None:
        self.recorder._upstream.close()
        super().close()
