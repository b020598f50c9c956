"""Writes to milestones: the performance team's add, change, move and delete, the completions an
officer reports with an update, and what an approval (or a return) does to them.

A reported completion is a claim until the update that carries it is approved: only then does
the milestone count as complete (deliverables.milestones.milestone_state reads
`completed_on`). One function sets it (`milestones_apply_completions`), whichever door the
approval came through (one update, or several at once).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Max

from deliverables.models import Action, Milestone, MilestoneCompletion, QuarterlyUpdate
from deliverables.workflow import NotAllowed, WorkflowError
from plans.models import User
from plans.permissions import can_change_actions
from plans.sanitise import sanitise_line

UNCHANGED = object()


def _check_may_change(user: User, action: Action) -> None:
    if not can_change_actions(user):
        raise NotAllowed("Only the performance team adds and changes milestones.")
    if not action.plan.is_active:
        raise NotAllowed("The plan is archived: its milestones can no longer be changed.")


def _check_completion_unlocked(milestone: Milestone, doing: str) -> None:
    """A completion approved in a period now closed is that period's record: changed only
    after the period is reopened (with its recorded reason), as its updates are."""
    period = milestone.completed_in
    if period is not None:
        period.refresh_from_db(fields=["state"])  # as it stands now, not as the page read it
        if period.is_locked:
            raise WorkflowError(
                f"Its completion was approved in {period.label}, which is {period.state}: "
                f"reopen {period.label} before you {doing}."
            )


def _check_dates(start: dt.date | None, due: dt.date | None) -> None:
    if start and due and due < start:
        raise WorkflowError("The due date must be on or after the start date.")


@transaction.atomic
def milestone_add(
    user: User,
    action: Action,
    *,
    title: str,
    start_date: dt.date | None,
    due_date: dt.date | None,
    date_note: str = "",
) -> Milestone:
    """A new milestone, last in the action's list."""
    _check_may_change(user, action)
    _check_dates(start_date, due_date)
    # Locks the action's row, so two additions at once do not take the same place.
    Action.objects.select_for_update().filter(pk=action.pk).first()
    last = Milestone.objects.filter(action=action).aggregate(last=Max("order"))["last"] or 0
    milestone = Milestone(
        action=action,
        title=sanitise_line(title),
        start_date=start_date,
        due_date=due_date,
        date_note=date_note[:200],
        order=last + 1,
    )
    milestone._change_reason = "Added"
    milestone.save()
    return milestone


@transaction.atomic
def milestone_change(
    user: User,
    milestone: Milestone,
    *,
    title: str,
    start_date: dt.date | None,
    due_date: dt.date | None,
    date_note: str = "",
    completed_on: dt.date | object | None = UNCHANGED,
) -> Milestone:
    """Change a milestone; with `completed_on`, the performance team records (or clears) its
    completion themselves, say from a report to the Leadership Team, outside any update."""
    _check_may_change(user, milestone.action)
    _check_dates(start_date, due_date)
    if completed_on is not UNCHANGED and completed_on != milestone.completed_on:
        _check_completion_unlocked(milestone, "change its completion")
        milestone.completed_on = completed_on
        milestone.completed_in = None  # no period's approved update reported it
    milestone.title = sanitise_line(title)
    milestone.start_date, milestone.due_date = start_date, due_date
    milestone.date_note = date_note[:200]
    milestone._change_reason = "Changed"
    milestone.save()
    return milestone


@transaction.atomic
def milestone_delete(user: User, milestone: Milestone) -> None:
    """Deleting a milestone deletes the completions reported for it (history keeps both)."""
    _check_may_change(user, milestone.action)
    _check_completion_unlocked(milestone, "delete it")
    milestone._change_reason = "Deleted"
    milestone.delete()


@transaction.atomic
def milestone_move(user: User, milestone: Milestone, *, up: bool) -> None:
    """Swap the milestone with its neighbour above (or below) in the action's list. The list is
    renumbered 1, 2, 3 first, so imported milestones with equal places move predictably."""
    _check_may_change(user, milestone.action)
    ordered = list(
        Milestone.objects.select_for_update()
        .filter(action=milestone.action_id)
        .order_by("order", "pk")
    )
    index = next(i for i, m in enumerate(ordered) if m.pk == milestone.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for place, each in enumerate(ordered, 1):
        each.order = place
    Milestone.objects.bulk_update(ordered, ["order"])


def completions_save(update: QuarterlyUpdate, claims: dict[int, dt.date]) -> None:
    """The milestones `update` reports complete, replacing what it reported before. Called by
    update_save inside its transaction, after the quarter's lock and the officer's rights were
    checked; only the action's milestones that do not count as complete already are kept."""
    open_ids = set(
        Milestone.objects.filter(
            action=update.action_id,
            pk__in=list(claims),
            completed_on__isnull=True,
            complete_as_written=False,
        ).values_list("pk", flat=True)
    )
    MilestoneCompletion.objects.filter(update=update).exclude(milestone__in=open_ids).delete()
    for milestone_id in open_ids:
        MilestoneCompletion.objects.update_or_create(
            update=update,
            milestone_id=milestone_id,
            defaults={"completed_on": claims[milestone_id]},
        )


def milestones_apply_completions(update: QuarterlyUpdate) -> int:
    """The approved `update`'s reported completions now count: each milestone it reported
    complete (and not complete already) takes the date reported and the update's period.
    Called inside the approval's transaction. Returns how many milestones it completed."""
    done = 0
    for completion in MilestoneCompletion.objects.filter(
        update=update, milestone__completed_on__isnull=True, milestone__complete_as_written=False
    ).select_related("milestone"):
        milestone = completion.milestone
        milestone.completed_on = completion.completed_on
        milestone.completed_in_id = update.period_id
        milestone._change_reason = f"Completed: approved update for {update.period.label}"
        milestone.save(update_fields=["completed_on", "completed_in"])
        done += 1
    return done


def milestones_revoke_completions(update: QuarterlyUpdate) -> None:
    """An approved update sent back (in a reopened period): the completions it made no longer
    count, as its status no longer does. Those the performance team set are left alone."""
    for milestone in Milestone.objects.filter(
        completions__update=update,
        completed_in=update.period_id,
        completed_on=F("completions__completed_on"),
    ):
        milestone.completed_on = None
        milestone.completed_in = None
        milestone._change_reason = f"Completion withdrawn: {update.period.label} update returned"
        milestone.save(update_fields=["completed_on", "completed_in"])
