"""A long report's web page, one outcome at a time: the whole report's counts and charts, one
outcome's exception tables, GOV.UK pagination links that work without script; short reports
unchanged."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import StrategicOutcome
from reports import report_pages
from reports.builder import build_report
from reports.render import render_xlsx
from reports.services import report_start
from tests import factories
from tests.reports.test_summary_layout import appendix_rows, exception_table_rows


def _report(users, directorates, outcomes: int, per_outcome: int = 6, slug: str = "long"):
    """`outcomes` outcomes of `per_outcome` actions each, every other one Delayed."""
    plan = factories.plan(slug)
    quarter = factories.period(plan, "2023-24-Q3")
    for o in range(outcomes):
        outcome = StrategicOutcome.objects.create(plan=plan, name=f"Outcome {o}", order=o)
        for n in range(per_outcome):
            action = factories.action(
                plan, f"L{o:02d}{n:02d}", outcome=outcome, directorate=directorates["CH"]
            )
            factories.update(action, quarter, "Delayed" if n % 2 else "On Track", "Late " * 20)
    # One action with no update: the appendix's page lists it.
    factories.action(plan, "NU1", "Never updated", outcome=outcome)
    return report_start(users["performance"], quarter)


@pytest.fixture
def paged(monkeypatch):
    monkeypatch.setattr(report_pages, "PAGE_BY_OUTCOME_FROM", 10)


def _exception_captions(page: str) -> list[str]:
    return re.findall(r"Exceptions in (Outcome \d+)</caption>", page)


@pytest.mark.django_db
def test_a_short_report_is_one_page_as_before(client, users, directorates):
    report = _report(users, directorates, 3)
    client.force_login(users["performance"])
    page = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert _exception_captions(page) == ["Outcome 0", "Outcome 1", "Outcome 2"]
    assert "govuk-pagination" not in page and "Never updated" in page


@pytest.mark.django_db
def test_a_long_report_shows_every_count_and_one_outcomes_tables(
    client, users, directorates, paged
):
    report = _report(users, directorates, 3)
    outcomes = list(report.plan.outcomes.order_by("order"))
    client.force_login(users["performance"])
    url = reverse("reports:report", args=[report.pk])
    page = client.get(url).content.decode()
    assert _exception_captions(page) == ["Outcome 0"]  # the first, unasked
    assert "Showing part 1 of 4: Outcome 0" in page
    for outcome in outcomes:  # every outcome's counts, each a link to its part
        assert f'href="?outcome={outcome.pk}#report-part">Outcome' in page
    assert 'aria-current="page"' in page and 'rel="next"' in page
    second = client.get(url, {"outcome": outcomes[1].pk}).content.decode()
    assert _exception_captions(second) == ["Outcome 1"]
    assert 'rel="prev"' in second and "Never updated" not in second
    last = client.get(url, {"outcome": "no-update"}).content.decode()
    assert _exception_captions(last) == [] and "Never updated" in last
    assert 'rel="next"' not in last


@pytest.mark.django_db
def test_the_parts_together_hold_exactly_the_files_exception_rows(
    client, users, directorates, paged
):
    report = _report(users, directorates, 3)
    client.force_login(users["performance"])
    url = reverse("reports:report", args=[report.pk])
    rows = []
    for outcome in report.plan.outcomes.order_by("order"):
        page = client.get(url, {"outcome": outcome.pk}).content.decode()
        rows += [(o, ref, title.strip()) for o, ref, title in exception_table_rows(_unlinked(page))]
    assert rows == appendix_rows(render_xlsx(build_report(report)))


def _unlinked(page: str) -> str:
    """The page's tables with the actions' links taken off, as the files have them."""
    return re.sub(r'<a class="govuk-link" href="/plans/[^"]*">([^<]*)</a>', r"\1", page)


@pytest.mark.django_db
def test_an_unknown_part_is_not_found_and_posting_is_refused(client, users, directorates, paged):
    report = _report(users, directorates, 2)
    client.force_login(users["performance"])
    url = reverse("reports:report", args=[report.pk])
    assert client.get(url, {"outcome": "999999"}).status_code == 404
    assert client.get(url, {"outcome": "<script>"}).status_code == 404
    assert client.post(url).status_code == 405
    client.force_login(users["viewer"])  # a draft is the performance team's
    assert client.get(url, {"outcome": "no-update"}).status_code == 404


@pytest.mark.django_db
def test_the_long_pages_queries_are_flat_and_its_size_does_not_grow_with_the_plan(
    client, users, directorates, paged
):
    client.force_login(users["performance"])
    sizes, queries = {}, {}
    for outcomes in (3, 12):
        report = _report(users, directorates, outcomes, slug=f"plan-{outcomes}")
        url = reverse("reports:report", args=[report.pk])
        client.get(url)  # warm: the first request reads the session and caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        sizes[outcomes], queries[outcomes] = len(response.content), len(captured)
    assert queries[3] == queries[12]
    assert queries[3] <= 25, queries
    # Four times the outcomes (and actions): one more line each in the counts, nothing more.
    assert sizes[12] < 1.5 * sizes[3], sizes
