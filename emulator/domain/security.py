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

from ..errors import OpenSearchError
from ..javacollections import hashmap_order

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
            self._verified: dict[str, tuple[str, str]] = {}
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
        # Verified credentials are remembered (as the plugin's auth cache does) by a digest of the header,
        # for as long as the user's stored hash is the one they were checked against.
        key = hashlib.sha256(authorization.encode("utf-8", "surrogatepass")).hexdigest()
        with self.lock:
            known = self._verified.get(key)
            if known is not None and known[0] in self.users and self.users[known[0]]["hash"] == known[1]:
                return self.user(known[0])
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
            self._verified[key] = (name, entry["hash"])
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

    def authorize(self, user: User, action: str) -> None:
        """``SecurityFilter``'s refusal when no role grants the action."""
        if not self.allows(user, action):
            raise OpenSearchError(f"no permissions for [{action}] and {user.describe()}", status=403,
                                  type="security_exception")

    def may_use_rest_api(self, user: User) -> bool:
        return bool(REST_API_ROLES & set(user.roles))


class SecurityApiError(Exception):
    """A Security REST API refusal: its HTTP status and the plugin's body for it."""

    def __init__(self, http_status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("message") or body.get("reason"))
        self.http_status = http_status
        self.body = body


_STATUS_NAMES = {400: "BAD_REQUEST", 403: "FORBIDDEN", 404: "NOT_FOUND"}


def _refusal(http_status: int, message: str) -> SecurityApiError:
    """``Responses.payload``: ``{"status": <RestStatus name>, "message": ...}``."""
    return SecurityApiError(http_status, {"status": _STATUS_NAMES[http_status], "message": message})


def _invalid(reason: str, **details: Any) -> SecurityApiError:
    """``RequestContentValidator``'s answer: ``{"status": "error", "reason": ...}`` and its details."""
    return SecurityApiError(400, {"status": "error", "reason": reason, **details})


_USER_FIELDS = {"password": str, "hash": str, "backend_roles": list, "attributes": dict,
                "opendistro_security_roles": list, "description": str}
_ROLE_FIELDS = {"cluster_permissions": list, "index_permissions": list, "tenant_permissions": list,
                "description": str}
_MAPPING_FIELDS = {"backend_roles": list, "hosts": list, "users": list, "and_backend_roles": list,
                   "description": str}
_EXPECTED = {str: "String expected", list: "Array expected", dict: "Object expected"}
# The plugin's default password rule: zxcvbn score at least 3 ("strong"), not built on the user name.
_STRONG = 3


def _check_body(body: Any, allowed: dict[str, type]) -> dict[str, Any]:
    if body is None:
        raise _invalid("Request body required for this action.")
    if not isinstance(body, dict):
        raise _invalid("Could not parse content of request.")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise _invalid("Invalid configuration", invalid_keys={"keys": ",".join(unknown)})
    wrong = {key: _EXPECTED[kind] for key, kind in allowed.items() if key in body and not isinstance(body[key], kind)}
    wrong.update({key: "Array expected" for key, kind in allowed.items() if kind is list and isinstance(
        body.get(key), list) and not all(isinstance(item, str | dict) for item in body[key])})
    if wrong:
        raise _invalid("Wrong datatype", **wrong)
    return body


def _string_list(body: dict[str, Any], key: str) -> list[str]:
    """A list field :func:`_check_body` has already type-checked."""
    return [str(item) for item in body.get(key, [])]


_ZXCVBN_LOCK = threading.Lock()
_MAX_PASSWORD = 100


def _validate_password(username: str, password: str) -> None:
    """``PasswordValidator.validate`` with the plugin's defaults (no minimum length, no regex)."""
    import zxcvbn

    if len(password) > _MAX_PASSWORD:
        raise _invalid("Password is too long")
    # zxcvbn keeps the user inputs in a module-level dictionary: one check at a time.
    with _ZXCVBN_LOCK:
        strength = zxcvbn.zxcvbn(password, [username], max_length=_MAX_PASSWORD)
    if strength["score"] < _STRONG:
        raise _invalid("Weak password")
    if any(match.get("dictionary_name") == "user_inputs" for match in strength["sequence"]):
        raise _invalid("Password is similar to user name")


