"""Handlers of the Security plugin's REST API subset (internal users, roles, role mappings, authinfo, account).

They exist only when the emulator runs with security on; the configuration
endpoints answer only callers with REST API access (``all_access``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain.backend import MLBackend
from ..domain.security import SecurityApiError, SecurityConfigApi, User, account, authinfo
from ..errors import RawHttpError
from .request import ApiRequest

Answer = tuple[int, Any]
_ENDPOINTS = {"internalusers": "INTERNALUSERS", "roles": "ROLES", "rolesmapping": "ROLESMAPPING"}


def _api(backend: MLBackend, request: ApiRequest, endpoint: str) -> SecurityConfigApi:
    user: User = request.user
    if not backend.security.may_use_rest_api(user):
        raise RawHttpError(403, {
            "status": "FORBIDDEN",
            "message": f"No permission to access REST API: User {user.name} with Security roles "
                       f"[{', '.join(user.roles)}] does not have any access to endpoint {_ENDPOINTS[endpoint]} "
                       f"and method {request.method}"})
    return SecurityConfigApi(backend.security, sorted_fields=backend.node.at_least("3.7"))


def _answer(call: Callable[[], Any]) -> Answer:
    try:
        result = call()
    except SecurityApiError as error:
        raise RawHttpError(error.http_status, error.body) from None
    return result if isinstance(result, tuple) else (200, result)


def endpoint_handler(endpoint: str, method: str) -> Callable[[MLBackend, ApiRequest], Answer]:
    """The handler of one configuration endpoint and HTTP method (``GET``, ``PUT``, ``PATCH`` or ``DELETE``)."""
    def handle(backend: MLBackend, request: ApiRequest) -> Answer:
        api = _api(backend, request, endpoint)
        name = request.path_params.get("name")
        if method == "GET":
            return _answer(lambda: api.get(endpoint, name))
        if method == "PATCH":
            return _answer(lambda: api.patch(endpoint, name, request.json()))
        assert name is not None  # PUT and DELETE routes always name the entry
        if method == "PUT":
            return _answer(lambda: api.put(endpoint, name, request.json()))
        return _answer(lambda: api.delete(endpoint, name))

    handle.__name__ = f"{method.lower()}_{endpoint}"
    return handle


def get_authinfo(backend: MLBackend, request: ApiRequest) -> Answer:
    address = request.environ.get("REMOTE_ADDR")
    port = request.environ.get("REMOTE_PORT")
    return 200, authinfo(request.user, f"{address}:{port}" if address and port else None)


def get_account(backend: MLBackend, request: ApiRequest) -> Answer:
    return 200, account(request.user, backend.security)
