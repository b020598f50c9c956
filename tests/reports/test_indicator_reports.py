"""Indicators on the dashboard and in the exception report: the same readings as every other
page (deliverables.indicators.readings), for the same audiences, in every format."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from deliverables.indicators.readings import quarter_readings, rag_counts
from deliverables.models import Comparator, Indicator, IndicatorValue
from reports.builder import build_report, report_data
from reports.indicators import WORSENING_SHOWN
from reports.models import ExceptionReport
from reports.render import render_pdf, render_xlsx
from reports.services import report_publish, report_start
from reports.word import render_docx
from tests import factories

pytestmark = pytest.mark.django_db


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(pdf: bytes) -> str:
    return words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def docx_text(docx: bytes) -> str:
    document = Document(io.BytesIO(docx))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return words(" ".join(parts))


def report_part(page: str) -> str:
    return page[page.index('<div class="app-report">') : page.index("</main>")]


def dashboard(client, user, plan, period):
    client.force_login(user)
    response = client.get(reverse("reports:dashboard", args=[plan.slug]), {"period": period.code})
    assert response.status_code == 200
    return response


# The dashboard ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["viewer", "approver", "performance"])
@pytest.mark.parametrize("quarter", ["q3", "q4"])
def test_dashboard_counts_are_the_readings_counts_for_each_reader(client, kpis, who, quarter):
    cycle = kpis.cycle
    user, period = getattr(cycle, who), getattr(cycle, quarter)
    panel = dashboard(client, user, cycle.plan, period).context["indicators"]
    expected = rag_counts(quarter_readings(cycle.plan, period, user))
    assert panel.counts == expected
    assert [s.count for s in panel.row.segments] == list(expected.values())
    assert panel.total == 4


def test_the_submitted_q4_value_counts_only_for_those_who_see_the_work(client, kpis):
    cycle = kpis.cycle
    for_viewer = dashboard(client, cycle.viewer, cycle.plan, cycle.q4).context["indicators"]
    for_approver = dashboard(client, cycle.approver, cycle.plan, cycle.q4).context["indicators"]
    assert for_viewer.counts["amber"] == 0 and for_approver.counts["amber"] == 1
    # BIRTH fell from 97.9% to 93.0%: worsening for the approver, no comparison for a viewer.
    assert [w.reading.indicator.code for w in for_approver.worsening] == ["BIRTH"]
    assert for_viewer.worsening == []


def test_the_panel_draws_a_chart_with_a_table_and_lists_the_worsening(client, kpis):
    cycle = kpis.cycle
    page = dashboard(client, cycle.approver, cycle.plan, cycle.q4).content.decode()
    panel = page[page.index('id="indicators"') :]
    assert "<svg" in panel and "Indicators by RAG, Q4 2023/24" in panel
    header = '<th scope="col" class="govuk-table__header govuk-table__header--numeric">'
    assert f"{header}Off target</th>" in panel
    worsening = panel[panel.index('id="indicators-worsening"') :]
    assert "BIRTH" in worsening and "97.9%" in worsening and "93.0%" in worsening
    assert f"/plans/{cycle.plan.slug}/indicators/?period=2023-24-Q4&amp;direction=worsening" in (
        worsening
    )
    # Each count links to the list filtered by its RAG.
    assert f"/plans/{cycle.plan.slug}/indicators/?period=2023-24-Q4&amp;rag=amber" in panel


def test_a_viewer_sees_no_worsening_and_no_submitted_figure(client, kpis):
    cycle = kpis.cycle
    page = dashboard(client, cycle.viewer, cycle.plan, cycle.q4).content.decode()
    panel = page[page.index('id="indicators"') :]
    assert "No indicator is worse than the period before." in panel
    assert "93.0" not in panel


def test_the_worsening_list_is_bounded_and_links_to_the_rest(client, cycle):
    for index in range(WORSENING_SHOWN + 3):
        made = factories.indicator(cycle.plan, f"K{index:02}", f"Measure {index}", target=50)
        factories.indicator_value(made, 2023, 2, "60")
        factories.indicator_value(made, 2023, 3, "40")
    panel = dashboard(client, cycle.viewer, cycle.plan, cycle.q3).context["indicators"]
    assert panel.worsening_total == WORSENING_SHOWN + 3
    assert len(panel.worsening) == WORSENING_SHOWN
    page = dashboard(client, cycle.viewer, cycle.plan, cycle.q3).content.decode()
    assert f"The first {WORSENING_SHOWN} of {WORSENING_SHOWN + 3}." in page
    assert f"All {WORSENING_SHOWN + 3} worsening indicators" in page


def test_a_plan_without_indicators_shows_no_panel(client, cycle):
    page = dashboard(client, cycle.viewer, cycle.plan, cycle.q3).content.decode()
    assert 'id="indicators"' not in page


def test_the_dashboard_query_count_does_not_grow_with_indicators(
    client, cycle, django_assert_num_queries
):
    def add(count: int, start: int) -> None:
        for index in range(start, start + count):
            made = factories.indicator(cycle.plan, f"Q{index:03}", f"Measure {index}", target=50)
            made.outcomes.add(cycle.ch6.placements.get().outcome)
            factories.indicator_value(made, 2023, 2, "60")
            factories.indicator_value(made, 2023, 3, "40")

    add(3, 0)
    client.force_login(cycle.viewer)
    url = reverse("reports:dashboard", args=[cycle.plan.slug])
    # 22 with the query asking whether the plan has milestones (their panel).
    with django_assert_num_queries(22) as first:
        client.get(url, {"period": cycle.q3.code})
    add(30, 3)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url, {"period": cycle.q3.code})


# The exception report --------------------------------------------------------------------


def test_the_report_lists_red_indicators_under_their_outcome_and_the_unlinked_last(kpis):
    cycle = kpis.cycle
    data = build_report(report_start(cycle.performance, cycle.q3))
    sections = {s.name: [line.code for line in s.indicators] for s in data.sections}
    # CHECKS (1,796 against 4,500 by Q3) evidences PH5 in Live well; BIRTH is green.
    assert sections == {"Best start in life": [], "Live well": ["CHECKS"]}
    # SMOKING (21% against 13%, lower is better) is linked to nothing.
    [smoking] = data.unlinked_indicators
    assert (smoking.code, smoking.value, smoking.target) == ("SMOKING", "21%", "13%")
    [checks] = data.sections[1].indicators
    assert checks.value == "1,796" and checks.target == "4,500"
    assert checks.rule == "Green at 4,500 or more; amber from 4,200; red below that"
    assert checks.rag_label == "Off target"
    assert "1,796 health checks" in checks.commentary
    assert (data.indicator_total, data.off_target_count) == (4, 2)


def test_an_indicator_under_two_outcomes_is_listed_in_each_and_counted_once(kpis):
    cycle = kpis.cycle
    for outcome in cycle.plan.outcomes.all():
        kpis.checks.outcomes.add(outcome)
    data = build_report(report_start(cycle.performance, cycle.q3))
    assert [[line.code for line in s.indicators] for s in data.sections] == [
        ["CHECKS"],
        ["CHECKS"],
    ]
    assert data.off_target_count == 2


def test_every_format_has_the_section(client, kpis):
    cycle = kpis.cycle
    report = report_start(cycle.performance, cycle.q3)
    client.force_login(cycle.performance)
    page = report_part(client.get(report.get_absolute_url()).content.decode())
    assert "Indicators off target in Live well" in page
    assert "Indicators not linked to an outcome" in page
    assert "1,796" in page and "Green at 4,500 or more; amber from 4,200; red below that" in page
    assert "2 off target" in page

    data = build_report(report)
    text = pdf_text(render_pdf(data))
    assert "Indicators off target in Live well" in text
    assert "CHECKS Health checks delivered" in text and "1,796" in text
    assert "Indicators not linked to an outcome" in text and "SMOKING" in text

    text = docx_text(render_docx(data))
    assert "Indicators off target in Live well" in text
    assert "CHECKS Health checks delivered" in text and "Target 4,500" in text
    assert "Indicators not linked to an outcome" in text and "SMOKING Smoking prevalence" in text

    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(data)))
    rows = list(book["Indicators off target"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Strategic outcome", "Code", "Indicator")
    assert [(r[0], r[1], r[4], r[5], r[6]) for r in rows[1:]] == [
        ("Live well", "CHECKS", "1,796", "4,500", "Off target"),
        ("Not linked to an outcome", "SMOKING", "21%", "13%", "Off target"),
    ]


def test_a_plan_without_indicators_has_no_indicator_section(cycle):
    data = build_report(report_start(cycle.performance, cycle.q3))
    assert data.indicator_total == 0 and not data.has_indicators
    assert "Indicators off target" not in docx_text(render_docx(data))
    sheets = openpyxl.load_workbook(io.BytesIO(render_xlsx(data))).sheetnames
    assert "Indicators off target" not in sheets


def test_a_published_report_keeps_its_indicator_figures(client, kpis):
    cycle = kpis.cycle
    published = report_publish(cycle.performance, report_start(cycle.performance, cycle.q3))
    client.force_login(cycle.viewer)
    before = report_part(client.get(published.get_absolute_url()).content.decode())
    assert "1,796" in before

    # The live values change: CHECKS is corrected to on target, SMOKING gets a fresh value
    # approved, and BIRTH's Q3 value is corrected below target.
    IndicatorValue.objects.filter(indicator=kpis.checks, point=3).update(
        value=Decimal(5000), commentary="Corrected"
    )
    IndicatorValue.objects.filter(indicator=kpis.smoking).update(value=Decimal(12))
    IndicatorValue.objects.filter(indicator=kpis.birth, point=3).update(value=Decimal(50))

    after = report_part(client.get(published.get_absolute_url()).content.decode())
    assert after == before
    frozen = report_data(ExceptionReport.objects.get(pk=published.pk))
    assert [line.value for line in frozen.sections[1].indicators] == ["1,796"]
    assert [line.code for line in frozen.unlinked_indicators] == ["SMOKING"]
    assert "Corrected" not in pdf_text(render_pdf(frozen))
    assert "5,000" not in docx_text(render_docx(frozen))

    # A correction is built from the live values.
    fresh = build_report(report_start(cycle.performance, cycle.q3))
    assert [line.code for line in fresh.sections[0].indicators] == ["BIRTH"]
    assert fresh.sections[1].indicators == [] and fresh.unlinked_indicators == []


def test_a_version_published_before_indicators_reads_as_it_did(kpis):
    cycle = kpis.cycle
    published = report_publish(cycle.performance, report_start(cycle.performance, cycle.q3))
    snapshot = dict(published.snapshot)
    for key in ("indicator_total", "unlinked_indicators"):
        snapshot.pop(key)
    snapshot["sections"] = [
        {k: v for k, v in s.items() if k != "indicators"} for s in snapshot["sections"]
    ]
    ExceptionReport.objects.filter(pk=published.pk).update(snapshot=snapshot)
    data = report_data(ExceptionReport.objects.get(pk=published.pk))
    assert not data.has_indicators and data.unlinked_indicators == []
    assert "Indicators off target" not in pdf_text(render_pdf(data))


def test_a_draft_report_counts_approved_values_only_whoever_builds_it(client, kpis):
    """The report's audience is everyone signed in (reports.builder.READER), as for actions:
    a submitted value, even one the performance team may see, is not in the report."""
    cycle = kpis.cycle
    visits = factories.indicator(
        cycle.plan, "VISITS", "Visits made", target=100, owner=cycle.officer
    )
    visits.outcomes.add(cycle.ch6.placements.get().outcome)
    factories.indicator_value(visits, 2023, 3, "10", "Submitted, not approved", state="submitted")
    report = report_start(cycle.performance, cycle.q3)
    assert [line.code for line in build_report(report).sections[0].indicators] == []
    client.force_login(cycle.performance)
    page = report_part(client.get(report.get_absolute_url()).content.decode())
    assert "VISITS" not in page and "Submitted, not approved" not in page
    # The performance team's dashboard does count it, as it counts submitted updates.
    panel = dashboard(client, cycle.performance, cycle.plan, cycle.q3).context["indicators"]
    assert panel.counts["red"] == 3

    IndicatorValue.objects.filter(indicator=visits).update(state="approved")
    assert [line.code for line in build_report(report).sections[0].indicators] == ["VISITS"]


def test_the_report_page_query_count_does_not_grow_with_indicators(
    client, kpis, django_assert_num_queries
):
    cycle = kpis.cycle
    report = report_start(cycle.performance, cycle.q3)
    client.force_login(cycle.performance)
    with django_assert_num_queries(21) as first:
        client.get(report.get_absolute_url())
    outcome = cycle.ch6.placements.get().outcome
    for index in range(20):
        made = factories.indicator(cycle.plan, f"R{index:02}", f"Red {index}", target=50)
        made.outcomes.add(outcome)
        made.actions.add(cycle.ph5)
        factories.indicator_value(made, 2023, 3, "10")
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(report.get_absolute_url())
    assert response.content.decode().count("R1") >= 10


# The reading these pages share, at county scale -------------------------------------------


def test_comparators_are_read_for_the_quarters_point_only(kpis):
    cycle = kpis.cycle
    for area, point, value in [
        ("England", 3, "97.6"),
        ("England", 2, "80"),
        ("Dudley", 3, "99"),
        ("Walsall", 3, "98"),
        ("Wolverhampton", 3, "90"),
        ("Sandwell's neighbour", 3, "91"),
    ]:
        kind = "national" if area == "England" else "council"
        Comparator.objects.create(
            indicator=kpis.birth, kind=kind, area=area, year=2023, point=point, value=Decimal(value)
        )
    # CONTACTS (monthly) has a comparator at its quarter's number, which is not its month.
    Comparator.objects.create(
        indicator=kpis.contacts, kind="national", area="England", year=2023, point=3, value=1
    )
    found = {r.indicator.code: r for r in quarter_readings(cycle.plan, cycle.q3, cycle.viewer)}
    birth = found["BIRTH"]
    assert sorted((c.area, c.value) for c in birth.comparators if c.kind == "national") == [
        ("England", Decimal("97.6"))
    ]
    assert birth.quartile == 2  # 97.9 among 99, 98, 90 and 91: third of five
    assert found["CONTACTS"].comparators == []


def test_a_plan_with_more_indicators_than_sqlite_nests_is_read(client, cycle):
    """One OR per indicator once made SQLite refuse a plan of 1,000+ indicators."""
    made = Indicator.objects.bulk_create(
        Indicator(plan=cycle.plan, code=f"C{index:04}", title=f"Measure {index}")
        for index in range(1100)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=i, year=2023, point=3, value=Decimal(1), state="approved")
        for i in made
    )
    panel = dashboard(client, cycle.viewer, cycle.plan, cycle.q3).context["indicators"]
    assert panel.total == 1100 and panel.counts["grey"] == 1100
