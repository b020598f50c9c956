"""What the public pages read, assembled from the rules that own each figure.

Nothing here counts or decides visibility on its own: what is public comes from public.rules,
statuses and counts from deliverables.selectors and deliverables.rules read for
PUBLIC_READER (everyone), indicator figures from deliverables.indicators.readings. A signed-in
viewer's plan page and a public page therefore show the same numbers for the same quarter.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse

from deliverables.indicators.readings import Reading
from deliverables.rules import in_scope, with_statuses
from deliverables.selectors import PlanOverview, outcome_tree, plan_overview
from plans.models import Plan, ReportingPeriod, StrategicOutcome
from plans.statuses import AWAITING, Scale
from public.rules import (
    PUBLIC_READER,
    public_lead,
    public_periods,
    public_plans,
    public_readings,
    published_periods,
)
from reports.charts import BarChart, bar_chart
from reports.dashboard import Row, Segment


@dataclass
class PublicPlan:
    plan: Plan
    latest: ReportingPeriod | None


def index_plans() -> list[PublicPlan]:
    """Each plan whose public pages are on, with its latest published period: two queries
    whatever the number of plans."""
    plans = list(
        public_plans()
        .order_by("name")
        .prefetch_related(
            Prefetch("periods", queryset=published_periods(), to_attr="published_periods")
        )
    )
    return [PublicPlan(plan, next(iter(plan.published_periods), None)) for plan in plans]


def _switched_on(plan: Plan) -> Plan:
    """A copy of the plan with its public pages on, to ask the rule what they would show."""
    preview = copy.copy(plan)
    preview.public = True
    return preview


def periods_if_public(plan: Plan) -> list[ReportingPeriod]:
    """The periods the public would see if the plan's public pages were on: the preview the
    performance team reads before switching them on."""
    return list(public_periods(_switched_on(plan)))


@dataclass
class PeriodPage:
    outcomes: list[StrategicOutcome]
    overview: PlanOverview
    chart: BarChart
    readings: list[Reading]


def period_page(plan: Plan, period: ReportingPeriod) -> PeriodPage:
    """The period's outcomes with their status counts as everyone reads them, the plan total,
    a chart of the same rows, and the plan's indicators for the period."""
    outcomes = list(plan.outcomes.prefetch_related("themes").order_by("order", "name"))
    for outcome in outcomes:
        outcome.plan = plan
    overview = plan_overview(plan, period, PUBLIC_READER, outcomes)
    rows = [
        Row(
            label=row["outcome"].name if row["outcome"] else "All actions in the plan",
            link=(
                reverse("public:outcome", args=[plan.slug, period.code, row["outcome"].pk])
                if row["outcome"]
                else ""
            ),
            segments=[Segment(status, count, "") for status, count in row["status_counts"]],
        )
        for row in overview.rows
    ]
    chart = bar_chart(
        "public-outcomes",
        f"Actions by status in each {plan.outcome_label.lower()}, {period.label}",
        rows,
        overview.legend,
    )
    readings = public_readings(plan, period)
    return PeriodPage(outcomes, overview, chart, readings)


@dataclass
class PublicAction:
    action: object
    status: object
    commentary: str
    lead: str

    @property
    def awaiting(self) -> bool:
        return self.status is AWAITING


def outcome_page(
    plan: Plan, outcome: StrategicOutcome, period: ReportingPeriod
) -> tuple[list[dict], int]:
    """The outcome's themes, deliverables and actions counted in `period`, each action with its
    status and commentary as everyone reads them, and who leads it as the public may be told.

    Actions outside the period (completed before it, added after it) are left out: the public
    page shows the quarter as it was reported.
    """
    sections, count = outcome_tree(plan, outcome, period, PUBLIC_READER)
    commentary = dict(
        with_statuses(
            in_scope(plan, period).in_outcome(outcome),
            period,
            None,
            Scale.of(plan),
            PUBLIC_READER,
            commentary=True,
        ).values_list("pk", "commentary_now")
    )

    def public_rows(rows: list) -> list[PublicAction]:
        return [
            PublicAction(action, status, commentary.get(action.pk) or "", public_lead(action))
            for action, status, note in rows
            if not note
        ]

    shown = []
    for section in sections:
        deliverables = [(d, public_rows(rows)) for d, rows in section["deliverables"]]
        deliverables = [(d, rows) for d, rows in deliverables if rows]
        actions = public_rows(section["actions"])
        if deliverables or actions:
            shown.append(
                {"theme": section["theme"], "deliverables": deliverables, "actions": actions}
            )
    return shown, count
