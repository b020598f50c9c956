"""User-scoped fetch helpers for indicators in the quarterly cycle: the object, or 404 (which
does not confirm the object exists)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from deliverables.indicators.permissions import enters_values_q, reviews_values_q
from deliverables.models import Indicator, IndicatorValue
from plans.models import Plan


def indicator_to_enter(user, plan: Plan, code: str) -> Indicator:
    """An active indicator of the plan whose values the user enters (its owner); 404 for any
    other."""
    indicator = get_object_or_404(
        Indicator.objects.for_plan(plan).active().filter(enters_values_q(user)), code=code
    )
    indicator.plan = plan
    return indicator


def value_for_decision(user, pk: int) -> IndicatorValue:
    """A value in the user's review queue (indicators.permissions.reviews_value); 404 for any
    other."""
    return get_object_or_404(
        IndicatorValue.objects.select_related(
            "indicator__plan", "indicator__owner", "period__plan", "submitted_by"
        ).filter(reviews_values_q(user)),
        pk=pk,
    )


def value_to_withdraw(user, pk: int) -> IndicatorValue:
    """A value of an indicator whose values the user enters; 404 for any other."""
    return get_object_or_404(
        IndicatorValue.objects.select_related("indicator__plan", "period__plan").filter(
            enters_values_q(user, "indicator__")
        ),
        pk=pk,
    )
