"""Where a milestone stands, worked out from its dates: the one rule every page, file and
count uses. Pure Python over plain values, so a property test can check it against dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Q


class MilestoneState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    OVERDUE = "overdue", "Overdue"
    COMPLETE = "complete", "Complete"


@dataclass(frozen=True)
class MilestoneDates:
    start_date: dt.date | None
    due_date: dt.date | None
    completed_on: dt.date | None
    date_note: str = ""
    complete_as_written: bool = False
    action_complete: bool = False


def milestone_state(milestone: MilestoneDates, today: dt.date) -> MilestoneState:
    """Complete once a completion counts, when the plan itself records it complete, or once
    its action is complete (an approved update closed it: its steps are done, and nothing more
    can be reported for them);
    overdue once its due date has passed without one; in progress from its start date; not
    started before that. With no start date, a milestone is under way once it has a due date
    ("by 22 Jun 2022") or is written "Ongoing", and not started while "TBC" or undated. A
    milestone with no due date ("TBC", "Ongoing") is never overdue."""
    if (
        milestone.completed_on is not None
        or milestone.complete_as_written
        or milestone.action_complete
    ):
        return MilestoneState.COMPLETE
    if milestone.due_date is not None and milestone.due_date < today:
        return MilestoneState.OVERDUE
    if milestone.start_date is not None:
        started = milestone.start_date <= today
    else:
        started = milestone.due_date is not None or "ongoing" in milestone.date_note.lower()
    return MilestoneState.IN_PROGRESS if started else MilestoneState.NOT_STARTED


def overdue_q(today: dt.date, prefix: str = "") -> Q:
    """Milestones overdue on `today`, as SQL: the same rule as milestone_state."""
    return Q(
        **{
            f"{prefix}completed_on__isnull": True,
            f"{prefix}complete_as_written": False,
            f"{prefix}action__completed_in__isnull": True,
            f"{prefix}due_date__lt": today,
        }
    )


def counted_q(prefix: str = "") -> Q:
    """The milestones every count and list reads (dashboard, my updates, timelines,
    recommendations): those of actions not withdrawn from the plan. A withdrawn action's
    milestones stay on its own page, with its history."""
    return Q(**{f"{prefix}action__withdrawn_from__isnull": True})


def state_of(milestone, today: dt.date) -> MilestoneState:
    """milestone_state of a Milestone row; its `action` should be loaded (select_related, or
    set by the caller) so a list costs no query per row."""
    return milestone_state(
        MilestoneDates(
            milestone.start_date,
            milestone.due_date,
            milestone.completed_on,
            milestone.date_note,
            milestone.complete_as_written,
            milestone.action.completed_in_id is not None,
        ),
        today,
    )
