"""The Security plugin subset a harness needs: internal users, roles, role mappings, who a request is, and
whether that user may run a cluster action.

Passwords are kept only as salted PBKDF2 hashes and never returned. Security
roles come from the role mappings (by user name or backend role) and from a
user's own ``opendistro_security_roles``; a role's ``cluster_permissions`` are
action names or action groups, with ``*`` and ``?`` wildcards as the plugin's
``WildcardMatcher`` reads them. A user is an ML admin when its roles include
``all_access``.
"""

from __future__ import annotations

import base64
import binascii
import copy
import fnmatch
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

DEFAULT_ADMIN_PASSWORD = "admin"
ADMIN_ROLE = "all_access"
REST_API_ROLES = frozenset({"all_access", "security_rest_api_access"})
_ITERATIONS = 10_000

# Action groups of the plugin's static action_groups.yml that the built-in roles use.
ACTION_GROUPS: dict[str, list[str]] = {
    "cluster_all": ["cluster:*"],
    "cluster_monitor": ["cluster:monitor/*"],
    "cluster_composite_ops": ["indices:data/write/bulk", "indices:admin/aliases*", "indices:data/write/reindex",
                              "cluster_composite_ops_ro"],
    "cluster_composite_ops_ro": ["indices:data/read/mget", "indices:data/read/msearch", "indices:data/read/mtv",
                                 "indices:data/read/scroll*", "indices:admin/aliases/get*"],
    "indices_monitor": ["indices:monitor/*"],
    "indices_all": ["indices:*"],
    "unlimited": ["*"],
}

ML_READ_ACTIONS = [
    "cluster:admin/opensearch/ml/config/get",
    "cluster:admin/opensearch/ml/connectors/get",
    "cluster:admin/opensearch/ml/connectors/search",
    "cluster:admin/opensearch/ml/controllers/get",
    "cluster:admin/opensearch/ml/memory/conversation/get",
    "cluster:admin/opensearch/ml/memory/conversation/interaction/search",
    "cluster:admin/opensearch/ml/memory/conversation/list",
    "cluster:admin/opensearch/ml/memory/conversation/search",
    "cluster:admin/opensearch/ml/memory/interaction/get",
    "cluster:admin/opensearch/ml/memory/interaction/list",
    "cluster:admin/opensearch/ml/memory/trace/get",
    "cluster:admin/opensearch/ml/model_groups/get",
    "cluster:admin/opensearch/ml/model_groups/search",
    "cluster:admin/opensearch/ml/models/get",
    "cluster:admin/opensearch/ml/models/search",
    "cluster:admin/opensearch/ml/profile/nodes",
    "cluster:admin/opensearch/ml/stats/nodes",
    "cluster:admin/opensearch/ml/tasks/get",
    "cluster:admin/opensearch/ml/tasks/search",
    "cluster:admin/opensearch/ml/tools/get",
    "cluster:admin/opensearch/ml/tools/list",
]


def _role(cluster: list[str], index: list[dict[str, Any]] | None = None, description: str = "") -> dict[str, Any]:
    return {"reserved": True, "hidden": False, "description": description, "cluster_permissions": cluster,
            "index_permissions": index or [], "tenant_permissions": [], "static": True}


def _index_permission(patterns: list[str], actions: list[str]) -> dict[str, Any]:
    return {"index_patterns": patterns, "fls": [], "masked_fields": [], "allowed_actions": actions}


BUILT_IN_ROLES: dict[str, dict[str, Any]] = {
    "all_access": _role(["*"], [_index_permission(["*"], ["*"])], "Allow full access to all indices and all "
                        "cluster APIs"),
    "ml_full_access": _role(["cluster:admin/opensearch/ml/*", "cluster_monitor"],
                            [_index_permission(["*"], ["indices_monitor"])],
                            "Provide full access to the machine learning features"),
    "ml_read_access": _role(list(ML_READ_ACTIONS), None, "Provide read access to the machine learning features"),
}


