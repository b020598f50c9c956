"""An action and its quarterly history."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from deliverables.access import action_for
from deliverables.models import ActionPlacement, QuarterlyUpdate
from plans.access import plan_for


@require_GET
def action_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Where the action sits in the plan, who leads it, and its updates quarter by quarter."""
    plan = plan_for(request.user, slug)
    action = action_for(request.user, plan, pk)
    placements = list(
        ActionPlacement.objects.filter(action=action)
        .select_related("outcome", "theme", "deliverable__theme")
        .order_by("outcome__order", "order")
    )
    for placement in placements:
        placement.outcome.plan = plan  # for the outcome's URL, without a query per row
    updates = list(
        QuarterlyUpdate.objects.filter(action=action)
        .visible_to(request.user)
        .select_related("period", "status", "updated_by", "submitted_by", "approved_by")
        .order_by("-period__year", "-period__quarter")
    )
    return render(
        request,
        "deliverables/action_detail.html",
        {
            "plan": plan,
            "action": action,
            "placements": placements,
            "updates": updates,
            "nav_section": "plans",
        },
    )
