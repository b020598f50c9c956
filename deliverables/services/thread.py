"""Writes to the golden thread: linking a directorate plan's action to a deliverable of another
plan (the corporate plan) that it serves, and removing the link.

There is no history table for the links themselves; each change is written into the action's
own audit trail (a history row with the reason), so the action page's History says who linked
or unlinked which deliverable, and when, like every other change to the action.
"""

from __future__ import annotations

from django.db import transaction

from deliverables.models import Action, ActionContribution, Deliverable
from deliverables.services.base import record_history
from deliverables.workflow import NotAllowed, WorkflowError
from plans.models import User
from plans.permissions import can_change_actions

SAME_PLAN = (
    "{deliverable} is a deliverable of this action's own plan: choose a deliverable of "
    "another plan. Within a plan, place the action under the deliverable instead."
)


def _check_may_change(user: User, action: Action) -> None:
    if not can_change_actions(user):
        raise NotAllowed("Only the performance team can change which deliverables it serves.")
    if not action.plan.is_active:
        raise WorkflowError(f"{action.plan} is archived: its actions are read-only.")


def _named(deliverable: Deliverable) -> str:
    return f"{deliverable.outcome.plan.name} {deliverable.ref or deliverable.title[:60]}"


@transaction.atomic
def action_contribution_add(
    user: User, action: Action, deliverable: Deliverable
) -> ActionContribution:
    """Record that `action` serves `deliverable`, a deliverable of another plan."""
    _check_may_change(user, action)
    if deliverable.outcome.plan_id == action.plan_id:
        raise WorkflowError(SAME_PLAN.format(deliverable=deliverable.ref or "That"))
    if not deliverable.outcome.plan.is_active:
        raise WorkflowError(f"{deliverable.outcome.plan} is archived: choose a plan in use.")
    # Locking the action serialises two people linking the same pair at once: the second
    # finds the first's link and is told so, rather than meeting the unique constraint.
    Action.objects.select_for_update().filter(pk=action.pk).first()
    if ActionContribution.objects.filter(action=action, deliverable=deliverable).exists():
        raise WorkflowError(f"{action.display_ref} already serves {_named(deliverable)}.")
    contribution = ActionContribution.objects.create(
        action=action, deliverable=deliverable, added_by=user
    )
    record_history([action], Action, user, f"Now serves {_named(deliverable)}")
    return contribution


@transaction.atomic
def action_contribution_remove(user: User, action: Action, deliverable: Deliverable) -> None:
    """Remove the link; WorkflowError if there was none."""
    _check_may_change(user, action)
    removed, _ = ActionContribution.objects.filter(action=action, deliverable=deliverable).delete()
    if not removed:
        raise WorkflowError(f"{action.display_ref} does not serve {_named(deliverable)}.")
    record_history([action], Action, user, f"No longer serves {_named(deliverable)}")
