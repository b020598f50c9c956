"""Published reports on the public pages: the web page and PDF from the frozen snapshot,
without anyone's name; drafts and reports of periods or plans not public are 404."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from plans.models import Plan
from public.cache import clear_plan
from reports.models import ReportKind
from reports.public_copy import without_names
from reports.recommendations import report_content
from reports.services import report_edit, report_publish, report_start
from tests.public import test_open_data
from tests.public.test_open_data import NAMES, assert_nothing_secret

published = test_open_data.published  # the published quarter


def report_url(world, report, name: str = "public:report") -> str:
    return reverse(name, args=[world.plan.slug, report.pk])


@pytest.mark.django_db
def test_the_published_report_reads_as_frozen_without_names(client, published):
    response = client.get(report_url(published, published.report))
    assert response.status_code == 200
    text = response.content.decode()
    assert "exception report, Q3 2023/24" in text
    assert "CH5" in text and "Commentary for CH5" in text  # Delayed: an exception
    assert "Children &amp; Education" in text
    assert published.report.snapshot["published_by"] == "Pat Pubwright"  # stored, kept
    assert_nothing_secret(text)
    assert (
        reverse("deliverables:action", args=[published.plan.slug, published.cycle.ch5.pk])
        not in text
    )
    css = client.get(report_url(published, published.report, "public:report_css"))
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")


@pytest.mark.django_db
def test_the_recommendations_report_too(client, published):
    response = client.get(report_url(published, published.recommendations))
    assert response.status_code == 200
    assert "Progress against recommendations" in response.content.decode()
    assert_nothing_secret(response.content.decode())


@pytest.mark.django_db
def test_names_when_the_council_publishes_them(client, published, settings):
    settings.PUBLIC_SHOW_OFFICER_NAMES = True
    clear_plan(published.plan.pk)
    text = client.get(report_url(published, published.report)).content.decode()
    assert "Pat Pubwright" in text and "Olu Zebedee" in text


@pytest.mark.django_db
def test_the_copy_without_names_leaves_the_snapshot_alone(published):
    content = report_content(published.report)
    public = without_names(content)
    leads = {line.lead for s in content.sections for line in s.exceptions}
    assert "Olu Zebedee" in leads
    assert not {line.lead for s in public.sections for line in s.exceptions} - {""}
    assert public.published_by == "" and content.published_by == "Pat Pubwright"
    published.report.refresh_from_db()
    assert published.report.snapshot["published_by"] == "Pat Pubwright"
    html = render_to_string(
        public.body_template, {"data": public}, request=RequestFactory().get("/")
    )
    for name in NAMES:
        assert name not in html


@pytest.mark.django_db
def test_the_pdf(client, published):
    response = client.get(report_url(published, published.report, "public:report_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "test-plan-2023-24-Q3-exception-report-v1.pdf" in response["Content-Disposition"]


@pytest.mark.django_db
def test_drafts_and_reports_not_public_are_not_found(client, published):
    draft = report_start(published.cycle.performance, published.q3, ReportKind.EXCEPTIONS)
    assert draft.version == 2
    report_edit(
        published.cycle.performance, draft, introduction="DRAFT-INTRODUCTION",
        narratives={}, extra_statuses=[],
    )  # fmt: skip
    for name in ("public:report", "public:report_pdf", "public:report_css"):
        assert client.get(report_url(published, draft, name)).status_code == 404, name
    for address in (
        report_url(published, published.report),
        reverse("public:feed"),
        reverse("public:data_json", args=[published.plan.slug, published.q3.code]),
    ):
        assert "DRAFT-INTRODUCTION" not in client.get(address).content.decode(), address
    # A published report of the open Q4 (its period not published).
    q4 = report_start(published.cycle.performance, published.q4, ReportKind.EXCEPTIONS)
    report_publish(published.cycle.performance, q4)
    assert client.get(report_url(published, q4)).status_code == 404
    # Under another plan's address.
    other = Plan.objects.create(
        slug="other", name="Other", first_year=2023, last_year=2024, public=True
    )
    assert (
        client.get(reverse("public:report", args=[other.slug, published.report.pk])).status_code
        == 404
    )
    # The plan's public pages switched off.
    Plan.objects.filter(pk=published.plan.pk).update(public=False)
    assert client.get(report_url(published, published.report)).status_code == 404


@pytest.mark.django_db
def test_reports_refuse_post(client, published):
    for name in ("public:report", "public:report_pdf", "public:report_css"):
        assert client.post(report_url(published, published.report, name)).status_code == 405


@pytest.mark.django_db
def test_the_period_downloads_list_reports_and_files(client, published, django_assert_num_queries):
    request = RequestFactory().get("/public/")
    context = {"plan": published.plan, "period": published.q3, "request": request}
    html = render_to_string("public/_period_downloads.html", context)
    assert report_url(published, published.report) in html
    assert report_url(published, published.recommendations, "public:report_pdf") in html
    assert reverse("public:data_csv", args=[published.plan.slug, "2023-24-Q3"]) in html
    assert reverse("public:data_json", args=[published.plan.slug, "2023-24-Q3"]) in html
    assert "indicators.csv" not in html  # the plan has no indicators
    assert "Open Government Licence v3.0" in html and reverse("public:data_dictionary") in html
    with django_assert_num_queries(DOWNLOADS_QUERIES):  # the files are not made to list them
        render_to_string("public/_period_downloads.html", context)


DOWNLOADS_QUERIES = 2


@pytest.mark.django_db
def test_an_id_too_large_for_the_database_is_not_found(client, published):
    for name in ("public:report", "public:report_pdf", "public:report_css"):
        address = reverse(name, args=[published.plan.slug, 10**30 - 1])
        assert client.get(address).status_code == 404, name
