"""The progress against recommendations report: built from the one rule, in the exception
report's builder and formats, published and frozen, and kept apart from the exception report."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from deliverables.models import Milestone, QuarterlyUpdate, Recommendation
from plans.models import PeriodState, ReportingPeriod
from reports.models import ExceptionReport, ReportKind, ReportState
from reports.recommendations import build_recommendations, report_content
from reports.recommendations_render import (
    render_recommendations_docx,
    render_recommendations_xlsx,
)
from reports.render import render_pdf
from reports.services import report_publish, report_start
from tests import factories
from tests.deliverables import recommendation_world

RECS = ReportKind.RECOMMENDATIONS


@pytest.fixture
def recommended(cycle):
    return recommendation_world.make(cycle)


@pytest.fixture
def draft(recommended):
    """The Q3 report's draft (Q3 closed: CH6 On Track, CH5 Delayed, PH5 Complete, F1 none)."""
    return report_start(recommended.cycle.performance, recommended.cycle.q3, RECS)


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def summary(data) -> dict:
    """What the report says of each recommendation."""
    return {
        line.name: (
            line.actions_complete,
            line.actions_total,
            tuple(line.rag_list),
            line.milestones_complete,
            line.milestones_overdue,
            line.milestones_total,
        )
        for line in data.recommendations
    }


def page_summary(rows) -> dict:
    """The same, from the register page's rows."""
    return {
        f"{row.recommendation.body} {row.recommendation.reference}": (
            row.actions_complete,
            row.actions_total,
            tuple(row.rag_list),
            row.milestones_complete,
            row.milestones_overdue,
            row.milestones_total,
        )
        for row in rows
    }


EXPECTED_Q3 = {
    "Grant Thornton Statutory Rec 3": (0, 2, (("red", 1), ("green", 1)), 1, 1, 3),
    "CIPFA 1.5": (1, 2, (("blue", 1), ("grey", 1)), 0, 0, 0),
    "CIPFA 1.6": (0, 1, (("green", 1),), 1, 1, 3),
}


@pytest.mark.django_db
def test_the_performance_team_starts_either_kind_from_the_reports_index(client, recommended):
    cycle = recommended.cycle
    client.force_login(cycle.performance)
    index = client.get(reverse("reports:reports", args=[cycle.plan.slug])).content.decode()
    assert "Build the exception report" in index
    assert "Build the progress against recommendations report" in index
    new = reverse("reports:report_new", args=[cycle.plan.slug])
    made = client.post(new, {"period": "2023-24-Q3", "kind": "recommendations"})
    recs = ExceptionReport.objects.get(kind=RECS)
    assert made["Location"] == recs.get_absolute_url()
    # The exception report's button (no kind) still builds the exception report, apart.
    client.post(new, {"period": "2023-24-Q3"})
    exceptions = ExceptionReport.objects.get(kind=ReportKind.EXCEPTIONS)
    assert exceptions.pk != recs.pk and exceptions.version == recs.version == 1
    index = client.get(reverse("reports:reports", args=[cycle.plan.slug])).content.decode()
    assert "Progress against recommendations, Q3 2023/24" in index
    assert "Exception report, Q3 2023/24" in index
    page = client.get(recs.get_absolute_url()).content.decode()
    assert "progress against recommendations, Q3 2023/24" in page
    assert "Draft, version 1" in page


@pytest.mark.django_db
def test_the_report_says_what_the_register_says(client, recommended, draft):
    assert summary(build_recommendations(draft)) == EXPECTED_Q3
    client.force_login(recommended.cycle.performance)
    text = words(client.get(draft.get_absolute_url()).content.decode())
    assert "Grant Thornton Statutory Rec 3" in text
    assert "Value for Money Governance Review" in text
    assert "1 of 2" in text and "1 red, 1 green" in text
    assert "Phase 2 consultation: <strong>Overdue</strong>" in text
    assert "Phase 1 engagement: <strong>Complete</strong> on 20 July 2022" in text


@pytest.mark.django_db
def test_register_page_recommendation_page_and_report_agree_for_every_audience(
    client, recommended, draft
):
    cycle = recommended.cycle
    report = report_publish(cycle.performance, draft)
    for reader in ("viewer", "officer", "performance"):
        client.force_login(getattr(cycle, reader))
        report_page = client.get(report.get_absolute_url())
        assert report_page.status_code == 200
        rows = client.get(
            reverse("deliverables:recommendations", args=[cycle.plan.slug]) + "?period=2023-24-Q3"
        ).context["rows"]
        pages = {}
        for row in rows:
            url = row.recommendation.get_absolute_url() + "?period=2023-24-Q3"
            pages |= page_summary([client.get(url).context["progress"]])
        assert summary(report_page.context["data"]) == page_summary(rows) == pages == EXPECTED_Q3


