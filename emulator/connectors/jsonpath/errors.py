"""The exceptions a JSONPath compile or read can end in, named after the Java classes Jayway throws.

``JsonPathError`` and its two subclasses are the public face. Jayway's own hierarchy is kept
(``PathNotFoundException`` extends ``InvalidPathException`` extends ``JsonPathException``), so a
``catch (InvalidPathException)`` in the plugin and an ``except InvalidPath`` here catch the same things.

``JavaError`` stands for a JDK exception (``StringIndexOutOfBoundsException``, ``NumberFormatException``,
...) thrown while Jayway runs. Inside the engine it behaves like the Java exception would (Jayway catches
some of them and wraps them); whatever escapes is turned into a ``JsonPathError`` carrying the JDK class
name, so callers only ever see ``JsonPathError``.
"""

from __future__ import annotations

JSON_PATH_EXCEPTION = "com.jayway.jsonpath.JsonPathException"
INVALID_PATH_EXCEPTION = "com.jayway.jsonpath.InvalidPathException"
PATH_NOT_FOUND_EXCEPTION = "com.jayway.jsonpath.PathNotFoundException"
INVALID_JSON_EXCEPTION = "com.jayway.jsonpath.InvalidJsonException"


def _readable(text: str | None) -> str | None:
    # Jayway works on UTF-16 code units; a surrogate pair cut out of the path is joined again here.
    if text is None:
        return None
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


class JsonPathError(Exception):
    """A failure of Jayway JsonPath; ``java_type`` is the Java class, ``message`` its ``getMessage()``."""

    default_java_type = JSON_PATH_EXCEPTION

    def __init__(self, message: str | None, java_type: str | None = None) -> None:
        self.message = _readable(message)
        self.java_type = java_type or self.default_java_type
        super().__init__(self.message)

    def java_string(self) -> str:
        """``Throwable.toString()``: the class name, then ``": " + message`` when there is one."""
        return self.java_type if self.message is None else f"{self.java_type}: {self.message}"


class InvalidPath(JsonPathError):
    """``com.jayway.jsonpath.InvalidPathException``: bad syntax, or a filter applied where it cannot be."""

    default_java_type = INVALID_PATH_EXCEPTION


class PathNotFound(InvalidPath):
    """``com.jayway.jsonpath.PathNotFoundException``: a definite path that matched nothing."""

    default_java_type = PATH_NOT_FOUND_EXCEPTION


class JavaError(Exception):
    """A JDK exception raised while Jayway runs (not a Jayway exception)."""

    def __init__(self, java_type: str, message: str | None = None) -> None:
        self.java_type = java_type
        self.message = message
        super().__init__(java_type if message is None else f"{java_type}: {message}")

    def java_string(self) -> str:
        """``Throwable.toString()``."""
        return self.java_type if self.message is None else f"{self.java_type}: {self.message}"

    def as_public(self) -> JsonPathError:
        """The same exception as the public ``JsonPathError`` type."""
        return JsonPathError(self.message, self.java_type)


def string_index_error(index: int, length: int) -> JavaError:
    """``String.charAt`` out of range, worded as JDK 17+ words it."""
    return JavaError("java.lang.StringIndexOutOfBoundsException", f"Index {index} out of bounds for length {length}")


def string_range_error(begin: int, end: int, length: int) -> JavaError:
    """``String.substring`` out of range, worded as JDK 17+ words it."""
    return JavaError("java.lang.StringIndexOutOfBoundsException",
                     f"Range [{begin}, {end}) out of bounds for length {length}")


def list_index_error(index: int, length: int) -> JavaError:
    """``ArrayList.get`` out of range."""
    return JavaError("java.lang.IndexOutOfBoundsException", f"Index {index} out of bounds for length {length}")


def number_format_error(text: str) -> JavaError:
    """``Integer.parseInt`` refusing its input."""
    return JavaError("java.lang.NumberFormatException", f'For input string: "{text}"')


def stack_overflow() -> JsonPathError:
    """What a nesting too deep for the interpreter becomes: Java would overflow its stack as well."""
    return JsonPathError(None, "java.lang.StackOverflowError")


_INDEX_ERRORS = frozenset({"java.lang.IndexOutOfBoundsException", "java.lang.StringIndexOutOfBoundsException",
                           "java.lang.ArrayIndexOutOfBoundsException"})


def is_index_error(error: JavaError) -> bool:
    """``error instanceof IndexOutOfBoundsException``."""
    return error.java_type in _INDEX_ERRORS
