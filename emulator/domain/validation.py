"""The plugin's request validation of free-text fields (``StringUtils.validateFields``).

Names, descriptions and ``provisioned_by`` must be "safe text". Failures are one
``action_request_validation_exception`` listing every bad field, in the
iteration order of the Java ``HashMap`` the plugin collects them in.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import validation_failed
from ..javacollections import hashmap_order

_SAFE_PUNCTUATION = set(" .,!?():@-_/'\"\t\n\x0b\f\r")
_SAFE_ASCII = re.compile(r"[A-Za-z0-9 \t\n\x0b\f\r.,!?():@\-_/'\"]*")
SAFE_INPUT_DESCRIPTION = "can only contain letters, numbers, spaces, and basic punctuation (.,!?():@-_'/\")"


def is_safe_text(value: str) -> bool:
    """``^[\\p{L}\\p{N}\\s.,!?():@\\-_/'"]*$`` as Java reads it (``\\s`` is ASCII white space)."""
    if value.isascii():
        return _SAFE_ASCII.fullmatch(value) is not None
    for ch in value:
        if ch in _SAFE_PUNCTUATION:
            continue
        if unicodedata.category(ch)[0] in ("L", "N"):
            continue
        return False
    return True


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def validate_fields(fields: list[tuple[str, str | None, bool]]) -> None:
    """``(label, value, required)`` per field, in the order the plugin puts them in its map."""
    by_label = {label: (value, required) for label, value, required in fields}
    errors = []
    for label in hashmap_order([label for label, _, _ in fields]):
        value, required = by_label[label]
        if required:
            if _blank(value) or not is_safe_text(value or ""):
                reason = "is required and cannot be null or blank" if _blank(value) else SAFE_INPUT_DESCRIPTION
                errors.append(f"{label} {reason}")
        elif not _blank(value) and not is_safe_text(value or ""):
            errors.append(f"{label} {SAFE_INPUT_DESCRIPTION}")
    if errors:
        raise validation_failed(errors)
