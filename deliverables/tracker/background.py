"""A big tracker upload previewed by the worker (deliverables.tasks.preview_import) rather than
in the upload request: the record kept at once with its file, then the same preview the request
would have made (services: the same reading, saved layout, matching and stored rows), stored
over the record only if it is still waiting for it.

"The preview is a promise": the work below is tracker_preview's own steps, called in the same
order, so a file previewed here shows exactly what it would have shown in the request (a test
compares the two) and exactly what confirming it writes.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from deliverables.models import ImportRecord, ImportStage, ImportStatus
from deliverables.tracker.refusals import monthly_plan_refusal, refusal_hold
from deliverables.tracker.services import (
    _apply_saved_layout,
    _mapping,
    _prepare,
    _read,
    _require_importer,
    _store,
)
from plans.audit import audit
from plans.models import AuditKind, Plan, User
from plans.workbook import TrackerFileError

# What a finished preview sets on its record: stored together, in one conditional UPDATE.
STORED = ("status", "message", "content", "summary", "rows", "mapping", "layout", "duration_ms")


def goes_to_background(plan: Plan | None, size: int) -> bool:
    """Whether an upload is previewed by the worker: a big file for an existing plan that is
    not refused before it is read (a monthly plan's refusal is immediate, as before). A new
    plan from a file keeps the immediate preview: its proposal is made in the request."""
    return (
        plan is not None
        and size > settings.TRACKER_BACKGROUND_PREVIEW_BYTES
        and not monthly_plan_refusal(plan)
    )


def tracker_preview_queued(
    user: User,
    plan: Plan,
    period_code: str,
    data: bytes,
    filename: str,
    *,
    overwrite_closed: bool = False,
) -> ImportRecord:
    """Keep the upload as a record waiting for its preview (the task is queued by the caller).
    `period_code` is canonical already (the upload form's clean_period)."""
    _require_importer(user)
    return ImportRecord.objects.create(
        plan=plan,
        period_code=period_code,
        user=user,
        source="web",
        file_name=filename[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        file_size=len(data),
        content=data,
        overwrite_closed=overwrite_closed,
        status=ImportStatus.PREVIEWING,
        stage=ImportStage.QUEUED,
        stage_at=timezone.now(),
    )


def preview_make(record: ImportRecord, stage: Callable[[str], None]) -> bool:
    """Work out the waiting record's preview, telling `stage` each step, and store it unless the
    record was cancelled meanwhile. True if stored. A file that cannot be read is refused (the
    file's fault: never tried again); any other error is raised, and nothing is stored."""
    started = time.perf_counter()
    data = bytes(record.content)
    try:
        stage(ImportStage.READING)
        read = _apply_saved_layout(record, data, _read(data, record.file_name, _mapping(record)))
        stage(ImportStage.MATCHING)
        preview = _prepare(record, data, read)
    except TrackerFileError as error:
        record.status, record.message, record.content = ImportStatus.REFUSED, str(error), None
        refusal_hold(record, data, error)  # a preview whose columns can be remapped, if it can be
    else:
        record.status = ImportStatus.PREVIEWED
        _store(record, preview)
        if not preview.rows and not preview.skipped_sheets:
            record.message = "No rows were found under a tracker header."
    record.duration_ms = round((time.perf_counter() - started) * 1000)
    stored = ImportRecord.objects.filter(pk=record.pk, status=ImportStatus.PREVIEWING).update(
        **{name: getattr(record, name) for name in STORED},
        stage="",  # a finished preview is like one made in the request: nothing under way
        stage_message="",
        attempts=0,
        stage_at=timezone.now(),
    )
    if stored and record.status == ImportStatus.REFUSED:
        audit(AuditKind.IMPORT, f"Refused {record.file_name}: {record.message}", user=record.user)
    return bool(stored)


def preview_failed(record_id: int, attempts: int, reason: str) -> None:
    """The last attempt failed for a reason not the file's: nothing kept but the record."""
    ImportRecord.objects.filter(pk=record_id, status=ImportStatus.PREVIEWING).update(
        status=ImportStatus.FAILED,
        content=None,
        stage="",
        stage_at=timezone.now(),
        message=f"The preview could not be made: it failed {attempts} times ({reason}). "
        "Nothing was kept. Upload the file again, or tell the team who run the service.",
    )
