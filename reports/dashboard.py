"""The dashboard's numbers for one plan and quarter, each with the register link behind it.

Every count is an aggregate in the database; the Python here only arranges the grouped rows
into charts and tables. The number of queries is the same whatever the number of actions
or quarters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlencode

from django.db.models import Count, IntegerField, Value
from django.urls import reverse
from django.utils import timezone

from deliverables.milestone_reads import OverduePanel, overdue_panel
from deliverables.models import QuarterlyUpdate, submission_progress
from deliverables.rules import (
    MOVEMENTS,
    counted_q,
    in_scope,
    movement_of,
    turned_red,
    with_statuses,
)
from plans.models import Plan, ReportingPeriod, Status
from plans.refs import ref_sort_key
from plans.statuses import PseudoStatus, Scale

TREND_QUARTERS = 8
# The dashboard lists this many turned-red and red actions, then links to the register for all:
# at county size the full lists were most of a 195 KB page.
LIST_SHOWN = 10


@dataclass
class Bounded:
    """The first LIST_SHOWN of a list, how many there are, and the register filtered to all."""

    first: list
    total: int
    link: str

    @property
    def more(self) -> bool:
        return self.total > len(self.first)

    def __bool__(self) -> bool:
        return self.total > 0

    def __iter__(self):
        return iter(self.first)

    def __len__(self) -> int:
        return len(self.first)


@dataclass
class Segment:
    status: Status | PseudoStatus | None  # None: not updated yet (an open quarter)
    count: int
    link: str


class _Counts:
    segments: list[Segment]

    @property
    def total(self) -> int:
        return sum(segment.count for segment in self.segments)

    @property
    def status_segments(self) -> list[Segment]:
        return [s for s in self.segments if s.status is not None]

    @property
    def not_updated(self) -> Segment | None:
        return next((s for s in self.segments if s.status is None), None)


@dataclass
class Row(_Counts):
    label: str
    link: str
    segments: list[Segment]


@dataclass
class TrendColumn(_Counts):
    period: ReportingPeriod
    segments: list[Segment]


@dataclass
class Dashboard:
    plan: Plan
    period: ReportingPeriod
    previous: ReportingPeriod | None
    scale: Scale
    legend: list  # the scale's statuses, and Awaiting approval when the reader has any
    overall: Row
    outcomes: list[Row]
    directorates: list[Row]
    movement: dict[str, tuple[int, str]]
    turned_red: Bounded
    red_streaks: Bounded  # of (action, quarters red in a row), longest first
    trend: list[TrendColumn]
    progress: list[dict] = field(default_factory=list)
    progress_totals: dict = field(default_factory=dict)
    days_left: int | None = None
    milestones: OverduePanel | None = None  # None: the plan has no milestones


def register_link(plan: Plan, period: ReportingPeriod, **filters) -> str:
    return _register_links(plan)(period, **filters)


def _register_links(plan: Plan):
    """register_link for one plan, reversing the register's URL once: the dashboard makes
    ~180 links (every count is one), and a reverse() each was ~5% of building it."""
    path = reverse("reports:register", args=[plan.slug])

    def link(period: ReportingPeriod, **filters) -> str:
        query = {"period": period.code, **{k: v for k, v in filters.items() if v not in (None, "")}}
        return f"{path}?{urlencode(query)}"

    return link


def _segments(counts: dict, legend: list, link) -> list[Segment]:
    """One segment per status of the legend, then "not yet updated" if any action is."""
    segments = [Segment(s, counts.get(s.pk, 0), link(status=s.pk)) for s in legend]
    if counts.get(None):
        segments.append(Segment(None, counts[None], link(status="none")))
    return segments


def build_dashboard(plan: Plan, period: ReportingPeriod, user) -> Dashboard:
    """The dashboard as `user` reads it (deliverables.rules: what counts, who sees what)."""
    scale = Scale.of(plan)
    previous = period.previous()
    actions = with_statuses(in_scope(plan, period), period, previous, scale, user)

    links = _register_links(plan)

    def link(**filters) -> str:
        return links(period, **filters)

    overall_counts, by_directorate, pairs = _grouped(actions)
    trend_counts = _trend_counts(plan, period, scale, user)
    legend = scale.legend({pk for _, counts in trend_counts for pk in counts} | set(overall_counts))
    red = scale.red_ids()
    red_now = list(actions.filter(status_now__in=red).select_related("directorate")) if red else []
    dashboard = Dashboard(
        plan=plan,
        period=period,
        previous=previous,
        scale=scale,
        legend=legend,
        overall=Row(plan.name, link(), _segments(overall_counts, legend, link)),
        outcomes=_outcome_rows(plan, actions, legend, link),
        directorates=[
            Row(
                name,
                link(directorate=pk or "none"),
                _segments(counts, legend, partial(link, directorate=pk or "none")),
            )
            for (name, pk), counts in sorted(by_directorate.items())
        ],
        movement=_movement(pairs, scale, link) if previous is not None else {},
        turned_red=_bounded(
            sorted(
                (a for a in red_now if turned_red(a.status_now, a.status_before, scale)),
                key=lambda a: (ref_sort_key(a.ref), a.pk),
            )
            if previous is not None
            else [],
            link(movement="turned_red"),
        ),
        # The register's "red" filter is the same status ids as red_now (Scale.red_ids).
        red_streaks=_bounded(_red_streaks(plan, period, red_now, red, user), link(rag="red")),
        trend=[
            TrendColumn(each, _segments(counts, legend, partial(links, each)))
            for each, counts in trend_counts
        ],
    )
    dashboard.milestones = overdue_panel(plan, period, timezone.localdate())
    if period.is_open:
        dashboard.days_left = period.days_left(timezone.localdate())
        rows, totals = submission_progress(period)
        for row in rows:
            row["link"] = link(directorate=row["directorate_id"] or "none", status="none")
        dashboard.progress, dashboard.progress_totals = rows, totals
    return dashboard


def _bounded(items: list, link: str) -> Bounded:
    return Bounded(items[:LIST_SHOWN], len(items), link)


def _grouped(actions) -> tuple[dict, dict, dict]:
    """One GROUP BY (directorate, status now, status before) gives the plan as a whole, each
    directorate and the movement since the quarter before: each action is in exactly one
    group, so summing the groups here adds up the same as three separate counts would."""
    overall: dict = {}
    by_directorate: dict[tuple, dict] = {}
    pairs: dict[tuple, int] = {}
    for row in (
        actions.values("directorate_id", "directorate__name", "status_now", "status_before")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        now, n = row["status_now"], row["n"]
        overall[now] = overall.get(now, 0) + n
        key = (row["directorate__name"] or "No directorate", row["directorate_id"])
        counts = by_directorate.setdefault(key, {})
        counts[now] = counts.get(now, 0) + n
        pair = (now, row["status_before"])
        pairs[pair] = pairs.get(pair, 0) + n
    return overall, by_directorate, pairs


def _outcome_rows(plan: Plan, actions, legend: list, link) -> list[Row]:
    """An action listed under two outcomes counts in each, once however many of the outcome's
    deliverables it serves."""
    by_outcome: dict[int, dict] = {}
    for row in (
        actions.values("placements__outcome", "status_now")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    ):
        by_outcome.setdefault(row["placements__outcome"], {})[row["status_now"]] = row["n"]
    return [
        Row(
            outcome.name,
            link(outcome=outcome.pk),
            _segments(by_outcome.get(outcome.pk, {}), legend, partial(link, outcome=outcome.pk)),
        )
        for outcome in plan.outcomes.order_by("order", "name")
    ]


def _movement(pairs: dict, scale: Scale, link) -> dict[str, tuple[int, str]]:
    """Every action in exactly one kind of movement, and how many turned red."""
    figures = dict.fromkeys([*MOVEMENTS, "turned_red"], 0)
    for (now, before), n in pairs.items():
        figures[movement_of(now, before, scale)] += n
        if turned_red(now, before, scale):
            figures["turned_red"] += n
    return {kind: (figures[kind], link(movement=kind)) for kind in figures}


def _red_streaks(plan, period, red_now: list, red: list[int], user) -> list[tuple[object, int]]:
    """Each action red this quarter, with how many quarters in a row it has been red, counting
    only the updates that count for `user`."""
    if not red_now:
        return []
    periods = list(ReportingPeriod.objects.for_plan(plan).up_to(period).newest_first())
    red_quarters: dict[int, set[int]] = {}
    for action_id, period_id in (
        QuarterlyUpdate.objects.filter(
            action__in=[a.pk for a in red_now],
            period__in=[p.pk for p in periods],
            status__in=red,
        )
        .filter(counted_q(user))
        .values_list("action_id", "period_id")
    ):
        red_quarters.setdefault(action_id, set()).add(period_id)
    streaks = []
    for action in red_now:
        action.plan = plan
        quarters = red_quarters.get(action.pk, set())
        streak = 0
        for each in periods:  # newest first: count back until a quarter that was not red
            if each.pk not in quarters:
                break
            streak += 1
        streaks.append((action, max(streak, 1)))
    return sorted(streaks, key=lambda pair: (-pair[1], ref_sort_key(pair[0].ref), pair[0].pk))


def _trend_counts(plan: Plan, period: ReportingPeriod, scale: Scale, user) -> list[tuple]:
    """Actions per status in each of the last eight quarters up to this one: the same rule as
    the quarter's own counts, a GROUP BY per quarter, sent as one UNION ALL query."""
    periods = list(
        ReportingPeriod.objects.for_plan(plan).up_to(period).newest_first()[:TREND_QUARTERS]
    )[::-1]
    if not periods:
        return []
    parts = [
        with_statuses(in_scope(plan, each), each, None, scale, user)
        .annotate(quarter=Value(each.pk, output_field=IntegerField()))
        .values("quarter", "status_now")
        .annotate(n=Count("pk"))
        .order_by()
        for each in periods
    ]
    counts: dict[int, dict] = {each.pk: {} for each in periods}
    for row in parts[0].union(*parts[1:], all=True):
        counts[row["quarter"]][row["status_now"]] = row["n"]
    for each in periods:
        each.plan = plan
    return [(each, counts[each.pk]) for each in periods]
