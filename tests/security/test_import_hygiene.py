"""A preview is imported once however many confirms arrive, and is not kept for ever."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from deliverables.models import ImportRecord, ImportStatus, QuarterlyUpdate
from deliverables.tracker import services
from deliverables.tracker.services import tracker_apply, tracker_preview
from deliverables.workflow import WorkflowError
from plans.models import StrategicOutcome
from tests import factories

pytestmark = pytest.mark.django_db

CSV = (
    b"Action Ref,Action,RAG Status,Commentary\n"
    b"A1,First action,On Track,Fine\nA2,Second action,Delayed,Late\n"
)


def county():
    plan = factories.plan("county")
    StrategicOutcome.objects.create(plan=plan, name="R")  # a file's name creates no outcome
    return plan


@pytest.fixture
def previewed(users) -> ImportRecord:
    return tracker_preview(users["admin"], county(), "2023-24-Q3", CSV, "r.csv")


def test_a_second_confirm_racing_the_first_writes_nothing_and_leaves_the_record_imported(
    users, previewed, monkeypatch
):
    # The second request read the record and worked out its preview before the first wrote.
    stale = ImportRecord.objects.get(pk=previewed.pk)
    worked_out = services._prepare(stale, bytes(stale.content))
    tracker_apply(users["admin"], previewed)
    monkeypatch.setattr(services, "_prepare", lambda record, data, read=None: worked_out)
    # ...and re-read its status before the first committed: only the claim in _write stops it.
    monkeypatch.setattr(services, "status_now", lambda record: record.status)
    with pytest.raises(WorkflowError, match="already been imported, or is being imported now"):
        tracker_apply(users["admin"], stale)
    previewed.refresh_from_db()
    assert previewed.status == ImportStatus.APPLIED
    assert previewed.message == ""
    assert QuarterlyUpdate.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_confirms_at_once_import_once_on_postgresql(users, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once need a server database")
    record = tracker_preview(users["admin"], county(), "2023-24-Q3", CSV, "r.csv")
    both_prepared = threading.Barrier(2)
    prepare = services._prepare

    def prepare_then_wait(*args):
        preview = prepare(*args)
        both_prepared.wait(timeout=20)  # both requests have checked the preview: now write
        return preview

    monkeypatch.setattr(services, "_prepare", prepare_then_wait)
    outcomes = []

    def confirm() -> None:
        try:
            tracker_apply(users["admin"], ImportRecord.objects.get(pk=record.pk))
            outcomes.append("imported")
        except WorkflowError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == [
        "This file has already been imported, or is being imported now: nothing more was done.",
        "imported",
    ]
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
    assert QuarterlyUpdate.objects.count() == 2


def test_confirming_twice_in_the_browser_says_it_was_already_imported(client, users, previewed):
    client.force_login(users["admin"])
    url = reverse("deliverables:import_apply", args=[previewed.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "This file has already been imported" in response.content.decode()
    previewed.refresh_from_db()
    assert previewed.status == ImportStatus.APPLIED
    assert QuarterlyUpdate.objects.count() == 2


def test_expire_imports_deletes_files_left_unconfirmed_for_a_day(users, previewed):
    fresh = tracker_preview(users["admin"], factories.plan("other"), "2023-24-Q3", CSV, "s.csv")
    ImportRecord.objects.filter(pk=previewed.pk).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    out = io.StringIO()
    call_command("expire_imports", stdout=out)
    assert out.getvalue().strip() == "1 unconfirmed import expired."
    previewed.refresh_from_db()
    fresh.refresh_from_db()
    assert previewed.status == ImportStatus.CANCELLED
    assert previewed.content is None
    assert "not confirmed within 24 hours" in previewed.message
    assert fresh.status == ImportStatus.PREVIEWED and fresh.content is not None
    with pytest.raises(WorkflowError):
        tracker_apply(users["admin"], previewed)
