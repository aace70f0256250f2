"""Predict on a remote model: input parsing, model state rules, auto-deploy, then the connector engine."""

from __future__ import annotations

from typing import Any

import requests

from ..connectors import executor, jsonpath
from ..connectors.mlinput import (
    Dataset,
    OtherInput,
    QuestionAnsweringInput,
    RemoteInput,
    TextDocsInput,
    TextSimilarityInput,
)
from ..connectors.pools import ConnectionPools
from ..connectors.support import refuse_unsupported_parameters
from ..connectors.values import parameter_map
from ..errors import OpenSearchError, illegal_argument, parse_exception, status_exception
from . import fields
from .connector_input import ACTION_TYPES
from .connectors import REMOTE_INFERENCE_DISABLED
from .context import MLContext
from .model_input import function_name
from .models import Models
from .security import User
from .store import MODEL_INDEX


class Predictions:
    def __init__(self, ctx: MLContext, models: Models, session_provider: Any) -> None:
        self.ctx = ctx
        self.models = models
        self._session_provider = session_provider
        self.pools = ConnectionPools()

    @property
    def session(self) -> requests.Session:
        return self._session_provider()

    def reset(self) -> None:
        """A fresh node: Jayway's path cache starts empty (cached paths keep state between reads)."""
        jsonpath.compile_path.cache_clear()

    def predict(self, model_id: str, body: Any, algorithm: str | None = None,
                user: User | None = None) -> dict[str, Any]:
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
        dataset, action_type = request
        if user is not None:
            stored = self.ctx.store.view(MODEL_INDEX, model_id) if self.ctx.store.index_exists(MODEL_INDEX) else None
            if stored is not None:
                self.models.check_access(stored, user)
        if cached is not None and not cached.enabled:
            # The plugin checks the flag in its model cache only; an undeployed model is not in it yet.
            raise status_exception("Model is disabled.", 403)
        if isinstance(dataset, RemoteInput):
            if "stream" in dataset.parameters:
                raise illegal_argument(
                    "The [stream] parameter on _predict is not supported by the ML Commons emulator (a real node "
                    "does not answer such a request)"
                )
            refuse_unsupported_parameters(dataset.parameters)
        deployed = cached or self.models.ensure_deployed(model_id, source)
        self.models.touch(model_id)
        settings = self.ctx.settings
        node = self.ctx.node
        options = executor.ExecutionOptions(
            private_ip_enabled=settings.get_bool("connector.private_ip_enabled"),
            restricted_ip_patterns=tuple(settings.get_list("connector.restricted_ip_patterns")),
            trusted_private_endpoints=tuple(settings.get_list("trusted_connector_private_endpoints_regex")),
            max_json_size=settings.get_int("max_json_size") if node.at_least("3.5") else -1,
            check_trusted_at_predict=node.at_least("3.7"),
            integers_preserved=node.at_least("3.5"),
            filter_falls_back=node.at_least("3.7"),
            illegal_argument_passes=node.at_least("3.3"),
            empty_body_after_status=node.at_least("3.2"),
            acquire=deployed.bucket.request if deployed.bucket is not None else None,
            pools=self.pools,
            at_least=node.at_least,
        )
        deployment = executor.Deployment(deployed.connector, deployed.headers, deployed.trusted_regexes, model_id)
        return executor.execute(self.session, deployment, dataset, action_type, options)

    def _parse(self, body: Any, algorithm: str | None) -> tuple[Dataset, str]:
        """``RestMLPredictionAction.getRequest``: feature gate, body, then ``MLInput.parse`` for the algorithm."""
        if not self.ctx.remote_inference_enabled():
            raise status_exception(REMOTE_INFERENCE_DISABLED, 400)
        if body is None:
            raise parse_exception("request body is required")
        body = fields.require_object(body, "predict input")
        name = function_name(algorithm) if algorithm is not None else "REMOTE"
        if name == "REMOTE":
            raw_parameters = body.get("parameters")
            # parser.map() reads anything but an object as an empty map.
            parameters = parameter_map(raw_parameters) if isinstance(raw_parameters, dict) else {}
            action_type = "PREDICT"
            if body.get("action_type") is not None:
                requested = fields.text(body, "action_type") or ""
                if requested.upper() not in ACTION_TYPES:
                    raise illegal_argument(f"Wrong Action Type of {requested}")
                action_type = requested.upper()
            return RemoteInput(parameters), action_type
        return parse_ml_input(body, name), "PREDICT"


_TEXT_DOCS_ALGORITHMS = ("TEXT_EMBEDDING", "SPARSE_ENCODING", "SPARSE_TOKENIZE")
_PARAMETERS_CLASS = "org.opensearch.ml.common.input.parameter.textembedding.AsymmetricTextEmbeddingParameters"


def parse_ml_input(body: dict[str, Any], algorithm: str) -> Dataset:
    """``TextDocsMLInput`` / ``TextSimilarityMLInput`` / ``QuestionAnsweringMLInput`` (other algorithms carry
    no dataset a remote model can use)."""
    if algorithm in _TEXT_DOCS_ALGORITHMS:
        docs = _docs(body, allow_null=True)
        for flag in ("return_bytes", "return_number"):
            fields.boolean(body, flag)
        algo_parameters = _embedding_parameters(body)
        if not docs:
            raise illegal_argument("Empty text docs")
        return TextDocsInput(docs, algorithm, algo_parameters)
    if algorithm == "TEXT_SIMILARITY":
        docs = _docs(body, allow_null=False)
        query = fields.text(body, "query_text")
        if not docs:
            raise illegal_argument("No text documents were provided")
        if query is None:
            raise illegal_argument("No query text was provided")
        return TextSimilarityInput(query, docs)
    if algorithm == "QUESTION_ANSWERING":
        question = fields.text(body, "question")
        context = fields.text(body, "context")
        if question is None:
            raise illegal_argument("Question is not provided")
        if context is None:
            raise illegal_argument("Context is not provided")
        return QuestionAnsweringInput(question, context)
    return OtherInput(algorithm)


def _docs(body: dict[str, Any], *, allow_null: bool) -> list[str | None]:
    raw = body.get("text_docs")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise fields.unexpected_token(body, "text_docs", "START_ARRAY", raw)
    return [None if item is None and allow_null else fields.text_value(raw, i, item) for i, item in enumerate(raw)]


def _embedding_parameters(body: dict[str, Any]) -> dict[str, str] | None:
    """``AsymmetricTextEmbeddingParameters``: ``content_type`` when given, ``sparse_embedding_format`` always."""
    raw = body.get("parameters")
    if raw is None:
        return None
    raw = fields.require_object(raw, "parameters", body, "parameters")
    out: dict[str, str] = {}
    content_type = fields.text(raw, "content_type")
    if content_type is not None:
        out["content_type"] = _enum(content_type, ("QUERY", "PASSAGE"), "EmbeddingContentType")
    sparse_format = fields.text(raw, "sparse_embedding_format")
    out["sparse_embedding_format"] = (
        _enum(sparse_format, ("WORD", "TOKEN"), "SparseEmbeddingFormat") if sparse_format is not None else "WORD")
    return out


def _enum(value: str, names: tuple[str, ...], enum: str) -> str:
    upper = value.upper()
    if upper not in names:
        raise illegal_argument(f"No enum constant {_PARAMETERS_CLASS}.{enum}.{upper}")
    return upper
