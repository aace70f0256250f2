"""Post-process: from the vendor's response body to ML Commons model tensors.

Follows ``ConnectorUtils.processOutput``: a built-in ``connector.post_process.*``
function reads its JSONPath (or ``response_filter``) and builds embedding or rerank
tensors; otherwise the body is parsed, an optional Painless script turns it into a
string, ``response_filter`` picks a part of that, and ``AbstractConnector.parseResponse``
wraps the result.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..errors import OpenSearchError, illegal_argument, java_exception
from ..javacollections import java_map
from ..jsonlimits import too_deep
from . import jsonpath
from .jsonpath import javalang, smartjson
from .jsonpath.errors import JavaError
from .output import parse_response_body
from .values import is_json_container

RESPONSE_FILTER = "response_filter"
DATA_TYPES = ("FLOAT32", "FLOAT64", "FLOAT16", "UINT8", "INT32", "INT8", "INT64", "BOOLEAN", "UNKNOWN", "STRING",
              "BINARY", "UBINARY")
_DATA_TYPE_CLASS = "org.opensearch.ml.common.output.model.MLResultDataType"
_TENSOR_KEYS = ("name", "data_type", "shape", "data", "byte_buffer", "result", "dataAsMap")

Tensor = dict[str, Any]


def tensor(**fields: Any) -> Tensor:
    """A ModelTensor as ``toXContent`` writes it: fields in the plugin's order, nulls omitted."""
    return {key: fields[key] for key in _TENSOR_KEYS if fields.get(key) is not None}


# -- Java exceptions the built-ins raise ---------------------------------------------------------------------------

def _java_class(value: Any, containers: tuple[str, str]) -> str:
    if isinstance(value, (list, dict)):
        return containers[0] if isinstance(value, list) else containers[1]
    return javalang.class_name(value)


JSON_SMART = ("net.minidev.json.JSONArray", "java.util.LinkedHashMap")
GSON = ("java.util.ArrayList", "com.google.gson.internal.LinkedTreeMap")


def class_cast(value: Any, target: str, containers: tuple[str, str] = JSON_SMART) -> OpenSearchError:
    """A ``ClassCastException`` as Java 17 words it; ``containers`` name the parser's list and map classes."""
    source = _java_class(value, containers)
    if source.startswith("java."):
        detail = f"({source} and {target} are in module java.base of loader 'bootstrap')"
    else:
        detail = (f"({source} is in unnamed module of loader 'app'; {target} is in module java.base of loader "
                  "'bootstrap')")
    return java_exception("class_cast_exception", f"class {source} cannot be cast to class {target} {detail}")


def _as(value: Any, kind: str) -> Any:
    """A Java cast: ``(Integer) x`` or ``(Double) x`` (null casts to null)."""
    if value is None:
        return None
    if kind == "java.lang.Integer" and isinstance(value, int) and not isinstance(value, bool) \
            and -(2**31) <= value < 2**31:
        return value
    if kind == "java.lang.Double" and isinstance(value, float):
        return value
    raise class_cast(value, kind)


def _score_slots(results: list[Any], score_key: str, convert: Callable[[Any], Any]) -> list[Any]:
    scores: list[Any] = [None] * len(results)
    for item in results:
        if not isinstance(item, dict):
            raise class_cast(item, "java.util.Map")
        index = _as(item.get("index"), "java.lang.Integer")
        if index is None:
            raise java_exception("null_pointer_exception", "Cannot invoke \"java.lang.Integer.intValue()\" because "
                                                           "\"index\" is null")
        score = convert(item.get(score_key))
        if not -len(scores) <= index < len(scores) or index < 0:
            raise java_exception("array_index_out_of_bounds_exception",
                                 f"Index {index} out of bounds for length {len(scores)}")
        scores[index] = score
    return scores


# -- built-in functions ------------------------------------------------------------------------------------------

