"""Pre-process functions: from the predict input to the parameters the request template is filled with.

The built-in functions (``connector.pre_process.*``) turn text documents or a rerank
query into vendor-shaped parameters; anything else is a Painless script that gets the
input as ``params`` and returns ``{"parameters": {...}}`` as JSON text. Which path runs,
and how values are escaped on the way, follows ``ConnectorUtils.processMLInput``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import OpenSearchError, illegal_argument, java_exception
from ..jsonlimits import too_deep
from .mlinput import Dataset, RemoteInput, TextDocsInput, TextSimilarityInput, to_xcontent
from .postprocess import GSON, class_cast
from .templates import substitute
from .values import gson_doubles, gson_json, is_json_container

DEFAULT_EMBEDDING = "connector.pre_process.default.embedding"
BEDROCK_EMBEDDING = "connector.pre_process.bedrock.embedding"
PROCESS_REMOTE_INFERENCE_INPUT = "pre_process_function.process_remote_inference_input"
CONVERT_INPUT_TO_JSON_STRING = "pre_process_function.convert_input_to_json_string"
CONVERT_REMOTE_PARAM_TO_OBJECT = "pre_process_function.convert_remote_inference_param_to_object"

_TEXT_DOCS_ONLY = (
    "This pre_process_function can only support TextDocsInputDataSet which including a list of string with key "
    "'text_docs'"
)
_TEXT_SIMILARITY_ONLY = "This pre_process_function can only support TextSimilarityInputDataSet"


def _string_parameters(values: Mapping[str, Any]) -> dict[str, str | None]:
    """``convertScriptStringToJsonString``: strings as they are, anything else as Gson JSON."""
    return {key: value if isinstance(value, str) else gson_json(value, hash_order=False)
            for key, value in values.items()}


def _docs(dataset: Dataset) -> list[str | None]:
    if not isinstance(dataset, TextDocsInput):
        raise illegal_argument(_TEXT_DOCS_ONLY)
    return dataset.docs


def _openai(dataset: Dataset) -> dict[str, str | None]:
    return _string_parameters({"input": _docs(dataset)})


def _cohere(dataset: Dataset) -> dict[str, str | None]:
    return _string_parameters({"texts": _docs(dataset)})


def _bedrock(dataset: Dataset) -> dict[str, str | None]:
    first = _docs(dataset)[0]
    if first is None:
        # Map.of refuses a null value: a NullPointerException without a message.
        raise _null_pointer()
    return _string_parameters({"inputText": first})


def _bedrock_multimodal(dataset: Dataset) -> dict[str, str | None]:
    docs = _docs(dataset)
    if not docs or (len(docs) == 1 and docs[0] is None):
        raise illegal_argument("No input text or image provided")
    values: dict[str, Any] = {"inputText": docs[0]}
    if len(docs) > 1:
        values["inputImage"] = docs[1]
    # A null document is written by Gson as the text "null".
    return _string_parameters(values)


def _single(name: str, message: str) -> Callable[[Dataset], dict[str, str | None]]:
    def function(dataset: Dataset) -> dict[str, str | None]:
        docs = _docs(dataset)
        if not docs:
            raise illegal_argument(message)
        return _string_parameters({name: docs[0]})

    return function


def _nova_multimodal(dataset: Dataset) -> dict[str, str | None]:
    """The first document: a JSON object naming its modality (text, image, video, audio), or plain text."""
    docs = _docs(dataset)
    if not docs or (len(docs) == 1 and docs[0] is None):
        raise illegal_argument("No input provided")
    raw = docs[0]
    parsed: Any = None
    if raw is not None:
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
    name, content = "text", raw
    if isinstance(parsed, dict):
        for key in ("text", "image", "video", "audio"):
            if key in parsed:
                name = key
                break
        if raw.startswith("{"):
            for key in ("text", "image", "audio", "video"):
                if key in parsed:
                    content = _node_text(parsed[key])
                    break
    return _string_parameters({name: content})


def _node_text(node: Any) -> str:
    """Jackson ``JsonNode.asString()``: a text node's value, a number or boolean as text, containers empty."""
    if isinstance(node, str):
        return node
    if node is None:
        return "null"
    if isinstance(node, bool):
        return "true" if node else "false"
    if isinstance(node, (int, float)):
        return gson_json(node)
    return ""


