"""Indicator history from a spreadsheet: one row per indicator with months, quarters or years
as columns ("wide": "Apr-23", "Q1 2023/24", "2022/23"), or one row per value ("long": code,
period, value [, numerator, denominator, commentary, target]). A "Target" column gives the
annual target ("Target 2023/24" names its year; a bare "Target" is the year of the row's value,
or in a wide file the year of its latest column).

The preview lists, per indicator, the values that will be added, changed (old -> new) or left
as they are and why, and every row or cell not used and why. Rules, as the tracker import's:
- an unknown indicator is listed and skipped, never created;
- a cell that is not a figure is listed, never guessed; a blank cell is simply not a value;
- values officers entered in the service are never overwritten by a file;
- history arrives in closed quarters: a value a closed quarter lacks is added (and flagged);
  one it already holds is changed only with the option to overwrite closed quarters, as is
  a target for a year with a closed quarter (it changes that quarter's RAG);
- an open or upcoming quarter's values are its owner's to enter and have approved: left;
- a numerator and denominator give the value by the entry form's rule (computed_value);
- imported values are approved, their source "imported", each write kept in their history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from deliverables.indicators.load.common import (
    CLOSED_OPTION,
    SUPPRESSED,
    IndicatorFinder,
    PlanQuarters,
    Skip,
    shown_figure,
)
from deliverables.indicators.load.table import Table, not_a_figure, number
from deliverables.indicators.load.targets import compare_targets, target_columns
from deliverables.indicators.points import (
    ANNUAL,
    MONTHLY,
    QUARTERLY,
    parse_point,
    point_label,
)
from deliverables.indicators.services import computed_value
from deliverables.models import Indicator, IndicatorValue
from deliverables.workflow import WorkflowError
from plans.models import Plan
from plans.sanitise import sanitise_text

NEEDS = ("code|title",)
COMMENTARY_MAX = 10_000
FREQUENCIES = (MONTHLY, QUARTERLY, ANNUAL)


@dataclass
class Figure:
    """One value a row gives: where it came from and what it says."""

    row: int
    column: str
    indicator: Indicator
    year: int
    point: int
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    commentary: str | None = None  # None: the file has no commentary column


@dataclass
class IndicatorPlan:
    """What the import does to one indicator."""

    code: str
    title: str
    added: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    left: list[dict] = field(default_factory=list)
    unchanged: int = 0
    targets: list[dict] = field(default_factory=list)


@dataclass
class HistoryPreview:
    layout: str
    indicators: dict[int, IndicatorPlan] = field(default_factory=dict)
    unknown: list[Skip] = field(default_factory=list)
    unreadable: list[Skip] = field(default_factory=list)
    writes: list[dict] = field(default_factory=list)  # exactly what confirming writes
    target_writes: list[dict] = field(default_factory=list)

    def entry(self, indicator: Indicator) -> IndicatorPlan:
        return self.indicators.setdefault(
            indicator.pk, IndicatorPlan(indicator.code, indicator.title)
        )

    def summary(self) -> dict:
        return {
            "layout": self.layout,
            "indicators": [vars(i) for i in self.indicators.values()],
            "unknown": [s.as_json() for s in self.unknown],
            "unreadable": [s.as_json() for s in self.unreadable],
            "writes": self.writes,
            "target_writes": self.target_writes,
            "counts": {
                "added": sum(len(i.added) for i in self.indicators.values()),
                "changed": sum(len(i.changed) for i in self.indicators.values()),
                "left": sum(len(i.left) for i in self.indicators.values()),
                "unchanged": sum(i.unchanged for i in self.indicators.values()),
                "targets": len(self.target_writes),
            },
        }


def _any_point(text: str) -> bool:
    for frequency in FREQUENCIES:
        try:
            parse_point(text, frequency)
        except ValueError:
            continue
        return True
    return False


class _Reader:
    """Reads a table's rows into figures and targets, listing what it cannot use."""

    def __init__(self, plan: Plan, table: Table, preview: HistoryPreview):
        self.table, self.preview = table, preview
        self.finder = IndicatorFinder(plan)
        self.targets = target_columns(table)
        used = set(table.columns.values()) | set(self.targets)
        self.period_columns = [
            i for i, h in enumerate(table.headers) if i not in used and h and _any_point(h)
        ]
        self.figures: list[Figure] = []
        self.target_figures: dict[tuple[int, int], tuple[Indicator, Decimal, int]] = {}

    def indicator(self, row: int, cells: list[str]) -> Indicator | None:
        get = self.table.get
        code, title = get(cells, "code"), get(cells, "title")
        found = self.finder.find(code, get(cells, "external_id"), title)
        if found is None and (code or title):
            self.preview.unknown.append(
                Skip(
                    row,
                    " ".join(p for p in (code, title) if p),
                    "no indicator of the plan has this code or title: add it first",
                )
            )
        return found

    def cell_figure(self, row: int, column: str, text: str) -> tuple[bool, Decimal | None]:
        """(usable, figure): a blank is usable and None; a non-figure is listed."""
        if not text:
            return True, None
        value = number(text)
        if value is None:
            reason = (
                "no figure (suppressed)" if text.casefold() in SUPPRESSED else not_a_figure(text)
            )
            self.preview.unreadable.append(Skip(row, f"{column}: {text}", reason))
            return False, None
        return True, value

    def read(self) -> None:
        for row, cells in self.table.rows:
            indicator = self.indicator(row, cells)
            if indicator is None:
                continue
            if self.preview.layout == "long":
                self.read_long(row, cells, indicator)
            else:
                self.read_wide(row, cells, indicator)

    def point(self, row: int, column: str, text: str, indicator: Indicator):
        try:
            return parse_point(text, indicator.frequency)
        except ValueError as error:
            self.preview.unreadable.append(Skip(row, column, str(error)))
            return None

    def read_long(self, row: int, cells: list[str], indicator: Indicator) -> None:
        get = self.table.get
        where = self.point(row, f"period {get(cells, 'period')!r}", get(cells, "period"), indicator)
        if where is None:
            return
        parts = {}
        for meaning in ("value", "numerator", "denominator"):
            ok, parts[meaning] = self.cell_figure(row, meaning, get(cells, meaning))
            if not ok:
                return
        commentary = None
        if "commentary" in self.table.columns:
            commentary = sanitise_text(get(cells, "commentary"), max_length=COMMENTARY_MAX)
        self.add(
            Figure(
                row,
                "value",
                indicator,
                *where,
                parts["value"],
                parts["numerator"],
                parts["denominator"],
                commentary,
            )
        )
        self.read_targets(row, cells, indicator, where[0])

    def read_wide(self, row: int, cells: list[str], indicator: Indicator) -> None:
        years = []
        for index in self.period_columns:
            header = self.table.headers[index]
            text = cells[index] if index < len(cells) else ""
            if not text:
                continue
            where = self.point(row, f"{header}: {text}", header, indicator)
            ok, value = self.cell_figure(row, header, text)
            if where is not None and ok:
                years.append(where[0])
                self.add(Figure(row, header, indicator, *where, value))
        self.read_targets(row, cells, indicator, max(years) if years else None)

    def add(self, figure: Figure) -> None:
        problem = _worked_out(figure)
        if problem:
            label = point_label(figure.indicator.frequency, figure.year, figure.point)
            self.preview.unreadable.append(
                Skip(figure.row, f"{figure.indicator.code} {label}", problem)
            )
        elif figure.value is not None:
            self.figures.append(figure)

    def read_targets(self, row: int, cells: list[str], indicator: Indicator, year) -> None:
        for index, named in self.targets.items():
            text = cells[index] if index < len(cells) else ""
            ok, value = self.cell_figure(row, self.table.headers[index], text)
            target_year = named if named is not None else year
            if ok and value is not None and target_year is not None:
                self.target_figures.setdefault((indicator.pk, target_year), (indicator, value, row))


