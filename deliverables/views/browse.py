"""Reading a plan: its outcomes with their status counts, an outcome's deliverables and
actions."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from deliverables.access import period_for
from deliverables.models import ActionPlacement
from deliverables.rules import (
    in_scope,
    out_of_scope_reason,
    with_statuses,
)
from plans.access import outcome_for, plan_for
from plans.models import Plan, ReportingPeriod
from plans.statuses import Scale


@require_GET
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A plan's outcomes and themes, the status count per outcome for one quarter, the key."""
    plan = plan_for(request.user, slug)
    period = period_for(plan, request.GET.get("period"))
    outcomes = list(plan.outcomes.prefetch_related("themes").order_by("order", "name"))
    for outcome in outcomes:
        outcome.plan = plan
    scale = Scale.of(plan)
    counts = outcome_status_counts(plan, period, scale, request.user) if period else {}
    legend = scale.legend({pk for by_status in counts.values() for pk in by_status})
    rows = []
    for outcome in [*outcomes, None]:
        by_status = counts.get(outcome.pk if outcome else None, {})
        if outcome is None and not by_status:
            continue
        rows.append(
            {
                "outcome": outcome,
                "total": sum(by_status.values()),
                "status_counts": [(status, by_status.get(status.pk, 0)) for status in legend],
                "not_updated": by_status.get(None, 0),
            }
        )
    periods = list(ReportingPeriod.objects.for_plan(plan).order_by("-year", "-quarter"))
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "period": period,
            "periods": periods,
            "outcomes": outcomes,
            "rows": rows,
            "statuses": scale.statuses,
            "legend": legend,
            "nav_section": "plans",
        },
    )


@require_GET
def outcome_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An outcome's themes, deliverables and actions, each action with its quarter's status."""
    plan = plan_for(request.user, slug)
    outcome = outcome_for(request.user, plan, pk)
    period = period_for(plan, request.GET.get("period"))
    placements = list(
        ActionPlacement.objects.filter(outcome=outcome)
        .select_related(
            "action__directorate",
            "action__lead_officer",
            "action__completed_in",
            "action__reported_from",
            "action__withdrawn_from",
            "deliverable",
            "theme",
        )
        .order_by("order", "pk")
    )
    scale = Scale.of(plan)
    status_of: dict[int, int | None] = {}
    if period is not None:
        status_of = dict(
            with_statuses(
                in_scope(plan, period).in_outcome(outcome), period, None, scale, request.user
            ).values_list("pk", "status_now")
        )
    themes = list(outcome.themes.order_by("order", "name"))
    deliverables = list(outcome.deliverables.select_related("theme").order_by("order", "pk"))

    # Arrange what was fetched: theme -> deliverable -> actions, in the plan's order. An
    # action outside the quarter (completed before it, added after it, withdrawn) is listed
    # with why, and not counted.
    actions_of: dict[int, list] = {}
    loose: dict[int | None, list] = {}
    for placement in placements:
        action = placement.action
        action.plan = plan  # for the action's URL, without a query per action
        if period is None or action.pk in status_of:
            row = (action, scale.get(status_of.get(action.pk)), "")
        else:
            row = (action, None, out_of_scope_reason(action, period))
        if placement.deliverable_id:
            actions_of.setdefault(placement.deliverable_id, []).append(row)
        else:
            loose.setdefault(placement.theme_id, []).append(row)
    sections = []
    for theme in [*themes, None]:
        theme_id = theme.pk if theme else None
        items = [(d, actions_of.get(d.pk, [])) for d in deliverables if d.theme_id == theme_id]
        direct = loose.get(theme_id, [])
        if items or direct:
            sections.append({"theme": theme, "deliverables": items, "actions": direct})
    periods = list(ReportingPeriod.objects.for_plan(plan).order_by("-year", "-quarter"))
    return render(
        request,
        "plans/outcome_detail.html",
        {
            "plan": plan,
            "outcome": outcome,
            "period": period,
            "periods": periods,
            "sections": sections,
            "action_count": len(status_of) if period else len({p.action_id for p in placements}),
            "nav_section": "plans",
        },
    )


def outcome_status_counts(plan: Plan, period: ReportingPeriod, scale: Scale, user) -> dict:
    """{outcome id: {status id: actions}} for `period` as `user` reads it, and under None the
    plan as a whole. An action counts once in each outcome it sits in, and once in the plan."""
    actions = with_statuses(in_scope(plan, period), period, None, scale, user)
    counts: dict[int | None, dict] = {None: {}}
    for row in (
        actions.values("placements__outcome", "status_now")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    ):
        if row["placements__outcome"] is not None:
            counts.setdefault(row["placements__outcome"], {})[row["status_now"]] = row["n"]
    for status_id, n in actions.values_list("status_now").annotate(n=Count("pk")).order_by():
        counts[None][status_id] = n
    return counts
