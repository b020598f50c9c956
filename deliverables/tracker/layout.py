"""Find a tracker's header rows and columns by what they say, and read its rows.

Councils lay trackers out differently and change them year to year ("Q3 Rating - RAG",
"RAG Rating", "RAG Status"; "Q3 October - December", "Q2 Commentary", "Q2 Update"). A header
row is recognised by its words (or by the mapping the administrator confirmed), columns may
come in any order, and every column is reported with what it was taken to mean (columns.py).
Rows that are not data (totals, keys, units, instructions) are skipped with a reason
(noise.py). A row's strategic outcome may be matched by name from an outcome column, a section
heading row, a title above the header, or the sheet name, in that order; only the outcome
column, and headings or sheet names the mapping says are outcomes, may create one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from deliverables.tracker.columns import (
    header_role,
    header_texts,
    keys_for,
)
from deliverables.tracker.headers import (
    build_layout,
    cleaned,
    could_be_header,
    distinct,
    header_row,
    samples_below,
)
from deliverables.tracker.meanings import ColumnGuess, Mapping
from deliverables.tracker.noise import is_instruction, noise_reason
from deliverables.tracker.rows import Layout, QuarterProgress, ReadResult, SheetSkip, TrackerRow
from plans.formulae import unescape_formula
from plans.workbook import EMPTY, Cell, Sheet, Workbook

__all__ = [
    "Layout",
    "QuarterProgress",
    "ReadResult",
    "SheetSkip",
    "TrackerRow",
    "header_role",
    "read_sheet",
    "read_tracker",
]

NO_HEADER = "no header row naming actions and their status or commentary"


@dataclass
class SheetRead:
    """What reading one sheet found."""

    rows: list[TrackerRow] = field(default_factory=list)
    row_layouts: list[Layout] = field(default_factory=list)  # each row's layout
    layouts: list[Layout] = field(default_factory=list)
    noise: list[dict] = field(default_factory=list)
    columns: list[ColumnGuess] = field(default_factory=list)
    reason: str | None = None


def _is_heading(texts: list[str], clean: list[str], layout: Layout | None) -> str | None:
    """A section heading: one short text, merged across the row or in a column no role uses."""
    if len(texts) != 1 or len(texts[0]) > 150:
        return None
    text = texts[0]
    if layout is None:
        return text
    filled = [i for i, t in enumerate(clean) if t]
    if len(filled) > 1:  # the same text across several cells: a merged heading
        return text
    used = set(layout.columns.values()) | {i for q in layout.quarters.values() for i in q.values()}
    if filled[0] not in used:
        return text
    # A lone value in a text column is a heading only if it reads like one.
    if text.isupper() and len(text) <= 80:
        return text
    return None


def _at(values: list, index: int | None, default: object = "") -> object:
    return values[index] if index is not None and index < len(values) else default


def _lines(cells: list[Cell], index: int | None) -> str:
    """A cell's text with its line breaks kept (commentary, milestones)."""
    if index is None or index >= len(cells) or cells[index].value is None:
        return ""
    return str(unescape_formula(cells[index].value)).strip()


_TEXT_FIELDS = ("action_ref", "action", "directorate", "lead", "external_ref", "stage", "status")
_RAW_FIELDS = ("start", "due", "percent_complete")


def _read_fields(row: TrackerRow, cells: list[Cell], clean: list[str], layout: Layout) -> None:
    columns = layout.columns
    width = len(cells)
    for name in _TEXT_FIELDS:
        index = columns.get(name)
        if index is not None and index < width:
            setattr(row, name, clean[index])
    for name in _RAW_FIELDS:
        index = columns.get(name)
        if index is not None and index < width:
            setattr(row, name, unescape_formula(cells[index].value))
    row.commentary = _lines(cells, columns.get("commentary"))
    row.milestone = _lines(cells, columns.get("milestone"))
    row.status_fill = _at(cells, columns.get("status"), EMPTY).fill
    for quarter, where in layout.quarters.items():
        row.by_quarter[quarter] = QuarterProgress(
            status=_at(clean, where.get("status")),
            status_fill=_at(cells, where.get("status"), EMPTY).fill,
            commentary=_lines(cells, where.get("commentary")),
        )


