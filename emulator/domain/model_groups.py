"""Model groups: register, get, update, delete, search, and the version counter models use.

With the Security plugin off, or ``model_access_control_enabled`` off, every
group is ``public`` with no owner and the access fields are refused with the
plugin's "disabled on your cluster" error. With both on, groups carry their
owner, access mode and backend roles, and :mod:`.access` decides who may use them.
"""

from __future__ import annotations

from typing import Any

from ..errors import illegal_argument, java_exception, ml_exception, parse_exception, status_exception
from . import access, fields
from .access import AccessRequest
from .context import MLContext
from .ids import new_id, now_millis
from .search import SearchPhaseExecutionError, run_search
from .security import User
from .store import MODEL_GROUP_INDEX, MODEL_INDEX
from .validation import validate_fields

MAC_DISABLED = (
    "You cannot specify model access control parameters because the Security plugin or model access control "
    "is disabled on your cluster."
)
_FIELD_ORDER = ("name", "latest_version", "description", "backend_roles", "owner", "access", "created_time",
                "last_updated_time", "tenant_id")
# name.keyword has ignore_above 256: longer names are never found as duplicates.
_KEYWORD_IGNORE_ABOVE = 256


def ordered(source: dict[str, Any]) -> dict[str, Any]:
    return {key: source[key] for key in _FIELD_ORDER if source.get(key) is not None}


NO_GROUP_PRIVILEGE = "User doesn't have privilege to perform this operation on this model group"


