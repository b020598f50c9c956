"""An action's audit trail as sentences: who changed what, when, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deliverables.models import Action, ActionDelegate, QuarterlyUpdate, UpdateState

TIMELINE_LIMIT = 200

_ACTION_FIELDS = {
    "ref": "reference",
    "title": "title",
    "directorate": "directorate",
    "lead_officer": "lead officer",
    "approver": "approver",
    "lead_role": "lead as named in the plan",
    "start_date": "start date",
    "due_date": "due date",
    "external_ref": "external reference",
    "description": "description",
    "reported_from": "first quarter reported",
    "withdrawn_from": "withdrawn from",
}


@dataclass
class TimelineEntry:
    when: datetime
    who: str
    what: str
    detail: list[str]
    reason: str


def _who(record) -> str:
    user = record.history_user
    return str(user) if user else "The system"


def _update_changes(record, before) -> list[str]:
    changes = []
    if before is None:
        if record.status_id:
            changes.append(f"Status: {record.status}")
        if record.commentary:
            changes.append("Commentary written")
        return changes
    if record.status_id != before.status_id:
        changes.append(f"Status: {before.status or 'none'} → {record.status or 'none'}")
    if record.commentary != before.commentary:
        changes.append("Commentary changed")
    if record.state != before.state:
        changes.append(f"State: {before.get_state_display()} → {record.get_state_display()}")
    return changes


def action_timeline(
    action: Action, visible_update_ids: set[int], *, work_in_progress: bool
) -> list[TimelineEntry]:
    """Every recorded change to the action, its updates the viewer may see, and its delegates.
    A reader who does not see the action's work in progress (deliverables.rules) sees an
    update's history from its approval on: not its drafts, returns or their reasons.

    Three queries whatever the length of the history.
    """
    entries = [
        *_update_entries(action, visible_update_ids, work_in_progress),
        *_action_entries(action),
        *_delegate_entries(action),
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:TIMELINE_LIMIT]


def _update_entries(action: Action, visible_update_ids: set[int], work_in_progress: bool):
    records = QuarterlyUpdate.history.filter(action_id=action.pk, id__in=visible_update_ids)
    if not work_in_progress:
        records = records.filter(state=UpdateState.APPROVED)
    previous: dict[int, object] = {}
    for record in records.select_related("history_user", "status", "period").order_by(
        "id", "history_date", "history_id"
    ):
        before = previous.get(record.id)
        previous[record.id] = record
        label = record.period.label if record.period else "A quarter"
        if record.history_type == "+":
            what = f"{label} update created ({record.get_state_display().lower()})"
        elif record.history_type == "-":
            what = f"{label} update deleted"
        else:
            what = f"{label} update changed"
        yield TimelineEntry(
            record.history_date,
            _who(record),
            what,
            _update_changes(record, before),
            record.history_change_reason or "",
        )


def _action_entries(action: Action):
    before = None
    for record in action.history.select_related(
        "history_user", "directorate", "lead_officer", "approver", "reported_from", "withdrawn_from"
    ).order_by("history_date", "history_id"):
        if record.history_type == "+":
            yield TimelineEntry(
                record.history_date,
                _who(record),
                "Action added",
                [],
                record.history_change_reason or "",
            )
        elif before is not None:
            detail = _action_changes(record, before)
            if detail or record.history_change_reason:
                yield TimelineEntry(
                    record.history_date,
                    _who(record),
                    "Action changed",
                    detail,
                    record.history_change_reason or "",
                )
        before = record


def _action_changes(record, before) -> list[str]:
    detail = []
    for name, label in _ACTION_FIELDS.items():
        old, new = getattr(before, name), getattr(record, name)
        if old != new:
            detail.append(f"{label.capitalize()}: {old or 'none'} → {new or 'none'}")
    if record.completed_in_id != before.completed_in_id and record.completed_in_id is None:
        detail.append("No longer complete")
    return detail


def _delegate_entries(action: Action):
    for record in (
        ActionDelegate.history.filter(action_id=action.pk)
        .select_related("history_user", "user")
        .order_by("history_date")
    ):
        verb = (
            "can now enter its updates"
            if record.history_type == "+"
            else ("can no longer enter its updates")
        )
        yield TimelineEntry(record.history_date, _who(record), f"{record.user} {verb}", [], "")
