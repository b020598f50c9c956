"""Writes to actions: completion from approvals, first and last quarters, delegates, reassignment,
reopening."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Expression
from simple_history.utils import bulk_update_with_history

from deliverables.models import (
    Action,
    ActionDelegate,
    QuarterlyUpdate,
)
from deliverables.permissions import can_delegate
from deliverables.services.base import (
    save_with_history,
)
from deliverables.workflow import (
    NotAllowed,
    WorkflowError,
)
from plans.models import (
    PeriodState,
    Plan,
    ReportingPeriod,
    Status,
    User,
    period_sort_key_expression,
)
from plans.permissions import can_change_actions, may_enter_updates
from plans.sanitise import sanitise_text


def _quarter_key(period: str) -> Expression:
    """A period's ReportingPeriod.sort_key computed by the database, from a relation's name."""
    return period_sort_key_expression(period)


# An action's latest counted update: (its quarter's pk, the quarter's sort key, whether its
# status closes actions).
Latest = tuple[int, int, bool | None]


def completed_in_from(latest: Latest | None, reopened_key: int | None) -> int | None:
    """THE completion rule: the quarter an action is complete in, or None.

    An action is complete when its latest counted update's status closes actions (Complete)
    and that update came after the quarter the action was last reopened from. Both
    `actions_refresh_completion` (from the database) and `actions_refresh_completion_from`
    (from updates in memory) decide with this one function."""
    if latest is None:
        return None
    period_id, sort_key, closes = latest
    if closes and (reopened_key is None or sort_key > reopened_key):
        return period_id
    return None


def actions_refresh_completion(action_ids: Iterable[int]) -> int:
    """Set each action's `completed_in` from its latest approved update (completed_in_from).

    Only approved updates count (what counts for everyone, deliverables.rules.counted_q):
    which quarters an action is in must not depend on who is reading. Returns how many
    actions changed.
    """
    ids = list(set(action_ids))
    if not ids:
        return 0
    # Plain values, not model instances: an import refreshes thousands of actions at once.
    latest: dict[int, Latest] = {}
    for action_id, period_id, sort_key, closes in (
        QuarterlyUpdate.objects.filter(action_id__in=ids)
        .counted_for(None)
        .order_by("action_id", "-period__year", "-period__quarter", "-period__month")
        .values_list("action_id", "period_id", _quarter_key("period"), "status__closes_action")
    ):
        latest.setdefault(action_id, (period_id, sort_key, closes))
    current = Action.objects.filter(pk__in=ids).values_list(
        "pk", "completed_in_id", _quarter_key("reopened_from")
    )
    return _completion_write(latest, current)


def actions_refresh_completion_from(updates: list[QuarterlyUpdate]) -> int:
    """`actions_refresh_completion` for actions whose every update is in `updates`, saved
    and approved, as an import's new actions are: worked out in memory, without reading the
    updates and actions back. Needs each update's period and action cached (as the import
    has them); the statuses are read once."""
    if not updates:
        return 0
    closes = dict(
        Status.objects.filter(pk__in={u.status_id for u in updates}).values_list(
            "pk", "closes_action"
        )
    )
    latest: dict[int, Latest] = {}
    actions: dict[int, Action] = {}
    for update in updates:
        key = update.period.sort_key
        known = latest.get(update.action_id)
        if known is None or key > known[1]:
            latest[update.action_id] = (update.period_id, key, closes.get(update.status_id))
        actions[update.action_id] = update.action
    current = [
        (
            pk,
            action.completed_in_id,
            action.reopened_from.sort_key if action.reopened_from_id else None,
        )
        for pk, action in actions.items()
    ]
    return _completion_write(latest, current)


def _completion_write(latest: dict[int, Latest], current: Iterable[tuple]) -> int:
    """Write completed_in where the rule now says otherwise; `current` is each action's
    (pk, completed_in_id, reopened_from's sort key)."""
    # Group by the value to set: one UPDATE per quarter, however many actions change.
    to_set: dict[int | None, list[int]] = {}
    for pk, completed_in_id, reopened_key in current:
        completed = completed_in_from(latest.get(pk), reopened_key)
        if completed_in_id != completed:
            to_set.setdefault(completed, []).append(pk)
    for completed, action_ids in to_set.items():
        for start in range(0, len(action_ids), 500):
            Action.objects.filter(pk__in=action_ids[start : start + 500]).update(
                completed_in_id=completed
            )
    return sum(len(v) for v in to_set.values())


def actions_report_from(updates: list[QuarterlyUpdate], user: User | None, reason: str) -> int:
    """An action with an update in a quarter is reported from that quarter at the latest:
    move `reported_from` back where an update is earlier. Returns how many actions moved."""
    earliest: dict[int, ReportingPeriod] = {}
    for update in updates:
        first = earliest.get(update.action_id)
        if first is None or update.period.sort_key < first.sort_key:
            earliest[update.action_id] = update.period
    # Only the actions recorded as reported from a later quarter are read: one query a quarter.
    by_period: dict[int, tuple[ReportingPeriod, list[int]]] = {}
    for action_id, period in earliest.items():
        by_period.setdefault(period.pk, (period, []))[1].append(action_id)
    moved = []
    for period, action_ids in by_period.values():
        later = Action.objects.filter(pk__in=action_ids).annotate(
            reported_key=_quarter_key("reported_from")
        )
        for action in later.filter(reported_key__gt=period.sort_key):
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
        periods.open().first() or periods.filter(state=PeriodState.UPCOMING).chronological().first()
    )
    if first is None and periods.exists():
        word = plan.period_word
        raise WorkflowError(
            f"Every {word} of {plan} is closed. Choose the {word} this action is first "
            f"reported in, or add the next {word} first, so it is not counted as No Update "
            f"in {word}s closed before it existed."
        )
    return first


