"""A cursor over a path or filter text with the exact look-ahead rules of Jayway's ``CharacterIndex``.

Jayway's error messages quote positions, and some inputs make it read one char past the end of the
text (which Java reports as ``StringIndexOutOfBoundsException``). Reproducing those outcomes needs the
same notion of "in bounds" (up to the trimmed end) versus "inside the string" (up to its real length),
so this cursor keeps both, and reads past the real end raise the JDK exception.

The text is held as UTF-16 code units (see ``javalang.units``): positions count Java chars.
"""

from __future__ import annotations

from .errors import InvalidPath, string_index_error, string_range_error

SPACE = " "


class Scanner:
    """Position, trimmed end and look-ahead helpers over one Java string."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.end = len(text) - 1

    def __str__(self) -> str:
        return self.text

    # -- raw access ---------------------------------------------------------------------------------------------------

    def char_at(self, index: int) -> str:
        """``String.charAt``: anywhere inside the real string, even past the trimmed end."""
        if 0 <= index < len(self.text):
            return self.text[index]
        raise string_index_error(index, len(self.text))

    def slice(self, begin: int, end: int) -> str:
        """``String.subSequence``."""
        if begin < 0 or begin > end or end > len(self.text):
            raise string_range_error(begin, end, len(self.text))
        return self.text[begin:end]

    def length(self) -> int:
        """Length up to the trimmed end."""
        return self.end + 1

    def in_bounds(self, index: int | None = None) -> bool:
        index = self.pos if index is None else index
        return 0 <= index <= self.end

    def out_of_bounds(self, index: int) -> bool:
        return not self.in_bounds(index)

    # -- the current char ---------------------------------------------------------------------------------------------

    def current(self) -> str:
        return self.char_at(self.pos)

    def current_is(self, c: str) -> bool:
        return self.char_at(self.pos) == c

    def last_is(self, c: str) -> bool:
        return self.char_at(self.end) == c

    def next_is(self, c: str) -> bool:
        return self.in_bounds(self.pos + 1) and self.char_at(self.pos + 1) == c

    def is_tail(self) -> bool:
        return self.pos >= self.end

    def has_more(self) -> bool:
        return self.in_bounds(self.pos + 1)

    # -- looking ahead and back over spaces ---------------------------------------------------------------------------

    def index_of_next_significant(self, c: str, start: int | None = None) -> int:
        """Index of ``c`` if it is the first non-space after ``start``, else -1 (may read past the end)."""
        index = (self.pos if start is None else start) + 1
        while not self.out_of_bounds(index) and self.char_at(index) == SPACE:
            index += 1
        return index if self.char_at(index) == c else -1

    def next_significant_is(self, c: str, start: int | None = None) -> bool:
        index = (self.pos if start is None else start) + 1
        while not self.out_of_bounds(index) and self.char_at(index) == SPACE:
            index += 1
        return not self.out_of_bounds(index) and self.char_at(index) == c

    def next_significant(self, start: int | None = None) -> str:
        """The first non-space after ``start``, or a space when there is none."""
        index = (self.pos if start is None else start) + 1
        while not self.out_of_bounds(index) and self.char_at(index) == SPACE:
            index += 1
        return self.char_at(index) if not self.out_of_bounds(index) else SPACE

    def previous_significant(self) -> str:
        index = self.pos - 1
        while not self.out_of_bounds(index) and self.char_at(index) == SPACE:
            index -= 1
        return self.char_at(index) if not self.out_of_bounds(index) else SPACE

    def index_of_previous_significant(self) -> int:
        index = self.pos - 1
        while not self.out_of_bounds(index) and self.char_at(index) == SPACE:
            index -= 1
        return index if not self.out_of_bounds(index) else -1

    def next_index_of(self, c: str, start: int) -> int:
        index = start
        while not self.out_of_bounds(index):
            if self.char_at(index) == c:
                return index
            index += 1
        return -1

    def next_unescaped(self, c: str, start: int | None = None) -> int:
        """Index of the next ``c`` after ``start`` that no backslash escapes, or -1."""
        index = (self.pos if start is None else start) + 1
        escaped = False
        while not self.out_of_bounds(index):
            char = self.char_at(index)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == c:
                return index
            index += 1
        return -1

    def matching_close(self, start: int, open_char: str, close_char: str, skip_strings: bool, skip_regex: bool) -> int:
        """Index of the char closing the bracket at ``start``, skipping quoted strings (and /regex/)."""
        if self.char_at(start) != open_char:
            raise InvalidPath(f"Expected {open_char} but found {self.char_at(start)}")
        depth, index = 1, start + 1
        while self.in_bounds(index):
            if skip_strings:
                quote = self.char_at(index)
                if quote in ("'", '"'):
                    index = self.next_unescaped(quote, index)
                    if index == -1:
                        raise InvalidPath(f"Could not find matching close quote for {quote} when parsing : {self.text}")
                    index += 1
            if skip_regex and self.char_at(index) == "/":
                index = self.next_unescaped("/", index)
                if index == -1:
                    raise InvalidPath(f"Could not find matching close for / when parsing regex in : {self.text}")
                index += 1
            char = self.char_at(index)
            if char == open_char:
                depth += 1
            if char == close_char:
                depth -= 1
                if depth == 0:
                    return index
            index += 1
        return -1

    # -- moving -------------------------------------------------------------------------------------------------------

    def skip_blanks(self) -> Scanner:
        """Skips spaces, but never the last char."""
        while self.in_bounds() and self.pos < self.end and self.current() == SPACE:
            self.pos += 1
        return self

    def trim(self) -> Scanner:
        self.skip_blanks()
        while self.in_bounds() and self.pos < self.end and self.last_is(SPACE):
            self.end -= 1
        return self

    def read_significant(self, c: str) -> None:
        if self.skip_blanks().current() != c:
            raise InvalidPath(f"Expected character: {c}")
        self.pos += 1

    def has_significant_sequence(self, sequence: str) -> bool:
        """Consumes ``sequence`` if it comes next (after spaces)."""
        self.skip_blanks()
        if not self.in_bounds(self.pos + len(sequence) - 1):
            return False
        if self.slice(self.pos, self.pos + len(sequence)) != sequence:
            return False
        self.pos += len(sequence)
        return True
