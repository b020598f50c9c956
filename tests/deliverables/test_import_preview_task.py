"""A big tracker upload previewed by the worker: the upload answers at once, the import's page
shows the preview's progress until it is ready, then is the normal preview; a file that cannot
be read is refused saying why, other failures are tried again a bounded number of times, and
cancel, expiry and the "under way" rule cover a preview that waits."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from deliverables.models import Action, ImportRecord, QuarterlyUpdate
from deliverables.tasks import preview_run
from deliverables.tracker import background
from deliverables.tracker.expiry import tracker_expire
from deliverables.tracker.services import tracker_preview
from tests.deliverables.test_import import COUNCIL, sandwell_plan
from tests.deliverables.test_import_pages import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def big(settings):
    """Every upload counts as big, so the council's small tracker goes to the worker."""
    settings.TRACKER_BACKGROUND_PREVIEW_BYTES = 0


@pytest.fixture
def plan(db):
    return sandwell_plan("council-plan-2024-30.json")


@pytest.fixture
def waiting(admin_client, plan, big, task_worker):
    """The council tracker uploaded as a big file: kept, its preview queued, not yet made."""
    response = upload(admin_client, plan)
    record = ImportRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    return record


def _status(client, record: ImportRecord) -> dict:
    url = reverse("deliverables:import_progress_status", args=[record.pk])
    return json.loads(client.get(url).content)


def test_a_big_upload_is_previewed_by_the_worker_through_its_stages(
    admin_client, waiting, task_worker, monkeypatch
):
    assert (waiting.status, waiting.stage) == ("previewing", "queued")
    assert waiting.summary == {} and waiting.rows == []  # nothing read in the request
    assert bytes(waiting.content) == COUNCIL.read_bytes()
    page = admin_client.get(waiting.get_absolute_url()).content.decode()
    assert f"Previewing {COUNCIL.name}" in page
    assert "Waiting to start" in page and "Cancel this preview" in page
    assert '<meta http-equiv="refresh" content="2">' in page and "js/progress.js" in page
    assert '<progress class="app-progress" id="import-progress-bar" max="4" value="0"' in page
    assert 'aria-valuetext="0% (Waiting to start)"' in page
    assert "Import now" not in page
    assert _status(admin_client, waiting) == {
        "state": "queued",
        "label": "Waiting to start",
        "message": "",
        "finished": False,
        "stuck": False,
        "result": None,
    }
    listing = admin_client.get(reverse("deliverables:imports")).content.decode()
    assert "Being previewed: waiting to start" in listing

    seen: list[tuple[str, str]] = []
    make = background.preview_make

    def watching(record, stage):
        def note(name):
            stage(name)
            page = admin_client.get(record.get_absolute_url()).content.decode()
            bar = page.split('id="import-progress-bar"')[1].split(">")[0]
            seen.append((ImportRecord.objects.get(pk=record.pk).stage, bar))

        return make(record, note)

    monkeypatch.setattr("deliverables.tasks.preview_make", watching)
    task_worker()
    assert [stage for stage, _ in seen] == ["reading", "matching"]
    assert 'value="1"' in seen[0][1] and 'value="3"' in seen[1][1]  # the bar moves
    waiting.refresh_from_db()
    assert (waiting.status, waiting.stage, waiting.attempts) == ("previewed", "", 0)
    assert waiting.summary["created"]["updates"] == 23
    status = _status(admin_client, waiting)
    assert (status["label"], status["finished"]) == ("Preview ready", True)
    assert status["result"] == waiting.get_absolute_url()
    page = admin_client.get(waiting.get_absolute_url()).content.decode()
    assert "Check before importing" in page and "Import now" in page
    assert 'http-equiv="refresh"' not in page
    assert not Action.objects.exists()  # a preview writes nothing


