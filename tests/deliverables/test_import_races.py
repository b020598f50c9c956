"""An import run twice (two workers, a double confirm), cancelled or expired while it is under
way, or failing after its transaction: it is written once and its record says what happened."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from deliverables import tasks
from deliverables.models import ImportRecord, QuarterlyUpdate
from deliverables.tracker import services
from deliverables.tracker.cancel import tracker_cancel
from deliverables.tracker.expiry import tracker_expire
from deliverables.workflow import WorkflowError
from plans.models import AuditEvent
from tests.deliverables.test_import import sandwell_plan
from tests.deliverables.test_import_pages import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def previewed(admin_client):
    upload(admin_client, sandwell_plan("council-plan-2024-30.json"))
    return ImportRecord.objects.get()


def test_a_second_run_holding_an_old_copy_is_refused_and_leaves_the_applied_record_alone(
    users, previewed
):
    """A second task that loaded the record while the first was still writing finds it
    imported: it writes nothing and keeps the import's summary and rows as written."""
    first = ImportRecord.objects.get(pk=previewed.pk)
    second = ImportRecord.objects.get(pk=previewed.pk)
    services.tracker_apply(users["admin"], first)
    applied = ImportRecord.objects.get(pk=previewed.pk)
    written = QuarterlyUpdate.objects.count()
    assert applied.status == "applied" and written

    with pytest.raises(WorkflowError, match="already been imported"):
        services.tracker_apply(users["admin"], second)

    after = ImportRecord.objects.get(pk=previewed.pk)
    assert QuarterlyUpdate.objects.count() == written
    assert after.summary == applied.summary
    assert after.rows == applied.rows


