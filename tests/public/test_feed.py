"""The Atom feeds of published reports: every public plan's, and one plan's."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree as ET
from django.urls import reverse

from plans.models import Plan
from public.cache import clear_plan
from reports.models import ReportKind
from reports.services import report_publish, report_start
from tests.public import test_open_data
from tests.public.test_open_data import assert_nothing_secret

ATOM = "{http://www.w3.org/2005/Atom}"
published = test_open_data.published  # the published quarter


def entries(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


@pytest.mark.django_db
def test_the_feed_lists_published_reports_newest_first(client, published):
    response = client.get(reverse("public:feed"))
    found = entries(response)
    titles = [e.findtext(f"{ATOM}title") for e in found]
    assert titles == [
        "Test Plan: Progress against recommendations Q3 2023/24 (version 1)",
        "Test Plan: Exception report Q3 2023/24 (version 1)",
    ]
    link = found[1].find(f"{ATOM}link").get("href")
    assert link.endswith(reverse("public:report", args=[published.plan.slug, published.report.pk]))
    assert found[1].findtext(f"{ATOM}published")
    summary = found[1].findtext(f"{ATOM}summary")
    assert summary.startswith("Q3 2023/24: 7 actions (") and "1 On Track" in summary
    assert 'rel="license"' in response["Link"]
    assert_nothing_secret(response.content.decode())
    plan_feed = client.get(reverse("public:plan_feed", args=[published.plan.slug]))
    assert len(entries(plan_feed)) == 2


@pytest.mark.django_db
def test_no_draft_nor_report_of_a_period_or_plan_not_public(client, published):
    report_start(published.cycle.performance, published.q3, ReportKind.EXCEPTIONS)  # a draft
    q4 = report_start(published.cycle.performance, published.q4, ReportKind.EXCEPTIONS)
    report_publish(published.cycle.performance, q4)  # Q4 is open: not published
    assert len(entries(client.get(reverse("public:feed")))) == 2
    Plan.objects.filter(pk=published.plan.pk).update(public=False)
    assert entries(client.get(reverse("public:feed"))) == []
    assert client.get(reverse("public:plan_feed", args=[published.plan.slug])).status_code == 404


@pytest.mark.django_db
def test_a_correction_appears_at_once(client, published):
    assert len(entries(client.get(reverse("public:feed")))) == 2
    correction = report_start(published.cycle.performance, published.q3, ReportKind.EXCEPTIONS)
    report_publish(published.cycle.performance, correction)
    titles = [e.findtext(f"{ATOM}title") for e in entries(client.get(reverse("public:feed")))]
    assert titles[0] == "Test Plan: Exception report Q3 2023/24 (version 2)"


@pytest.mark.django_db
def test_feeds_refuse_post(client, published):
    assert client.post(reverse("public:feed")).status_code == 405
    assert client.post(reverse("public:plan_feed", args=[published.plan.slug])).status_code == 405


@pytest.mark.django_db
def test_feed_queries_are_pinned_and_flat_in_entries(client, published, django_assert_num_queries):
    client.get(reverse("public:feed"))
    clear_plan(published.plan.pk)  # out of date: made afresh
    with django_assert_num_queries(FEED_FRESH):  # two entries
        client.get(reverse("public:feed"))
    correction = report_start(published.cycle.performance, published.q3, ReportKind.EXCEPTIONS)
    report_publish(published.cycle.performance, correction)
    with django_assert_num_queries(FEED_FRESH):  # three entries, the same queries
        assert len(entries(client.get(reverse("public:feed")))) == 3
    with django_assert_num_queries(FEED_CACHED):
        client.get(reverse("public:feed"))


FEED_FRESH = 14
FEED_CACHED = 4
