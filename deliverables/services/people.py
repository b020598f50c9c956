"""Who leads, who approves and which directorate, for many actions at once (the performance team).

One function works out the changes (`assignment_preview`); the confirmation page lists what it
returns and `actions_assign` writes exactly that, after re-reading the actions under a row
lock and refusing if any of them changed since the preview (each row carries a token of what
the preview saw). The preview is a promise: what it listed is what confirming does.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from deliverables.models import Action
from deliverables.workflow import NotAllowed, WorkflowError
from plans.audit import audit
from plans.models import AuditKind, Directorate, User
from plans.permissions import can_change_actions, may_approve_updates, may_enter_updates


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = _Unchanged()  # "leave it as it is", as against None, "remove it"

FIELDS = {"lead_officer": "Lead officer", "approver": "Approver", "directorate": "Directorate"}


class AssignmentRefused(WorkflowError):
    """The changes asked for break a rule; `field` names the choice to change (or None)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class StaleAssignment(WorkflowError):
    """An action changed between the preview and the confirmation."""

    def __init__(self, refs: list[str]):
        super().__init__(
            f"{', '.join(refs)} changed after you checked the changes, so nothing was saved. "
            "Check the changes again as they are now, then confirm."
        )
        self.refs = refs


@dataclass
class Change:
    label: str
    before: object | None
    after: object | None


@dataclass
class ActionChanges:
    action: Action
    token: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class Assignment:
    """Every action ticked, each with the changes that confirming makes to it (maybe none)."""

    rows: list[ActionChanges]

    @property
    def changing(self) -> list[ActionChanges]:
        return [row for row in self.rows if row.changes]

    @property
    def unchanged(self) -> list[ActionChanges]:
        return [row for row in self.rows if not row.changes]

    @property
    def seen(self) -> str:
        """What the preview saw, to carry to the confirmation: "pk:token,pk:token"."""
        return ",".join(f"{row.action.pk}:{row.token}" for row in self.rows)


def parse_seen(value: str) -> dict[int, str]:
    seen = {}
    for item in (value or "").split(","):
        pk, _, token = item.partition(":")
        if pk.isdigit() and token:
            seen[int(pk)] = token
    return seen


def action_token(action: Action) -> str:
    """Changes whenever the action's people or anything else saved on it changes."""
    state = (
        f"{action.pk}|{action.lead_officer_id}|{action.approver_id}|{action.directorate_id}|"
        f"{action.updated_at.isoformat()}"
    )
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def assignment_preview(
    user: User,
    actions: list[Action],
    *,
    lead_officer: User | _Unchanged | None = UNCHANGED,
    approver: User | _Unchanged | None = UNCHANGED,
    directorate: Directorate | _Unchanged = UNCHANGED,
) -> Assignment:
    """The changes that setting these people on these actions makes, action by action; or
    AssignmentRefused saying why not. `actions` need their people selected."""
    if not can_change_actions(user):
        raise NotAllowed("Only the performance team can assign lead officers and approvers.")
    chosen = {"lead_officer": lead_officer, "approver": approver, "directorate": directorate}
    _check_choices(actions, chosen)
    checks_approver = approver is not None and (
        approver is not UNCHANGED or directorate is not UNCHANGED
    )
    approvers_of = {}
    if checks_approver:
        named = {approver} if approver is not UNCHANGED else {a.approver for a in actions}
        approvers_of = _directorates_of(named)
    rows, problems = [], []
    for action in actions:
        after = {
            name: getattr(action, name) if value is UNCHANGED else value
            for name, value in chosen.items()
        }
        if checks_approver:
            problem = _approver_problem(
                action, after["approver"], after["directorate"], approvers_of
            )
            if problem:
                problems.append(problem)
        row = ActionChanges(action, action_token(action))
        for name, label in FIELDS.items():
            if getattr(action, f"{name}_id") != (after[name].pk if after[name] else None):
                row.changes.append(Change(label, getattr(action, name), after[name]))
        rows.append(row)
    if problems:
        more = f" And {len(problems) - 3} more like these." if len(problems) > 3 else ""
        raise AssignmentRefused(
            " ".join(problems[:3]) + more,
            "directorate" if approver is UNCHANGED else "approver",
        )
    return Assignment(rows)