def test_the_background_preview_is_the_one_the_request_makes_and_what_the_import_writes(
    admin_client, waiting, task_worker, users, plan
):
    task_worker()
    waiting.refresh_from_db()
    at_once = tracker_preview(
        users["admin"], plan, "2024-25-Q2", COUNCIL.read_bytes(), COUNCIL.name
    )
    assert waiting.summary == at_once.summary
    assert waiting.rows == at_once.rows
    assert (waiting.status, waiting.message, waiting.mapping) == (
        at_once.status,
        at_once.message,
        at_once.mapping,
    )
    at_once.delete()
    apply = reverse("deliverables:import_apply", args=[waiting.pk])
    assert admin_client.post(apply)["Location"].endswith("/progress/")
    task_worker()
    waiting.refresh_from_db()
    assert waiting.status == "applied"
    created = waiting.summary["created"]
    assert QuarterlyUpdate.objects.count() == created["updates"] == 23
    assert Action.objects.count() == created["actions"]


def test_small_uploads_keep_the_preview_in_the_request(admin_client, plan, task_worker):
    upload(admin_client, plan)  # 30 KB against the default 250,000 bytes
    record = ImportRecord.objects.get()
    assert (record.status, record.stage) == ("previewed", "")
    assert not DBTaskResult.objects.exists()


def test_with_tasks_run_at_once_the_upload_shows_the_preview(admin_client, plan, big):
    response = upload(admin_client, plan)
    assert "Check before importing" in admin_client.get(response["Location"]).content.decode()
    assert ImportRecord.objects.get().status == "previewed"


def test_a_file_that_is_not_a_tracker_is_refused_saying_why_and_not_tried_again(
    admin_client, plan, big, task_worker
):
    data = {
        "plan": plan.pk,
        "period": "2024-25-Q2",
        "file": SimpleUploadedFile("tracker.xlsx", b"not a workbook at all"),
    }
    admin_client.post(reverse("deliverables:import_new"), data)
    record = ImportRecord.objects.get()
    assert record.status == "previewing"
    task_worker()
    record.refresh_from_db()
    assert record.status == "refused" and record.content is None
    assert record.message.startswith("tracker.xlsx is named .xlsx but is not an Excel workbook")
    assert DBTaskResult.objects.count() == 1  # the file's fault: no retry
    page = admin_client.get(record.get_absolute_url()).content.decode()
    assert record.message.split(" (")[0] in page
    assert _status(admin_client, record)["label"] == "File refused"


def test_a_failure_not_the_files_is_tried_again_then_shown_with_nothing_kept(
    admin_client, waiting, task_worker, monkeypatch
):
    def broken(*args, **kwargs):
        raise ConnectionResetError("the database went away mid-preview")

    monkeypatch.setattr("deliverables.tracker.background._prepare", broken)
    task_worker()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.content, waiting.summary) == ("failed", None, {})
    assert "could not be made: it failed 3 times" in waiting.message
    assert "the database went away mid-preview" in waiting.message
    assert DBTaskResult.objects.failed().count() == 3
    page = admin_client.get(waiting.get_absolute_url()).content.decode()
    assert "it failed 3 times" in page
    assert "Import now" not in page


def test_two_workers_cannot_preview_the_same_upload(waiting, task_worker, monkeypatch):
    made: list[int] = []
    make = background.preview_make

    def counting(record, stage):
        made.append(record.pk)
        assert preview_run(record.pk) == "nothing to do"  # a second worker, meanwhile
        return make(record, stage)

    monkeypatch.setattr("deliverables.tasks.preview_make", counting)
    task_worker()
    assert made == [waiting.pk]
    assert preview_run(waiting.pk) == "nothing to do"  # and once it is made
    waiting.refresh_from_db()
    assert waiting.status == "previewed"


def test_a_waiting_preview_can_be_cancelled_and_the_worker_keeps_nothing(
    admin_client, waiting, task_worker
):
    response = admin_client.post(reverse("deliverables:import_cancel", args=[waiting.pk]))
    assert response["Location"] == reverse("deliverables:imports")
    task_worker()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.content, waiting.summary) == ("cancelled", None, {})
    assert _status(admin_client, waiting)["finished"] is True


