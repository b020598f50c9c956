"""When an import is under way (a big upload queued for its preview or being read and matched;
a confirmed import queued or being read, matched or written): the one rule the queue, cancel,
expiry and the import page share."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from deliverables.models import ImportRecord, ImportStage, ImportStatus

ALREADY_IMPORTED = "This file has already been imported: nothing more was done."

# An import still "under way" this long after its last stage set by a worker (reading,
# matching, writing) has lost its worker (stopped mid-import, its transaction rolled back):
# confirming it again queues it again. A queued import has had no worker yet: it is under way
# while its task still waits in the queue, however long (reports' files may be ahead of it).
STUCK_AFTER = timedelta(minutes=30)

# The tasks that work on an import record; each takes the record's id as its first argument.
# Named, not imported: deliverables.tasks imports this module.
RECORD_TASKS = ("deliverables.tasks.apply_import", "deliverables.tasks.preview_import")


def waiting_in_queue() -> set[int]:
    """The records whose task is waiting in the database queue (not started yet, or waiting
    to be tried again); none with a queue that keeps no tasks (tasks run at once)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path__in=RECORD_TASKS, status=TaskResultStatus.READY
    ).values_list("args_kwargs", flat=True)
    return {row["args"][0] for row in waiting if row.get("args")}


def not_under_way_q() -> Q:
    """Records no worker is at: never queued, finished, or stuck (no stage for STUCK_AFTER,
    and not a queued record whose task is still waiting for a worker)."""
    silent = Q(stage_at__lte=timezone.now() - STUCK_AFTER)
    still_waiting = Q(stage=ImportStage.QUEUED, pk__in=waiting_in_queue())
    return (
        Q(stage__in=["", ImportStage.DONE]) | Q(stage_at__isnull=True) | (silent & ~still_waiting)
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
    """Queued, being previewed or being written, by a worker still at it (or, queued, with
    its task still waiting for a worker)."""
    if work_finished(record) or record.stage_at is None:
        return False
    if record.stage_at > timezone.now() - STUCK_AFTER:
        return True
    return record.stage == ImportStage.QUEUED and record.pk in waiting_in_queue()


def under_way_message(record: ImportRecord) -> str:
    """What is true of an import under way, for a change or cancel it refuses."""
    if record.stage == ImportStage.QUEUED:
        return (
            "This import was confirmed and is waiting for the background worker to write it, "
            "so it cannot be cancelled or changed: see its progress."
        )
    return (
        "This import is being written now, so it cannot be cancelled or changed: see its progress."
    )


def status_now(record: ImportRecord) -> str:
    """The record's status as committed now, not as this copy was loaded."""
    now = ImportRecord.objects.filter(pk=record.pk).values_list("status", flat=True).first()
    return now or record.status
