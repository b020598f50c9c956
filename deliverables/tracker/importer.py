"""Match tracker rows to a plan, preview what would change, and write it in one transaction.

`prepare_import` reads the database and works out every change without writing anything:
the preview. `ImportPreview.apply` writes exactly that preview, all of it or none of it.

Rules (the phases below; matching.py resolves rows, preview.py writes):
- references match after normalisation (Cyrillic look-alikes read as Latin); a row with no
  reference matches an action by its title;
- a reference that another, differently titled action already holds is not trusted: the
  row's action is imported without a reference, with a warning to check it;
- a row with no reference matches by a reference typed at the start of its title, then by
  its title, then by a title like one of the plan's (a likely match is a question);
- structure already in the plan is never overwritten: the import only fills blanks (dates,
  lead, directorate, external reference, date note), and warns where the file differs;
- outcomes are created only from names the file or mapping says are outcomes; a new action
  with no outcome, and anything else the importer would have to guess, is a question whose
  default leaves the row out;
- one update per action and quarter: when an action is listed on several rows, the first row
  with a real status gives the update, and a row that disagrees is reported;
- an unknown status word or colour is a question (never a guess); a blank status with no
  commentary or "No update available" is the scale's No Update status;
- "Duplicate - see X" rows link their deliverable to X instead of making an action;
- updates entered in the browser, and any update in a closed quarter, are not overwritten
  unless the caller says so.
"""

from __future__ import annotations

from django.utils import timezone

from deliverables.models import (
    Action,
    QuarterlyUpdate,
    UpdateSource,
    UpdateState,
)
from deliverables.tracker.answers import LeftOut
from deliverables.tracker.layout import ReadResult, TrackerRow
from deliverables.tracker.matching import Matcher, PendingUpdate, Placed
from deliverables.tracker.preview import ImportPreview, RowIssue, RowResult
from deliverables.tracker.text import DUPLICATE_OF, short
from plans.models import (
    Plan,
    ReportingPeriod,
    Status,
)
from plans.refs import normalise_ref
from plans.sanitise import sanitise_text

COMMENTARY_MAX = 10_000


def prepare_import(
    plan: Plan,
    period: ReportingPeriod,
    read: ReadResult,
    *,
    overwrite_closed: bool = False,
    answers: dict | None = None,
) -> ImportPreview:
    """Work out what importing these rows into `period` would do. Writes nothing.

    In phases: read each row (structure, action, the status it gives); link "Duplicate - see
    X" rows once every action is known; compare one update per action with what the quarter
    holds; then order the row results as the file has them.
    """
    if period.plan_id != plan.pk:
        raise ValueError("The quarter belongs to another plan")
    preview = ImportPreview(plan=plan, period=period, overwrite_closed=overwrite_closed)
    preview.skipped_sheets = [{"sheet": s.sheet, "reason": s.reason} for s in read.skipped_sheets]
    preview.row_count = len(read.rows)
    matcher = Matcher(plan, period, preview, answers)
    results: dict[tuple[str, int], RowResult] = {}
    duplicates: list[tuple[TrackerRow, Placed, str]] = []
    _warn_about_quarter(preview, period, read)
    for row in read.rows:
        duplicate = _read_row(matcher, row, results)
        if duplicate is not None:
            duplicates.append(duplicate)
    for row, placed, target_ref in duplicates:
        results[(row.sheet, row.row)] = _link_duplicate(matcher, row, placed, target_ref)
    for pending in matcher.pending_updates.values():
        _compare_update(matcher, pending, results[(pending.row.sheet, pending.row.row)])
    _finish(matcher, read, results)
    return preview


def _warn_about_quarter(preview: ImportPreview, period: ReportingPeriod, read: ReadResult) -> None:
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


def _duplicate_of(row: TrackerRow):
    """The "Duplicate - see X" match in the row's action, status or commentary, if any."""
    found = (DUPLICATE_OF.search(t) for t in (row.action, row.status, row.commentary) if t)
    return next((m for m in found if m), None)


def _read_row(matcher: Matcher, row: TrackerRow, results: dict) -> tuple | None:
    """Resolve one row into the plan and keep its result; a duplicate row comes back to be
    linked once every action is known."""
    key = (row.sheet, row.row)
    commentary = sanitise_text(row.commentary, max_length=COMMENTARY_MAX)
    duplicate = _duplicate_of(row)
    if duplicate is None and not row.action and not row.action_ref:
        results[key] = _row_without_action(matcher, row)
        return None
    if duplicate is not None:
        placed, problem = matcher.structure_for(row)
        if placed is None:
            label = matcher.plan.outcome_label.lower()
            problem = problem or f"The row names no {label} of the plan to link it under."
            results[key] = _not_written(matcher, row, problem)
            return None
        return row, placed, duplicate.group(1)
    status, problem = matcher.row_status(row, commentary)
    if not problem:
        found, problem = matcher.resolve(row)
    if problem:
        results[key] = _not_written(matcher, row, problem)
        return None
    action, outcome = found
    note = _record_update(matcher, action, status, commentary, row)
    name = outcome.name if outcome else ""
    results[key] = RowResult(
        row.sheet, row.row, name, action.display_ref, "linked" if note else "", note
    )
    return None


