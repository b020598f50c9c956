"""Annual targets from an indicator history file: which columns give them ("Target 2023/24"
names its year; a bare "Target" is the year of the row's value), and what setting them does.
A target re-rates every quarter of its year, so a year with a closed quarter is changed only
with the option to change closed quarters, whether the target is new or replaces one."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from deliverables.indicators.definition import rated_in_closed_quarters
from deliverables.indicators.load.common import CLOSED_OPTION, PlanQuarters, shown_figure
from deliverables.indicators.load.table import Table, header_key
from deliverables.indicators.points import ANNUAL, parse_point, year_label
from deliverables.models import Indicator, IndicatorTarget

if TYPE_CHECKING:
    from deliverables.indicators.load.history import HistoryPreview


def target_columns(table: Table) -> dict[int, int | None]:
    """Target columns -> the financial year each names (None: the row's own year)."""
    found: dict[int, int | None] = {}
    for index, header in enumerate(table.headers):
        key = header_key(header)
        for prefix in ("annual target", "target"):
            if key == prefix:
                found[index] = None
            elif key.startswith(prefix + " "):
                try:
                    found[index] = parse_point(header[len(prefix) :].strip(" -:"), ANNUAL)[0]
                except ValueError:
                    continue
            else:
                continue
            break
    return found


def compare_targets(
    quarters: PlanQuarters,
    figures: dict[tuple[int, int], tuple[Indicator, Decimal, int]],
    preview: HistoryPreview,
    overwrite_closed: bool,
) -> None:
    """List each annual target the file gives that differs from the one held: set, or left
    (with why) when its year has a closed quarter and closed quarters may not change."""
    keys = list(figures)
    existing = {
        (t.indicator_id, t.year): t
        for t in IndicatorTarget.objects.filter(
            indicator_id__in={k[0] for k in keys}, year__in={k[1] for k in keys}, point=0
        )
    }
    # A target re-rates what its year's closed quarters reported: one rule with the admin's.
    rated = rated_in_closed_quarters({k[0] for k in keys}, {k[1] for k in keys})
    for key, (indicator, value, row) in figures.items():
        current = existing.get(key)
        if current is not None and current.value == value:
            continue
        entry = preview.entry(indicator)
        old = shown_figure(current.value) if current else ""
        closed = rated.get(key)
        if closed and not overwrite_closed:
            # A new target, like a changed one, re-rates the closed quarter (from grey).
            entry.left.append(
                {
                    "label": f"Target {year_label(key[1])}",
                    "value": shown_figure(value),
                    "closed": True,
                    "row": row,
                    "reason": f"{closed.label} is closed and rated against "
                    f"{old or 'no target'}: import {CLOSED_OPTION} to set it",
                }
            )
            continue
        entry.targets.append(
            {"year": year_label(key[1]), "old": old, "new": shown_figure(value), "row": row}
        )
        preview.target_writes.append({"indicator": key[0], "year": key[1], "value": str(value)})
