"""Standalone connectors: create, get, update, delete, search.

Credentials are stored with the connector (the plugin encrypts them; the
emulator keeps them in memory only) and are removed from every answer.
"""

from __future__ import annotations

from typing import Any

from ..connectors.endpoints import check_connector_urls
from ..connectors.support import refuse_unsupported
from ..errors import LocatedError, illegal_argument, java_exception, ml_exception, parse_exception, status_exception
from . import access, connector_input, fields
from .access import AccessRequest
from .context import MLContext
from .ids import new_id, now_millis
from .search import run_search
from .security import User
from .store import CONNECTOR_INDEX, MODEL_INDEX

CAC_DISABLED = (
    "You cannot specify connector access control parameters because the Security plugin or connector access "
    "control is disabled on your cluster."
)
REMOTE_INFERENCE_DISABLED = (
    'Remote Inference is currently disabled. To enable it, update the setting '
    '"plugins.ml_commons.remote_inference_enabled" to true.'
)
# The plugin finds the models using a connector with a search of default size: it lists at most 10.
_SEARCH_DEFAULT_SIZE = 10
_FIELD_ORDER = ("name", "version", "description", "protocol", "parameters", "credential", "actions",
                "backend_roles", "owner", "access", "created_time", "last_updated_time", "client_config",
                "tenant_id", "provisioned_by", "url", "headers")


def ordered(source: dict[str, Any]) -> dict[str, Any]:
    return {key: source[key] for key in _FIELD_ORDER if source.get(key) is not None}


def public_view(source: dict[str, Any]) -> dict[str, Any]:
    """A connector as the API shows it: the stored fields without ``credential``."""
    view = ordered(source)
    view.pop("credential", None)
    return view


