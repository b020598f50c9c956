"""Milestones from tracker rows: the dated steps under an action.

A row with a milestone adds it under the row's action, or, when the row names no action,
under the action of the nearest row above on the same sheet (improvement plans list several
milestone rows under one action). The row's start and due dates are the milestone's. A
milestone the action already has (the same title, normalised) is unchanged, not added again.
"""

from __future__ import annotations

from django.db.models import Max

from deliverables.models import Action, Milestone
from deliverables.tracker.layout import TrackerRow
from deliverables.tracker.preview import ImportPreview
from plans.models import Plan
from plans.refs import normalise_title
from plans.sanitise import sanitise_line


def _key(action: Action) -> tuple[str, int]:
    """Saved actions by primary key, this import's new ones by identity."""
    return ("pk", action.pk) if action.pk else ("new", id(action))


class MilestoneRows:
    def __init__(self, plan: Plan, preview: ImportPreview):
        self.preview = preview
        self.known: dict[tuple[str, int], set[str]] = {}
        for action_id, title in Milestone.objects.filter(action__plan=plan).values_list(
            "action_id", "title"
        ):
            self.known.setdefault(("pk", action_id), set()).add(normalise_title(title))
        self.next_order = {
            ("pk", row["action_id"]): (row["last"] or 0) + 1
            for row in Milestone.objects.filter(action__plan=plan)
            .values("action_id")
            .annotate(last=Max("order"))
        }
        # sheet -> (the action of the last row naming one, or None if it was not imported;
        # that row)
        self.above: dict[str, tuple[Action | None, int]] = {}

    def after_action(self, row: TrackerRow, action: Action, dates) -> str:
        """The row's action is known: remember it for milestone rows below; add the row's own
        milestone. Returns "created", "unchanged" or "" (no milestone on the row)."""
        self.above[row.sheet] = (action, row.row)
        return self.add(row, action, dates) if row.milestone else ""

    def lose(self, row: TrackerRow) -> None:
        """The row's action was not imported: nor are the milestones listed under it."""
        self.above[row.sheet] = (None, row.row)

    def action_above(self, row: TrackerRow) -> tuple[Action | None, str]:
        """The action a milestone row without one belongs to, or why there is none."""
        action, number = self.above.get(row.sheet, (None, 0))
        if action is not None:
            return action, ""
        if number:
            return None, f"The action above (row {number}) was not imported, nor is its milestone."
        return None, "A milestone with no action on its row or above it."

    def add(self, row: TrackerRow, action: Action, dates) -> str:
        title = sanitise_line(row.milestone)
        titles = self.known.setdefault(_key(action), set())
        if normalise_title(title) in titles:
            self.preview.unchanged["milestones"] += 1
            return "unchanged"
        titles.add(normalise_title(title))
        order = self.next_order.get(_key(action), 1)
        self.next_order[_key(action)] = order + 1
        self.preview._new_milestones.append(
            Milestone(
                action=action,
                title=title,
                start_date=dates.start,
                due_date=dates.due,
                date_note=dates.note(),
                order=order,
            )
        )
        self.preview.created["milestones"] += 1
        return "created"
