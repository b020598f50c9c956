"""Finding a plan's action by a title that is nearly, but not exactly, the one in the file.

Titles are compared in their normalised form (plans.refs.normalise_title) by difflib's ratio:
twice the matched characters over the two lengths, 1.0 for the same text. Thresholds:

- SURE (0.90) or more, and no other action within TIE (0.03) of it: the same action, shown in
  the preview as "matched by title, 93%";
- ASK (0.75) up to SURE, or two or more actions within TIE of the best: a question listing
  them, never a silent choice;
- below ASK: not this action.

A title cut short by a spreadsheet (at least 30 characters, the start of a known title) counts
as a sure match unless two known titles start that way.

Only a few actions are compared in full: those sharing one of the title's rarest words (the
three known to the fewest actions), then only those sharing at least WORDS_SHARED of their
words (2 x shared / both counts), then only those whose lengths and letters could reach ASK
(difflib's real_quick_ratio and quick_ratio, cheap upper bounds of ratio). A title with every
rare word mistyped is not found: it is a new action, which the preview lists.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

SURE = 0.90
ASK = 0.75
TIE = 0.03
SHORTEST_CUT = 30
RAREST_WORDS = 3
WORDS_SHARED = 0.4
MOST_CANDIDATES = 5  # listed in a question


@dataclass
class Similar:
    item: object
    score: float  # 0..1
    cut: bool = False  # one title is the other cut short

    @property
    def percent(self) -> int:
        return int(self.score * 100)


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


class TitleIndex:
    """Known titles (normalised) and what they belong to, found by similarity."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.words: list[frozenset[str]] = []
        self.items: list[object] = []
        self.postings: dict[str, list[int]] = {}

    def add(self, key: str, item: object) -> None:
        if not key:
            return
        position = len(self.keys)
        words = frozenset(key.split())
        self.keys.append(key)
        self.words.append(words)
        self.items.append(item)
        for word in words:
            self.postings.setdefault(word, []).append(position)

    def similar(self, key: str) -> list[Similar]:
        """Known items whose titles are at least ASK like `key`, best first."""
        if not key:
            return []
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(key)
        words = frozenset(key.split())
        found = []
        for position in self._candidates(words):
            known = self.keys[position]
            # The file's title cut short by a spreadsheet (never a longer title of the file, which
            # may be a phase 2 of the plan's action), with the same numbers.
            if SHORTEST_CUT <= len(key) < len(known) and known.startswith(key):
                found.append(Similar(self.items[position], 1.0, cut=True))
                continue
            known_words = self.words[position]
            shared = len(words & known_words)
            if 2 * shared < WORDS_SHARED * (len(words) + len(known_words)):
                continue
            matcher.set_seq1(known)
            if matcher.real_quick_ratio() < ASK or matcher.quick_ratio() < ASK:
                continue
            score = matcher.ratio()
            if _numbers(key) != _numbers(known):  # "150 homes" is not "100 homes": ask
                score = min(score, SURE - 0.01)
            if score >= ASK:
                found.append(Similar(self.items[position], score))
        found.sort(key=lambda s: -s.score)
        return found

    def _candidates(self, words: frozenset[str]) -> set[int]:
        known = sorted(
            (w for w in words if w in self.postings), key=lambda w: len(self.postings[w])
        )
        candidates: set[int] = set()
        for word in known[:RAREST_WORDS]:
            candidates.update(self.postings[word])
        return candidates


def verdict(found: list[Similar]) -> Similar | None:
    """The one sure match among `found` (best first), or None if there is none or a tie."""
    if not found or found[0].score < SURE:
        return None
    if len(found) > 1 and found[1].score >= found[0].score - TIE:
        return None
    return found[0]
