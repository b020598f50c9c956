"""The review's fixes to the exception report: actions under no outcome listed in a part of
their own everywhere the report lists exceptions; a published version's files named from what
it froze; each part of a long report's page titled; the quick files queued first at publish."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from docx import Document

from plans.models import StrategicOutcome
from reports import report_pages, summary
from reports.builder import ReportData, build_report
from reports.files import report_files_start
from reports.models import ReportFile
from reports.public_copy import without_names
from reports.recommendations import report_content
from reports.render import pdf_html, render_xlsx
from reports.services import report_publish, report_start
from reports.word import render_docx
from tests import factories
from tests.reports.test_summary_layout import appendix_rows, exception_table_rows

PART = "Not placed under any strategic outcome"


@pytest.fixture
def loose(users, directorates):
    """Two outcomes of four actions (every other one Delayed) and two actions placed under
    no outcome: one Delayed, one On Track."""
    plan = factories.plan("loose")
    quarter = factories.period(plan, "2023-24-Q3")
    for o in range(2):
        outcome = StrategicOutcome.objects.create(plan=plan, name=f"Outcome {o}", order=o)
        for n in range(4):
            action = factories.action(
                plan, f"P{o}{n}", outcome=outcome, directorate=directorates["CH"]
            )
            factories.update(action, quarter, "Delayed" if n % 2 else "On Track", f"Why {o}{n}")
    stray = factories.action(
        plan, "X1", "Nobody placed me", directorate=directorates["PH"], lead=users["officer"]
    )
    factories.update(stray, quarter, "Delayed", "Placed nowhere")
    factories.update(factories.action(plan, "X2", "Fine alone"), quarter, "On Track")
    return report_start(users["performance"], quarter)


@pytest.mark.django_db
def test_an_action_under_no_outcome_is_listed_in_a_part_of_its_own(loose):
    data = build_report(loose)
    assert [s.name for s in data.sections] == ["Outcome 0", "Outcome 1"]  # the outcomes alone
    assert data.unplaced is not None and data.unplaced.name == PART
    assert data.unplaced.total == 2 and [x.ref for x in data.unplaced.exceptions] == ["X1"]
    assert data.exception_count == 5  # two an outcome and the one under none
    full = exception_table_rows(pdf_html(data))
    assert (PART, "X1", "Nobody placed me") in full
    assert appendix_rows(render_xlsx(data)) == full  # the Excel appendix lists it too
    word = "\n".join(p.text for p in Document(io.BytesIO(render_docx(data))).paragraphs)
    assert PART in word
    context = summary.summary_context(data)
    assert [row.name for row in context["exception_rows"]][-1] == PART
    assert dict(context["exceptions_by_directorate"])["Public Health"] == 1
    assert context["appendix_rows"] == 5
    assert [row.label for row in context["outcome_rows"]][-1] == PART
    # The part has no narrative or indicators of its own: those belong to outcomes.
    assert not data.unplaced.is_outcome


@pytest.mark.django_db
def test_a_report_with_every_action_placed_has_no_such_part(users, directorates):
    plan = factories.plan("placed")
    quarter = factories.period(plan, "2023-24-Q3")
    outcome = StrategicOutcome.objects.create(plan=plan, name="Only", order=1)
    factories.update(factories.action(plan, "A1", outcome=outcome), quarter, "Delayed")
    data = build_report(report_start(users["performance"], quarter))
    assert data.unplaced is None and data.parts == data.sections
    assert PART not in pdf_html(data)


@pytest.mark.django_db
def test_the_part_is_frozen_at_publish_and_old_versions_read_as_before(loose, users):
    published = report_publish(users["performance"], loose)
    content = report_content(published)
    assert content.unplaced.name == PART and content.exception_count == 5
    public = without_names(content)
    assert [line.lead for line in public.unplaced.exceptions] == [""]
    assert content.unplaced.exceptions[0].lead  # the snapshot keeps it
    old = dict(published.snapshot)
    del old["unplaced"]  # a version published before the part
    assert ReportData.from_snapshot(old).unplaced is None


@pytest.mark.django_db
def test_the_long_reports_page_has_a_part_for_it_and_each_part_its_title(
    client, loose, users, monkeypatch
):
    monkeypatch.setattr(report_pages, "PAGE_BY_OUTCOME_FROM", 5)
    client.force_login(users["performance"])
    url = reverse("reports:report", args=[loose.pk])
    first = client.get(url).content.decode()
    assert "?outcome=unplaced#report-part" in first
    title = re.search(r"<title>(.*?)</title>", first, re.S).group(1)
    assert title.startswith("Outcome 0 (part 1 of 4) – Exception report")
    part = client.get(url, {"outcome": "unplaced"}).content.decode()
    assert f"Exceptions in {PART}</caption>" in part and "Nobody placed me" in part
    assert f"<title>{PART} (part 3 of 4) – " in part
    assert client.get(url, {"outcome": "0"}).status_code == 404  # not a key
    # A short report's page is whole and lists the part among the others.
    monkeypatch.setattr(report_pages, "PAGE_BY_OUTCOME_FROM", 500)
    whole = client.get(url).content.decode()
    assert f"Exceptions in {PART}</caption>" in whole
    assert "(part " not in re.search(r"<title>(.*?)</title>", whole, re.S).group(1)


@pytest.mark.django_db
def test_a_published_versions_files_keep_their_names_after_the_slug_changes(
    client, loose, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        published = report_publish(users["performance"], loose)
    published.plan.slug = "renamed"
    published.plan.save(update_fields=["slug"])
    xlsx = ReportFile.objects.get(report=published, fmt="xlsx", frozen=True)
    client.force_login(users["viewer"])
    response = client.get(reverse("reports:report_file_download", args=[published.pk, xlsx.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="loose-2023-24-Q3-exception-report-v1.xlsx"'
    )
    published.refresh_from_db()
    assert summary.appendix_name(report_content(published)) in response["Content-Disposition"]
    # A draft's files are named from the live plan: it is built from it.
    draft = report_start(users["performance"], published.period)
    client.force_login(users["performance"])
    response = client.get(reverse("reports:report_summary", args=[draft.pk]))  # made at once
    assert response.status_code == 200 and response["Content-Disposition"].endswith(
        '"renamed-2023-24-Q3-exception-report-summary-v2-draft.pdf"'
    )


@pytest.mark.django_db
def test_publishing_queues_the_quick_files_first(loose, users):
    report = report_publish(users["performance"], loose)
    made = [file.fmt for file in report_files_start(report.pk)]
    assert made == ["sum", "xlsx", "docx", "pdf"]
    assert list(
        ReportFile.objects.filter(report=report).order_by("pk").values_list("fmt", flat=True)
    ) == ["sum", "xlsx", "docx", "pdf"]
