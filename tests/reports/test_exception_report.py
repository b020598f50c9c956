"""The quarterly exception report: content, renderings, publishing and freezing, access."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from deliverables.models import QuarterlyUpdate
from plans.models import Plan, Status
from plans.sanitise import sanitise_line, sanitise_text
from reports.builder import build_report, report_data
from reports.models import ExceptionReport
from reports.render import render_pdf, render_xlsx
from reports.services import report_edit, report_publish, report_start
from reports.word import render_docx

COUNCIL_TRACKER = (
    Path(settings.BASE_DIR) / "fixtures" / "legacy" / "ad-business-plan-red-actions-2024-25-q2.xlsx"
)
THEMES = {
    "Growing Up in Sandwell": 2,
    "Living in Sandwell": 3,
    "Healthy in Sandwell": 5,
    "Thriving Economy in Sandwell": 8,
    "One Council One Team": 5,
}


def council_rows() -> list[tuple[str, str]]:
    """(action, commentary) of each red action, read straight from the council's workbook."""
    sheet = openpyxl.load_workbook(COUNCIL_TRACKER).active
    return [
        (sanitise_line(row[0]), sanitise_text(row[2]))
        for row in sheet.iter_rows(min_row=5, values_only=True)
        if row[1] == "Delayed"
    ]


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(pdf: bytes) -> str:
    return words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def report_part(page: str) -> str:
    """The report itself, without the page around it (which carries a fresh CSRF token)."""
    return page[page.index('<div class="app-report">') : page.index("</main>")]


@pytest.fixture
def council_report(sandwell_data, users):
    plan = Plan.objects.get(slug="council-plan-2024-30")
    return report_start(users["performance"], plan.periods.get())


@pytest.mark.django_db
def test_the_2024_25_report_lists_the_23_delayed_actions_under_five_themes(council_report):
    data = build_report(council_report)
    assert {s.name: len(s.exceptions) for s in data.sections} == THEMES
    assert [s.label for s in data.exception_statuses] == ["Delayed"]
    listed = {(line.title, line.commentary) for s in data.sections for line in s.exceptions}
    assert listed == set(council_rows())


@pytest.mark.django_db
def test_the_web_page_shows_each_theme_its_exceptions_and_commentary_as_paragraphs(
    client, users, council_report
):
    client.force_login(users["performance"])
    page = client.get(council_report.get_absolute_url()).content.decode()
    for theme in THEMES:
        assert f">{theme}</h2>" in page
    text = html.unescape(page)
    for title, commentary in council_rows():
        assert title[:60] in text
        # Each paragraph of commentary is its own <p>, escaped.
        assert f"<p>{html.escape(commentary.split(chr(10))[0])}</p>" in page
    assert "&lt;p&gt;" not in page and "&lt;sup&gt;" not in page  # never raw tags
    assert "1st Nov 2024" in page  # <sup>st</sup> kept its meaning


@pytest.mark.django_db
def test_the_pdf_has_the_same_content(council_report):
    text = pdf_text(render_pdf(build_report(council_report)))
    assert "Council Plan 2024-30: exception report, Q2 2024/25" in text
    for theme in THEMES:
        assert theme in text
    for title, commentary in council_rows():
        assert words(title)[:40] in text
        assert words(commentary)[:40] in text
    assert "Page 2 of" in text  # page numbers
    assert text.count("Directorate action") >= len(THEMES)  # table headers, repeated


@pytest.mark.django_db
def test_the_word_document_has_the_same_tables(council_report):
    document = Document(io.BytesIO(render_docx(build_report(council_report))))
    exception_tables = [
        t for t in document.tables if t.rows[0].cells[-1].text == "Q2 2024/25 commentary"
    ]
    assert [len(t.rows) - 1 for t in exception_tables] == list(THEMES.values())
    rows = [[c.text for c in row.cells] for t in exception_tables for row in list(t.rows)[1:]]
    assert {(row[1], row[4]) for row in rows} == set(council_rows())
    assert {row[3] for row in rows} == {"Delayed"}
    # Status cells are shaded in the status's colour, and the header row repeats.
    status_cell = exception_tables[0].rows[1].cells[3]._tc
    assert 'w:fill="FF0000"' in status_cell.xml
    assert "w:tblHeader" in exception_tables[0].rows[0]._tr.xml
    assert len(document.inline_shapes) == 1 + len(THEMES)  # overview and one chart a theme


