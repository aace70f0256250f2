"""Predict on a remote model: input parsing, model state rules, auto-deploy, then the connector engine."""

from __future__ import annotations

from typing import Any

import requests

from ..connectors import executor
from ..connectors.support import refuse_unsupported_parameters
from ..connectors.values import parameter_map
from ..errors import OpenSearchError, illegal_argument, parse_exception, status_exception
from . import fields
from .connector_input import ACTION_TYPES
from .connectors import REMOTE_INFERENCE_DISABLED
from .context import MLContext
from .model_input import function_name
from .models import Models


class Predictions:
    def __init__(self, ctx: MLContext, models: Models, session_provider: Any) -> None:
        self.ctx = ctx
        self.models = models
        self._session_provider = session_provider

    @property
    def session(self) -> requests.Session:
        return self._session_provider()

    def predict(self, model_id: str, body: Any, algorithm: str | None = None) -> dict[str, Any]:
        """``RestMLPredictionAction`` then the transport action and task runner, for a remote model."""
        cached = self.models.deployed(model_id)
        if cached is not None:
            request = self._parse(body, algorithm)
        else:
            try:
                source = self.models.lookup(model_id)
            except OpenSearchError as error:
                # RestMLPredictionAction answers every failed model lookup with 404.
                raise error.with_status(404) from None
            try:
                request = self._parse(body, algorithm)
            except OpenSearchError as error:
                # Parsed after an asynchronous model lookup, whose failure handler answers 404 for everything.
                raise error.with_status(404) from None
        algorithm_name, parameters, action_type = request
        if cached is not None and not cached.enabled:
            # The plugin checks the flag in its model cache only; an undeployed model is not in it yet.
            raise status_exception("Model is disabled.", 403)
        if algorithm_name not in (None, "REMOTE"):
            raise illegal_argument(
                f"Predict with algorithm [{algorithm_name.lower()}] (text_docs input and its built-in pre-process "
                "functions) is not supported by the ML Commons emulator yet"
            )
        if "stream" in parameters:
            raise illegal_argument(
                "The [stream] parameter on _predict is not supported by the ML Commons emulator (a real node does not "
                "answer such a request)"
            )
        refuse_unsupported_parameters(parameters)
        deployed = cached or self.models.ensure_deployed(model_id, source)
        self.models.touch(model_id)
        settings = self.ctx.settings
        options = executor.ExecutionOptions(
            private_ip_enabled=settings.get_bool("connector.private_ip_enabled"),
            restricted_ip_patterns=tuple(settings.get_list("connector.restricted_ip_patterns")),
            trusted_private_endpoints=tuple(settings.get_list("trusted_connector_private_endpoints_regex")),
            max_json_size=settings.get_int("max_json_size") if self.ctx.node.at_least("3.5") else -1,
            check_trusted_at_predict=self.ctx.node.at_least("3.7"),
            integers_preserved=self.ctx.node.at_least("3.5"),
            acquire=deployed.bucket.request if deployed.bucket is not None else None,
        )
        return executor.predict(
            self.session, deployed.connector, deployed.headers, deployed.trusted_regexes, parameters, action_type,
            options,
        )

    def _parse(self, body: Any, algorithm: str | None) -> tuple[str | None, dict[str, str | None], str]:
        """``RestMLPredictionAction.getRequest``: feature gate, body, then ``MLInput.parse``."""
        if not self.ctx.remote_inference_enabled():
            raise status_exception(REMOTE_INFERENCE_DISABLED, 400)
        if body is None:
            raise parse_exception("request body is required")
        body = fields.require_object(body, "predict input")
        if algorithm is not None:
            algorithm = function_name(algorithm)
        raw_parameters = body.get("parameters")
        # parser.map() reads anything but an object as an empty map.
        parameters = parameter_map(raw_parameters) if isinstance(raw_parameters, dict) else {}
        action_type = "PREDICT"
        if body.get("action_type") is not None:
            requested = fields.text(body, "action_type") or ""
            if requested.upper() not in ACTION_TYPES:
                raise illegal_argument(f"Wrong Action Type of {requested}")
            action_type = requested.upper()
        return algorithm, parameters, action_type
