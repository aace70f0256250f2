"""OpenSearch-shaped errors: every failure the emulator reports is one of these.

The domain raises them; the HTTP layer renders them once. Each carries the Java
exception's snake-cased type, the HTTP status OpenSearch derives for it, the
reason text, and optionally a cause (rendered as ``caused_by`` and used for
``root_cause`` the way OpenSearch's ``guessRootCauses`` does).
"""

from __future__ import annotations

from typing import Any


class OpenSearchError(Exception):
    """An error rendered as ``{"error": {...}, "status": N}``."""

    def __init__(
        self,
        reason: str,
        *,
        status: int,
        type: str,
        cause: OpenSearchError | None = None,
        metadata: dict[str, Any] | None = None,
        is_opensearch_exception: bool = True,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.type = type
        self.cause = cause
        self.metadata = dict(metadata or {})
        # Only OpenSearchException subclasses are unwrapped by guessRootCauses.
        self.is_opensearch_exception = is_opensearch_exception
        # Failures attached with addSuppressed (earlier attempts of a retried call), rendered as "suppressed".
        self.suppressed: list[OpenSearchError] = []
        # False when the plugin's exception carries no RestStatus (a vendor code RestStatus does not know).
        self.status_known = True

    def with_status(self, status: int) -> OpenSearchError:
        """The same error answered with another HTTP status (``new BytesRestResponse(channel, status, e)``)."""
        copy = OpenSearchError(self.reason, status=status, type=self.type, cause=self.cause, metadata=self.metadata,
                               is_opensearch_exception=self.is_opensearch_exception)
        copy.suppressed = list(self.suppressed)
        copy.status_known = self.status_known
        return copy

    def with_suppressed(self, others: list[OpenSearchError]) -> OpenSearchError:
        """This error with ``others`` attached as suppressed (``Throwable.addSuppressed``)."""
        copy = self.with_status(self.status)
        copy.suppressed = [*self.suppressed, *others]
        return copy

    def _fragment(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "reason": self.reason}
        body.update(self.metadata)
        return body

    def root_causes(self) -> list[dict[str, Any]]:
        """The innermost OpenSearch exception of the cause chain, as OpenSearch reports it."""
        if not self.is_opensearch_exception:
            return [self._rendered(skip_cause=True)]
        innermost: OpenSearchError = self
        node = self.cause
        # guessRootCauses descends only through OpenSearch exceptions.
        while node is not None and node.is_opensearch_exception:
            innermost = node
            node = node.cause
        return [innermost._rendered(skip_cause=True)]

    def to_body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"root_cause": self.root_causes()}
        error.update(self._rendered(skip_cause=False))
        return {"error": error, "status": self.status}

    def _caused_by(self) -> dict[str, Any]:
        return self._rendered(skip_cause=False)

    def _rendered(self, *, skip_cause: bool) -> dict[str, Any]:
        """``innerToXContent``: root causes are written with ``rest.exception.cause.skip``, which drops
        ``caused_by`` (also of their suppressed failures) but keeps ``suppressed``."""
        body = self._fragment()
        if self.cause is not None and not skip_cause:
            body["caused_by"] = self.cause._caused_by()
        if self.suppressed:
            body["suppressed"] = [other._rendered(skip_cause=skip_cause) for other in self.suppressed]
        return body


def status_exception(reason: str, status: int, cause: OpenSearchError | None = None) -> OpenSearchError:
    """``OpenSearchStatusException``: the status is whatever the plugin chose."""
    return OpenSearchError(reason, status=status, type="status_exception", cause=cause)


def illegal_argument(reason: str) -> OpenSearchError:
    """``IllegalArgumentException``: always 400."""
    return OpenSearchError(reason, status=400, type="illegal_argument_exception", is_opensearch_exception=False)


def parse_exception(reason: str) -> OpenSearchError:
    """``OpenSearchParseException``: 400."""
    return OpenSearchError(reason, status=400, type="parse_exception")


def validation_failed(messages: list[str]) -> OpenSearchError:
    """``ActionRequestValidationException``: ``Validation Failed: 1: <msg>;``."""
    reason = "Validation Failed: " + "".join(f"{i}: {m};" for i, m in enumerate(messages, 1))
    return OpenSearchError(reason, status=400, type="action_request_validation_exception")


def java_exception(type: str, reason: str, status: int = 500) -> OpenSearchError:
    """A non-OpenSearch Java exception (``NullPointerException``, ``IOException``, ...)."""
    return OpenSearchError(reason, status=status, type=type, is_opensearch_exception=False)


def ml_exception(type: str, reason: str, cause: OpenSearchError | None = None) -> OpenSearchError:
    """ML Commons' own exceptions (``m_l_exception`` ...): not OpenSearch exceptions, so 500."""
    return OpenSearchError(reason, status=500, type=type, cause=cause, is_opensearch_exception=False)


def index_not_found(index: str) -> OpenSearchError:
    """``IndexNotFoundException`` with the metadata OpenSearch flattens into it."""
    return OpenSearchError(
        f"no such index [{index}]",
        status=404,
        type="index_not_found_exception",
        metadata={"index": index, "resource.id": index, "resource.type": "index_expression", "index_uuid": "_na_"},
    )


class LocatedError(OpenSearchError):
    """An error about one value of the request body, whose reason names the value's position.

    The domain knows the value only as ``container[key]`` of the parsed body; the HTTP
    layer, which holds the raw bytes, calls :meth:`locate` with the line and column
    (1-based, as Jackson counts) before rendering. ``{at}`` in the template becomes
    ``line:col`` (XContent's ``at 1:10``), ``{line}``/``{column}`` are there for
    Jackson-style messages; ``position_metadata`` adds ``line``/``col`` keys the way
    ``ParsingException`` does.
    """

    def __init__(self, template: str, *, container: Any, key: Any, status: int, type: str,
                 is_opensearch_exception: bool, position_metadata: bool = False) -> None:
        super().__init__(template.format(at="?", line="?", column="?"), status=status, type=type,
                         is_opensearch_exception=is_opensearch_exception)
        self.template = template
        self.container = container
        self.key = key
        self.position_metadata = position_metadata

    def locate(self, line: int, column: int) -> None:
        self.reason = self.template.format(at=f"{line}:{column}", line=line, column=column)
        self.args = (self.reason,)
        if self.position_metadata:
            self.metadata = {"line": line, "col": column}

    def retyped(self, type: str, status: int, *, is_opensearch_exception: bool) -> LocatedError:
        """The same located error raised as another exception (the plugin re-wraps some)."""
        return LocatedError(self.template, container=self.container, key=self.key, status=status, type=type,
                            is_opensearch_exception=is_opensearch_exception,
                            position_metadata=self.position_metadata)


class RawHttpError(Exception):
    """A core-router answer that is not in the error envelope (unknown path, wrong method)."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("error"))
        self.status = status
        self.body = body


class PlainTextError(Exception):
    """An answer the Security plugin sends as plain text (``Unauthorized``), with its own headers."""

    def __init__(self, status: int, text: str, headers: list[tuple[str, str]] | None = None) -> None:
        super().__init__(text)
        self.status = status
        self.text = text
        self.headers = list(headers or [])
