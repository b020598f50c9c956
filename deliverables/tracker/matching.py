"""Resolving tracker rows against the plan as it is plus what the import adds: statuses,
outcomes, themes, deliverables, directorates, actions, milestones and where they sit.

Structure is created only where the file or the administrator says so. A row's outcome is the
first of its candidates (its outcome column, its section heading, the titles above, the sheet
name: layout.py) that names an outcome the plan has; only the names in
`row.outcome_creatable` (an outcome column; headings or sheet names mapped to outcomes) may
create one. A new action with no outcome it may use is a question, not a guess. An action
the plan already has gains a placement only under an outcome the file names for sure (one of
the creatable names, or the administrator's answer), never under a guessed one.
"""

from __future__ import annotations

from deliverables.models import (
    Action,
    ActionPlacement,
    Deliverable,
    QuarterlyUpdate,
)
from deliverables.tracker.action_rows import (
    NOTE_LIMIT,
    OUTCOME_LIMIT,
    ActionRows,
    RowDates,
    too_long,
)
from deliverables.tracker.answers import SKIP, Asker, LeftOut, unanswered
from deliverables.tracker.folded import Folded
from deliverables.tracker.layout import TrackerRow
from deliverables.tracker.meanings import Question
from deliverables.tracker.milestones import MilestoneRows
from deliverables.tracker.preview import KINDS, ImportPreview, RowIssue
from deliverables.tracker.similar import TitleIndex
from deliverables.tracker.statuses import StatusReader
from deliverables.tracker.text import DeliverableIndex, title_case
from plans.models import (
    Directorate,
    Plan,
    ReportingPeriod,
    Status,
    StrategicOutcome,
    Theme,
)
from plans.refs import normalise_ref, normalise_title
from plans.sanitise import sanitise_line

# Where a row sits: its outcome (None if it has none it may use), theme and deliverable, and
# whether the outcome is sure (named by the file or the administrator) or only matched.
Placed = tuple[StrategicOutcome | None, Theme | None, Deliverable | None, bool]


# What resolve() gives a row: its action, and the outcome, theme and deliverable it was
# placed under (all None when it was not placed).
Resolved = tuple[Action, StrategicOutcome | None, Theme | None, Deliverable | None]


