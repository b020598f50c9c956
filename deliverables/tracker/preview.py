"""What an import would do, row by row, and writing exactly that in one transaction."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, is_dataclass

from django.db import transaction
from django.utils import timezone

from deliverables.models import (
    Action,
    ActionPlacement,
    Deliverable,
    Milestone,
    QuarterlyUpdate,
)
from deliverables.services import updates_import
from deliverables.services.base import history_copy
from deliverables.tracker.bulk import bulk_insert
from deliverables.tracker.meanings import IGNORE, Question, header_signature
from plans.models import (
    Plan,
    ReportingPeriod,
    Status,
    StrategicOutcome,
    Theme,
)
from plans.statuses import status_key

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
    # What the reader understood, shown beside the rows: ColumnGuess.as_json() of every
    # column, rows skipped as noise, hidden rows, and the header keys that name the layout.
    columns: list[dict] = field(default_factory=list)
    noise: list[dict] = field(default_factory=list)
    hidden: list[dict] = field(default_factory=list)
    header_keys: list[str] = field(default_factory=list)
    # What the importer will not guess (meanings.Question), and the answers in force.
    questions: list[Question] = field(default_factory=list)
    answered: dict = field(default_factory=dict)
    # Statuses read from a cell's fill: {"sheet", "row", "colour", "status", "exact"}.
    from_colour: list[dict] = field(default_factory=list)
    # Status spellings the answers add to the scale, written by apply(): status pk -> words.
    new_spellings: dict[int, list[str]] = field(default_factory=dict)
    # Everything the import creates, apart from the updates, with the rows it came from.
    structure: dict = field(default_factory=dict)
    # Updates by quarter code: {"created", "updated", "unchanged"}; the quarters by code.
    quarter_figures: dict[str, Counter] = field(default_factory=dict)
    quarter_periods: dict[str, ReportingPeriod] = field(default_factory=dict)
    _new_milestones: list[Milestone] = field(default_factory=list, repr=False)
    # What apply() writes, in dependency order.
    _new_periods: list[ReportingPeriod] = field(default_factory=list, repr=False)
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
    # The first quarter each new or moved action is reported in, by the action's identity.
    _reported_from: dict[int, ReportingPeriod] = field(default_factory=dict, repr=False)

    @property
    def has_changes(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()) or self.links_created)

    def read_from(self, read) -> None:
        """What the reader understood (layout.ReadResult), kept for the page and the record:
        the rows and sheets it read or skipped, every column as guessed or mapped, the noise
        rows and the header keys that name the file's layout."""
        self.row_count = len(read.rows)
        self.skipped_sheets = [{"sheet": s.sheet, "reason": s.reason} for s in read.skipped_sheets]
        self.columns = [column.as_json() for column in read.columns]
        self.noise = [asdict(n) if is_dataclass(n) else dict(n) for n in read.noise]
        self.header_keys = list(read.header_keys)

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
            "columns": self.columns,
            "unused_columns": [c for c in self.columns if c.get("meaning") == IGNORE],
            "noise": self.noise,
            "hidden": self.hidden,
            "header_keys": self.header_keys,
            "signature": header_signature(self.header_keys) if self.header_keys else "",
            "structure": self.structure,
            "quarters": {
                code: {
                    "label": self.quarter_periods[code].label,
                    **{kind: figures[kind] for kind in ("created", "updated", "unchanged")},
                }
                for code, figures in sorted(self.quarter_figures.items())
            },
            "questions": [question.as_json() for question in self.questions],
            "answered": self.answered,
            "from_colour": self.from_colour,
        }

    @transaction.atomic
    def apply(self, user=None, reason: str = "Imported from a tracker") -> ImportPreview:
        """Write the preview. One transaction: an error anywhere leaves the database as it was.

        Actions and updates get audit rows like any other change, in bulk.
        """
        if self.applied:
            raise RuntimeError("This import has already been applied")
        now = timezone.now()
        for period in [self.period, *self._new_periods]:
            if period.pk is None:  # a quarter the plan lacked: history, so created closed
                period._history_user = user
                period._change_reason = "Created, closed, by importing " + reason.removeprefix(
                    "Imported from "
                )
                period.save()
        self._add_spellings()
        StrategicOutcome.objects.bulk_create(self._new_outcomes)
        Theme.objects.bulk_create(self._new_themes)
        bulk_insert(Deliverable, self._new_deliverables)
        for names, keys in _group_fields(self._changed_deliverables):
            objs = [self._objects[key] for key in keys]
            Deliverable.objects.bulk_update(objs, sorted(names), batch_size=500)
        for action in self._new_actions:
            # Its first quarter in the file, saved by now: a new quarter is saved first.
            action.reported_from = self._reported_from.get(id(action), self.period)
        # Audit rows copied by the database from the rows just written (history_copy): the
        # same rows simple_history's bulk paths write, without an object built for each.
        bulk_insert(Action, self._new_actions)  # COPY on PostgreSQL (bulk.py)
        history_copy(Action, [a.pk for a in self._new_actions], user, reason)
        for names, keys in _group_fields(self._changed_actions):
            objs = [self._objects[key] for key in keys]
            for key, obj in zip(keys, objs, strict=True):
                obj.updated_at = now
                if "reported_from" in names:  # re-read: the quarter may be new
                    obj.reported_from = self._reported_from.get(key, self.period)
            Action.objects.bulk_update(objs, [*sorted(names), "updated_at"], batch_size=500)
            history_copy(Action, [o.pk for o in objs], user, reason, history_type="~")
        # MATCHER (issue 19): milestones hang under actions, new ones saved just above.
        for milestone in self._new_milestones:
            milestone.action = milestone.action  # re-read the key now the action has one
        bulk_insert(Milestone, self._new_milestones)
        # /MATCHER
        for placement in self._new_placements:
            # Re-read the foreign keys now that new parents have primary keys.
            placement.action = placement.action
            placement.outcome = placement.outcome
            placement.deliverable = placement.deliverable
            placement.theme = placement.theme
        bulk_insert(ActionPlacement, self._new_placements)
        updates_import(
            user,
            self._new_updates,
            self._changed_updates,
            reason=reason,
            overwrite_closed=self.overwrite_closed,
            fill_closed=True,  # a tracker of a closed quarter is that quarter's record
            created_actions=[action.pk for action in self._new_actions],
        )
        self.applied = True
        return self

    def _add_spellings(self) -> None:
        """The status words the answers said a status means, added to its spellings."""
        if not self.new_spellings:
            return
        for status in Status.objects.filter(pk__in=list(self.new_spellings)).order_by("pk"):
            known, added = status.spelling_keys(), []
            for word in self.new_spellings[status.pk]:
                if word.strip() and status_key(word) not in known:
                    known.add(status_key(word))
                    added.append(word.strip())
            if added:
                lines = [line for line in status.spellings.splitlines() if line.strip()]
                status.spellings = "\n".join([*lines, *added])
                status.save(update_fields=["spellings"])


def _group_fields(changed: dict[int, set[str]]) -> list[tuple[frozenset[str], list[int]]]:
    groups: dict[frozenset[str], list[int]] = {}
    for key, names in changed.items():
        groups.setdefault(frozenset(names), []).append(key)
    return list(groups.items())