def _worked_out(figure: Figure) -> str:
    """Give the figure the value its numerator and denominator work out to, by the entry
    form's rule; "" when done (or there is no fraction), else why the row cannot be used."""
    if figure.numerator is None and figure.denominator is None:
        return ""
    try:
        worked = computed_value(figure.indicator, figure.numerator, figure.denominator)
    except WorkflowError as error:
        return str(error)
    given = figure.value
    # A published value is rounded (33.3 for 1/3): it must agree to its own places.
    if given is not None and worked.quantize(given, rounding=ROUND_HALF_UP) != given:
        return (
            f"the value {shown_figure(given)} is not the numerator over the denominator "
            f"({shown_figure(worked)})"
        )
    figure.value = worked
    return ""


def layout_of(table: Table) -> str:
    return "long" if {"period", "value"} <= set(table.columns) else "wide"


def prepare_history(plan: Plan, table: Table, *, overwrite_closed: bool = False) -> HistoryPreview:
    """What importing this table into the plan's indicators would do. Writes nothing."""
    preview = HistoryPreview(layout=layout_of(table))
    reader = _Reader(plan, table, preview)
    if preview.layout == "wide" and not reader.period_columns:
        preview.unreadable.append(
            Skip(
                table.header_row,
                "header row",
                "no column is headed by a month, quarter or year, and there is no period "
                "and value column: nothing to import",
            )
        )
    reader.read()
    quarters = PlanQuarters(plan)
    _compare(quarters, reader, preview, overwrite_closed)
    compare_targets(quarters, reader.target_figures, preview, overwrite_closed)
    return preview


