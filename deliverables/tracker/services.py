"""Importing a tracker as a recorded run: preview, then apply, or both at once for the command.

A preview writes nothing but its ImportRecord. Applying reads the stored file again and
works the changes out afresh against the database as it is then; if they differ from what
the person saw, nothing is written and the new preview is shown instead. The write itself
is one transaction: a failure anywhere leaves the plan exactly as it was, and the record
says what went wrong.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.db import DatabaseError, transaction
from django.utils import timezone

from deliverables.models import ImportLayout, ImportRecord, ImportStatus
from deliverables.tracker.importer import ImportPreview, prepare_import
from deliverables.tracker.layout import ReadResult, read_tracker
from deliverables.tracker.meanings import Mapping
from deliverables.tracker.new_plan import plan_name_taken, proposed_plan
from deliverables.tracker.refusals import monthly_plan_refusal, refusal_hold, require_no_refusal
from deliverables.tracker.saved_layouts import (
    layout_for_signature,
    layout_mark_used,
    read_signature,
)
from deliverables.tracker.stages import ALREADY_IMPORTED, status_now
from deliverables.workflow import NotAllowed, WorkflowError
from plans.audit import audit
from plans.models import (
    AuditKind,
    PeriodState,
    Plan,
    ReportingPeriod,
    User,
    canonical_period_code,
    parse_period_code,
)
from plans.permissions import can_import
from plans.services import plan_sync
from plans.workbook import TrackerFileError, check_size, open_tracker

ROW_RESULTS_KEPT = 20_000


class PreviewChanged(WorkflowError):
    """The plan changed between preview and confirmation; the new preview needs a look."""


def _require_importer(user: User | None) -> None:
    # None is the command line, run by whoever may run manage.py on the server.
    if user is not None and not can_import(user):
        raise NotAllowed("Only administrators can import trackers.")


def _target_period(plan: Plan, period_code: str) -> ReportingPeriod:
    """The quarter to import into; one not yet in the plan is prepared, unsaved, as closed."""
    year, quarter = parse_period_code(period_code)
    period = ReportingPeriod.objects.filter(plan=plan, year=year, quarter=quarter, month=0).first()
    if period is None:
        period = ReportingPeriod(plan=plan, year=year, quarter=quarter, state=PeriodState.CLOSED)
    period.plan = plan
    return period


def _read(data: bytes, filename: str, mapping: Mapping | None = None) -> ReadResult:
    """Every row of the file, or TrackerFileError: the parsers read lazily, so a hostile or
    damaged part (an XML entity defusedxml refuses, a broken zip member) surfaces here."""
    try:
        with open_tracker(data, filename) as workbook:
            return read_tracker(workbook, mapping)
    except TrackerFileError:
        raise
    except Exception as error:  # the boundary with third-party parsers on untrusted input
        raise TrackerFileError(
            f"{filename} could not be read ({error.__class__.__name__}: {error}). "
            "Open it in Excel, save it again as .xlsx, and upload that."
        ) from error


def _mapping(record: ImportRecord) -> Mapping | None:
    return Mapping.from_json(record.mapping) if record.mapping else None


def _prepare(record: ImportRecord, data: bytes, read: ReadResult | None = None) -> ImportPreview:
    """What importing the file as the record says would do. For a new plan from the file,
    worked out against the plan made inside a transaction rolled back at once."""
    if read is None:
        read = _read(data, record.file_name, _mapping(record))
    if record.plan_id is None and record.new_plan:
        with proposed_plan(record):
            return _prepare_for_plan(record, read)
    return _prepare_for_plan(record, read)


def _prepare_for_plan(record: ImportRecord, read: ReadResult) -> ImportPreview:
    return prepare_import(
        record.plan,
        _target_period(record.plan, record.period_code),
        read,
        overwrite_closed=record.overwrite_closed,
        answers=record.answers,
    )


def _store(record: ImportRecord, preview: ImportPreview) -> None:
    record.summary = preview.summary()
    record.rows = [
        {
            "sheet": r.sheet,
            "row": r.row,
            "outcome": r.outcome,
            "action": r.action,
            "result": r.result,
            "message": r.message,
        }
        for r in preview.rows[:ROW_RESULTS_KEPT]
    ]


def _figures(summary: dict) -> tuple:
    """What the person confirmed: a preview whose figures differ is shown again, not written.
    The quarters' figures, the structure to create and the answers given count, so a mapping
    or an answer changed since the page was read cannot slip through."""
    structure = summary.get("structure") or {}
    return (
        summary.get("created"),
        summary.get("updated"),
        len(summary.get("errors", [])),
        summary.get("quarters") or {},
        {kind: len(items) for kind, items in structure.items()},
        summary.get("answered") or {},
    )


def _apply_saved_layout(record: ImportRecord, data: bytes, read: ReadResult) -> ReadResult:
    """With no mapping of its own, a file whose headers match a saved layout is read as that
    layout says: the file is read a second time, with it."""
    if record.mapping:
        return read
    layout = layout_for_signature(read_signature(read))
    if layout is None:
        return read
    record.mapping = Mapping.from_json(layout.mapping).from_layout().as_json()
    record.layout = layout
    layout_mark_used(layout)
    return _read(data, record.file_name, _mapping(record))


def tracker_preview(
    user: User | None,
    plan: Plan,
    period_code: str,
    data: bytes,
    filename: str,
    *,
    overwrite_closed: bool = False,
    source: str = "web",
    mapping: Mapping | None = None,
    layout: ImportLayout | None = None,
) -> ImportRecord:
    """Read the file and record what importing it would do. Writes nothing else.

    Without a mapping or a layout, a saved layout for files with these headers is used."""
    return _preview(
        user, plan, period_code, data, filename, overwrite_closed, source, mapping, layout=layout
    )[0]


def _preview(
    user: User | None,
    plan: Plan,
    period_code: str,
    data: bytes,
    filename: str,
    overwrite_closed: bool,
    source: str,
    mapping: Mapping | None = None,
    answers: dict | None = None,
    layout: ImportLayout | None = None,
) -> tuple[ImportRecord, ImportPreview | None]:
    _require_importer(user)
    if layout is not None:
        mapping = mapping or Mapping.from_json(layout.mapping).from_layout()
        layout_mark_used(layout)
    started = time.perf_counter()
    try:  # recorded as the canonical code however it was typed ("Q3 2023/24" -> 2023-24-Q3)
        code, refusal = canonical_period_code(period_code), ""
    except ValueError as error:
        code, refusal = period_code.strip()[: ImportRecord.period_code.field.max_length], str(error)
    refusal = refusal or monthly_plan_refusal(plan)
    record = ImportRecord(
        plan=plan,
        period_code=code,
        user=user,
        source=source,
        file_name=filename[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        file_size=len(data),
        overwrite_closed=overwrite_closed,
        mapping=mapping.as_json() if mapping else {},
        layout=layout,
        answers=answers or {},
    )
    if refusal:
        record.status, record.message = ImportStatus.REFUSED, refusal
        record.save()
        return record, None
    preview = None
    try:
        read = _apply_saved_layout(record, data, _read(data, filename, mapping))
        preview = _prepare(record, data, read)
    except TrackerFileError as error:
        record.status, record.message = ImportStatus.REFUSED, str(error)
        refusal_hold(record, data, error)  # a preview whose columns can be remapped, if it can be
    else:
        record.status = ImportStatus.PREVIEWED
        record.content = data
        _store(record, preview)
        if not preview.rows and not preview.skipped_sheets:
            record.message = "No rows were found under a tracker header."
    record.duration_ms = round((time.perf_counter() - started) * 1000)
    record.save()
    if record.status == ImportStatus.REFUSED:
        audit(AuditKind.IMPORT, f"Refused {record.file_name}: {record.message}", user=user)
    return record, preview


def tracker_refuse_unread(
    user: User | None, plan: Plan, period_code: str, filename: str, size: int
) -> ImportRecord:
    """Record the refusal of a file too big to read, with the reason, without reading it."""
    _require_importer(user)
    try:
        check_size(size, filename)
    except TrackerFileError as error:
        reason = str(error)
    else:  # pragma: no cover - only called for a file over the limit
        raise ValueError(f"{filename} is within the size limit")
    record = ImportRecord.objects.create(
        plan=plan,
        period_code=period_code,
        user=user,
        source="web",
        file_name=filename[:255],
        file_size=size,
        status=ImportStatus.REFUSED,
        message=reason,
    )
    audit(AuditKind.IMPORT, f"Refused {record.file_name}: {reason}", user=user)
    return record


def tracker_apply(
    user: User | None, record: ImportRecord, stage: Callable[[str], None] = lambda _: None
) -> ImportRecord:
    """Write a previewed import, if the plan has not changed since the preview; `stage` is
    told each step (reading, matching, writing) for a background import's progress page."""
    _require_importer(user)
    record.status = status_now(record)  # a second worker's copy may predate the first's write
    if record.status == ImportStatus.APPLIED:
        raise WorkflowError(ALREADY_IMPORTED)
    if record.status != ImportStatus.PREVIEWED or record.content is None:
        raise WorkflowError(f"This import is {record.get_status_display().lower()}: nothing to do.")
    require_no_refusal(record)
    started = time.perf_counter()
    if record.plan_id is None:
        stage("writing")
        return _apply_new_plan(user, record, started)
    data = bytes(record.content)
    stage("reading")
    read = _read(data, record.file_name, _mapping(record))
    stage("matching")
    preview = _prepare(record, data, read)
    if _figures(preview.summary()) != _figures(record.summary):
        _store(record, preview)
        # Only over a preview: an import written meanwhile keeps the summary of what it did.
        saved = ImportRecord.objects.filter(pk=record.pk, status=ImportStatus.PREVIEWED).update(
            summary=record.summary, rows=record.rows
        )
        if not saved:
            raise WorkflowError(ALREADY_IMPORTED)
        raise PreviewChanged(
            "The plan changed after this preview was made, so nothing was imported. "
            "Check the new preview below, then import again."
        )
    stage("writing")
    return _write(user, record, preview, started)