def _check_choices(actions: list[Action], chosen: dict) -> None:
    if not actions:
        raise AssignmentRefused("Tick at least one action to change.", "actions")
    if all(value is UNCHANGED for value in chosen.values()):
        raise AssignmentRefused("Choose a lead officer, an approver or a directorate to set.")
    lead, approver = chosen["lead_officer"], chosen["approver"]
    if chosen["directorate"] is None:
        raise AssignmentRefused("Choose the directorate to set.", "directorate")
    if lead not in (UNCHANGED, None) and not may_enter_updates(lead):
        raise AssignmentRefused(
            f"{lead} cannot lead an action: their role does not let them enter updates. "
            "Choose a lead officer or an approver.",
            "lead_officer",
        )
    if approver not in (UNCHANGED, None) and not may_approve_updates(approver):
        raise AssignmentRefused(
            f"{approver} cannot approve an action's updates: their role is not an approver's.",
            "approver",
        )


def _directorates_of(people: set) -> dict[int, set[int]]:
    """Each approver's directorates, in one query."""
    ids = [person.pk for person in people if person is not None]
    found: dict[int, set[int]] = defaultdict(set)
    through = User.directorates.through.objects.filter(user_id__in=ids)
    for user_id, directorate_id in through.values_list("user_id", "directorate_id"):
        found[user_id].add(directorate_id)
    return found


def _approver_problem(
    action: Action, approver: User | None, directorate, approvers_of: dict
) -> str | None:
    """An approver decides on the updates of their own directorates only."""
    if approver is None:
        return None
    if directorate is None:
        return (
            f"{action.display_ref} has no directorate: set its directorate too, so that "
            f"{approver} approves updates of their own directorate."
        )
    if directorate.pk not in approvers_of.get(approver.pk, ()):
        return (
            f"{approver} does not belong to {directorate}, the directorate of "
            f"{action.display_ref}: an approver approves updates of their own directorates, "
            "so choose an approver of that directorate, or remove the approver."
        )
    return None


@transaction.atomic
def actions_assign(
    user: User,
    actions: list[Action],
    *,
    lead_officer: User | _Unchanged | None = UNCHANGED,
    approver: User | _Unchanged | None = UNCHANGED,
    directorate: Directorate | _Unchanged = UNCHANGED,
    seen: dict[int, str] | None = None,
) -> Assignment:
    """Set the lead officer, approver and directorate of `actions` where chosen, with history
    and one audit event. With `seen` (from the preview), refuse if any action changed since."""
    if not can_change_actions(user):
        raise NotAllowed("Only the performance team can assign lead officers and approvers.")
    current = _locked([a.pk for a in actions])
    if seen is not None:
        stale = [a.display_ref for a in current if seen.get(a.pk) != action_token(a)]
        if stale or set(seen) != {a.pk for a in current}:
            raise StaleAssignment(stale or ["The actions ticked"])
    assignment = assignment_preview(
        user, current, lead_officer=lead_officer, approver=approver, directorate=directorate
    )
    changed = [row.action for row in assignment.changing]
    if not changed:
        return assignment
    now = timezone.now()
    for action in changed:
        for name, value in (
            ("lead_officer", lead_officer),
            ("approver", approver),
            ("directorate", directorate),
        ):
            if value is not UNCHANGED:
                setattr(action, name, value)
        action.updated_at = now
    bulk_update_with_history(
        changed,
        Action,
        ["lead_officer", "approver", "directorate", "updated_at"],
        default_user=user,
        default_change_reason="People assigned by the performance team",
    )
    audit(AuditKind.PEOPLE, _audit_message(assignment), user=user)
    return assignment


def _locked(ids: list[int]) -> list[Action]:
    """The actions as they are now, locked until the transaction ends (PostgreSQL)."""
    queryset = Action.objects.filter(pk__in=ids).with_people().by_ref()
    if connection.features.has_select_for_update:
        # Only the actions' rows: the people joined in are nullable, and not changing.
        queryset = queryset.select_for_update(of=("self",))
    return list(queryset)


def _audit_message(assignment: Assignment) -> str:
    rows = assignment.changing
    plans = ", ".join(sorted({str(row.action.plan) for row in rows}))
    lines = [
        f"{row.action.display_ref} (#{row.action.pk}): "
        + "; ".join(
            f"{c.label.lower()} {c.before or 'none'} → {c.after or 'none'}" for c in row.changes
        )
        for row in rows
    ]
    return f"{plans}: {len(rows)} action{pluralize(len(rows))} changed. " + " | ".join(lines)
