"""Remote models: register, get, update, delete, search, deploy and undeploy.

A deployed model lives in node memory as a :class:`DeployedModel`: the
connector with its credentials resolved into headers and the trusted-endpoint
list captured at deploy time, which is what the plugin's RemoteModel holds.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from ..connectors.endpoints import check_connector_urls
from ..connectors.support import refuse_unsupported
from ..connectors.templates import CREDENTIAL, substitute
from ..connectors.throttle import TokenBucket, bucket_for
from ..errors import (
    LocatedError,
    OpenSearchError,
    illegal_argument,
    index_not_found,
    ml_exception,
    parse_exception,
    status_exception,
)
from . import access, connector_input, fields, model_input
from .access import AccessRequest
from .connectors import REMOTE_INFERENCE_DISABLED, Connectors, merge_connector
from .connectors import ordered as connector_order
from .context import MLContext
from .ids import new_id, now_millis
from .model_groups import ModelGroups
from .search import SearchPhaseExecutionError, run_search
from .security import User
from .store import CONNECTOR_INDEX, MODEL_GROUP_INDEX, MODEL_INDEX
from .tasks import Tasks
from .validation import validate_fields

NO_MODEL_PRIVILEGE = "User doesn't have privilege to perform this operation on this model"
_FIELD_ORDER = (
    "name", "model_group_id", "algorithm", "model_version", "model_content", "user", "description",
    "model_format", "model_state", "model_content_size_in_bytes", "model_content_hash_value", "model_config",
    "deploy_setting", "is_enabled", "is_controller_enabled", "rate_limiter", "created_time", "last_updated_time",
    "last_registered_time", "last_deployed_time", "last_undeployed_time", "model_id", "auto_redeploy_retry_times",
    "chunk_number", "total_chunks", "planning_worker_node_count", "current_worker_node_count",
    "planning_worker_nodes", "deploy_to_all_nodes", "is_hidden", "connector", "connector_id", "guardrails",
    "interface", "tenant_id", "provisioned_by",
)
UNDELETABLE_STATES = {"DEPLOYED", "DEPLOYING", "PARTIALLY_DEPLOYED", "LOADED", "LOADING", "PARTIALLY_LOADED"}
NODE_ROLES = ("cluster_manager", "data", "ingest", "remote_cluster_client")


def ordered(source: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key in _FIELD_ORDER:
        value = source.get(key)
        if value is None or (key == "planning_worker_nodes" and not value):
            continue
        if key == "deploy_to_all_nodes" and not value:
            continue
        out[key] = value
    return out


def public_view(source: dict[str, Any]) -> dict[str, Any]:
    """A model as GET shows it (stored sources are already in field order): no connector credential."""
    connector = source.get("connector")
    if not isinstance(connector, dict) or "credential" not in connector:
        return source
    view = dict(source)
    view["connector"] = {k: v for k, v in connector.items() if k != "credential"}
    return view


@dataclass(frozen=True)
class DeployedModel:
    """What a node keeps in memory for a deployed remote model."""

    model_id: str
    connector: dict[str, Any]
    headers: dict[str, dict[str, str]]
    trusted_regexes: list[str]
    enabled: bool
    bucket: TokenBucket | None = None


class Models:
    def __init__(self, ctx: MLContext, groups: ModelGroups, connectors: Connectors, tasks: Tasks) -> None:
        self.ctx = ctx
        self.store = ctx.store
        self.groups = groups
        self.connectors = connectors
        self.tasks = tasks
        self._deployed: dict[str, DeployedModel] = {}
        self._last_access: dict[str, int] = {}
        self._deployed_lock = threading.Lock()

    # -- state lookups ---------------------------------------------------------------------------------------

    def deployed_ids(self) -> set[str]:
        with self._deployed_lock:
            return set(self._deployed)

    def deployed(self, model_id: str) -> DeployedModel | None:
        with self._deployed_lock:
            return self._deployed.get(model_id)

    def touch(self, model_id: str) -> None:
        """A predict used the model: its TTL counts from now."""
        with self._deployed_lock:
            if model_id in self._deployed:
                self._last_access[model_id] = self.ctx.clock()

    def undeploy_idle(self) -> None:
        """What the sync-up job does for ``deploy_setting.model_ttl_minutes``: undeploy models idle that long."""
        now = self.ctx.clock()
        with self.store.lock:
            expired = []
            with self._deployed_lock:
                for model_id in self._deployed:
                    source = self.store.view(MODEL_INDEX, model_id) or {}
                    ttl = (source.get("deploy_setting") or {}).get("model_ttl_minutes", -1)
                    if isinstance(ttl, int) and ttl > 0 and now - self._last_access.get(model_id, now) > ttl * 60_000:
                        expired.append(model_id)
            for model_id in expired:
                self.undeploy(model_id, None)

    def lookup(self, model_id: str) -> dict[str, Any]:
        """``MLModelManager.getModel``: missing doc 404, missing index a leaked SDK 500."""
        if not self.store.index_exists(MODEL_INDEX):
            raise status_exception(
                f"Failed to get data object from index {MODEL_INDEX}", 500, cause=index_not_found(MODEL_INDEX)
            )
        doc = self.store.get(MODEL_INDEX, model_id)
        if doc is None:
            raise status_exception("Failed to find model", 404)
        return doc.source

    # -- register --------------------------------------------------------------------------------------------

    def register(self, body: Any, *, deploy: bool, user: User | None = None) -> dict[str, Any]:
        if body is None:
            raise parse_exception("request body is required")
        parsed = model_input.parse_register(body, version_at_least=self.ctx.node.at_least)
        validate_fields([
            ("Model name", parsed.get("name"), True),
            ("Model description", parsed.get("description"), False),
            ("Model provisioned_by field", parsed.get("provisioned_by"), False),
        ])
        function = parsed["function_name"]
        if function == "REMOTE" and not self.ctx.remote_inference_enabled():
            raise status_exception(REMOTE_INFERENCE_DISABLED, 400)
        if parsed.get("url") is not None and not self.ctx.settings.get_bool("allow_registering_model_via_url"):
            raise illegal_argument(
                "To upload custom model user needs to enable allow_registering_model_via_url settings. "
                "Otherwise please use OpenSearch pre-trained models."
            )
        if function != "REMOTE":
            raise illegal_argument(
                f"Registering [{function}] models is not supported by the ML Commons emulator: it emulates remote "
                "models (function_name: remote)"
            )
        with self.store.lock:
            group_id = parsed.get("model_group_id")
            found_by_name = False
            if not group_id:
                group_id = self.groups.find_by_name(parsed["name"])
                found_by_name = group_id is not None
            if group_id:
                self.groups.check_access(group_id, user, illegal_argument(
                    f"The name {{{parsed['name']}}} you provided is unavailable because it is used by another model "
                    f"group with id {{{group_id}}} to which you do not have access. Please provide a different name."
                    if found_by_name else "You don't have permissions to perform this operation on this model."))
            self._validate_remote_connector(parsed, user)
            if not group_id:
                group_id = self.groups.create(
                    name=parsed["name"], description=parsed.get("description"),
                    requested=AccessRequest.parse(_access_fields(parsed), lower_first=False), user=user,
                )
            # The plugin writes the register task here, before it looks the group up.
            created = now_millis()
            if self.store.view(MODEL_GROUP_INDEX, group_id) is None:
                index_missing = not self.store.index_exists(MODEL_GROUP_INDEX)
                reason = "Failed to get model group due to index missing" if index_missing else "Model group not found"
                self.tasks.record(task_type="REGISTER_MODEL", is_async=False, state="FAILED", created=created,
                                  error=reason)
                if index_missing:
                    raise status_exception("Model group not found", 404)
                raise ml_exception("m_l_resource_not_found_exception", f"Model Group Response is empty for {group_id}")
            version = self.groups.bump_version(group_id)
            model_id = new_id()
            now = now_millis()
            source = {
                "name": parsed["name"], "model_group_id": group_id, "algorithm": "REMOTE",
                "model_version": str(version), "description": parsed.get("description"),
                "model_state": "REGISTERED", "model_config": parsed.get("model_config"),
                "deploy_setting": parsed.get("deploy_setting"), "is_enabled": parsed.get("is_enabled"),
                "rate_limiter": parsed.get("rate_limiter"), "created_time": now, "last_updated_time": now,
                "is_hidden": False, "connector": _inline_connector(parsed.get("connector")),
                "connector_id": parsed.get("connector_id"), "guardrails": parsed.get("guardrails"),
                "interface": parsed.get("interface"), "provisioned_by": parsed.get("provisioned_by"),
            }
            self.store.put(MODEL_INDEX, model_id, ordered(source))
            task_id = self.tasks.record(task_type="REGISTER_MODEL", is_async=False, state="COMPLETED",
                                        created=created, model_id=model_id)
        if deploy:
            try:
                self.deploy(model_id, None)
            except Exception:  # noqa: BLE001 - the plugin only logs a failed background deploy
                pass
        return {"task_id": task_id, "status": "CREATED", "model_id": model_id}

    def _validate_remote_connector(self, parsed: dict[str, Any], user: User | None = None) -> None:
        connector_id = parsed.get("connector_id")
        if connector_id and connector_id.strip():
            if self.connectors.controlled(user) and user is not None and not user.is_admin:
                # validateConnectorAccess fetches the connector first, whatever the model's interface says.
                doc = self.store.get(CONNECTOR_INDEX, connector_id) if self.store.index_exists(CONNECTOR_INDEX) \
                    else None
                if doc is None:
                    raise status_exception(f"Failed to find connector:{connector_id}", 404)
                if not self.connectors.permitted(doc.source, user):
                    raise illegal_argument(
                        f"You don't have permission to use the connector provided, connector id: {connector_id}")
            if parsed.get("interface") is None:
                self.connectors.stored(
                    connector_id, missing_index="Failed to find connector",
                    missing_doc=f"Failed to find connector:{connector_id}",
                )
        else:
            self.validate_inline_connector(parsed.get("connector"))
        if parsed.get("guardrails") is not None:
            raise illegal_argument("Model [guardrails] is not supported by the ML Commons emulator yet")

    def validate_inline_connector(self, connector: dict[str, Any] | None) -> None:
        if connector is None:
            raise illegal_argument(
                "You must provide connector content when creating a remote model without connector id!"
            )
        predict = _find_action(connector, "PREDICT")
        if predict is None:
            raise illegal_argument("Connector endpoint is required when creating a remote model without connector id!")
        check_connector_urls(
            connector.get("actions") or [], connector.get("parameters") or {},
            self.ctx.settings.get_list("trusted_connector_endpoints_regex"),
        )
        if self.ctx.node.at_least("3.7"):
            connector_input.validate_headers(connector.get("actions") or [], connector.get("protocol"))
        refuse_unsupported(connector)

    # -- read ------------------------------------------------------------------------------------------------

    def check_access(self, source: dict[str, Any], user: User | None, denial: Exception | None = None) -> None:
        """``validateModelGroupAccess`` on the model's group (a model without a group is open to all)."""
        group_id = source.get("model_group_id")
        if group_id:
            self.groups.check_access(group_id, user, denial or status_exception(NO_MODEL_PRIVILEGE, 403))

    def get(self, model_id: str, user: User | None = None) -> dict[str, Any]:
        if not self.store.index_exists(MODEL_INDEX):
            raise status_exception("Fail to find model", 404)
        source = self.store.view(MODEL_INDEX, model_id)
        if source is None:
            raise status_exception(f"Failed to find model with the provided model id: {model_id}", 404)
        self.check_access(source, user)
        return public_view(source)

    def search(self, body: Any, user: User | None = None) -> dict[str, Any]:
        if self.groups.controlled(user) and user is not None and not user.is_admin:
            visible = self.groups.visible_ids(user)
            if visible is not None:
                body = access.narrowed(body, user, access.models_in_groups(visible))
        docs = [d for d in self.store.documents(MODEL_INDEX) if not d.source.get("is_hidden")]
        try:
            return self._search(docs, body)
        except SearchPhaseExecutionError as error:
            raise fields.wrap_rest_failure(error, "Fail to search model version") from None

    def _search(self, docs: list[Any], body: Any) -> dict[str, Any]:
        return run_search(
            MODEL_INDEX, docs, body, index_exists=self.store.index_exists(MODEL_INDEX),
            force_fetch_source=True, plugin_wraps_query=True,
            source_excludes=("model_content", "content", "ui_metadata", "connector.credential"),
        )

    # -- update / delete -------------------------------------------------------------------------------------

    def update(self, model_id: str, body: Any, user: User | None = None) -> dict[str, Any]:
        if body is None:
            raise parse_exception("Update model request has empty body")
        body = fields.require_object(body, "update model")
        try:
            update = self._parse_update(body)
        except LocatedError as error:
            # RestMLUpdateModelAction rethrows the parser's IllegalStateException as a parse error.
            if error.type != "illegal_state_exception":
                raise
            raise error.retyped("parse_exception", 400, is_opensearch_exception=True) from None
        validate_fields([("Model Name", update.get("name"), False),
                         ("Model Description", update.get("description"), False)])
        if "connector" in update and "connector_id" in update:
            raise status_exception(
                "Model cannot have both stand-alone connector and internal connector. Please check your update "
                "input body.", 400,
            )
        with self.store.lock:
            doc = self.store.get(MODEL_INDEX, model_id) if self.store.index_exists(MODEL_INDEX) else None
            if doc is None:
                raise status_exception(f"Failed to find model to update with the provided model id: {model_id}", 404)
            source = doc.source
            if source.get("model_state") in ("DEPLOYING", "LOADING"):
                raise status_exception(
                    f"Model is deploying. Please wait for the model to complete deployment. model ID {model_id}", 409
                )
            self.check_access(source, user, status_exception(f"{NO_MODEL_PRIVILEGE}, model ID {model_id}", 403))
            if source.get("algorithm") not in ("TEXT_EMBEDDING", "REMOTE"):
                raise status_exception(
                    f"The function category {source.get('algorithm')} is not supported at this time.", 403
                )
            if "connector" in update:
                if source.get("connector_id"):
                    raise status_exception(
                        "Cannot update connector settings for this model. The model was created with a "
                        "connector_id and does not have an inline connector.", 400,
                    )
                merged = _merge_inline(source.get("connector") or {}, update["connector"])
                self.validate_inline_connector(merged)
                source["connector"] = merged
            if "connector_id" in update:
                if source.get("connector"):
                    raise status_exception(
                        "This remote does not have a connector_id field, maybe it uses an internal connector.", 400
                    )
                # With security off the plugin's access check passes without fetching the connector.
                new_connector = update["connector_id"]
                if self.connectors.controlled(user) and self.store.index_exists(CONNECTOR_INDEX):
                    found = self.store.view(CONNECTOR_INDEX, new_connector)
                    if found is not None and not self.connectors.permitted(found, user):
                        raise status_exception(
                            f"You don't have permission to update the connector, connector id: {new_connector}", 403)
                source["connector_id"] = new_connector
            if "guardrails" in update:
                raise illegal_argument("Model [guardrails] is not supported by the ML Commons emulator yet")
            new_group = update.get("model_group_id")
            if new_group and new_group != source.get("model_group_id"):
                if self.store.get(MODEL_GROUP_INDEX, new_group) is None:
                    raise status_exception(
                        "Failed to find the model group with the provided model group id in the update model input, "
                        f"MODEL_GROUP_ID: {new_group}", 404,
                    )
                self.groups.check_access(new_group, user, status_exception(
                    "User Doesn't have privilege to re-link this model to the target model group due to no access "
                    f"to the target model group with model group ID {new_group}", 403))
                source["model_group_id"] = new_group
                source["model_version"] = str(self.groups.bump_version(new_group))
            if "model_config" in update and source.get("algorithm") == "REMOTE":
                merged_config = deep_merge(source.get("model_config") or {}, update["model_config"])
                try:
                    model_input.check_remote_model_config(merged_config)
                except OpenSearchError as error:
                    raise status_exception(error.reason, 400) from None
            # The plugin writes a partial document: objects merge key by key into the stored ones.
            for key in ("name", "description", "is_enabled", "deploy_setting"):
                if key in update:
                    source[key] = update[key]
            for key in ("rate_limiter", "model_config", "interface"):
                if key in update:
                    source[key] = deep_merge(source.get(key) or {}, update[key])
            source["model_id"] = model_id
            source["last_updated_time"] = now_millis()
            written = self.store.put(MODEL_INDEX, model_id, ordered(source))
            if self.deployed(model_id) is not None:
                try:
                    self._cache(model_id, source)
                except OpenSearchError:
                    # The nodes refresh their copy after the write answered; a failed refresh is only
                    # logged and the node keeps serving what it had.
                    pass
        return fields.write_response(MODEL_INDEX, written, "updated", forced_refresh=False)

    def _parse_update(self, body: dict[str, Any]) -> dict[str, Any]:
        """``MLUpdateModelInput.parse``, field by field in body order."""
        update: dict[str, Any] = {}
        for key, value in body.items():
            if key in ("name", "description", "model_group_id", "connector_id"):
                update[key] = fields.text(body, key)
            elif key == "is_enabled":
                update[key] = fields.boolean(body, key)
            elif key == "rate_limiter":
                update[key] = model_input.parse_rate_limiter(value, body, key)
            elif key == "deploy_setting":
                update[key] = model_input.parse_deploy_setting(value, body, key)
            elif key in ("model_config", "guardrails"):
                update[key] = fields.obj(body, key)
            elif key == "interface":
                update[key] = model_input.parse_interface(body, key)
            elif key == "connector":
                update[key] = connector_input.parse_connector(
                    value, mode="update", version_at_least=self.ctx.node.at_least, container=body, key=key
                )
        return update

    def delete(self, model_id: str, user: User | None = None) -> dict[str, Any]:
        with self.store.lock:
            doc = self.store.get(MODEL_INDEX, model_id) if self.store.index_exists(MODEL_INDEX) else None
            if doc is None:
                raise status_exception("Failed to find model", 404)
            self.check_access(doc.source, user)
            if doc.source.get("model_state") in UNDELETABLE_STATES:
                raise status_exception(
                    "Model cannot be deleted in deploying or deployed state. Try undeploy model first then delete", 400
                )
            deleted = self.store.delete(MODEL_INDEX, model_id)
            assert deleted is not None
        return fields.write_response(MODEL_INDEX, deleted, "deleted", forced_refresh=True)

    # -- deploy / undeploy -----------------------------------------------------------------------------------

    def deploy(self, model_id: str, body: Any, user: User | None = None) -> dict[str, Any]:
        node_ids = None
        if body is not None:
            body = fields.require_object(body, "deploy model")
            node_ids = fields.string_list(body, "node_ids")
        with self.store.lock:
            source = self.lookup(model_id)
            self.check_access(source, user)
            if node_ids and not self.ctx.settings.get_bool("allow_custom_deployment_plan"):
                raise illegal_argument("Don't allow custom deployment plan")
            if not self.ctx.remote_inference_enabled():
                raise status_exception(REMOTE_INFERENCE_DISABLED, 400)
            eligible = self.ctx.settings.get_list("task_dispatcher.eligible_node_role.remote_model")
            if not set(eligible) & set(NODE_ROLES):
                raise illegal_argument("no eligible node found")
            node = self.ctx.node.node_id
            if node_ids and node not in node_ids:
                raise illegal_argument("no eligible node found")
            # DEPLOY_MODEL task CREATED, model DEPLOYING, node deploys, then both are completed: the
            # in-between states cannot be observed under the store lock, so only end states are written.
            created = now_millis()
            planning = {"planning_worker_node_count": 1, "planning_worker_nodes": [node],
                        "deploy_to_all_nodes": not node_ids}
            try:
                self._cache(model_id, source)
            except OpenSearchError as error:
                # The node answers "received" first; the failure only reaches the task and the model.
                with self._deployed_lock:
                    self._deployed.pop(model_id, None)
                    self._last_access.pop(model_id, None)
                self._write_state(model_id, source, "DEPLOY_FAILED", writes=2, **planning,
                                  last_deployed_time=now_millis(), current_worker_node_count=0)
                task_id = self.tasks.record(task_type="DEPLOY_MODEL", is_async=True, state="FAILED", created=created,
                                            model_id=model_id,
                                            error=json.dumps({node: error.reason}, separators=(",", ":")))
                return {"task_id": task_id, "task_type": "DEPLOY_MODEL", "status": "COMPLETED"}
            extra: dict[str, Any] = {"last_deployed_time": now_millis(), "current_worker_node_count": 1}
            if self.ctx.settings.get_bool("model_auto_redeploy.enable"):
                extra["auto_redeploy_retry_times"] = 0
            self._write_state(model_id, source, "DEPLOYED", writes=2, **planning, **extra)
            task_id = self.tasks.record(task_type="DEPLOY_MODEL", is_async=True, state="COMPLETED", created=created,
                                        model_id=model_id)
        return {"task_id": task_id, "task_type": "DEPLOY_MODEL", "status": "COMPLETED"}

    def _cache(self, model_id: str, source: dict[str, Any]) -> None:
        connector = source.get("connector")
        if connector is None:
            connector = self.connectors.stored(
                source.get("connector_id") or "", missing_index="Failed to find connector",
                missing_doc=f"Failed to find connector:{source.get('connector_id')}",
            )
        credential = connector.get("credential") or {}
        headers = {}
        for action in connector.get("actions") or []:
            headers[action["action_type"]] = {
                name: substitute(value, credential, CREDENTIAL) if value is not None else value
                for name, value in (action.get("headers") or {}).items()
            }
        deployed = DeployedModel(
            model_id, connector, headers, self.ctx.settings.get_list("trusted_connector_endpoints_regex"),
            source.get("is_enabled") is not False, bucket_for(source.get("rate_limiter")),
        )
        with self._deployed_lock:
            self._deployed[model_id] = deployed
            self._last_access[model_id] = self.ctx.clock()

    def _write_state(self, model_id: str, source: dict[str, Any], state: str, *, writes: int = 1,
                     **extra: Any) -> None:
        source["model_state"] = state
        source.update(extra)
        source["last_updated_time"] = now_millis()
        self.store.put(MODEL_INDEX, model_id, ordered(source), writes=writes)

    def undeploy(self, model_id: str | None, body: Any, user: User | None = None) -> dict[str, Any]:
        model_ids = [model_id] if model_id is not None else []
        if body is not None:
            body = fields.require_object(body, "undeploy model")
            node_ids = fields.string_list(body, "node_ids")
            if node_ids and not self.ctx.settings.get_bool("allow_custom_deployment_plan"):
                raise illegal_argument("Don't allow custom deployment plan")
            # Ids in the body win over the one in the path, as RestMLUndeployModelAction reads them.
            model_ids = fields.string_list(body, "model_ids") or model_ids
        if not model_ids:
            raise illegal_argument("Must set specific model ids to undeploy")
        if len(model_ids) == 1:
            source = self.store.view(MODEL_INDEX, model_ids[0]) if self.store.index_exists(MODEL_INDEX) else None
            if source is not None:
                self.check_access(source, user, illegal_argument(f"No permission to undeploy model {model_ids[0]}"))
        elif self.ctx.settings.get_bool("model_access_control_enabled"):
            # With several models the plugin cannot tell which ones the caller may use.
            raise illegal_argument("only support undeploy one model")
        node = self.ctx.node.node_id
        stats: dict[str, str] = {}
        with self.store.lock:
            if len(model_ids) == 1:
                self.lookup(model_ids[0])
            undeployed = []
            for mid in model_ids:
                with self._deployed_lock:
                    was_deployed = self._deployed.pop(mid, None) is not None
                    self._last_access.pop(mid, None)
                stats[mid] = "undeployed" if was_deployed else "not_found"
                if was_deployed:
                    undeployed.append(mid)
            # Nodes that had a model update its document; only when no node had any does the plugin bulk-mark
            # every requested model UNDEPLOYED.
            for mid in undeployed or model_ids:
                source = self.store.get(MODEL_INDEX, mid) if self.store.index_exists(MODEL_INDEX) else None
                if source is None:
                    continue
                update = {"model_state": "UNDEPLOYED", "planning_worker_nodes": [], "planning_worker_node_count": 0,
                          "current_worker_node_count": 0}
                if not undeployed:
                    # Only the "deployed nowhere" bulk path stamps last_updated_time.
                    update["last_updated_time"] = now_millis()
                self.store.put(MODEL_INDEX, mid, ordered({**source.source, **update}))
        return {node: {"stats": stats}}

    def ensure_deployed(self, model_id: str, source: dict[str, Any]) -> DeployedModel:
        """Predict on an undeployed model: auto-deploy when allowed, as MLPredictTaskRunner does."""
        deployed = self.deployed(model_id)
        if deployed is not None:
            return deployed
        if not self.ctx.settings.get_bool("model_auto_deploy.enable"):
            raise illegal_argument("Model not ready yet. Please deploy the model first.")
        if (source.get("deploy_setting") or {}).get("is_auto_deploy_enabled") is False:
            raise illegal_argument(
                f"Auto deployment disabled for this model, please deploy model first Model ID: {model_id}"
            )
        self.deploy(model_id, None)
        deployed = self.deployed(model_id)
        if deployed is None:
            raise illegal_argument("Model not ready yet. Please deploy the model first.")
        return deployed

    def reset(self) -> None:
        with self._deployed_lock:
            self._deployed.clear()
            self._last_access.clear()


def deep_merge(stored: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """What a partial ``doc`` update does to a stored object: nested objects merge, the rest is replaced."""
    merged = dict(stored)
    for key, value in update.items():
        current = merged.get(key)
        merged[key] = deep_merge(current, value) if isinstance(current, dict) and isinstance(value, dict) else value
    return merged


def _access_fields(parsed: dict[str, Any]) -> dict[str, Any]:
    return {k: parsed[k] for k in ("access_mode", "add_all_backend_roles", "backend_roles") if k in parsed}


def _find_action(connector: dict[str, Any], action_type: str) -> dict[str, Any] | None:
    for action in connector.get("actions") or []:
        if str(action.get("action_type", "")).upper() == action_type:
            return action
    return None


def _inline_connector(connector: dict[str, Any] | None) -> dict[str, Any] | None:
    if connector is None:
        return None
    return connector_order({k: v for k, v in connector.items() if k not in ("dry_run", "access_mode")})


def _merge_inline(current: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    return connector_order(merge_connector(current, update))