def _apply_new_plan(user: User | None, record: ImportRecord, started: float) -> ImportRecord:
    """Make the proposed plan and import into it in one transaction: both, or neither."""
    name, again = record.new_plan["plan"]["name"], "Cancel this import and upload the file again."
    try:
        with transaction.atomic():
            if plan_name_taken(record.new_plan):
                raise WorkflowError(f"A plan called {name} was made meanwhile: {again}")
            record.plan = plan_sync(record.new_plan)[0]
            preview = _prepare(record, bytes(record.content))
            if _figures(preview.summary()) != _figures(record.summary):
                raise PreviewChanged(f"The plans changed after this preview was made: {again}")
            audit(AuditKind.IMPORT, f"Created plan {name} from {record.file_name}", user=user)
            return _write(user, record, preview, started)
    except WorkflowError:
        record.plan = None
        raise


def _write(user: User | None, record: ImportRecord, preview: ImportPreview, started: float):
    try:
        with transaction.atomic():
            # Claim the record first: of two confirms at once, the second waits on this row
            # (or on SQLite's write lock), then finds it no longer previewed and writes nothing.
            claimed = ImportRecord.objects.filter(
                pk=record.pk, status=ImportStatus.PREVIEWED
            ).update(status=ImportStatus.APPLIED)
            if not claimed:
                raise WorkflowError(
                    "This file has already been imported, or is being imported now: "
                    "nothing more was done."
                )
            if preview.period.pk is None:
                preview.period._history_user = user
                preview.period._change_reason = f"Created, closed, by importing {record.file_name}"
                preview.period.save()
            preview.apply(user, reason=f"Imported from {record.file_name}")
            # The record too: an import is never written but unrecorded.
            record.status = ImportStatus.APPLIED
            record.period = preview.period
            record.applied_at = timezone.now()
            record.content = None
            record.duration_ms += round((time.perf_counter() - started) * 1000)
            record.save(
                update_fields=["status", "plan", "period", "applied_at", "content", "duration_ms"]
            )
            # Commits with the rows or not at all; last, so its log line follows the writes.
            audit(
                AuditKind.IMPORT,
                f"Imported {record.file_name} (sha256 {record.file_sha256[:12]}) into "
                f"{record.plan} {preview.period.label}: {sum(preview.created.values())} "
                f"created, {sum(preview.updated.values())} changed, "
                f"{len(preview.errors)} rows not placed",
                user=user,
            )
    except DatabaseError as error:
        record.status = ImportStatus.FAILED
        record.message = (
            f"Nothing was imported: the database refused the change ({error}). "
            "If someone else was importing at the same time, preview the file again."
        )
        record.content = None
        record.save(update_fields=["status", "message", "content"])
        raise WorkflowError(record.message) from error
    return record


def tracker_import(
    user: User | None,
    plan: Plan,
    period_code: str,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    overwrite_closed: bool = False,
    source: str = "command",
    record_no_change: bool = True,
    mapping: Mapping | None = None,
    answers: dict | None = None,
    layout: ImportLayout | None = None,
) -> ImportRecord:
    """Preview and, unless it is a dry run or the file was refused, apply at once.

    With `record_no_change` false, an import that would change nothing leaves no record
    (load_sandwell's reruns).
    """
    started = time.perf_counter()
    record, preview = _preview(
        user, plan, period_code, data, filename, overwrite_closed, source, mapping, answers, layout
    )
    if record.status != ImportStatus.PREVIEWED:
        return record
    summary = record.summary
    unchanged = not any(summary["created"].values()) and not any(summary["updated"].values())
    if not record_no_change and unchanged and not summary["links_created"]:
        record.delete()
        record.pk = None
        record.status = ImportStatus.DRY_RUN
        return record
    if dry_run:
        record.status = ImportStatus.DRY_RUN
        record.content = None
        record.save(update_fields=["status", "content"])
        return record
    # The preview was made a moment ago in this same call: write it without preparing again.
    record.duration_ms = 0
    return _write(user, record, preview, started)