def _embeddings(value: Any, data_type: str | None) -> list[Tensor]:
    if not isinstance(value, list):
        raise illegal_argument("Post process function input is not a List.")
    if value:
        if not isinstance(value[0], list):
            raise illegal_argument("The embedding should be a non-empty List containing List of Float values.")
        if not value[0] or not _is_number(value[0][0]):
            raise illegal_argument("The embedding should be a non-empty List containing Float values.")
    out = []
    for embedding in value:
        if not isinstance(embedding, list):
            raise class_cast(embedding, "java.util.List")
        out.append(_embedding_tensor(embedding, data_type))
    return out


def _embedding(value: Any, data_type: str | None) -> list[Tensor]:
    if not isinstance(value, list):
        raise illegal_argument("Post process function input is not a List.")
    if value and not _is_number(value[0]):
        raise illegal_argument("The embedding should be a non-empty List containing Float values.")
    return [_embedding_tensor(value, data_type)]


def _embedding_tensor(embedding: list[Any], data_type: str | None) -> Tensor:
    for item in embedding:
        if item is not None and not _is_number(item):
            # List.toArray(new Number[0]) over a non-number element.
            raise java_exception("array_store_exception", "arraycopy: element type mismatch: can not cast one of the "
                                 "elements of java.lang.Object[] to the type of the destination array, "
                                 "java.lang.Number")
    return tensor(name="sentence_embedding", data_type=data_type or "FLOAT32", shape=[len(embedding)],
                  data=list(embedding))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _similarity(score: Any) -> Tensor:
    return tensor(name="similarity", data_type="FLOAT32", shape=[1], data=[score])


def _cohere_rerank(value: Any, data_type: str | None) -> list[Tensor]:
    if not isinstance(value, list):
        raise illegal_argument("Post process function input is not a List.")
    if value:
        if not isinstance(value[0], dict):
            raise illegal_argument("Post process function input is not a List of Map.")
        first = value[0]
        if not first or "index" not in first or "relevance_score" not in first:
            raise illegal_argument("The rerank result should contain index and relevance_score.")
    scores = _score_slots(value, "relevance_score", lambda s: _as(s, "java.lang.Double"))
    return [_similarity(score) for score in scores]


def _bedrock_rerank(value: Any, data_type: str | None) -> list[Tensor]:
    if not isinstance(value, list):
        raise illegal_argument("Post process function input is not a List.")
    if not value:
        raise illegal_argument("Post process function input is empty.")
    for item in value:
        if not isinstance(item, dict):
            raise illegal_argument("Rerank result is not a Map.")
        if not item:
            raise illegal_argument("Rerank result is empty.")
        if "index" not in item or "relevanceScore" not in item:
            raise illegal_argument("Rerank result should have both index and relevanceScore.")
        if not isinstance(item["relevanceScore"], (float, Decimal)):
            raise illegal_argument("relevanceScore is not BigDecimal or Double.")
    return [_similarity(score) for score in _score_slots(value, "relevanceScore", float)]


def _batch_job_arn(value: Any, data_type: str | None) -> list[Tensor]:
    if not isinstance(value, dict):
        raise illegal_argument("Post process function input is not a Map.")
    if "jobArn" not in value:
        raise illegal_argument("job arn is missing.")
    job_arn = value["jobArn"]
    if not isinstance(job_arn, str):
        raise class_cast(job_arn, "java.lang.String")
    processed = {**value, "processedJobArn": job_arn.replace("/", "%2F")}
    return [tensor(name="response", dataAsMap=java_map(processed))]


def _passthrough(value: Any, data_type: str | None) -> list[Tensor]:
    """Unwraps another ML Commons node's predict answer into its tensors."""
    if not isinstance(value, (dict, list)):
        raise illegal_argument("Post process function input must be a Map or List")
    if isinstance(value, dict) and isinstance(value.get("inference_results"), list):
        out = []
        for result in value["inference_results"]:
            if not isinstance(result, dict):
                raise class_cast(result, "java.util.Map")
            outputs = result.get("output")
            if not isinstance(outputs, list):
                continue
            for output in outputs:
                if output is None:
                    continue  # createModelTensorFromMap(null) gives no tensor
                if not isinstance(output, dict):
                    raise class_cast(output, "java.util.Map")
                if output:
                    out.append(_tensor_from_map(output))
        return out
    if isinstance(value, list):
        raise class_cast(value, "java.util.Map")
    return [tensor(name="response", dataAsMap=value)]


