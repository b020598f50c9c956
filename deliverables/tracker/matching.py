"""Resolving tracker rows against the plan as it is plus what the import adds: statuses,
outcomes, themes, deliverables, directorates, actions and where they sit."""

from __future__ import annotations

from dataclasses import dataclass

from deliverables.models import (
    Action,
    ActionPlacement,
    Deliverable,
    QuarterlyUpdate,
)
from deliverables.tracker.layout import TrackerRow
from deliverables.tracker.preview import KINDS, ImportPreview, RowIssue
from deliverables.tracker.text import (
    NO_UPDATE_WORDS,
    DeliverableIndex,
    parse_date,
    short,
    title_case,
    titles_match,
)
from plans.models import (
    Directorate,
    Plan,
    ReportingPeriod,
    Status,
    StrategicOutcome,
    Theme,
    status_key,
)
from plans.refs import normalise_ref, normalise_title, ref_order, ref_prefix
from plans.sanitise import sanitise_line


@dataclass
class PendingUpdate:
    action: Action
    status: Status
    commentary: str
    row: TrackerRow


class Matcher:
    """Holds the plan as it is plus everything this import adds, and resolves rows against it."""

    def __init__(self, plan: Plan, period: ReportingPeriod, preview: ImportPreview, answers=None):
        self.answers: dict = answers or {}  # question key -> the value chosen in the preview
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
        self.deliverables: dict[int, DeliverableIndex] = {}
        for d in Deliverable.objects.filter(outcome__plan=plan).order_by("order", "pk"):
            d.outcome = outcome_by_pk[d.outcome_id]
            self.deliverables.setdefault(id(d.outcome), DeliverableIndex()).add(d)
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
        self.pending_updates: dict[int, PendingUpdate] = {}
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
        if not commentary or NO_UPDATE_WORDS.match(commentary):
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
        name = title_case(row.outcome_candidates[0])[:200]
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
        index = self.deliverables.setdefault(id(outcome), DeliverableIndex())
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
                        f"to '{short(action.title)}'. This row's action '{short(title)}' was "
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
            ref_order=ref_order(ref),
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
            action.ref, action.ref_normalised, action.ref_order = ref, ref_key, ref_order(ref)
            self.actions_by_ref[ref_key] = action
            changes += ["ref", "ref_normalised", "ref_order"]
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
