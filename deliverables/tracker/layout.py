"""Find a tracker's header rows and columns by what they say, and read its rows.

Councils lay trackers out differently and change them year to year ("Q3 Rating - RAG",
"RAG Rating", "RAG Status"; "Q3 October - December", "Q2 Commentary", "Q2 Update"). A header
row is recognised by its words, columns may come in any order, and the strategic outcome of a
row comes from an outcome column, a section heading row, a title above the header, or the
sheet name, in that order of preference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from deliverables.tracker.meanings import Mapping
from plans.formulae import unescape_formula
from plans.refs import clean_text
from plans.workbook import Cell, Sheet, Workbook

# Column roles, tried in this order on each header cell; the first that matches wins. Each
# alternative is a regular expression run on the header folded to lower case, punctuation
# turned to spaces ("Q3 Rating - RAG" -> "q3 rating rag").
_REF = r"s? (ref|reference|no|number|id)\b"
ROLE_ALTERNATIVES: list[tuple[str, list[str]]] = [
    ("action_ref", [rf"^(bp|business plan|action|directorate action|ad action){_REF}"]),
    ("deliverable_ref", [rf"^(cp|corporate plan|council plan|deliverable|plan){_REF}"]),
    (
        "action",
        [
            "directorate action",
            "business plan action",
            r"^actions?\b",
            r"^key actions?$",
            r"^activit(y|ies)$",
            "^action title",
            "^task",
        ],
    ),
    (
        "deliverable",
        [
            r"^deliverables?$",
            r"^(corporate|council) plan deliverables?",
            "^we will",
            "aspiration",
            r"^commitments?$",
            r"^objectives?$",
        ],
    ),
    ("status", [r"\brag\b", r"\brating\b", r"\bstatus$", "^progress status", "^overall status"]),
    (
        "commentary",
        [
            "commentary",
            r"comments?$",
            r"\bupdates?$",
            "^progress$",
            "^progress update",
            "narrative",
            "april",
            "july",
            "october",
            "january",
            r"^q[1-4] (update|progress)",
        ],
    ),
    (
        "outcome",
        [
            r"^strategic outcomes?$",
            r"^outcomes?$",
            r"^priorit(y|ies)$",
            "council plan priority",
            "^ambition$",
        ],
    ),
    ("theme", [r"^themes?$", r"^workstreams?$", r"^sub themes?$"]),
    ("directorate", [r"^directorates?$", "^service area$", "^department$"]),
    ("lead", ["^lead$", "^lead officer", "^responsible", "^owner$", "^accountable"]),
    ("start", ["^start"]),
    ("due", ["^due", "deadline", "^target date", "^completion date", "^end date"]),
    ("external_ref", [r"^(external )?reference$", "^source$", "recommendation"]),
    ("ref", [r"^(ref|reference|no|number|id)$"]),
]
ROLE_PATTERNS = [(role, re.compile("|".join(alts))) for role, alts in ROLE_ALTERNATIVES]

ACTION_ROLES = {"action", "action_ref"}
PROGRESS_ROLES = {"status", "commentary"}
_QUARTER_IN_HEADER = re.compile(r"\bq([1-4])\b")
_MONTHS_TO_QUARTER = {"april": 1, "july": 2, "october": 3, "january": 4}
_HEADER_CELL_MAX = 80
_HEADER_WORDS_MAX = 8  # "Key deliverables (Directorate Action)" is four; a data sentence is more


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w]+", " ", text.casefold())).strip()


def header_role(text: str) -> str | None:
    """The role a header cell names, or None. "Key deliverables (Directorate Action)" -> action."""
    folded = _fold(text)
    if not folded or len(text) > _HEADER_CELL_MAX or len(folded.split()) > _HEADER_WORDS_MAX:
        return None
    for role, pattern in ROLE_PATTERNS:
        if pattern.search(folded):
            return role
    return None


@dataclass
class Layout:
    """Where each role sits on a sheet: role -> 0-based column index."""

    columns: dict[str, int]
    header_row: int
    quarter_hint: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _could_be_header(cells: list[Cell]) -> bool:
    """Cheap first look: a header has two or more short text cells and no long ones."""
    short = 0
    for cell in cells:
        value = cell.value
        if value is None or value == "":
            continue
        if not isinstance(value, str) or len(value) > _HEADER_CELL_MAX:
            return False
        short += 1
    return short >= 2


def detect_layout(row_number: int, cells: list[Cell]) -> Layout | None:
    """A Layout if this row reads as a tracker header, else None."""
    if not _could_be_header(cells):
        return None
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    pending_refs: list[int] = []
    quarter = None
    for index, cell in enumerate(cells):
        text = clean_text(cell.value)
        role = header_role(text) if isinstance(cell.value, str) else None
        if role is None:
            continue
        if quarter is None:
            quarter = _quarter_named(_fold(text))
        if role == "ref":
            pending_refs.append(index)
        elif role not in columns:
            columns[role] = index
            headers[role] = text
    _place_bare_refs(pending_refs, cells, columns, headers)
    if not (columns.keys() & ACTION_ROLES) or not (columns.keys() & PROGRESS_ROLES):
        return None
    if len(columns) < 2:
        return None
    return Layout(columns=columns, header_row=row_number, quarter_hint=quarter, headers=headers)


def _quarter_named(folded: str) -> int | None:
    """The quarter a header speaks of ("Q3 Rating", "October - December"), if any."""
    match = _QUARTER_IN_HEADER.search(folded)
    if match:
        return int(match.group(1))
    return next((q for m, q in _MONTHS_TO_QUARTER.items() if m in folded), None)


def _place_bare_refs(
    pending_refs: list[int], cells: list[Cell], columns: dict, headers: dict
) -> None:
    """A bare "Ref" belongs to the text column on its right: a deliverable's or an action's."""
    for index in pending_refs:
        right = sorted((i, r) for r, i in columns.items() if i > index)
        for _, role in right:
            if role in {"deliverable", "action"}:
                ref_role = f"{role}_ref"
                if ref_role not in columns:
                    columns[ref_role] = index
                    headers[ref_role] = clean_text(cells[index].value)
                break


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
    # plain status/commentary above are the chosen quarter's when no column names a quarter.
    by_quarter: dict[int, QuarterProgress] = field(default_factory=dict)
    milestone: str = ""
    percent_complete: object = None
    stage: str = ""
    hidden: bool = False  # a hidden row of the sheet: read, and flagged in the preview
    # The outcome_candidates the import may create an outcome from (never a title row, sheet
    # or file name unless the mapping says so), and a section heading mapped to a theme.
    outcome_creatable: tuple[str, ...] = ()
    heading_theme: str = ""


@dataclass
class SheetSkip:
    sheet: str
    reason: str


@dataclass
class ReadResult:
    rows: list[TrackerRow]
    skipped_sheets: list[SheetSkip]
    layouts: dict[str, list[Layout]]


def _distinct_texts(cells: list[Cell]) -> list[str]:
    seen: list[str] = []
    for cell in cells:
        text = clean_text(cell.value)
        if text and text not in seen:
            seen.append(text)
    return seen


def _is_heading(cells: list[Cell], layout: Layout | None) -> str | None:
    """A section heading: one short text, merged across the row or in a column no role uses."""
    texts = _distinct_texts(cells)
    if len(texts) != 1 or len(texts[0]) > 150:
        return None
    text = texts[0]
    filled = [i for i, c in enumerate(cells) if clean_text(c.value)]
    if layout is None:
        return text
    if len(filled) > 1:  # the same text across several cells: a merged heading
        return text
    used = set(layout.columns.values())
    if filled[0] not in used:
        return text
    # A lone value in a text column is a heading only if it reads like one.
    if text.isupper() and len(text) <= 80:
        return text
    return None


def _value(cells: list[Cell], layout: Layout, role: str) -> object:
    index = layout.columns.get(role)
    if index is None or index >= len(cells):
        return None
    return unescape_formula(cells[index].value)


def _text(cells: list[Cell], layout: Layout, role: str) -> str:
    return clean_text(_value(cells, layout, role))


def read_sheet(sheet: Sheet) -> tuple[list[TrackerRow], list[Layout], str | None]:
    """Rows of one sheet, its layouts, and why it was skipped (None if it was read)."""
    rows: list[TrackerRow] = []
    layouts: list[Layout] = []
    layout: Layout | None = None
    title_headings: list[str] = []  # headings above a block's own heading: sheet titles
    pending: list[str] = []  # headings since the last header or data row
    section: str | None = None  # the heading of the block the current row is in
    previous_deliverable: tuple[str, str] = ("", "")
    previous_theme = ""
    for number, cells in sheet.rows():
        if not any(clean_text(c.value) for c in cells):
            continue
        found = detect_layout(number, cells)
        if found is not None:
            layout = found
            layouts.append(found)
            if pending:
                # The heading nearest above a header names its block; any above it are titles.
                section = pending[-1]
                if len(layouts) == 1:
                    title_headings.extend(pending[:-1])
                pending = []
            previous_deliverable = ("", "")
            continue
        heading = _is_heading(cells, layout)
        if heading is not None:
            pending.append(heading)
            if layout is not None:
                section = heading
                previous_deliverable = ("", "")
            continue
        if layout is None:
            continue
        pending = []
        candidates = _outcome_candidates(cells, layout, section, title_headings, sheet.name)
        deliverable_ref = _text(cells, layout, "deliverable_ref")
        deliverable = _text(cells, layout, "deliverable")
        theme = _text(cells, layout, "theme")
        if theme != previous_theme:
            previous_deliverable = ("", "")  # a new theme starts afresh
            previous_theme = theme
        if not deliverable_ref and not deliverable:
            # A blank deliverable under a merged or repeated one means "same as above".
            deliverable_ref, deliverable = previous_deliverable
        else:
            previous_deliverable = (deliverable_ref, deliverable)
        row = _data_row(sheet.name, number, cells, layout, candidates)
        row.theme, row.deliverable_ref, row.deliverable = theme, deliverable_ref, deliverable
        row.outcome_creatable = tuple(filter(None, [_text(cells, layout, "outcome")]))  # MATCHER
        rows.append(row)
    if not layouts:
        return rows, layouts, "no header row naming actions and their status or commentary"
    return rows, layouts, None


def _outcome_candidates(
    cells: list[Cell], layout: Layout, section: str | None, titles: list[str], sheet_name: str
) -> tuple[str, ...]:
    """Where a row's outcome may be named, nearest first: its own column, its block's heading,
    the titles above, the sheet's name."""
    candidates = []
    outcome_cell = _text(cells, layout, "outcome")
    if outcome_cell:
        candidates.append(outcome_cell)
    if section:
        candidates.append(section)
    candidates.extend(reversed(titles))
    candidates.append(sheet_name)
    return tuple(dict.fromkeys(candidates))


