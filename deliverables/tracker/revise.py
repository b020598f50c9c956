"""Changing a preview before it is confirmed: the columns' meanings, and the answers to its
questions. Each change reads the stored file again and replaces the preview; nothing else is
written until the import is confirmed (services.tracker_apply)."""

from __future__ import annotations

from django.db import transaction

from deliverables.models import ImportRecord, ImportStatus
from deliverables.tracker.layout import ReadResult
from deliverables.tracker.meanings import Mapping
from deliverables.tracker.new_plan import PlanProposalError, propose_plan
from deliverables.tracker.quarters import QuarterMismatch
from deliverables.tracker.refusals import refusal_hold, refusal_of
from deliverables.tracker.saved_layouts import layout_save
from deliverables.tracker.services import _prepare, _read, _require_importer, _store
from deliverables.tracker.stages import import_under_way, not_under_way_q, under_way_message
from deliverables.workflow import WorkflowError
from plans.models import User
from plans.workbook import TrackerFileError


class PreviewRefused(WorkflowError):
    """The file cannot be imported with the mapping or answers given; nothing was kept."""


def require_previewed(record: ImportRecord) -> None:
    if record.status != ImportStatus.PREVIEWED or record.content is None:
        raise WorkflowError(
            f"Nothing was changed: only a preview can be, and this import is "
            f"'{record.get_status_display()}'."
        )
    if import_under_way(record):  # confirmed: the worker writes what was confirmed, no more
        raise WorkflowError(f"Nothing was changed. {under_way_message(record)}")


def _reread(record: ImportRecord, mapping: Mapping | None) -> ReadResult:
    try:
        return _read(bytes(record.content), record.file_name, mapping)
    except TrackerFileError as error:
        raise PreviewRefused(str(error)) from error


def _revise(record: ImportRecord, read: ReadResult) -> ImportRecord:
    """Preview the stored file again as the record now says, and keep that preview. A file
    the importer refuses this way is not kept so: the preview before stays as it was. A
    preview that carries a refusal (refusals.py) has none before it to keep: it becomes the
    preview, or carries the new refusal."""
    held = bool(refusal_of(record))
    try:
        if record.plan_id is None and record.new_plan:  # its levels and statuses follow
            name = record.new_plan["plan"]["name"]
            record.new_plan = propose_plan(read, name, record.period_code)
        preview = _prepare(record, bytes(record.content), read)
    except (TrackerFileError, PlanProposalError) as error:
        if not (held and isinstance(error, QuarterMismatch)):
            raise PreviewRefused(str(error)) from error
        refusal_hold(record, bytes(record.content), error)
    else:
        _store(record, preview)
        if held:  # the refusal is resolved
            record.message = ""
    # Only while previewed and not under way: a confirm (queued for the worker) or cancel in
    # another tab meanwhile keeps its record as confirmed or cancelled.
    kept = (
        ImportRecord.objects.filter(pk=record.pk, status=ImportStatus.PREVIEWED)
        .filter(not_under_way_q())
        .update(
            mapping=record.mapping,
            new_plan=record.new_plan,
            layout=record.layout,
            answers=record.answers,
            summary=record.summary,
            rows=record.rows,
            message=record.message,
        )
    )
    if not kept:
        raise WorkflowError("This import was confirmed or cancelled meanwhile: nothing changed.")
    return record


def tracker_remap(
    user: User | None, record: ImportRecord, mapping: Mapping, layout_name: str = ""
) -> ImportRecord:
    """Read the stored file again with `mapping` and preview it; with a name, also save the
    mapping as a layout for files with these headers and link the import to it. Without a
    name the import no longer follows a saved layout: its mapping is its own."""
    _require_importer(user)
    require_previewed(record)
    read = _reread(record, mapping)
    with transaction.atomic():
        record.mapping = mapping.as_json()
        record.layout = layout_save(user, layout_name, read, mapping) if layout_name else None
        return _revise(record, read)


def tracker_answer(user: User | None, record: ImportRecord, answers: dict) -> ImportRecord:
    """Preview again with the answers given to the preview's questions. Only answers to the
    questions now asked, among their choices, are kept; earlier answers stay."""
    _require_importer(user)
    require_previewed(record)
    choices = {
        question["key"]: {str(value) for value, _label in question["choices"]}
        for question in record.summary.get("questions", [])
    }
    given = {
        str(key): str(value)
        for key, value in answers.items()
        if key in choices and str(value) in choices[key]
    }
    record.answers = {**record.answers, **given}
    mapping = Mapping.from_json(record.mapping) if record.mapping else None
    return _revise(record, _reread(record, mapping))
