"""The emulator's in-memory state: OpenSearch-like system indices behind one lock.

Each ML Commons resource lives in the system index the plugin uses
(``.plugins-ml-connector`` ...). An index exists only once a document was
written to it, because several plugin answers differ on "index missing"
versus "document missing". Documents carry ``_version``, ``_seq_no`` and
``_primary_term`` the way OpenSearch reports them in write and search
responses.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

MODEL_GROUP_INDEX = ".plugins-ml-model-group"
MODEL_INDEX = ".plugins-ml-model"
TASK_INDEX = ".plugins-ml-task"
CONNECTOR_INDEX = ".plugins-ml-connector"
CONFIG_INDEX = ".plugins-ml-config"


@dataclass
class Document:
    """One stored document, as OpenSearch keeps it."""

    id: str
    source: dict[str, Any]
    version: int = 1
    seq_no: int = 0
    primary_term: int = 1


@dataclass
class Index:
    """A system index: its documents in insertion order and its sequence counter."""

    name: str
    docs: dict[str, Document] = field(default_factory=dict)
    next_seq_no: int = 0
    # Deleted ids keep their version so a re-created id continues counting, as Lucene does.
    tombstones: dict[str, int] = field(default_factory=dict)


class Store:
    """Lock-protected indices of one emulator instance.

    The domain holds ``store.lock`` (re-entrant) across a whole operation so that
    check-then-write rules (name uniqueness, delete-while-used) are atomic.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._indices: dict[str, Index] = {}

    def reset(self) -> None:
        with self.lock:
            self._indices.clear()

    def index_exists(self, index: str) -> bool:
        with self.lock:
            return index in self._indices

    def _index(self, index: str) -> Index:
        idx = self._indices.get(index)
        if idx is None:
            idx = self._indices[index] = Index(index)
        return idx

    def get(self, index: str, doc_id: str) -> Document | None:
        """A deep copy of the document, so callers can never mutate state by accident."""
        with self.lock:
            idx = self._indices.get(index)
            doc = idx.docs.get(doc_id) if idx else None
            return copy.deepcopy(doc) if doc else None

    def put(self, index: str, doc_id: str, source: dict[str, Any]) -> Document:
        """Create or replace a document (creates the index on first write)."""
        with self.lock:
            idx = self._index(index)
            old = idx.docs.get(doc_id)
            version = (old.version if old else idx.tombstones.pop(doc_id, 0)) + 1
            doc = Document(doc_id, copy.deepcopy(source), version, idx.next_seq_no, 1)
            idx.next_seq_no += 1
            idx.docs[doc_id] = doc
            return copy.deepcopy(doc)

    def delete(self, index: str, doc_id: str) -> Document | None:
        """Remove a document; returns what the delete response reports, or None if absent."""
        with self.lock:
            idx = self._indices.get(index)
            if idx is None or doc_id not in idx.docs:
                return None
            old = idx.docs.pop(doc_id)
            idx.tombstones[doc_id] = old.version + 1
            result = Document(doc_id, {}, old.version + 1, idx.next_seq_no, 1)
            idx.next_seq_no += 1
            return result

    def not_found_delete(self, index: str, doc_id: str) -> Document:
        """What a delete of an absent id reports: a bumped seq_no and version 1."""
        with self.lock:
            idx = self._index(index)
            version = idx.tombstones.get(doc_id, 1)
            result = Document(doc_id, {}, version, idx.next_seq_no, 1)
            idx.next_seq_no += 1
            return result

    def documents(self, index: str) -> Iterator[Document]:
        """Deep copies of the index's documents in insertion order (empty if no index)."""
        with self.lock:
            idx = self._indices.get(index)
            docs = list(idx.docs.values()) if idx else []
            return iter(copy.deepcopy(docs))

    def count(self, index: str) -> int:
        with self.lock:
            idx = self._indices.get(index)
            return len(idx.docs) if idx else 0

    def index_count(self) -> int:
        with self.lock:
            return len(self._indices)