@dataclass(frozen=True)
class User:
    """An authenticated caller, as ML Commons reads it from the security thread context."""

    name: str
    backend_roles: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def is_admin(self) -> bool:
        return ADMIN_ROLE in self.roles

    def describe(self) -> str:
        """How the plugin names a user in its "no permissions" message."""
        return f"User [name={self.name}, backend_roles=[{', '.join(self.backend_roles)}], requestedTenant=null]"

    def owner(self) -> dict[str, Any]:
        """The ``owner`` object ML Commons stores on resources this user creates (3.2+ field order)."""
        return {"name": self.name, "backend_roles": list(self.backend_roles), "roles": list(self.roles),
                "custom_attribute_names": sorted(self.attributes), "user_requested_tenant": None}


class Unauthorized(Exception):
    """No credentials, unknown user or wrong password."""


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _ITERATIONS)
    return f"pbkdf2${_ITERATIONS}${salt.hex()}${digest.hex()}"


def _check_password(password: str, stored: str) -> bool:
    try:
        _, iterations, salt, digest = stored.split("$")
        computed = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(computed.hex(), digest)


def _matches(patterns: list[str], value: str) -> bool:
    return any(fnmatch.fnmatchcase(value, pattern) for pattern in patterns)


class Security:
    """The security configuration of one emulated cluster; ``enabled`` False means the plugin is not installed."""

    def __init__(self, enabled: bool = False, admin_password: str = DEFAULT_ADMIN_PASSWORD) -> None:
        self.enabled = enabled
        self.admin_password = admin_password
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Back to the initial configuration: the ``admin`` user mapped to ``all_access``, built-in roles."""
        with self.lock:
            self.users: dict[str, dict[str, Any]] = {
                "admin": {"hash": hash_password(self.admin_password), "reserved": True, "hidden": False,
                          "backend_roles": ["admin"], "attributes": {}, "description": "Demo admin user",
                          "opendistro_security_roles": [], "static": False},
            }
            self.roles: dict[str, dict[str, Any]] = copy.deepcopy(BUILT_IN_ROLES)
            self.mappings: dict[str, dict[str, Any]] = {
                "all_access": {"hosts": [], "users": [], "reserved": False, "hidden": False,
                               "backend_roles": ["admin"], "and_backend_roles": [],
                               "description": "Maps admin to all_access"},
            }

    # -- identity --------------------------------------------------------------------------------------------

    def authenticate(self, authorization: str | None) -> User:
        """The user of an ``Authorization: Basic ...`` header; :class:`Unauthorized` otherwise."""
        if not authorization or not authorization[:6].lower() == "basic ":
            raise Unauthorized()
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise Unauthorized() from None
        name, separator, password = decoded.partition(":")
        if not separator:
            raise Unauthorized()
        with self.lock:
            entry = self.users.get(name)
            if entry is None or not _check_password(password, entry["hash"]):
                raise Unauthorized()
            return self.user(name)

    def user(self, name: str) -> User:
        """The named internal user with its resolved security roles."""
        with self.lock:
            entry = self.users[name]
            backend_roles = tuple(entry.get("backend_roles") or ())
            roles = set(entry.get("opendistro_security_roles") or ())
            for role, mapping in self.mappings.items():
                if _matches(mapping.get("users") or [], name) or any(
                        _matches(mapping.get("backend_roles") or [], backend) for backend in backend_roles):
                    roles.add(role)
            return User(name, backend_roles, tuple(sorted(roles)), dict(entry.get("attributes") or {}))

    # -- permissions -----------------------------------------------------------------------------------------

    def _expand(self, permissions: list[str], seen: frozenset[str] = frozenset()) -> list[str]:
        expanded: list[str] = []
        for permission in permissions:
            if permission in ACTION_GROUPS and permission not in seen:
                expanded += self._expand(ACTION_GROUPS[permission], seen | {permission})
            else:
                expanded.append(permission)
        return expanded

    def allows(self, user: User, action: str) -> bool:
        """Whether one of the user's roles grants the cluster action."""
        with self.lock:
            for role_name in user.roles:
                role = self.roles.get(role_name)
                if role and _matches(self._expand(list(role.get("cluster_permissions") or [])), action):
                    return True
        return False

    def may_use_rest_api(self, user: User) -> bool:
        return bool(REST_API_ROLES & set(user.roles))


