"""User-scoped fetch helpers: what a view may show this user, or 404.

A 404 rather than a 403 for objects outside a user's reach: it does not confirm that
the object exists.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from plans.models import Plan, ReportingPeriod, StrategicOutcome


def plan_for(user, slug: str) -> Plan:
    return get_object_or_404(Plan.objects.visible_to(user), slug=slug)


def outcome_for(user, plan: Plan, pk: int) -> StrategicOutcome:
    outcome = get_object_or_404(StrategicOutcome.objects.filter(plan=plan), pk=pk)
    outcome.plan = plan  # already fetched: links to the outcome need its slug
    return outcome


def period_for(plan: Plan, code: str | None, *, latest: bool = False) -> ReportingPeriod | None:
    """The quarter asked for in ?period=; else the latest quarter (`latest`), or the latest
    with submitted or approved updates, falling back to the latest.

    An unknown or malformed code is a 404: a bookmarked link to a quarter that is gone
    should say so, not quietly show another quarter.
    """
    periods = ReportingPeriod.objects.for_plan(plan)
    if code:
        period = get_object_or_404(periods.by_code(code))
    elif latest:
        period = periods.order_by("-year", "-quarter").first()
    else:
        period = periods.reported().first() or periods.order_by("-year", "-quarter").first()
    if period is not None:
        period.plan = plan
    return period
