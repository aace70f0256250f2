"""The emulator's in-memory state: OpenSearch-like system indices behind one lock.

Sources follow one rule that makes reads cheap: nested values of a stored
source are never changed in place. Writers build new top-level dicts (and new
nested values where they change one), so ``get`` and ``put`` copy only the top
level, and read-only answers may use the stored source itself (``view``).

Each ML Commons resource lives in the system index the plugin uses
(``.plugins-ml-connector`` ...). An index exists only once a document was
written to it, because several plugin answers differ on "index missing"
versus "document missing". Documents carry ``_version``, ``_seq_no`` and
``_primary_term`` the way OpenSearch reports them in write and search
responses.
"""

from __future__ import annotations

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


# Fields the domain looks documents up by (exact value -> ids), kept current on every write.
LOOKUP_FIELDS = {
    MODEL_GROUP_INDEX: ("name",),
    MODEL_INDEX: ("model_group_id", "connector_id"),
}


@dataclass
class Index:
    """A system index: its documents in insertion order, its sequence counter and its lookup tables."""

    name: str
    docs: dict[str, Document] = field(default_factory=dict)
    next_seq_no: int = 0
    lookups: dict[str, dict[Any, dict[str, None]]] = field(default_factory=dict)
    # Deleted ids keep their version so a re-created id continues counting, as Lucene does.
    tombstones: dict[str, int] = field(default_factory=dict)

    def unindex(self, doc: Document) -> None:
        for name, table in self.lookups.items():
            ids = table.get(_hashable(doc.source.get(name)))
            if ids is not None:
                ids.pop(doc.id, None)

    def index(self, doc: Document) -> None:
        for name in LOOKUP_FIELDS.get(self.name, ()):
            value = doc.source.get(name)
            if value is not None:
                self.lookups.setdefault(name, {}).setdefault(_hashable(value), {})[doc.id] = None


def _hashable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool)) or value is None else repr(value)


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
        """A copy of the document, so callers can never mutate state by accident."""
        with self.lock:
            idx = self._indices.get(index)
            doc = idx.docs.get(doc_id) if idx else None
            if doc is None:
                return None
            return Document(doc.id, dict(doc.source), doc.version, doc.seq_no, doc.primary_term)

    def view(self, index: str, doc_id: str) -> dict[str, Any] | None:
        """The stored source itself, for answers that only read it.

        Safe without a copy because stored sources are never changed in place: every
        write stores a fresh copy. Callers must not mutate what they get.
        """
        with self.lock:
            idx = self._indices.get(index)
            doc = idx.docs.get(doc_id) if idx else None
            return doc.source if doc is not None else None

    def put(self, index: str, doc_id: str, source: dict[str, Any], *, writes: int = 1) -> Document:
        """Create or replace a document (creates the index on first write).

        ``writes`` > 1 stores the end state of several writes the plugin makes in a row
        while nobody can observe the ones in between (a task CREATED then COMPLETED):
        version and sequence numbers advance as if each had been made.
        """
        with self.lock:
            idx = self._index(index)
            old = idx.docs.get(doc_id)
            version = (old.version if old else idx.tombstones.pop(doc_id, 0)) + writes
            doc = Document(doc_id, dict(source), version, idx.next_seq_no + writes - 1, 1)
            idx.next_seq_no += writes
            if old is not None:
                idx.unindex(old)
            idx.docs[doc_id] = doc
            idx.index(doc)
            # The caller gets the write metadata only; the stored source stays private.
            return Document(doc_id, {}, doc.version, doc.seq_no, doc.primary_term)

    def delete(self, index: str, doc_id: str) -> Document | None:
        """Remove a document; returns what the delete response reports, or None if absent."""
        with self.lock:
            idx = self._indices.get(index)
            if idx is None or doc_id not in idx.docs:
                return None
            old = idx.docs.pop(doc_id)
            idx.unindex(old)
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
        """Copies of the index's documents in insertion order (empty if no index)."""
        with self.lock:
            idx = self._indices.get(index)
            docs = list(idx.docs.values()) if idx else []
            return iter([Document(d.id, dict(d.source), d.version, d.seq_no, d.primary_term) for d in docs])

    def ids_where(self, index: str, field_name: str, value: Any) -> list[str]:
        """Ids of the documents whose ``field_name`` equals ``value`` (a field in :data:`LOOKUP_FIELDS`)."""
        with self.lock:
            idx = self._indices.get(index)
            if idx is None:
                return []
            return list(idx.lookups.get(field_name, {}).get(_hashable(value), ()))

    def index_count(self) -> int:
        with self.lock:
            return len(self._indices)