class SecurityApiError(Exception):
    """A Security REST API refusal: ``{"status": <status_text>, "message": ...}`` with an HTTP status."""

    def __init__(self, http_status: int, status_text: str, message: str) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.body = {"status": status_text, "message": message}


_USER_FIELDS = {"password", "hash", "backend_roles", "attributes", "opendistro_security_roles", "description"}
_ROLE_FIELDS = {"cluster_permissions", "index_permissions", "tenant_permissions", "description"}
_MAPPING_FIELDS = {"backend_roles", "hosts", "users", "and_backend_roles", "description"}


def _string_list(body: dict[str, Any], key: str) -> list[str]:
    value = body.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SecurityApiError(400, "error", f"Wrong datatype for '{key}': expected an array of strings")
    return list(value)


def _check_body(body: Any, allowed: set[str]) -> dict[str, Any]:
    if body is None:
        raise SecurityApiError(400, "error", "Request body required for this action.")
    if not isinstance(body, dict):
        raise SecurityApiError(400, "error", "Invalid JSON: the request body must be an object")
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise SecurityApiError(400, "error", f"Invalid configuration: unknown field(s) {unknown}")
    return body


class SecurityConfigApi:
    """The internal users, roles and role mappings a caller may manage through the REST API."""

    def __init__(self, security: Security) -> None:
        self.security = security

    # -- internal users ----------------------------------------------------------------------------------

    def put_user(self, name: str, body: Any) -> tuple[int, dict[str, Any]]:
        body = _check_body(body, _USER_FIELDS)
        with self.security.lock:
            current = self.security.users.get(name)
            if current is not None and current.get("reserved"):
                raise SecurityApiError(403, "FORBIDDEN", f"Resource '{name}' is reserved.")
            password = body.get("password")
            if password is not None and (not isinstance(password, str) or not password):
                raise SecurityApiError(400, "error", "Wrong datatype for 'password': expected a non-empty string")
            if password is None and current is None:
                raise SecurityApiError(400, "error",
                                       "Please specify either 'hash' or 'password' when creating a new internal user.")
            if isinstance(password, str) and len(password) < 8:
                raise SecurityApiError(400, "error", "Weak password")
            attributes = body.get("attributes", {})
            if not isinstance(attributes, dict) or not all(isinstance(v, str) for v in attributes.values()):
                raise SecurityApiError(400, "error", "Wrong datatype for 'attributes': expected an object of strings")
            entry = {"hash": hash_password(password) if isinstance(password, str) else current["hash"],  # type: ignore[index]
                     "reserved": False, "hidden": False,
                     "backend_roles": _string_list(body, "backend_roles"), "attributes": dict(attributes),
                     "opendistro_security_roles": _string_list(body, "opendistro_security_roles"),
                     "static": False}
            if isinstance(body.get("description"), str):
                entry["description"] = body["description"]
            self.security.users[name] = entry
        if current is None:
            return 201, {"status": "CREATED", "message": f"'{name}' created."}
        return 200, {"status": "OK", "message": f"'{name}' updated."}

    def get_users(self, name: str | None) -> dict[str, Any]:
        with self.security.lock:
            if name is not None and name not in self.security.users:
                raise SecurityApiError(404, "NOT_FOUND", f"'{name}' not found.")
            chosen = [name] if name is not None else sorted(self.security.users)
            # The stored hash is never answered.
            return {user: {**{k: copy.deepcopy(v) for k, v in self.security.users[user].items()}, "hash": ""}
                    for user in chosen}

    def delete_user(self, name: str) -> dict[str, Any]:
        return self._delete(self.security.users, name)

    # -- roles and mappings ------------------------------------------------------------------------------

    def put_role(self, name: str, body: Any) -> tuple[int, dict[str, Any]]:
        body = _check_body(body, _ROLE_FIELDS)
        index_permissions = body.get("index_permissions", [])
        if not isinstance(index_permissions, list) or not all(isinstance(p, dict) for p in index_permissions):
            raise SecurityApiError(400, "error", "Wrong datatype for 'index_permissions': expected an array of objects")
        entry = {"reserved": False, "hidden": False, "cluster_permissions": _string_list(body, "cluster_permissions"),
                 "index_permissions": copy.deepcopy(index_permissions),
                 "tenant_permissions": copy.deepcopy(body.get("tenant_permissions", [])), "static": False}
        if isinstance(body.get("description"), str):
            entry["description"] = body["description"]
        return self._put(self.security.roles, name, entry)

    def get_roles(self, name: str | None) -> dict[str, Any]:
        return self._get(self.security.roles, name)

    def delete_role(self, name: str) -> dict[str, Any]:
        return self._delete(self.security.roles, name)

    def put_mapping(self, name: str, body: Any) -> tuple[int, dict[str, Any]]:
        body = _check_body(body, _MAPPING_FIELDS)
        with self.security.lock:
            if name not in self.security.roles:
                raise SecurityApiError(404, "NOT_FOUND", f"role '{name}' not found.")
        entry = {"hosts": _string_list(body, "hosts"), "users": _string_list(body, "users"), "reserved": False,
                 "hidden": False, "backend_roles": _string_list(body, "backend_roles"),
                 "and_backend_roles": _string_list(body, "and_backend_roles")}
        if isinstance(body.get("description"), str):
            entry["description"] = body["description"]
        return self._put(self.security.mappings, name, entry)

    def get_mappings(self, name: str | None) -> dict[str, Any]:
        return self._get(self.security.mappings, name)

    def delete_mapping(self, name: str) -> dict[str, Any]:
        return self._delete(self.security.mappings, name)

    # -- shared ------------------------------------------------------------------------------------------

    def _put(self, table: dict[str, dict[str, Any]], name: str, entry: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.security.lock:
            current = table.get(name)
            if current is not None and current.get("reserved"):
                raise SecurityApiError(403, "FORBIDDEN", f"Resource '{name}' is reserved.")
            table[name] = entry
        if current is None:
            return 201, {"status": "CREATED", "message": f"'{name}' created."}
        return 200, {"status": "OK", "message": f"'{name}' updated."}

    def _get(self, table: dict[str, dict[str, Any]], name: str | None) -> dict[str, Any]:
        with self.security.lock:
            if name is not None and name not in table:
                raise SecurityApiError(404, "NOT_FOUND", f"'{name}' not found.")
            chosen = [name] if name is not None else sorted(table)
            return {key: copy.deepcopy(table[key]) for key in chosen}

    def _delete(self, table: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
        with self.security.lock:
            current = table.get(name)
            if current is None:
                raise SecurityApiError(404, "NOT_FOUND", f"'{name}' not found.")
            if current.get("reserved") or current.get("static"):
                raise SecurityApiError(403, "FORBIDDEN", f"Resource '{name}' is reserved.")
            del table[name]
        return {"status": "OK", "message": f"'{name}' deleted."}


def authinfo(user: User) -> dict[str, Any]:
    """``GET /_plugins/_security/authinfo`` for a basic-auth user."""
    return {"user": f"User [name={user.name}, backend_roles=[{', '.join(user.backend_roles)}], "
                    f"requestedTenant=null]",
            "user_name": user.name, "user_requested_tenant": None, "remote_address": None,
            "backend_roles": list(user.backend_roles), "custom_attribute_names": sorted(user.attributes),
            "roles": list(user.roles), "tenants": {user.name: True}, "principal": None,
            "peer_certificates": "0", "sso_logout_url": None}


def account(user: User, security: Security) -> dict[str, Any]:
    """``GET /_plugins/_security/api/account``."""
    entry = security.users.get(user.name, {})
    return {"user_name": user.name, "is_reserved": bool(entry.get("reserved")),
            "is_hidden": bool(entry.get("hidden")), "is_internal_user": user.name in security.users,
            "user_requested_tenant": None, "backend_roles": list(user.backend_roles),
            "custom_attribute_names": sorted(user.attributes), "tenants": {user.name: True},
            "roles": list(user.roles)}
