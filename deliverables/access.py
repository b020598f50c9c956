"""User-scoped fetch helpers for actions and their updates: the object, or 404."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404

from deliverables.models import Action, QuarterlyUpdate
from plans.models import PeriodState, Plan, ReportingPeriod


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
    """An update in the user's review queue (deliverables.permissions.reviews); 404 for any
    other."""
    return get_object_or_404(
        QuarterlyUpdate.objects.select_related(
            "action__plan", "action__lead_officer", "period__plan", "status", "submitted_by"
        ).reviewed_by(user),
        pk=pk,
    )


def update_to_withdraw(user, pk: int) -> QuarterlyUpdate:
    """An update of an action whose updates the user enters (lead or delegate); 404 for any
    other."""
    return get_object_or_404(
        QuarterlyUpdate.objects.select_related("action", "period__plan").filter(
            action__in=Action.objects.editable_by(user)
        ),
        pk=pk,
    )


def period_for(plan: Plan, code: str | None, *, latest: bool = False) -> ReportingPeriod | None:
    """The period asked for in ?period=; else the latest period (`latest`), or the latest
    with an update that counts for everyone (deliverables.rules), falling back to the latest
    that has opened (a plan with no approved update yet shows its open month, not the last
    upcoming one of its years), then to its first.

    An unknown or malformed code is a 404: a bookmarked link to a quarter that is gone
    should say so, not quietly show another quarter.
    """
    periods = ReportingPeriod.objects.for_plan(plan)
    if code:
        period = get_object_or_404(periods.by_code(code))
    elif latest:  # the latest that has opened: an upcoming period has nothing to show yet
        period = (
            periods.exclude(state=PeriodState.UPCOMING).newest_first().first()
            or periods.chronological().first()
        )
    else:
        counted = QuarterlyUpdate.objects.filter(period=OuterRef("pk")).counted_for(None)
        period = (
            periods.filter(Exists(counted)).newest_first().first()
            or periods.exclude(state=PeriodState.UPCOMING).newest_first().first()
            or periods.chronological().first()
        )
    if period is not None:
        period.plan = plan
    return period
