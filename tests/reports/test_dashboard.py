"""The dashboard's numbers, checked against Sandwell's Q3 2023/24 data and a hand-built plan."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from deliverables.models import Action
from plans.models import Plan, StrategicOutcome
from reports.dashboard import build_dashboard
from tests import factories


def counts(row) -> dict[str, int]:
    return {
        (segment.status.label if segment.status else "Not yet updated"): segment.count
        for segment in row.segments
    }


@pytest.mark.django_db
def test_sandwell_q3_counts_per_outcome(sandwell):
    plan = Plan.objects.get(slug="corporate-plan-2021-25")
    data = build_dashboard(plan, plan.periods.get(year=2023, quarter=3), None)
    by_outcome = {row.label: counts(row) for row in data.outcomes}
    # Read off the council's workbook, one action counted once per outcome: e.g. Best Start
    # has 21 actions; On Track CH11 PH8 BE5 BE6 CH6 CH5 CH8 CH15 LG6 CH4 CH10 CH13, PH6 (On
    # Track on the Live Well sheet) and the unreferenced SEND travel action make 14; Medium
    # CH9 ACE27 CH14 CH2 CH1 and the unreferenced SEND improvement action make 6; PH9 is red.
    assert by_outcome["The Best Start in Life for Children and Young People"] == {
        "On Track": 14, "Medium Issue/Slippage": 6, "Significant issues/risks/slippage": 1,
        "Complete": 0, "No Update": 0,
    }  # fmt: skip
    assert by_outcome["People Live Well and Age Well"] == {
        "On Track": 39, "Medium Issue/Slippage": 10, "Significant issues/risks/slippage": 2,
        "Complete": 23, "No Update": 5,
    }  # fmt: skip
    assert by_outcome["A Connected and Accessible Sandwell"] == {
        "On Track": 0, "Medium Issue/Slippage": 1, "Significant issues/risks/slippage": 0,
        "Complete": 4, "No Update": 0,
    }  # fmt: skip
    assert counts(data.overall) == {
        "On Track": 121, "Medium Issue/Slippage": 40, "Significant issues/risks/slippage": 5,
        "Complete": 44, "No Update": 9,
    }  # fmt: skip
    assert data.overall.total == Action.objects.filter(plan=plan).count() == 219
    assert {a.ref for a, _ in data.red_streaks} == {"ASC3", "ASC44", "BE44", "н15", "РН9"}


@pytest.mark.django_db
def test_sandwell_2024_25_shows_the_delayed_actions_by_theme(sandwell):
    plan = Plan.objects.get(slug="council-plan-2024-30")
    data = build_dashboard(plan, plan.periods.get(), None)
    assert {row.label: counts(row)["Delayed"] for row in data.outcomes} == {
        "Growing Up in Sandwell": 2, "Living in Sandwell": 3, "Healthy in Sandwell": 5,
        "Thriving Economy in Sandwell": 8, "One Council One Team": 5,
    }  # fmt: skip


@pytest.mark.django_db
def test_movement_since_last_quarter(two_quarters):
    data = build_dashboard(two_quarters.plan, two_quarters.q2, None)
    figures = {kind: figure[0] for kind, figure in data.movement.items()}
    # A1 improved; A2 worsened (and turned red); A3 and A4 stayed; A5 went to No Update,
    # which is not a movement on the RAG ladder but "no update to compare". Every action is
    # in exactly one kind.
    assert figures == {
        "improved": 1,
        "worsened": 1,
        "stayed": 2,
        "changed": 0,
        "no_update": 1,
        "turned_red": 1,
    }
    assert [a.ref for a in data.turned_red] == ["A2"]
    assert counts(data.overall) == {
        "On Track": 2,
        "Delayed": 2,
        "Complete": 0,
        "No Update": 1,
        "Slipping": 0,
    }


@pytest.mark.django_db
def test_red_streaks_count_consecutive_red_quarters(two_quarters):
    data = build_dashboard(two_quarters.plan, two_quarters.q2, None)
    assert [(a.ref, streak) for a, streak in data.red_streaks] == [("A3", 2), ("A2", 1)]


@pytest.mark.django_db
def test_the_trend_covers_each_quarter(two_quarters):
    data = build_dashboard(two_quarters.plan, two_quarters.q2, None)
    assert [c.period.code for c in data.trend] == ["2024-25-Q1", "2024-25-Q2"]
    q1, q2 = (counts(c) for c in data.trend)
    assert q1 == {"On Track": 2, "Delayed": 1, "Complete": 1, "No Update": 0, "Slipping": 2}
    assert q2 == {"On Track": 2, "Delayed": 2, "Complete": 0, "No Update": 1, "Slipping": 0}


@pytest.mark.django_db
def test_an_open_quarter_shows_submission_progress_and_not_yet_updated(two_quarters):
    two_quarters.q2.state = "open"
    two_quarters.q2.save()
    data = build_dashboard(two_quarters.plan, two_quarters.q2, None)
    assert counts(data.overall)["Not yet updated"] == 1  # A5, no longer No Update
    [row] = data.progress
    assert (row["total"], row["approved"], row["missing"], row["outstanding"]) == (5, 4, 1, 1)


@pytest.mark.django_db
def test_every_number_links_to_the_actions_behind_it(client, users, two_quarters):
    data = build_dashboard(two_quarters.plan, two_quarters.q2, None)
    delayed = next(s for s in data.outcomes[0].segments if s.status and s.status.label == "Delayed")
    query = parse_qs(urlsplit(delayed.link).query)
    assert query == {
        "period": ["2024-25-Q2"],
        "outcome": [str(two_quarters.outcome.pk)],
        "status": [str(delayed.status.pk)],
    }
    client.force_login(users["viewer"])
    response = client.get(delayed.link)
    assert [a.ref for a in response.context["page"]] == ["A2", "A3"]
    improved = client.get(data.movement["improved"][1])
    assert [a.ref for a in improved.context["page"]] == ["A1"]
    # The dashboard's own list of actions that turned red is the register's, too.
    turned_red = client.get(data.movement["turned_red"][1])
    assert [a.ref for a in turned_red.context["page"]] == [a.ref for a in data.turned_red]


@pytest.mark.django_db
def test_the_dashboard_page_draws_charts_with_text_and_tables(client, users, two_quarters):
    client.force_login(users["viewer"])
    response = client.get(reverse("reports:dashboard", args=[two_quarters.plan.slug]))
    page = response.content.decode()
    assert "Dashboard, Q2 2024/25" in page  # the latest quarter by default
    assert page.count('<svg class="app-chart"') == 4
    assert 'role="img"' in page and "Growth: 2 On Track, 2 Delayed, 1 No Update." in page
    assert "<caption" in page and "Quarters in a row" in page


@pytest.mark.django_db
def test_a_plan_without_quarters_says_what_to_do(client, users):
    plan = factories.plan("empty-plan")
    client.force_login(users["performance"])
    page = client.get(reverse("reports:dashboard", args=[plan.slug])).content.decode()
    assert "This plan has no quarters yet" in page and "Add the first quarter" in page


@pytest.mark.django_db
def test_dashboard_access(client, users, two_quarters):
    url = reverse("reports:dashboard", args=[two_quarters.plan.slug])
    assert client.get(url).status_code == 302  # anonymous: to sign in
    client.force_login(users["viewer"])
    assert client.post(url).status_code == 405
    assert client.get(url, {"period": "2030-31-Q1"}).status_code == 404
    Plan.objects.filter(pk=two_quarters.plan.pk).update(is_active=False)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_dashboard_query_count_is_fixed_whatever_the_size(
    client, users, directorates, django_assert_num_queries
):
    client.force_login(users["viewer"])

    def plan_with(slug, actions, quarters):
        plan = factories.plan(slug)
        outcome = StrategicOutcome.objects.create(plan=plan, name="Growth")
        periods = [factories.period(plan, code) for code in quarters]
        for index in range(actions):
            action = factories.action(
                plan, f"X{index}", outcome=outcome, directorate=directorates["CH"]
            )
            for period in periods:
                factories.update(action, period, ["On Track", "Delayed"][index % 2])
        return plan

    small = plan_with("small", 3, ["2024-25-Q1", "2024-25-Q2"])
    big = plan_with(
        "big",
        25,
        ["2023-24-Q1", "2023-24-Q2", "2023-24-Q3", "2023-24-Q4", "2024-25-Q1", "2024-25-Q2"],
    )
    with django_assert_num_queries(19) as first:
        client.get(reverse("reports:dashboard", args=[small.slug]))
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("reports:dashboard", args=[big.slug]))
