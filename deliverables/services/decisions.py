"""Decisions on submitted updates: approve (one, or several at once), return with a reason."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from deliverables import notifications
from deliverables.models import QuarterlyUpdate, UpdateState
from deliverables.permissions import can_decide, can_return
from deliverables.services.actions import actions_refresh_completion
from deliverables.services.base import conditional_update, locked_period, record_history
from deliverables.services.milestones import (
    milestones_apply_completions,
    milestones_revoke_completions,
)
from deliverables.workflow import NotAllowed, QuarterLocked, WorkflowError
from plans.models import User
from plans.sanitise import sanitise_text


@transaction.atomic
def update_approve(
    user: User, update: QuarterlyUpdate, *, expected_version: int
) -> QuarterlyUpdate:
    if not can_decide(user, update):
        raise NotAllowed(
            "Only an approver of the action's directorate, or the performance team, can approve "
            "it, and never their own."
        )
    period = locked_period(update.period)
    if not period.is_open:
        raise QuarterLocked(period)
    update = conditional_update(
        update,
        expected_version,
        (UpdateState.SUBMITTED,),
        state=UpdateState.APPROVED,
        approved_at=timezone.now(),
        approved_by=user,
        updated_by=user,
    )
    record_history([update], QuarterlyUpdate, user, "Approved")
    actions_refresh_completion([update.action_id])
    milestones_apply_completions(update)  # the milestones it reported complete now count
    notifications.submission_settled(update)
    notifications.update_approved_happened(update)
    return update


@transaction.atomic
def update_return(
    user: User, update: QuarterlyUpdate, *, reason: str, expected_version: int
) -> QuarterlyUpdate:
    """Send an update back to its officer with the reason: a submitted one (its approvers or
    the performance team), or, in an open quarter, an approved one or the No Update written at
    close (the performance team, which reopened the quarter to correct it)."""
    if not can_return(user, update):
        raise NotAllowed(
            "Only an approver of the action's directorate, or the performance team, can return "
            "it, and never their own."
        )
    reason = sanitise_text(reason, max_length=2000)
    if not reason:
        raise WorkflowError("Say why the update is being returned.")
    period = locked_period(update.period)
    if not period.is_open:
        raise QuarterLocked(period)
    was_approved = update.state == UpdateState.APPROVED
    update = conditional_update(
        update,
        expected_version,
        (UpdateState.SUBMITTED, UpdateState.APPROVED),
        state=UpdateState.RETURNED,
        return_reason=reason,
        updated_by=user,
        approved_at=None,
        approved_by=None,
    )
    record_history([update], QuarterlyUpdate, user, f"Returned: {reason}")
    notifications.submission_settled(update)
    notifications.update_returned_happened(update)
    if was_approved:
        actions_refresh_completion([update.action_id])  # a returned Complete completes nothing
        milestones_revoke_completions(update)
    return update


@transaction.atomic
def updates_approve(user: User, decisions: list[tuple[QuarterlyUpdate, int]]) -> int:
    """Approve several updates at once, each at the version the approver saw: all of them, or
    (if any was changed or may not be decided) none, with the reason."""
    for update, version in decisions:
        try:
            update_approve(user, update, expected_version=version)
        except WorkflowError as error:
            raise WorkflowError(
                f"Nothing was approved. {update.action.display_ref}: {error}"
            ) from error
    return len(decisions)
