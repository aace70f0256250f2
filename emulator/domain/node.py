"""The single emulated node and cluster: names, ids and the version they report."""

from __future__ import annotations

from dataclasses import dataclass, field

from .ids import new_node_id

DEFAULT_VERSION = "3.8.0"

# Lucene versions shipped with OpenSearch releases, for the `/` response.
_LUCENE = {"2": "9.12.1", "3.0": "10.1.0", "3.1": "10.2.1", "3.2": "10.2.2", "3.3": "10.3.1", "3.4": "10.3.2",
           "3.5": "10.3.2", "3.8": "10.5.0"}


@dataclass
class Node:
    """Identity of the emulated single-node cluster."""

    version: str = DEFAULT_VERSION
    name: str = "opensearch-node1"
    cluster_name: str = "opensearch-cluster"
    node_id: str = field(default_factory=new_node_id)
    cluster_uuid: str = field(default_factory=new_node_id)

    @property
    def version_tuple(self) -> tuple[int, ...]:
        return tuple(int(part) if part.isdigit() else 0 for part in self.version.split("-")[0].split("."))

    def at_least(self, version: str) -> bool:
        """Whether the emulated version is ``version`` or later (answers are cached: this is on every request)."""
        cache = self.__dict__.setdefault("_at_least", {})
        answer = cache.get((self.version, version))
        if answer is None:
            wanted = tuple(int(p) for p in version.split("."))
            answer = cache[(self.version, version)] = self.version_tuple[: len(wanted)] >= wanted
        return answer

    @property
    def lucene_version(self) -> str:
        """The Lucene version the release reports; unknown releases take the nearest earlier known one."""
        known = sorted((tuple(int(p) for p in k.split(".")), v) for k, v in _LUCENE.items())
        answer = known[0][1]
        for release, lucene in known:
            if release <= self.version_tuple[: len(release)]:
                answer = lucene
        return answer
