"""Writes to quarterly updates: an officer's save, approval, return, the admin's correction, and
updates read from spreadsheets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from deliverables import notifications, rules
from deliverables.models import (
    Action,
    QuarterlyUpdate,
    UpdateSource,
    UpdateState,
)
from deliverables.permissions import SAVED_AS_DRAFT, SUBMITTED, can_enter_updates
from deliverables.services.actions import (
    actions_refresh_completion,
    actions_refresh_completion_from,
    actions_report_from,
)
from deliverables.services.base import (
    conditional_update,
    history_copy,
    locked_period,
    record_history,
    save_with_history,
)
from deliverables.services.milestones import completions_save
from deliverables.tracker.bulk import bulk_insert
from deliverables.workflow import (
    NotAllowed,
    QuarterLocked,
    StaleUpdate,
    WorkflowError,
    commentary_problem,
    entry_status_problem,
)
from plans.models import (
    ReportingPeriod,
    Status,
    User,
)
from plans.permissions import can_correct_updates
from plans.sanitise import sanitise_text


@transaction.atomic
def update_save(
    user: User,
    action: Action,
    period: ReportingPeriod,
    *,
    status: Status | None,
    commentary: str,
    expected_version: int,
    submit: bool,
    completions: dict[int, dt.date] | None = None,
) -> QuarterlyUpdate:
    """Save an officer's update as a draft, or submit it for approval.

    `expected_version` is the version the form was loaded with (0 for a new update).
    `completions`: the action's milestones the update reports complete, and on which day
    (None leaves what the update reported before); they count once it is approved.
    """
    period = _check_entry(user, action, period, status=status, submit=submit)
    commentary = sanitise_text(commentary, max_length=settings.COMMENTARY_MAX_LENGTH)
    if submit:
        problem = commentary_problem(status, commentary, period.word)
        if problem:
            raise WorkflowError(problem)
    now = timezone.now()
    values = {
        "status": status,
        "commentary": commentary,
        "state": UpdateState.SUBMITTED if submit else UpdateState.DRAFT,
        "source": UpdateSource.ENTERED,
        "updated_by": user,
        "return_reason": "",
        "approved_at": None,  # a replaced No Update was "approved" by whoever closed
        "approved_by": None,
    }
    if submit:
        values.update(submitted_at=now, submitted_by=user)
    reason = SUBMITTED if submit else SAVED_AS_DRAFT  # is_own reads these back
    existing = QuarterlyUpdate.objects.filter(action=action, period=period).first()
    if existing is None:
        if expected_version:
            raise StaleUpdate(None)
        update = QuarterlyUpdate(action=action, period=period, **values)
        try:
            with transaction.atomic():
                save_with_history(update, user, reason)
        except IntegrityError:
            # Another save created this quarter's update first.
            raise StaleUpdate(
                QuarterlyUpdate.objects.select_related("status", "updated_by").get(
                    action=action, period=period
                )
            ) from None
    else:
        # A No Update written at close is replaced in a reopened quarter like a draft.
        update = conditional_update(
            existing,
            expected_version,
            (UpdateState.DRAFT, UpdateState.RETURNED),
            or_written_at_close=True,
            **values,
        )
        record_history([update], QuarterlyUpdate, user, reason)
    if completions is not None:
        completions_save(update, completions)
    if submit:
        notifications.update_submitted_happened(update)
    # A submitted update does not complete an action: only an approval does.
    return update


@transaction.atomic
def update_withdraw(
    user: User, update: QuarterlyUpdate, *, expected_version: int
) -> QuarterlyUpdate:
    """The officer takes back a submitted update before anyone decides on it: it becomes their
    draft again, to change and submit."""
    if not can_enter_updates(user, update.action):
        raise NotAllowed("Only the action's lead officer or a delegate can withdraw its update.")
    period = locked_period(update.period)
    if not period.is_open:
        raise QuarterLocked(period)
    update = conditional_update(
        update,
        expected_version,
        (UpdateState.SUBMITTED,),
        state=UpdateState.DRAFT,
        updated_by=user,
    )
    record_history([update], QuarterlyUpdate, user, "Submission withdrawn")
    notifications.submission_settled(update)
    return update


def _check_entry(
    user: User, action: Action, period: ReportingPeriod, *, status: Status | None, submit: bool
) -> ReportingPeriod:
    """Whether `user` may enter this update now; the quarter, re-read under its row lock."""
    if not can_enter_updates(user, action):
        raise NotAllowed("Only the action's lead officer or a delegate can enter its update.")
    period = locked_period(period)
    if period.plan_id != action.plan_id:
        raise NotAllowed("That quarter belongs to another plan.")
    if not period.is_open:
        raise QuarterLocked(period)
    if not Action.objects.in_scope_for(period).filter(pk=action.pk).exists():
        reason = rules.out_of_scope_reason(action, period)
        raise WorkflowError(
            f"{action.display_ref} is not in {period.label} ({reason.lower()}), so it needs no "
            "update for it. Ask the performance team if work has restarted."
        )
    if status is not None and status.scale.plan_id != action.plan_id:
        raise NotAllowed("That status is not on this plan's scale.")
    problem = entry_status_problem(status)
    if problem:
        raise WorkflowError(problem)
    if submit and status is None:
        raise WorkflowError("Choose a status before submitting.")
    return period


def previous_update(
    user: User, action: Action, before: ReportingPeriod | None
) -> QuarterlyUpdate | None:
    """The action's update in `before` (last quarter) as it counts for `user`: what the officer
    sees beside the form, and what the commentary rule compares with."""
    if before is None:
        return None
    return (
        QuarterlyUpdate.objects.filter(action=action, period=before)
        .counted_for(user)
        .select_related("status")
        .first()
    )


@transaction.atomic
def update_correct(
    user: User,
    update: QuarterlyUpdate,
    *,
    status: Status | None,
    commentary: str,
    return_reason: str,
    expected_version: int,
) -> QuarterlyUpdate:
    """A correction made in the Django admin by the performance team or an administrator: the
    same rules as every other door (open quarter, the plan's own scale, commentary, the
    version check, history, completion)."""
    if not can_correct_updates(user):
        raise NotAllowed("Only administrators correct updates in the admin.")
    period = locked_period(update.period)
    if not period.is_open:
        raise QuarterLocked(period)
    action = update.action
    if status is not None and status.scale.plan_id != action.plan_id:
        raise NotAllowed("That status is not on this plan's scale.")
    if status is None and update.state not in (UpdateState.DRAFT, UpdateState.RETURNED):
        raise WorkflowError("A submitted or approved update needs a status.")
    commentary = sanitise_text(commentary, max_length=settings.COMMENTARY_MAX_LENGTH)
    if status is not None and update.state in (UpdateState.SUBMITTED, UpdateState.APPROVED):
        problem = commentary_problem(status, commentary, period.word)
        if problem:
            raise WorkflowError(problem)
    update = conditional_update(
        update,
        expected_version,
        [state.value for state in UpdateState],
        status=status,
        commentary=commentary,
        return_reason=sanitise_text(return_reason, max_length=2000),
        updated_by=user,
    )
    record_history([update], QuarterlyUpdate, user, "Corrected in the admin")
    actions_refresh_completion([update.action_id])
    return update


@transaction.atomic
def updates_import(
    user: User | None,
    new: list[QuarterlyUpdate],
    changed: list[QuarterlyUpdate],
    *,
    reason: str,
    overwrite_closed: bool = False,
    fill_closed: bool = False,
    created_actions: Collection[int] = (),
) -> None:
    """Write updates read from a spreadsheet (the tracker importer and the admin's import):
    approved, marked as imported, with history; never over an update entered in the service;
    in a closed quarter, a new update only with `fill_closed` (a tracker imported as that
    quarter's record) and a changed one only with `overwrite_closed`; completion refreshed;
    and each action's first reported quarter moved back when an update shows an earlier one.
    `created_actions`: actions the same write created, whose every update is in `new`: their
    completion is worked out from those updates in memory instead of read back."""
    now = timezone.now()
    stored = {
        row["pk"]: row
        for row in QuarterlyUpdate.objects.filter(pk__in=[u.pk for u in changed]).values(
            "pk", "source", "version"
        )
    }
    for update in changed:
        if stored.get(update.pk, {}).get("source") == UpdateSource.ENTERED:
            raise WorkflowError(
                f"{update.action.display_ref} has an update entered in the service for "
                f"{update.period.label}; an import does not overwrite it."
            )
        if update.period.is_locked and not overwrite_closed:
            raise QuarterLocked(update.period)
    for update in new:
        if update.period.is_locked and not fill_closed:
            raise QuarterLocked(update.period)
    for update in [*new, *changed]:
        if update.status_id is None:
            raise WorkflowError(f"{update.action.display_ref}: give each update a status.")
        update.state = UpdateState.APPROVED
        update.source = UpdateSource.IMPORTED
        update.approved_at = update.updated_at = now
        update.updated_by = user
    for update in new:
        update.action = update.action  # re-read the key of an action this import created
        update.created_at = now
    for update in changed:
        update.version = stored.get(update.pk, {}).get("version", update.version) + 1
    # History rows are copied from the written rows by the database (history_copy): for a
    # 10,000-row tracker that is two statements, not 20,000 historical objects.
    bulk_insert(QuarterlyUpdate, new)  # COPY on PostgreSQL for many rows
    history_copy(QuarterlyUpdate, [u.pk for u in new], user, reason)
    QuarterlyUpdate.objects.bulk_update(
        changed,
        [
            "status", "commentary", "state", "source", "version", "updated_at", "approved_at",
            "updated_by",
        ],
        batch_size=500,
    )  # fmt: skip
    history_copy(QuarterlyUpdate, [u.pk for u in changed], user, reason, history_type="~")
    actions_report_from([*new, *changed], user, reason)
    # The same rule both ways (actions.completed_in_from); an action with a changed update
    # is not new, whatever the caller says, and is read back.
    fresh = set(created_actions).difference(u.action_id for u in changed)
    actions_refresh_completion_from([u for u in new if u.action_id in fresh])
    actions_refresh_completion(u.action_id for u in [*new, *changed] if u.action_id not in fresh)