def test_a_preview_cancelled_while_it_is_made_is_not_stored(
    admin_client, waiting, task_worker, monkeypatch
):
    make = background.preview_make

    def cancelled_meanwhile(record, stage):
        admin_client.post(reverse("deliverables:import_cancel", args=[record.pk]))
        return make(record, stage)

    monkeypatch.setattr("deliverables.tasks.preview_make", cancelled_meanwhile)
    task_worker()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.content, waiting.summary) == ("cancelled", None, {})


def test_the_daily_expiry_forgets_a_preview_left_waiting(waiting):
    ImportRecord.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    assert tracker_expire() == 1
    waiting.refresh_from_db()
    assert (waiting.status, waiting.content) == ("cancelled", None)


def test_a_preview_not_ready_cannot_be_confirmed_or_changed(admin_client, waiting):
    for name in ("import_apply", "import_answers", "import_mapping"):
        response = admin_client.post(reverse(f"deliverables:{name}", args=[waiting.pk]))
        assert response.status_code in (302, 400), name
    waiting.refresh_from_db()
    assert waiting.status == "previewing"
    assert DBTaskResult.objects.count() == 1  # only the preview's own task
    assert not Action.objects.exists()


def test_a_preview_whose_worker_stopped_says_so(admin_client, waiting):
    ImportRecord.objects.update(stage="reading", stage_at=timezone.now() - dt.timedelta(hours=1))
    page = admin_client.get(waiting.get_absolute_url()).content.decode()
    assert "This preview has not moved for a long time" in page
    assert "Cancel this preview" in page


def test_the_progress_status_of_a_preview_takes_a_fixed_number_of_queries(
    admin_client, waiting, django_assert_num_queries
):
    url = reverse("deliverables:import_progress_status", args=[waiting.pk])
    admin_client.get(url)  # the session's first read done
    # The session, the user, the second factor's check, the record with its plan: the same
    # at every stage, polled every two seconds by the page's script.
    with django_assert_num_queries(5):
        assert admin_client.get(url).status_code == 200
    ImportRecord.objects.update(stage="matching", stage_at=timezone.now())
    with django_assert_num_queries(5):
        assert admin_client.get(url).status_code == 200


def test_only_administrators_see_a_preview_being_made(client, users, waiting):
    for name in ("import", "import_progress", "import_progress_status"):
        url = reverse(f"deliverables:{name}", args=[waiting.pk])
        for role in ("performance", "viewer", "officer"):
            client.force_login(users[role])
            assert client.get(url).status_code == 403, (name, role)
    client.force_login(users["performance"])
    client.post(reverse("deliverables:import_cancel", args=[waiting.pk]))
    waiting.refresh_from_db()
    assert waiting.status == "previewing"


def test_a_preview_being_made_answers_only_get(admin_client, waiting):
    for name in ("import", "import_progress_status"):
        url = reverse(f"deliverables:{name}", args=[waiting.pk])
        assert admin_client.post(url).status_code == 405


def test_the_worker_reads_with_its_own_time_budget_not_the_requests(
    admin_client, plan, settings, task_worker
):
    # A read budget no request could meet: the upload in the request is refused for it...
    settings.IMPORT_MAX_SECONDS = 0
    upload(admin_client, plan)
    refused = ImportRecord.objects.get()
    assert refused.status == "refused" and "took too long to read" in refused.message
    # ...while the worker, which holds no request, reads with IMPORT_MAX_BACKGROUND_SECONDS.
    settings.TRACKER_BACKGROUND_PREVIEW_BYTES = 0
    upload(admin_client, plan)
    task_worker()
    record = ImportRecord.objects.latest("pk")
    assert record.status == "previewed", record.message
    admin_client.post(reverse("deliverables:import_apply", args=[record.pk]))
    task_worker()
    record.refresh_from_db()
    assert record.status == "applied" and QuarterlyUpdate.objects.count() == 23
