"""The folded forms of cell values, worked out once per import.

A tracker repeats itself: a deliverable's title on each of its actions' rows, the same lead
and directorate down a sheet. `sanitise_line` and `normalise_title` are pure functions, so
their answers are kept for the import, keyed by the value itself (and its type: 1, 1.0 and
True are equal as keys but are not the same cell). The results are exactly theirs.
"""

from __future__ import annotations

from plans.refs import normalise_title
from plans.sanitise import sanitise_line


class Folded:
    def __init__(self) -> None:
        self._lines: dict[tuple[type, object], str] = {}
        self._titles: dict[str, str] = {}

    def line(self, value: object) -> str:
        """sanitise_line(value)."""
        try:
            key = (type(value), value)
            return self._lines[key]
        except TypeError:  # an unhashable value: not from a cell, never kept
            return sanitise_line(value)
        except KeyError:
            text = self._lines[key] = sanitise_line(value)
            return text

    def title(self, text: str | None) -> str:
        """normalise_title(text)."""
        if not text:
            return ""
        found = self._titles.get(text)
        if found is None:
            found = self._titles[text] = normalise_title(text)
        return found