def _cohere_multimodal(dataset: Dataset) -> dict[str, str | None]:
    docs = _docs(dataset)
    if not docs or docs[0] is None:
        raise illegal_argument("No image provided")
    return _string_parameters({"images": docs})


def _rerank_input(dataset: Dataset | None) -> TextSimilarityInput:
    if not isinstance(dataset, TextSimilarityInput):
        raise illegal_argument(_TEXT_SIMILARITY_ONLY)
    return dataset


def _cohere_rerank(dataset: Dataset) -> dict[str, str | None]:
    data = _rerank_input(dataset)
    return _string_parameters({"query": data.query_text, "documents": data.docs, "top_n": len(data.docs)})


def _bedrock_rerank(dataset: Dataset) -> dict[str, str | None]:
    if dataset is None:
        raise illegal_argument("Input dataset cannot be null.")
    data = _rerank_input(dataset)
    queries = [{"textQuery": {"text": data.query_text}, "type": "TEXT"}]
    sources = [{"inlineDocumentSource": {"textDocument": {"text": doc}, "type": "TEXT"}, "type": "INLINE"}
               for doc in data.docs]
    return _string_parameters({"queries": queries, "sources": sources, "numberOfResults": len(data.docs)})


BUILT_INS: dict[str, Callable[[Dataset], dict[str, str | None]]] = {
    "connector.pre_process.cohere.embedding": _cohere,
    "connector.pre_process.cohere.multimodal_embedding": _cohere_multimodal,
    "connector.pre_process.openai.embedding": _openai,
    BEDROCK_EMBEDDING: _bedrock,
    "connector.pre_process.bedrock.multimodal_embedding": _bedrock_multimodal,
    "connector.pre_process.bedrock.nova.embedding": _nova_multimodal,
    "connector.pre_process.bedrock.nova.text_embedding": _bedrock,
    "connector.pre_process.bedrock.nova.image_embedding": _single("inputImage", "No input image provided"),
    "connector.pre_process.bedrock.nova.video_embedding": _single("inputVideo", "No input video provided"),
    "connector.pre_process.bedrock.nova.audio_embedding": _single("inputAudio", "No input audio provided"),
    DEFAULT_EMBEDDING: _openai,
    "connector.pre_process.cohere.rerank": _cohere_rerank,
    "connector.pre_process.bedrock.rerank": _bedrock_rerank,
    "connector.pre_process.default.rerank": _cohere_rerank,
}


# The releases that brought the Nova built-ins; on older nodes those names are compiled as Painless.
SINCE = {
    "connector.pre_process.bedrock.nova.text_embedding": "3.4",
    "connector.pre_process.bedrock.nova.image_embedding": "3.4",
    "connector.pre_process.bedrock.nova.video_embedding": "3.4",
    "connector.pre_process.bedrock.nova.audio_embedding": "3.4",
    "connector.pre_process.bedrock.nova.embedding": "3.5",
}


def built_in(function: str, at_least: Callable[[str], bool]) -> Callable[[Dataset], dict[str, str | None]] | None:
    """The built-in of that exact name, if the emulated release has it."""
    found = BUILT_INS.get(function)
    since = SINCE.get(function)
    return found if found is not None and (since is None or at_least(since)) else None


def fill_function_parameters(function: str | None, parameters: Mapping[str, str | None]) -> str | None:
    """``fillProcessFunctionParameter``: ``${parameters.x}`` in a function becomes x as a quoted JSON string."""
    if function is None or "${parameters." not in function:
        return function
    quoted = {key: gson_json(value) for key, value in parameters.items()}
    return substitute(function, quoted)


def _gson_text(text: str) -> str:
    """``processTextDoc``: a document as the inside of a Gson JSON string."""
    return gson_json(text)[1:-1]


def _escaped_for_script(dataset: Dataset) -> Dataset:
    """``escapeMLInput``: documents and query are JSON-escaped before a custom script sees them."""
    if isinstance(dataset, TextDocsInput):
        docs = [None if d is None else _gson_text(d) for d in dataset.docs]
        return TextDocsInput(docs, dataset.algorithm, dataset.algo_parameters)
    if isinstance(dataset, TextSimilarityInput):
        docs = [None if d is None else _gson_text(d) for d in dataset.docs]
        return TextSimilarityInput(_gson_text(dataset.query_text), docs, dataset.algorithm)
    return dataset


