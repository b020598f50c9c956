"""Match tracker rows to a plan, preview what would change, and write it in one transaction.

`prepare_import` reads the database and works out every change without writing anything:
the preview. `ImportPreview.apply` writes exactly that preview, all of it or none of it.

Rules (see DESIGN.md and the legacy import issue):
- references match after normalisation (Cyrillic look-alikes read as Latin); a row with no
  reference matches an action by its title;
- a reference that another, differently titled action already holds is not trusted: the
  row's action is imported without a reference, with a warning to check it;
- structure already in the plan is never overwritten: the import only fills blanks;
- one update per action and quarter: when an action is listed on several rows, the first row
  with a real status gives the update, and a row that disagrees is reported;
- an unknown status is an error on its row (never a guess); a blank status with no commentary
  or "No update available" is the scale's No Update status;
- "Duplicate - see X" rows link their deliverable to X instead of making an action;
- updates entered in the browser, and any update in a closed quarter, are not overwritten
  unless the caller says so.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from deliverables.models import (
    Action,
    ActionPlacement,
    Deliverable,
    QuarterlyUpdate,
    UpdateSource,
    UpdateState,
)
from deliverables.services import updates_import
from deliverables.tracker.layout import ReadResult, TrackerRow
from plans.models import (
    Directorate,
    Plan,
    ReportingPeriod,
    Status,
    StrategicOutcome,
    Theme,
    status_key,
)
from plans.refs import normalise_ref, normalise_title, ref_prefix
from plans.sanitise import sanitise_line, sanitise_text

KINDS = ("outcomes", "deliverables", "actions", "updates")
COMMENTARY_MAX = 10_000

_NO_UPDATE = re.compile(
    r"^\s*no\s+(update|updates|return|commentary)(\s+(available|provided|received|given|yet))?\s*\.?\s*$",
    re.I,
)
_DUPLICATE = re.compile(r"\bduplicate\b\W*(?:of|see)?\W*(?:see\W+)?([^\s,;()]+)", re.I)


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


def titles_match(a: str, b: str) -> bool:
    """Whether two titles name the same thing, allowing for cut-off and re-typed text."""
    ka, kb = normalise_title(a), normalise_title(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    shorter, longer = sorted((ka, kb), key=len)
    if len(shorter) >= 30 and longer.startswith(shorter):
        return True
    return difflib.SequenceMatcher(None, ka, kb, autojunk=False).ratio() >= 0.6


def _same_text(a: str, b: str) -> bool:
    """Normalised texts that are equal, or where one is the other cut short."""
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= 30 and longer.startswith(shorter)


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _title_case(heading: str) -> str:
    """ "GROWING UP IN SANDWELL" -> "Growing Up in Sandwell": headings are often in capitals."""
    if not heading.isupper():
        return heading
    small = {"a", "an", "and", "in", "of", "the", "for", "to", "on", "at", "by", "with"}
    words = heading.lower().split()
    return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def parse_date(value: object) -> dt.date | None:
    """A date cell, or text like "May 2022" (the first of the month). Anything else is None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %Y", "%b %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class _DeliverableIndex:
    """One outcome's deliverables, found by text (exact, or one cut short) or by reference.

    Cut-off texts are found without scanning: a sorted list of the known texts answers "is a
    known text this one cut short?" by bisection, and the set of known text lengths limits
    "is this one a known text cut short?" to one dictionary lookup a length.
    """

    SHORTEST_CUT = 30  # _same_text only matches a cut-off text of at least this many characters

    def __init__(self) -> None:
        self.exact: dict[str, Deliverable] = {}
        self.sorted_keys: list[str] = []
        self.lengths: set[int] = set()
        self.by_ref: dict[str, Deliverable] = {}

    def add(self, deliverable: Deliverable) -> None:
        key = normalise_title(deliverable.title)
        if key not in self.exact:
            self.exact[key] = deliverable
            bisect.insort(self.sorted_keys, key)
            self.lengths.add(len(key))
        if deliverable.ref_normalised:
            self.by_ref.setdefault(deliverable.ref_normalised, deliverable)

    def find(self, title_key: str) -> Deliverable | None:
        found = self.exact.get(title_key)
        if found is not None or len(title_key) < self.SHORTEST_CUT:
            return found
        # A known text that continues this one (this row's text was cut short).
        position = bisect.bisect_left(self.sorted_keys, title_key)
        if position < len(self.sorted_keys) and self.sorted_keys[position].startswith(title_key):
            return self.exact[self.sorted_keys[position]]
        # A known text that this one continues (the known text was cut short).
        for length in sorted(self.lengths, reverse=True):
            if self.SHORTEST_CUT <= length < len(title_key):
                found = self.exact.get(title_key[:length])
                if found is not None:
                    return found
        return None