class Connectors:
    def __init__(self, ctx: MLContext) -> None:
        self.ctx = ctx
        self.store = ctx.store

    def _require_remote_inference(self) -> None:
        if not self.ctx.remote_inference_enabled():
            raise status_exception(REMOTE_INFERENCE_DISABLED, 400)

    def controlled(self, user: User | None) -> bool:
        """Connector access control applies: a caller (security on) and the setting on."""
        return user is not None and self.ctx.settings.get_bool("connector_access_control_enabled")

    def permitted(self, source: dict[str, Any], user: User | None) -> bool:
        return access.connector_permitted(user, source, self.controlled(user))

    def create(self, body: Any, user: User | None = None) -> dict[str, Any]:
        self._require_remote_inference()
        if body is None:
            raise java_exception("i_o_exception", "Create Connector request has empty body")
        at_least = self.ctx.node.at_least
        parsed = connector_input.parse_connector(body, mode="create", version_at_least=at_least)
        connector_input.validate_request(parsed, mode="create")
        protocol = parsed.get("protocol")
        if at_least("3.7"):
            connector_input.validate_headers(parsed.get("actions") or [], protocol)
        if protocol == "mcp_sse" and not self.ctx.settings.get_bool("mcp_connector_enabled"):
            raise java_exception(
                "exception",
                "The MCP connector is not enabled. To enable, please update the setting "
                "plugins.ml_commons.mcp_connector_enabled",
            )
        if parsed.get("dry_run"):
            return {"connector_id": "dryRunConnector"}
        if protocol == "aws_sigv4":
            connector_input.validate_aws(parsed)
        actions = parsed.get("actions")
        if actions is None:
            raise illegal_argument("No actions configured for this connector")
        trusted = self.ctx.settings.get_list("trusted_connector_endpoints_regex")
        check_connector_urls(actions, parsed["parameters"], trusted)
        requested = AccessRequest.parse(parsed, lower_first=False)
        owned: dict[str, Any] = {}
        if self.controlled(user):
            assert user is not None
            mode, roles = access.connector_create(user, requested)
            owned = {"backend_roles": roles or None, "owner": user.owner(), "access": mode}
        elif requested.given:
            raise illegal_argument(CAC_DISABLED)
        refuse_unsupported(parsed)
        now = now_millis()
        source = {key: parsed.get(key) for key in _FIELD_ORDER if key in parsed}
        source.update(owned)
        source["created_time"] = now
        source["last_updated_time"] = now
        source.pop("access_mode", None)
        connector_id = new_id()
        self.store.put(CONNECTOR_INDEX, connector_id, ordered(source))
        return {"connector_id": connector_id}

    def stored(self, connector_id: str, *, missing_index: str, missing_doc: str) -> dict[str, Any]:
        """The stored source, credentials included, for the domain's own use."""
        if not self.store.index_exists(CONNECTOR_INDEX):
            raise status_exception(missing_index, 404)
        doc = self.store.get(CONNECTOR_INDEX, connector_id)
        if doc is None:
            raise status_exception(missing_doc, 404)
        return doc.source

    def get(self, connector_id: str, user: User | None = None) -> dict[str, Any]:
        source = self.stored(
            connector_id,
            missing_index="Failed to find connector",
            missing_doc=f"Failed to find connector with the provided connector id: {connector_id}",
        )
        if not self.permitted(source, user):
            raise status_exception("You don't have permission to access this connector", 403)
        return public_view(source)

    def update(self, connector_id: str, body: Any, deployed_model_ids: set[str],
               user: User | None = None) -> dict[str, Any]:
        self._require_remote_inference()
        if body is None:
            raise parse_exception("Failed to update connector: Request body is empty")
        at_least = self.ctx.node.at_least
        try:
            parsed = connector_input.parse_connector(body, mode="update", version_at_least=at_least)
        except LocatedError as error:
            # RestMLUpdateConnectorAction rethrows the parser's IllegalStateException as a parse error.
            if error.type != "illegal_state_exception":
                raise
            raise error.retyped("parse_exception", 400, is_opensearch_exception=True) from None
        connector_input.validate_request(parsed, mode="update")
        with self.store.lock:
            source = self.stored(
                connector_id,
                missing_index="Failed to find connector",
                missing_doc=f"Failed to find connector with the provided connector id: {connector_id}",
            )
            if not self.permitted(source, user):
                raise illegal_argument(
                    f"You don't have permission to update the connector, connector id: {connector_id}")
            merged = merge_connector(source, parsed)
            if "actions" in parsed and at_least("3.7"):
                connector_input.validate_headers(merged.get("actions") or [], merged.get("protocol"))
            check_connector_urls(
                merged.get("actions") or [], merged.get("parameters") or {},
                self.ctx.settings.get_list("trusted_connector_endpoints_regex"),
            )
            refuse_unsupported(merged)
            users = [
                model_id for model_id in self.store.ids_where(MODEL_INDEX, "connector_id", connector_id)
                if model_id in deployed_model_ids
            ]
            users = users[:_SEARCH_DEFAULT_SIZE]
            if users:
                raise status_exception(
                    f"{len(users)} models are still using this connector, please undeploy the models first: "
                    f"[{', '.join(users)}]",
                    400,
                )
            merged["last_updated_time"] = now_millis()
            doc = self.store.put(CONNECTOR_INDEX, connector_id, ordered(merged))
        return fields.write_response(CONNECTOR_INDEX, doc, "updated", forced_refresh=False)

    def delete(self, connector_id: str, user: User | None = None) -> dict[str, Any]:
        with self.store.lock:
            existing = self.store.get(CONNECTOR_INDEX, connector_id) if self.store.index_exists(CONNECTOR_INDEX) \
                else None
            if existing is not None and not self.permitted(existing.source, user):
                raise ml_exception("m_l_validation_exception", "You are not allowed to delete this connector")
            users = self.store.ids_where(MODEL_INDEX, "connector_id", connector_id)
            users = users[:_SEARCH_DEFAULT_SIZE]
            if users:
                raise status_exception(
                    f"{len(users)} models are still using this connector, please delete or update the models first: "
                    f"[{', '.join(users)}]",
                    409,
                )
            if not self.store.index_exists(CONNECTOR_INDEX):
                raise status_exception("Failed to find connector", 404)
            deleted = self.store.delete(CONNECTOR_INDEX, connector_id)
            if deleted is None:
                doc = self.store.not_found_delete(CONNECTOR_INDEX, connector_id)
                return fields.write_response(CONNECTOR_INDEX, doc, "not_found", forced_refresh=True)
            return fields.write_response(CONNECTOR_INDEX, deleted, "deleted", forced_refresh=True)

    def search(self, body: Any, user: User | None = None) -> dict[str, Any]:
        if self.controlled(user) and user is not None and not user.is_admin:
            body = access.narrowed(body, user)
        return run_search(
            CONNECTOR_INDEX,
            self.store.documents(CONNECTOR_INDEX),
            body,
            index_exists=self.store.index_exists(CONNECTOR_INDEX),
            force_fetch_source=True,
            source_excludes=("credential", "ui_metadata"),
        )


def merge_connector(source: dict[str, Any], parsed: dict[str, Any]) -> dict[str, Any]:
    """``HttpConnector.update``: replace scalars, merge parameters, replace the rest wholesale."""
    merged = dict(source)
    for key in ("name", "description", "version", "protocol"):
        if parsed.get(key) is not None:
            merged[key] = parsed[key]
    if parsed.get("parameters"):
        merged["parameters"] = {**(source.get("parameters") or {}), **parsed["parameters"]}
    if parsed.get("credential"):
        merged["credential"] = {**(source.get("credential") or {}), **parsed["credential"]}
    for key in ("actions", "backend_roles", "client_config"):
        if parsed.get(key) is not None:
            merged[key] = parsed[key]
    mode = fields.access_mode(parsed.get("access_mode"), lower_first=False)
    if mode is not None:
        merged["access"] = mode
    return merged
