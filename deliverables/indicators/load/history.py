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
  one it already holds is changed only with the option to overwrite closed quarters;
- imported values are approved, their source "imported", each write kept in their history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from deliverables.indicators.load.common import SUPPRESSED, IndicatorFinder, Skip
from deliverables.indicators.load.table import Table, header_key, number
from deliverables.indicators.points import (
    ANNUAL,
    MONTHLY,
    QUARTERLY,
    parse_point,
    point_label,
    quarter_of,
    year_label,
)
from deliverables.models import Indicator, IndicatorTarget, IndicatorValue
from plans.models import Plan, ReportingPeriod
from plans.sanitise import sanitise_text

NEEDS = ("code|title",)
COMMENTARY_MAX = 10_000
FREQUENCIES = (MONTHLY, QUARTERLY, ANNUAL)


def _fig(value: Decimal | None) -> str:
    """A figure as the preview shows it: 1796, 97.9 (no trailing zeros, no exponent)."""
    return "" if value is None else f"{value.normalize():f}"


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
    commentary: str = ""


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


def _target_columns(table: Table) -> dict[int, int | None]:
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


class _Reader:
    """Reads a table's rows into figures and targets, listing what it cannot use."""

    def __init__(self, plan: Plan, table: Table, preview: HistoryPreview):
        self.table, self.preview = table, preview
        self.finder = IndicatorFinder(plan)
        self.targets = _target_columns(table)
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
            reason = "no figure (suppressed)" if text.casefold() in SUPPRESSED else "not a number"
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
        figure.value = _computed(figure)
        if figure.value is None:
            return
        self.figures.append(figure)

    def read_targets(self, row: int, cells: list[str], indicator: Indicator, year) -> None:
        for index, named in self.targets.items():
            text = cells[index] if index < len(cells) else ""
            ok, value = self.cell_figure(row, self.table.headers[index], text)
            target_year = named if named is not None else year
            if ok and value is not None and target_year is not None:
                self.target_figures.setdefault((indicator.pk, target_year), (indicator, value, row))


def _computed(figure: Figure) -> Decimal | None:
    """The figure, or where only its numerator and denominator are given, their quotient in
    the indicator's unit (a percentage is per 100)."""
    if figure.value is not None:
        return figure.value
    if figure.numerator is None or not figure.denominator:
        return None
    quotient = figure.numerator / figure.denominator * figure.indicator.multiplier
    return quotient.quantize(Decimal("0.0001"))


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
    _compare(plan, reader, preview, overwrite_closed)
    _compare_targets(reader, preview)
    return preview


def _compare(plan: Plan, reader: _Reader, preview: HistoryPreview, overwrite_closed: bool):
    ids = {f.indicator.pk for f in reader.figures}
    existing = {
        (v.indicator_id, v.year, v.point): v
        for v in IndicatorValue.objects.filter(indicator_id__in=ids)
    }
    periods = {(p.year, p.quarter): p for p in ReportingPeriod.objects.filter(plan=plan)}
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
        period = periods.get((figure.year, quarter_of(indicator.frequency, figure.point)))
        closed = bool(period and period.is_locked)
        entry = preview.indicators.setdefault(
            indicator.pk, IndicatorPlan(indicator.code, indicator.title)
        )
        _file(entry, preview, figure, existing.get(key), period, closed, overwrite_closed, label)


def _same(current: IndicatorValue, figure: Figure) -> bool:
    return (
        current.value == figure.value
        and (figure.numerator is None or current.numerator == figure.numerator)
        and (figure.denominator is None or current.denominator == figure.denominator)
        and (not figure.commentary or current.commentary == figure.commentary)
    )


def _file(entry, preview, figure, current, period, closed, overwrite_closed, label) -> None:
    """Put one figure in its indicator's added, changed, left or unchanged."""
    shown = {"label": label, "value": _fig(figure.value), "closed": closed, "row": figure.row}
    if current is not None and _same(current, figure):
        entry.unchanged += 1
        return
    if current is not None and current.source == "entered":
        entry.left.append({**shown, "reason": "entered in the service: a file never overwrites it"})
        return
    if current is not None and closed and not overwrite_closed:
        entry.left.append(
            {
                **shown,
                "reason": f"{period.label} is closed and already has {_fig(current.value)}: "
                "import with the option to change closed quarters to replace it",
            }
        )
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
        entry.changed.append({**shown, "old": _fig(current.value)})


def _compare_targets(reader: _Reader, preview: HistoryPreview) -> None:
    keys = list(reader.target_figures)
    existing = {
        (t.indicator_id, t.year): t
        for t in IndicatorTarget.objects.filter(
            indicator_id__in={k[0] for k in keys}, year__in={k[1] for k in keys}, point=0
        )
    }
    for key, (indicator, value, row) in reader.target_figures.items():
        current = existing.get(key)
        if current is not None and current.value == value:
            continue
        entry = preview.indicators.setdefault(
            indicator.pk, IndicatorPlan(indicator.code, indicator.title)
        )
        entry.targets.append(
            {
                "year": year_label(key[1]),
                "old": _fig(current.value) if current else "",
                "new": _fig(value),
                "row": row,
            }
        )
        preview.target_writes.append({"indicator": key[0], "year": key[1], "value": str(value)})
