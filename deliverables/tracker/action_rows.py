"""Which action a tracker row is about, and what the row adds to it.

A row finds its action, in this order:
1. by reference: the reference column, or a reference typed at the start of the title when
   that column is blank ("CH11 Deliver ...", "CH11 - Deliver ...": text.split_ref);
2. by its title, normalised (case, punctuation and spacing do not matter);
3. for a row with no reference, by a title like one of the plan's actions (similar.py): a
   sure match is taken and warned about, a likely one is a question;
and otherwise it is a new action. A new action is written whole; an action the plan has
only gains what it lacks: blank dates, lead, directorate, external reference and date note
are filled, a value already entered is never overwritten, and one that differs is warned
about. No value is cut to fit its field: a value too long is an error on its row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from deliverables.models import Action, Deliverable
from deliverables.tracker.answers import NEW, SKIP, LeftOut, unanswered
from deliverables.tracker.dates import UnreadableDate, long_date, parse_date
from deliverables.tracker.layout import TrackerRow
from deliverables.tracker.meanings import Question
from deliverables.tracker.preview import RowIssue
from deliverables.tracker.similar import MOST_CANDIDATES, Similar, verdict
from deliverables.tracker.text import short, split_ref, titles_match
from plans.models import Directorate, StrategicOutcome, Theme
from plans.refs import normalise_ref, normalise_title, ref_order, ref_prefix
from plans.sanitise import sanitise_line

if TYPE_CHECKING:
    import datetime as dt

    from deliverables.tracker.matching import Matcher


def _limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# Row values written to a field with a length limit: (row attribute, what it is, the limit).
LIMITS = [
    ("action_ref", "The action reference", _limit(Action, "ref")),
    ("deliverable_ref", "The deliverable reference", _limit(Deliverable, "ref")),
    ("theme", "The theme", _limit(Theme, "name")),
    ("heading_theme", "The section heading (a theme)", _limit(Theme, "name")),
    ("lead", "The lead", _limit(Action, "lead_role")),
    ("external_ref", "The external reference", _limit(Action, "external_ref")),
]
OUTCOME_LIMIT = _limit(StrategicOutcome, "name")
NOTE_LIMIT = _limit(Action, "date_note")


def too_long(what: str, value: str, limit: int) -> str | None:
    if len(value) <= limit:
        return None
    return (
        f"{what} is {len(value)} characters long; at most {limit} fit. Shorten it in the file "
        "and import again: nothing from this row is imported until then."
    )


@dataclass
class RowDates:
    start: dt.date | None = None
    due: dt.date | None = None
    start_note: str = ""
    due_note: str = ""

    def note(self, start: bool = True, due: bool = True) -> str:
        parts = [("Start", self.start_note if start else ""), ("Due", self.due_note if due else "")]
        return "; ".join(f"{label}: {text}" for label, text in parts if text)


class ActionRows:
    """The action rules of Matcher (matching.py), which holds the state they use."""

    def row_dates(self: Matcher, row: TrackerRow) -> RowDates:
        start, start_note = self._date(row, row.start, "start date", end=False)
        due, due_note = self._date(row, row.due, "due date", end=True)
        if start and due and due < start:
            self.preview.warnings.append(
                RowIssue(
                    row.sheet,
                    row.row,
                    f"The due date ({long_date(due)}) is before the start date "
                    f"({long_date(start)}), so the due date was left blank.",
                )
            )
            due, due_note = None, ""
        return RowDates(start, due, start_note, due_note)

    def _date(self: Matcher, row: TrackerRow, value: object, what: str, end: bool):
        try:
            return parse_date(value, end=end)
        except UnreadableDate:
            self.preview.warnings.append(
                RowIssue(
                    row.sheet,
                    row.row,
                    f"The {what} '{short(str(value))}' is not a date the importer can read, so "
                    "it was left blank. Write it as 30/06/2024, June 2024, Autumn 2024, "
                    "Q3 2024/25 or TBC.",
                )
            )
            return None, ""

    def row_too_long(self: Matcher, row: TrackerRow, dates: RowDates) -> str | None:
        for attr, what, limit in LIMITS:
            value = getattr(row, attr, "")
            # Sanitising never lengthens text: only a long cell needs it to be measured.
            if value and len(value) > limit:
                problem = too_long(what, sanitise_line(value), limit)
                if problem:
                    return problem
        return too_long("The date note", dates.note(), NOTE_LIMIT)

    def ref_and_title(self: Matcher, row: TrackerRow) -> tuple[str, str]:
        """The row's reference and title, with a reference typed into the title split off."""
        title = self.folded.line(row.action)
        ref = self.folded.line(row.action_ref)
        if ref:  # "CH11 - Deliver ..." beside a reference column saying CH11
            typed, rest = split_ref(title, lambda found: normalise_ref(found) == normalise_ref(ref))
            same = typed and normalise_ref(typed) == normalise_ref(ref)
            return ref, rest if same else title
        typed, rest = split_ref(title, self.is_known_ref)
        return (typed, rest) if typed else ("", title)

    def is_known_ref(self: Matcher, ref: str) -> bool:
        return normalise_ref(ref) in self.actions_by_ref or ref_prefix(ref) in self.prefixes

    def match_action(
        self: Matcher, row: TrackerRow, ref: str, title: str
    ) -> tuple[Action | None, str, str | None]:
        """(the action the row names, or None for a new one; its reference; a problem)."""
        ref_key = normalise_ref(ref)
        action = self.actions_by_ref.get(ref_key) if ref_key else None
        if action is not None and title and action.title and not titles_match(title, action.title):
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
        twins = self.title_twins.get(self.folded.title(title)) if title and not ref_key else None
        if action is None and twins:  # the same words as two of the plan's actions: ask
            action, problem = self.similar_action(row, title, [Similar(a, 1.0) for a in twins])
            return (None, ref, problem) if problem else (action, ref, None)
        if action is None and title:
            action = self.actions_by_title.get(self.folded.title(title))
            if action is not None and ref_key and action.ref_normalised not in ("", ref_key):
                action = None  # same words, different reference: another action
            elif action is None and not ref_key:
                action, problem = self.similar_action(row, title)
                if problem:
                    return None, ref, problem
        if action is None and not title:
            return None, ref, f"BP ref {ref} is not in the plan and the row gives no action title."
        return action, ref, None

    def similar_action(
        self: Matcher, row: TrackerRow, title: str, found: list[Similar] | None = None
    ) -> tuple[Action | None, str]:
        """A plan's action whose title is like this row's (or one of `found`): sure, asked
        about, or none."""
        found = found or self.similar_titles.similar(normalise_title(title))
        if not found:
            return None, ""
        key = f"action:{row.sheet}:{row.row}"
        sure = verdict(found)
        if sure is not None and self.asker.answer(key) is None:
            how = "cut short" if sure.cut else f"{sure.percent}%"
            self.preview.warnings.append(
                RowIssue(
                    row.sheet,
                    row.row,
                    f"Matched by title, {how}: '{short(title)}' was taken as "
                    f"{sure.item.display_ref} '{short(sure.item.title)}'.",
                )
            )
            return sure.item, ""
        listed = found[:MOST_CANDIDATES]
        question = Question(
            key=key,
            sheet=row.sheet,
            row=row.row,
            text=(
                f"'{short(title)}' is like {'an action' if len(listed) == 1 else 'actions'} "
                "of the plan. Is it the same action, or a new one?"
            ),
            choices=[
                *(
                    (
                        f"action:{s.item.pk}",
                        f"{s.item.display_ref} {short(s.item.title)} "
                        f"({'cut short' if s.cut else f'{s.percent}% alike'})",
                    )
                    for s in listed
                ),
                (NEW, "A new action"),
                (SKIP, "Leave the row out"),
            ],
            default=SKIP,
        )
        self.asker.ask(question)
        chosen = self.asker.pk_answer(key, "action", self.actions_by_pk)
        answer = self.asker.answer(key)
        if chosen is not None or answer == NEW:
            return chosen, ""
        if answer == SKIP:
            return None, LeftOut("Left out, as you answered.")
        return None, unanswered(question)

    def new_action(self: Matcher, row: TrackerRow, ref: str, title: str, dates: RowDates):
        ref_key = normalise_ref(ref)
        action = Action(
            plan=self.plan,
            ref=ref,
            ref_normalised=ref_key,
            ref_order=ref_order(ref),
            title=title,
            directorate=self.directorate_for(row, ref),
            lead_role=self.folded.line(row.lead),
            start_date=dates.start,
            due_date=dates.due,
            date_note=dates.note(),
            external_ref=self.folded.line(row.external_ref),
        )
        if ref_key:
            self.actions_by_ref[ref_key] = action
        self.actions_by_title.setdefault(self.folded.title(title), action)
        self.preview._new_actions.append(action)
        self.preview.created["actions"] += 1
        self.first_seen[id(action)] = (row.sheet, row.row)
        return action

    def fill_action_blanks(self: Matcher, action: Action, row: TrackerRow, ref: str, dates):
        """Give the action what it lacks from the row; never overwrite what it has."""
        changes = []
        ref_key = normalise_ref(ref)
        if ref_key and not action.ref_normalised:
            action.ref, action.ref_normalised, action.ref_order = ref, ref_key, ref_order(ref)
            self.actions_by_ref[ref_key] = action
            changes += ["ref", "ref_normalised", "ref_order"]
        changes += self._fill_directorate(action, row)
        start, due = self._dates_that_fit(action, row, dates)
        note = dates.note(
            action.start_date is None and (start is not None or dates.start is None),
            action.due_date is None and (due is not None or dates.due is None),
        )
        lead, external_ref = self.folded.line(row.lead), self.folded.line(row.external_ref)
        # (field, what the row gives, what may fill the field if blank, what it is)
        for attr, given, fill, what in (
            ("lead_role", lead, lead, "lead"),
            ("external_ref", external_ref, external_ref, "external reference"),
            ("start_date", dates.start, start, "start date"),
            ("due_date", dates.due, due, "due date"),
            ("date_note", note, note, "date note"),
        ):
            current = getattr(action, attr)
            if not given or given == current:
                continue
            if current:
                shown = [long_date(v) if hasattr(v, "year") else v for v in (given, current)]
                self.warn_once(
                    ("differs", id(action), attr),
                    row,
                    f"The file gives {action.display_ref} the {what} '{shown[0]}', but the "
                    f"plan has '{shown[1]}', which was kept.",
                )
            elif fill:
                setattr(action, attr, fill)
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

    def _fill_directorate(self: Matcher, action: Action, row: TrackerRow) -> list[str]:
        if action.directorate_id is None and action.directorate is None:
            directorate = self.directorate_for(row, action.ref)
            if directorate is not None:
                action.directorate = directorate
                return ["directorate"]
            return []
        named = self.directorate_by_name.get(normalise_title(row.directorate))
        if named is not None and named.pk != action.directorate_id:
            self.warn_once(
                ("differs", id(action), "directorate"),
                row,
                f"The file puts {action.display_ref} in {named.name}, but the plan has it in "
                f"{action.directorate.name}, which was kept.",
            )
        return []

    def _dates_that_fit(self: Matcher, action: Action, row: TrackerRow, dates: RowDates):
        """The row's dates that may fill the action's blank ones: not one that would put its
        due date before its start date."""
        start = dates.start if action.start_date is None else None
        due = dates.due if action.due_date is None else None
        if start and action.due_date and action.due_date < start:
            start = None
        elif due and action.start_date and due < action.start_date:
            due = None
        else:
            return start, due
        self.warn_once(
            ("dates", id(action)),
            row,
            f"The file's dates for {action.display_ref} would put its due date before its "
            "start date, so the blank one was left blank.",
        )
        return start, due

    def directorate_for(self: Matcher, row: TrackerRow, ref: str) -> Directorate | None:
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