def run(function: str | None, dataset: Dataset, parameters: Mapping[str, str | None],
        connector_parameters: Mapping[str, str | None], *,
        run_script: Callable[[str, dict[str, Any]], str | None],
        at_least: Callable[[str], bool] = lambda version: True) -> dict[str, str | None] | None:
    """``processMLInput``: the pre-process output parameters, or None when the input is used as it is.

    ``parameters`` is the runtime map so far (connector parameters, escaped request
    parameters, algorithm parameters); ``run_script`` compiles and runs Painless with
    Gson's number model.
    """
    if function is None and isinstance(dataset, TextDocsInput):
        function = DEFAULT_EMBEDDING
    if function is None:
        if isinstance(dataset, RemoteInput):
            return None
        raise illegal_argument("pre_process_function not defined in connector")
    function = fill_function_parameters(function, parameters)
    assert function is not None
    chosen = built_in(function, at_least)
    if chosen is not None:
        if isinstance(dataset, RemoteInput):
            return None  # the built-ins hand remote parameters through untouched
        return chosen(dataset)
    if isinstance(dataset, RemoteInput):
        if not _flag(parameters, PROCESS_REMOTE_INFERENCE_INPUT):
            return None
        options = {**connector_parameters, **parameters}
        script_params: dict[str, Any] = dict(dataset.parameters)
        if _flag(options, CONVERT_REMOTE_PARAM_TO_OBJECT):
            script_params = {key: gson_doubles(json.loads(value)) if is_json_container(value) else value
                             for key, value in dataset.parameters.items()}
        return _script_output(run_script(function, script_params))
    escaped = _escaped_for_script(dataset)
    # Text documents run as rebuilt TEXT_EMBEDDING chunks; other inputs carry the model's function, REMOTE.
    algorithm = "TEXT_EMBEDDING" if isinstance(dataset, TextDocsInput) else "REMOTE"
    script_params = gson_doubles(to_xcontent(escaped, algorithm))
    if _flag(parameters, CONVERT_INPUT_TO_JSON_STRING):
        script_params = _string_parameters(script_params)
    return _script_output(run_script(function, script_params))


def _flag(parameters: Mapping[str, str | None], name: str) -> bool:
    return (parameters.get(name) or "").lower() == "true"


def _script_output(output: str | None) -> dict[str, str | None]:
    """The script's JSON text, read as Gson reads it into a ``Map``: only ``parameters`` counts, numbers become
    doubles."""
    if output is None:
        raise illegal_argument("Preprocess function output is null")
    if not output.strip() or output.strip() == "null":
        # Gson answers null for empty input and for null; reading its "parameters" is a NullPointerException.
        raise _null_pointer()
    try:
        parsed = json.loads(output, strict=False)
    except ValueError as error:
        raise _gson_syntax_error(str(error)) from None
    except RecursionError:
        raise illegal_argument(f"Invalid JSON format: {too_deep(output)}") from None
    if isinstance(parsed, list) and all(isinstance(pair, list) and len(pair) == 2 for pair in parsed):
        # Gson's map adapter also reads [[key, value], ...].
        parsed = {_gson_key(pair[0]): pair[1] for pair in parsed}
    if not isinstance(parsed, dict):
        kind = "BEGIN_ARRAY" if isinstance(parsed, list) else "STRING" if isinstance(parsed, str) else "NUMBER"
        raise _gson_syntax_error(f"java.lang.IllegalStateException: Expected BEGIN_OBJECT but was {kind} at line 1 "
                                 "column 1 path $")
    if "parameters" not in parsed:
        return {}
    values = parsed["parameters"]
    if values is None:
        raise _null_pointer()
    if not isinstance(values, dict):
        raise class_cast(gson_doubles(values), "java.util.Map", GSON)
    return _string_parameters(gson_doubles(values))


def _gson_key(key: Any) -> str:
    return key if isinstance(key, str) else gson_json(gson_doubles(key))


def _null_pointer() -> OpenSearchError:
    return java_exception("null_pointer_exception", None)  # type: ignore[arg-type]


def _gson_syntax_error(message: str) -> OpenSearchError:
    """Gson's ``JsonSyntaxException``: not an IllegalArgumentException, so the node answers 500."""
    return java_exception("json_syntax_exception", message)