class Matcher(ActionRows):
    """Holds the plan as it is plus everything this import adds, and resolves rows against it."""

    def __init__(
        self,
        plan: Plan,
        period: ReportingPeriod,
        preview: ImportPreview,
        answers: dict | None = None,
    ):
        self.plan = plan
        self.period = period
        self.preview = preview
        self.folded = Folded()  # each distinct cell value folded once per import
        self.order = 0
        self.asker = Asker(preview.questions, answers)
        self.statuses = StatusReader(plan, preview, self.asker)
        self.milestones = MilestoneRows(plan, preview)

        self.outcomes = list(plan.outcomes.all())
        self.outcome_by_pk = {o.pk: o for o in self.outcomes}
        self.outcome_by_key = {k: o for o in self.outcomes for k in o.name_keys()}
        # Everything below is keyed by the Python identity of its parent, so rows can hang
        # new objects under parents this import creates too.
        self.themes = {
            (id(self.outcome_by_pk[t.outcome_id]), normalise_title(t.name)): t
            for t in Theme.objects.filter(outcome__plan=plan)
        }
        self.deliverables: dict[int, DeliverableIndex] = {}
        for d in Deliverable.objects.filter(outcome__plan=plan).order_by("order", "pk"):
            d.outcome = self.outcome_by_pk[d.outcome_id]
            self.deliverables.setdefault(id(d.outcome), DeliverableIndex()).add(d)
        actions = list(Action.objects.filter(plan=plan).select_related("reported_from"))
        self.actions_by_pk = {a.pk: a for a in actions}
        self.actions_by_ref = {a.ref_normalised: a for a in actions if a.ref_normalised}
        self.actions_by_title: dict[str, Action] = {}
        self.similar_titles = TitleIndex()  # the plan's actions only: a question names a pk
        # Titles two or more of the plan's actions share: a row with only the title is asked.
        self.title_twins: dict[str, list[Action]] = {}
        for a in actions:
            key = normalise_title(a.title)
            if key not in self.actions_by_title:
                self.actions_by_title[key] = a
                self.similar_titles.add(key, a)
            else:
                self.title_twins.setdefault(key, [self.actions_by_title[key]]).append(a)
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
        self.prefixes = set(self.directorate_by_prefix)
        self.directorate_by_name = {
            key: d
            for d in self.directorates
            for key in (normalise_title(d.name), normalise_title(d.code))
        }
        self.first_seen: dict[int, tuple[str, int]] = {}
        self.warned: set[tuple] = set()
        # Existing objects the rows name, by kind: what is not changed counts as unchanged.
        self.touched: dict[str, set[int]] = {kind: set() for kind in KINDS}
        max_order = plan.outcomes.order_by("-order").values_list("order", flat=True).first()
        self.outcome_order = (max_order or 0) + 1
        self.outcome_groups: dict[tuple[str, tuple[str, ...]], int] = {}

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

    # -- statuses --------------------------------------------------------------------------
    def status_for(
        self, row: TrackerRow, status_text: str, status_fill: str | None, commentary: str
    ) -> tuple[Status | None, str | None]:
        """The status one quarter's values on the row give (statuses.py), or why there is
        none: an error, or a LeftOut (str) when the administrator chose to leave it out. A row
        with no status writes nothing, so milestone rows below it are left out too."""
        status, problem = self.statuses.status_for(row, status_text, status_fill, commentary)
        if problem:
            self.milestones.lose(row)
        return status, problem

    def row_status(self, row: TrackerRow, commentary: str) -> tuple[Status | None, str | None]:
        """status_for the row's own status column (no quarter named)."""
        return self.status_for(row, row.status, row.status_fill, commentary)

    # -- a row's place in the plan ---------------------------------------------------------
    def resolve(self, row: TrackerRow) -> tuple[Resolved | None, str]:
        """The row's action (matched or new) and where it was placed (outcome, theme and
        deliverable, all None when the row names no outcome it may place it under); or None
        and why the row writes nothing (an error, or a LeftOut)."""
        dates = self.row_dates(row)
        outcome, name, sure = self.find_outcome(row)
        ref, title = self.ref_and_title(row)
        action, problem = None, self.row_too_long(row, dates) or self.name_too_long(name)
        if not problem:
            action, ref, problem = self.match_action(row, ref, title)
        if not problem and action is None and outcome is None and not name:
            outcome, problem = self.ask_outcome(row)
            sure = True
        if problem:
            self.milestones.lose(row)
            return None, problem
        if outcome is None and name:
            outcome = self.create_outcome(name, row)
        # A milestone row's dates are its milestone's, not its action's.
        action_dates = RowDates() if row.milestone else dates
        if action is None:
            action = self.new_action(row, ref, title, action_dates)
        else:
            self.fill_action_blanks(action, row, ref, action_dates)
        placed: tuple = (None, None, None)
        if outcome is not None and (action.pk is None or sure):
            theme = self.theme_for(outcome, row.theme or row.heading_theme)
            placed = (outcome, theme, self.deliverable_for(outcome, theme, row))
            self.place(action, *placed)
        self.milestones.after_action(row, action, dates)
        return (action, *placed), ""

    def structure_for(self, row: TrackerRow) -> tuple[Placed | None, str]:
        """Where a row with no action of its own sits (a deliverable-only or "Duplicate - see
        X" row): None if it names no outcome it may use, or why it cannot be placed."""
        outcome, name, sure = self.find_outcome(row)
        if outcome is None and not name:
            return None, ""
        problem = self.row_too_long(row, RowDates()) or self.name_too_long(name)
        if problem:
            return None, problem
        if outcome is None:
            outcome = self.create_outcome(name, row)
        theme = self.theme_for(outcome, row.theme or row.heading_theme)
        return (outcome, theme, self.deliverable_for(outcome, theme, row), sure), ""

    def milestone_row(self, row: TrackerRow) -> tuple[Action | None, str, str]:
        """A row with a milestone and no action: (the action above, "created"/"unchanged",
        "") or (None, "", why it was not imported)."""
        action, problem = self.milestones.action_above(row)
        dates = self.row_dates(row)
        problem = problem or too_long("The date note", dates.note(), NOTE_LIMIT)
        if problem:
            return None, "", problem
        return action, self.milestones.add(row, action, dates), ""

    # -- outcomes, themes, deliverables ----------------------------------------------------
    def name_too_long(self, name: str) -> str | None:
        """Why an outcome cannot be created from `name`, if it cannot."""
        what = f"The {self.plan.outcome_label.lower()} '{name[:40]}…'"
        return too_long(what, name, OUTCOME_LIMIT) if name else None

    def find_outcome(self, row: TrackerRow) -> tuple[StrategicOutcome | None, str, bool]:
        """(the outcome the row names, a name to create one from, sure): the first candidate
        the plan has, else the first the row may create."""
        creatable = {normalise_title(name) for name in row.outcome_creatable}
        for candidate in dict.fromkeys((*row.outcome_candidates, *row.outcome_creatable)):
            key = normalise_title(candidate)
            outcome = self.outcome_by_key.get(key)
            if outcome is not None:
                if outcome.pk:
                    self.touched["outcomes"].add(id(outcome))
                return outcome, "", key in creatable
            if key and key in creatable:
                return None, title_case(sanitise_line(candidate)), True
        return None, "", False

    def outcome_key(self, row: TrackerRow) -> str:
        """One question for the rows of a sheet that mention the same names (a title row, the
        sheet's name): "outcome:<sheet>:<the first of those rows>"."""
        group = (row.sheet, row.outcome_candidates)
        return f"outcome:{row.sheet}:{self.outcome_groups.setdefault(group, row.row)}"

    def outcome_question(self, row: TrackerRow) -> Question:
        label = self.plan.outcome_label.lower()
        named = ", ".join(f"'{c}'" for c in row.outcome_candidates[:3])
        mentions = f"They mention {named}, none a {label} of the plan. " if named else ""
        key = self.outcome_key(row)
        return Question(
            key=key,
            sheet=row.sheet,
            row=int(key.rsplit(":", 1)[1]),
            text=(
                f"Which {label} are the new actions on sheet '{row.sheet}' under, from row "
                f"{key.rsplit(':', 1)[1]} on? {mentions}To create {label}s from the file's "
                "headings or sheet names instead, change the mapping."
            ),
            choices=[
                *((f"outcome:{o.pk}", o.name) for o in self.outcomes if o.pk),
                (SKIP, "Leave these rows out"),
            ],
            default=SKIP,
        )

    def ask_outcome(self, row: TrackerRow) -> tuple[StrategicOutcome | None, str]:
        """The outcome the administrator chose for a new action the file gives none, or why
        the row is not written: left out as answered, or the question unanswered."""
        question = self.outcome_question(row)
        self.asker.ask(question)
        chosen = self.asker.pk_answer(question.key, "outcome", self.outcome_by_pk)
        if chosen is not None:
            return chosen, ""
        if self.asker.answer(question.key) == SKIP:
            return None, LeftOut("Left out, as you answered.")
        return None, unanswered(question)

    def create_outcome(self, name: str, row: TrackerRow) -> StrategicOutcome:
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
        name = sanitise_line(name)
        if not name:
            return None
        key = (id(outcome), normalise_title(name))
        theme = self.themes.get(key)
        if theme is None:
            theme = Theme(outcome=outcome, name=name)
            self.themes[key] = theme
            self.preview._new_themes.append(theme)
        return theme

    def deliverable_for(
        self, outcome: StrategicOutcome, theme: Theme | None, row: TrackerRow
    ) -> Deliverable | None:
        title = self.folded.line(row.deliverable)
        ref = self.folded.line(row.deliverable_ref)
        if not title and not ref:
            return None
        ref_key = normalise_ref(ref)
        index = self.deliverables.setdefault(id(outcome), DeliverableIndex())
        match = None
        if title:
            match = index.find(self.folded.title(title))
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
