"""The dashboard's lists of actions stay short however many there are, and link to the register
for all of them: the count on the link is the register's count for the same filter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.models import StrategicOutcome
from reports.dashboard import LIST_SHOWN, build_dashboard
from tests import factories


def red_plan(directorates, slug: str, turned: int, stayed: int):
    """`turned` actions green then red, `stayed` red both quarters, two green throughout."""
    plan = factories.plan(slug)
    outcome = StrategicOutcome.objects.create(plan=plan, name="Growth", order=1)
    q1 = factories.period(plan, "2024-25-Q1")
    q2 = factories.period(plan, "2024-25-Q2")
    history = (
        [("On Track", "Delayed")] * turned
        + [("Delayed", "Delayed")] * stayed
        + [("On Track", "On Track")] * 2
    )
    for n, (first, second) in enumerate(history):
        action = factories.action(
            plan, f"R{n + 1}", outcome=outcome, directorate=directorates["CH"]
        )
        factories.update(action, q1, first)
        factories.update(action, q2, second)
    return plan, q2


@pytest.fixture
def viewer(client, users):
    client.force_login(users["viewer"])
    return client


def dashboard_url(plan) -> str:
    return reverse("reports:dashboard", args=[plan.slug])


@pytest.mark.django_db
def test_long_lists_show_the_first_few_and_link_to_all_with_the_registers_count(
    viewer, directorates
):
    plan, q2 = red_plan(directorates, "many-red", turned=LIST_SHOWN + 3, stayed=4)
    data = build_dashboard(plan, q2, None)
    assert (len(data.turned_red), data.turned_red.total) == (LIST_SHOWN, LIST_SHOWN + 3)
    assert (len(data.red_streaks), data.red_streaks.total) == (LIST_SHOWN, LIST_SHOWN + 7)
    # Longest red first: the four red both quarters lead the list.
    assert [streak for _, streak in data.red_streaks][:5] == [2, 2, 2, 2, 1]
    page = viewer.get(dashboard_url(plan), {"period": q2.code}).content.decode()
    assert page.count('class="app-ref"') == 2 * LIST_SHOWN  # no more rows than that
    assert f"Show all {LIST_SHOWN + 3} actions that turned red" in page
    assert f"Show all {LIST_SHOWN + 7} red actions" in page
    # Each link's count is what the register says for the same filter.
    turned = viewer.get(data.turned_red.link)
    assert turned.context["page"].paginator.count == data.turned_red.total
    assert {a.ref for a in data.turned_red} <= {a.ref for a in turned.context["page"]}
    red = viewer.get(data.red_streaks.link)
    assert red.context["page"].paginator.count == data.red_streaks.total


@pytest.mark.django_db
def test_short_lists_are_whole_with_no_show_all_link(viewer, directorates):
    plan, q2 = red_plan(directorates, "few-red", turned=2, stayed=1)
    data = build_dashboard(plan, q2, None)
    assert (len(data.turned_red), data.turned_red.total) == (2, 2)
    page = viewer.get(dashboard_url(plan), {"period": q2.code}).content.decode()
    assert "Show all" not in page
    assert "The first" not in page


@pytest.mark.django_db
def test_the_dashboard_weighs_the_same_with_more_red_actions(
    viewer, directorates, django_assert_num_queries
):
    small, small_q2 = red_plan(directorates, "small-red", turned=3, stayed=3)
    big, big_q2 = red_plan(directorates, "big-red", turned=30, stayed=30)
    with django_assert_num_queries(19) as first:
        small_page = viewer.get(dashboard_url(small), {"period": small_q2.code})
    with django_assert_num_queries(len(first.captured_queries)):
        big_page = viewer.get(dashboard_url(big), {"period": big_q2.code})
    # Ten of each list at most: the rows shown stop growing.
    assert small_page.content.count(b'class="app-ref"') == 6 + 3
    assert big_page.content.count(b'class="app-ref"') == 2 * LIST_SHOWN


@pytest.mark.django_db
def test_dashboard_refuses_the_signed_out_and_other_methods(client, users, directorates):
    plan, _q2 = red_plan(directorates, "guarded", turned=1, stayed=0)
    assert client.get(dashboard_url(plan)).status_code == 302
    client.force_login(users["viewer"])
    assert client.post(dashboard_url(plan)).status_code == 405
    assert client.get(dashboard_url(plan), {"period": "not-a-quarter"}).status_code == 404
