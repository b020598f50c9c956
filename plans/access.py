"""User-scoped fetch helpers: what a view may show this user, or 404.

A 404 rather than a 403 for objects outside a user's reach: it does not confirm that
the object exists.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from plans.models import Plan, StrategicOutcome


def plan_for(user, slug: str) -> Plan:
    return get_object_or_404(Plan.objects.visible_to(user), slug=slug)


def outcome_for(user, plan: Plan, pk: int) -> StrategicOutcome:
    outcome = get_object_or_404(StrategicOutcome.objects.filter(plan=plan), pk=pk)
    outcome.plan = plan  # already fetched: links to the outcome need its slug
    return outcome