@pytest.mark.django_db
def test_the_pdf(recommended, draft):
    pdf = render_pdf(build_recommendations(draft))
    text = words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    assert "Test Plan: progress against recommendations, Q3 2023/24" in text
    for name in EXPECTED_Q3:
        assert name in text
    assert "Phase 2 consultation: Overdue" in text
    assert "Page 2 of" in text


@pytest.mark.django_db
def test_the_word_document(recommended, draft):
    document = Document(io.BytesIO(render_recommendations_docx(build_recommendations(draft))))
    overview = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in overview.rows]
    assert rows[0][0] == "Recommendation"
    assert rows[1] == ["Grant Thornton Statutory Rec 3", "0 of 2", "1 red, 1 green", "1 of 3", "1"]
    assert rows[2][:3] == ["CIPFA 1.5", "1 of 2", "1 blue, 1 grey"]
    actions = document.tables[1]
    assert [cell.text for cell in actions.rows[1].cells][:4] == [
        "CH5",
        "Attendance is everybody's business",
        "Olu Officer",
        "Delayed",
    ]
    assert 'w:fill="D4351C"' in actions.rows[1].cells[3]._tc.xml  # shaded in its colour
    assert "w:tblHeader" in actions.rows[0]._tr.xml
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[-3:] == list(EXPECTED_Q3)


