"""Review of issue 18: an import run twice (two workers, a double confirm) or failing after
its transaction committed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliverables.models import ImportRecord, QuarterlyUpdate
from deliverables.tracker import services
from deliverables.workflow import WorkflowError
from plans.models import AuditEvent
from tests.deliverables.test_import import sandwell_plan
from tests.deliverables.test_import_pages import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


@pytest.fixture
def previewed(admin_client):
    upload(admin_client, sandwell_plan("council-plan-2024-30.json"))
    return ImportRecord.objects.get()


def test_a_second_worker_that_loaded_the_record_first_does_not_rewrite_the_applied_import(
    users, previewed
):
    # Two tasks for one import (a double confirm queues two; two workers take one each): the
    # second loads the record while the first is still reading/matching/writing, so it holds
    # it as "previewed". import_run loads the record once, then tracker_apply trusts that copy.
    first = ImportRecord.objects.get(pk=previewed.pk)
    second = ImportRecord.objects.get(pk=previewed.pk)
    services.tracker_apply(users["admin"], first)
    applied = ImportRecord.objects.get(pk=previewed.pk)
    written = QuarterlyUpdate.objects.count()
    assert applied.status == "applied" and written

    with pytest.raises(WorkflowError) as refused:
        services.tracker_apply(users["admin"], second)

    after = ImportRecord.objects.get(pk=previewed.pk)
    assert QuarterlyUpdate.objects.count() == written  # nothing written twice: good
    # The second run re-matches against the plan the first just wrote, finds the figures
    # "changed", and saves that new preview over the applied import's summary and row results.
    assert after.summary == applied.summary
    assert after.rows == applied.rows
    assert "changed after this preview" not in str(refused.value)


def test_two_confirms_queue_one_import(admin_client, previewed, task_worker, monkeypatch):
    # The view checks import_under_way() and then queues: two confirms that both read the
    # record before either marks it queued (a double click, two tabs) queue two tasks.
    # Simulated by letting both requests see the record as not under way.
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr("deliverables.tracker.views.import_under_way", lambda record: False)
    url = reverse("deliverables:import_apply", args=[previewed.pk])
    admin_client.post(url)
    admin_client.post(url)
    assert DBTaskResult.objects.count() == 1


def test_a_failure_after_the_import_committed_is_not_reported_as_nothing_written(
    previewed, admin_client, task_worker, monkeypatch
):
    # Anything that fails after _write's transaction commits (the audit entry, the record's
    # final save, a worker stopped by a deploy) leaves the rows written and the claim
    # (status "applied") committed, but the record without its period, applied_at, or file
    # dropped; the task says "Nothing was written; trying again" and the retry then says
    # "already imported".
    real_audit = services.audit

    def failing_audit(kind, text, **kwargs):
        if text.startswith("Imported "):
            raise RuntimeError("the database connection dropped")
        return real_audit(kind, text, **kwargs)

    monkeypatch.setattr(services, "audit", failing_audit)
    admin_client.post(reverse("deliverables:import_apply", args=[previewed.pk]))
    task_worker()
    record = ImportRecord.objects.get(pk=previewed.pk)
    written = QuarterlyUpdate.objects.count()
    assert written  # the rows are in
    messages = record.stage_message
    # Either nothing is written, or the import is recorded as the import it is:
    assert record.applied_at is not None, messages
    assert record.period_id is not None
    assert record.content is None
    assert AuditEvent.objects.filter(message__startswith="Imported ").exists()


def test_the_daily_expiry_does_not_cancel_an_import_that_was_confirmed_and_is_queued(
    admin_client, previewed, task_worker
):
    # tracker_expire cancels every "previewed" record over a day old, whatever its stage: an
    # import previewed yesterday and confirmed just now (queued behind a big one, or waiting
    # for its retry) is cancelled as "not confirmed within 24 hours" and its file deleted.
    import datetime as dt

    from django.utils import timezone

    from deliverables.tracker.expiry import tracker_expire

    ImportRecord.objects.filter(pk=previewed.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    admin_client.post(reverse("deliverables:import_apply", args=[previewed.pk]))
    assert ImportRecord.objects.get(pk=previewed.pk).stage == "queued"
    tracker_expire()
    task_worker()
    record = ImportRecord.objects.get(pk=previewed.pk)
    assert record.status == "applied", (record.message, record.stage_message)


def test_a_cancel_read_before_the_worker_committed_does_not_mark_a_written_import_cancelled(
    users, previewed
):
    # The import's page still offers Cancel while the worker writes (its status is "previewed"
    # until the worker's transaction commits). tracker_cancel checks the status it read, then
    # saves: on PostgreSQL its UPDATE waits for the worker's commit and then overwrites
    # "applied" with "cancelled" (and the view says "... was not imported"), rows written.
    seen_by_cancel = ImportRecord.objects.get(pk=previewed.pk)
    services.tracker_apply(users["admin"], ImportRecord.objects.get(pk=previewed.pk))
    assert QuarterlyUpdate.objects.exists()
    services.tracker_cancel(users["admin"], seen_by_cancel)
    assert ImportRecord.objects.get(pk=previewed.pk).status == "applied"