class _SheetReader:
    """Reads one sheet's rows in order, keeping what the rows above have said."""

    def __init__(self, sheet: Sheet, mapping: Mapping) -> None:
        self.sheet, self.mapping = sheet, mapping
        self.found = SheetRead()
        self.layout: Layout | None = None
        self.titles: list[str] = []  # headings above a block's own heading: sheet titles
        self.pending: list[str] = []  # headings since the last header or data row
        self.section: str | None = None  # the heading of the block the current row is in
        self.previous_deliverable = ("", "")
        self.previous_theme = ""
        self.blanks: list[int] = []  # formatted empty rows since the last data row
        self.keys: list[str] = []
        self.undo: tuple[int, int] | None = None  # what the last header added, until data
        self.candidate: int | None = None  # where a header row may be, if none is found
        self.outcome_names: dict[tuple, tuple] = {}

    def read(self) -> SheetRead:
        lines = list(self.sheet.rows())
        previous: tuple[int, list[Cell]] | None = None
        for position, (number, cells) in enumerate(lines):
            clean = cleaned(cells)
            texts = distinct(clean)
            if not texts:
                if self.layout is not None and (cells or number in self.sheet.formatted_rows):
                    self.blanks.append(number)
                continue
            adjacent = previous[1] if previous and previous[0] == number - 1 else None
            header = header_row(cells, adjacent, self.mapping)
            if header is not None:
                self._header(number, *header, lines, position, previous, cells)
            else:
                self._row(number, cells, clean, texts)
                if self.candidate is None and len(texts) > 1 and could_be_header(cells):
                    self.candidate = position
            previous = (number, cells)
        if not self.found.layouts:
            self.found.reason = NO_HEADER
            self._unread_columns(lines)
        return self.found

    def _unread_columns(self, lines: list) -> None:
        """A sheet with no header the reader knows: the columns of the first row that could
        be one, listed so that the administrator can say what they mean."""
        if self.candidate is None:
            return
        number, cells = lines[self.candidate]
        texts = header_texts(cells, None)
        samples = samples_below(lines, self.candidate + 1)
        layout = build_layout(
            self.sheet.name, number, texts, keys_for(texts), samples, self.mapping
        )
        self.found.columns = layout.guesses
        self.keys = [g.key for g in layout.guesses if g.header]

    def _header(self, number, texts, keys, lines, position, previous, cells) -> None:
        if previous is not None and texts != header_texts(cells, None):
            self._forget(previous[0], distinct(cleaned(previous[1])))  # group headings
        above = self.layout.header_row if self.layout else None
        if self.undo is not None and previous is not None and previous[0] == above == number - 1:
            # A header row right under another: the one above held its group headings.
            self.found.layouts.pop()
            del self.found.columns[self.undo[0] :], self.keys[self.undo[1] :]
        layout = build_layout(
            self.sheet.name, number, texts, keys, samples_below(lines, position + 1), self.mapping
        )
        self.layout = layout
        self.found.layouts.append(layout)
        self.undo = (len(self.found.columns), len(self.keys))
        seen = {(g.sheet, g.key) for g in self.found.columns}
        self.found.columns.extend(g for g in layout.guesses if (g.sheet, g.key) not in seen)
        self.keys.extend(k for t, k in zip(texts, keys, strict=True) if t)
        if self.pending:
            # The heading nearest above a header names its block; any above it are titles.
            self.section = self.pending[-1]
            if len(self.found.layouts) == 1:
                self.titles.extend(self.pending[:-1])
            self.pending = []
        self.previous_deliverable = ("", "")
        self.blanks = []

    def _forget(self, number: int, texts: list[str]) -> None:
        """A row read before it turned out to be the group headings of the header below."""
        found = self.found
        if found.rows and found.rows[-1].row == number:
            found.rows.pop()
            found.row_layouts.pop()
        found.noise = [n for n in found.noise if n["row"] != number]
        if len(texts) == 1 and self.pending and self.pending[-1] == texts[0]:
            self.pending.pop()

    def _row(self, number: int, cells: list[Cell], clean: list[str], texts: list[str]) -> None:
        layout = self.layout
        if layout is None:
            if not is_instruction(texts):
                heading = _is_heading(texts, clean, None)
                if heading is not None:
                    self.pending.append(heading)
            return
        columns = layout.columns
        reason = noise_reason(
            texts,
            _at(cells, columns.get("action"), EMPTY).value,
            _at(clean, columns.get("action")),
            _at(clean, columns.get("action_ref")),
        )
        if reason:
            self.found.noise.append({"sheet": self.sheet.name, "row": number, "reason": reason})
            return
        heading = _is_heading(texts, clean, layout)
        if heading is not None:
            self.pending.append(heading)
            self.section = heading
            self.previous_deliverable = ("", "")
            return
        self.pending = []
        self.undo = None
        self._flush_blanks()
        self._data_row(number, cells, clean, layout)

    def _flush_blanks(self) -> None:
        for number in self.blanks:
            reason = "formatting only, no values"
            self.found.noise.append({"sheet": self.sheet.name, "row": number, "reason": reason})
        self.blanks = []

    def _data_row(self, number: int, cells: list[Cell], clean: list[str], layout: Layout) -> None:
        row = TrackerRow(sheet=self.sheet.name, row=number, outcome_candidates=())
        _read_fields(row, cells, clean, layout)
        columns = layout.columns
        self._outcomes(row, _at(clean, columns.get("outcome")))
        deliverable_ref = _at(clean, columns.get("deliverable_ref"))
        deliverable = _at(clean, columns.get("deliverable"))
        theme = _at(clean, columns.get("theme"))
        if theme != self.previous_theme:
            self.previous_deliverable = ("", "")  # a new theme starts afresh
            self.previous_theme = theme
        if not deliverable_ref and not deliverable:
            # A blank deliverable under a merged or repeated one means "same as above".
            deliverable_ref, deliverable = self.previous_deliverable
        else:
            self.previous_deliverable = (deliverable_ref, deliverable)
        row.theme, row.deliverable_ref, row.deliverable = theme, deliverable_ref, deliverable
        row.quarter_hint = layout.quarter_hint
        row.hidden = number in self.sheet.hidden_rows
        self.found.rows.append(row)
        self.found.row_layouts.append(layout)

    def _outcomes(self, row: TrackerRow, outcome_cell: str) -> None:
        key = (outcome_cell, self.section, len(self.titles))
        if key not in self.outcome_names:
            self.outcome_names[key] = self._outcome_names(outcome_cell)
        names = self.outcome_names[key]
        row.outcome_candidates, row.outcome_creatable, row.heading_theme = names

    def _outcome_names(self, outcome_cell: str) -> tuple[tuple, tuple, str]:
        """Where a row's outcome may be named, nearest first: its own column, its block's
        heading, the titles above, the sheet's name; which of them may create one; and the
        heading (or sheet name) that is its theme, if the mapping says so."""
        headings, sheet_names = self.mapping.headings, self.mapping.sheet_names
        section, name = self.section, self.sheet.name
        candidates = [outcome_cell] if outcome_cell else []
        creatable = list(candidates)
        if headings in {"match", "outcome"}:
            candidates.extend([section] if section else [])
            candidates.extend(reversed(self.titles))
            if section and headings == "outcome":
                creatable.append(section)
        if sheet_names in {"match", "outcome"}:
            candidates.append(name)
            if sheet_names == "outcome":
                creatable.append(name)
        theme = ""
        if headings == "theme" and section:
            theme = section
        elif sheet_names == "theme":
            theme = name
        return tuple(dict.fromkeys(candidates)), tuple(dict.fromkeys(creatable)), theme