# Field order before 3.7 (Jackson 2, declaration order with ``static`` last).
_DECLARATION_ORDER = {
    "internalusers": ("hash", "reserved", "hidden", "backend_roles", "attributes", "description",
                      "opendistro_security_roles", "static"),
    "roles": ("reserved", "hidden", "description", "cluster_permissions", "index_permissions", "tenant_permissions",
              "static"),
    "rolesmapping": ("hosts", "users", "reserved", "hidden", "backend_roles", "and_backend_roles", "description"),
}
# How the plugin names each endpoint's entries in its not-found messages.
_RESOURCES = {"internalusers": "user", "roles": "role", "rolesmapping": "rolesmapping"}
_INDEX_PERMISSION_ORDER = ("index_patterns", "dls", "fls", "masked_fields", "allowed_actions")


class SecurityConfigApi:
    """The internal users, roles and role mappings a caller may manage through the REST API."""

    def __init__(self, security: Security, sorted_fields: bool = True) -> None:
        self.security = security
        # From 3.7 the plugin writes entries with Jackson 3, which sorts bean properties by name.
        self.sorted_fields = sorted_fields

    # -- shared ------------------------------------------------------------------------------------------

    @staticmethod
    def _check_mutable(current: dict[str, Any] | None, name: str) -> None:
        """``entityImmutable``: hidden, then static, then reserved entries are refused (a basic-auth admin is
        not the certificate admin who may change them)."""
        if current is None:
            return
        if current.get("hidden"):
            raise _refusal(404, f"Resource '{name}' is not available.")
        if current.get("static"):
            raise _refusal(403, f"Resource '{name}' is static.")
        if current.get("reserved"):
            raise _refusal(403, f"Resource '{name}' is reserved.")

    # -- entries as PUT and PATCH build them -----------------------------------------------------------------

    def _table(self, endpoint: str) -> dict[str, dict[str, Any]]:
        return {"internalusers": self.security.users, "roles": self.security.roles,
                "rolesmapping": self.security.mappings}[endpoint]

    def _entry(self, endpoint: str, name: str, body: Any, current: dict[str, Any] | None) -> dict[str, Any]:
        """The stored entry a PUT body gives (validated as the plugin validates it)."""
        if endpoint == "internalusers":
            body = _check_body(body, _USER_FIELDS)
            password = body.get("password")
            if isinstance(password, str):
                _validate_password(name, password)
            if password is None and current is None:
                raise _refusal(400, "Please specify either 'hash' or 'password' when creating a new internal user.")
            entry = {"hash": hash_password(password) if isinstance(password, str) else current["hash"],  # type: ignore[index]
                     "reserved": False, "hidden": False, "backend_roles": _string_list(body, "backend_roles"),
                     "attributes": dict(body.get("attributes", {})),
                     "opendistro_security_roles": _string_list(body, "opendistro_security_roles"), "static": False}
        elif endpoint == "roles":
            body = _check_body(body, _ROLE_FIELDS)
            entry = {"reserved": False, "hidden": False,
                     "cluster_permissions": _string_list(body, "cluster_permissions"),
                     "index_permissions": [{"index_patterns": list(p.get("index_patterns") or []),
                                            "dls": p.get("dls") or None, "fls": list(p.get("fls") or []),
                                            "masked_fields": list(p.get("masked_fields") or []),
                                            "allowed_actions": list(p.get("allowed_actions") or [])}
                                           for p in body.get("index_permissions", []) if isinstance(p, dict)],
                     "tenant_permissions": copy.deepcopy(body.get("tenant_permissions", [])), "static": False}
        else:
            body = _check_body(body, _MAPPING_FIELDS)
            if name not in self.security.roles:
                raise _refusal(404, f"role '{name}' not found.")
            entry = {"hosts": _string_list(body, "hosts"), "users": _string_list(body, "users"), "reserved": False,
                     "hidden": False, "backend_roles": _string_list(body, "backend_roles"),
                     "and_backend_roles": _string_list(body, "and_backend_roles")}
        if isinstance(body.get("description"), str):
            entry["description"] = body["description"]
        return entry

    def put(self, endpoint: str, name: str, body: Any) -> tuple[int, dict[str, Any]]:
        with self.security.lock:
            table = self._table(endpoint)
            current = table.get(name)
            self._check_mutable(current, name)
            table[name] = self._entry(endpoint, name, body, current)
        if current is None:
            return 201, {"status": "CREATED", "message": f"'{name}' created."}
        return 200, {"status": "OK", "message": f"'{name}' updated."}

    def patch(self, endpoint: str, name: str | None, operations: Any) -> dict[str, Any]:
        """A JSON Patch (RFC 6902) on one entry or on the whole endpoint; every changed entry is validated as
        a PUT body would be, and nothing changes unless all of them pass."""
        import jsonpatch

        if not isinstance(operations, list):
            raise _invalid("Could not parse content of request.")
        with self.security.lock:
            table = self._table(endpoint)
            if name is not None and name not in table:
                raise _refusal(404, f"{_RESOURCES[endpoint]} '{name}' not found.")
            editable = {key: _editable(entry) for key, entry in table.items() if not entry.get("hidden")
                        and (name is None or key == name)}
            document = editable[name] if name is not None else editable
            try:
                patched = jsonpatch.apply_patch(document, operations)
            except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as error:
                raise _refusal(400, str(error)) from None
            result = {name: patched} if name is not None else patched
            if not isinstance(result, dict):
                raise _invalid("Could not parse content of request.")
            changes: dict[str, dict[str, Any]] = {}
            for key, body in result.items():
                if body != editable.get(key):
                    self._check_mutable(table.get(key), key)
                    changes[key] = self._entry(endpoint, key, body, table.get(key))
            removed = [key for key in editable if key not in result]
            for key in removed:
                self._check_mutable(table[key], key)
            table.update(changes)
            for key in removed:
                del table[key]
        return {"status": "OK", "message": f"'{name}' updated." if name is not None else "Resource updated."}

    def get(self, endpoint: str, name: str | None) -> dict[str, Any]:
        """One entry or all of them (the plugin answers from a HashMap of the names); hashes are blanked."""
        with self.security.lock:
            table = self._table(endpoint)
            if name is not None and name not in table:
                raise _refusal(404, f"{_RESOURCES[endpoint]} '{name}' not found.")
            chosen = [name] if name is not None else hashmap_order(list(table))
            return {key: self._render(endpoint, table[key]) for key in chosen}

    def _render(self, endpoint: str, entry: dict[str, Any]) -> dict[str, Any]:
        """An entry as the plugin writes it: null fields left out; fields sorted by name from 3.7, in
        declaration order before (``static`` last)."""
        def bean(values: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
            present = {key: copy.deepcopy(value) for key, value in values.items() if value is not None}
            if "attributes" in present and isinstance(present["attributes"], dict):
                present["attributes"] = {k: present["attributes"][k]
                                         for k in hashmap_order(list(present["attributes"]))}
            keys = sorted(present) if self.sorted_fields else [k for k in order if k in present] + [
                k for k in present if k not in order]
            return {key: present[key] for key in keys}

        rendered = dict(entry)
        if "hash" in rendered:
            rendered["hash"] = ""  # the stored hash is never answered
        if endpoint == "roles":
            rendered["index_permissions"] = [bean(p, _INDEX_PERMISSION_ORDER) for p in entry.get(
                "index_permissions") or []]
            rendered["tenant_permissions"] = [bean(p, ("tenant_patterns", "allowed_actions")) for p in entry.get(
                "tenant_permissions") or []]
        return bean(rendered, _DECLARATION_ORDER[endpoint])

    def delete(self, endpoint: str, name: str) -> dict[str, Any]:
        with self.security.lock:
            table = self._table(endpoint)
            current = table.get(name)
            if current is None:
                raise _refusal(404, f"{_RESOURCES[endpoint]} '{name}' not found.")
            self._check_mutable(current, name)
            del table[name]
        return {"status": "OK", "message": f"'{name}' deleted."}


def _editable(entry: dict[str, Any]) -> dict[str, Any]:
    """What a JSON Patch works on: the entry without its hash and its bookkeeping flags."""
    return {key: copy.deepcopy(value) for key, value in entry.items()
            if key not in ("hash", "reserved", "hidden", "static")}


def authinfo(user: User, remote_address: str | None = None) -> dict[str, Any]:
    """``GET /_plugins/_security/authinfo`` for a basic-auth user (``SecurityInfoAction``'s field order)."""
    return {"user": user.describe(),
            "user_name": user.name, "user_requested_tenant": None, "remote_address": remote_address,
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
