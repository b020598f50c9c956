"""What the cycle's pages read about indicator values, assembled for one user: an owner's
indicators due in each open quarter ("My updates"), and an approver's queue of submitted
values ("Review"). A fixed number of queries whatever the number of indicators."""

from __future__ import annotations

from django.db.models import Count

from deliverables.indicators import points as pts
from deliverables.indicators.permissions import (
    decides_values_q,
    enters_values_q,
    reviews_values_q,
)
from deliverables.indicators.readings import rate_values
from deliverables.models import Indicator, IndicatorValue
from plans.models import Plan, ReportingPeriod

STATES = ["not_started", "draft", "returned", "submitted", "approved"]


def my_indicator_rows(user, periods: list[ReportingPeriod]) -> dict[int, dict]:
    """{period id: {"rows": [...], "counts": {state: points}}} for the indicators `user`
    enters (their own) with points due in each period: each row the indicator and, for each
    point, its label and where its value stands (not started, draft, returned, submitted,
    approved). Two queries."""
    if not periods:
        return {}
    indicators = list(
        Indicator.objects.filter(plan_id__in={p.plan_id for p in periods})
        .active()
        .filter(enters_values_q(user))
        .order_by("order", "code")
    )
    if not indicators:
        return {}
    values = {
        (v.indicator_id, v.year, v.point): v
        for v in IndicatorValue.objects.filter(
            indicator__in=[i.pk for i in indicators], year__in={p.year for p in periods}
        ).only("indicator_id", "year", "point", "state", "return_reason", "version")
    }
    found: dict[int, dict] = {}
    for period in periods:
        rows, counts = [], dict.fromkeys(STATES, 0)
        for indicator in indicators:
            if indicator.plan_id != period.plan_id:
                continue
            indicator.plan = period.plan  # for its links, without a query each
            due = []
            for point in pts.points_in_quarter(indicator.frequency, period.quarter):
                value = values.get((indicator.pk, period.year, point))
                state = value.state if value is not None else "not_started"
                counts[state] += 1
                label = pts.point_label(indicator.frequency, period.year, point)
                due.append({"label": label, "state": state, "value": value})
            if due:
                rows.append({"indicator": indicator, "points": due})
        if rows:
            found[period.pk] = {"rows": rows, "counts": counts, "total": sum(counts.values())}
    return found


def value_review_queue(user, plan: Plan, period: ReportingPeriod) -> dict[str, list]:
    """The values of `period` in `user`'s review queue (indicators.permissions.reviews_value)
    that someone submitted, by what happened to them: waiting, returned, approved; each rated
    (target, RAG, rule) and saying whether `user` may decide on it (never their own)."""
    values = list(
        IndicatorValue.objects.filter(period=period)
        .exclude(state="draft")
        .filter(reviews_values_q(user))
        .select_related("indicator__directorate", "indicator__owner", "submitted_by", "approved_by")
        .order_by("indicator__order", "indicator__code", "year", "point")
    )
    decidable = set(
        IndicatorValue.objects.filter(pk__in=[v.pk for v in values])
        .filter(decides_values_q(user))
        .values_list("pk", flat=True)
    )
    rate_values(values)
    queue: dict[str, list] = {"waiting": [], "returned": [], "approved": []}
    kind = {"submitted": "waiting", "returned": "returned", "approved": "approved"}
    for value in values:
        value.indicator.plan = plan
        value.is_own = value.pk not in decidable
        queue[kind[value.state]].append(value)
    return queue


def values_waiting(user, periods: list[ReportingPeriod]) -> dict[int, int]:
    """{period id: submitted values waiting in `user`'s review queue}. One query."""
    return dict(
        IndicatorValue.objects.filter(period__in=periods, state="submitted")
        .filter(reviews_values_q(user))
        .values_list("period")
        .annotate(n=Count("pk"))
        .order_by()
    )


def quarter_value_progress(period: ReportingPeriod) -> dict[str, int]:
    """How the values due in `period` stand, over all the plan's active indicators: `total`
    points due and how many are not started (no value), draft, returned, submitted or
    approved. For the performance team closing the quarter. Two queries."""
    indicators = list(
        Indicator.objects.filter(plan_id=period.plan_id).active().only("pk", "frequency")
    )
    counts = dict.fromkeys(STATES, 0)
    rows = IndicatorValue.objects.filter(
        indicator__in=[i.pk for i in indicators], year=period.year
    ).values_list("indicator_id", "point", "state")
    states = {(indicator_id, point): state for indicator_id, point, state in rows}
    for indicator in indicators:
        for point in pts.points_in_quarter(indicator.frequency, period.quarter):
            counts[states.get((indicator.pk, point), "not_started")] += 1
    return {"total": sum(counts.values()), **counts}
