"""The summary layout: a short tagged PDF of the report's charts and counts whose full
exception list is the Excel file (the appendix), offered on the report's page, made by the
worker and stored at publish like the other files."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from plans.models import StrategicOutcome
from reports import summary
from reports.builder import build_report
from reports.models import ReportFile, ReportKind
from reports.render import pdf_html, render_xlsx
from reports.services import report_publish, report_start
from tests import factories


@pytest.fixture
def wide(directorates, users):
    """Three outcomes, ten actions each (every other one Delayed, an exception), and one
    Delayed action under two outcomes: listed under both, counted once."""
    plan = factories.plan("wide")
    quarter = factories.period(plan, "2023-24-Q3")
    outcomes = [
        StrategicOutcome.objects.create(plan=plan, name=f"Outcome {n}", order=n)
        for n in range(1, 4)
    ]
    for o, outcome in enumerate(outcomes):
        for n in range(10):
            where = directorates["CH" if n % 3 else "PH"]
            action = factories.action(plan, f"W{o}{n:02d}", outcome=outcome, directorate=where)
            factories.update(action, quarter, "Delayed" if n % 2 else "On Track", f"Why {o}-{n}")
    shared = factories.action(plan, "SH1", "Shared = risky", outcome=outcomes[0])
    shared.placements.create(outcome=outcomes[2])
    factories.update(shared, quarter, "Delayed", "Both outcomes")
    return report_start(users["performance"], quarter)


def exception_table_rows(body: str) -> list[tuple[str, str, str]]:
    """(outcome, ref, title) of every row of the full report's exception tables, in order."""
    rows = []
    for chunk in re.split(r"<caption[^>]*>Exceptions in ", body)[1:]:
        outcome, table = chunk.split("</caption>", 1)
        table = table.split("</table>", 1)[0]
        cells = r'<span class="app-ref">(.*?)</span></td>\s*<td class="govuk-table__cell">([^<]*)'
        for ref, title in re.findall(cells, table):
            rows.append((html.unescape(outcome), html.unescape(ref), html.unescape(title)))
    return rows


def appendix_rows(xlsx: bytes) -> list[tuple[str, str, str]]:
    sheet = load_workbook(io.BytesIO(xlsx))["Exceptions"]
    return [(row[0], row[1] or "–", row[2]) for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.django_db
def test_the_appendix_holds_exactly_the_full_reports_exception_rows(wide):
    data = build_report(wide)
    full = exception_table_rows(pdf_html(data))
    assert len(full) == 3 * 5 + 2  # five exceptions an outcome, the shared action twice
    assert appendix_rows(render_xlsx(data)) == full


@pytest.mark.django_db
def test_the_summary_pdf_is_tagged_counts_the_exceptions_and_names_its_appendix(wide):
    data = build_report(wide)
    reader = PdfReader(io.BytesIO(summary.render_summary_pdf(data)))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert "summary" in reader.metadata.title
    first = " ".join(reader.pages[0].extract_text().split())
    assert "wide-2023-24-Q3-exception-report-v1-draft.xlsx" in first
    assert "16 actions listed as exceptions" in first  # the shared one counted once
    assert "17 rows" in first
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Why 0-1" not in text  # no commentary: the list is the appendix
    assert "Exceptions by strategic outcome Strategic outcome Actions Exceptions Delayed" in text
    assert "Outcome 1 11 6 6" in text  # ten actions and the shared one; six exceptions
    assert "Public Health 6 6 0 0 12" in text  # by directorate and status
    # A few pages however long the list: the full PDF of the same report is longer.
    assert len(reader.pages) <= 5


@pytest.mark.django_db
def test_the_summary_downloads_by_its_own_name_and_is_stored_at_publish(
    client, wide, users, task_worker, django_capture_on_commit_callbacks
):
    client.force_login(users["performance"])
    asked = client.get(reverse("reports:report_summary", args=[wide.pk]))
    assert asked.status_code == 302  # to its progress page, while the worker makes it
    task_worker()
    file = ReportFile.objects.get(report=wide, fmt="sum", frozen=False)
    draft = client.get(reverse("reports:report_file_download", args=[wide.pk, file.pk]))
    assert draft.status_code == 200 and draft.content.startswith(b"%PDF")
    assert draft["Content-Disposition"].endswith('-exception-report-summary-v1-draft.pdf"')
    with django_capture_on_commit_callbacks(execute=True):
        report_publish(users["performance"], wide)
    task_worker()
    stored = ReportFile.objects.get(report=wide, fmt="sum", frozen=True)
    assert stored.sha256 and stored.size == len(bytes(stored.content))
    first = PdfReader(io.BytesIO(bytes(stored.content))).pages[0].extract_text()
    assert "wide-2023-24-Q3-exception-report-v1.xlsx" in " ".join(first.split())
    client.force_login(users["viewer"])
    response = client.get(reverse("reports:report_summary", args=[wide.pk]))
    assert response.content == bytes(stored.content)
    assert response["Content-Disposition"].endswith('-exception-report-summary-v1.pdf"')


@pytest.mark.django_db
def test_the_page_offers_the_summary_and_suggests_it_for_a_long_report(
    client, wide, users, monkeypatch
):
    client.force_login(users["performance"])
    url = reverse("reports:report", args=[wide.pk])
    link = reverse("reports:report_summary", args=[wide.pk])
    page = client.get(url).content.decode()
    assert link in page and "its full PDF is long" not in page
    monkeypatch.setattr(summary, "SUGGEST_SUMMARY_FROM", 20)
    page = client.get(url).content.decode()
    assert "This report has 31 actions: its full PDF is long" in page
    assert "wide-2023-24-Q3-exception-report-v1-draft.xlsx" in page


@pytest.mark.django_db
def test_the_summary_is_not_for_a_draft_outsider_a_post_or_a_recommendations_report(
    client, wide, users
):
    url = reverse("reports:report_summary", args=[wide.pk])
    client.force_login(users["viewer"])
    assert client.get(url).status_code == 404  # a draft is the performance team's
    client.force_login(users["performance"])
    assert client.post(url).status_code == 405
    other = report_start(users["performance"], wide.period, ReportKind.RECOMMENDATIONS)
    response = client.get(reverse("reports:report_summary", args=[other.pk]))
    assert response.status_code == 404
    assert not ReportFile.objects.filter(report=other).exists()
