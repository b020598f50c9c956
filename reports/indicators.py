"""Indicators on the dashboard and in the exception report.

Every figure here is a deliverables.indicators.readings.Reading: the RAG rule, who sees what
and the quarter's figure are decided there, once; this module only arranges the readings into
the dashboard's panel and the report's "off target" lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from deliverables.indicators import rag
from deliverables.indicators.readings import Reading, quarter_readings, rag_counts
from deliverables.indicators.selectors import outcome_ids_by_indicator
from plans.models import Plan, ReportingPeriod
from plans.sanitise import paragraphs
from plans.statuses import PseudoStatus
from reports.dashboard import Row, Segment

# The dashboard lists this many worsening indicators and links to the full list for the rest:
# a county plan can have hundreds, and the page must not grow with them.
WORSENING_SHOWN = 20

# The RAG categories drawn as a chart's "statuses": colour, a pattern by place (green plain,
# then hatched) and the count written on each bar, so colour is never the only signal.
RAG_STATUSES = [
    PseudoStatus(-101, rag.GREEN, rag.RAG_LABELS[rag.GREEN], "#00703C", "#FFFFFF", rag.GREEN),
    PseudoStatus(-102, rag.AMBER, rag.RAG_LABELS[rag.AMBER], "#F47738", "#0B0C0C", rag.AMBER),
    PseudoStatus(-103, rag.RED, rag.RAG_LABELS[rag.RED], "#D4351C", "#FFFFFF", rag.RED),
    PseudoStatus(-104, rag.GREY, rag.RAG_LABELS[rag.GREY], "#B1B4B6", "#0B0C0C", rag.GREY),
    PseudoStatus(-105, rag.MISSING, rag.RAG_LABELS[rag.MISSING], "#F3F2F1", "#0B0C0C", rag.GREY),
]


def indicator_list_link(plan: Plan, period: ReportingPeriod, **filters) -> str:
    """The plan's indicator list for the quarter, filtered (rag=red, direction=worsening)."""
    query = {"period": period.code, **{k: v for k, v in filters.items() if v}}
    return f"{reverse('deliverables:indicators', args=[plan.slug])}?{urlencode(query)}"


def indicator_link(plan: Plan, code: str) -> str:
    return reverse("deliverables:indicator", args=[plan.slug, code])


@dataclass
class Worsening:
    reading: Reading
    link: str  # the indicator's page

    @property
    def before(self) -> str:
        """What it is worse than: the figure before, or for a cumulative indicator what the
        period before added to the year to date (what the direction compared)."""
        if self.reading.compares_amounts:
            return f"{self.reading.compared_before_text} added"
        return self.reading.previous_text

    @property
    def now(self) -> str:
        if self.reading.compares_amounts:
            return f"{self.reading.compared_now_text} added"
        return self.reading.value_text


@dataclass
class IndicatorPanel:
    """The dashboard's indicators for one quarter, as one reader may see them."""

    total: int
    counts: dict[str, int]  # rag_counts(readings): green, amber, red, grey, missing
    row: Row
    worsening: list[Worsening]  # the first WORSENING_SHOWN
    worsening_total: int
    worsening_link: str
    list_link: str

    @property
    def statuses(self) -> list[PseudoStatus]:
        return RAG_STATUSES


def indicator_panel(plan: Plan, period: ReportingPeriod, user) -> IndicatorPanel | None:
    """Counts by RAG and the worsening indicators: a fixed handful of queries, whatever the
    number of indicators (None when the plan has none)."""
    readings = quarter_readings(plan, period, user)
    if not readings:
        return None
    counts = rag_counts(readings)
    row = Row(
        "All indicators",
        indicator_list_link(plan, period),
        [
            Segment(status, counts[status.key], indicator_list_link(plan, period, rag=status.key))
            for status in RAG_STATUSES
        ],
    )
    worsening = [r for r in readings if r.direction == rag.WORSENING]
    return IndicatorPanel(
        total=len(readings),
        counts=counts,
        row=row,
        worsening=[
            Worsening(r, indicator_link(plan, r.indicator.code))
            for r in worsening[:WORSENING_SHOWN]
        ],
        worsening_total=len(worsening),
        worsening_link=indicator_list_link(plan, period, direction=rag.WORSENING),
        list_link=indicator_list_link(plan, period),
    )


@dataclass
class IndicatorLine:
    """An off-target indicator as the exception report prints it: text only, so a published
    report keeps it whatever happens to the live values."""

    code: str
    title: str
    point_label: str  # the month, quarter or year the figure is for
    value: str
    target: str
    rag_label: str
    rule: str
    direction: str
    previous: str
    commentary: str
    path: str
    outcomes: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return paragraphs(self.commentary)


def _line(plan: Plan, reading: Reading, outcomes: list[str]) -> IndicatorLine:
    indicator = reading.indicator
    return IndicatorLine(
        code=indicator.code,
        title=indicator.title,
        point_label=reading.label,
        value=reading.value_text,
        target=reading.target_text,
        rag_label=reading.rag_label,
        rule=reading.rule,
        direction=reading.direction_label,
        previous=rag.fmt(reading.previous, indicator.decimals, indicator.unit),
        commentary=reading.commentary,
        path=indicator_link(plan, indicator.code),
        outcomes=outcomes,
    )


@dataclass
class OffTarget:
    """The report's off-target indicators: by outcome id, and those linked to no outcome."""

    total: int  # indicators read for the quarter, off target or not
    by_outcome: dict[int, list[IndicatorLine]]
    unlinked: list[IndicatorLine]


def off_target(plan: Plan, period: ReportingPeriod, reader, outcome_names: dict) -> OffTarget:
    """Indicators whose reading for the quarter is red, for the report's audience `reader`;
    one under two outcomes is listed in each. `outcome_names`: id -> name, in report order."""
    readings = quarter_readings(plan, period, reader)
    red = [r for r in readings if r.rag == rag.RED]
    outcomes_of = outcome_ids_by_indicator([r.indicator for r in red])
    order = list(outcome_names)
    by_outcome: dict[int, list[IndicatorLine]] = {}
    unlinked = []
    for reading in red:
        ids = sorted(
            (i for i in outcomes_of.get(reading.indicator.pk, ()) if i in outcome_names),
            key=order.index,
        )
        line = _line(plan, reading, [outcome_names[i] for i in ids])
        if not ids:
            unlinked.append(line)
        for outcome_id in ids:
            by_outcome.setdefault(outcome_id, []).append(line)
    return OffTarget(total=len(readings), by_outcome=by_outcome, unlinked=unlinked)