def _compare(quarters: PlanQuarters, reader: _Reader, preview: HistoryPreview, overwrite_closed):
    ids = {f.indicator.pk for f in reader.figures}
    existing = {
        (v.indicator_id, v.year, v.point): v
        for v in IndicatorValue.objects.filter(indicator_id__in=ids)
    }
    seen: dict[tuple, int] = {}
    for figure in reader.figures:
        indicator = figure.indicator
        key = (indicator.pk, figure.year, figure.point)
        label = point_label(indicator.frequency, figure.year, figure.point)
        if key in seen:
            preview.unreadable.append(
                Skip(
                    figure.row,
                    f"{indicator.code} {label}",
                    f"row {seen[key]} already gives this value: the first is kept",
                )
            )
            continue
        seen[key] = figure.row
        period = quarters.of(indicator.frequency, figure.year, figure.point)
        closed = bool(period and period.is_locked)
        entry = preview.entry(indicator)
        _file(entry, preview, figure, existing.get(key), period, closed, overwrite_closed, label)


def _same(current: IndicatorValue, figure: Figure) -> bool:
    return (
        current.value == figure.value
        and (figure.numerator is None or current.numerator == figure.numerator)
        and (figure.denominator is None or current.denominator == figure.denominator)
        and (figure.commentary is None or current.commentary == figure.commentary)
    )


def _file(entry, preview, figure, current, period, closed, overwrite_closed, label) -> None:
    """Put one figure in its indicator's added, changed, left or unchanged."""
    shown = {
        "label": label,
        "value": shown_figure(figure.value),
        "closed": closed,
        "row": figure.row,
    }
    if current is not None and _same(current, figure):
        entry.unchanged += 1
        return
    if current is not None and current.source == "entered":
        entry.left.append({**shown, "reason": "entered in the service: a file never overwrites it"})
        return
    if reason := PlanQuarters.not_for_import(period):
        entry.left.append({**shown, "reason": reason})
        return
    if current is not None and closed and not overwrite_closed:
        old = shown_figure(current.value)
        reason = f"{period.label} is closed and already has {old}: import {CLOSED_OPTION}"
        reason += " to replace it"
        entry.left.append({**shown, "reason": reason})
        return
    write = {
        "indicator": figure.indicator.pk,
        "year": figure.year,
        "point": figure.point,
        "period": period.pk if period else None,
        "value": str(figure.value),
        "numerator": None if figure.numerator is None else str(figure.numerator),
        "denominator": None if figure.denominator is None else str(figure.denominator),
        "commentary": figure.commentary,
        "replaces": current.pk if current else None,
    }
    preview.writes.append(write)
    if current is None:
        entry.added.append(shown)
    else:
        entry.changed.append({**shown, "old": shown_figure(current.value)})
