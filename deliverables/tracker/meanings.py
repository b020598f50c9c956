"""What a tracker's columns can mean, and the mapping an administrator confirms.

The importer never acts on a column it has only guessed at without showing the guess: the
mapping step lists every column with its meaning, the evidence for it and a confidence; the
administrator changes any of them, and the confirmed mapping can be saved as a named layout
(ImportLayout) that is applied the next time a file with the same headers arrives.

A mapping is keyed by header key: the header text folded (lower case, punctuation to spaces,
spaces collapsed), so "Q3 Rating - RAG" and "q3 rating rag" are one key. Where one sheet has
the same header twice, the second is "<key>#2", the third "<key>#3".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field

IGNORE = "ignore"

# Meanings a column can have, in the order the mapping step offers them.
MEANINGS: list[tuple[str, str]] = [
    ("action_ref", "Action reference"),
    ("action", "Action title"),
    ("deliverable_ref", "Deliverable reference"),
    ("deliverable", "Deliverable title"),
    ("outcome", "Outcome"),
    ("theme", "Theme"),
    ("directorate", "Directorate"),
    ("lead", "Lead officer"),
    ("status", "Status"),
    ("commentary", "Commentary"),
    ("start", "Start date"),
    ("due", "Due date"),
    ("external_ref", "External reference"),
    ("milestone", "Milestone"),
    ("percent_complete", "Percent complete"),
    ("stage", "Stage"),
    *[(f"q{q}_status", f"Q{q} status") for q in (1, 2, 3, 4)],
    *[(f"q{q}_commentary", f"Q{q} commentary") for q in (1, 2, 3, 4)],
    (IGNORE, "Ignore this column"),
]
MEANING_LABELS = dict(MEANINGS)
_QUARTER_MEANING = re.compile(r"^q([1-4])_(status|commentary)$")

# What the rows between header and data that are not data (section headings) and the sheet's
# name may be used for. "match" only finds existing structure by name and never creates any.
HEADING_USES: list[tuple[str, str]] = [
    ("match", "Only to find existing outcomes by name"),
    ("outcome", "Outcomes: create one where none has the name"),
    ("theme", "Themes: create one where none has the name"),
    (IGNORE, "Nothing"),
]


def fold(text: str) -> str:
    """A header as a key: "Q3 Rating - RAG" -> "q3 rating rag"."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w]+", " ", str(text).casefold())).strip()


def quarter_meaning(meaning: str) -> tuple[int, str] | None:
    """(quarter, "status" or "commentary") for "q3_status", else None."""
    match = _QUARTER_MEANING.match(meaning)
    return (int(match.group(1)), match.group(2)) if match else None


@dataclass
class Mapping:
    """Header key -> meaning, plus what section headings and sheet names are used for."""

    columns: dict[str, str] = field(default_factory=dict)
    headings: str = "match"
    sheet_names: str = "match"
    # Who said so, shown beside each column it names: "you" (the page, --map) or "layout"
    # (a saved layout applied to the file).
    origin: str = "you"

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict | None) -> Mapping:
        data = data or {}
        columns = {
            str(k): str(v) for k, v in (data.get("columns") or {}).items() if v in MEANING_LABELS
        }
        uses = dict(HEADING_USES)
        headings = data.get("headings") if data.get("headings") in uses else "match"
        sheet_names = data.get("sheet_names") if data.get("sheet_names") in uses else "match"
        origin = "layout" if data.get("origin") == "layout" else "you"
        return cls(columns=columns, headings=headings, sheet_names=sheet_names, origin=origin)

    def from_layout(self) -> Mapping:
        """This mapping as a saved layout applies it."""
        return Mapping(self.columns, self.headings, self.sheet_names, origin="layout")


def header_signature(header_keys: list[str]) -> str:
    """Which layout a file has: the same headers in any order and on any sheet give one."""
    joined = "\n".join(sorted(set(header_keys)))
    return hashlib.sha256(joined.encode()).hexdigest()


@dataclass
class ColumnGuess:
    """One column as the mapping step shows it."""

    sheet: str
    index: int  # 0-based
    letter: str  # "A", "B", ... "AA"
    header: str  # as written (with any group heading above it, "Q1 2023/24 RAG")
    key: str  # the mapping key
    meaning: str  # a MEANINGS key; IGNORE when nothing fits
    evidence: str  # "header says 'RAG'", "values are On Track, Complete"
    samples: list[str] = field(default_factory=list)  # up to three values from the rows
    confidence: str = "high"  # high, medium, low
    source: str = "guess"  # guess, layout (a saved layout said so), you (changed by the user)

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class Question:
    """Something the importer will not guess at: shown in the preview with its choices.

    `key` is stable across previews of the same file (for example "match:Sheet1:14"), so an
    answer given on one preview applies to the next. `choices` are (value, label) pairs;
    `default` is what happens if the question is left unanswered, which is never a write the
    importer is unsure of (a row left out, a new action not created)."""

    key: str
    sheet: str
    row: int
    text: str
    choices: list[tuple[str, str]]
    default: str

    def as_json(self) -> dict:
        return {**asdict(self), "choices": [list(c) for c in self.choices]}
