"""The public pages: what a resident reads without signing in, and what they never can."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliverables.models import Action, QuarterlyUpdate
from deliverables.services import period_reopen
from plans.models import Plan, ReportingPeriod, StrategicOutcome
from public.rules import public_periods, published_periods
from public.selectors import index_plans
from reports.services import report_publish, report_start
from tests import factories

SECRETS = ("SECRET SUBMITTED", "SECRET DRAFT", "SECRET RETURNED", "OPEN QUARTER WORDS")


def _published(plan: Plan, code: str) -> ReportingPeriod:
    period = plan.periods.by_code(code).first() or factories.period(plan, code)
    period.state = "published"
    period.save()
    return period


@pytest.fixture
def world(cycle):
    """The cycle's plan, public, with Q3 2023/24 published and holding every kind of update:
    CH6 approved (On Track), CH5 submitted, PH5 approved (Complete), F1 a draft, CH7 returned.
    Q4 is open with an approved update; Q2 closed, Q1 2024/25 upcoming: neither published.
    `officer` (Olu Officer) leads CH6, whose lead role is written on the plan."""
    plan = cycle.plan
    Plan.objects.filter(pk=plan.pk).update(public=True)
    plan.refresh_from_db()
    q3 = _published(plan, "2023-24-Q3")
    QuarterlyUpdate.objects.filter(action=cycle.ch5, period=q3).update(
        state="submitted", commentary="SECRET SUBMITTED"
    )
    factories.update(cycle.f1, q3, "Delayed", "SECRET DRAFT", state="draft", source="entered")
    b3 = cycle.ch6.placements.get().deliverable
    ch7 = factories.action(plan, "CH7", "Nursery places", deliverable=b3)
    factories.update(ch7, q3, "Delayed", "SECRET RETURNED", state="returned", source="entered")
    Action.objects.filter(pk=cycle.ch6.pk).update(lead_role="Director of Children's Services")
    factories.update(cycle.ch6, cycle.q4, "Delayed", "OPEN QUARTER WORDS")
    q2 = factories.period(plan, "2023-24-Q2", state="closed")
    upcoming = factories.period(plan, "2024-25-Q1", state="upcoming")
    return SimpleNamespace(cycle=cycle, plan=plan, q3=q3, q2=q2, upcoming=upcoming, ch7=ch7)


def _pages(w) -> list[str]:
    slug, code = w.plan.slug, w.q3.code
    return [
        reverse("public:index"),
        reverse("public:plan", args=[slug]),
        reverse("public:period", args=[slug, code]),
        *[
            reverse("public:outcome", args=[slug, code, outcome.pk])
            for outcome in w.plan.outcomes.all()
        ],
    ]


def test_the_index_lists_public_plans_with_their_latest_published_period(client, world):
    factories.plan("hidden-plan", "Hidden Plan")  # public pages off
    page = client.get(reverse("public:index")).content.decode()
    assert world.plan.name in page and "Hidden Plan" not in page
    assert reverse("public:period", args=[world.plan.slug, "2023-24-Q3"]) in page
    assert "Q3 2023/24" in page
    assert "Sign out" not in page and "Open Government Licence v3.0" in page


def test_the_plan_page_lists_only_published_periods_newest_first(client, world):
    _published(world.plan, "2023-24-Q1")
    page = client.get(reverse("public:plan", args=[world.plan.slug])).content.decode()
    assert page.index("Q3 2023/24") < page.index("Q1 2023/24")
    assert "Q2 2023/24" not in page and "Q4 2023/24" not in page and "Q1 2024/25" not in page
    assert f"<title>{world.plan.name} – Published performance" in page


def test_the_period_page_shows_counts_chart_and_links_to_each_outcome(client, world):
    response = client.get(reverse("public:period", args=[world.plan.slug, "2023-24-Q3"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"<title>Q3 2023/24 – {world.plan.name}" in page
    assert "<svg" in page and "Number of actions in each" in page  # chart and its data table
    assert "Awaiting approval" in page  # CH5's submitted update, counted without its words
    assert reverse("public:data_csv", args=[world.plan.slug, "2023-24-Q3"]) in page
    for outcome in world.plan.outcomes.all():
        assert reverse("public:outcome", args=[world.plan.slug, "2023-24-Q3", outcome.pk]) in page


def test_the_period_counts_equal_the_signed_in_plan_page_for_a_viewer(client, world):
    def counts(rows):
        return [
            (
                row["outcome"].pk if row["outcome"] else None,
                row["total"],
                *((status.pk, n) for status, n in row["status_counts"]),
            )
            for row in rows
        ]

    public = client.get(reverse("public:period", args=[world.plan.slug, "2023-24-Q3"]))
    client.force_login(world.cycle.viewer)
    signed_in = client.get(
        reverse("deliverables:plan", args=[world.plan.slug]), {"period": "2023-24-Q3"}
    )
    assert counts(public.context["overview"].rows) == counts(signed_in.context["rows"])
    # Plan total: CH6 On Track, CH5 awaiting, PH5 Complete, F1 and CH7 No Update.
    assert public.context["overview"].rows[-1]["total"] == 5


def test_the_outcome_page_shows_approved_status_and_commentary_with_directorate_and_role(
    client, world
):
    outcome = world.cycle.ch6.placements.get().outcome
    response = client.get(
        reverse("public:outcome", args=[world.plan.slug, "2023-24-Q3", outcome.pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"<title>{outcome.name} – Q3 2023/24 – {world.plan.name}" in page
    assert "Commentary for CH6" in page and "On Track" in page
    assert "Children &amp; Education" in page and "Director of Children&#x27;s Services" in page
    assert "Awaiting approval: the commentary is published once approved." in page  # CH5
    assert "No Update" in page  # CH7: returned counts for no one
    assert "Olu" not in page


@pytest.mark.parametrize("names", [False, True])
def test_officers_names_appear_only_when_the_council_chooses(client, world, settings, names):
    settings.PUBLIC_SHOW_OFFICER_NAMES = names
    outcome = world.cycle.ch6.placements.get().outcome
    page = client.get(
        reverse("public:outcome", args=[world.plan.slug, "2023-24-Q3", outcome.pk])
    ).content.decode()
    assert ("Olu Officer" in page) is names


def test_no_unapproved_words_or_names_appear_on_any_public_page(client, world):
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for secret in (*SECRETS, "Olu", "Ada Approver"):
            assert secret not in page, (url, secret)


def test_signed_in_or_not_the_public_pages_are_the_same(client, world):
    url = reverse("public:period", args=[world.plan.slug, "2023-24-Q3"])
    anonymous = client.get(url).content
    client.force_login(world.cycle.performance)  # sees every submitted update's words
    assert client.get(url).content == anonymous
    outcome_url = _pages(world)[-1]
    assert "SECRET" not in client.get(outcome_url).content.decode()


@pytest.mark.parametrize("code", ["2023-24-Q4", "2023-24-Q2", "2024-25-Q1", "2022-23-Q3"])
def test_periods_not_published_are_not_found(client, world, code):
    outcome = world.plan.outcomes.first()
    assert client.get(reverse("public:period", args=[world.plan.slug, code])).status_code == 404
    url = reverse("public:outcome", args=[world.plan.slug, code, outcome.pk])
    assert client.get(url).status_code == 404


def test_a_plan_with_public_pages_off_is_not_found(client, world):
    Plan.objects.filter(pk=world.plan.pk).update(public=False)
    for url in _pages(world)[1:]:
        assert client.get(url).status_code == 404, url
    assert world.plan.name not in client.get(reverse("public:index")).content.decode()
    assert client.get(reverse("public:plan", args=["no-such-plan"])).status_code == 404


def test_an_outcome_of_another_plan_is_not_found(client, world, directorates):
    other = factories.small_plan(directorates, slug="other-plan")
    url = reverse("public:outcome", args=[world.plan.slug, "2023-24-Q3", other.outcomes[0].pk])
    assert client.get(url).status_code == 404
    missing = reverse("public:outcome", args=[world.plan.slug, "2023-24-Q3", 10**9])
    assert client.get(missing).status_code == 404


def test_reopening_a_published_period_removes_its_pages_at_once(client, world):
    url = reverse("public:period", args=[world.plan.slug, "2023-24-Q3"])
    assert client.get(url).status_code == 200
    client.get(url)  # now cached
    ReportingPeriod.objects.filter(pk=world.cycle.q4.pk).update(state="closed")
    period_reopen(world.cycle.performance, world.q3, reason="A correction")
    assert client.get(url).status_code == 404
    plan_page = client.get(reverse("public:plan", args=[world.plan.slug])).content.decode()
    assert "Q3 2023/24" not in plan_page


def test_a_second_visit_is_served_from_the_cache(client, world):
    url = reverse("public:period", args=[world.plan.slug, "2023-24-Q3"])
    with CaptureQueriesContext(connection) as first:
        built = client.get(url)
    with CaptureQueriesContext(connection) as second:
        cached = client.get(url)
    assert cached.content == built.content
    assert len(second) < len(first) / 2
    assert cached["Content-Type"] == "text/html; charset=utf-8"


def test_publishing_a_corrected_report_changes_the_page_at_once(client, world):
    outcome = world.cycle.ch5.placements.get().outcome
    url = reverse("public:outcome", args=[world.plan.slug, "2023-24-Q3", outcome.pk])
    assert "Approved at last" not in client.get(url).content.decode()
    QuarterlyUpdate.objects.filter(action=world.cycle.ch5, period=world.q3).update(
        state="approved", commentary="Approved at last"
    )
    # Without a publish the cached page stands (until PUBLIC_CACHE_SECONDS) ...
    assert "Approved at last" not in client.get(url).content.decode()
    performance = world.cycle.performance
    report_publish(performance, report_start(performance, world.q3))
    # ... and the corrected report's publish shows it at once.
    assert "Approved at last" in client.get(url).content.decode()


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_public_pages_accept_only_get(client, world, method):
    for url in _pages(world):
        assert getattr(client, method)(url).status_code == 405, url


def test_the_index_prefetches_each_plans_periods_as_the_rule_says(world, directorates):
    for slug in ("second-plan", "third-plan"):
        small = factories.small_plan(directorates, slug=slug)
        Plan.objects.filter(pk=small.plan.pk).update(public=True)
        _published(small.plan, "2022-23-Q4")
    for row in index_plans():
        assert row.latest == public_periods(row.plan).first()
    assert set(published_periods()) == {
        p for plan in Plan.objects.filter(public=True) for p in public_periods(plan)
    }


# -- queries: flat with the number of plans and actions -----------------------------------------


def _public_plans(directorates, count: int, extra_actions: int = 0) -> list[Plan]:
    plans = []
    for index in range(count):
        small = factories.small_plan(
            directorates, slug=f"plan-{index}", extra_actions=extra_actions
        )
        Plan.objects.filter(pk=small.plan.pk).update(public=True)
        _published(small.plan, "2023-24-Q3")
        plans.append(small.plan)
    return plans


@pytest.mark.parametrize("count", [1, 4])
def test_index_queries_are_flat(client, directorates, django_assert_num_queries, count):
    _public_plans(directorates, count)
    with django_assert_num_queries(2):
        response = client.get(reverse("public:index"))
    assert response.content.decode().count("Latest published") == count


# A first (uncached) visit: the rule's fetches, the cache's look-ups and store, the page's reads.
# The period page also lists its downloads (its reports, whether it has indicators) and reads
# the published quarters its indicators may be compared with.
PERIOD_QUERIES = 18
OUTCOME_QUERIES = 17


@pytest.mark.parametrize("extra", [0, 12])
def test_period_and_outcome_queries_are_flat(
    client, directorates, django_assert_num_queries, extra
):
    plan = _public_plans(directorates, 1, extra_actions=extra)[0]
    outcome = plan.outcomes.order_by("order").first()
    with django_assert_num_queries(PERIOD_QUERIES):
        client.get(reverse("public:period", args=[plan.slug, "2023-24-Q3"]))
    with django_assert_num_queries(OUTCOME_QUERIES):
        page = client.get(reverse("public:outcome", args=[plan.slug, "2023-24-Q3", outcome.pk]))
    assert page.content.decode().count('app-ref">CH') >= 2 + extra * 2 // 3


def test_an_outcome_named_with_markup_is_shown_as_text(client, world):
    StrategicOutcome.objects.filter(pk=world.plan.outcomes.first().pk).update(
        name="<script>alert(1)</script>"
    )
    page = client.get(reverse("public:period", args=[world.plan.slug, "2023-24-Q3"])).content
    assert b"<script>alert(1)" not in page and b"&lt;script&gt;alert(1)" in page
