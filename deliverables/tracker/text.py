"""Words in tracker rows: comparing titles, reading dates, and finding a deliverable by its
title however it was cut or reworded."""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import re

from deliverables.models import (
    Deliverable,
)
from plans.refs import normalise_title

NO_UPDATE_WORDS = re.compile(
    r"^\s*no\s+(update|updates|return|commentary)(\s+(available|provided|received|given|yet))?\s*\.?\s*$",
    re.I,
)
DUPLICATE_OF = re.compile(r"\bduplicate\b\W*(?:of|see)?\W*(?:see\W+)?([^\s,;()]+)", re.I)


def titles_match(a: str, b: str) -> bool:
    """Whether two titles name the same thing, allowing for cut-off and re-typed text."""
    ka, kb = normalise_title(a), normalise_title(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    shorter, longer = sorted((ka, kb), key=len)
    if len(shorter) >= 30 and longer.startswith(shorter):
        return True
    return difflib.SequenceMatcher(None, ka, kb, autojunk=False).ratio() >= 0.6


def same_text(a: str, b: str) -> bool:
    """Normalised texts that are equal, or where one is the other cut short."""
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= 30 and longer.startswith(shorter)


def short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def title_case(heading: str) -> str:
    """ "GROWING UP IN SANDWELL" -> "Growing Up in Sandwell": headings are often in capitals."""
    if not heading.isupper():
        return heading
    small = {"a", "an", "and", "in", "of", "the", "for", "to", "on", "at", "by", "with"}
    words = heading.lower().split()
    return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def parse_date(value: object) -> dt.date | None:
    """A date cell, or text like "May 2022" (the first of the month). Anything else is None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %Y", "%b %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class DeliverableIndex:
    """One outcome's deliverables, found by text (exact, or one cut short) or by reference.

    Cut-off texts are found without scanning: a sorted list of the known texts answers "is a
    known text this one cut short?" by bisection, and the set of known text lengths limits
    "is this one a known text cut short?" to one dictionary lookup a length.
    """

    SHORTEST_CUT = 30  # same_text only matches a cut-off text of at least this many characters

    def __init__(self) -> None:
        self.exact: dict[str, Deliverable] = {}
        self.sorted_keys: list[str] = []
        self.lengths: set[int] = set()
        self.by_ref: dict[str, Deliverable] = {}

    def add(self, deliverable: Deliverable) -> None:
        key = normalise_title(deliverable.title)
        if key not in self.exact:
            self.exact[key] = deliverable
            bisect.insort(self.sorted_keys, key)
            self.lengths.add(len(key))
        if deliverable.ref_normalised:
            self.by_ref.setdefault(deliverable.ref_normalised, deliverable)

    def find(self, title_key: str) -> Deliverable | None:
        found = self.exact.get(title_key)
        if found is not None or len(title_key) < self.SHORTEST_CUT:
            return found
        # A known text that continues this one (this row's text was cut short).
        position = bisect.bisect_left(self.sorted_keys, title_key)
        if position < len(self.sorted_keys) and self.sorted_keys[position].startswith(title_key):
            return self.exact[self.sorted_keys[position]]
        # A known text that this one continues (the known text was cut short).
        for length in sorted(self.lengths, reverse=True):
            if self.SHORTEST_CUT <= length < len(title_key):
                found = self.exact.get(title_key[:length])
                if found is not None:
                    return found
        return None