def _not_written(matcher: Matcher, row: TrackerRow, problem: str) -> RowResult:
    """A row that writes nothing: left out as the administrator answered, or an error."""
    ref = row.action_ref or short(row.action)
    if isinstance(problem, LeftOut):
        return RowResult(row.sheet, row.row, "", ref, "skipped", problem)
    matcher.preview.errors.append(RowIssue(row.sheet, row.row, problem))
    return RowResult(row.sheet, row.row, "", ref, "error", problem)


def _row_without_action(matcher: Matcher, row: TrackerRow) -> RowResult:
    if row.milestone:  # a milestone of the action above
        action, result, problem = matcher.milestone_row(row)
        if problem:
            return _not_written(matcher, row, problem)
        message = f"A milestone of {action.display_ref}."
        return RowResult(row.sheet, row.row, "", action.display_ref, result, message)
    if row.deliverable or row.deliverable_ref:
        placed, problem = matcher.structure_for(row)
        if problem:
            return _not_written(matcher, row, problem)
        message = "A deliverable with no action on this row."
        if placed is None:
            label = matcher.plan.outcome_label.lower()
            message = f"A deliverable with no action on this row, and no {label} to put it under."
        name = placed[0].name if placed else ""
        return RowResult(row.sheet, row.row, name, "", "skipped", message)
    return RowResult(row.sheet, row.row, "", "", "skipped", "No action on this row.")


def _record_update(
    matcher: Matcher, action: Action, status: Status, commentary: str, row: TrackerRow
) -> str:
    """Keep this row's status and commentary for the action, or explain why not."""
    pending = matcher.pending_updates.get(id(action))
    if pending is None:
        matcher.pending_updates[id(action)] = PendingUpdate(action, status, commentary, row)
        return ""
    first = f"sheet '{pending.row.sheet}' row {pending.row.row}"
    if pending.status == status:
        return f"Listed again; its update comes from {first}."
    if pending.status.means_no_update and not status.means_no_update:
        matcher.pending_updates[id(action)] = PendingUpdate(action, status, commentary, row)
        return ""
    if status.means_no_update:
        return f"Listed again with no update; {first} gives its status."
    matcher.preview.warnings.append(
        RowIssue(
            row.sheet,
            row.row,
            f"{action.display_ref} is listed again with status '{status.label}', but "
            f"{first} says '{pending.status.label}'. "
            "One quarter has one update: the first was kept.",
        )
    )
    return f"Status differs from {first}; the first was kept."


def _link_duplicate(matcher: Matcher, row: TrackerRow, placed: Placed, target_ref: str):
    outcome, theme, deliverable, sure = placed
    target = matcher.actions_by_ref.get(normalise_ref(target_ref))
    if target is None:
        message = (
            f"The row says it duplicates {target_ref}, but no action {target_ref} "
            "is in the plan or this file."
        )
        matcher.preview.errors.append(RowIssue(row.sheet, row.row, message))
        return RowResult(row.sheet, row.row, outcome.name, target_ref, "error", message)
    if target.pk is None or sure:  # the plan's own action: not under a guessed outcome
        matcher.place(target, outcome, theme, deliverable)
    return RowResult(
        row.sheet,
        row.row,
        outcome.name,
        target.display_ref,
        "linked",
        f"Duplicate row: linked to {target.display_ref}.",
    )


def _compare_update(matcher: Matcher, pending: PendingUpdate, result: RowResult) -> None:
    """One update per action for the quarter, compared with what the quarter holds already."""
    preview, period, action = matcher.preview, matcher.period, pending.action
    existing = matcher.updates.get(action.pk) if action.pk else None
    message = ""
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
    elif period.is_locked and not preview.overwrite_closed:
        message = (
            f"{period.label} is closed: the update for {action.display_ref} would change. "
            "Reopen the quarter, or import with the option to overwrite a closed quarter."
        )
    else:
        existing.status = pending.status
        existing.commentary = pending.commentary
        existing.state = UpdateState.APPROVED
        existing.source = UpdateSource.IMPORTED
        existing.approved_at = timezone.now()
        preview._changed_updates.append(existing)
        preview.updated["updates"] += 1
        result.result = "updated"
    if message:
        preview.errors.append(RowIssue(pending.row.sheet, pending.row.row, message))
        result.result, result.message = "error", message


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
