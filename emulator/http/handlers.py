"""Request handlers: read the parsed request, call one backend service, return (status, body).

Each handler is named after the REST action it serves. No rule of ML Commons
lives here: validation and state belong to the domain.
"""

from __future__ import annotations

import re
from typing import Any

from ..domain.backend import MLBackend
from ..domain.fields import require_object
from ..domain.settings import flatten, nest
from ..errors import illegal_argument, parse_exception, validation_failed
from .request import ApiRequest

Answer = tuple[int, Any]
BASE = "/_plugins/_ml"


def _search_body(request: ApiRequest) -> Any:
    """``contentOrSourceParamParser``: a search needs a body or the ``source`` parameter."""
    body = request.content_or_source()
    if body is None:
        raise parse_exception("request body or source parameter is required")
    return body


def _bool_param(request: ApiRequest, name: str, default: bool = False) -> bool:
    value = request.params.get(name)
    if value is None:
        return default
    if value in ("", "true"):
        return True
    if value == "false":
        return False
    raise illegal_argument(
        f"Failed to parse value [{value}] as only [true] or [false] are allowed."
    )


# -- core ---------------------------------------------------------------------------------------------------------

def root(backend: MLBackend, request: ApiRequest) -> Answer:
    node = backend.node
    major = node.version_tuple[0] if node.version_tuple else 3
    body = {
        "name": node.name,
        "cluster_name": node.cluster_name,
        "cluster_uuid": node.cluster_uuid,
        "version": {
            "distribution": "opensearch",
            "number": node.version,
            "build_type": "tar",
            "build_hash": "ml-commons-emulator",
            "build_date": "2025-01-01T00:00:00.000000000Z",
            "build_snapshot": node.version.endswith("-SNAPSHOT"),
            "lucene_version": node.lucene_version,
            "minimum_wire_compatibility_version": "2.19.0" if major >= 3 else "7.10.0",
            "minimum_index_compatibility_version": "2.0.0" if major >= 3 else "7.0.0",
        },
        "tagline": "The OpenSearch Project: https://opensearch.org/",
    }
    return 200, body  # HEAD: the app sends the headers of this body and no content


_TIME_VALUE = re.compile(r"^-?\d+(\.\d+)?(nanos|micros|ms|s|m|h|d)$")


def _timeouts(request: ApiRequest) -> None:
    """Time-valued parameters, and the rule that only one of the two cluster-manager timeouts is given."""
    if "master_timeout" in request.params and "cluster_manager_timeout" in request.params:
        raise parse_exception(
            "Please only use one of the request parameters [cluster_manager_timeout, master_timeout]."
        )
    for name in ("timeout", "master_timeout", "cluster_manager_timeout"):
        value = request.params.get(name)
        if value is not None and value not in ("-1", "0") and not _TIME_VALUE.match(value.strip().lower()):
            raise parse_exception(f"failed to parse setting [{name}] with value [{value}] as a time value: "
                                  "unit is missing or unrecognized")


def get_cluster_settings(backend: MLBackend, request: ApiRequest) -> Answer:
    _timeouts(request)
    flat = _bool_param(request, "flat_settings")
    persistent, transient = backend.settings.explicit()
    shape = (lambda d: dict(sorted(d.items()))) if flat else nest
    body = {"persistent": shape(persistent), "transient": shape(transient)}
    if _bool_param(request, "include_defaults"):
        body["defaults"] = shape(backend.settings.defaults())
    return 200, body


def put_cluster_settings(backend: MLBackend, request: ApiRequest) -> Answer:
    _timeouts(request)
    body = request.json()
    if body is None:
        raise parse_exception("request body is required")
    body = require_object(body, "cluster settings")
    # Only these two keys are read; anything else in the body is ignored.
    persistent = body.get("persistent") or {}
    transient = body.get("transient") or {}
    for name, value in (("persistent", persistent), ("transient", transient)):
        if not isinstance(value, dict):
            raise illegal_argument(f"[cluster_update_settings_request] failed to parse field [{name}]")
    if not flatten(persistent) and not flatten(transient):
        raise validation_failed(["no settings to update"])
    set_persistent, set_transient = backend.settings.update(persistent, transient)
    flat = _bool_param(request, "flat_settings")
    shape = (lambda d: dict(sorted(d.items()))) if flat else nest
    return 200, {"acknowledged": True, "persistent": shape(set_persistent), "transient": shape(set_transient)}


def cluster_health(backend: MLBackend, request: ApiRequest) -> Answer:
    _timeouts(request)
    indices = [n for n in request.path_params.get("index", "").split(",") if n]
    timed_out, body = backend.cluster_health(indices, request.params.get("wait_for_status"))
    return (408 if timed_out else 200), body


# -- model groups -------------------------------------------------------------------------------------------------

def register_model_group(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.model_groups.register(request.json(), request.user)


def get_model_group(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.model_groups.get(request.path_params["model_group_id"], request.user)


def update_model_group(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.model_groups.update(request.path_params["model_group_id"], request.json(), request.user)


def delete_model_group(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.model_groups.delete(request.path_params["model_group_id"], request.user)


def search_model_groups(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.model_groups.search(_search_body(request), request.user)


# -- connectors ---------------------------------------------------------------------------------------------------

def create_connector(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.connectors.create(request.json(), request.user)


def get_connector(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.connectors.get(request.path_params["connector_id"], request.user)


def update_connector(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.update_connector(request.path_params["connector_id"], request.json(), request.user)


def delete_connector(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.connectors.delete(request.path_params["connector_id"], request.user)


def search_connectors(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.connectors.search(_search_body(request), request.user)


# -- models -------------------------------------------------------------------------------------------------------

def register_model(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.models.register(request.json(), deploy=_bool_param(request, "deploy"), user=request.user)


def get_model(backend: MLBackend, request: ApiRequest) -> Answer:
    _bool_param(request, "return_content")
    return 200, backend.models.get(request.path_params["model_id"], request.user)


def update_model(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.models.update(request.path_params["model_id"], request.json(), request.user)


def delete_model(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.models.delete(request.path_params["model_id"], request.user)


def search_models(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.models.search(_search_body(request), request.user)


def deploy_model(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.models.deploy(request.path_params["model_id"], request.json(), request.user)


def undeploy_model(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.models.undeploy(request.path_params.get("model_id"), request.json(), request.user)


def predict(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.predictions.predict(
        request.path_params["model_id"], request.json(), request.path_params.get("algorithm"), request.user
    )


# -- tasks --------------------------------------------------------------------------------------------------------

def get_task(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.tasks.get(request.path_params["task_id"])


def delete_task(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.tasks.delete(request.path_params["task_id"])


def search_tasks(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, backend.tasks.search(_search_body(request))