class ModelGroups:
    def __init__(self, ctx: MLContext) -> None:
        self.ctx = ctx
        self.store = ctx.store

    def find_by_name(self, name: str) -> str | None:
        if len(name) > _KEYWORD_IGNORE_ABOVE:
            return None
        matches = self.store.ids_where(MODEL_GROUP_INDEX, "name", name)
        return matches[0] if matches else None

    def controlled(self, user: User | None) -> bool:
        """``isSecurityEnabledAndModelAccessControlEnabled``: a caller, and the setting on."""
        return user is not None and self.ctx.settings.get_bool("model_access_control_enabled")

    def register(self, body: Any, user: User | None = None) -> dict[str, Any]:
        if body is None:
            raise parse_exception("Model group request has empty body")
        body = fields.require_object(body, "model group")
        name = fields.text(body, "name")
        description = fields.text(body, "description")
        requested = AccessRequest.parse(body)
        if name is None:
            raise java_exception("null_pointer_exception", "model group name must not be null")
        validate_fields([("Model group name", name, True), ("Model group description", description, False)])
        with self.store.lock:
            group_id = self.create(name=name, description=description, requested=requested, user=user)
        return {"model_group_id": group_id, "status": "CREATED"}

    def create(self, *, name: str | None, description: str | None, requested: AccessRequest,
               user: User | None = None) -> str:
        """Create a group as the plugin's MLModelGroupManager does; returns its id."""
        if name is None:
            raise java_exception("null_pointer_exception", "model group name must not be null")
        with self.store.lock:
            existing = self.find_by_name(name)
            if existing is not None:
                raise illegal_argument(
                    f"The name you provided is already being used by a model group with ID: {existing}."
                )
            now = now_millis()
            source: dict[str, Any] = {"name": name, "latest_version": 0, "description": description,
                                      "created_time": now, "last_updated_time": now}
            if self.controlled(user):
                assert user is not None
                mode, roles = access.model_group_register(user, requested)
                source.update(access=mode, backend_roles=roles or None, owner=user.owner())
            elif requested.given:
                raise illegal_argument(MAC_DISABLED)
            else:
                source["access"] = access.PUBLIC
            group_id = new_id()
            self.store.put(MODEL_GROUP_INDEX, group_id, ordered(source))
            return group_id

    def get(self, group_id: str, user: User | None = None) -> dict[str, Any]:
        if not self.store.index_exists(MODEL_GROUP_INDEX):
            raise status_exception("Failed to find model group index", 404)
        source = self.store.view(MODEL_GROUP_INDEX, group_id)
        if source is None:
            raise status_exception(f"Failed to find model group with the provided model group id: {group_id}", 404)
        if not access.has_access(user, source, self.controlled(user)):
            raise status_exception(NO_GROUP_PRIVILEGE, 403)
        return source

    def update(self, group_id: str, body: Any, user: User | None = None) -> dict[str, Any]:
        if body is None:
            raise java_exception("i_o_exception", "Model group request has empty body")
        body = fields.require_object(body, "model group")
        name = fields.text(body, "name")
        description = fields.text(body, "description")
        validate_fields([("Model group name", name, False), ("Model group description", description, False)])
        with self.store.lock:
            if not self.store.index_exists(MODEL_GROUP_INDEX):
                raise status_exception("Failed to find model group", 404)
            doc = self.store.get(MODEL_GROUP_INDEX, group_id)
            if doc is None:
                raise status_exception(
                    f"Failed to find model group with the provided model group id: {group_id}", 404
                )
            requested = AccessRequest.parse(body)
            source = doc.source
            if self.controlled(user):
                assert user is not None
                access.model_group_update(user, source, requested)
            elif requested.given:
                raise illegal_argument(MAC_DISABLED)
            if name is not None and name.strip() and name != source.get("name"):
                existing = self.find_by_name(name)
                if existing is not None:
                    raise illegal_argument(
                        f"The name you provided is already being used by another model with ID: {existing}. "
                        "Please provide a different name"
                    )
                source["name"] = name
            if description is not None and description.strip():
                source["description"] = description
            if self.controlled(user):
                assert user is not None
                access.apply_update(source, user, requested)
            source["last_updated_time"] = now_millis()
            self.store.put(MODEL_GROUP_INDEX, group_id, ordered(source))
        return {"status": "Updated"}

    def delete(self, group_id: str, user: User | None = None) -> dict[str, Any]:
        with self.store.lock:
            if not self.store.index_exists(MODEL_GROUP_INDEX):
                raise status_exception("Failed to find model group", 404)
            self.check_access(group_id, user, ml_exception("m_l_validation_exception",
                                                           "User doesn't have privilege to delete this model group"))
            if self.store.ids_where(MODEL_INDEX, "model_group_id", group_id):
                raise status_exception("Cannot delete the model group when it has associated model versions", 409)
            deleted = self.store.delete(MODEL_GROUP_INDEX, group_id)
            if deleted is None:
                return fields.write_response(
                    MODEL_GROUP_INDEX, self.store.not_found_delete(MODEL_GROUP_INDEX, group_id), "not_found",
                    forced_refresh=True,
                )
            return fields.write_response(MODEL_GROUP_INDEX, deleted, "deleted", forced_refresh=True)

    def check_access(self, group_id: str, user: User | None, denial: Exception) -> None:
        """``validateModelGroupAccess``: raise ``denial`` when the caller may not use the group."""
        if not self.controlled(user) or (user is not None and user.is_admin):
            return
        source = self.store.view(MODEL_GROUP_INDEX, group_id) if self.store.index_exists(MODEL_GROUP_INDEX) else None
        if source is None:
            raise ml_exception("m_l_resource_not_found_exception", "Fail to find model group")
        if not access.has_access(user, source, True):
            raise denial

    def visible_ids(self, user: User) -> list[str] | None:
        """Ids of the groups a non-admin may see (None: no group index, so nothing is gated)."""
        if not self.store.index_exists(MODEL_GROUP_INDEX):
            return None
        found = self._search(access.narrowed({"size": 10000, "_source": False}, user))
        return [hit["_id"] for hit in found["hits"]["hits"]]

    def search(self, body: Any, user: User | None = None) -> dict[str, Any]:
        if self.controlled(user) and user is not None and not user.is_admin:
            body = access.narrowed(body, user)
        try:
            return self._search(body)
        except SearchPhaseExecutionError as error:
            raise fields.wrap_rest_failure(error, "Fail to search") from None

    def _search(self, body: Any) -> dict[str, Any]:
        return run_search(
            MODEL_GROUP_INDEX,
            self.store.documents(MODEL_GROUP_INDEX),
            body,
            index_exists=self.store.index_exists(MODEL_GROUP_INDEX),
            force_fetch_source=True,
            source_excludes=("ui_metadata",),
        )

    def bump_version(self, group_id: str) -> int:
        """A new model version in the group: ``latest_version`` + 1, as a model's version number."""
        with self.store.lock:
            doc = self.store.get(MODEL_GROUP_INDEX, group_id)
            if doc is None:
                raise ml_exception("m_l_resource_not_found_exception", f"Model Group Response is empty for {group_id}")
            version = int(doc.source.get("latest_version", 0)) + 1
            doc.source["latest_version"] = version
            doc.source["last_updated_time"] = now_millis()
            self.store.put(MODEL_GROUP_INDEX, group_id, doc.source)
            return version

