"""The dashboard's numbers for one plan and quarter, each with the register link behind it.

Every count is an aggregate in the database; the Python here only arranges the grouped rows
into charts and tables. The number of queries is the same whatever the number of actions
or quarters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from deliverables.models import REPORTABLE_STATES, Action, QuarterlyUpdate, submission_progress
from plans.models import Plan, ReportingPeriod, Status
from reports.status import Scale, in_scope, movement_kinds, with_statuses

TREND_QUARTERS = 8


@dataclass
class Segment:
    status: Status | None  # None: not updated yet (an open quarter)
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
    overall: Row
    outcomes: list[Row]
    directorates: list[Row]
    movement: dict[str, tuple[int, str]]
    turned_red: list[Action]
    red_streaks: list[tuple[Action, int]]
    trend: list[TrendColumn]
    progress: list[dict] = field(default_factory=list)
    progress_totals: dict = field(default_factory=dict)
    days_left: int | None = None

    @property
    def legend(self) -> list[Status]:
        return self.scale.statuses


def register_link(plan: Plan, period: ReportingPeriod, **filters) -> str:
    query = {"period": period.code, **{k: v for k, v in filters.items() if v not in (None, "")}}
    return f"{reverse('reports:register', args=[plan.slug])}?{urlencode(query)}"


def _segments(counts: dict, scale: Scale, link, missing: int = 0) -> list[Segment]:
    segments = [Segment(s, counts.get(s.pk, 0), link(status=s.pk)) for s in scale.statuses]
    not_updated = counts.get(None, 0) + missing
    if not_updated:
        segments.append(Segment(None, not_updated, link(status="none")))
    return segments


def build_dashboard(plan: Plan, period: ReportingPeriod) -> Dashboard:
    scale = Scale.of(plan)
    previous = period.previous()
    actions = with_statuses(in_scope(plan, period), period, previous, scale)

    def link(**filters) -> str:
        return register_link(plan, period, **filters)

    # One GROUP BY (directorate, status now, status before) gives the plan as a whole, each
    # directorate and the movement since the quarter before: each action is in exactly one
    # group, so summing the groups here adds up the same as three separate counts would.
    grouped = list(
        actions.values("directorate_id", "directorate__name", "status_now", "status_before")
        .annotate(n=Count("pk"))
        .order_by()
    )
    overall_counts: dict = {}
    by_directorate: dict[tuple, dict] = {}
    pairs: dict[tuple, int] = {}
    for row in grouped:
        now, n = row["status_now"], row["n"]
        overall_counts[now] = overall_counts.get(now, 0) + n
        key = (row["directorate__name"] or "No directorate", row["directorate_id"])
        counts = by_directorate.setdefault(key, {})
        counts[now] = counts.get(now, 0) + n
        pair = (now, row["status_before"])
        pairs[pair] = pairs.get(pair, 0) + n
    overall = Row(plan.name, link(), _segments(overall_counts, scale, link))

    # By outcome: an action listed under two outcomes counts in each.
    by_outcome: dict[int, dict] = {}
    for row in (
        actions.values("placements__outcome", "status_now")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    ):
        by_outcome.setdefault(row["placements__outcome"], {})[row["status_now"]] = row["n"]
    outcomes = []
    for outcome in plan.outcomes.order_by("order", "name"):

        def outcome_link(outcome=outcome, **filters) -> str:
            return link(outcome=outcome.pk, **filters)

        counts = by_outcome.get(outcome.pk, {})
        outcomes.append(Row(outcome.name, outcome_link(), _segments(counts, scale, outcome_link)))

    # By directorate.
    directorates = []
    for (name, directorate_id), counts in sorted(by_directorate.items()):

        def directorate_link(directorate_id=directorate_id, **filters) -> str:
            return link(directorate=directorate_id or "none", **filters)

        directorates.append(
            Row(name, directorate_link(), _segments(counts, scale, directorate_link))
        )

    # Movement since the quarter before.
    movement = {}
    if previous is not None:
        kinds = ["improved", "worsened", "stayed", "turned_red"]
        # The (now, before) pairs classified here, rather than a filtered count per kind.
        figures = dict.fromkeys(kinds, 0)
        for (now, before), n in pairs.items():
            for kind in movement_kinds(now, before, scale):
                figures[kind] += n
        movement = {kind: (figures[kind], link(movement=kind)) for kind in kinds}
    red = scale.red_ids()
    red_now = list(actions.filter(status_now__in=red).select_related("directorate")) if red else []
    # The same rule as the register's "turned red" filter (reports.status.movement_filter).
    turned_red = (
        [action for action in red_now if action.status_before not in red]
        if previous is not None
        else []
    )

    red_streaks = _red_streaks(plan, period, red_now, red)
    trend = _trend(plan, period, scale)

    dashboard = Dashboard(
        plan=plan,
        period=period,
        previous=previous,
        scale=scale,
        overall=overall,
        outcomes=outcomes,
        directorates=directorates,
        movement=movement,
        turned_red=turned_red,
        red_streaks=red_streaks,
        trend=trend,
    )
    if period.is_open:
        dashboard.days_left = period.days_left(timezone.localdate())
        rows, totals = submission_progress(period)
        for row in rows:
            row["link"] = link(directorate=row["directorate_id"] or "none", status="none")
        dashboard.progress, dashboard.progress_totals = rows, totals
    return dashboard


def _red_streaks(plan, period, red_now: list[Action], red: list[int]) -> list[tuple[Action, int]]:
    """Each action red this quarter, with how many quarters in a row it has been red."""
    if not red_now:
        return []
    periods = list(
        ReportingPeriod.objects.for_plan(plan)
        .filter(Q(year__lt=period.year) | Q(year=period.year, quarter__lte=period.quarter))
        .order_by("-year", "-quarter")
    )
    red_quarters: dict[int, set[int]] = {}
    for action_id, period_id in QuarterlyUpdate.objects.filter(
        action__in=[a.pk for a in red_now],
        period__in=[p.pk for p in periods],
        state__in=REPORTABLE_STATES,
        status__in=red,
    ).values_list("action_id", "period_id"):
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
    return sorted(streaks, key=lambda pair: (-pair[1], pair[0].ref_normalised))


def _trend(plan: Plan, period: ReportingPeriod, scale: Scale) -> list[TrendColumn]:
    """Actions per status in each of the last eight quarters up to this one."""
    periods = list(
        ReportingPeriod.objects.for_plan(plan)
        .filter(Q(year__lt=period.year) | Q(year=period.year, quarter__lte=period.quarter))
        .order_by("-year", "-quarter")[:TREND_QUARTERS]
    )[::-1]
    if not periods:
        return []
    counts: dict[int, dict] = {}
    # The quarters are the plan's, and an update's quarter is always its action's plan's (a
    # database rule), so no join to the actions; an action has one update a quarter, so no
    # DISTINCT.
    for row in (
        QuarterlyUpdate.objects.filter(period__in=periods, state__in=REPORTABLE_STATES)
        .values("period", "status")
        .annotate(n=Count("*"))
        .order_by()
    ):
        counts.setdefault(row["period"], {})[row["status"]] = row["n"]
    # How many actions each quarter asked an update of: one query for all eight.
    scope = Action.objects.filter(plan=plan).aggregate(
        **{
            f"q{p.pk}": Count(
                "pk",
                filter=Q(completed_in__isnull=True)
                | Q(completed_in__year__gt=p.year)
                | Q(completed_in__year=p.year, completed_in__quarter__gte=p.quarter),
            )
            for p in periods
        }
    )
    columns = []
    for each in periods:
        reported = counts.get(each.pk, {})
        missing = max(0, scope[f"q{each.pk}"] - sum(reported.values()))
        if each.is_locked and scale.no_update is not None:
            reported = dict(reported)
            reported[scale.no_update.pk] = reported.get(scale.no_update.pk, 0) + missing
            missing = 0

        def trend_link(each=each, **filters) -> str:
            return register_link(plan, each, **filters)

        columns.append(TrendColumn(each, _segments(reported, scale, trend_link, missing)))
    return columns
