"""Comparators from a benchmarking service's long file (LG Inform, Fingertips, Oflog ...): one
row per measure, area and period. The preview says, row by row, what will be added, what
replaced and what skipped, and why; nothing is guessed.

Rules:
- the measure is found by the plan's indicator code, its external metric id, or its title;
  an unknown measure is skipped, never created;
- the period is read by points.parse_point for the indicator's frequency; a calendar year or a
  range of years is skipped, as is a value the publisher suppressed ("x", "*", "..");
- the council's own rows (its area name, settings.COUNCIL_AREA_NAME) are skipped: its own
  figures are its indicator values, not comparators;
- England (or the UK, a nation) is national; a region (its name, or area type "Region") is
  regional; a nearest-neighbour, CIPFA or statistical-neighbour average is the neighbours'
  figure; any other area is a named council;
- a second row for the same measure, area and period is skipped, so the first one wins;
- a comparator replacing another in a closed quarter changes that quarter's quartiles, so it
  is skipped unless closed quarters may change (as indicator history's values).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from deliverables.indicators.load.common import (
    CLOSED_OPTION,
    SUPPRESSED,
    IndicatorFinder,
    PlanQuarters,
    Skip,
    shown_figure,
)
from deliverables.indicators.load.table import Table, not_a_figure, number
from deliverables.indicators.points import parse_point, point_label
from deliverables.models import Comparator, ComparatorKind
from plans.models import Plan

NEEDS = ("code|external_id|title", "area", "period", "value")
NATIONS = {
    "england",
    "united kingdom",
    "uk",
    "great britain",
    "england and wales",
    "wales",
    "scotland",
    "northern ireland",
}
REGIONS = {
    "north east",
    "north west",
    "yorkshire and the humber",
    "yorkshire and humber",
    "east midlands",
    "west midlands",
    "east of england",
    "east",
    "london",
    "south east",
    "south west",
}
NEIGHBOUR_WORDS = ("nearest neighbour", "statistical neighbour", "cipfa", "comparator group")


def kind_of(area: str, area_type: str) -> str:
    name, kind = area.casefold().strip(), area_type.casefold().strip()
    if name in NATIONS or kind in {"england", "country", "national", "nation"}:
        return ComparatorKind.NATIONAL
    if kind in {"region", "regions", "government office region"} or name in REGIONS:
        return ComparatorKind.REGIONAL
    if any(word in name for word in NEIGHBOUR_WORDS):
        return ComparatorKind.NEIGHBOURS
    return ComparatorKind.COUNCIL


def is_our_area(area: str) -> bool:
    ours = settings.COUNCIL_AREA_NAME.casefold().strip()
    name = area.casefold().strip()
    return bool(ours) and (name == ours or name.startswith(f"{ours} "))


@dataclass
class ComparatorRow:
    row: int
    indicator_id: int
    code: str
    kind: str
    area: str
    year: int
    point: int
    label: str
    value: str
    old: str | None = None  # the value it replaces
    replaces: int | None = None  # the comparator it replaces


@dataclass
class ComparatorPreview:
    added: list[ComparatorRow] = field(default_factory=list)
    replaced: list[ComparatorRow] = field(default_factory=list)
    unchanged: list[ComparatorRow] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)

    def summary(self) -> dict:
        def rows(items: list[ComparatorRow]) -> list[dict]:
            return [vars(item) for item in items]

        return {
            "added": rows(self.added),
            "replaced": rows(self.replaced),
            "unchanged": rows(self.unchanged),
            "skipped": [s.as_json() for s in self.skipped],
        }


def prepare_comparators(
    plan: Plan, table: Table, *, overwrite_closed: bool = False
) -> ComparatorPreview:
    """What loading these rows into the plan's comparators would do. Writes nothing."""
    finder = IndicatorFinder(plan)
    frequencies = {i.pk: i.frequency for i in finder.indicators}
    quarters = PlanQuarters(plan)
    existing = {
        (c.indicator_id, c.area.casefold(), c.year, c.point): c
        for c in Comparator.objects.filter(indicator__plan=plan)
    }
    preview = ComparatorPreview()
    seen: dict[tuple, int] = {}
    for row, cells in table.rows:
        item = _read_row(finder, table, row, cells, preview)
        if item is None:
            continue
        key = (item.indicator_id, item.area.casefold(), item.year, item.point)
        if key in seen:
            preview.skipped.append(
                Skip(row, _described(table, cells), f"repeats row {seen[key]}: the first is kept")
            )
            continue
        seen[key] = row
        current = existing.get(key)
        if current is None:
            preview.added.append(item)
        elif current.value == Decimal(item.value) and current.kind == item.kind:
            preview.unchanged.append(item)
        elif reason := _closed(
            quarters.of(frequencies[item.indicator_id], item.year, item.point),
            current,
            overwrite_closed,
        ):
            preview.skipped.append(Skip(row, _described(table, cells), reason))
        else:
            item.old, item.replaces = shown_figure(current.value), current.pk
            preview.replaced.append(item)
    return preview


