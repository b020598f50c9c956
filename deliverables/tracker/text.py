"""Words in tracker rows: comparing titles, a reference typed into a title, and finding a
deliverable by its title however it was cut or reworded. Dates are read in dates.py."""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable

from deliverables.models import (
    Deliverable,
)
from plans.refs import fold_lookalikes, normalise_title

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


# A reference typed at the start of a title: "CH11 Deliver ...", "CH11 - Deliver ...",
# "PH.6: Deliver ...", "ASC17a Deliver ...". Matched on the title with look-alike letters read
# as Latin ones.
_TYPED_REF = re.compile(
    r"^(?P<ref>(?P<letters>[A-Z]{1,5})[ .]?\d{1,3}[a-z]?)"
    r"(?:\s*(?P<sep>[-\u2013\u2014:.)])\s*|\s+)(?P<rest>\S.*)$"
)


def split_ref(title: str, known: Callable[[str], bool]) -> tuple[str, str]:
    """(reference, the rest) for a title that starts with a reference, else ("", title).

    A reference is believed when `known(ref)` says so (an action has it, or a directorate
    uses its letters) or when a dash, colon, full stop or bracket sets it apart and it has at
    least two letters: "M6 widening" keeps its words, "CH11 - Deliver" does not.
    """
    folded = fold_lookalikes(title)
    match = _TYPED_REF.match(folded)
    if not match:
        return "", title
    ref = match.group("ref")
    if not (known(ref) or (match.group("sep") and len(match.group("letters")) >= 2)):
        return "", title
    rest_at = match.start("rest")
    rest = title[rest_at:] if len(folded) == len(title) else folded[rest_at:]
    return ref, rest


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
