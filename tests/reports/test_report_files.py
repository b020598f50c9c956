"""Report files made in the background by a worker: stored once at publish and served as
stored; a draft's made on request; progress a person can follow; failures shown with why."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from reports import files
from reports.models import FileState, ReportFile
from reports.services import report_publish, report_start


@pytest.fixture
def report(cycle):
    return report_start(cycle.performance, cycle.q3)


@pytest.fixture
def published(cycle, report, task_worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report_publish(cycle.performance, report)
    return report


def _progress_url(file: ReportFile) -> str:
    return reverse("reports:report_file", args=[file.report_id, file.pk])


@pytest.mark.django_db
def test_publishing_queues_its_four_files_and_a_worker_makes_them(cycle, published, task_worker):
    queued = ReportFile.objects.filter(report=published).order_by("fmt")
    assert [(f.fmt, f.state, f.frozen) for f in queued] == [
        ("docx", "pending", True),
        ("pdf", "pending", True),
        ("sum", "pending", True),  # the summary layout (reports.summary)
        ("xlsx", "pending", True),
    ]
    assert DBTaskResult.objects.ready().count() == 4
    task_worker()
    made = {f.fmt: f for f in ReportFile.objects.filter(report=published)}
    assert {f.state for f in made.values()} == {FileState.DONE}
    pdf = bytes(made["pdf"].content)
    assert pdf.startswith(b"%PDF")
    assert made["pdf"].sha256 == hashlib.sha256(pdf).hexdigest()
    assert made["pdf"].size == len(pdf)
    assert made["pdf"].attempts == 1
    assert DBTaskResult.objects.successful().count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_a_published_reports_download_is_the_stored_file_byte_for_byte(
    client, cycle, published, task_worker, monkeypatch, fmt
):
    task_worker()
    stored = ReportFile.objects.get(report=published, fmt=fmt)

    def never(data):
        raise AssertionError("a stored file is not made again")

    monkeypatch.setitem(files.RENDERERS, fmt, never)
    client.force_login(cycle.viewer)
    for _ in range(2):
        response = client.get(reverse(f"reports:report_{fmt}", args=[published.pk]))
        assert response.status_code == 200
        assert response.content == bytes(stored.content)
        assert hashlib.sha256(response.content).hexdigest() == stored.sha256
    assert response["Content-Disposition"].endswith(f'-exception-report-v1.{fmt}"')
    assert ReportFile.objects.filter(report=published, fmt=fmt).count() == 1


@pytest.mark.django_db
def test_while_a_file_is_being_made_the_download_shows_its_progress(
    client, cycle, published, task_worker
):
    client.force_login(cycle.viewer)
    response = client.get(reverse("reports:report_pdf", args=[published.pk]))
    file = ReportFile.objects.get(report=published, fmt="pdf")
    assert response.status_code == 302
    assert response["Location"] == _progress_url(file)

    page = client.get(_progress_url(file)).content.decode()
    assert "Waiting to be made" in page
    assert '<meta http-equiv="refresh" content="3">' in page  # follows without script
    assert "js/progress.js" in page  # and live with it
    assert "<script>" not in page  # nothing inline: the strict CSP holds
    status_url = reverse("reports:report_file_status", args=[published.pk, file.pk])
    status = json.loads(client.get(status_url).content)
    assert (status["state"], status["finished"], status["download"]) == ("pending", False, None)

    task_worker()
    status = json.loads(client.get(status_url).content)
    download = reverse("reports:report_file_download", args=[published.pk, file.pk])
    assert (status["state"], status["finished"], status["download"]) == ("done", True, download)
    page = client.get(_progress_url(file)).content.decode()
    assert "Ready" in page
    assert 'http-equiv="refresh"' not in page
    assert f'href="{download}"' in page
    downloaded = client.get(download)
    assert downloaded.content == bytes(ReportFile.objects.get(pk=file.pk).content)


@pytest.mark.django_db
def test_a_failing_file_is_tried_three_times_then_shown_failed_with_its_reason(
    client, cycle, published, task_worker, monkeypatch
):
    def broken(data):
        raise RuntimeError("the renderer fell over")

    working = files.RENDERERS["pdf"]
    monkeypatch.setitem(files.RENDERERS, "pdf", broken)
    task_worker()
    file = ReportFile.objects.get(report=published, fmt="pdf")
    assert (file.state, file.attempts) == (FileState.FAILED, 3)
    assert "after 3 attempts: RuntimeError: the renderer fell over" in file.message
    assert (bytes(file.content), file.sha256, file.size) == (b"", "", 0)  # nothing stored
    failures = DBTaskResult.objects.failed()
    assert failures.count() == 3
    assert "the renderer fell over" in failures.first().traceback
    # The other two files are not held up by it.
    assert set(ReportFile.objects.exclude(pk=file.pk).values_list("state", flat=True)) == {"done"}

    client.force_login(cycle.viewer)
    response = client.get(reverse("reports:report_pdf", args=[published.pk]), follow=True)
    page = response.content.decode()
    assert "Could not be made" in page
    assert "the renderer fell over" in page
    assert "Make the file again" not in page  # the performance team's to do
    retry = reverse("reports:report_file_retry", args=[published.pk, file.pk])
    assert client.post(retry).status_code == 403

    client.force_login(cycle.performance)
    assert "Make the file again" in client.get(_progress_url(file)).content.decode()
    monkeypatch.setitem(files.RENDERERS, "pdf", working)  # mended: asking again makes it
    assert client.post(retry)["Location"] == _progress_url(file)
    assert ReportFile.objects.get(pk=file.pk).state == FileState.PENDING
    task_worker()
    file.refresh_from_db()
    assert (file.state, file.attempts, file.message) == (FileState.DONE, 1, "")


@pytest.mark.django_db
def test_a_drafts_file_is_made_on_request_and_named_as_a_draft(client, cycle, report, task_worker):
    client.force_login(cycle.performance)
    url = reverse("reports:report_docx", args=[report.pk])
    first = client.get(url)
    file = ReportFile.objects.get(report=report)
    assert first["Location"] == _progress_url(file)
    assert not file.frozen
    assert client.get(url)["Location"] == _progress_url(file)  # still waiting: the same file
    task_worker()
    done = client.get(reverse("reports:report_file_download", args=[report.pk, file.pk]))
    assert done.content.startswith(b"PK")
    assert done["Content-Disposition"].endswith('-exception-report-v1-draft.docx"')
    # Asked for again, a draft's file is made again from the draft as it stands now.
    again = client.get(url)
    assert again.status_code == 302
    assert list(ReportFile.objects.filter(report=report).values_list("state", flat=True)) == [
        "pending"
    ]


@pytest.mark.django_db
def test_a_file_not_yet_made_goes_back_to_its_progress_page(client, cycle, report, task_worker):
    client.force_login(cycle.performance)
    client.get(reverse("reports:report_pdf", args=[report.pk]))
    file = ReportFile.objects.get(report=report)
    response = client.get(reverse("reports:report_file_download", args=[report.pk, file.pk]))
    assert response["Location"] == _progress_url(file)
    # A retry of a file still on its way changes nothing.
    client.post(reverse("reports:report_file_retry", args=[report.pk, file.pk]))
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_outsiders_cannot_see_a_drafts_file_nor_reach_it_through_another_report(
    client, cycle, published, task_worker
):
    draft = report_start(cycle.performance, cycle.q3)  # the correction, version 2
    client.force_login(cycle.performance)
    client.get(reverse("reports:report_pdf", args=[draft.pk]))
    draft_file = ReportFile.objects.get(report=draft)
    task_worker()
    assert client.get(_progress_url(draft_file)).status_code == 200
    client.force_login(cycle.viewer)
    for name in ("report_file", "report_file_status", "report_file_download"):
        assert client.get(
            reverse(f"reports:{name}", args=[draft.pk, draft_file.pk])
        ).status_code == (404)
        # The published version's address with the draft's file: not found either.
        response = client.get(reverse(f"reports:{name}", args=[published.pk, draft_file.pk]))
        assert response.status_code == 404
    retry = reverse("reports:report_file_retry", args=[draft.pk, draft_file.pk])
    assert client.post(retry).status_code == 404


@pytest.mark.django_db
def test_progress_pages_answer_only_their_methods(client, cycle, published):
    file = ReportFile.objects.get(report=published, fmt="pdf")
    client.force_login(cycle.performance)
    args = [published.pk, file.pk]
    assert client.post(reverse("reports:report_file", args=args)).status_code == 405
    assert client.post(reverse("reports:report_file_status", args=args)).status_code == 405
    assert client.post(reverse("reports:report_file_download", args=args)).status_code == 405
    assert client.get(reverse("reports:report_file_retry", args=args)).status_code == 405


@pytest.mark.django_db
def test_a_file_that_does_not_exist_is_not_found(client, cycle, published):
    client.force_login(cycle.performance)
    assert client.get(reverse("reports:report_file", args=[published.pk, 999999])).status_code == (
        404
    )


@pytest.mark.django_db
def test_a_publish_that_rolls_back_queues_nothing(
    cycle, report, task_worker, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        report_publish(cycle.performance, report)
        raise RuntimeError("something later in the same request failed")
    assert not ReportFile.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_the_status_endpoint_reads_without_the_files_bytes(
    client, cycle, published, task_worker, django_assert_num_queries
):
    task_worker()
    file = ReportFile.objects.get(report=published, fmt="pdf")
    client.force_login(cycle.viewer)
    url = reverse("reports:report_file_status", args=[published.pk, file.pk])
    client.get(url)
    with django_assert_num_queries(7) as captured:
        client.get(url)
    selected = [q["sql"].split(" FROM ")[0] for q in captured.captured_queries]
    assert not [s for s in selected if '"reports_reportfile"."content"' in s], selected


@pytest.mark.django_db
def test_a_stored_file_is_served_even_while_the_persons_other_files_are_being_made(
    client, cycle, published, task_worker
):
    from contextlib import ExitStack

    from reports.limits import RENDERS_PER_USER, render_slot

    task_worker()
    client.force_login(cycle.viewer)
    with ExitStack() as renders:
        for _ in range(RENDERS_PER_USER):
            assert renders.enter_context(render_slot(cycle.viewer))
        response = client.get(reverse("reports:report_pdf", args=[published.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