def _closed(period, current: Comparator, overwrite_closed: bool) -> str:
    """Why replacing `current` is left out: its quarter is closed (its quartiles were
    reported), and closed quarters may not change. "" when it may be replaced."""
    if period is None or not period.is_locked or overwrite_closed:
        return ""
    return (
        f"changes a closed quarter: {period.label} is closed and already has "
        f"{shown_figure(current.value)}: import {CLOSED_OPTION} to replace it"
    )


def _described(table: Table, cells: list[str]) -> str:
    parts = [
        table.get(cells, "code") or table.get(cells, "external_id") or table.get(cells, "title"),
        table.get(cells, "area"),
        table.get(cells, "period"),
    ]
    return ", ".join(p for p in parts if p)


def _read_row(
    finder: IndicatorFinder, table: Table, row: int, cells: list[str], preview
) -> ComparatorRow | None:
    """The row as a comparator, or None with the reason it is skipped added to the preview."""
    text = _described(table, cells)

    def skip(reason: str) -> None:
        preview.skipped.append(Skip(row, text, reason))

    indicator = finder.find(
        table.get(cells, "code"), table.get(cells, "external_id"), table.get(cells, "title")
    )
    area, raw = table.get(cells, "area"), table.get(cells, "value")
    if indicator is None:
        return skip("no indicator of the plan has this code, metric id or title")
    if not area:
        return skip("no area named")
    if is_our_area(area):
        return skip(f"{area} is this council: its figures are the indicator's own values")
    try:
        year, point = parse_point(table.get(cells, "period"), indicator.frequency)
    except ValueError as error:
        return skip(f"the period cannot be read: {error}")
    value = number(raw)
    if value is None:
        suppressed = raw.casefold() in SUPPRESSED or not raw
        return skip(
            "no figure published (suppressed or missing)"
            if suppressed
            else f"{raw!r}: {not_a_figure(raw)}"
        )
    return ComparatorRow(
        row=row,
        indicator_id=indicator.pk,
        code=indicator.code,
        kind=kind_of(area, table.get(cells, "area_type")),
        area=area[:150],
        year=year,
        point=point,
        label=point_label(indicator.frequency, year, point),
        value=str(value),
    )


def write_comparators(preview: ComparatorPreview, source: str, user=None) -> int:
    """Write the preview's added and replaced rows, in bulk (the caller holds the
    transaction): a benchmarking file has thousands of rows. Each gets a history row saying
    which file and who, since comparators decide quartiles."""
    history = {
        "default_user": user,
        "default_change_reason": f"Loaded from {source}"[:100],
        "batch_size": 500,
    }
    bulk_create_with_history(
        [
            Comparator(
                indicator_id=item.indicator_id,
                kind=item.kind,
                area=item.area,
                year=item.year,
                point=item.point,
                value=Decimal(item.value),
                source=source[:200],
            )
            for item in preview.added
        ],
        Comparator,
        **history,
    )
    replaced = Comparator.objects.in_bulk([item.replaces for item in preview.replaced])
    for item in preview.replaced:
        comparator = replaced[item.replaces]
        comparator.value, comparator.kind = Decimal(item.value), item.kind
        comparator.source = source[:200]
    bulk_update_with_history(
        list(replaced.values()), Comparator, ["value", "kind", "source"], **history
    )
    return len(preview.added) + len(preview.replaced)
