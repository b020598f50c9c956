"""Writes of the quarterly cycle and of the plan's structure, each under one transaction.

Every change to an update goes through here (the views, the commands and the importer call
these), so the rules hold on every path: the quarter must be open, the user must be allowed,
and a form loaded before someone else's save is refused rather than overwriting it.

Optimistic locking: each update carries `version`. A change is a conditional UPDATE
`... WHERE id = %s AND version = %s AND state IN (...)`, which behaves the same on SQLite
and PostgreSQL: if another save got there first, no row matches and the change is refused.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from deliverables import rules
from deliverables.models import (
    Action,
    ActionDelegate,
    Deliverable,
    QuarterlyUpdate,
    UpdateSource,
    UpdateState,
)
from deliverables.workflow import (
    NotAllowed,
    QuarterLocked,
    StaleUpdate,
    WorkflowError,
    can_approve,
    can_delegate,
    can_edit,
    commentary_problem,
)
from plans.audit import audit
from plans.models import (
    AuditKind,
    PeriodState,
    Plan,
    ReportingPeriod,
    Status,
    Theme,
    User,
    long_date,
)
from plans.refs import normalise_title
from plans.sanitise import sanitise_text

# -- helpers ----------------------------------------------------------------------------------


def _locked_period(period: ReportingPeriod, *, exclusive: bool = False) -> ReportingPeriod:
    """Re-read the quarter under a row lock, so closing it waits for saves in progress and a
    save never lands in a quarter closed a moment before (PostgreSQL; SQLite serialises writes).
    """
    queryset = ReportingPeriod.objects.select_related("plan")
    if connection.features.has_select_for_update:
        no_key = not exclusive and connection.features.has_select_for_no_key_update
        queryset = queryset.select_for_update(no_key=no_key)
    return queryset.get(pk=period.pk)


def _record(objs: list, model, user: User | None, reason: str) -> None:
    """Audit rows for changes made with a conditional UPDATE (which sends no save signal)."""
    model.history.bulk_history_create(
        objs, update=True, default_user=user, default_change_reason=reason
    )


def _save(obj, user: User | None, reason: str, **kwargs) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.save(**kwargs)


def _conditional_update(
    update: QuarterlyUpdate,
    expected_version: int,
    from_states: Iterable[str],
    *,
    or_written_at_close: bool = False,
    **values,
) -> QuarterlyUpdate:
    """Apply `values` only if nobody has changed the update since `expected_version`."""
    allowed = Q(state__in=list(from_states))
    if or_written_at_close:
        allowed |= Q(source=UpdateSource.CLOSE)
    rows = (
        QuarterlyUpdate.objects.filter(pk=update.pk, version=expected_version)
        .filter(allowed)
        .update(version=F("version") + 1, updated_at=timezone.now(), **values)
    )
    current = QuarterlyUpdate.objects.select_related("status", "updated_by").get(pk=update.pk)
    if rows == 0:
        raise StaleUpdate(current)
    return current


def actions_refresh_completion(action_ids: Iterable[int]) -> int:
    """Set each action's `completed_in` from its latest approved update.

    An action is complete when that update's status closes actions (Complete) and it came
    after the quarter the action was last reopened from. Only approved updates count (what
    counts for everyone, deliverables.rules.counted_q): which quarters an action is in must
    not depend on who is reading. Returns how many actions changed.
    """
    ids = list(set(action_ids))
    if not ids:
        return 0
    latest: dict[int, QuarterlyUpdate] = {}
    for update in (
        QuarterlyUpdate.objects.filter(action_id__in=ids)
        .counted_for(None)
        .select_related("status", "period")
        .order_by("action_id", "-period__year", "-period__quarter")
    ):
        latest.setdefault(update.action_id, update)
    # Group by the value to set: one UPDATE per quarter, however many actions change.
    to_set: dict[int | None, list[int]] = {}
    for action in (
        Action.objects.filter(pk__in=ids)
        .select_related("reopened_from")
        .only("pk", "completed_in_id", "reopened_from__year", "reopened_from__quarter")
    ):
        update = latest.get(action.pk)
        completed = None
        if update is not None and update.status is not None and update.status.closes_action:
            reopened = action.reopened_from
            if reopened is None or update.period.sort_key > reopened.sort_key:
                completed = update.period_id
        if action.completed_in_id != completed:
            to_set.setdefault(completed, []).append(action.pk)
    for completed, action_ids in to_set.items():
        for start in range(0, len(action_ids), 500):
            Action.objects.filter(pk__in=action_ids[start : start + 500]).update(
                completed_in_id=completed
            )
    return sum(len(v) for v in to_set.values())


# -- entering, approving and returning updates -----------------------------------------------


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
) -> QuarterlyUpdate:
    """Save an officer's update as a draft, or submit it for approval.

    `expected_version` is the version the form was loaded with (0 for a new update).
    """
    if not can_edit(user, action):
        raise NotAllowed("Only the action's lead officer or a delegate can enter its update.")
    period = _locked_period(period)
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
    if submit and status is None:
        raise WorkflowError("Choose a status before submitting.")
    commentary = sanitise_text(commentary, max_length=settings.COMMENTARY_MAX_LENGTH)
    if submit:
        problem = commentary_problem(status, previous_status(user, action, period), commentary)
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
    }
    if submit:
        values.update(submitted_at=now, submitted_by=user)
    reason = "Submitted" if submit else "Draft saved"
    existing = QuarterlyUpdate.objects.filter(action=action, period=period).first()
    if existing is None:
        if expected_version:
            raise StaleUpdate(None)
        update = QuarterlyUpdate(action=action, period=period, **values)
        try:
            with transaction.atomic():
                _save(update, user, reason)
        except IntegrityError:
            # Another save created this quarter's update first.
            raise StaleUpdate(
                QuarterlyUpdate.objects.select_related("status", "updated_by").get(
                    action=action, period=period
                )
            ) from None
    else:
        # A No Update written at close is replaced in a reopened quarter like a draft.
        update = _conditional_update(
            existing,
            expected_version,
            (UpdateState.DRAFT, UpdateState.RETURNED),
            or_written_at_close=True,
            **values,
        )
        _record([update], QuarterlyUpdate, user, reason)
    # A submitted update does not complete an action: only an approval does.
    return update


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


def previous_status(user: User, action: Action, period: ReportingPeriod) -> Status | None:
    update = previous_update(user, action, period.previous())
    return update.status if update else None


@transaction.atomic
def update_approve(
    user: User, update: QuarterlyUpdate, *, expected_version: int
) -> QuarterlyUpdate:
    if not can_approve(user, update):
        raise NotAllowed(
            "Only an approver of the action's directorate can approve it, and never their own."
        )
    period = _locked_period(update.period)
    if not period.is_open:
        raise QuarterLocked(period)
    update = _conditional_update(
        update,
        expected_version,
        (UpdateState.SUBMITTED,),
        state=UpdateState.APPROVED,
        approved_at=timezone.now(),
        approved_by=user,
        updated_by=user,
    )
    _record([update], QuarterlyUpdate, user, "Approved")
    actions_refresh_completion([update.action_id])
    return update


@transaction.atomic
def update_return(
    user: User, update: QuarterlyUpdate, *, reason: str, expected_version: int
) -> QuarterlyUpdate:
    """Send a submitted update back to its officer with the reason."""
    if not can_approve(user, update):
        raise NotAllowed(
            "Only an approver of the action's directorate can return it, and never their own."
        )
    reason = sanitise_text(reason, max_length=2000)
    if not reason:
        raise WorkflowError("Say why the update is being returned.")
    period = _locked_period(update.period)
    if not period.is_open:
        raise QuarterLocked(period)
    update = _conditional_update(
        update,
        expected_version,
        (UpdateState.SUBMITTED,),
        state=UpdateState.RETURNED,
        return_reason=reason,
        updated_by=user,
    )
    _record([update], QuarterlyUpdate, user, f"Returned: {reason}")
    return update


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
    if not user.has_perm("deliverables.change_quarterlyupdate"):
        raise NotAllowed("Only administrators correct updates in the admin.")
    period = _locked_period(update.period)
    if not period.is_open:
        raise QuarterLocked(period)
    action = update.action
    if status is not None and status.scale.plan_id != action.plan_id:
        raise NotAllowed("That status is not on this plan's scale.")
    if status is None and update.state not in (UpdateState.DRAFT, UpdateState.RETURNED):
        raise WorkflowError("A submitted or approved update needs a status.")
    commentary = sanitise_text(commentary, max_length=settings.COMMENTARY_MAX_LENGTH)
    if status is not None and update.state in (UpdateState.SUBMITTED, UpdateState.APPROVED):
        problem = commentary_problem(status, previous_status(user, action, period), commentary)
        if problem:
            raise WorkflowError(problem)
    update = _conditional_update(
        update,
        expected_version,
        [state.value for state in UpdateState],
        status=status,
        commentary=commentary,
        return_reason=sanitise_text(return_reason, max_length=2000),
        updated_by=user,
    )
    _record([update], QuarterlyUpdate, user, "Corrected in the admin")
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
) -> None:
    """Write updates read from a spreadsheet (the tracker importer and the admin's import):
    approved, marked as imported, with history; never over an update entered in the service;
    in a closed quarter, a new update only with `fill_closed` (a tracker imported as that
    quarter's record) and a changed one only with `overwrite_closed`; completion refreshed;
    and each action's first reported quarter moved back when an update shows an earlier one."""
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
    bulk_create_with_history(
        new, QuarterlyUpdate, batch_size=500, default_user=user, default_change_reason=reason
    )
    bulk_update_with_history(
        changed,
        QuarterlyUpdate,
        [
            "status", "commentary", "state", "source", "version", "updated_at", "approved_at",
            "updated_by",
        ],
        batch_size=500,
        default_user=user,
        default_change_reason=reason,
    )  # fmt: skip
    actions_report_from([*new, *changed], user, reason)
    actions_refresh_completion(u.action_id for u in [*new, *changed])


def actions_report_from(updates: list[QuarterlyUpdate], user: User | None, reason: str) -> int:
    """An action with an update in a quarter is reported from that quarter at the latest:
    move `reported_from` back where an update is earlier. Returns how many actions moved."""
    earliest: dict[int, ReportingPeriod] = {}
    for update in updates:
        first = earliest.get(update.action_id)
        if first is None or update.period.sort_key < first.sort_key:
            earliest[update.action_id] = update.period
    moved = []
    for action in Action.objects.filter(pk__in=list(earliest)).select_related("reported_from"):
        period = earliest[action.pk]
        if action.reported_from is not None and period.sort_key < action.reported_from.sort_key:
            action.reported_from = period
            moved.append(action)
    if moved:
        bulk_update_with_history(
            moved, Action, ["reported_from"], default_user=user, default_change_reason=reason
        )
    return len(moved)


def first_quarter_for_new_action(plan: Plan) -> ReportingPeriod | None:
    """The quarter a new action is first reported in: the plan's open quarter, else its next
    upcoming one; None (every quarter) when the plan has no quarter yet. When every quarter
    is closed, WorkflowError: a new action must not count as No Update in quarters closed
    before it existed, so someone has to say which quarter it starts in."""
    periods = ReportingPeriod.objects.for_plan(plan)
    first = (
        periods.open().first()
        or periods.filter(state=PeriodState.UPCOMING).order_by("year", "quarter").first()
    )
    if first is None and periods.exists():
        raise WorkflowError(
            f"Every quarter of {plan} is closed. Choose the quarter this action is first "
            "reported in, or add the next quarter first, so it is not counted as No Update "
            "in quarters closed before it existed."
        )
    return first


@transaction.atomic
def action_create(user: User | None, action: Action) -> Action:
    """Add an action to a plan (the admin and its import). It is reported from the plan's open
    or next quarter unless told otherwise."""
    if action.reported_from_id is None:
        action.reported_from = first_quarter_for_new_action(action.plan)
    _save(action, user, "Added")
    return action


@transaction.atomic
def action_withdraw(user: User, action: Action, period: ReportingPeriod, *, reason: str) -> Action:
    """Take an action out of the plan from `period` on; its earlier quarters keep it."""
    if not user.has_perm("deliverables.change_action"):
        raise NotAllowed("Only the performance team can withdraw an action.")
    reason = sanitise_text(reason, max_length=1000)
    if not reason:
        raise WorkflowError("Say why the action is being withdrawn.")
    if period.plan_id != action.plan_id:
        raise NotAllowed("That quarter belongs to another plan.")
    if period.is_locked:
        raise WorkflowError(
            f"{period.label} is closed: withdraw the action from a quarter not yet closed, "
            "so closed quarters keep counting it."
        )
    if action.withdrawn_from_id is not None:
        raise WorkflowError(
            f"{action.display_ref} is already withdrawn from {action.withdrawn_from.label}."
        )
    action.withdrawn_from = period
    _save(
        action, user, f"Withdrawn from {period.label}: {reason}", update_fields=["withdrawn_from"]
    )
    return action


@transaction.atomic
def action_reinstate(user: User, action: Action, *, reason: str) -> Action:
    if not user.has_perm("deliverables.change_action"):
        raise NotAllowed("Only the performance team can reinstate an action.")
    reason = sanitise_text(reason, max_length=1000)
    if not reason:
        raise WorkflowError("Say why the action is being reinstated.")
    if action.withdrawn_from_id is None:
        raise WorkflowError(f"{action.display_ref} is not withdrawn.")
    if action.withdrawn_from.is_locked:
        # Reinstating would put it back into a closed quarter's figures.
        raise WorkflowError(
            f"{action.display_ref} was withdrawn from {action.withdrawn_from.label}, which is "
            "closed: reopen that quarter first (the reason is recorded), then reinstate it."
        )
    action.withdrawn_from = None
    _save(action, user, f"Reinstated: {reason}", update_fields=["withdrawn_from"])
    return action


# -- the quarter's life cycle -----------------------------------------------------------------


def _require_manager(user: User) -> None:
    if not user.has_perm("plans.manage_periods"):
        raise NotAllowed("Only the performance team can open, close or reopen quarters.")


@transaction.atomic
def period_create(user: User, plan: Plan, year: int, quarter: int) -> ReportingPeriod:
    _require_manager(user)
    if ReportingPeriod.objects.filter(plan=plan, year=year, quarter=quarter).exists():
        raise WorkflowError("That quarter already exists.")
    period = ReportingPeriod(plan=plan, year=year, quarter=quarter, state=PeriodState.UPCOMING)
    _save(period, user, "Added")
    return period


@transaction.atomic
def period_open(user: User, period: ReportingPeriod, *, due_on) -> ReportingPeriod:
    _require_manager(user)
    period = _locked_period(period, exclusive=True)
    if period.state != PeriodState.UPCOMING:
        raise WorkflowError(
            f"{period.label} is {period.get_state_display().lower()}; only an upcoming quarter "
            "can be opened. Use reopen for a closed one."
        )
    if ReportingPeriod.objects.filter(plan=period.plan, state=PeriodState.OPEN).exists():
        raise WorkflowError("Another quarter of this plan is open. Close it first.")
    period.state = PeriodState.OPEN
    period.opens_on = timezone.localdate()
    period.due_on = due_on
    _save(period, user, f"Opened; updates due {long_date(due_on)}")
    audit(AuditKind.QUARTER, f"{period.plan} {period.label} opened", user=user)
    return period


@transaction.atomic
def period_extend(user: User, period: ReportingPeriod, *, due_on) -> ReportingPeriod:
    _require_manager(user)
    period = _locked_period(period, exclusive=True)
    if period.state != PeriodState.OPEN:
        raise QuarterLocked(period)
    before = period.due_on
    period.due_on = due_on
    moved = f"from {long_date(before)} " if before else ""
    _save(period, user, f"Deadline moved {moved}to {long_date(due_on)}")
    return period


@transaction.atomic
def period_close(user: User, period: ReportingPeriod, *, mark_missing: bool) -> int:
    """Close the quarter. With `mark_missing`, actions with no update get the No Update status.

    Returns how many updates were marked No Update.
    """
    _require_manager(user)
    period = _locked_period(period, exclusive=True)
    if period.state != PeriodState.OPEN:
        raise WorkflowError(f"{period.label} is not open, so it cannot be closed.")
    marked = 0
    if mark_missing:
        no_update = Status.objects.for_plan(period.plan).filter(means_no_update=True).first()
        if no_update is None:
            raise WorkflowError("This plan's scale has no No Update status to mark with.")
        missing = Action.objects.in_scope_for(period).exclude(updates__period=period)
        now = timezone.now()
        created = QuarterlyUpdate.objects.bulk_create(
            [
                QuarterlyUpdate(
                    action=action,
                    period=period,
                    status=no_update,
                    state=UpdateState.APPROVED,
                    source=UpdateSource.CLOSE,
                    updated_by=user,
                    approved_by=user,
                    approved_at=now,
                )
                for action in missing
            ]
        )
        QuarterlyUpdate.history.bulk_history_create(
            created, default_user=user, default_change_reason="Marked No Update at close"
        )
        marked = len(created)  # a No Update completes nothing: no completion to refresh
    period.state = PeriodState.CLOSED
    period.closes_on = timezone.localdate()
    note = f"; {marked} missing updates marked No Update" if mark_missing else ""
    _save(period, user, f"Closed{note}")
    audit(AuditKind.QUARTER, f"{period.plan} {period.label} closed{note}", user=user)
    return marked


@transaction.atomic
def period_reopen(user: User, period: ReportingPeriod, *, reason: str) -> ReportingPeriod:
    _require_manager(user)
    reason = sanitise_text(reason, max_length=1000)
    if not reason:
        raise WorkflowError("Say why the quarter is being reopened: the reason is recorded.")
    period = _locked_period(period, exclusive=True)
    if period.state not in (PeriodState.CLOSED, PeriodState.PUBLISHED):
        raise WorkflowError(f"{period.label} is not closed, so it cannot be reopened.")
    if ReportingPeriod.objects.filter(plan=period.plan, state=PeriodState.OPEN).exists():
        raise WorkflowError("Another quarter of this plan is open. Close it first.")
    period.state = PeriodState.OPEN
    _save(period, user, f"Reopened: {reason}")
    audit(AuditKind.QUARTER, f"{period.plan} {period.label} reopened: {reason}", user=user)
    return period


@transaction.atomic
def period_publish(user: User, period: ReportingPeriod) -> ReportingPeriod:
    _require_manager(user)
    period = _locked_period(period, exclusive=True)
    if period.state != PeriodState.CLOSED:
        raise WorkflowError(f"{period.label} must be closed before it is published.")
    period.state = PeriodState.PUBLISHED
    _save(period, user, "Published")
    return period


# -- actions: delegates, reassignment, reopening ----------------------------------------------


@transaction.atomic
def action_delegate(user: User, action: Action, colleague: User) -> ActionDelegate:
    if not can_delegate(user, action):
        raise NotAllowed("Only the lead officer, an approver or the performance team can delegate.")
    if colleague.pk == action.lead_officer_id:
        raise WorkflowError(f"{colleague} already leads this action.")
    if not rules.may_enter_updates(colleague):
        raise WorkflowError(f"{colleague} cannot enter updates: their role does not allow it.")
    if ActionDelegate.objects.filter(action=action, user=colleague).exists():
        raise WorkflowError(f"{colleague} can already enter this action's updates.")
    delegate = ActionDelegate(action=action, user=colleague, granted_by=user)
    _save(delegate, user, "Delegated")
    return delegate


@transaction.atomic
def action_undelegate(user: User, action: Action, colleague: User) -> None:
    if not can_delegate(user, action):
        raise NotAllowed("Only the lead officer, an approver or the performance team can do that.")
    for delegate in ActionDelegate.objects.filter(action=action, user=colleague):
        delegate._history_user = user
        delegate._change_reason = "Delegation removed"
        delegate.delete()


@transaction.atomic
def actions_reassign(user: User, actions: list[Action], new_lead: User) -> int:
    """Give the actions a new lead officer (the performance team's bulk reassignment)."""
    if not user.has_perm("deliverables.change_action"):
        raise NotAllowed("Only the performance team can reassign actions.")
    if not rules.may_enter_updates(new_lead):
        raise WorkflowError(f"{new_lead} cannot lead actions: their role does not allow it.")
    changed = [a for a in actions if a.lead_officer_id != new_lead.pk]
    for action in changed:
        action.lead_officer = new_lead
        _save(
            action, user, f"Reassigned to {new_lead}", update_fields=["lead_officer", "updated_at"]
        )
    return len(changed)


@transaction.atomic
def action_reopen(user: User, action: Action, *, reason: str) -> Action:
    """A completed action asks for updates again from the next quarter on."""
    if not user.has_perm("deliverables.change_action"):
        raise NotAllowed("Only the performance team can reopen a completed action.")
    reason = sanitise_text(reason, max_length=1000)
    if not reason:
        raise WorkflowError("Say why the action is being reopened.")
    if action.completed_in_id is None:
        raise WorkflowError(f"{action.display_ref} is not complete.")
    action.reopened_from_id = action.completed_in_id
    action.completed_in = None
    _save(action, user, f"Reopened: {reason}", update_fields=["reopened_from", "completed_in"])
    return action


# -- structure --------------------------------------------------------------------------------

# How much of the shorter text must match for a deliverable to take an aspiration's theme.
# Lower than this the matcher guesses wrong about as often as right (see the commit message).
THEME_MATCH_THRESHOLD = 0.85


def _containment(a: list[str], b: list[str]) -> float:
    """Share of the shorter word list found, in order, in the longer one."""
    if not a or not b:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matched / min(len(a), len(b))


@transaction.atomic
def deliverables_place_in_themes(
    plan: Plan, aspirations: dict[tuple[str, str | None], list[str]]
) -> int:
    """Put each deliverable with no theme under the theme whose aspiration it restates.

    `aspirations` maps (outcome name, theme name) to that theme's "We will" texts. A
    deliverable moves only when its text closely restates one aspiration of its own outcome;
    the rest stay straight under the outcome. Returns how many deliverables moved.
    """
    themes = {
        (t.outcome.name, t.name): t
        for t in Theme.objects.filter(outcome__plan=plan).select_related("outcome")
    }
    by_outcome: dict[str, list[tuple[Theme | None, list[str]]]] = {}
    for (outcome_name, theme_name), texts in aspirations.items():
        # Aspirations with no theme still compete, so a deliverable restating one stays put.
        theme = themes.get((outcome_name, theme_name))
        by_outcome.setdefault(outcome_name, []).extend(
            (theme, normalise_title(t).split()) for t in texts
        )
    moved = []
    for deliverable in Deliverable.objects.filter(
        outcome__plan=plan, theme__isnull=True
    ).select_related("outcome"):
        text = normalise_title(deliverable.title).split()
        scored = [
            (_containment(text, aspiration), theme)
            for theme, aspiration in by_outcome.get(deliverable.outcome.name, [])
        ]
        if not scored:
            continue
        score, theme = max(scored, key=lambda pair: pair[0])
        if theme is not None and score >= THEME_MATCH_THRESHOLD:
            deliverable.theme = theme
            moved.append(deliverable)
    Deliverable.objects.bulk_update(moved, ["theme"])
    return len(moved)
