"""Positions in a request body: where a parsed value's token starts, as Jackson reports it.

The domain reports a bad value as ``container[key]`` of the parsed body; this module
finds that container in the parsed body (by identity), then walks the raw JSON text
along the same path to the value's first character. Lines and columns are 1-based;
columns count UTF-8 bytes, as Jackson's byte-based parser does.
"""

from __future__ import annotations

import json
from typing import Any

_WHITESPACE = " \t\r\n"


def find_path(root: Any, container: Any) -> list[Any] | None:
    """The keys and indexes that lead from ``root`` to ``container`` (compared by identity)."""
    if root is container:
        return []
    if isinstance(root, dict):
        children = root.items()
    elif isinstance(root, list):
        children = enumerate(root)
    else:
        return None
    for key, child in children:
        if isinstance(child, (dict, list)):
            path = find_path(child, container)
            if path is not None:
                return [key, *path]
    return None


def line_and_column(text: str, path: list[Any]) -> tuple[int, int]:
    """Where the value at ``path`` starts in the JSON ``text``."""
    index = _skip_ws(text, 0)
    for step in path:
        if index >= len(text):
            break
        if text[index] == "{":
            index = _member(text, index, step)
        elif text[index] == "[":
            index = _element(text, index, step)
        else:
            break
    line = text.count("\n", 0, index) + 1
    line_start = text.rfind("\n", 0, index) + 1
    return line, len(text[line_start:index].encode("utf-8")) + 1


def _skip_ws(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def _string_end(text: str, index: int) -> int:
    """Index just past the string literal starting at ``index``."""
    index += 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == '"':
            return index + 1
        index += 1
    return index


def _value_end(text: str, index: int) -> int:
    if index >= len(text):
        return index
    if text[index] == '"':
        return _string_end(text, index)
    if text[index] in "{[":
        depth = 0
        while index < len(text):
            ch = text[index]
            if ch == '"':
                index = _string_end(text, index)
                continue
            if ch in "{[":
                depth += 1
            elif ch in "}]":
                depth -= 1
                if depth == 0:
                    return index + 1
            index += 1
        return index
    while index < len(text) and text[index] not in ",}] \t\r\n":
        index += 1
    return index


def _member(text: str, index: int, key: Any) -> int:
    """Start of the value of ``key`` in the object at ``index`` (the last one, as the parsed dict keeps)."""
    found = index
    index = _skip_ws(text, index + 1)
    while index < len(text) and text[index] == '"':
        end = _string_end(text, index)
        name = json.loads(text[index:end])
        index = _skip_ws(text, end)
        index = _skip_ws(text, index + 1)  # the colon
        if name == key:
            found = index
        index = _skip_ws(text, _value_end(text, index))
        if index < len(text) and text[index] == ",":
            index = _skip_ws(text, index + 1)
    return found


def _element(text: str, index: int, position: Any) -> int:
    found = index
    index = _skip_ws(text, index + 1)
    count = 0
    while index < len(text) and text[index] != "]":
        if count == position:
            return index
        index = _skip_ws(text, _value_end(text, index))
        if index < len(text) and text[index] == ",":
            index = _skip_ws(text, index + 1)
        count += 1
    return found
