"""User-scoped fetch helpers for actions and their updates: the object, or 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from deliverables.models import Action, QuarterlyUpdate
from plans.models import Plan, ReportingPeriod


def action_for(user, plan: Plan, pk: int) -> Action:
    """An action of a plan the user may read."""
    action = get_object_or_404(
        Action.objects.for_plan(plan)
        .with_people()
        .select_related("completed_in", "reported_from", "withdrawn_from"),
        pk=pk,
    )
    action.plan = plan
    return action


def editable_action_for(user, plan: Plan, pk: int) -> Action:
    """An action whose updates the user enters (lead or delegate); 404 for any other."""
    action = get_object_or_404(Action.objects.for_plan(plan).editable_by(user).with_people(), pk=pk)
    action.plan = plan
    return action


def period_by_code(plan: Plan, code: str) -> ReportingPeriod:
    period = get_object_or_404(ReportingPeriod.objects.for_plan(plan).by_code(code))
    period.plan = plan
    return period


def update_for_decision(user, pk: int) -> QuarterlyUpdate:
    """An update in one of the approver's directorates; 404 for any other."""
    if not user.has_perm("deliverables.approve_update"):
        return get_object_or_404(QuarterlyUpdate.objects.none(), pk=pk)
    return get_object_or_404(
        QuarterlyUpdate.objects.select_related(
            "action__plan", "action__lead_officer", "period__plan", "status"
        ).filter(action__directorate__in=user.directorates.all()),
        pk=pk,
    )