def read_sheet(sheet: Sheet, mapping: Mapping | None = None) -> SheetRead:
    """One sheet's rows, layouts, noise and columns, and why it was skipped (reason)."""
    return _SheetReader(sheet, mapping or Mapping()).read()


def _one_quarter_as_plain(rows: list[TrackerRow], layouts: list[Layout], quarter: int) -> None:
    """A file naming one quarter: its status and commentary are also the row's plain ones,
    where the row's layout has no unqualified column of its own."""
    for row, layout in zip(rows, layouts, strict=True):
        values = row.by_quarter.get(quarter)
        if values is None:
            continue
        if "status" not in layout.columns:
            row.status, row.status_fill = values.status, values.status_fill
        if "commentary" not in layout.columns:
            row.commentary = values.commentary


def read_tracker(workbook: Workbook, mapping: Mapping | None = None) -> ReadResult:
    """Every data row of every visible sheet that has a tracker header, its columns read as
    `mapping` says where it names them, and what the reader made of every column."""
    mapping = mapping or Mapping()
    result = ReadResult(rows=[], skipped_sheets=[], layouts={})
    row_layouts: list[Layout] = []
    for sheet in workbook.sheets:
        if sheet.hidden:
            result.skipped_sheets.append(SheetSkip(sheet.name, "hidden sheet"))
            continue
        reader = _SheetReader(sheet, mapping)
        found = reader.read()
        result.columns.extend(found.columns)
        result.header_keys.extend(k for k in reader.keys if k not in result.header_keys)
        if found.reason:
            result.skipped_sheets.append(SheetSkip(sheet.name, found.reason))
            continue
        result.rows.extend(found.rows)
        row_layouts.extend(found.row_layouts)
        result.layouts[sheet.name] = found.layouts
        result.noise.extend(found.noise)
        result.quarters.update(q for layout in found.layouts for q in layout.quarters)
    if len(result.quarters) == 1:
        _one_quarter_as_plain(result.rows, row_layouts, next(iter(result.quarters)))
    return result
