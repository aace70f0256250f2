"""Normalised copies of OpenSearch responses, so answers from different nodes and runs compare equal.

In the manner of localstack-snapshot: what legitimately differs between two nodes
or two runs (document and node ids, timestamps, the run's name prefix, scores,
``took``, sequence numbers, the node's name, build and version) becomes a
placeholder. Ids keep their identity: the same id is the same ``<model_id:1>``
everywhere in one normalisation, so "the task names the model we registered" is
still checked, and a different id is a different placeholder.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

# Keys whose values are ids of documents or nodes.
# (``_version`` counts a document's writes, which a real node may do more often than the emulator.)
_ID_LIST_KEYS = frozenset({"worker_node", "planning_worker_nodes", "model_ids", "connector_ids", "ids"})
_TIME_KEY = re.compile(r"(^|_)(time|timestamp)$")
_FIXED = {
    "took": "<took>", "_seq_no": "<seq_no>", "_version": "<doc_version>", "_primary_term": "<primary_term>",
    "_score": "<score>", "max_score": "<score>",
    "cluster_name": "<cluster_name>", "cluster_uuid": "<cluster_uuid>",
    "build_hash": "<build_hash>", "build_date": "<build_date>", "build_type": "<build_type>",
    "lucene_version": "<lucene_version>", "node_name": "<node_name>",
}
# Node ids: 22 URL-safe base64 characters, used as keys in per-node answers (undeploy, profile).
_NODE_ID_KEY = re.compile(r"^[A-Za-z0-9_-]{22}$")


def _is_id_key(key: str) -> bool:
    return key == "_id" or key.endswith("_id")


class Normaliser:
    """Replaces what differs between nodes and runs; ``replacements`` are literal substrings to rename
    (the run's name prefix, the vendor stub's URL, the node's version)."""

    def __init__(self, replacements: Mapping[str, str] | None = None) -> None:
        # Longest first, so a replacement never eats part of a longer one.
        self.replacements = sorted((replacements or {}).items(), key=lambda kv: -len(kv[0]))

    def normalise(self, value: Any) -> Any:
        """A normalised deep copy of a JSON value."""
        ids: dict[str, str] = {}
        self._collect(value, ids, {})
        return self._rewrite(value, ids, None)

    def _collect(self, value: Any, ids: dict[str, str], counts: dict[str, int]) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and _NODE_ID_KEY.match(key) and isinstance(item, dict):
                    self._assign(key, "node_id", ids, counts)
                if isinstance(item, str) and item and _is_id_key(key):
                    self._assign(item, key.lstrip("_") or "id", ids, counts)
                elif key in _ID_LIST_KEYS and isinstance(item, list):
                    for element in item:
                        if isinstance(element, str):
                            self._assign(element, "node_id" if "node" in key else "id", ids, counts)
                self._collect(item, ids, counts)
        elif isinstance(value, list):
            for item in value:
                self._collect(item, ids, counts)

    @staticmethod
    def _assign(raw: str, kind: str, ids: dict[str, str], counts: dict[str, int]) -> None:
        if raw in ids:
            return
        counts[kind] = counts.get(kind, 0) + 1
        ids[raw] = f"<{kind}:{counts[kind]}>"

    def _rewrite(self, value: Any, ids: dict[str, str], key: str | None) -> Any:
        if isinstance(value, dict):
            return {self._text(k, ids) if isinstance(k, str) else k: self._rewrite(v, ids, k)
                    for k, v in value.items()}
        if isinstance(value, list):
            return [self._rewrite(item, ids, key) for item in value]
        if key is not None and value is not None:
            if key in _FIXED:
                return _FIXED[key]
            if _TIME_KEY.search(key) and isinstance(value, int | float | str) and not isinstance(value, bool):
                return "<time>"
        if isinstance(value, str):
            return self._text(value, ids)
        return value

    def _text(self, text: str, ids: Mapping[str, str]) -> str:
        if text in ids:
            return ids[text]
        for raw, placeholder in self.replacements:
            if raw and raw in text:
                text = text.replace(raw, placeholder)
        for raw, placeholder in ids.items():
            if len(raw) >= 8 and raw in text:
                text = text.replace(raw, placeholder)
        return text


def dumps(value: Any) -> str:
    """The stable text of a normalised value, as snapshots store it (keys in the order the node wrote them)."""
    return json.dumps(value, indent=2, ensure_ascii=False)


def diff(expected: Any, actual: Any, labels: Iterable[str] = ("expected", "actual")) -> str:
    """A unified diff of two normalised values, empty when they are equal."""
    first, second = labels
    # Sorted keys: the diff shows what differs as data, not the order two nodes wrote keys in.
    expected_text = json.dumps(expected, indent=2, sort_keys=True, ensure_ascii=False)
    actual_text = json.dumps(actual, indent=2, sort_keys=True, ensure_ascii=False)
    lines = difflib.unified_diff(expected_text.splitlines(), actual_text.splitlines(),
                                 fromfile=first, tofile=second, lineterm="")
    return "\n".join(lines)