def _tensor_from_map(output: dict[str, Any]) -> Tensor:
    name = output.get("name") if isinstance(output.get("name"), str) else "output"
    result = output.get("result")
    if result is not None and not isinstance(result, str):
        raise class_cast(result, "java.lang.String")
    data_as_map = output.get("dataAsMap")
    if data_as_map is not None and not isinstance(data_as_map, dict):
        raise class_cast(data_as_map, "java.util.Map")
    data_type = output.get("data_type") if output.get("data_type") in DATA_TYPES else None
    shape = _numbers(output.get("shape"))
    data = _numbers(output.get("data"))
    if shape is not None:
        shape = [None if v is None else int(v) for v in shape]
    if data is not None and data_type in (None, "UNKNOWN"):
        raise illegal_argument("data type is null")
    return tensor(name=name, data_type=data_type, shape=shape, data=data, result=result, dataAsMap=data_as_map)


def _numbers(value: Any) -> list[Any] | None:
    if not isinstance(value, list):
        return None
    return [item if _is_number(item) else None for item in value]


BUILT_INS: dict[str, tuple[str, Callable[[Any, str | None], list[Tensor]]]] = {
    "connector.post_process.openai.embedding": ("$.data[*].embedding", _embeddings),
    "connector.post_process.cohere.embedding": ("$.embeddings", _embeddings),
    "connector.post_process.cohere_v2.embedding.float": ("$.embeddings.float", _embeddings),
    "connector.post_process.cohere_v2.embedding.int8": ("$.embeddings.int8", _embeddings),
    "connector.post_process.cohere_v2.embedding.uint8": ("$.embeddings.uint8", _embeddings),
    "connector.post_process.cohere_v2.embedding.binary": ("$.embeddings.binary", _embeddings),
    "connector.post_process.cohere_v2.embedding.ubinary": ("$.embeddings.ubinary", _embeddings),
    "connector.post_process.default.embedding": ("$[*]", _embeddings),
    "connector.post_process.bedrock.embedding": ("$.embedding", _embedding),
    "connector.post_process.bedrock_v2.embedding.float": ("$.embeddingsByType.float", _embedding),
    "connector.post_process.bedrock_v2.embedding.binary": ("$.embeddingsByType.binary", _embedding),
    "connector.post_process.bedrock.nova.embedding": ("$.embeddings[*].embedding", _embeddings),
    "connector.post_process.bedrock.batch_job_arn": ("$", _batch_job_arn),
    "connector.post_process.cohere.rerank": ("$.results", _cohere_rerank),
    "connector.post_process.bedrock.rerank": ("$.results", _bedrock_rerank),
    "connector.post_process.default.rerank": ("$[*]", _cohere_rerank),
    "connector.post_process.mlcommons.passthrough": ("$", _passthrough),
}


# The releases that brought the newer built-ins; on older nodes those names are compiled as Painless.
SINCE = {
    **{name: "3.0" for name in BUILT_INS if ".cohere_v2." in name or ".bedrock_v2." in name},
    "connector.post_process.mlcommons.passthrough": "3.3",
    "connector.post_process.bedrock.nova.embedding": "3.4",
}


def built_in(function: str | None, at_least: Callable[[str], bool]) -> tuple[str, Any] | None:
    """The built-in of that exact name, if the emulated release has it."""
    if function is None or function not in BUILT_INS:
        return None
    since = SINCE.get(function)
    return BUILT_INS[function] if since is None or at_least(since) else None


def data_type_of(response_filter: str) -> str | None:
    """The first result type whose ``.NAME`` the filter mentions (case-insensitive), as the plugin infers it."""
    lowered = response_filter.lower()
    return next((name for name in DATA_TYPES if "." + name.lower() in lowered), None)


