"""The rules of the quarterly cycle: who may do what to which update, and the errors that say no.

The services in deliverables.services call these; views use them to decide what to show.
Every rule is checked on the server whatever the page offered.
"""

from __future__ import annotations

from deliverables.models import QuarterlyUpdate, UpdateState
from plans.models import PeriodState, ReportingPeriod, Status


class WorkflowError(Exception):
    """A rule of the cycle refused a change. The message is written for the person refused."""


class NotAllowed(WorkflowError):
    """The user's role or directorate does not allow this."""


class QuarterLocked(WorkflowError):
    """The quarter is not open for changes."""

    def __init__(self, period: ReportingPeriod):
        if period.state == PeriodState.UPCOMING:
            message = f"{period.label} is not open for updates yet."
        else:
            message = (
                f"{period.label} is {period.get_state_display().lower()}: updates can no longer "
                "be changed. The performance team can reopen it if a correction is needed."
            )
        super().__init__(message)
        self.period = period


class StaleUpdate(WorkflowError):
    """Someone else saved the update after this form was loaded."""

    def __init__(self, current: QuarterlyUpdate | None):
        who = ""
        if current is not None and current.updated_by:
            who = f" by {current.updated_by}"
        super().__init__(
            f"This update was changed{who} after you opened it, so your changes were not saved. "
            "Check what is there now, then save again."
        )
        self.current = current


def commentary_problem(status: Status, commentary: str, word: str = "quarter") -> str | None:
    """Why a submitted update needs commentary it lacks: its status requires commentary (set
    per status on the plan's scale; Sandwell: every status but Complete). None when it is fine.
    The service enforces it whatever door the update comes through; the form shows it beside
    the field. `word`: the plan's period ("quarter", or "month" for a monthly plan)."""
    if (commentary or "").strip() or not status.requires_commentary:
        return None
    return (
        f"Add commentary for the '{status.label}' status: say what has happened this {word} "
        "and what comes next."
    )


def entry_status_problem(status: Status | None) -> str | None:
    """Why an officer may not choose `status`: the system's No Update is written when a quarter
    closes without an update, never chosen."""
    if status is not None and status.means_no_update:
        return (
            f"'{status.label}' is recorded by the system when a quarter closes without an "
            "update: choose the status that describes the action's progress."
        )
    return None


def is_editable_state(update: QuarterlyUpdate | None) -> bool:
    """A submitted update is read-only to its officer until it is returned. The No Update that
    closing the quarter wrote is a placeholder: in a reopened quarter the officer replaces it."""
    return (
        update is None
        or update.state in (UpdateState.DRAFT, UpdateState.RETURNED)
        or update.written_at_close
    )


def workflow_state(update: QuarterlyUpdate | None) -> str:
    """Where an action's update stands for its officer: not started (nothing yet, or only the
    No Update a close wrote), draft, submitted, returned (a No Update the performance team sent
    back included) or approved."""
    if update is None or (update.written_at_close and update.state == UpdateState.APPROVED):
        return "not_started"
    return update.state
