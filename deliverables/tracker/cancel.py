"""Cancelling a previewed import nobody will write."""

from __future__ import annotations

from deliverables.models import ImportRecord, ImportStatus
from deliverables.tracker.services import _require_importer
from deliverables.tracker.stages import ALREADY_IMPORTED, forgettable_q, under_way_message
from deliverables.workflow import WorkflowError
from plans.models import User


def tracker_cancel(user: User | None, record: ImportRecord) -> ImportRecord:
    """Forget a preview nobody will import. One conditional UPDATE, so a cancel read before a
    worker committed the import cannot mark the written import cancelled; refused while the
    import is under way (queued or being written), saying which. A big upload can be cancelled
    while its preview waits or is being made."""
    _require_importer(user)
    cancelled = (
        ImportRecord.objects.filter(pk=record.pk)
        .filter(forgettable_q())
        .update(status=ImportStatus.CANCELLED, content=None)
    )
    if cancelled:
        record.status, record.content = ImportStatus.CANCELLED, None
        return record
    record.refresh_from_db(fields=["status", "stage", "stage_at", "content"])
    if record.status == ImportStatus.APPLIED:
        raise WorkflowError(ALREADY_IMPORTED)
    if record.status == ImportStatus.PREVIEWED:
        raise WorkflowError(under_way_message(record))
    return record  # cancelled, refused or failed already: nothing to cancel
