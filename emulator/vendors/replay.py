"""In-process replay: a transport adapter on the emulator's own ``requests.Session`` serves cassettes.

Nothing is patched globally, so replay coexists with moto, VCR.py and a test's own
``responses`` mocks. Interactions are served from the active cassettes in the order they
were added; a request that matches nothing fails the emulator's call (the predict then
reports the connection failure) with a message naming the request and the nearest miss.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from .cassette import Cassette, CassetteError, Interaction, cassette_path, load_named
from .matching import LiveRequest, explain_miss, matches
from .sessions import body_bytes, mounted

SHIPPED_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


class CassetteMiss(requests.ConnectionError):
    """No active cassette holds an interaction for this request."""


@dataclass
class Served:
    """One replayed interaction: which cassette answered which request."""

    cassette: str
    method: str
    url: str
    status: int


@dataclass
class VendorReplay:
    """The cassettes a test uses, what they served, and what they could not."""

    cassettes: list[Cassette] = field(default_factory=list)
    served: list[Served] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    _used: set[tuple[int, int]] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def use(self, cassette: Cassette) -> Cassette:
        with self._lock:
            self.cassettes.append(cassette)
        return cassette

    def use_folder(self, root: Path) -> list[Cassette]:
        """Activate every cassette under ``root`` (sorted by name)."""
        names = sorted(p.relative_to(root).with_suffix("").as_posix() for p in root.rglob("*.json"))
        return self.use_named(names, [root])

    def use_named(self, names: Iterable[str], roots: Iterable[Path] = (SHIPPED_FIXTURES,)) -> list[Cassette]:
        """Activate cassettes by name (``openai/embeddings``): the first root holding the file wins."""
        folders = list(roots)
        loaded = []
        for name in names:
            found = next((root for root in folders if cassette_path(root, name).is_file()), None)
            if found is None:
                where = ", ".join(str(root) for root in folders)
                raise CassetteError(f"no cassette named {name!r} under {where}")
            loaded.append(self.use(load_named(found, name)))
        return loaded

    def answer(self, live: LiveRequest, *, ignore_host: bool = False) -> tuple[Cassette, Interaction]:
        exhausted = 0
        with self._lock:
            for c_index, cassette in enumerate(self.cassettes):
                for i_index, interaction in enumerate(cassette.interactions):
                    if not matches(live, interaction, cassette.match, ignore_host=ignore_host):
                        continue
                    if cassette.match.ordered:
                        if (c_index, i_index) in self._used:
                            exhausted += 1
                            continue
                        self._used.add((c_index, i_index))
                    self.served.append(Served(cassette.name, live.method, live.url, interaction.response.status))
                    return cassette, interaction
            candidates = [(c.name, i, c.match) for c in self.cassettes for i in c.interactions]
            self.missed.append(f"{live.method} {live.url}")
        # Explained outside the lock: other requests are not held up by a miss.
        raise CassetteMiss(explain_miss(live, candidates, exhausted))

    def rewind(self) -> None:
        """Ordered cassettes start again from their first interaction."""
        with self._lock:
            self._used.clear()

    def session(self) -> requests.Session:
        """A new session whose every http(s) request is answered from these cassettes."""
        return mounted(CassetteAdapter(self))


class CassetteAdapter(HTTPAdapter):
    """Answers a session's requests from a :class:`VendorReplay`."""

    def __init__(self, replay: VendorReplay) -> None:
        super().__init__()
        self.replay = replay

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        live = LiveRequest(str(request.method or "GET").upper(), str(request.url), body_bytes(request))
        _, interaction = self.replay.answer(live)
        recorded = interaction.response
        response = requests.Response()
        response.status_code = recorded.status
        response.headers = CaseInsensitiveDict(recorded.headers)
        response._content = recorded.body_bytes()
        response.url = live.url
        response.request = request
        response.reason = ""
        response.encoding = "utf-8"
        return response
