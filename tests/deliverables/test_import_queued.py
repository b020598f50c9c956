"""A confirmed import waiting in the queue for the worker (issue 18, review fixes): it cannot
be changed under the worker, the worker writes the preview confirmed or nothing, and a long
wait behind other work is a wait, not a stopped worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from deliverables import tasks
from deliverables.models import ImportRecord, QuarterlyUpdate
from deliverables.tracker.cancel import tracker_cancel
from deliverables.tracker.page import preview_seen
from deliverables.workflow import WorkflowError
from tests.deliverables.test_import_mapping import mapping_data, mapping_url
from tests.deliverables.test_import_races import previewed  # noqa: F401

pytestmark = pytest.mark.django_db


def _queued(admin_client, previewed, long_ago: bool = False) -> ImportRecord:  # noqa: F811
    admin_client.post(reverse("deliverables:import_apply", args=[previewed.pk]))
    if long_ago:  # behind a busy queue: queued over STUCK_AFTER ago, no worker yet
        ImportRecord.objects.filter(pk=previewed.pk).update(
            stage_at=timezone.now() - tasks.STUCK_AFTER - dt.timedelta(minutes=5)
        )
    record = ImportRecord.objects.get(pk=previewed.pk)
    assert record.stage == "queued"
    return record


@pytest.mark.parametrize("long_ago", [False, True])
def test_a_queued_import_page_offers_no_changes_and_says_it_is_waiting(
    admin_client,
    previewed,  # noqa: F811
    task_worker,
    long_ago,
):
    record = _queued(admin_client, previewed, long_ago)
    page = admin_client.get(record.get_absolute_url()).content.decode()
    assert "waiting for the background worker" in page
    assert reverse("deliverables:import_mapping", args=[record.pk]) not in page
    assert reverse("deliverables:import_answers", args=[record.pk]) not in page

    progress = admin_client.get(reverse("deliverables:import_progress", args=[record.pk]))
    text = progress.content.decode()
    assert "waiting for the background worker" in text
    assert "may have stopped" not in text


def test_a_remap_posted_to_a_queued_import_is_refused_with_a_clear_message(
    admin_client,
    previewed,  # noqa: F811
    task_worker,
):
    record = _queued(admin_client, previewed, long_ago=True)
    response = admin_client.post(mapping_url(record), mapping_data(record), follow=True)
    assert "Nothing was changed" in response.content.decode()
    assert ImportRecord.objects.get(pk=record.pk).summary == record.summary
    task_worker()
    assert ImportRecord.objects.get(pk=record.pk).status == "applied"


def test_cancelling_a_queued_import_says_it_is_waiting_not_being_written(
    admin_client,
    previewed,  # noqa: F811
    users,
    task_worker,
):
    record = _queued(admin_client, previewed)
    with pytest.raises(WorkflowError) as refused:
        tracker_cancel(users["admin"], record)
    assert "waiting for the background worker" in str(refused.value)
    assert "being written now" not in str(refused.value)
    assert "cannot be cancelled" in str(refused.value)


def test_the_worker_writes_nothing_when_the_preview_changed_after_it_was_confirmed(
    previewed,  # noqa: F811
    users,
):
    """Had a change slipped in between the confirm and the worker, the worker refuses: the
    record stays a preview, saying why, to be checked and confirmed again."""
    confirmed = preview_seen(previewed)
    ImportRecord.objects.filter(pk=previewed.pk).update(answers={"changed": "since"})

    result = tasks.import_run(previewed.pk, users["admin"].pk, confirmed)

    record = ImportRecord.objects.get(pk=previewed.pk)
    assert result.startswith("not imported")
    assert record.status == "previewed" and record.stage == "done"
    assert "changed after it was confirmed" in record.stage_message
    assert not QuarterlyUpdate.objects.exists()