# -- JSONPath, as Jayway reads the response text -------------------------------------------------------------------

def _smart_float(literal: str) -> float | Decimal:
    """json-smart's high-precision rule: a decimal literal longer than 18 characters is a BigDecimal."""
    return javalang.big_decimal(literal) if len(literal) > 18 else float(literal)


def _jayway_document(text: str) -> Any:
    """The document Jayway reads from the response text: json-smart's permissive parse.

    Plain JSON (the common case) is read by the C parser with json-smart's number rule; only
    text it refuses goes through the permissive reader, which also takes single quotes,
    unquoted words and trailing data.
    """
    try:
        return json.loads(text, parse_float=_smart_float)
    except ValueError:
        pass
    except RecursionError:
        raise illegal_argument(f"Invalid JSON format: {too_deep(text)}") from None
    try:
        return smartjson.parse(text)
    except smartjson.SmartJsonError as error:
        raise java_exception("invalid_json_exception", error.java_string()) from None
    except JavaError as error:
        # A NumberFormatException is an IllegalArgumentException: it reaches the client as a 400.
        status = 400 if error.java_type == "java.lang.NumberFormatException" else 500
        raise java_exception(_snake_type(error.java_type), error.message or "", status=status) from None


def read_path(document: Any, expression: str) -> Any:
    """``JsonPath.read``: Jayway's errors become the Java exceptions the plugin lets through."""
    try:
        return jsonpath.compile_path(expression).read(document)
    except jsonpath.PathNotFound as error:
        raise java_exception("path_not_found_exception", error.message or "") from None
    except jsonpath.InvalidPath as error:
        raise java_exception("invalid_path_exception", error.message or "") from None
    except jsonpath.JsonPathError as error:
        raise java_exception(_snake_type(error.java_type), error.message or "") from None


def _snake_type(java_type: str) -> str:
    """OpenSearch's exception type name: the simple class name in snake case."""
    simple = java_type.rsplit(".", 1)[-1]
    return re.sub(r"(?<!^)(?=[A-Z])", "_", simple).lower()


# -- the whole step ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OutputOptions:
    """What the emulated version changes in output processing."""

    max_json_size: int
    integers_preserved: bool
    filter_falls_back: bool
    at_least: Callable[[str], bool] = field(default=lambda version: True)


def process(body: str, function: str | None, parameters: Mapping[str, str | None], options: OutputOptions,
            run_script: Callable[[str, dict[str, Any]], str | None]) -> list[Tensor]:
    """``ConnectorUtils.processOutput`` for one vendor answer (``function`` already has its parameters filled)."""
    response_filter = parameters.get(RESPONSE_FILTER)
    chosen = built_in(function, options.at_least)
    if chosen is not None:
        default_filter, apply = chosen
        path = response_filter if response_filter and response_filter.strip() else default_filter
        filtered = read_path(_jayway_document(body), path)
        if filtered is None:
            raise illegal_argument("Can't run post process function as model output is null")
        return apply(filtered, data_type_of(path))
    # The body is always parsed first, whether or not a script will look at it.
    data = parse_response_body(body, max_json_size=options.max_json_size,
                               integers_preserved=options.integers_preserved, default_key="result")
    script_output = run_script(function, data) if function is not None else None
    response = script_output if script_output is not None else body
    tensors_json = function is not None and script_output is not None and _is_json(script_output)
    if response_filter is None:
        return parse_response(response, tensors_json, options)
    try:
        filtered: Any = read_path(_jayway_document(response), response_filter)
    except OpenSearchError as error:
        if error.type != "path_not_found_exception" or not options.filter_falls_back:
            raise
        filtered = None
    if filtered is None and options.filter_falls_back:
        # 3.7+ uses the whole response when the path finds nothing or lands on a JSON null.
        filtered = response
    return parse_response(filtered, tensors_json, options)


def _is_json(text: str) -> bool:
    return is_json_container(text)


