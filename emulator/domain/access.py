"""Who may see and change a model group or a connector: the rules of ModelAccessControlHelper and
ConnectorAccessControlHelper, and the validation of the access fields on register, create and update.

The rules apply only when the Security plugin is on (there is a user) and the
setting (``model_access_control_enabled`` / ``connector_access_control_enabled``)
is on, and never to an admin (``all_access``). A resource created while they
were off has no owner and is open to everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import illegal_argument, java_exception
from . import fields
from .security import User

PUBLIC, PRIVATE, RESTRICTED = "public", "private", "restricted"


@dataclass(frozen=True)
class AccessRequest:
    """The access fields of a request body, as the plugin parses them."""

    mode: str | None
    backend_roles: list[str] | None
    add_all_backend_roles: bool | None

    @classmethod
    def parse(cls, body: dict[str, Any], *, lower_first: bool = True) -> AccessRequest:
        roles = fields.string_list(body, "backend_roles")
        add_all = body.get("add_all_backend_roles")
        return cls(fields.access_mode(body.get("access_mode"), lower_first=lower_first),
                   list(roles) if roles is not None else None,
                   bool(add_all) if add_all is not None else None)

    @property
    def given(self) -> bool:
        """Any access field at all (even ``add_all_backend_roles: false``; an empty role list is tolerated)."""
        return self.mode is not None or self.add_all_backend_roles is not None or bool(self.backend_roles)

    @property
    def any_field(self) -> bool:
        """Any access field, an empty ``backend_roles`` included (the update rule for owners and admins)."""
        return self.mode is not None or self.add_all_backend_roles is not None or self.backend_roles is not None


def enforced(user: User | None, setting_on: bool) -> bool:
    """Whether access rules apply to this caller."""
    return user is not None and setting_on and not user.is_admin


def has_access(user: User | None, source: dict[str, Any], setting_on: bool) -> bool:
    """The model-group rule: no owner, public, private and owner, restricted and a shared backend role."""
    if not enforced(user, setting_on):
        return True
    assert user is not None
    owner = source.get("owner")
    access = source.get("access")
    if not owner or access == PUBLIC or access is None:
        return True
    if access == PRIVATE:
        return isinstance(owner, dict) and owner.get("name") == user.name
    roles = source.get("backend_roles")
    if not roles:
        raise java_exception("illegal_state_exception", "Backend roles shouldn't be null")
    return bool(set(roles) & set(user.backend_roles))


def is_owner(user: User, source: dict[str, Any]) -> bool:
    owner = source.get("owner")
    return isinstance(owner, dict) and owner.get("name") == user.name


def search_filter(user: User) -> dict[str, Any]:
    """What a non-admin's model-group search is narrowed to."""
    # Groups registered while access control was off are public, so the first clause covers them.
    return {"bool": {"should": [
        {"term": {"access": PUBLIC}},
        {"terms": {"backend_roles.keyword": list(user.backend_roles)}},
        {"bool": {"must": [{"term": {"owner.name.keyword": user.name}}, {"term": {"access": PRIVATE}}]}},
    ]}}


def narrowed(body: Any, user: User, only: dict[str, Any] | None = None) -> Any:
    """A search body whose query is ANDed with ``only`` (default :func:`search_filter`) as
    ``addUserBackendRolesFilter`` does: the filter alone without a query, added to a ``bool`` query's
    filters, or beside any other query."""
    if not isinstance(body, dict):
        return body
    restriction = only if only is not None else search_filter(user)
    query = body.get("query")
    if query is None:
        return {**body, "query": restriction}
    if isinstance(query, dict) and list(query) == ["bool"] and isinstance(query["bool"], dict):
        inner = dict(query["bool"])
        existing = inner.get("filter")
        filters = existing if isinstance(existing, list) else ([existing] if existing is not None else [])
        inner["filter"] = [*filters, restriction]
        return {**body, "query": {"bool": inner}}
    return {**body, "query": {"bool": {"must": [query], "filter": [restriction]}}}


def models_in_groups(group_ids: list[str]) -> dict[str, Any]:
    """What a non-admin's model search is narrowed to: models of the groups they may see, or of no group."""
    return {"bool": {"should": [{"terms": {"model_group_id": group_ids}},
                                {"bool": {"must_not": [{"exists": {"field": "model_group_id"}}]}}]}}


def model_group_register(user: User, request: AccessRequest) -> tuple[str, list[str]]:
    """``validateRequestForAccessControl`` of register: the mode and backend roles to store."""
    mode, roles, add_all = request.mode, request.backend_roles or [], request.add_all_backend_roles is True
    if mode is None:
        if roles and add_all:
            raise illegal_argument("You cannot specify backend roles and add all backend roles at the same time.")
        mode = RESTRICTED if roles or add_all else PRIVATE
    if mode in (PUBLIC, PRIVATE) and (roles or add_all):
        raise illegal_argument("You can specify backend roles only for a model group with the restricted access mode.")
    if mode == RESTRICTED:
        if user.is_admin and add_all:
            raise illegal_argument("Admin users cannot add all backend roles to a model group.")
        if not user.is_admin and not user.backend_roles:
            raise illegal_argument("You must have at least one backend role to register a restricted model group.")
        if not roles and not add_all:
            raise illegal_argument("You must specify one or more backend roles or add all backend roles to register "
                                   "a restricted model group.")
        if roles and add_all:
            raise illegal_argument("You cannot specify backend roles and add all backend roles at the same time.")
        if not user.is_admin and not add_all and not set(roles) <= set(user.backend_roles):
            raise illegal_argument("You don't have the backend roles specified.")
        return mode, list(user.backend_roles) if add_all else roles
    return mode, []


