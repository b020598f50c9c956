"""Fresh-eyes review (r1): a tracker import confirmed and written by the worker."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliverables.models import ImportRecord, ImportStage, ImportStatus, QuarterlyUpdate
from deliverables.tracker.revise import tracker_answer
from plans.models import StrategicOutcome
from tests.deliverables.test_import_mapping import (  # noqa: F401 - fixtures
    mapping_data,
    mapping_url,
    plan,
    preview,
)

pytestmark = pytest.mark.django_db


def _confirmed(admin_client, users, plan):  # noqa: F811
    """A preview with "Where we are" unused (so no commentary), confirmed: queued for the
    worker, which has not started it yet."""
    StrategicOutcome.objects.create(plan=plan, name="Homes for all", order=1)
    record = preview(users["admin"], plan)
    assert "where we are" in {c["key"] for c in record.summary["unused_columns"]}
    [asked] = [q for q in record.summary["questions"] if q["key"].startswith("outcome:")]
    [chosen] = [value for value, label in asked["choices"] if label == "Homes for all"]
    record = tracker_answer(users["admin"], record, {asked["key"]: chosen})
    response = admin_client.post(reverse("deliverables:import_apply", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.stage) == (ImportStatus.PREVIEWED, ImportStage.QUEUED)
    return record


def test_a_confirmed_import_waiting_for_the_worker_cannot_be_remapped_under_it(
    admin_client,
    users,
    plan,  # noqa: F811
    task_worker,
):
    """What the administrator sees: they confirm a preview that says the "Where we are"
    column is not used, and the import then writes that column into every update's
    commentary (or, with answers, into other outcomes): something nobody confirmed.

    How: confirming now only queues the import (status stays PREVIEWED, stage QUEUED). The
    mapping and answers forms (import_mapping, import_answers -> revise.tracker_remap /
    tracker_answer) still accept a change: require_previewed and _revise's conditional UPDATE
    ("only while previewed: a confirm ... in another tab meanwhile keeps its record") test
    the status alone, a rule written for the synchronous import that drifted from
    stages.not_under_way_q. A second tab, a colleague, or the same person using the form
    still on the page while the worker is busy with a long report, changes the mapping; the
    worker then reads the new mapping and the new stored summary, tracker_apply's figures
    check compares the re-prepared preview with that new summary, finds them equal, and
    writes the remapped import.

    Fix: refuse remap/answers while the import is queued or being written
    (filter(not_under_way_q()) in require_previewed and in _revise's conditional UPDATE),
    or have import_enqueue record the confirmed preview_seen and import_run refuse if it
    changed."""
    record = _confirmed(admin_client, users, plan)
    record = ImportRecord.objects.get(pk=record.pk)
    admin_client.post(mapping_url(record), mapping_data(record, {"Where we are": "commentary"}))
    task_worker()
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
    written = set(QuarterlyUpdate.objects.values_list("commentary", flat=True))
    assert written == {""}, f"the import wrote commentary nobody confirmed: {written}"


def test_a_confirmed_import_still_waiting_in_a_busy_queue_is_not_expired(
    admin_client,
    users,
    plan,  # noqa: F811
    task_worker,
):
    """What the administrator sees: an import they confirmed (previewed yesterday, confirmed
    today) ends "Cancelled: Expired: not confirmed within 24 hours, so the uploaded file was
    deleted", and nothing is imported, although they did confirm it and no worker failed.

    How: stages.not_under_way_q treats any stage older than STUCK_AFTER (30 min) as a worker
    that has stopped, but a QUEUED stage's time is when it was queued, not a worker's
    heartbeat. Behind a busy queue (a plan switched public queues a 15-53 s PDF per published
    report; a publish queues four files) a confirmed import can wait more than 30 minutes; the
    02:30 expire_imports run (on another worker) then finds it "forgettable" and cancels it,
    deleting the file; when its task finally runs, tracker_apply refuses ("This import is
    cancelled: nothing to do"). The same rule makes its progress page say the worker "may have
    stopped" and invite a second confirm.

    Fix: a QUEUED stage is under way while its task is still waiting in the queue (look up
    the DBTaskResult, or store the task id on the record), or never apply STUCK_AFTER to a
    queued stage in expiry/cancel."""
    from datetime import timedelta

    from django.utils import timezone

    from deliverables.tracker.expiry import tracker_expire

    record = _confirmed(admin_client, users, plan)
    long_ago = timezone.now() - timedelta(minutes=31)
    ImportRecord.objects.filter(pk=record.pk).update(
        stage_at=long_ago, created_at=timezone.now() - timedelta(days=2)
    )
    assert tracker_expire() == 0, "the confirmed import waiting in the queue was expired"
    task_worker()
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
