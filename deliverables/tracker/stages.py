"""When an import is under way (a big upload queued for its preview or being read and matched;
a confirmed import queued or being read, matched or written): the one rule the queue, cancel,
expiry and the import page share."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from deliverables.models import ImportRecord, ImportStage, ImportStatus

ALREADY_IMPORTED = "This file has already been imported: nothing more was done."

# An import still "under way" this long after its last stage has lost its worker (stopped
# mid-import, its transaction rolled back): confirming it again queues it again.
STUCK_AFTER = timedelta(minutes=30)


def not_under_way_q() -> Q:
    """Records no worker is at: never queued, finished, or stuck (no stage for STUCK_AFTER)."""
    return (
        Q(stage__in=["", ImportStage.DONE])
        | Q(stage_at__isnull=True)
        | Q(stage_at__lte=timezone.now() - STUCK_AFTER)
    )


# The statuses a worker may still be at: a preview being made, or a preview being written.
ACTIVE = (ImportStatus.PREVIEWING, ImportStatus.PREVIEWED)


def work_finished(record: ImportRecord) -> bool:
    """Nothing more will happen to it in the background: no stage, the last stage done, or no
    longer a preview (imported, refused, failed, or cancelled while it waited)."""
    return record.stage in ("", ImportStage.DONE) or record.status not in ACTIVE


def forgettable_q() -> Q:
    """Records cancel and the daily expiry may forget: a preview no worker is writing, or a big
    upload whose preview is waiting or being made (its worker then keeps nothing: it stores a
    preview only over a record still being previewed)."""
    return Q(status=ImportStatus.PREVIEWING) | (
        Q(status=ImportStatus.PREVIEWED) & not_under_way_q()
    )


def import_under_way(record: ImportRecord) -> bool:
    """Queued, being previewed or being written, by a worker still at it."""
    under_way = not work_finished(record)
    return (
        under_way
        and record.stage_at is not None
        and (record.stage_at > timezone.now() - STUCK_AFTER)
    )


def status_now(record: ImportRecord) -> str:
    """The record's status as committed now, not as this copy was loaded."""
    now = ImportRecord.objects.filter(pk=record.pk).values_list("status", flat=True).first()
    return now or record.status