def parse_response(response: Any, tensors_json: bool, options: OutputOptions) -> list[Tensor]:
    """``AbstractConnector.parseResponse``."""
    if tensors_json:
        if not isinstance(response, str):
            # The plugin casts the (filtered) response to String here.
            raise class_cast(response, "java.lang.String")
        return _script_tensors(response)
    if isinstance(response, str) and _is_json(response):
        data = parse_response_body(response, max_json_size=options.max_json_size,
                                   integers_preserved=options.integers_preserved)
        return [tensor(name="response", dataAsMap=data)]
    if isinstance(response, dict):
        return [tensor(name="response", dataAsMap=response)]
    return [tensor(name="response", dataAsMap={"response": response})]


def _script_tensors(text: str) -> list[Tensor]:
    """A script's tensor JSON, read by ``ModelTensor.parser`` (strict JSON, one object or an array of them)."""
    try:
        parsed = json.loads(text)
    except ValueError as error:
        raise java_exception("x_content_parse_exception", f"Failed to parse tensor JSON: {error}") from None
    except RecursionError:
        raise illegal_argument(f"Invalid JSON format: {too_deep(text)}") from None
    items = parsed if isinstance(parsed, list) else [parsed]
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise java_exception("parsing_exception",
                                 f"Failed to parse object: expecting token of type [START_OBJECT] but found "
                                 f"[{_token(item)}]")
        out.append(_parse_tensor(item))
    return out


def _token(value: Any) -> str:
    if isinstance(value, list):
        return "START_ARRAY"
    if isinstance(value, str):
        return "VALUE_STRING"
    if value is None:
        return "VALUE_NULL"
    if isinstance(value, bool):
        return "VALUE_BOOLEAN"
    return "VALUE_NUMBER"


def _text(value: Any) -> str:
    """``parser.text()``: the text of a scalar; null and containers are an IllegalStateException."""
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, (dict, list)):
        token = "VALUE_NULL" if value is None else "START_OBJECT" if isinstance(value, dict) else "START_ARRAY"
        raise java_exception("illegal_state_exception", f"Can't get text on a {token}")
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def _parse_tensor(item: dict[str, Any]) -> Tensor:
    """``ModelTensor.parser``: the fields it reads (``byte_buffer`` is read but not kept), others skipped."""
    fields: dict[str, Any] = {}
    data_list = None
    for key, value in item.items():
        if key == "name":
            fields["name"] = _text(value)
        elif key == "data":
            if not isinstance(value, list):
                raise java_exception("x_content_parse_exception",
                                     f"Failed to parse list:  expecting START_ARRAY but got {_token(value)}")
            data_list = value
        elif key == "data_type":
            name = _text(value)
            if name not in DATA_TYPES:
                raise illegal_argument(f"No enum constant {_DATA_TYPE_CLASS}.{name}")
            fields["data_type"] = name
        elif key == "shape":
            if not isinstance(value, list):
                raise java_exception("parsing_exception", f"Failed to parse object: expecting token of type "
                                                          f"[START_ARRAY] but found [{_token(value)}]")
            fields["shape"] = [_long(v) for v in value]
        elif key == "result":
            fields["result"] = _text(value)
        elif key == "dataAsMap":
            if value is not None and not isinstance(value, dict):
                raise java_exception("parsing_exception", f"Failed to parse object: expecting token of type "
                                                          f"[START_OBJECT] but found [{_token(value)}]")
            fields["dataAsMap"] = value
    data_type = fields.get("data_type")
    if data_type is not None and data_list:
        for value in data_list:
            # (Number) null is a null element, written as null.
            if value is not None and not _is_number(value):
                raise class_cast(value, "java.lang.Number")
        if data_type == "UNKNOWN":
            raise illegal_argument("data type is null")
        fields["data"] = list(data_list)
    return tensor(**fields)


def _long(value: Any) -> int:
    if _is_number(value):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    raise java_exception("illegal_argument_exception", f"Current token [{_token(value)}] not numeric")