def model_group_update(user: User, source: dict[str, Any], request: AccessRequest) -> None:
    """``validateRequestForAccessControl`` of update, in the plugin's order (raises on the first failure)."""
    owner = is_owner(user, source)
    if request.any_field and not (owner or user.is_admin):
        raise illegal_argument("Only owner or admin can update access control data.")
    if not user.is_admin and not owner and not _shares_access(user, source):
        raise illegal_argument("You don't have permission to update this model group.")
    if owner and not user.is_admin and not _owner_still_permitted(user, source):
        raise illegal_argument("You don't have the specified backend role to update this model group. For more "
                               "information, contact your administrator.")
    mode, roles, add_all = request.mode, request.backend_roles, request.add_all_backend_roles
    if mode in (PUBLIC, PRIVATE) and (roles or add_all):
        raise illegal_argument("You can specify backend roles only for a model group with the restricted access mode.")
    if mode in (None, RESTRICTED):
        if user.is_admin and add_all:
            raise illegal_argument("Admin users cannot add all backend roles to a model group.")
        if add_all and not user.backend_roles:
            raise illegal_argument("You don't have any backend roles.")
        if add_all is False and not roles:
            raise illegal_argument("You have to specify backend roles when add all backend roles is set to false.")
        if roles and add_all:
            raise illegal_argument("You cannot specify backend roles and add all backend roles at the same time.")
        if mode == RESTRICTED and not roles and not add_all:
            raise illegal_argument("You must specify one or more backend roles or add all backend roles to register "
                                   "a restricted model group.")
        if roles and not user.is_admin and not set(roles) <= set(user.backend_roles):
            raise illegal_argument("You don't have the backend roles specified.")


def _shares_access(user: User, source: dict[str, Any]) -> bool:
    """``isUserHasBackendRole``: public yes, private no, otherwise a shared backend role."""
    access = source.get("access")
    if access == PUBLIC:
        return True
    if access == PRIVATE:
        return False
    return bool(set(source.get("backend_roles") or []) & set(user.backend_roles))


def _owner_still_permitted(user: User, source: dict[str, Any]) -> bool:
    """``isOwnerStillHasPermission``: the owner of a restricted group must still hold one of its roles."""
    access = source.get("access")
    if access == PUBLIC:
        return True
    if access == PRIVATE:
        return is_owner(user, source)
    if access == RESTRICTED:
        roles = source.get("backend_roles")
        if not roles:
            raise java_exception("illegal_state_exception", "Backend roles should not be null")
        return bool(set(roles) & set(user.backend_roles))
    raise java_exception("illegal_state_exception", "Access shouldn't be null")


def apply_update(source: dict[str, Any], user: User, request: AccessRequest) -> None:
    """How an accepted update changes ``access`` and ``backend_roles``."""
    if request.mode is not None:
        source["access"] = request.mode
        if request.mode != RESTRICTED:
            source["backend_roles"] = []
    elif request.backend_roles is not None or request.add_all_backend_roles is True:
        source["access"] = RESTRICTED
    if request.backend_roles is not None:
        source["backend_roles"] = list(request.backend_roles)
    if request.add_all_backend_roles is True:
        source["backend_roles"] = list(user.backend_roles)


def connector_permitted(user: User | None, source: dict[str, Any], setting_on: bool) -> bool:
    """``ConnectorAccessControlHelper.hasPermission``."""
    if not enforced(user, setting_on):
        return True
    assert user is not None
    access = source.get("access")
    if not source.get("owner") or access == PUBLIC:
        return True
    if access == PRIVATE:
        return is_owner(user, source)
    return access == RESTRICTED and bool(set(source.get("backend_roles") or []) & set(user.backend_roles))


def connector_create(user: User, request: AccessRequest) -> tuple[str, list[str]]:
    """``validateRequest4AccessControl`` of connector create: the mode and backend roles to store."""
    roles, add_all = request.backend_roles or [], request.add_all_backend_roles is True
    if user.is_admin and add_all:
        raise illegal_argument("Admin can't add all backend roles")
    mode = request.mode or (RESTRICTED if roles or add_all else PRIVATE)
    if mode in (PUBLIC, PRIVATE) and (roles or add_all):
        raise illegal_argument("You can specify backend roles only for a connector with the restricted access mode.")
    if mode == RESTRICTED:
        if add_all:
            if roles:
                raise illegal_argument(
                    "You can't specify backend roles and add all backend roles to true at same time.")
            if not user.backend_roles:
                raise illegal_argument("You must have at least one backend role to create a connector.")
            return mode, list(user.backend_roles)
        if not roles:
            raise illegal_argument("You must specify at least one backend role or make the connector public/private "
                                   "for registering it.")
        if not user.is_admin and not set(roles) <= set(user.backend_roles):
            raise illegal_argument("You don't have the backend roles specified.")
    return mode, roles
