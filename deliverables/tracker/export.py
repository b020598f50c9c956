"""A quarter written back as the council's tracker workbook, which imports back to the same data.

One sheet per outcome, its name in a title row; columns Theme, CP Ref, Deliverable, BP Ref.,
Key deliverables (Directorate Action), Qn Rating - RAG, Qn Commentary. A deliverable's
cells are merged down over its actions, status cells are filled in the scale's colour, and
text that a spreadsheet would run as a formula is escaped.

Row order is what keeps the round trip exact under the reader's "blank deliverable means
same as above" rule: within a sheet, actions listed without a deliverable come first, and
each theme's own actions come before its deliverables.
"""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from deliverables.models import ActionPlacement
from deliverables.rules import in_scope, with_statuses
from plans.formulae import escape_formula
from plans.models import ReportingPeriod
from plans.refs import ref_sort_key
from plans.statuses import Scale

HEADERS = [
    "Theme",
    "CP Ref",
    "Deliverable",
    "BP Ref.",
    "Key deliverables (Directorate Action)",
    "{q} Rating - RAG",
    "{q} Commentary",
]
WIDTHS = [22, 9, 50, 10, 60, 24, 80]
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(name: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", name).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def export_quarter(period: ReportingPeriod, user) -> bytes:
    """The quarter's actions with their statuses and commentary as `user` reads them
    (deliverables.rules), laid out as the council's tracker."""
    plan = period.plan
    scale = Scale.of(plan)
    readings = {
        pk: (scale.get(status_id), commentary)
        for pk, status_id, commentary in with_statuses(
            in_scope(plan, period), period, None, scale, user, commentary=True
        ).values_list("pk", "status_now", "commentary_now")
    }
    placements = list(
        ActionPlacement.objects.filter(outcome__plan=plan, action__in=in_scope(plan, period))
        .select_related("outcome", "theme", "deliverable__theme", "action")
        .order_by("outcome__order", "outcome__name", "order", "pk")
    )
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    by_outcome: dict[int, list[ActionPlacement]] = {}
    for placement in placements:
        by_outcome.setdefault(placement.outcome_id, []).append(placement)
    for rows in by_outcome.values():
        outcome = rows[0].outcome
        sheet = book.create_sheet(_sheet_title(outcome.short_name or outcome.name, used))
        # A monthly plan's month heads its columns as itself ("May 2022 Rating - RAG").
        _write_heading(
            sheet, outcome.name, period.label if period.is_month else f"Q{period.quarter}"
        )
        _write_rows(sheet, sorted(rows, key=_row_order), readings)
    if not book.sheetnames:
        sheet = book.create_sheet("Tracker")
        sheet.append([f"{plan.name} has no actions yet."])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _write_heading(sheet, outcome_name: str, quarter: str) -> None:
    """The outcome's name as a title row, a blank row, then the column headers."""
    sheet.append([escape_formula(outcome_name)])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append([h.format(q=quarter) for h in HEADERS])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A4"


def _row_order(p: ActionPlacement) -> tuple:
    """Actions without a deliverable first, each theme's own actions before its deliverables:
    the order that keeps "blank deliverable means same as above" true on the way back in.
    Within that, the plan's order, then by reference as the pages list them."""
    theme = p.deliverable.theme if p.deliverable else p.theme
    theme_order = (0, 0, "") if theme is None else (1, theme.order, theme.name)
    return (
        theme_order,
        p.deliverable is not None,
        p.deliverable.order if p.deliverable else 0,
        p.order,
        ref_sort_key(p.action.ref),
        p.pk,
    )


def _write_rows(sheet, rows: list[ActionPlacement], readings: dict) -> None:
    wrap = Alignment(wrap_text=True, vertical="top")
    row_number = 4
    merge_from: tuple[int, int | None] | None = None  # (first row, deliverable id)
    for placement in rows:
        action, deliverable = placement.action, placement.deliverable
        theme = deliverable.theme if deliverable else placement.theme
        status, commentary = readings[action.pk]
        sheet.append(
            [
                escape_formula(theme.name if theme else None),
                escape_formula(deliverable.ref if deliverable else None),
                escape_formula(deliverable.title if deliverable else None),
                escape_formula(action.ref or None),
                escape_formula(action.title),
                escape_formula(status.label if status else None),
                escape_formula(commentary or None),
            ]
        )
        for cell in sheet[row_number]:
            cell.alignment = wrap
        if status is not None:
            sheet.cell(row_number, 6).fill = PatternFill(
                "solid", fgColor=status.colour.lstrip("#").upper()
            )
            sheet.cell(row_number, 6).font = Font(
                bold=True, color=status.text_colour.lstrip("#").upper()
            )
        # Merge the deliverable's cells down over the actions it spans.
        current = deliverable.pk if deliverable else None
        if merge_from is not None and merge_from[1] != current:
            _merge_down(sheet, merge_from[0], row_number - 1, merge_from[1])
            merge_from = None
        if merge_from is None and current is not None:
            merge_from = (row_number, current)
        row_number += 1
    if merge_from is not None:
        _merge_down(sheet, merge_from[0], row_number - 1, merge_from[1])


def _merge_down(sheet, first: int, last: int, deliverable_id: int | None) -> None:
    if deliverable_id is None or last <= first:
        return
    for column in (2, 3):  # CP Ref and Deliverable
        sheet.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)