@dataclass
class _PendingUpdate:
    action: Action
    status: Status
    commentary: str
    row: TrackerRow


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


class _Matcher:
    """Holds the plan as it is plus everything this import adds, and resolves rows against it."""

    def __init__(self, plan: Plan, period: ReportingPeriod, preview: ImportPreview):
        self.plan = plan
        self.period = period
        self.preview = preview
        self.order = 0
        statuses = list(Status.objects.filter(scale__plan=plan).order_by("order"))
        self.statuses = statuses
        self.status_by_key = {key: s for s in statuses for key in s.spelling_keys()}
        self.no_update = next((s for s in statuses if s.means_no_update), None)
        self.status_by_colour = {s.colour.upper(): s for s in statuses}

        self.outcomes = list(plan.outcomes.all())
        outcome_by_pk = {o.pk: o for o in self.outcomes}
        self.outcome_by_key = {k: o for o in self.outcomes for k in o.name_keys()}
        # Everything below is keyed by the Python identity of its parent, so rows can hang
        # new objects under parents this import creates too.
        self.themes = {
            (id(outcome_by_pk[t.outcome_id]), normalise_title(t.name)): t
            for t in Theme.objects.filter(outcome__plan=plan)
        }
        self.deliverables: dict[int, _DeliverableIndex] = {}
        for d in Deliverable.objects.filter(outcome__plan=plan).order_by("order", "pk"):
            d.outcome = outcome_by_pk[d.outcome_id]
            self.deliverables.setdefault(id(d.outcome), _DeliverableIndex()).add(d)
        actions = list(Action.objects.filter(plan=plan).select_related("reported_from"))
        self.actions_by_ref = {a.ref_normalised: a for a in actions if a.ref_normalised}
        self.actions_by_title: dict[str, Action] = {}
        for a in actions:
            self.actions_by_title.setdefault(normalise_title(a.title), a)
        self.placements = set(
            ActionPlacement.objects.filter(action__plan=plan).values_list(
                "action_id", "outcome_id", "theme_id", "deliverable_id"
            )
        )
        self.new_placement_keys: set[tuple[int, int, int | None, int | None]] = set()
        # A quarter this import will create has no updates yet.
        self.updates = (
            {u.action_id: u for u in QuarterlyUpdate.objects.filter(period=period)}
            if period.pk
            else {}
        )
        self.directorates = list(Directorate.objects.all())
        self.directorate_by_prefix = {p: d for d in self.directorates for p in d.prefix_list()}
        self.directorate_by_name = {
            key: d
            for d in self.directorates
            for key in (normalise_title(d.name), normalise_title(d.code))
        }
        self.pending_updates: dict[int, _PendingUpdate] = {}
        self.first_seen: dict[int, tuple[str, int]] = {}
        self.warned: set[tuple] = set()
        # Existing objects the rows name, by kind: what is not changed counts as unchanged.
        self.touched: dict[str, set[int]] = {kind: set() for kind in KINDS}
        max_order = plan.outcomes.order_by("-order").values_list("order", flat=True).first()
        self.outcome_order = (max_order or 0) + 1

    # -- helpers ---------------------------------------------------------------------------
    def warn_once(self, key: tuple, row: TrackerRow, message: str) -> None:
        if key not in self.warned:
            self.warned.add(key)
            self.preview.warnings.append(RowIssue(row.sheet, row.row, message))

    def remember(self, obj) -> None:
        self.preview._objects[id(obj)] = obj

    def mark_changed(self, bucket: dict[int, set[str]], obj, field_name: str, kind: str) -> None:
        if obj.pk is None:
            return  # new objects are written whole
        self.remember(obj)
        if id(obj) not in bucket:
            self.preview.updated[kind] += 1
        bucket.setdefault(id(obj), set()).add(field_name)

    def where(self, obj) -> str:
        seen = self.first_seen.get(id(obj))
        if seen:
            return f"sheet '{seen[0]}' row {seen[1]}"
        return "the plan already"

    # -- resolution ------------------------------------------------------------------------
    def status_for(self, row: TrackerRow, commentary: str) -> tuple[Status | None, str | None]:
        if row.status:
            status = self.status_by_key.get(status_key(row.status))
            if status is None:
                labels = ", ".join(s.label for s in self.statuses)
                return None, (
                    f"'{row.status}' is not a status of this plan's scale ({labels}). "
                    "Add it as a spelling of a status, or correct the cell."
                )
            if row.status_fill and row.status_fill != status.colour.upper():
                coloured = self.status_by_colour.get(row.status_fill)
                if coloured is not None and coloured != status:
                    self.preview.warnings.append(
                        RowIssue(
                            row.sheet,
                            row.row,
                            f"The cell says '{row.status}' but is coloured as "
                            f"'{coloured.label}'; the words were used.",
                        )
                    )
            return status, None
        if not commentary or _NO_UPDATE.match(commentary):
            if self.no_update is None:
                return None, "The status is blank and this plan's scale has no 'No update' status."
            return self.no_update, None
        return None, "The status is blank but the row has commentary: give the row a status."

    def outcome_for(self, row: TrackerRow) -> StrategicOutcome:
        for candidate in row.outcome_candidates:
            outcome = self.outcome_by_key.get(normalise_title(candidate))
            if outcome is not None:
                if outcome.pk:
                    self.touched["outcomes"].add(id(outcome))
                return outcome
        name = _title_case(row.outcome_candidates[0])[:200]
        outcome = StrategicOutcome(plan=self.plan, name=name, order=self.outcome_order)
        self.outcome_order += 1
        self.outcomes.append(outcome)
        self.outcome_by_key[normalise_title(name)] = outcome
        self.preview._new_outcomes.append(outcome)
        self.preview.created["outcomes"] += 1
        self.first_seen[id(outcome)] = (row.sheet, row.row)
        label = self.plan.outcome_label.lower()
        self.preview.warnings.append(
            RowIssue(row.sheet, row.row, f"New {label} '{name}' will be created.")
        )
        return outcome

    def theme_for(self, outcome: StrategicOutcome, name: str) -> Theme | None:
        if not name:
            return None
        key = (id(outcome), normalise_title(name))
        theme = self.themes.get(key)
        if theme is None:
            theme = Theme(outcome=outcome, name=sanitise_line(name, max_length=200))
            self.themes[key] = theme
            self.preview._new_themes.append(theme)
        return theme

    def deliverable_for(
        self, outcome: StrategicOutcome, theme: Theme | None, row: TrackerRow
    ) -> Deliverable | None:
        title = sanitise_line(row.deliverable)
        ref = sanitise_line(row.deliverable_ref, max_length=40)
        if not title and not ref:
            return None
        ref_key = normalise_ref(ref)
        index = self.deliverables.setdefault(id(outcome), _DeliverableIndex())
        match = None
        if title:
            match = index.find(normalise_title(title))
        elif ref_key:
            match = index.by_ref.get(ref_key)
        if match is not None:
            if ref and not match.ref:
                match.ref, match.ref_normalised = ref, ref_key
                index.by_ref.setdefault(ref_key, match)
                self.mark_changed(self.preview._changed_deliverables, match, "ref", "deliverables")
                self.mark_changed(
                    self.preview._changed_deliverables, match, "ref_normalised", "deliverables"
                )
            if match.pk:
                self.touched["deliverables"].add(id(match))
            return match
        if ref_key and ref_key in index.by_ref:
            self.warn_once(
                ("deliverable-ref", id(outcome), ref_key),
                row,
                f"CP ref {ref} names more than one deliverable in '{outcome.name}'; "
                "each was kept under its own text.",
            )
        self.order += 1
        deliverable = Deliverable(
            outcome=outcome,
            theme=theme,
            ref=ref,
            ref_normalised=ref_key,
            title=title or ref,
            order=self.order,
        )
        index.add(deliverable)
        self.preview._new_deliverables.append(deliverable)
        self.preview.created["deliverables"] += 1
        self.first_seen[id(deliverable)] = (row.sheet, row.row)
        return deliverable

    def directorate_for(self, row: TrackerRow, ref: str) -> Directorate | None:
        if row.directorate:
            found = self.directorate_by_name.get(normalise_title(row.directorate))
            if found is not None:
                return found
            self.warn_once(
                ("directorate", normalise_title(row.directorate)),
                row,
                f"Directorate '{row.directorate}' is not known; add it, then import again.",
            )
        prefix = ref_prefix(ref)
        if prefix:
            found = self.directorate_by_prefix.get(prefix)
            if found is None:
                self.warn_once(
                    ("prefix", prefix),
                    row,
                    f"No directorate uses the reference prefix '{prefix}' (as in {ref}).",
                )
            return found
        return None

    def action_for(self, row: TrackerRow) -> tuple[Action | None, str | None]:
        title = sanitise_line(row.action)
        ref = sanitise_line(row.action_ref, max_length=40)
        ref_key = normalise_ref(ref)
        action = None
        if ref_key:
            action = self.actions_by_ref.get(ref_key)
            if (
                action is not None
                and title
                and action.title
                and not titles_match(title, action.title)
            ):
                self.preview.warnings.append(
                    RowIssue(
                        row.sheet,
                        row.row,
                        f"BP ref {ref} reads as {ref_key}, which {self.where(action)} gives "
                        f"to '{_short(action.title)}'. This row's action '{_short(title)}' was "
                        "imported without a reference: check which is right.",
                    )
                )
                action, ref, ref_key = None, "", ""
        if action is None and title:
            action = self.actions_by_title.get(normalise_title(title))
            if action is not None and ref_key and action.ref_normalised not in ("", ref_key):
                action = None  # same words, different reference: another action
        if action is not None:
            self.fill_action_blanks(action, row, ref, ref_key)
            return action, None
        if not title:
            return None, f"BP ref {ref} is not in the plan and the row gives no action title."
        action = Action(
            plan=self.plan,
            ref=ref,
            ref_normalised=ref_key,
            title=title,
            directorate=self.directorate_for(row, ref),
            lead_role=sanitise_line(row.lead, max_length=200),
            start_date=parse_date(row.start),
            due_date=parse_date(row.due),
            external_ref=sanitise_line(row.external_ref, max_length=200),
        )
        if action.start_date and action.due_date and action.due_date < action.start_date:
            action.due_date = None
        if ref_key:
            self.actions_by_ref[ref_key] = action
        self.actions_by_title.setdefault(normalise_title(title), action)
        self.preview._new_actions.append(action)
        self.preview.created["actions"] += 1
        self.first_seen[id(action)] = (row.sheet, row.row)
        return action, None

    def fill_action_blanks(self, action: Action, row: TrackerRow, ref: str, ref_key: str) -> None:
        changes = []
        if ref_key and not action.ref_normalised:
            action.ref, action.ref_normalised = ref, ref_key
            self.actions_by_ref[ref_key] = action
            changes += ["ref", "ref_normalised"]
        if action.directorate_id is None and action.directorate is None:
            directorate = self.directorate_for(row, action.ref)
            if directorate is not None:
                action.directorate = directorate
                changes.append("directorate")
        for attr, value in (
            ("lead_role", sanitise_line(row.lead, max_length=200)),
            ("external_ref", sanitise_line(row.external_ref, max_length=200)),
        ):
            if value and not getattr(action, attr):
                setattr(action, attr, value)
                changes.append(attr)
        # A tracker of this quarter shows the action was reported in it: an action recorded as
        # reported from a later quarter moves back (shown in the preview as a change).
        if (
            action.reported_from is not None
            and action.reported_from.sort_key > self.period.sort_key
        ):
            action.reported_from = self.period
            changes.append("reported_from")
        for name in changes:
            self.mark_changed(self.preview._changed_actions, action, name, "actions")
        if action.pk:
            self.touched["actions"].add(id(action))

    def place(
        self,
        action: Action,
        outcome: StrategicOutcome,
        theme: Theme | None,
        deliverable: Deliverable | None,
    ) -> bool:
        """Add the placement unless it exists. True if it is new."""
        theme = None if deliverable is not None else theme
        ids = (
            action.pk,
            outcome.pk,
            theme.pk if theme else None,
            deliverable.pk if deliverable else None,
        )
        # Only rows whose every part is saved can already be in the database.
        saved = all(obj is None or obj.pk for obj in (action, outcome, theme, deliverable))
        if saved and ids in self.placements:
            return False
        key = (
            id(action),
            id(outcome),
            id(theme) if theme else None,
            id(deliverable) if deliverable else None,
        )
        if key in self.new_placement_keys:
            return False
        self.new_placement_keys.add(key)
        self.order += 1
        self.preview._new_placements.append(
            ActionPlacement(
                action=action,
                outcome=outcome,
                theme=theme,
                deliverable=deliverable,
                order=self.order,
            )
        )
        self.preview.links_created += 1
        return True

    def record_update(
        self, action: Action, status: Status, commentary: str, row: TrackerRow
    ) -> str:
        """Keep this row's status and commentary for the action, or explain why not."""
        pending = self.pending_updates.get(id(action))
        if pending is None:
            self.pending_updates[id(action)] = _PendingUpdate(action, status, commentary, row)
            return ""
        first = f"sheet '{pending.row.sheet}' row {pending.row.row}"
        if pending.status == status:
            return f"Listed again; its update comes from {first}."
        if pending.status.means_no_update and not status.means_no_update:
            self.pending_updates[id(action)] = _PendingUpdate(action, status, commentary, row)
            return ""
        if status.means_no_update:
            return f"Listed again with no update; {first} gives its status."
        self.preview.warnings.append(
            RowIssue(
                row.sheet,
                row.row,
                f"{action.display_ref} is listed again with status '{status.label}', but "
                f"{first} says '{pending.status.label}'. "
                "One quarter has one update: the first was kept.",
            )
        )
        return f"Status differs from {first}; the first was kept."