@transaction.atomic
def action_create(user: User | None, action: Action) -> Action:
    """Add an action to a plan (the admin and its import). It is reported from the plan's open
    or next quarter unless told otherwise."""
    if action.reported_from_id is None:
        action.reported_from = first_quarter_for_new_action(action.plan)
    save_with_history(action, user, "Added")
    return action


@transaction.atomic
def action_withdraw(user: User, action: Action, period: ReportingPeriod, *, reason: str) -> Action:
    """Take an action out of the plan from `period` on; its earlier quarters keep it."""
    if not can_change_actions(user):
        raise NotAllowed("Only the performance team can withdraw an action.")
    reason = sanitise_text(reason, max_length=1000)
    if not reason:
        raise WorkflowError("Say why the action is being withdrawn.")
    if period.plan_id != action.plan_id:
        raise NotAllowed(f"That {period.word} belongs to another plan.")
    if period.is_locked:
        raise WorkflowError(
            f"{period.label} is closed: withdraw the action from a {period.word} not yet "
            f"closed, so closed {period.word}s keep counting it."
        )
    if action.withdrawn_from_id is not None:
        raise WorkflowError(
            f"{action.display_ref} is already withdrawn from {action.withdrawn_from.label}."
        )
    action.withdrawn_from = period
    save_with_history(
        action, user, f"Withdrawn from {period.label}: {reason}", update_fields=["withdrawn_from"]
    )
    return action


@transaction.atomic
def action_reinstate(user: User, action: Action, *, reason: str) -> Action:
    if not can_change_actions(user):
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
            f"closed: reopen that {action.withdrawn_from.word} first (the reason is recorded), "
            "then reinstate it."
        )
    action.withdrawn_from = None
    save_with_history(action, user, f"Reinstated: {reason}", update_fields=["withdrawn_from"])
    return action


@transaction.atomic
def action_delegate(user: User, action: Action, colleague: User) -> ActionDelegate:
    if not can_delegate(user, action):
        raise NotAllowed("Only the lead officer, an approver or the performance team can delegate.")
    if colleague.pk == action.lead_officer_id:
        raise WorkflowError(f"{colleague} already leads this action.")
    if not may_enter_updates(colleague):
        raise WorkflowError(f"{colleague} cannot enter updates: their role does not allow it.")
    if ActionDelegate.objects.filter(action=action, user=colleague).exists():
        raise WorkflowError(f"{colleague} can already enter this action's updates.")
    delegate = ActionDelegate(action=action, user=colleague, granted_by=user)
    save_with_history(delegate, user, "Delegated")
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
    if not can_change_actions(user):
        raise NotAllowed("Only the performance team can reassign actions.")
    if not may_enter_updates(new_lead):
        raise WorkflowError(f"{new_lead} cannot lead actions: their role does not allow it.")
    changed = [a for a in actions if a.lead_officer_id != new_lead.pk]
    for action in changed:
        action.lead_officer = new_lead
        save_with_history(
            action, user, f"Reassigned to {new_lead}", update_fields=["lead_officer", "updated_at"]
        )
    return len(changed)


@transaction.atomic
def action_reopen(user: User, action: Action, *, reason: str) -> Action:
    """A completed action asks for updates again from the next quarter on."""
    if not can_change_actions(user):
        raise NotAllowed("Only the performance team can reopen a completed action.")
    reason = sanitise_text(reason, max_length=1000)
    if not reason:
        raise WorkflowError("Say why the action is being reopened.")
    if action.completed_in_id is None:
        raise WorkflowError(f"{action.display_ref} is not complete.")
    action.reopened_from_id = action.completed_in_id
    action.completed_in = None
    save_with_history(
        action, user, f"Reopened: {reason}", update_fields=["reopened_from", "completed_in"]
    )
    return action