@pytest.mark.django_db
def test_the_excel_workbook(recommended, draft):
    book = openpyxl.load_workbook(
        io.BytesIO(render_recommendations_xlsx(build_recommendations(draft)))
    )
    rows = list(book["Actions"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Body", "Reference", "Recommendation", "Ref", "Business plan action")
    assert [(r[1], r[3], r[6], r[7]) for r in rows[1:]] == [
        ("Statutory Rec 3", "CH5", "Delayed", "No"),
        ("Statutory Rec 3", "CH6", "On Track", "No"),
        ("1.5", "F1", "No Update", "No"),
        ("1.5", "PH5", "Complete", "Yes"),
        ("1.6", "CH6", "On Track", "No"),
    ]
    progress = list(book["Progress"].iter_rows(values_only=True))
    assert progress[1] == ("Grant Thornton", "Statutory Rec 3", 2, 0, 1, 0, 1, 0, 0, 0, 3, 1, 1)


@pytest.mark.django_db
def test_every_download_of_a_published_version(client, recommended, draft):
    cycle = recommended.cycle
    report = report_publish(cycle.performance, draft)
    client.force_login(cycle.viewer)
    for fmt, start in (("pdf", b"%PDF"), ("docx", b"PK"), ("xlsx", b"PK")):
        response = client.get(reverse(f"reports:report_{fmt}", args=[report.pk]))
        assert response.status_code == 200
        assert response.content.startswith(start)
        assert (
            f'filename="test-plan-2023-24-Q3-recommendations-report-v1.{fmt}"'
            in response["Content-Disposition"]
        )


@pytest.mark.django_db
def test_a_published_version_is_frozen_and_a_correction_reads_the_live_data(
    client, recommended, draft
):
    cycle = recommended.cycle
    report = report_publish(cycle.performance, draft)
    client.force_login(cycle.viewer)
    before = client.get(report.get_absolute_url()).content.decode()
    pdf_before = client.get(reverse("reports:report_pdf", args=[report.pk])).content
    # Everything the report is built from changes afterwards.
    QuarterlyUpdate.objects.filter(action=cycle.ch5, period=cycle.q3).update(
        status=factories.status(cycle.plan, "On Track")
    )
    Milestone.objects.filter(title="Phase 2 consultation").update(completed_on=dt.date(2024, 1, 1))
    recommended.rec3.actions.remove(cycle.ch6)
    Recommendation.objects.filter(pk=recommended.cipfa16.pk).update(reference="1.6 (revised)")
    Recommendation.objects.create(plan=cycle.plan, body="Ofsted", reference="R1")
    report.refresh_from_db()
    assert summary(report_content(report)) == EXPECTED_Q3
    after = client.get(report.get_absolute_url()).content.decode()
    assert (
        before[before.index('<div class="app-report">') :]
        == (after[after.index('<div class="app-report">') :])
    )
    assert len(client.get(reverse("reports:report_pdf", args=[report.pk])).content) == len(
        pdf_before
    )
    # A correction is the next version of the same kind, from today's data.
    client.force_login(cycle.performance)
    client.post(reverse("reports:report_correct", args=[report.pk]))
    correction = ExceptionReport.objects.get(kind=RECS, version=2)
    assert correction.state == ReportState.DRAFT
    assert summary(report_content(correction)) == {
        "Grant Thornton Statutory Rec 3": (0, 1, (("green", 1),), 0, 0, 0),
        "CIPFA 1.5": (1, 2, (("blue", 1), ("grey", 1)), 0, 0, 0),
        "CIPFA 1.6 (revised)": (0, 1, (("green", 1),), 2, 0, 3),
        "Ofsted R1": (0, 0, (), 0, 0, 0),
    }


@pytest.mark.django_db
def test_drafts_and_submitted_updates_never_appear_whoever_builds_it(recommended):
    cycle = recommended.cycle
    factories.update(cycle.ch6, cycle.q4, "Delayed", "Draft words", state="draft", source="entered")
    factories.update(cycle.ch5, cycle.q4, "Complete", "Done", state="submitted", source="entered")
    report = report_start(cycle.performance, cycle.q4, RECS)
    data = build_recommendations(report)
    # CH6's draft: not yet updated. CH5's submitted Complete: awaiting approval (grey), not
    # complete, though the performance team building the report could see it.
    assert summary(data)["Grant Thornton Statutory Rec 3"] == (
        0,
        2,
        (("grey", 1), ("none", 1)),
        1,
        1,
        3,
    )
    lines = {a.ref: a for a in data.recommendations[0].actions}
    assert data.status(lines["CH5"].status_id).label == "Awaiting approval"
    assert lines["CH6"].status_id is None
    assert "Draft words" not in str(data.to_snapshot())


@pytest.mark.django_db
def test_publishing_it_leaves_the_quarter_and_the_exception_report_alone(recommended):
    cycle = recommended.cycle
    exceptions = report_start(cycle.performance, cycle.q3)
    recs = report_start(cycle.performance, cycle.q3, RECS)
    report_publish(cycle.performance, recs)
    # Publishing the exception report is what publishes a closed quarter; this one does not.
    assert ReportingPeriod.objects.get(pk=cycle.q3.pk).state == PeriodState.CLOSED
    exceptions.refresh_from_db()
    assert exceptions.state == ReportState.DRAFT
    assert report_start(cycle.performance, cycle.q3).pk == exceptions.pk
    assert report_start(cycle.performance, cycle.q3, RECS).version == 2


@pytest.mark.django_db
def test_its_introduction_is_edited_without_outcome_narratives(client, recommended, draft):
    client.force_login(recommended.cycle.performance)
    url = reverse("reports:report_edit", args=[draft.pk])
    form = client.get(url).content.decode()
    assert "A short narrative for each" not in form
    assert "Progress against recommendations, Q3 2023/24" in form
    response = client.post(url, {"introduction": "For the commissioners."})
    assert response.status_code == 302
    assert "For the commissioners." in client.get(draft.get_absolute_url()).content.decode()
    too_long = client.post(url, {"introduction": "x" * 10_001})
    assert too_long.status_code == 400


@pytest.mark.django_db
def test_viewers_read_published_versions_only(client, recommended, draft):
    client.force_login(recommended.cycle.viewer)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.post(reverse("reports:report_publish", args=[draft.pk])).status_code == 404
    assert client.get(reverse("reports:report_pdf", args=[draft.pk])).status_code == 404


@pytest.mark.django_db
def test_the_report_page_query_count_does_not_grow_with_recommendations(
    client, recommended, draft, django_assert_num_queries
):
    client.force_login(recommended.cycle.performance)
    # 14, as the exception report's page; fixed however many recommendations and actions.
    with django_assert_num_queries(14) as first:
        client.get(draft.get_absolute_url())
    for index in range(5):
        extra = Recommendation.objects.create(
            plan=recommended.plan, body="LGA", reference=f"pg {index}"
        )
        extra.actions.set([recommended.cycle.ch5, recommended.cycle.f1])
        Milestone.objects.create(action=recommended.cycle.f1, title=f"Step {index}")
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(draft.get_absolute_url())
    assert len(response.context["data"].recommendations) == 8
