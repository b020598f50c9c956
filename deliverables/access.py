"""User-scoped fetch helpers for actions and their updates."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from deliverables.models import Action
from plans.models import Plan


def action_for(user, plan: Plan, pk: int) -> Action:
    """An action of a plan the user may read; 404 for anything else."""
    return get_object_or_404(Action.objects.for_plan(plan).with_people(), pk=pk)
