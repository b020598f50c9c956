"""A tracker as the reader returns it: its rows read by meaning, where each meaning sat, and
what the reader made of every column, noise row and quarter group."""

from __future__ import annotations

from dataclasses import dataclass, field

from deliverables.tracker.meanings import ColumnGuess


@dataclass
class Layout:
    """Where each meaning sits on a sheet: meaning -> 0-based column index; a quarter's
    columns by quarter ({3: {"status": 4, "commentary": 5}})."""

    columns: dict[str, int]
    header_row: int
    quarter_hint: int | None = None  # the quarter when the columns name exactly one
    headers: dict[str, str] = field(default_factory=dict)
    quarters: dict[int, dict[str, int]] = field(default_factory=dict)
    guesses: list[ColumnGuess] = field(default_factory=list)


@dataclass
class QuarterProgress:
    """One quarter's status and commentary on a row of a multi-quarter tracker."""

    status: str = ""
    status_fill: str | None = None
    commentary: str = ""


@dataclass
class TrackerRow:
    """One data row of a tracker, read by meaning. Text is cleaned but not yet sanitised."""

    sheet: str
    row: int
    # Names that may match an existing outcome, nearest first. Only outcome_creatable (the
    # outcome column's value; headings and sheet names only where the mapping says they are
    # outcomes) may create one: a title row, sheet name or file name never does by default.
    outcome_candidates: tuple[str, ...]
    theme: str = ""
    deliverable_ref: str = ""
    deliverable: str = ""
    action_ref: str = ""
    action: str = ""
    directorate: str = ""
    lead: str = ""
    status: str = ""
    status_fill: str | None = None
    commentary: str = ""
    start: object = None
    due: object = None
    external_ref: str = ""
    quarter_hint: int | None = None
    # Columns of one quarter each ("Q1 RAG", "Quarter 2 update"): quarter -> its values. The
    # plain status/commentary above are the file's one quarter's when it names only one.
    by_quarter: dict[int, QuarterProgress] = field(default_factory=dict)
    milestone: str = ""
    percent_complete: object = None
    stage: str = ""
    hidden: bool = False  # a hidden row of the sheet: read, and flagged in the preview
    outcome_creatable: tuple[str, ...] = ()
    heading_theme: str = ""  # the section heading (or sheet name) the mapping says is a theme


@dataclass
class SheetSkip:
    sheet: str
    reason: str


@dataclass
class ReadResult:
    rows: list[TrackerRow]
    skipped_sheets: list[SheetSkip]
    layouts: dict[str, list[Layout]]
    columns: list[ColumnGuess] = field(default_factory=list)  # every column of every header
    noise: list[dict] = field(default_factory=list)  # {"sheet", "row", "reason"}
    header_keys: list[str] = field(default_factory=list)  # for meanings.header_signature
    quarters: set[int] = field(default_factory=set)  # quarters named by column groups
