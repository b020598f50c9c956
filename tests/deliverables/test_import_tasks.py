"""A confirmed tracker import written in the background by a worker run in the test: its
stages recorded and shown, the result under Imports, and a failure that writes nothing."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from deliverables.models import Action, ImportRecord, QuarterlyUpdate
from deliverables.tracker import services
from tests.deliverables.test_import import sandwell_plan
from tests.deliverables.test_import_pages import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def previewed(admin_client):
    """The council plan's tracker uploaded and previewed (the preview runs in the request)."""
    upload(admin_client, sandwell_plan("council-plan-2024-30.json"))
    return ImportRecord.objects.get()


def _status(client, record: ImportRecord) -> dict:
    url = reverse("deliverables:import_progress_status", args=[record.pk])
    return json.loads(client.get(url).content)


def test_a_confirmed_import_is_written_by_the_worker_through_its_stages(
    admin_client, previewed, task_worker, monkeypatch
):
    response = admin_client.post(reverse("deliverables:import_apply", args=[previewed.pk]))
    progress = reverse("deliverables:import_progress", args=[previewed.pk])
    assert response["Location"] == progress
    assert not QuarterlyUpdate.objects.exists()  # queued, not written in the request
    page = admin_client.get(progress).content.decode()
    assert "Waiting to start" in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "js/progress.js" in page
    assert _status(admin_client, previewed) == {
        "state": "queued",
        "label": "Waiting to start",
        "message": "",
        "finished": False,
        "stuck": False,
        "result": None,
    }

    seen: list[str] = []
    record_stage = services.tracker_apply

    def watching(user, record, stage):
        def note(name):
            stage(name)
            seen.append(ImportRecord.objects.get(pk=record.pk).stage)  # as the page reads it

        return record_stage(user, record, note)

    monkeypatch.setattr("deliverables.tasks.tracker_apply", watching)
    task_worker()
    assert seen == ["reading", "matching", "writing"]
    assert QuarterlyUpdate.objects.count() == 23
    previewed.refresh_from_db()
    assert (previewed.status, previewed.stage, previewed.attempts) == ("applied", "done", 1)
    status = _status(admin_client, previewed)
    assert (status["label"], status["finished"]) == ("Imported", True)
    assert status["result"] == previewed.get_absolute_url()
    page = admin_client.get(progress).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert page.count("<strong>Done</strong>") == 3
    listing = admin_client.get(reverse("deliverables:imports")).content.decode()
    assert previewed.file_name in listing


def test_a_failing_import_writes_nothing_and_says_why_after_its_tries(
    admin_client, previewed, task_worker, monkeypatch
):
    from deliverables.tracker.importer import ImportPreview

    writes = ImportPreview.apply

    def broken(self, *args, **kwargs):
        writes(self, *args, **kwargs)  # every row written, then the connection gives way
        assert QuarterlyUpdate.objects.count() == 23
        raise ConnectionResetError("the database went away mid-import")

    monkeypatch.setattr(ImportPreview, "apply", broken)
    admin_client.post(reverse("deliverables:import_apply", args=[previewed.pk]))
    task_worker()
    previewed.refresh_from_db()
    assert (previewed.status, previewed.attempts) == ("previewed", 3)
    assert "Nothing was imported: it failed 3 times" in previewed.stage_message
    assert "the database went away mid-import" in previewed.stage_message
    assert not Action.objects.exists() and not QuarterlyUpdate.objects.exists()
    assert DBTaskResult.objects.failed().count() == 3
    page = admin_client.get(reverse("deliverables:import_progress", args=[previewed.pk]))
    assert "Not imported" in page.content.decode()
    assert "it failed 3 times" in page.content.decode()


def test_an_import_already_written_is_not_written_twice(admin_client, previewed, task_worker):
    apply = reverse("deliverables:import_apply", args=[previewed.pk])
    admin_client.post(apply)
    # Confirmed again while the first is still queued: no second task.
    assert admin_client.post(apply)["Location"].endswith("/progress/")
    assert DBTaskResult.objects.count() == 1
    task_worker()
    assert QuarterlyUpdate.objects.count() == 23
    response = admin_client.post(apply, follow=True)  # and again, once written
    assert "already been imported" in response.content.decode()
    assert QuarterlyUpdate.objects.count() == 23


def test_only_administrators_see_an_imports_progress(client, users, previewed):
    for name in ("import_progress", "import_progress_status"):
        url = reverse(f"deliverables:{name}", args=[previewed.pk])
        for role in ("performance", "viewer", "officer"):
            client.force_login(users[role])
            assert client.get(url).status_code == 403, (name, role)


def test_progress_answers_only_get(admin_client, previewed):
    for name in ("import_progress", "import_progress_status"):
        url = reverse(f"deliverables:{name}", args=[previewed.pk])
        assert admin_client.post(url).status_code == 405


def test_the_progress_of_an_import_that_does_not_exist_is_not_found(admin_client):
    url = reverse("deliverables:import_progress", args=[999999])
    assert admin_client.get(url).status_code == 404


def test_an_import_whose_worker_stopped_can_be_confirmed_again(
    admin_client, previewed, task_worker
):
    import datetime as dt

    from django.utils import timezone

    apply = reverse("deliverables:import_apply", args=[previewed.pk])
    admin_client.post(apply)
    # The worker took it and stopped mid-write an hour ago (its transaction rolled back).
    ImportRecord.objects.filter(pk=previewed.pk).update(
        stage="writing", stage_at=timezone.now() - dt.timedelta(hours=1)
    )
    DBTaskResult.objects.update(status="RUNNING")
    page = admin_client.get(reverse("deliverables:import_progress", args=[previewed.pk]))
    assert "has not moved for a long time" in page.content.decode()
    assert admin_client.post(apply)["Location"].endswith("/progress/")
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # queued again
    task_worker()
    assert QuarterlyUpdate.objects.count() == 23
