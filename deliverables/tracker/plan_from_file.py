"""A new plan from a tracker file: the upload proposes the plan (its name, its level names
from the columns' meanings, a status scale from the status words found), the preview shows
it beside what would be imported into it, and confirming makes both in one transaction
(services.tracker_apply). Nothing is written before that but the import's record."""

from __future__ import annotations

import hashlib
import time

from deliverables.models import ImportRecord, ImportStatus
from deliverables.tracker.new_plan import propose_plan
from deliverables.tracker.refusals import refusal_hold
from deliverables.tracker.services import (
    _apply_saved_layout,
    _prepare,
    _read,
    _require_importer,
    _store,
)
from plans.audit import audit
from plans.models import AuditKind, User, canonical_period_code
from plans.workbook import TrackerFileError


def tracker_preview_new_plan(
    user: User | None, name: str, period_code: str, data: bytes, filename: str
) -> ImportRecord:
    """Record what making a plan called `name` from the file, and importing the file into
    its quarter `period_code`, would do. new_plan.PlanProposalError if the plan cannot be
    made so (a name taken, no status words); a file that cannot be read is a refused record."""
    _require_importer(user)
    started = time.perf_counter()
    record = ImportRecord(
        plan=None,
        period_code=canonical_period_code(period_code),
        user=user,
        source="web",
        file_name=filename[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        file_size=len(data),
    )
    try:
        read = _apply_saved_layout(record, data, _read(data, filename))
        record.new_plan = propose_plan(read, name, record.period_code)
        preview = _prepare(record, data, read)
    except TrackerFileError as error:
        refusal_hold(record, data, error)  # columns read as another quarter's: remappable
        if record.status == ImportStatus.PREVIEWED:
            record.duration_ms = round((time.perf_counter() - started) * 1000)
            record.save()
            return record
        record.status, record.message = ImportStatus.REFUSED, str(error)
        record.new_plan = record.new_plan or {"plan": {"name": " ".join(name.split())[:200]}}
        record.save()
        audit(AuditKind.IMPORT, f"Refused {record.file_name}: {record.message}", user=user)
        return record
    record.status, record.content = ImportStatus.PREVIEWED, data
    _store(record, preview)
    record.duration_ms = round((time.perf_counter() - started) * 1000)
    record.save()
    return record
