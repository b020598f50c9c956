"""A file of indicator figures read as a table: its header row found, and each column known by
its meaning (indicator code, title, area, period, value ...), whatever the publisher calls it.

The file is opened by plans.workbook, which checks its size and type and bounds what is read,
as it does for tracker imports. Cells come back as text, a date cell as its month ("2023-04").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from deliverables.indicators.amounts import TOO_LARGE, stored_amount
from plans.workbook import TrackerFileError, open_tracker

__all__ = ["Table", "TrackerFileError", "not_a_figure", "number", "read_table"]

# Meaning -> header words that mean it, compared after lower-casing and squeezing spaces,
# underscores and punctuation. The first header to match a meaning takes it.
MEANINGS: dict[str, tuple[str, ...]] = {
    "external_id": ("metric id", "metric type id", "indicator id", "metricid", "measure id"),
    "code": (
        "code",
        "indicator code",
        "kpi code",
        "pi code",
        "ref",
        "kpi ref",
        "pi ref",
        "reference",
        "indicator ref",
        "kpi",
        "pi",
    ),
    "title": (
        "indicator",
        "indicator name",
        "indicator title",
        "title",
        "measure",
        "metric",
        "metric name",
        "measure name",
        "name",
        "description",
        "performance indicator",
        "kpi name",
        "kpi description",
        "pi description",
    ),
    "area_code": ("area code", "area", "ons code", "gss code", "local authority code"),
    "area": (
        "area name",
        "area_name",
        "local authority name",
        "local authority",
        "council",
        "authority",
        "organisation",
        "geography",
    ),
    "area_type": ("area type", "geography type", "area level"),
    "period": (
        "period",
        "time period",
        "time",
        "date",
        "month",
        "quarter",
        "year",
        "financial year",
        "reporting period",
    ),
    "value": ("value", "actual", "result", "outturn", "performance", "figure", "data value"),
    "numerator": ("numerator", "count"),
    "denominator": ("denominator",),
    "commentary": ("commentary", "comment", "comments", "narrative", "notes", "note"),
    "target": ("target", "annual target"),
}
# A header "area" is an area *code* in LG Inform's files when an area name column is there
# too, and the area's name otherwise.
_SQUEEZE = re.compile(r"[\s_\-.:()]+")
HEADER_ROWS_SEARCHED = 15


def header_key(text: object) -> str:
    return _SQUEEZE.sub(" ", str(text or "").casefold()).strip()


def cell_text(value: object, percent: bool = False) -> str:
    """A cell as text: a date as its month ("2023-04"), a whole number without ".0", and a
    number Excel shows as a percentage as the figure shown (0.955 as "0.0%" is 95.5), as a
    CSV of the same sheet writes it ("95.5%")."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}-{value.month:02d}"
    if percent and isinstance(value, int | float) and not isinstance(value, bool):
        # Through the float's shortest text, so 0.955 is 95.5 and not 95.49999...
        try:
            return f"{(Decimal(repr(value)) * 100).normalize():f}"
        except InvalidOperation:  # inf, nan: left for number() to refuse
            return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


_NUMBER_NOISE = str.maketrans("", "", ",£%\u00a0 ")


def number(text: str) -> Decimal | None:
    """A figure as published ("1,796", "97.9%", "£1,234.50"), or None if it is not one."""
    cleaned = text.translate(_NUMBER_NOISE)
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    # Out of range is unreadable, not stored: one bad cell must not break the plan's pages.
    # More than four places is read as it will be stored, so a re-import settles.
    stored = stored_amount(value)
    return value if stored is not None and value == stored else stored


def not_a_figure(text: str) -> str:
    """Why number() gave no figure for `text`: too large to store, or not a number at all."""
    try:
        finite = Decimal(text.translate(_NUMBER_NOISE)).is_finite()
    except InvalidOperation:
        finite = False
    return f"the figure {TOO_LARGE}" if finite else "not a number"


@dataclass
class Table:
    """The rows of a file under its header row: row number -> {column index: text}."""

    sheet: str
    header_row: int
    headers: list[str]
    columns: dict[str, int]  # meaning -> column index
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def get(self, cells: list[str], meaning: str) -> str:
        index = self.columns.get(meaning)
        if index is None or index >= len(cells):
            return ""
        return cells[index]


def meanings_of(headers: list[str]) -> dict[str, int]:
    """Each meaning's column: the first header that says it."""
    keys = [header_key(h) for h in headers]
    found: dict[str, int] = {}
    for meaning, words in MEANINGS.items():
        for index, key in enumerate(keys):
            if key in words and index not in found.values():
                found[meaning] = index
                break
    if "area_code" in found and "area" not in found and keys[found["area_code"]] == "area":
        found["area"] = found.pop("area_code")
    return found


def read_table(data: bytes, filename: str, *, needs: tuple[str, ...]) -> Table:
    """The first sheet with a header row (in its first rows) giving the meanings in `needs`
    (each entry a meaning, or several separated by "|" of which one will do).
    TrackerFileError, for the person who uploaded it, if the file cannot be read or no sheet
    has such a header."""
    try:
        with open_tracker(data, filename) as workbook:
            for sheet in workbook.sheets:
                table = _read_sheet(sheet, needs)
                if table is not None:
                    return table
    except TrackerFileError:
        raise
    except Exception as error:  # the boundary with third-party parsers on untrusted input
        raise TrackerFileError(
            f"{filename} could not be read ({error.__class__.__name__}). "
            "Open it in Excel, save it again as .xlsx or .csv, and upload that."
        ) from error
    wanted = ", ".join(n.replace("|", " or ").replace("_", " ") for n in needs)
    raise TrackerFileError(
        f"{filename} has no header row naming the columns needed ({wanted}) in its first "
        f"{HEADER_ROWS_SEARCHED} rows."
    )


def _read_sheet(sheet, needs: tuple[str, ...]) -> Table | None:
    table = None
    for number_, cells in sheet.rows():
        texts = [cell_text(c.value, c.percent) for c in cells]
        if table is None:
            if number_ > HEADER_ROWS_SEARCHED:
                return None
            columns = meanings_of(texts)
            if all(any(m in columns for m in need.split("|")) for need in needs):
                table = Table(sheet.name, number_, texts, columns)
            continue
        if any(texts):
            table.rows.append((number_, texts))
    return table
