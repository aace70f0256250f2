"""The predict input a connector executes: ML Commons' input datasets, and how each is shown to scripts.

A predict body becomes one of four datasets, as ``MLInput.parse`` builds them:
remote parameters (``/_predict`` on a remote model), text documents (text embedding
and sparse encoding), a query with documents (text similarity, i.e. rerank) or a
question with a context (question answering).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RemoteInput:
    """``RemoteInferenceInputDataSet``: string parameters (already in the plugin's string form)."""

    parameters: dict[str, str | None]


@dataclass(frozen=True)
class TextDocsInput:
    """``TextDocsInputDataSet`` plus the algorithm parameters (``content_type``, ``sparse_embedding_format``)."""

    docs: list[str | None]
    algorithm: str = "TEXT_EMBEDDING"
    algo_parameters: dict[str, str] | None = None


@dataclass(frozen=True)
class TextSimilarityInput:
    """``TextSimilarityInputDataSet``: the rerank input."""

    query_text: str
    docs: list[str | None]
    algorithm: str = "TEXT_SIMILARITY"


@dataclass(frozen=True)
class QuestionAnsweringInput:
    question: str
    context: str
    algorithm: str = "QUESTION_ANSWERING"


@dataclass(frozen=True)
class OtherInput:
    """An input of another algorithm (k-means, ...): no dataset a remote connector can use."""

    algorithm: str


Dataset = RemoteInput | TextDocsInput | TextSimilarityInput | QuestionAnsweringInput | OtherInput


def to_xcontent(dataset: Dataset, algorithm: str) -> dict[str, Any]:
    """``MLInput.toXContent`` for the datasets a pre-process script sees (keys in the plugin's order)."""
    out: dict[str, Any] = {"algorithm": algorithm}
    if isinstance(dataset, TextDocsInput):
        if dataset.algo_parameters is not None:
            out["parameters"] = dict(dataset.algo_parameters)
        if dataset.docs:
            out["text_docs"] = list(dataset.docs)
    elif isinstance(dataset, TextSimilarityInput):
        out["query_text"] = dataset.query_text
        if dataset.docs:
            out["text_docs"] = list(dataset.docs)
    elif isinstance(dataset, QuestionAnsweringInput):
        out["question"] = dataset.question
        out["context"] = dataset.context
    return out
