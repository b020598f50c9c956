"""Background tasks of the deliverables app: a confirmed tracker import, written by the worker
(`manage.py db_worker`) while the administrator watches its progress or goes elsewhere; and a
big upload's preview (read and matched by the worker: deliverables.tracker.background).

The import itself is the one it always was (deliverables.tracker.services.tracker_apply): one
transaction, so a failure writes nothing. Here it only gains a queue, its stages recorded on
the import record, and bounded retries for failures that are not the file's or the plan's.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from deliverables.models import ImportRecord, ImportStage, ImportStatus
from deliverables.tracker.background import preview_failed, preview_make
from deliverables.tracker.page import preview_seen
from deliverables.tracker.services import tracker_apply
from deliverables.tracker.stages import STUCK_AFTER, import_under_way, not_under_way_q
from deliverables.workflow import WorkflowError
from plans.models import User
from plans.read_bounds import read_seconds

__all__ = [
    "STUCK_AFTER",
    "apply_import",
    "import_enqueue",
    "import_run",
    "import_under_way",
    "preview_import",
    "preview_run",
]


def _set(record_id: int, **fields) -> None:
    ImportRecord.objects.filter(pk=record_id).update(**fields, stage_at=timezone.now())


def import_enqueue(user: User, record: ImportRecord) -> ImportRecord | None:
    """Queue a previewed import to be written; the record as it stands after (written already
    when tasks run at once, with no worker), or None if it was not queued: it is under way
    already, or no longer a preview.

    Queueing is a claim, one conditional UPDATE: of two confirms at once (a double click, two
    tabs) only the one that moves the record from "not under way" to queued enqueues a task.
    The task carries the preview confirmed (`record` as the confirm checked it): the worker
    writes that preview or nothing."""
    claimed = (
        ImportRecord.objects.filter(pk=record.pk, status=ImportStatus.PREVIEWED)
        .filter(not_under_way_q())
        .update(stage=ImportStage.QUEUED, stage_message="", attempts=0, stage_at=timezone.now())
    )
    if claimed != 1:
        return None
    _queue(record.pk, user.pk, seen=preview_seen(record))
    return ImportRecord.objects.select_related("plan", "period").get(pk=record.pk)


def _queue(record_id: int, user_id: int, delay_seconds: int = 0, seen: str = "") -> None:
    queued = apply_import
    if delay_seconds and queued.get_backend().supports_defer:
        queued = queued.using(run_after=timezone.now() + timedelta(seconds=delay_seconds))
    queued.enqueue(record_id, user_id, seen=seen)


CHANGED_SINCE_CONFIRMED = (
    "Nothing was imported: the preview changed after it was confirmed. Check the preview "
    "below, then import again."
)


def import_run(record_id: int, user_id: int, seen: str = "") -> str:
    """The task's work: write the import, telling its record each stage. A refusal (the plan
    changed since the preview, already imported, the database refused, the preview changed
    since `seen` was confirmed) is final and shown; any other failure is tried again up to
    settings.TASK_ATTEMPTS."""
    record = ImportRecord.objects.select_related("plan").filter(pk=record_id).first()
    user = User.objects.filter(pk=user_id).first()
    if record is None or user is None:
        return "nothing to do"  # deleted since it was queued
    if seen and record.status == ImportStatus.PREVIEWED and preview_seen(record) != seen:
        _finish(record_id, CHANGED_SINCE_CONFIRMED)  # stays a preview, to confirm again
        return f"not imported: {CHANGED_SINCE_CONFIRMED}"
    record.attempts += 1
    _set(record_id, attempts=record.attempts)
    try:
        with read_seconds(settings.IMPORT_MAX_BACKGROUND_SECONDS):  # no request waits
            tracker_apply(user, record, lambda stage: _set(record_id, stage=stage))
    except WorkflowError as error:
        # A second task for an import another already wrote is refused ("already imported"):
        # the applied record keeps the message of the run that wrote it.
        _finish(record_id, str(error)[:500])
        return f"not imported: {error}"
    except Exception as error:
        if _applied(record_id):  # failed after the import committed: written, so no retry
            _set(record_id, stage=ImportStage.DONE, stage_message="")
            raise
        _attempt_failed(user, record, error, seen)
        raise  # the task's own record keeps the traceback for the administrator
    _set(record_id, stage=ImportStage.DONE, stage_message="")  # this run wrote it
    return "imported"


def _applied(record_id: int) -> bool:
    return ImportRecord.objects.filter(pk=record_id, status=ImportStatus.APPLIED).exists()


def _finish(record_id: int, message: str) -> None:
    """Stage done; the message only on a record not applied (an applied import's page says
    what was written, not what a later duplicate run was refused)."""
    _set(record_id, stage=ImportStage.DONE)
    ImportRecord.objects.filter(pk=record_id).exclude(status=ImportStatus.APPLIED).update(
        stage_message=message
    )


def _attempt_failed(user: User, record: ImportRecord, error: Exception, seen: str) -> None:
    attempts = settings.TASK_ATTEMPTS
    reason = f"{type(error).__name__}: {error}"[:300]
    if record.attempts < attempts:
        _set(
            record.pk,
            stage=ImportStage.QUEUED,
            stage_message=f"Attempt {record.attempts} of {attempts} failed ({reason}). "
            "Nothing was written; trying again.",
        )
        delay = settings.TASK_RETRY_SECONDS * 2 ** (record.attempts - 1)
        _queue(record.pk, user.pk, delay, seen=seen)
        return
    _set(
        record.pk,
        stage=ImportStage.DONE,
        stage_message=f"Nothing was imported: it failed {attempts} times ({reason}). "
        "Confirm it again, or tell the team who run the service.",
    )


@task()
def apply_import(record_id: int, user_id: int, seen: str = "") -> str:
    """Write a confirmed tracker import (import_run); `seen` is the preview confirmed (a task
    queued before it was carried has none, and writes the preview as it stands)."""
    return import_run(record_id, user_id, seen)


def preview_enqueue(record: ImportRecord) -> ImportRecord:
    """Queue the preview of a big upload kept as waiting (background.tracker_preview_queued);
    the record as it stands after (previewed already when tasks run at once)."""
    _queue_preview(record.pk)
    return ImportRecord.objects.select_related("plan").get(pk=record.pk)


def _queue_preview(record_id: int, delay_seconds: int = 0) -> None:
    queued = preview_import
    if delay_seconds and queued.get_backend().supports_defer:
        queued = queued.using(run_after=timezone.now() + timedelta(seconds=delay_seconds))
    queued.enqueue(record_id)


def preview_run(record_id: int) -> str:
    """The task's work: claim the waiting record (one conditional UPDATE, so two workers given
    the same record cannot both preview it), then make its preview through its stages. A
    failure that is not the file's is tried again up to settings.TASK_ATTEMPTS."""
    claimed = ImportRecord.objects.filter(
        pk=record_id, status=ImportStatus.PREVIEWING, stage=ImportStage.QUEUED
    ).update(stage=ImportStage.READING, stage_at=timezone.now())
    if claimed != 1:
        return "nothing to do"  # cancelled, deleted, or another worker has it
    record = ImportRecord.objects.select_related("plan", "user").get(pk=record_id)
    record.attempts += 1
    _set(record_id, attempts=record.attempts)
    try:
        with read_seconds(settings.IMPORT_MAX_BACKGROUND_SECONDS):  # no request waits
            stored = preview_make(record, lambda stage: _set(record_id, stage=stage))
    except Exception as error:
        _preview_attempt_failed(record_id, record.attempts, error)
        raise  # the task's own record keeps the traceback for the administrator
    return "previewed" if stored else "cancelled meanwhile: nothing kept"


def _preview_attempt_failed(record_id: int, attempt: int, error: Exception) -> None:
    attempts = settings.TASK_ATTEMPTS
    reason = f"{type(error).__name__}: {error}"[:300]
    if attempt >= attempts:
        preview_failed(record_id, attempts, reason)
        return
    requeued = ImportRecord.objects.filter(pk=record_id, status=ImportStatus.PREVIEWING).update(
        stage=ImportStage.QUEUED,
        stage_at=timezone.now(),
        stage_message=f"Attempt {attempt} of {attempts} failed ({reason}). Trying again.",
    )
    if requeued:
        _queue_preview(record_id, settings.TASK_RETRY_SECONDS * 2 ** (attempt - 1))


@task()
def preview_import(record_id: int) -> str:
    """Make the preview of a big tracker upload (preview_run)."""
    return preview_run(record_id)
