"""What an import would do, row by row, and writing exactly that in one transaction."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from deliverables.models import (
    Action,
    ActionPlacement,
    Deliverable,
    Milestone,
    QuarterlyUpdate,
)
from deliverables.services import updates_import
from deliverables.tracker.meanings import Question
from plans.models import (
    Plan,
    ReportingPeriod,
    StrategicOutcome,
    Theme,
)

KINDS = ("outcomes", "deliverables", "actions", "updates")


@dataclass
class RowIssue:
    sheet: str
    row: int
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "message": self.message}


@dataclass
class RowResult:
    """What happened to one row: shown in the preview and kept with the import record."""

    sheet: str
    row: int
    outcome: str
    action: str
    result: str  # created, updated, unchanged, linked, error, skipped
    message: str = ""


@dataclass
class ImportPreview:
    """Everything an import would do. Nothing is written until `apply`."""

    plan: Plan
    period: ReportingPeriod
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    links_created: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    skipped_sheets: list[dict] = field(default_factory=list)
    row_count: int = 0
    overwrite_closed: bool = False
    applied: bool = False
    # MATCHER (issue 19): what the matcher asks and reads, for the summary and for apply().
    questions: list[Question] = field(default_factory=list)
    from_colour: list[dict] = field(default_factory=list)  # sheet, row, colour, status, exact
    new_spellings: dict[int, list[str]] = field(default_factory=dict)  # status pk -> words
    _new_milestones: list[Milestone] = field(default_factory=list, repr=False)
    # /MATCHER
    # What apply() writes, in dependency order.
    _new_outcomes: list[StrategicOutcome] = field(default_factory=list, repr=False)
    _new_themes: list[Theme] = field(default_factory=list, repr=False)
    _new_deliverables: list[Deliverable] = field(default_factory=list, repr=False)
    _changed_deliverables: dict[int, set[str]] = field(default_factory=dict, repr=False)
    _new_actions: list[Action] = field(default_factory=list, repr=False)
    _changed_actions: dict[int, set[str]] = field(default_factory=dict, repr=False)
    _new_placements: list[ActionPlacement] = field(default_factory=list, repr=False)
    _new_updates: list[QuarterlyUpdate] = field(default_factory=list, repr=False)
    _changed_updates: list[QuarterlyUpdate] = field(default_factory=list, repr=False)
    _objects: dict[int, object] = field(default_factory=dict, repr=False)

    @property
    def has_changes(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()) or self.links_created)

    def summary(self) -> dict:
        """The figures the command prints with --json and the import record keeps."""
        return {
            "plan": self.plan.slug,
            "period": self.period.code,
            "rows": self.row_count,
            "created": {kind: self.created[kind] for kind in KINDS},
            "updated": {kind: self.updated[kind] for kind in KINDS},
            "unchanged": {kind: self.unchanged[kind] for kind in KINDS},
            "links_created": self.links_created,
            "errors": [issue.as_dict() for issue in self.errors],
            "warnings": [issue.as_dict() for issue in self.warnings],
            "skipped_sheets": self.skipped_sheets,
        }

    @transaction.atomic
    def apply(self, user=None, reason: str = "Imported from a tracker") -> ImportPreview:
        """Write the preview. One transaction: an error anywhere leaves the database as it was.

        Actions and updates get audit rows like any other change, in bulk.
        """
        if self.applied:
            raise RuntimeError("This import has already been applied")
        now = timezone.now()
        StrategicOutcome.objects.bulk_create(self._new_outcomes)
        Theme.objects.bulk_create(self._new_themes)
        Deliverable.objects.bulk_create(self._new_deliverables, batch_size=500)
        for names, keys in _group_fields(self._changed_deliverables):
            objs = [self._objects[key] for key in keys]
            Deliverable.objects.bulk_update(objs, sorted(names), batch_size=500)
        for action in self._new_actions:
            action.reported_from = self.period  # saved by now: a new quarter is saved first
        bulk_create_with_history(
            self._new_actions,
            Action,
            batch_size=500,
            default_user=user,
            default_change_reason=reason,
        )
        for names, keys in _group_fields(self._changed_actions):
            objs = [self._objects[key] for key in keys]
            for obj in objs:
                obj.updated_at = now
                if "reported_from" in names:
                    obj.reported_from = self.period  # re-read: the quarter may be new
            bulk_update_with_history(
                objs,
                Action,
                [*sorted(names), "updated_at"],
                batch_size=500,
                default_user=user,
                default_change_reason=reason,
            )
        # MATCHER (issue 19): milestones hang under actions, new ones saved just above.
        for milestone in self._new_milestones:
            milestone.action = milestone.action  # re-read the key now the action has one
        Milestone.objects.bulk_create(self._new_milestones, batch_size=500)
        # /MATCHER
        for placement in self._new_placements:
            # Re-read the foreign keys now that new parents have primary keys.
            placement.action = placement.action
            placement.outcome = placement.outcome
            placement.deliverable = placement.deliverable
            placement.theme = placement.theme
        ActionPlacement.objects.bulk_create(self._new_placements, batch_size=500)
        updates_import(
            user,
            self._new_updates,
            self._changed_updates,
            reason=reason,
            overwrite_closed=self.overwrite_closed,
            fill_closed=True,  # a tracker of a closed quarter is that quarter's record
        )
        self.applied = True
        return self


def _group_fields(changed: dict[int, set[str]]) -> list[tuple[frozenset[str], list[int]]]:
    groups: dict[frozenset[str], list[int]] = {}
    for key, names in changed.items():
        groups.setdefault(frozenset(names), []).append(key)
    return list(groups.items())
