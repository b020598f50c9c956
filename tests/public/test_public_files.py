"""The public PDF of a published report: a name-free copy made once by the worker and served
as stored. No public request renders a PDF; while the copy is made, or if it could not be,
the address says so (never a 500); a copy made under another choice about officers' names,
or of a quarter reopened since, is never served."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from deliverables.services.periods import period_close, period_reopen
from plans.models import Plan
from public.files import public_files_start
from public.services import plan_public_set
from reports import files
from reports.models import FileState, ReportFile, ReportKind
from reports.services import report_publish, report_start
from tests.public import test_open_data
from tests.public.test_open_data import NAMES

published = test_open_data.published  # Q3 published on a public plan, officers named


def pdf_url(world, report=None) -> str:
    return reverse("public:report_pdf", args=[world.plan.slug, (report or world.report).pk])


def words(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def public_copies(report=None):
    found = ReportFile.objects.filter(public=True)
    return found.filter(report=report) if report is not None else found


@pytest.fixture
def spy(monkeypatch):
    """Every PDF render, counted (the worker's, as the public views have no other way)."""
    calls = []
    for table in (files.RENDERERS, files.RECOMMENDATION_RENDERERS):
        real = table["pdf"]

        def counted(data, real=real):
            calls.append(data)
            return real(data)

        monkeypatch.setitem(table, "pdf", counted)
    return calls


@pytest.mark.django_db
def test_publishing_on_a_public_plan_queues_a_name_free_copy_the_worker_makes(
    cycle, directorates, task_worker, django_capture_on_commit_callbacks, client, spy
):
    Plan.objects.filter(pk=cycle.plan.pk).update(public=True)
    cycle.officer.first_name, cycle.officer.last_name = "Olu", "Zebedee"
    cycle.officer.save()
    report = report_start(cycle.performance, cycle.q3, ReportKind.EXCEPTIONS)
    with django_capture_on_commit_callbacks(execute=True):
        report_publish(cycle.performance, report)
    copy = public_copies(report).get()
    assert (copy.fmt, copy.state, copy.frozen, copy.public_names) == ("pdf", "pending", True, False)
    # The signed-in files are the published version's own, as before: one of each format
    # (PDF, Word, Excel and the summary PDF).
    signed_in = ReportFile.objects.filter(report=report, public=False)
    assert sorted(signed_in.values_list("fmt", flat=True)) == sorted(files.renderers_for(report))
    assert spy == []  # queued, not made in the publish
    task_worker()
    copy.refresh_from_db()
    stored = bytes(copy.content)
    assert copy.state == FileState.DONE and copy.sha256 == hashlib.sha256(stored).hexdigest()
    assert "Zebedee" not in words(stored)
    signed_in = ReportFile.objects.get(report=report, fmt="pdf", public=False)
    assert "Zebedee" in words(bytes(signed_in.content))  # the council's own copy keeps names


@pytest.mark.django_db
def test_no_copy_for_a_draft_or_a_plan_whose_pages_are_off(
    cycle, django_capture_on_commit_callbacks
):
    draft = report_start(cycle.performance, cycle.q3, ReportKind.EXCEPTIONS)
    with django_capture_on_commit_callbacks(execute=True):
        report_publish(cycle.performance, draft)  # the plan's public pages are off
        report_start(cycle.performance, cycle.q3, ReportKind.RECOMMENDATIONS)  # a draft
    assert not public_copies().exists()
    assert files.public_file_request(
        report_start(cycle.performance, cycle.q4, ReportKind.EXCEPTIONS), False
    ) is None  # fmt: skip


@pytest.mark.django_db
def test_switching_the_pages_on_makes_the_copy_of_each_report_the_preview_lists(
    client, published, task_worker, django_capture_on_commit_callbacks
):
    Plan.objects.filter(pk=published.plan.pk).update(public=False)
    published.plan.refresh_from_db()
    client.force_login(published.cycle.performance)
    manage = reverse("public:manage", args=[published.plan.slug])
    preview = client.get(manage).content.decode()
    assert "the PDF of each of these 2 published reports is made once" in preview
    with django_capture_on_commit_callbacks(execute=True):
        client.post(manage, {"public": "on", "confirm": "on"})
    assert set(public_copies().values_list("report", flat=True)) == {
        published.report.pk, published.recommendations.pk
    }  # fmt: skip
    task_worker()
    assert set(public_copies().values_list("state", flat=True)) == {FileState.DONE}
    # Switching on again (already on) queues nothing more; off queues nothing.
    with django_capture_on_commit_callbacks(execute=True):
        plan_public_set(published.cycle.performance, published.plan, True)
        public_files_start(published.plan.pk)
    assert public_copies().count() == 2


@pytest.mark.django_db
def test_the_download_is_the_stored_file_byte_for_byte_and_no_request_renders(
    client, published, task_worker, spy
):
    url = pdf_url(published)
    waiting = client.get(url)  # the first look asks for the copy: the worker makes it
    assert spy == []
    assert waiting.status_code == 202
    page = waiting.content.decode()
    assert "This PDF is being made" in page
    # No self-reload (it would send a screen reader to the top every few seconds): a link.
    assert 'http-equiv="refresh"' not in page and "<script>" not in page
    assert f'href="{url}">Check again</a>' in page
    assert waiting["Cache-Control"] == "no-store" and waiting["Retry-After"] == "5"
    assert client.get(url).status_code == 202  # asked again: still the one copy, queued once
    assert public_copies().count() == 1
    task_worker()
    assert len(spy) == 1
    stored = bytes(public_copies().get().content)
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content == stored
    assert first["Content-Type"] == "application/pdf"
    assert (
        first["Content-Disposition"]
        == 'attachment; filename="test-plan-2023-24-Q3-exception-report-v1.pdf"'
    )
    assert first["Content-Length"] == str(len(stored))
    assert first["ETag"] == f'"{hashlib.sha256(stored).hexdigest()}"'
    head = client.head(url)
    assert head.status_code == 200 and head["Content-Length"] == str(len(stored))
    assert head["Content-Disposition"] == first["Content-Disposition"]
    assert len(spy) == 1  # downloads render nothing
    text = words(stored)
    assert "Children & Education" in text or "Children" in text
    for name in NAMES:
        assert name not in text


@pytest.mark.django_db
def test_a_copy_that_could_not_be_made_is_not_available_yet_then_tried_again(
    client, published, monkeypatch, settings
):
    def broken(data):
        raise RuntimeError("WeasyPrint fell over")

    monkeypatch.setitem(files.RENDERERS, "pdf", broken)
    url = pdf_url(published)
    for _ in range(2):
        response = client.get(url)  # made at once here (no worker): fails every attempt
        assert response.status_code == 503
        assert "This PDF is not available yet" in response.content.decode()
        assert "fell over" not in response.content.decode()  # the reason is for the council
        assert 'http-equiv="refresh"' not in response.content.decode()
    copy = public_copies().get()
    assert copy.state == FileState.FAILED and copy.attempts == settings.TASK_ATTEMPTS
    monkeypatch.undo()
    # A later look, once the retry wait is over, makes it again, once.
    ReportFile.objects.filter(pk=copy.pk).update(
        updated_at=timezone.now() - files.STUCK_AFTER - timedelta(minutes=1)
    )
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_a_copy_made_under_the_other_names_choice_is_never_served(
    client, published, task_worker, settings
):
    url = pdf_url(published)
    client.get(url)
    task_worker()
    without = client.get(url)
    assert without.status_code == 200 and "Zebedee" not in words(without.content)
    settings.PUBLIC_SHOW_OFFICER_NAMES = True  # the council starts publishing names
    assert client.get(url).status_code == 202  # the old copy is not served
    task_worker()
    named = client.get(url)
    assert named.status_code == 200 and "Zebedee" in words(named.content)
    settings.PUBLIC_SHOW_OFFICER_NAMES = False  # and stops again
    assert client.get(url).status_code == 202
    task_worker()
    again = client.get(url)
    assert again.status_code == 200 and "Zebedee" not in words(again.content)
    assert public_copies().count() == 1


@pytest.mark.django_db
def test_reopening_the_quarter_takes_the_stored_copy_off_at_once(client, published):
    url = pdf_url(published)
    assert client.get(url).status_code == 200  # made (no worker: at once) and served
    performance = published.cycle.performance
    period_close(performance, published.q4, mark_missing=False)  # one open at a time
    period_reopen(performance, published.q3, reason="A correction")
    assert client.get(url).status_code == 404
    assert client.head(url).status_code == 404
    assert client.get(pdf_url(published, published.recommendations)).status_code == 404
    assert public_copies().filter(state=FileState.DONE).exists()  # kept, but not reachable


@pytest.mark.django_db
def test_the_public_pdf_refuses_writes(client, published):
    for method in ("post", "put", "delete"):
        assert getattr(client, method)(pdf_url(published)).status_code == 405
    assert not public_copies().exists()
