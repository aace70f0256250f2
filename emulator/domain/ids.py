"""Identifiers and clocks shaped like OpenSearch's."""

from __future__ import annotations

import base64
import secrets
import time


def new_id() -> str:
    """A 20-character URL-safe id, the shape of OpenSearch's auto-generated document ids."""
    return base64.urlsafe_b64encode(secrets.token_bytes(15)).decode("ascii")


def new_node_id() -> str:
    """A 22-character node id, as OpenSearch prints them (``XPcXLV7RQoi5m8NI_jEOVQ``)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(16)).decode("ascii").rstrip("=")


def now_millis() -> int:
    """Epoch milliseconds, the unit of every ML Commons timestamp."""
    return time.time_ns() // 1_000_000
