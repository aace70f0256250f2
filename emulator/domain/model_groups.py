"""Model groups: register, get, update, delete, search, and the version counter models use.

Security is off in this emulator until the Security subset lands, so every
group is ``public``, has no owner, and the access-control fields are refused
with the plugin's "disabled on your cluster" error.
"""

from __future__ import annotations

from typing import Any

from ..errors import illegal_argument, java_exception, ml_exception, parse_exception, status_exception
from . import fields
from .context import MLContext
from .ids import new_id, now_millis
from .search import SearchPhaseExecutionError, run_search
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


def access_fields_given(body: dict[str, Any], *, lower_first: bool = True) -> bool:
    """The plugin treats any access field as a request for access control (even ``false``)."""
    roles = fields.string_list(body, "backend_roles")
    mode = fields.access_mode(body.get("access_mode"), lower_first=lower_first)
    return mode is not None or body.get("add_all_backend_roles") is not None or bool(roles)


class ModelGroups:
    def __init__(self, ctx: MLContext) -> None:
        self.ctx = ctx
        self.store = ctx.store

    def find_by_name(self, name: str) -> str | None:
        if len(name) > _KEYWORD_IGNORE_ABOVE:
            return None
        matches = self.store.ids_where(MODEL_GROUP_INDEX, "name", name)
        return matches[0] if matches else None

    def register(self, body: Any) -> dict[str, Any]:
        if body is None:
            raise parse_exception("Model group request has empty body")
        body = fields.require_object(body, "model group")
        name = fields.text(body, "name")
        description = fields.text(body, "description")
        access_requested = access_fields_given(body)
        if name is None:
            raise java_exception("null_pointer_exception", "model group name must not be null")
        validate_fields([("Model group name", name, True), ("Model group description", description, False)])
        with self.store.lock:
            group_id = self.create(name=name, description=description, access_requested=access_requested)
        return {"model_group_id": group_id, "status": "CREATED"}

    def create(self, *, name: str | None, description: str | None, access_requested: bool) -> str:
        """Create a group as the plugin's MLModelGroupManager does; returns its id."""
        if name is None:
            raise java_exception("null_pointer_exception", "model group name must not be null")
        with self.store.lock:
            existing = self.find_by_name(name)
            if existing is not None:
                raise illegal_argument(
                    f"The name you provided is already being used by a model group with ID: {existing}."
                )
            if access_requested:
                raise illegal_argument(MAC_DISABLED)
            now = now_millis()
            source = {"name": name, "latest_version": 0, "description": description, "access": "public",
                      "created_time": now, "last_updated_time": now}
            group_id = new_id()
            self.store.put(MODEL_GROUP_INDEX, group_id, ordered(source))
            return group_id

    def get(self, group_id: str) -> dict[str, Any]:
        if not self.store.index_exists(MODEL_GROUP_INDEX):
            raise status_exception("Failed to find model group index", 404)
        source = self.store.view(MODEL_GROUP_INDEX, group_id)
        if source is None:
            raise status_exception(f"Failed to find model group with the provided model group id: {group_id}", 404)
        return source

    def update(self, group_id: str, body: Any) -> dict[str, Any]:
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
            if access_fields_given(body):
                raise illegal_argument(MAC_DISABLED)
            source = doc.source
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
            source["last_updated_time"] = now_millis()
            self.store.put(MODEL_GROUP_INDEX, group_id, ordered(source))
        return {"status": "Updated"}

    def delete(self, group_id: str) -> dict[str, Any]:
        with self.store.lock:
            if not self.store.index_exists(MODEL_GROUP_INDEX):
                raise status_exception("Failed to find model group", 404)
            if self.store.ids_where(MODEL_INDEX, "model_group_id", group_id):
                raise status_exception("Cannot delete the model group when it has associated model versions", 409)
            deleted = self.store.delete(MODEL_GROUP_INDEX, group_id)
            if deleted is None:
                return fields.write_response(
                    MODEL_GROUP_INDEX, self.store.not_found_delete(MODEL_GROUP_INDEX, group_id), "not_found",
                    forced_refresh=True,
                )
            return fields.write_response(MODEL_GROUP_INDEX, deleted, "deleted", forced_refresh=True)

    def search(self, body: Any) -> dict[str, Any]:
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

