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


def period_for(plan: Plan, code: str | None) -> ReportingPeriod | None:
    """The quarter asked for in ?period=, else the latest with approved updates, else the latest.

    An unknown or malformed code is a 404: a bookmarked link to a quarter that is gone
    should say so, not quietly show another quarter.
    """
    periods = ReportingPeriod.objects.for_plan(plan)
    if code:
        return get_object_or_404(periods.by_code(code))
    return periods.reported().first() or periods.order_by("-year", "-quarter").first()
