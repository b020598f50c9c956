"""Writes of the recommendations register: a recommendation and the actions that answer it,
in one transaction."""

from __future__ import annotations

from django.db import transaction

from deliverables.models import Action, Recommendation
from deliverables.workflow import NotAllowed
from plans.models import Plan
from plans.permissions import can_manage_plans
from plans.sanitise import sanitise_text


@transaction.atomic
def recommendation_save(
    user, plan: Plan, recommendation: Recommendation, actions: list[Action]
) -> Recommendation:
    """Save a new or edited recommendation of `plan` and link exactly `actions` (the plan's
    own: any other plan's are dropped) to it."""
    if not can_manage_plans(user):
        raise NotAllowed("Only the performance team keeps the recommendations register.")
    created = recommendation.pk is None
    recommendation.plan = plan
    recommendation.text = sanitise_text(recommendation.text, max_length=10_000)
    if created:
        last = plan.recommendations.order_by("-order").values_list("order", flat=True).first()
        recommendation.order = (last or 0) + 1
    recommendation.save()
    recommendation.actions.set([a for a in actions if a.plan_id == plan.pk])
    return recommendation
