"""Java collection behaviour the emulator must reproduce: ``String.hashCode`` and ``HashMap`` iteration order.

ML Commons and the Security plugin answer many maps straight from a ``java.util.HashMap``
(connector parameters, credentials, validation messages, Security configuration names),
so their keys come out in the order of the map's buckets, not in insertion order.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=4096)
def java_string_hash(text: str) -> int:
    """``String.hashCode`` over UTF-16 code units, as a signed 32-bit int."""
    units = [ord(c) for c in text] if text.isascii() or max(text) <= "\uffff" else [
        int.from_bytes(pair, "big") for pair in _utf16_units(text)]
    h = 0
    for unit in units:
        h = (31 * h + unit) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h


def _utf16_units(text: str) -> list[bytes]:
    raw = text.encode("utf-16-be")
    return [raw[i : i + 2] for i in range(0, len(raw), 2)]


def hashmap_order(keys: list[str]) -> list[str]:
    """The iteration order of a ``java.util.HashMap`` filled with ``keys`` in this order."""
    if len(keys) < 2:
        return list(keys)
    capacity = 16
    while len(keys) > capacity * 3 // 4:
        capacity *= 2

    def bucket(key: str) -> int:
        h = java_string_hash(key) & 0xFFFFFFFF
        return (h ^ (h >> 16)) & (capacity - 1)

    return sorted(keys, key=bucket)  # sorted() is stable: insertion order within a bucket


def java_map(values: dict[str, Any]) -> dict[str, Any]:
    """A dict in the iteration order the plugin's ``HashMap`` of the same entries has."""
    return {key: values[key] for key in hashmap_order(list(values))}
