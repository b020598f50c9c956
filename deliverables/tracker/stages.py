"""When a confirmed import is under way (queued, or a worker reading, matching or writing it):
the one rule the queue, cancel, expiry and the import page share."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from deliverables.models import ImportRecord, ImportStage

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


def import_under_way(record: ImportRecord) -> bool:
    """Queued or being written, by a worker still at it."""
    under_way = record.stage not in ("", ImportStage.DONE)
    return (
        under_way
        and record.stage_at is not None
        and (record.stage_at > timezone.now() - STUCK_AFTER)
    )


def status_now(record: ImportRecord) -> str:
    """The record's status as committed now, not as this copy was loaded."""
    now = ImportRecord.objects.filter(pk=record.pk).values_list("status", flat=True).first()
    return now or record.status