@pytest.mark.django_db
def test_the_excel_exception_table(council_report):
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(build_report(council_report))))
    rows = list(book["Exceptions"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Theme", "Ref", "Directorate action")
    assert len(rows) == 24
    assert {row[0] for row in rows[1:]} == set(THEMES)


@pytest.mark.django_db
def test_exception_statuses_come_from_the_scale_and_the_report(sandwell_data, users):
    plan = Plan.objects.get(slug="corporate-plan-2021-25")
    report = report_start(users["performance"], plan.periods.get(year=2023, quarter=3))
    assert build_report(report).exception_count == 5  # Significant issues/risks/slippage
    amber = Status.objects.get(scale__plan=plan, label="Medium Issue/Slippage")
    report_edit(
        users["performance"], report, introduction="", narratives={}, extra_statuses=[amber]
    )
    data = build_report(report)
    assert data.exception_count == 45
    assert {s.label for s in data.exception_statuses} == {
        "Significant issues/risks/slippage",
        "Medium Issue/Slippage",
    }


@pytest.mark.django_db
def test_moved_in_and_recovered(two_quarters, users):
    report = report_start(users["performance"], two_quarters.q2)
    data = build_report(report)
    [section] = data.sections
    assert [line.ref for line in section.exceptions] == ["A2", "A3"]
    assert [line.ref for line in section.moved_in] == ["A2"]
    assert [line.ref for line in section.recovered] == []
    assert [line.ref for line in data.no_update] == ["A5"]


@pytest.mark.django_db
def test_a_published_report_is_frozen_and_a_correction_is_a_new_version(
    client, council_report, users
):
    report_edit(
        users["performance"],
        council_report,
        introduction="Quarter two was hard.",
        narratives={},
        extra_statuses=[],
    )
    published = report_publish(users["performance"], council_report)
    client.force_login(users["viewer"])
    page_before = report_part(client.get(published.get_absolute_url()).content.decode())
    assert "Quarter two was hard." in page_before and "Published" in page_before

    # The data changes afterwards: a delayed action recovers and its commentary is rewritten.
    update = QuarterlyUpdate.objects.filter(action__plan=council_report.plan).order_by("pk").first()
    on_track = Status.objects.get(scale__plan=council_report.plan, label="On Track")
    QuarterlyUpdate.objects.filter(pk=update.pk).update(
        status=on_track, commentary="Back on track now"
    )

    assert report_part(client.get(published.get_absolute_url()).content.decode()) == page_before
    frozen = report_data(ExceptionReport.objects.get(pk=published.pk))
    assert frozen.exception_count == 23
    assert "Back on track now" not in pdf_text(render_pdf(frozen))

    correction = report_start(users["performance"], council_report.period)
    assert (correction.version, correction.introduction) == (2, "Quarter two was hard.")
    fresh = build_report(correction)
    assert fresh.exception_count == 22
    report_publish(users["performance"], correction)
    assert client.get(published.get_absolute_url()).status_code == 200  # version 1 still readable
    assert report_data(ExceptionReport.objects.get(pk=published.pk)).exception_count == 23


@pytest.mark.django_db
def test_viewers_see_published_reports_only(client, council_report, users):
    client.force_login(users["viewer"])
    assert client.get(council_report.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:report_pdf", args=[council_report.pk])).status_code == 404
    listing = client.get(
        reverse("reports:reports", args=[council_report.plan.slug])
    ).content.decode()
    assert "No report has been published yet" in listing
    report_publish(users["performance"], council_report)
    assert client.get(council_report.get_absolute_url()).status_code == 200
    assert (
        client.get(reverse("reports:report_pdf", args=[council_report.pk]))["Content-Type"]
        == "application/pdf"
    )


@pytest.mark.django_db
def test_only_the_performance_team_builds_edits_and_publishes(client, council_report, users):
    for name in ("viewer", "officer", "approver"):
        client.force_login(users[name])
        assert (
            client.post(
                reverse("reports:report_new", args=[council_report.plan.slug]),
                {"period": council_report.period.code},
            ).status_code
            == 403
        )
        assert (
            client.post(
                reverse("reports:report_edit", args=[council_report.pk]), {"introduction": "x"}
            ).status_code
            == 403
        )
        assert (
            client.post(reverse("reports:report_publish", args=[council_report.pk])).status_code
            == 404
        )
    council_report.refresh_from_db()
    assert council_report.state == "draft" and council_report.introduction == ""


@pytest.mark.django_db
def test_report_pages_refuse_the_wrong_method_and_bad_input(client, council_report, users):
    client.force_login(users["performance"])
    assert (
        client.get(reverse("reports:report_publish", args=[council_report.pk])).status_code == 405
    )
    assert (
        client.get(reverse("reports:report_correct", args=[council_report.pk])).status_code == 405
    )
    outcome = council_report.plan.outcomes.first()
    response = client.post(
        reverse("reports:report_edit", args=[council_report.pk]),
        {"introduction": "ok", f"narrative_{outcome.pk}": "x" * 5001},
    )
    assert response.status_code == 400
    assert "must be 5000 characters or fewer" in response.content.decode()
    response = client.post(
        reverse("reports:report_edit", args=[council_report.pk]),
        {
            "introduction": "<script>alert(1)</script>Fine words",
            f"narrative_{outcome.pk}": "Steady",
        },
    )
    assert response.status_code == 302
    council_report.refresh_from_db()
    assert council_report.introduction == "Fine words"
    assert council_report.narratives == {str(outcome.pk): "Steady"}
    report_publish(users["performance"], council_report)
    response = client.post(
        reverse("reports:report_edit", args=[council_report.pk]), {"introduction": "x"}
    )
    assert response.status_code == 302
    council_report.refresh_from_db()
    assert council_report.introduction == "Fine words"


@pytest.mark.django_db
def test_the_command_writes_every_format(council_report, tmp_path):
    for fmt in ("pdf", "docx", "xlsx", "html"):
        output = tmp_path / f"report.{fmt}"
        out = io.StringIO()
        call_command(
            "exception_report",
            "--plan",
            "council-plan-2024-30",
            "--period",
            "2024-25-Q2",
            "--format",
            fmt,
            "--output",
            str(output),
            stdout=out,
        )
        assert output.stat().st_size > 1000
        assert "23 exceptions" in out.getvalue()
    assert "Thriving Economy in Sandwell" in (tmp_path / "report.html").read_text()


@pytest.mark.django_db
def test_the_command_takes_the_quarter_as_the_pages_write_it(council_report, tmp_path):
    output = tmp_path / "report.html"
    arguments = ["--plan", "council-plan-2024-30", "--format", "html", "--output", str(output)]
    call_command("exception_report", *arguments, "--period", "Q2 2024/25", stdout=io.StringIO())
    assert "Thriving Economy in Sandwell" in output.read_text()
    with pytest.raises(CommandError, match="has no quarter 2024-25-Q3"):
        call_command("exception_report", *arguments, "--period", "2024/25 Q3")
    with pytest.raises(CommandError, match="write it like 2024-25-Q1, Q1 2024/25 or 2024/25 Q1"):
        call_command("exception_report", *arguments, "--period", "Q2 2024/26")


@pytest.mark.django_db
def test_the_report_page_query_count_is_fixed(
    client, users, directorates, django_assert_num_queries
):
    from tests import factories

    client.force_login(users["performance"])
    small = factories.small_plan(directorates, slug="small")
    big = factories.small_plan(directorates, slug="big", extra_actions=20)
    reports = [report_start(users["performance"], p.period) for p in (small, big)]
    with django_assert_num_queries(14) as first:
        client.get(reports[0].get_absolute_url())
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reports[1].get_absolute_url())
