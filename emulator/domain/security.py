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
