"""Reading a plan: its outcomes with their status counts, an outcome's deliverables and
actions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from deliverables.access import period_for
from deliverables.indicators.readings import quarter_readings
from deliverables.indicators.selectors import indicators_of_outcome
from deliverables.models import Indicator, Milestone
from deliverables.selectors import outcome_tree, plan_overview
from plans.access import outcome_for, plan_for
from plans.models import ReportingPeriod
from plans.permissions import can_change_actions


@require_GET
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A plan's outcomes and themes, the status count per outcome for one quarter, the key."""
    plan = plan_for(request.user, slug)
    period = period_for(plan, request.GET.get("period"))
    outcomes = list(plan.outcomes.prefetch_related("themes").order_by("order", "name"))
    for outcome in outcomes:
        outcome.plan = plan
    overview = plan_overview(plan, period, request.user, outcomes)
    return render(
        request,
        "deliverables/plan_detail.html",
        {
            "plan": plan,
            "period": period,
            "periods": list(ReportingPeriod.objects.for_plan(plan).newest_first()),
            "outcomes": outcomes,
            "rows": overview.rows,
            "statuses": overview.statuses,
            "legend": overview.legend,
            "can_assign": can_change_actions(request.user),
            "nav_section": "plans",
        },
    )


@require_GET
def outcome_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An outcome's themes, deliverables and actions, each action with its quarter's status."""
    plan = plan_for(request.user, slug)
    outcome = outcome_for(request.user, plan, pk)
    period = period_for(plan, request.GET.get("period"))
    sections, action_count = outcome_tree(plan, outcome, period, request.user)
    indicators = indicators_of_outcome(
        Indicator.objects.for_plan(plan).active().select_related("owner", "directorate"),
        outcome.pk,
    )
    readings = quarter_readings(plan, period, request.user, indicators) if period else []
    return render(
        request,
        "deliverables/outcome_detail.html",
        {
            "plan": plan,
            "outcome": outcome,
            "period": period,
            "periods": list(ReportingPeriod.objects.for_plan(plan).newest_first()),
            "sections": sections,
            "action_count": action_count,
            "readings": readings,
            # Plans with milestones (the Improvement Plan) link to the timelines.
            "has_milestones": Milestone.objects.filter(
                action__placements__outcome=outcome
            ).exists(),
            "nav_section": "plans",
        },
    )