def _data_row(
    sheet_name: str, number: int, cells: list[Cell], layout: Layout, candidates: tuple[str, ...]
) -> TrackerRow:
    status_index = layout.columns.get("status")
    status_fill = (
        cells[status_index].fill if status_index is not None and status_index < len(cells) else None
    )
    return TrackerRow(
        sheet=sheet_name,
        row=number,
        outcome_candidates=candidates,
        action_ref=_text(cells, layout, "action_ref"),
        action=_text(cells, layout, "action"),
        directorate=_text(cells, layout, "directorate"),
        lead=_text(cells, layout, "lead"),
        status=_text(cells, layout, "status"),
        status_fill=status_fill,
        commentary=str(_value(cells, layout, "commentary") or "").strip(),
        start=_value(cells, layout, "start"),
        due=_value(cells, layout, "due"),
        external_ref=_text(cells, layout, "external_ref"),
        quarter_hint=layout.quarter_hint,
    )


def read_tracker(workbook: Workbook, mapping: Mapping | None = None) -> ReadResult:
    """Every data row of every visible sheet that has a tracker header, its columns read as
    `mapping` says where it names them."""
    rows: list[TrackerRow] = []
    skipped: list[SheetSkip] = []
    layouts: dict[str, list[Layout]] = {}
    for sheet in workbook.sheets:
        if sheet.hidden:
            skipped.append(SheetSkip(sheet.name, "hidden sheet"))
            continue
        sheet_rows, sheet_layouts, reason = read_sheet(sheet)
        if reason:
            skipped.append(SheetSkip(sheet.name, reason))
            continue
        rows.extend(sheet_rows)
        layouts[sheet.name] = sheet_layouts
    return ReadResult(rows=rows, skipped_sheets=skipped, layouts=layouts)
