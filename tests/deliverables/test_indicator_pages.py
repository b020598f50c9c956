"""The indicator pages: the list for a quarter with its filters and files, one indicator's page
with its chart and history, and indicators on the outcome and action pages."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from deliverables.models import Comparator, Indicator, IndicatorValue
from plans.models import Plan
from tests import factories
from tests.conftest import in_order

pytestmark = pytest.mark.django_db

Q3, Q4 = "2023-24-Q3", "2023-24-Q4"


def list_url(plan, **query) -> str:
    url = reverse("deliverables:indicators", args=[plan.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def page_of(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def row_of(page: str, code: str) -> str:
    """The table row naming an indicator by its code."""
    at = page.index(f'<span class="app-ref">{code}</span>')
    return page[page.rindex("<tr", 0, at) : page.index("</tr>", at)]


def codes(response) -> list[str]:
    return [r.indicator.code for r in response.context["readings"]]


# -- the list -------------------------------------------------------------------------------


def test_the_list_shows_each_indicator_with_value_target_rag_rule_and_direction(client, kpis):
    cycle = kpis.cycle
    page = page_of(client, cycle.viewer, list_url(cycle.plan, period=Q3))
    assert in_order(page, "BIRTH", "CHECKS", "SMOKING", "CONTACTS")
    birth = row_of(page, "BIRTH")
    assert in_order(birth, "New birth visits", "Q3 2023/24", "97.9%", "95.0%", "On target")
    assert "Green at 95.0% or more; amber from 90.3%; red below that" in birth
    assert "Improving" in birth and "since the previous period (96.0%)" in birth
    assert str(cycle.officer) in birth and "Children &amp; Education" in birth
    assert "Off target" in row_of(page, "CHECKS") and "Off target" in row_of(page, "SMOKING")
    assert "2022/23" in row_of(page, "SMOKING")  # an annual figure before Q4 is last year's
    contacts = row_of(page, "CONTACTS")
    assert "December 2023" in contacts and "Monitoring only: not rated" in contacts
    assert "<strong>1</strong> on target" in page
    assert "<strong>2</strong> off target" in page


def test_the_default_quarter_is_the_plan_pages(client, kpis):
    cycle = kpis.cycle
    client.force_login(cycle.viewer)
    plan_page = client.get(cycle.plan.get_absolute_url())
    response = client.get(list_url(cycle.plan))
    assert response.context["period"] == plan_page.context["period"]


def test_a_viewer_never_sees_the_submitted_q4_figure_but_the_approver_does(client, kpis):
    cycle = kpis.cycle
    for_viewer = page_of(client, cycle.viewer, list_url(cycle.plan, period=Q4))
    assert "Awaiting approval" in for_viewer
    assert "93.0%" not in for_viewer
    for_approver = page_of(client, cycle.approver, list_url(cycle.plan, period=Q4))
    assert "93.0%" in for_approver
    assert "Within tolerance" in for_approver
    # The draft of CHECKS counts for no one: not yet entered, never 0 or 2,500.
    assert "Not yet entered" in for_approver and "2,500" not in for_approver


def test_filters_by_outcome_directorate_rag_and_direction(client, kpis):
    cycle = kpis.cycle
    client.force_login(cycle.viewer)
    first = cycle.ch6.placements.get().outcome_id
    second = cycle.ph5.placements.get().outcome_id
    assert codes(client.get(list_url(cycle.plan, period=Q3, outcome=first))) == ["BIRTH"]
    assert codes(client.get(list_url(cycle.plan, period=Q3, outcome=second))) == ["CHECKS"]
    ph = cycle.ph5.directorate_id
    assert codes(client.get(list_url(cycle.plan, period=Q3, directorate=ph))) == ["CHECKS"]
    assert codes(client.get(list_url(cycle.plan, period=Q3, rag="red"))) == ["CHECKS", "SMOKING"]
    assert codes(client.get(list_url(cycle.plan, period=Q3, direction="improving"))) == ["BIRTH"]
    response = client.get(list_url(cycle.plan, period=Q3, rag="red", direction="none"))
    assert codes(response) == ["CHECKS", "SMOKING"]
    assert "2 of 4 indicators" in response.content.decode()


def test_an_unknown_filter_value_is_an_error_on_the_page(client, kpis):
    cycle = kpis.cycle
    client.force_login(cycle.viewer)
    response = client.get(list_url(cycle.plan, period=Q3, rag="purple"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "govuk-form-group--error" in page
    assert len(codes(response)) == 4  # the filter that was not understood is not applied


def test_a_long_list_is_paged_and_its_counts_and_files_cover_every_row(client, kpis, monkeypatch):
    from deliverables.views import indicators as views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    cycle = kpis.cycle
    client.force_login(cycle.viewer)
    first = client.get(list_url(cycle.plan, period=Q3, rag="red"))
    assert [r.indicator.code for r in first.context["page"]] == ["CHECKS", "SMOKING"]
    second = client.get(list_url(cycle.plan, period=Q3) + "&page=2")
    assert [r.indicator.code for r in second.context["page"]] == ["CONTACTS"]
    page = second.content.decode()
    assert "2 of 2" in page and f"?period={Q3}&amp;page=1" in page
    assert "<strong>2</strong> off target" in page  # counted over every row, not the page's
    rows = csv_rows(
        client.get(reverse("deliverables:indicators_csv", args=[cycle.plan.slug]), {"period": Q3})
    )
    assert len(rows) == 5


def test_the_list_links_to_each_indicator_and_the_files_with_the_same_filters(client, kpis):
    cycle = kpis.cycle
    page = page_of(client, cycle.viewer, list_url(cycle.plan, period=Q3, rag="red"))
    assert f'href="{kpis.birth.get_absolute_url()}?period={Q3}"' not in page  # filtered out
    assert f'href="{kpis.checks.get_absolute_url()}?period={Q3}"' in page
    csv_url = reverse("deliverables:indicators_csv", args=[cycle.plan.slug])
    assert f"{csv_url}?period={Q3}&amp;rag=red" in page


def test_the_plan_page_and_home_page_link_to_the_list(client, kpis):
    cycle = kpis.cycle
    url = reverse("deliverables:indicators", args=[cycle.plan.slug])
    assert url in page_of(client, cycle.viewer, cycle.plan.get_absolute_url())
    assert url in page_of(client, cycle.viewer, reverse("home"))


def test_a_plan_without_indicators_says_so(client, cycle):
    page = page_of(client, cycle.viewer, list_url(cycle.plan))
    assert "This plan has no indicators yet" in page


def test_the_list_refuses_post_and_unknown_quarters_and_retired_plans(client, kpis):
    cycle = kpis.cycle
    client.force_login(cycle.viewer)
    assert client.post(list_url(cycle.plan)).status_code == 405
    assert client.get(list_url(cycle.plan, period="2030-31-Q1")).status_code == 404
    assert client.get(list_url(cycle.plan, period="nonsense")).status_code == 404
    Plan.objects.filter(pk=cycle.plan.pk).update(is_active=False)
    assert client.get(list_url(cycle.plan)).status_code == 404


def test_the_list_query_count_does_not_grow_with_indicators(
    client, kpis, django_assert_num_queries
):
    cycle = kpis.cycle
    client.force_login(cycle.approver)
    url = list_url(cycle.plan, period=Q4)
    with django_assert_num_queries(17) as first:
        client.get(url)
    for n in range(6):
        made = factories.indicator(
            cycle.plan, f"EXTRA{n}", f"Extra {n}", target=10, directorate=cycle.ch6.directorate
        )
        made.actions.add(cycle.ph5)
        made.deliverables.add(cycle.ch6.placements.get().deliverable)
        factories.indicator_value(made, 2023, 4, "9", state="submitted", source="entered")
        Comparator.objects.create(
            indicator=made, kind="national", area="England", year=2023, point=4, value=8
        )
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert len(response.context["readings"]) == 10


# -- the files ------------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


@pytest.mark.parametrize("reader", ["viewer", "approver"])
def test_the_files_hold_the_pages_rows_for_the_same_reader(client, kpis, reader):
    cycle = kpis.cycle
    client.force_login(getattr(cycle, reader))
    query = {"period": Q4}
    page = client.get(list_url(cycle.plan, **query))
    expected = [(r.indicator.code, r.rag_label) for r in page.context["readings"]]
    csv_response = client.get(reverse("deliverables:indicators_csv", args=[cycle.plan.slug]), query)
    assert csv_response["Content-Type"].startswith("text/csv")
    assert f"{cycle.plan.slug}-{Q4}-indicators.csv" in csv_response["Content-Disposition"]
    assert "no-store" in csv_response["Cache-Control"]
    rows = csv_rows(csv_response)
    header, body = rows[0], rows[1:]
    assert [(row[0], row[header.index("RAG")]) for row in body] == expected
    birth = body[0]
    xlsx_response = client.get(
        reverse("deliverables:indicators_xlsx", args=[cycle.plan.slug]), query
    )
    assert f"{cycle.plan.slug}-{Q4}-indicators.xlsx" in xlsx_response["Content-Disposition"]
    sheet = xlsx_rows(xlsx_response)
    assert [(row[0], row[6]) for row in sheet[1:]] == expected
    if reader == "viewer":
        assert birth[header.index("Value")] == "Awaiting approval"
        assert "93" not in " ".join(birth) and "dip" not in " ".join(birth)
        assert sheet[1][3] == "Awaiting approval"
    else:
        assert birth[header.index("Value")] == "93.0"
        assert birth[header.index("Target")] == "95.0"
        assert birth[header.index("Direction since previous period")] == "Worsening"
        assert birth[header.index("RAG rule")].startswith("Green at 95.0% or more")
        assert birth[header.index("Outcomes")] == cycle.ch6.placements.get().outcome.name
        assert birth[header.index("Owner")] == str(cycle.officer)
        assert sheet[1][3] == pytest.approx(93.0)


def test_the_files_apply_the_filters_and_refuse_one_not_understood(client, kpis):
    cycle = kpis.cycle
    client.force_login(cycle.viewer)
    url = reverse("deliverables:indicators_csv", args=[cycle.plan.slug])
    rows = csv_rows(client.get(url, {"period": Q3, "rag": "red"}))
    assert [row[0] for row in rows[1:]] == ["CHECKS", "SMOKING"]
    assert client.get(url, {"period": Q3, "rag": "purple"}).status_code == 400
    assert client.post(url).status_code == 405


def test_the_files_neutralise_formulae(client, kpis):
    cycle = kpis.cycle
    Indicator.objects.filter(pk=kpis.birth.pk).update(title="=HYPERLINK(1)")
    IndicatorValue.objects.filter(indicator=kpis.birth, point=3).update(commentary="@SUM(A1)")
    Comparator.objects.create(
        indicator=kpis.birth, kind="council", area="-Dudley", year=2023, point=3, value=97
    )
    client.force_login(cycle.viewer)
    for name in ("indicators_csv", "indicators_xlsx"):
        response = client.get(
            reverse(f"deliverables:{name}", args=[cycle.plan.slug]), {"period": Q3}
        )
        if name.endswith("csv"):
            cells = [cell for row in csv_rows(response) for cell in row]
        else:
            cells = [str(c) for row in xlsx_rows(response) for c in row if c is not None]
        assert "'=HYPERLINK(1)" in cells and "'@SUM(A1)" in cells
        assert not [c for c in cells if c.startswith(("=", "+", "@", "-D"))]


# -- one indicator --------------------------------------------------------------------------


def detail_url(indicator, period=None) -> str:
    return indicator.get_absolute_url() + (f"?period={period}" if period else "")


def test_the_indicator_page_shows_its_definition_links_reading_and_chart(client, kpis):
    cycle = kpis.cycle
    Indicator.objects.filter(pk=kpis.birth.pk).update(
        description="Health visiting", data_source="Health visiting system", external_id="LG-1"
    )
    kpis.birth.deliverables.add(cycle.ch6.placements.get().deliverable)
    Comparator.objects.create(
        indicator=kpis.birth, kind="national", area="England", year=2023, point=3, value="97.6"
    )
    page = page_of(client, cycle.viewer, detail_url(kpis.birth, Q3))
    assert "New birth visits within 14 days" in page
    for text in ("Health visiting system", "LG-1", "Higher is better", "Quarterly", "Percentage"):
        assert text in page
    assert cycle.ch6.get_absolute_url() in page
    assert cycle.ch6.placements.get().outcome.get_absolute_url() in page
    assert "97.9%" in page and "On target" in page and "Improving" in page
    assert "England" in page and "97.6%" in page
    # The chart: an SVG with a title and description, a line per series, the data table.
    assert "<svg" in page and '<title id="indicator-chart-title">' in page
    assert 'data-name="Value"' in page and 'data-name="Target"' in page
    assert 'data-name="National (England)"' in page
    assert "stroke-dasharray" in page  # the target and comparators are not told by colour alone
    table = page[page.index("The chart's figures") :]
    assert in_order(table, "Q2 2023/24", "96.0%", "95.0%", "Q3 2023/24", "97.9%", "97.6%")


def test_the_chart_has_a_point_for_each_value_and_a_gap_for_a_missing_one(client, kpis):
    from deliverables.indicators.charts import line_chart
    from deliverables.indicators.series import indicator_series

    cycle = kpis.cycle
    factories.indicator_value(kpis.birth, 2022, 4, "94")  # Q1 and Q2... Q1 2023/24 is missing
    series = indicator_series(kpis.birth, cycle.viewer, until=cycle.q4)
    assert [p.label for p in series] == [
        "Q4 2022/23", "Q1 2023/24", "Q2 2023/24", "Q3 2023/24", "Q4 2023/24",
    ]  # fmt: skip
    assert [p.value_text for p in series] == [
        "94.0%", "Missing", "96.0%", "97.9%", "Awaiting approval",
    ]  # fmt: skip
    chart = line_chart("c", kpis.birth, series)
    value_line = next(line for line in chart.lines if line.name == "Value")
    assert len(value_line.markers) == 3
    assert len(value_line.segments) == 2  # broken at the missing quarter
    assert chart.rows[1] == ["Q1 2023/24", "Missing", "95.0%"]


def test_a_viewer_sees_only_approved_history_and_no_audit_trail(client, kpis):
    cycle = kpis.cycle
    page = page_of(client, cycle.viewer, detail_url(kpis.birth, Q4))
    assert "93.0%" not in page and "Q4 dip" not in page
    assert "Awaiting approval" in page
    assert "Changes" not in page
    checks = page_of(client, cycle.viewer, detail_url(kpis.checks, Q4))
    assert "2,500" not in checks and "draft" not in checks.lower()


def test_the_owner_approver_and_performance_team_see_work_in_progress(client, kpis):
    cycle = kpis.cycle
    for user in (cycle.officer, cycle.approver, cycle.performance):
        page = page_of(client, user, detail_url(kpis.birth, Q4))
        assert "93.0%" in page and "Q4 dip, submitted" in page, user
        assert "Submitted" in page
        assert '<h2 class="govuk-heading-m">Changes</h2>' in page
        assert "Q4 2023/24 value created (submitted)" in page
    draft = page_of(client, cycle.other_officer, detail_url(kpis.checks, Q4))
    assert "2,500" in draft and "Not rated until submitted" in draft


def test_the_owner_finds_the_entry_page_from_the_indicator_page_while_a_quarter_is_open(
    client, kpis
):
    cycle = kpis.cycle
    entry = reverse("deliverables:indicator_entry", args=[cycle.plan.slug, "BIRTH", Q4])
    link = f'href="{entry}">Enter your values for Q4 2023/24</a>'
    # Whichever quarter the page shows: the open quarter is where values are due.
    assert link in page_of(client, cycle.officer, detail_url(kpis.birth, Q4))
    assert link in page_of(client, cycle.officer, detail_url(kpis.birth, Q3))
    cycle.q4.state = "closed"
    cycle.q4.save()
    assert "Enter your values" not in page_of(client, cycle.officer, detail_url(kpis.birth, Q4))
    cycle.q4.state = "open"
    cycle.q4.save()
    # Not for anyone who does not enter its values.
    for user in (cycle.approver, cycle.performance, cycle.viewer, cycle.other_officer):
        assert "Enter your values" not in page_of(client, user, detail_url(kpis.birth, Q4)), user


def test_the_indicator_page_refuses_unknown_codes_posts_bad_quarters_and_retired_plans(
    client, kpis
):
    cycle = kpis.cycle
    client.force_login(cycle.viewer)
    url = kpis.birth.get_absolute_url()
    assert client.get(url.replace("BIRTH", "NOPE")).status_code == 404
    assert client.post(url).status_code == 405
    assert client.get(url + "?period=2030-31-Q1").status_code == 404
    other = factories.small_plan(factories.directorates(), slug="other-plan")
    wrong_plan = reverse("deliverables:indicator", args=[other.plan.slug, "BIRTH"])
    assert client.get(wrong_plan).status_code == 404
    Plan.objects.filter(pk=cycle.plan.pk).update(is_active=False)
    assert client.get(url).status_code == 404


def test_the_indicator_page_query_count_does_not_grow_with_history(
    client, kpis, django_assert_num_queries
):
    cycle = kpis.cycle
    client.force_login(cycle.approver)
    url = detail_url(kpis.birth, Q4)
    with django_assert_num_queries(22) as first:
        client.get(url)
    for year in (2019, 2020, 2021, 2022):
        for point in (1, 2, 3, 4):
            factories.indicator_value(kpis.birth, year, point, "90", f"{year} {point}")
            Comparator.objects.create(
                indicator=kpis.birth, kind="national", area="England", year=year, point=point,
                value=Decimal("91"),
            )  # fmt: skip
    kpis.birth.deliverables.add(cycle.ch6.placements.get().deliverable)
    kpis.birth.actions.add(cycle.ch5)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert len(response.context["series"]) == 20


# -- outcome and action pages ---------------------------------------------------------------


def test_the_outcome_page_lists_its_indicators_for_the_quarter(client, kpis):
    cycle = kpis.cycle
    outcome = cycle.ch6.placements.get().outcome
    page = page_of(client, cycle.viewer, outcome.get_absolute_url() + f"?period={Q3}")
    assert "Indicators" in page
    assert kpis.birth.get_absolute_url() in page
    assert in_order(row_of(page, "BIRTH"), "97.9%", "95.0%", "On target", "Improving")
    assert kpis.checks.get_absolute_url() not in page
    other = cycle.ph5.placements.get().outcome
    assert kpis.checks.get_absolute_url() in page_of(client, cycle.viewer, other.get_absolute_url())


def test_the_action_page_lists_the_indicators_that_evidence_it(client, kpis):
    cycle = kpis.cycle
    page = page_of(client, cycle.viewer, cycle.ch6.get_absolute_url())
    assert "Indicators" in page and kpis.birth.get_absolute_url() in page
    assert "97.9%" in page
    assert kpis.birth.get_absolute_url() not in page_of(
        client, cycle.viewer, cycle.ph5.get_absolute_url()
    )


def test_the_series_reads_every_point_with_the_quarters_rules(kpis):
    from deliverables.indicators.charts import nice_ticks
    from deliverables.indicators.series import indicator_series

    cycle = kpis.cycle
    smoking = indicator_series(kpis.smoking, cycle.viewer, until=cycle.q4)
    assert [(p.label, p.value_text, p.rag) for p in smoking] == [
        ("2022/23", "21%", "red"),
        ("2023/24", "Not yet entered", "missing"),
    ]
    checks = indicator_series(kpis.checks, cycle.other_officer, until=cycle.q4)
    assert [(p.label, p.target_text) for p in checks] == [
        ("Q3 2023/24", "4,500"),  # cumulative: three quarters of 6,000
        ("Q4 2023/24", "6,000"),
    ]
    assert checks[-1].not_counted and checks[-1].record_text == "2,500"
    assert indicator_series(kpis.checks, cycle.viewer, until=cycle.q4)[-1].record is None
    assert nice_ticks(Decimal("90.3"), Decimal("97.9")) == [
        Decimal(n) for n in (90, 92, 94, 96, 98)
    ]


def test_the_rag_rule_is_written_beside_every_value(client, kpis):
    """On the outcome page, in the indicator page's history and on the dashboard's worsening
    list, as on the list: the rule that gave each value its RAG."""
    cycle = kpis.cycle
    rule = "Green at 95.0% or more; amber from 90.3%; red below that"
    outcome = cycle.ch6.placements.get().outcome
    assert rule in page_of(client, cycle.viewer, outcome.get_absolute_url() + f"?period={Q3}")
    history = page_of(client, cycle.viewer, detail_url(kpis.birth, Q3))
    assert history.count(rule) >= 3  # the quarter's reading and both quarters of history
    dashboard = page_of(
        client,
        cycle.approver,
        reverse("reports:dashboard", args=[cycle.plan.slug]) + f"?period={Q4}",
    )
    assert "Worsening since the period before" in dashboard and rule in dashboard