def test_a_duplicate_task_does_not_overwrite_the_applied_imports_message(
    users, previewed, settings
):
    """A task run for an import already written says nothing on the import's page."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    services.tracker_apply(users["admin"], ImportRecord.objects.get(pk=previewed.pk))
    ImportRecord.objects.filter(pk=previewed.pk).update(stage_message="")

    assert tasks.import_run(previewed.pk, users["admin"].pk).startswith("not imported")

    record = ImportRecord.objects.get(pk=previewed.pk)
    assert record.status == "applied"
    assert record.stage == "done"
    assert record.stage_message == ""


def test_two_confirms_queue_one_import(admin_client, previewed, task_worker, monkeypatch):
    """Two confirms that both saw the preview as not under way (a double click, two tabs)
    queue one task; the second is told it is under way and sent to its progress."""
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr("deliverables.tracker.views.import_under_way", lambda record: False)
    url = reverse("deliverables:import_apply", args=[previewed.pk])
    admin_client.post(url)
    second = admin_client.post(url, follow=True)
    assert DBTaskResult.objects.count() == 1
    assert "already under way" in second.content.decode()

    task_worker()
    assert ImportRecord.objects.get(pk=previewed.pk).status == "applied"


def test_an_import_stuck_with_a_silent_worker_can_be_queued_again(
    admin_client, previewed, task_worker
):
    """An import whose worker has said nothing for STUCK_AFTER is no longer under way: a
    new confirm queues it again."""
    from django_tasks_db.models import DBTaskResult

    ImportRecord.objects.filter(pk=previewed.pk).update(
        stage="writing", stage_at=timezone.now() - tasks.STUCK_AFTER - dt.timedelta(minutes=1)
    )
    admin_client.post(reverse("deliverables:import_apply", args=[previewed.pk]))
    assert DBTaskResult.objects.count() == 1
    task_worker()
    assert ImportRecord.objects.get(pk=previewed.pk).status == "applied"


def test_a_failure_inside_the_import_writes_nothing_and_is_retried(
    previewed, admin_client, task_worker, monkeypatch
):
    """The audit entry and the record's final state are part of the import's transaction:
    if the audit fails, no rows are written, the record stays a preview, and the task says
    nothing was written."""
    real_audit = services.audit

    def failing_audit(kind, text, **kwargs):
        if text.startswith("Imported "):
            raise RuntimeError("the database connection dropped")
        return real_audit(kind, text, **kwargs)

    monkeypatch.setattr(services, "audit", failing_audit)
    admin_client.post(reverse("deliverables:import_apply", args=[previewed.pk]))
    task_worker()
    record = ImportRecord.objects.get(pk=previewed.pk)
    assert not QuarterlyUpdate.objects.exists()
    assert record.status == "previewed"
    assert record.applied_at is None
    assert record.content is not None  # can be confirmed again
    assert "Nothing was imported" in record.stage_message
    assert not AuditEvent.objects.filter(message__startswith="Imported ").exists()

    monkeypatch.setattr(services, "audit", real_audit)
    admin_client.post(reverse("deliverables:import_apply", args=[previewed.pk]))
    task_worker()
    record = ImportRecord.objects.get(pk=previewed.pk)
    assert record.status == "applied"
    assert record.applied_at is not None and record.period_id is not None
    assert record.content is None
    assert AuditEvent.objects.filter(message__startswith="Imported ").count() == 1


def test_a_failure_after_the_import_committed_is_not_retried_nor_called_nothing_written(
    previewed, admin_client, task_worker, monkeypatch
):
    """A task that fails after the import committed (its worker stopped, say) finishes the
    applied record without a retry or a "nothing was written" message."""
    from django_tasks_db.models import DBTaskResult

    real_apply = tasks.tracker_apply

    def apply_then_fail(*args, **kwargs):
        real_apply(*args, **kwargs)
        raise RuntimeError("the worker was stopped")

    monkeypatch.setattr(tasks, "tracker_apply", apply_then_fail)
    admin_client.post(reverse("deliverables:import_apply", args=[previewed.pk]))
    task_worker()
    record = ImportRecord.objects.get(pk=previewed.pk)
    assert record.status == "applied"
    assert record.stage == "done"
    assert "Nothing was" not in record.stage_message
    assert record.attempts == 1
    assert DBTaskResult.objects.count() == 1  # not queued again


def test_the_daily_expiry_leaves_a_confirmed_queued_import_to_be_written(
    admin_client, previewed, task_worker
):
    """A preview over a day old that was confirmed just now (queued, or waiting for a retry)
    is not expired: the worker writes it."""
    ImportRecord.objects.filter(pk=previewed.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    admin_client.post(reverse("deliverables:import_apply", args=[previewed.pk]))
    assert ImportRecord.objects.get(pk=previewed.pk).stage == "queued"
    assert tracker_expire() == 0
    task_worker()
    record = ImportRecord.objects.get(pk=previewed.pk)
    assert record.status == "applied", (record.message, record.stage_message)


def test_the_daily_expiry_still_expires_an_old_preview_stuck_with_a_silent_worker(previewed):
    """A preview over a day old whose worker has been silent for STUCK_AFTER is expired."""
    ImportRecord.objects.filter(pk=previewed.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2),
        stage="queued",
        stage_at=timezone.now() - tasks.STUCK_AFTER - dt.timedelta(minutes=1),
    )
    assert tracker_expire() == 1
    assert ImportRecord.objects.get(pk=previewed.pk).status == "cancelled"


def test_a_cancel_read_before_the_import_was_written_is_refused_as_already_imported(
    users, previewed
):
    """A cancel holding a copy loaded before the worker committed says it was imported, and
    the written import stays applied."""
    seen_by_cancel = ImportRecord.objects.get(pk=previewed.pk)
    services.tracker_apply(users["admin"], ImportRecord.objects.get(pk=previewed.pk))
    assert QuarterlyUpdate.objects.exists()
    with pytest.raises(WorkflowError, match="already been imported"):
        tracker_cancel(users["admin"], seen_by_cancel)
    assert ImportRecord.objects.get(pk=previewed.pk).status == "applied"


def test_cancel_is_refused_while_the_import_is_under_way(admin_client, previewed, task_worker):
    """While a confirmed import is queued or being written its page offers neither Import now
    nor Cancel, and a cancel posted anyway is refused with a clear message."""
    url = reverse("deliverables:import_apply", args=[previewed.pk])
    admin_client.post(url)
    page = admin_client.get(previewed.get_absolute_url()).content.decode()
    assert "Import now" not in page
    assert reverse("deliverables:import_cancel", args=[previewed.pk]) not in page

    response = admin_client.post(
        reverse("deliverables:import_cancel", args=[previewed.pk]), follow=True
    )
    assert "cannot be cancelled" in response.content.decode()
    assert ImportRecord.objects.get(pk=previewed.pk).status == "previewed"
    task_worker()
    assert ImportRecord.objects.get(pk=previewed.pk).status == "applied"


@pytest.mark.django_db(transaction=True)
def test_a_cancel_while_the_import_commits_leaves_it_imported_on_postgresql(users, monkeypatch):
    """A cancel that reaches the database while the import's transaction holds the record
    waits for it, then finds it imported: it says so, and the import stays applied."""
    import threading
    import time

    from django.db import connection

    from deliverables.tracker.importer import ImportPreview
    from deliverables.tracker.services import tracker_preview
    from tests.security.test_import_hygiene import CSV, county

    if connection.vendor != "postgresql":
        pytest.skip("two connections at once need a server database")
    record = tracker_preview(users["admin"], county(), "2023-24-Q3", CSV, "r.csv")
    writing = threading.Event()
    real_apply = ImportPreview.apply

    def apply_slowly(self, *args, **kwargs):
        writing.set()  # the record is claimed (locked) in this transaction
        time.sleep(1)
        return real_apply(self, *args, **kwargs)

    monkeypatch.setattr(ImportPreview, "apply", apply_slowly)
    outcomes: dict[str, str] = {}

    def run(name, work) -> None:
        try:
            work()
            outcomes[name] = "done"
        except WorkflowError as error:
            outcomes[name] = str(error)
        finally:
            connection.close()

    def cancel() -> None:
        writing.wait(timeout=20)
        tracker_cancel(users["admin"], ImportRecord.objects.get(pk=record.pk))

    threads = [
        threading.Thread(
            target=run,
            args=("import", lambda: services.tracker_apply(users["admin"], record)),
        ),
        threading.Thread(target=run, args=("cancel", cancel)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes["import"] == "done"
    assert "already been imported" in outcomes["cancel"]
    assert ImportRecord.objects.get(pk=record.pk).status == "applied"
