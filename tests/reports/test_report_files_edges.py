"""A report's files at the edges: a draft edited while its file is being made, a draft
published while someone waits on its file, and who may have a failed file made again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports import files
from reports.models import ReportFile
from reports.services import report_edit, report_start

pytestmark = pytest.mark.django_db


def _progress_url(file: ReportFile) -> str:
    return reverse("reports:report_file", args=[file.report_id, file.pk])


def test_a_draft_edited_while_its_file_is_being_made_is_not_given_the_file_of_before(
    client, cycle, task_worker, monkeypatch
):
    # A county PDF takes 12-53 s to make. The builder asks for the draft's PDF, spots a typo
    # in the introduction while it is being made, fixes it and asks again: file_request reuses
    # any pending/running file, so the second ask is sent to the file being made from the draft
    # as it was before the fix (and its page then downloads it as "the draft").
    report = report_start(cycle.performance, cycle.q3)
    client.force_login(cycle.performance)
    url = reverse("reports:report_pdf", args=[report.pk])
    client.get(url)
    first = ReportFile.objects.get(report=report, fmt="pdf")
    real = files.report_content
    seen: dict = {}

    def meanwhile(r):
        data = real(r)  # the worker has read the draft and is now laying it out
        seen["introduction"] = report.__class__.objects.get(pk=r.pk).introduction
        report_edit(
            cycle.performance,
            report,
            introduction="Corrected.",
            narratives={},
            extra_statuses=[],
        )
        seen["again"] = client.get(url)["Location"]
        return data

    monkeypatch.setattr(files, "report_content", meanwhile)
    task_worker(max_tasks=1)
    assert seen["introduction"] != "Corrected."  # the file made was of the draft before
    assert seen["again"] != _progress_url(first)


def test_a_builder_waiting_on_a_drafts_file_when_it_is_published_is_not_left_polling_a_404(
    client, cycle, task_worker, django_capture_on_commit_callbacks
):
    # report_files_start deletes the draft's files at publish, pending ones included. The page
    # waiting on one then gets 404 from its status endpoint; progress.js treats any non-OK
    # answer as a dropped connection and polls again every 4 s, for ever, still saying
    # "Waiting to be made" (it removed the meta refresh, so nothing else moves it on).
    from reports.services import report_publish

    report = report_start(cycle.performance, cycle.q3)
    client.force_login(cycle.performance)
    client.get(reverse("reports:report_pdf", args=[report.pk]))
    waiting = ReportFile.objects.get(report=report, fmt="pdf")
    with django_capture_on_commit_callbacks(execute=True):
        report_publish(cycle.performance, report)
    status = client.get(reverse("reports:report_file_status", args=[report.pk, waiting.pk]))
    # Expected: an answer the page can act on (finished, with where to go: the published
    # version's file), not a 404 the script retries for ever.
    assert status.status_code == 200
    assert status.json()["finished"] is True


def test_a_viewer_cannot_restart_the_making_of_a_published_file(
    client, cycle, task_worker, django_capture_on_commit_callbacks, monkeypatch
):
    # Viewers "change nothing" (DESIGN.md); report_file_retry only needs read access, so any
    # signed-in reader can re-queue a failed published file's making, outside the render slots.
    from reports.models import FileState
    from reports.services import report_publish

    report = report_start(cycle.performance, cycle.q3)
    with django_capture_on_commit_callbacks(execute=True):
        report_publish(cycle.performance, report)
    file = ReportFile.objects.get(report=report, fmt="pdf")
    ReportFile.objects.filter(pk=file.pk).update(state=FileState.FAILED, attempts=3)
    client.force_login(cycle.viewer)
    client.post(reverse("reports:report_file_retry", args=[report.pk, file.pk]))
    assert ReportFile.objects.get(pk=file.pk).state == FileState.FAILED
