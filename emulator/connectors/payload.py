"""From connector + predict parameters to the vendor request: parameter merge, escaping, payload checks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import illegal_argument
from .templates import fill_null_defaults, substitute, unfilled_parameters
from .values import escape_json, gson_json, gson_tree, is_json_container


def escape_request_parameters(parameters: Mapping[str, str | None]) -> dict[str, str | None]:
    """``escapeRemoteInferenceInputData``: JSON containers and ``no_escape_params`` keys stay raw."""
    no_escape = {name.strip() for name in (parameters.get("no_escape_params") or "").split(",") if name.strip()}
    out: dict[str, str | None] = {}
    for key, value in parameters.items():
        if value is None or is_json_container(value) or key in no_escape:
            out[key] = value
        else:
            out[key] = escape_json(value)
    return out


# Java's own pattern: a lazy ".+?" that may run across an earlier placeholder in the same value.
_TO_STRING = re.compile(r"\$\{parameters\.(.+?)\.toString\(\)}")


def add_to_string_parameters(parameters: dict[str, str | None]) -> None:
    """``parseParameters``: a ``${parameters.x.toString()}`` inside another value gets ``x.toString()``."""
    for value in list(parameters.values()):
        if not value or ".toString()" not in value:
            continue
        for name in _TO_STRING.findall(value):
            found = parameters.get(name)
            if found is not None:
                parameters[f"{name}.toString()"] = gson_json(found)[1:-1]


def runtime_parameters(connector_parameters: Mapping[str, str | None],
                       request_parameters: Mapping[str, str | None]) -> dict[str, str | None]:
    """Connector parameters, overridden by the (escaped) request parameters."""
    merged: dict[str, str | None] = dict(connector_parameters)
    merged.update(escape_request_parameters(request_parameters))
    add_to_string_parameters(merged)
    return merged


def build_payload(request_body: str | None, parameters: Mapping[str, str | None], *,
                  structured_output: bool = False, ndjson: bool = True) -> str | None:
    """``HttpConnector.createPayload`` plus the checks that follow it."""
    if request_body is None:
        payload = parameters.get("http_body")
    else:
        payload = substitute(fill_null_defaults(request_body, parameters), parameters)
        # NDJSON payloads (bulk-style bodies) are accepted from 3.5.
        if not (is_json_or_ndjson(payload) if ndjson else is_json_container(payload)):
            raise illegal_argument(f"Invalid payload: {payload}")
        if structured_output and is_json_container(payload):
            payload = inject_structured_output(payload, parameters)
    skip = (parameters.get("skip_validating_missing_parameters") or "").lower() == "true"
    if not skip and payload is not None and "${parameters" in payload:
        missing = unfilled_parameters(payload)
        raise illegal_argument(f"Some parameter placeholder not filled in payload: {', '.join(missing)}")
    return payload


STRUCTURED_OUTPUT_FIELDS = ("response_format", "generationConfig", "toolConfig")


def _structured_field(key: str, suffix: str) -> str | None:
    if not key.startswith("_") or not key.endswith(suffix) or len(key) - len(suffix) <= 1:
        return None
    name = key[1 : len(key) - len(suffix)]
    return name if name in STRUCTURED_OUTPUT_FIELDS else None


def _json_object(text: str | None) -> dict[str, Any] | None:
    if text is None or not is_json_container(text):
        return None
    value = gson_tree(text)
    return value if isinstance(value, dict) else None


def inject_structured_output(payload: str, parameters: Mapping[str, str | None]) -> str:
    """3.7+ ``supports_structured_output``: ``_<field>_json`` replaces a top-level field and
    ``_<field>_additions_json`` merges into it, for ``response_format``, ``generationConfig`` and
    ``toolConfig`` only; the body is then written again by Gson."""
    body = gson_tree(payload)
    if not isinstance(body, dict):
        return payload
    modified = False
    for key, value in parameters.items():
        name = None if key.endswith("_additions_json") else _structured_field(key, "_json")
        replacement = _json_object(value) if name else None
        if name and replacement is not None:
            body[name] = replacement
            modified = True
    for key, value in parameters.items():
        name = _structured_field(key, "_additions_json")
        additions = _json_object(value) if name else None
        if name and additions is not None:
            target = body.get(name) if isinstance(body.get(name), dict) else {}
            body[name] = {**target, **additions}
            modified = True
    return gson_json(body, hash_order=False) if modified else payload


def is_json_or_ndjson(payload: str) -> bool:
    if is_json_container(payload):
        return True
    lines = [line for line in payload.splitlines() if line.strip()]
    if len(lines) < 2:
        return False
    return all(is_json_container(line) for line in lines)


BEDROCK_NOVA_MODEL = "amazon.nova-2-multimodal-embeddings-v1:0"


def clean_payload(payload: str | None, parameters: Mapping[str, str | None]) -> str | None:
    """``cleanPayloadIfNeeded``: for Nova multimodal embeddings, drop the modalities left empty.

    ``singleEmbeddingParams.text`` goes when its ``value`` is null, ``image`` / ``video`` /
    ``audio`` when their ``source.bytes`` is null; the body is then written again by Gson.
    Anything unexpected leaves the payload as it was, as the plugin's catch-all does.
    """
    if payload is None or parameters.get("model") != BEDROCK_NOVA_MODEL:
        return payload
    try:
        root = gson_tree(payload)
        embedding = root["singleEmbeddingParams"] if isinstance(root, dict) else None
    except (ValueError, KeyError):
        return payload
    if embedding is None:
        return payload
    if not isinstance(embedding, dict):
        return payload
    for name in ("text", "image", "video", "audio"):
        if name not in embedding:
            continue
        block = embedding[name]
        if block is None:
            return payload  # getAsJsonObject on a JSON null fails: the plugin keeps the original text
        if not isinstance(block, dict):
            return payload  # getAsJsonObject fails: the plugin keeps the original text
        if name == "text":
            element, present = block.get("value"), "value" in block
        else:
            source = block.get("source")
            if source is not None and not isinstance(source, dict):
                return payload
            element, present = (source.get("bytes"), "bytes" in source) if source else (None, False)
        if present and element is None:
            del embedding[name]
    return gson_json(root, hash_order=False)