def prepare_import(
    plan: Plan,
    period: ReportingPeriod,
    read: ReadResult,
    *,
    overwrite_closed: bool = False,
) -> ImportPreview:
    """Work out what importing these rows into `period` would do. Writes nothing."""
    if period.plan_id != plan.pk:
        raise ValueError("The quarter belongs to another plan")
    preview = ImportPreview(plan=plan, period=period, overwrite_closed=overwrite_closed)
    preview.skipped_sheets = [{"sheet": s.sheet, "reason": s.reason} for s in read.skipped_sheets]
    preview.row_count = len(read.rows)
    matcher = _Matcher(plan, period, preview)
    results: dict[tuple[str, int], RowResult] = {}
    duplicates: list[
        tuple[TrackerRow, StrategicOutcome, Theme | None, Deliverable | None, str]
    ] = []
    hints = {row.quarter_hint for row in read.rows if row.quarter_hint}
    if hints and period.quarter not in hints:
        first = read.rows[0]
        preview.warnings.append(
            RowIssue(
                first.sheet,
                first.row,
                f"The headers speak of Q{min(hints)} but the import is for {period.label}.",
            )
        )

    for row in read.rows:
        key = (row.sheet, row.row)
        commentary = sanitise_text(row.commentary, max_length=COMMENTARY_MAX)
        duplicate = next(
            (
                m
                for m in (
                    _DUPLICATE.search(t) for t in (row.action, row.status, row.commentary) if t
                )
                if m
            ),
            None,
        )
        if duplicate is None and not row.action and not row.action_ref:
            if row.deliverable or row.deliverable_ref:
                outcome = matcher.outcome_for(row)
                matcher.deliverable_for(outcome, matcher.theme_for(outcome, row.theme), row)
                results[key] = RowResult(
                    row.sheet,
                    row.row,
                    outcome.name,
                    "",
                    "skipped",
                    "A deliverable with no action on this row.",
                )
            else:
                results[key] = RowResult(
                    row.sheet, row.row, "", "", "skipped", "No action on this row."
                )
            continue
        status = None
        if duplicate is None:
            status, problem = matcher.status_for(row, commentary)
            if problem:
                preview.errors.append(RowIssue(row.sheet, row.row, problem))
                results[key] = RowResult(
                    row.sheet, row.row, "", row.action_ref or _short(row.action), "error", problem
                )
                continue
        outcome = matcher.outcome_for(row)
        theme = matcher.theme_for(outcome, row.theme)
        deliverable = matcher.deliverable_for(outcome, theme, row)
        if duplicate is not None:
            duplicates.append((row, outcome, theme, deliverable, duplicate.group(1)))
            continue
        action, problem = matcher.action_for(row)
        if problem:
            preview.errors.append(RowIssue(row.sheet, row.row, problem))
            results[key] = RowResult(
                row.sheet, row.row, outcome.name, row.action_ref, "error", problem
            )
            continue
        matcher.place(action, outcome, theme, deliverable)
        note = matcher.record_update(action, status, commentary, row)
        results[key] = RowResult(
            row.sheet, row.row, outcome.name, action.display_ref, "linked" if note else "", note
        )

    for row, outcome, theme, deliverable, target_ref in duplicates:
        key = (row.sheet, row.row)
        target = matcher.actions_by_ref.get(normalise_ref(target_ref))
        if target is None:
            message = (
                f"The row says it duplicates {target_ref}, but no action {target_ref} "
                "is in the plan or this file."
            )
            preview.errors.append(RowIssue(row.sheet, row.row, message))
            results[key] = RowResult(row.sheet, row.row, outcome.name, target_ref, "error", message)
            continue
        matcher.place(target, outcome, theme, deliverable)
        results[key] = RowResult(
            row.sheet,
            row.row,
            outcome.name,
            target.display_ref,
            "linked",
            f"Duplicate row: linked to {target.display_ref}.",
        )

    # One update per action for the quarter, compared with what the quarter holds already.
    for pending in matcher.pending_updates.values():
        action = pending.action
        key = (pending.row.sheet, pending.row.row)
        existing = matcher.updates.get(action.pk) if action.pk else None
        result = results[key]
        if existing is None:
            preview._new_updates.append(
                QuarterlyUpdate(
                    action=action,
                    period=period,
                    status=pending.status,
                    commentary=pending.commentary,
                    state=UpdateState.APPROVED,
                    source=UpdateSource.IMPORTED,
                    approved_at=timezone.now(),
                )
            )
            preview.created["updates"] += 1
            result.result = "created"
        elif existing.status_id == pending.status.pk and existing.commentary == pending.commentary:
            preview.unchanged["updates"] += 1
            result.result = "unchanged"
        elif existing.source == UpdateSource.ENTERED:
            message = (
                f"{action.display_ref} has an update entered in the app for {period.label} "
                f"({existing.get_state_display().lower()}); the spreadsheet does not overwrite it."
            )
            preview.errors.append(RowIssue(pending.row.sheet, pending.row.row, message))
            result.result, result.message = "error", message
        elif period.is_locked and not overwrite_closed:
            message = (
                f"{period.label} is closed: the update for {action.display_ref} would change. "
                "Reopen the quarter, or import with the option to overwrite a closed quarter."
            )
            preview.errors.append(RowIssue(pending.row.sheet, pending.row.row, message))
            result.result, result.message = "error", message
        else:
            existing.status = pending.status
            existing.commentary = pending.commentary
            existing.state = UpdateState.APPROVED
            existing.source = UpdateSource.IMPORTED
            existing.approved_at = timezone.now()
            preview._changed_updates.append(existing)
            preview.updated["updates"] += 1
            result.result = "updated"
    for result in results.values():
        if result.result == "":
            result.result = "linked"
    position = {(row.sheet, row.row): index for index, row in enumerate(read.rows)}
    preview.rows = sorted(results.values(), key=lambda r: position[(r.sheet, r.row)])
    for kind in ("outcomes", "deliverables", "actions"):
        changed = {
            "deliverables": preview._changed_deliverables,
            "actions": preview._changed_actions,
        }.get(kind, {})
        preview.unchanged[kind] = len(matcher.touched[kind] - changed.keys())
    return preview
