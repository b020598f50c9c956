"""Match tracker rows to a plan, preview what would change, and write it in one transaction.

`prepare_import` reads the database and works out every change without writing anything:
the preview. `ImportPreview.apply` writes exactly that preview, all of it or none of it.

Rules (the phases below; matching.py resolves rows, quarters.py files values by quarter,
structure.py keeps only the structure written rows need, preview.py writes):
- each quarter's columns go into that quarter of the chosen quarter's financial year; a file
  whose only quarter columns are another quarter's is refused (quarters.py);
- references match after normalisation (Cyrillic look-alikes read as Latin); a row with no
  reference matches by a reference typed at the start of its title, then by its title, then
  by a title like one of the plan's (a likely match is a question);
- a reference that another, differently titled action already holds is not trusted: the
  row's action is imported without a reference, with a warning to check it;
- structure already in the plan is never overwritten: the import only fills blanks (dates,
  lead, directorate, external reference, date note), and warns where the file differs; new
  structure is created only where a row that is imported needs it;
- outcomes are created only from names the file or mapping says are outcomes; a new action
  with no outcome, and anything else the importer would have to guess, is a question whose
  default leaves the row out;
- one update per action and quarter: when an action is listed on several rows, the first row
  with a real status gives the update, and a row that disagrees is reported;
- an unknown status word or colour is a question, never a guess; a blank status is No Update;
- "Duplicate - see X" rows link their deliverable to X instead of making an action;
- updates entered in the browser, and any update in a closed quarter, are not overwritten
  unless the caller says so; a value the database would refuse is an error in the preview.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from deliverables.models import Action
from deliverables.tracker.answers import LeftOut
from deliverables.tracker.layout import QuarterProgress, ReadResult, TrackerRow
from deliverables.tracker.matching import Matcher, Placed
from deliverables.tracker.preview import ImportPreview, RowIssue, RowResult
from deliverables.tracker.quarters import (
    QuarterMismatch,
    QuarterUpdate,
    YearQuarters,
    check_quarters,
    compare_update,
    progress_of,
    quarter_label,
    status_reader,
)
from deliverables.tracker.statuses import fractions_in
from deliverables.tracker.structure import RowUse, listing, prune, write_problems
from deliverables.tracker.text import DUPLICATE_OF, short
from plans.models import Plan, ReportingPeriod, Status
from plans.refs import normalise_ref
from plans.sanitise import sanitise_text

__all__ = ["COMMENTARY_MAX", "ImportPreview", "QuarterMismatch", "prepare_import"]

COMMENTARY_MAX = 10_000
IMPORTED = ("created", "updated", "unchanged", "linked")

Key = tuple[str, int]


@dataclass
class _Run:
    """One preview in the making: the matcher, the year's quarters, and what each row gave."""

    matcher: Matcher
    quarters: YearQuarters
    several: bool  # the file has several quarters' columns
    status_of: Callable
    originals: dict[int, ReportingPeriod | None]  # each action's first quarter before the import
    results: dict[Key, RowResult] = field(default_factory=dict)
    uses: dict[Key, RowUse] = field(default_factory=dict)
    pending: dict[tuple[int, int], QuarterUpdate] = field(default_factory=dict)
    notes: dict[Key, list[str]] = field(default_factory=dict)
    done: dict[Key, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def preview(self) -> ImportPreview:
        return self.matcher.preview

    def in_quarter(self, quarter: int, message: str) -> str:
        if not self.several:
            return message
        return f"{quarter_label(self.quarters.chosen.year, quarter)}: {message}"

    def fail(self, key: Key, message: str, outcome: str = "", ref: str = "") -> None:
        self.preview.errors.append(RowIssue(*key, message))
        self.results[key] = RowResult(*key, outcome, ref, "error", message)


def prepare_import(
    plan: Plan,
    period: ReportingPeriod,
    read: ReadResult,
    *,
    overwrite_closed: bool = False,
    answers: dict | None = None,
) -> ImportPreview:
    """Work out what importing these rows into `period` would do. Writes nothing.

    In phases: read each row (structure, action, the status it gives in each quarter); link
    "Duplicate - see X" rows once every action is known; turn rows that use a value the
    database would refuse into errors; compare one update per action and quarter with what
    that quarter holds; keep only the structure imported rows need; then order the row
    results as the file has them. QuarterMismatch if the file is for another quarter.
    """
    if period.plan_id != plan.pk:
        raise ValueError("The quarter belongs to another plan")
    named = check_quarters(read, period)
    preview = ImportPreview(plan=plan, period=period, overwrite_closed=overwrite_closed)
    preview.read_from(read)
    matcher = Matcher(plan, period, preview, answers=answers)
    matcher.statuses.fractions = fractions_in([r.percent_complete for r in read.rows])
    run = _Run(
        matcher,
        YearQuarters(plan, period, matcher.updates),
        several=len(named) > 1,
        status_of=status_reader(matcher),
        originals=_first_quarters(matcher),
    )
    if run.several and read.rows:
        listed = ", ".join(quarter_label(period.year, q) for q in sorted(named))
        first = read.rows[0]
        preview.warnings.append(
            RowIssue(
                first.sheet,
                first.row,
                f"The file has columns for {listed}: each goes into its own quarter.",
            )
        )
    duplicates = []
    for row in read.rows:
        duplicate = _read_row(run, row)
        if duplicate is not None:
            duplicates.append(duplicate)
    for row, placed, target_ref in duplicates:
        _link_duplicate(run, row, placed, target_ref)
    _refuse_unwritable(run)
    for pending in run.pending.values():
        result, message = compare_update(preview, run.quarters, pending)  # names the quarter
        if message:
            preview.errors.append(RowIssue(pending.row.sheet, pending.row.row, message))
        run.done.setdefault((pending.row.sheet, pending.row.row), []).append((result, message))
    kept = _settle_rows(run)
    _settle_first_quarters(run, kept)
    prune(preview, kept)
    preview.structure = listing(preview, kept, matcher.first_seen)
    _describe(run, read, answers or {})
    _finish(matcher, read, run.results)
    return preview


def _first_quarters(matcher: Matcher) -> dict[int, ReportingPeriod | None]:
    """Each existing action's first reported quarter, before rows move it."""
    actions = [*matcher.actions_by_ref.values(), *matcher.actions_by_title.values()]
    return {id(a): a.reported_from for a in actions if a.pk}


def _duplicate_of(row: TrackerRow, progress: dict[int, QuarterProgress]):
    """The "Duplicate - see X" match in the row's action, status or commentary, if any."""
    texts = [row.action, row.status, row.commentary]
    texts += [text for p in progress.values() for text in (p.status, p.commentary)]
    found = (DUPLICATE_OF.search(t) for t in dict.fromkeys(texts) if t)
    return next((m for m in found if m), None)


def _read_row(run: _Run, row: TrackerRow) -> tuple | None:
    """Resolve one row into the plan and keep its result; a duplicate row comes back to be
    linked once every action is known."""
    matcher, key = run.matcher, (row.sheet, row.row)
    progress = progress_of(row, run.quarters.chosen.quarter, run.several)
    duplicate = _duplicate_of(row, progress)
    if duplicate is None and not row.action and not row.action_ref:
        run.results[key] = _row_without_action(run, row)
        return None
    if duplicate is not None:
        placed, problem = matcher.structure_for(row)
        if placed is None:
            label = matcher.plan.outcome_label.lower()
            _not_written(
                run, row, problem or f"The row names no {label} of the plan to link it under."
            )
            return None
        return row, placed, duplicate.group(1)
    statuses: dict[int, tuple[Status, str]] = {}
    problems: dict[int, str] = {}
    for quarter, values in progress.items():
        commentary = sanitise_text(values.commentary, max_length=COMMENTARY_MAX)
        status, problem = run.status_of(row, values, commentary)
        if problem:
            problems[quarter] = problem
        else:
            statuses[quarter] = (status, commentary)
    if problems and not statuses:  # nothing of the row can be written
        quarter, problem = next(iter(problems.items()))
        _not_written(run, row, problem, quarter)
        return None
    for quarter, problem in problems.items():  # one quarter's columns cannot spoil another's
        message = run.in_quarter(quarter, f"not imported for this row: {problem}")
        run.preview.warnings.append(RowIssue(row.sheet, row.row, message))
    found, problem = matcher.resolve(row)
    if problem:
        _not_written(run, row, problem)
        return None
    action, outcome, theme, deliverable = found
    run.uses[key] = RowUse(row.sheet, row.row, outcome, theme, deliverable, action)
    notes = (_record_update(run, action, q, *given, row) for q, given in statuses.items())
    run.notes[key] = [note for note in notes if note]
    name = outcome.name if outcome is not None else ""
    run.results[key] = RowResult(row.sheet, row.row, name, action.display_ref, "")
    return None


def _not_written(run: _Run, row: TrackerRow, problem: str, quarter: int | None = None) -> None:
    """A row that writes nothing: left out as the administrator answered (or until a question
    is answered, which is an error to see), or an error."""
    key, ref = (row.sheet, row.row), row.action_ref or short(row.action)
    if isinstance(problem, LeftOut):
        run.results[key] = RowResult(row.sheet, row.row, "", ref, "skipped", problem)
        return
    run.fail(key, run.in_quarter(quarter, problem) if quarter else problem, ref=ref)


def _row_without_action(run: _Run, row: TrackerRow) -> RowResult:
    matcher = run.matcher
    if row.milestone:  # a milestone of the action above
        action, result, problem = matcher.milestone_row(row)
        if problem:
            _not_written(run, row, problem)
            return run.results[(row.sheet, row.row)]
        message = f"A milestone of {action.display_ref}."
        return RowResult(row.sheet, row.row, "", action.display_ref, result, message)
    if row.deliverable or row.deliverable_ref:
        placed, problem = matcher.structure_for(row)
        if problem:
            _not_written(run, row, problem)
            return run.results[(row.sheet, row.row)]
        if placed is None:
            label = matcher.plan.outcome_label.lower()
            message = f"A deliverable with no action on this row, and no {label} to put it under."
            return RowResult(row.sheet, row.row, "", "", "skipped", message)
        outcome, theme, deliverable, _sure = placed
        run.uses[(row.sheet, row.row)] = RowUse(row.sheet, row.row, outcome, theme, deliverable)
        message = "A deliverable with no action on this row."
        return RowResult(row.sheet, row.row, outcome.name, "", "skipped", message)
    return RowResult(row.sheet, row.row, "", "", "skipped", "No action on this row.")


def _record_update(
    run: _Run, action: Action, quarter: int, status: Status, commentary: str, row: TrackerRow
) -> str:
    """Keep this row's status and commentary for the action's quarter, or explain why not."""
    key = (id(action), quarter)
    pending = run.pending.get(key)
    if pending is None or (pending.status.means_no_update and not status.means_no_update):
        run.pending[key] = QuarterUpdate(action, quarter, status, commentary, row)
        return ""
    first = f"sheet '{pending.row.sheet}' row {pending.row.row}"
    if pending.status == status:
        return run.in_quarter(quarter, f"Listed again; its update comes from {first}.")
    if status.means_no_update:
        return run.in_quarter(quarter, f"Listed again with no update; {first} gives its status.")
    run.preview.warnings.append(
        RowIssue(
            row.sheet,
            row.row,
            run.in_quarter(
                quarter,
                f"{action.display_ref} is listed again with status '{status.label}', but "
                f"{first} says '{pending.status.label}'. "
                "One quarter has one update: the first was kept.",
            ),
        )
    )
    return run.in_quarter(quarter, f"Status differs from {first}; the first was kept.")


def _link_duplicate(run: _Run, row: TrackerRow, placed: Placed, target_ref: str) -> None:
    outcome, theme, deliverable, sure = placed
    use = RowUse(row.sheet, row.row, outcome, theme, deliverable)
    target = run.matcher.actions_by_ref.get(normalise_ref(target_ref))
    if target is None:
        message = (
            f"The row says it duplicates {target_ref}, but no action {target_ref} "
            "is in the plan or this file."
        )
        run.fail((row.sheet, row.row), message, use.outcome.name, target_ref)
        return
    if target.pk is None or sure:  # the plan's own action: not under a guessed outcome
        run.matcher.place(target, outcome, theme, deliverable)
    use.action = target
    run.uses[(row.sheet, row.row)] = use
    run.results[(row.sheet, row.row)] = RowResult(
        row.sheet,
        row.row,
        use.outcome.name,
        target.display_ref,
        "linked",
        f"Duplicate row: linked to {target.display_ref}.",
    )


def _refuse_unwritable(run: _Run) -> None:
    """A row using something the database would refuse is an error, and gives no update."""
    problems = write_problems(run.preview, run.matcher)
    if not problems:
        return
    refused: set[Key] = set()
    for key, use in list(run.uses.items()):
        problem = next((problems[id(o)] for o in use.objects() if id(o) in problems), None)
        if problem is not None:
            refused.add(key)
            del run.uses[key]
            ref = use.action.display_ref if use.action is not None else ""
            run.fail(key, problem, use.outcome.name if use.outcome else "", ref)
    run.pending = {k: p for k, p in run.pending.items() if (p.row.sheet, p.row.row) not in refused}


def _settle_rows(run: _Run) -> list[RowUse]:
    """Each row's result from its quarters' updates; the uses of the rows that are imported."""
    kept = []
    for key, result in run.results.items():
        if result.result == "":
            done = run.done.get(key, [])
            errors = [message for outcome, message in done if outcome == "error"]
            written = {outcome for outcome, _ in done if outcome != "error"}
            if done and not written:
                result.result, result.message = "error", " ".join(errors)
            else:
                found = (r for r in ("created", "updated", "unchanged") if r in written)
                result.result = next(found, "linked")
                result.message = " ".join([*run.notes.get(key, []), *errors])
        if result.result != "error" and key in run.uses:
            kept.append(run.uses[key])
    return kept


def _settle_first_quarters(run: _Run, kept: list[RowUse]) -> None:
    """An action is reported from the first quarter the file gives it an update in (the chosen
    quarter if none): a new action starts there, an existing one moves back to it if it
    started later, and never forward."""
    preview, chosen = run.preview, run.quarters.chosen
    first: dict[int, int] = {}
    for (action_id, quarter), _ in run.pending.items():
        first[action_id] = min(quarter, first.get(action_id, quarter))
    for action in {id(u.action): u.action for u in kept if u.action is not None}.values():
        quarter = first.get(id(action))
        target = run.quarters.period(quarter) if quarter else chosen
        if action.pk is None:
            preview._reported_from[id(action)] = target
            continue
        original = run.originals.get(id(action), action.reported_from)
        if original is not None and original.sort_key > target.sort_key:
            action.reported_from = preview._reported_from[id(action)] = target
            run.matcher.mark_changed(preview._changed_actions, action, "reported_from", "actions")
            continue
        action.reported_from = original
        names = preview._changed_actions.get(id(action), set())
        names.discard("reported_from")
        if not names:
            preview._changed_actions.pop(id(action), None)


def _describe(run: _Run, read: ReadResult, answers: dict) -> None:
    """What the reader understood and the answers in force, for the page and the record."""
    preview = run.preview
    hidden = [row for row in read.rows if row.hidden]
    preview.hidden = [{"sheet": row.sheet, "row": row.row} for row in hidden]
    for row in hidden:
        result = run.results.get((row.sheet, row.row))
        if result is not None and result.result in IMPORTED:
            preview.warnings.append(
                RowIssue(
                    row.sheet, row.row, f"Row {row.row} is hidden in the sheet: check it belongs."
                )
            )
    if not preview.answered:
        asked = {question.key for question in preview.questions}
        preview.answered = {k: v for k, v in answers.items() if k in asked}
    used = {id(update.period) for update in preview._new_updates}  # new quarters hold no other
    preview._new_periods = [p for p in run.quarters.new if id(p) in used]


def _finish(matcher: Matcher, read: ReadResult, results: dict) -> None:
    """Row results in the file's order; existing objects the rows named and left unchanged."""
    preview = matcher.preview
    for result in results.values():
        if result.result == "":
            result.result = "linked"
    position = {(row.sheet, row.row): index for index, row in enumerate(read.rows)}
    preview.rows = sorted(results.values(), key=lambda r: position[(r.sheet, r.row)])
    changed = {"deliverables": preview._changed_deliverables, "actions": preview._changed_actions}
    for kind in ("outcomes", "deliverables", "actions"):
        preview.unchanged[kind] = len(matcher.touched[kind] - changed.get(kind, {}).keys())
