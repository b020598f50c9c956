"""The action page: where an action sits, who leads it, its updates quarter by quarter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories


@pytest.fixture
def action(small_plan, users):
    item = small_plan.actions[0]  # CH6, Children & Education
    item.lead_officer = users["officer"]
    item.approver = users["approver"]
    item.save()
    return item


@pytest.mark.django_db
def test_action_page_shows_the_action_its_place_and_its_history(client, users, small_plan, action):
    client.force_login(users["viewer"])
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Every child has a good school place" in page
    assert "Children &amp; Education" in page
    assert "Olu Officer" in page and "Ada Approver" in page
    assert "Best start in life" in page and "We will provide good school places" in page
    assert "Q3 2023/24" in page and "On Track" in page
    assert "Commentary for CH6" in page


@pytest.mark.django_db
def test_updates_are_listed_newest_quarter_first(client, users, small_plan, action):
    later = factories.period(small_plan.plan, "2023-24-Q4")
    factories.update(action, later, "Delayed", "Q4 commentary")
    client.force_login(users["viewer"])
    page = client.get(action.get_absolute_url()).content.decode()
    assert page.index("Q4 2023/24") < page.index("Q3 2023/24")


@pytest.mark.django_db
def test_a_draft_is_seen_by_its_officer_and_approver_but_not_by_others(
    client, users, small_plan, action
):
    quarter = factories.period(small_plan.plan, "2023-24-Q4", state="open")
    factories.update(action, quarter, "Delayed", "Draft words", state="draft", source="entered")
    for name, sees in [
        ("officer", True),
        ("approver", True),
        ("performance", True),
        ("viewer", False),
        ("other_officer", False),
    ]:
        client.force_login(users[name])
        page = client.get(action.get_absolute_url()).content.decode()
        assert ("Draft words" in page) is sees, name


@pytest.mark.django_db
def test_commentary_is_escaped_and_keeps_its_paragraphs(client, users, small_plan, action):
    quarter = factories.period(small_plan.plan, "2023-24-Q4")
    factories.update(action, quarter, "On Track", "First <b>point</b>.\n\nSecond point.")
    client.force_login(users["viewer"])
    page = client.get(action.get_absolute_url()).content.decode()
    assert "<p>First &lt;b&gt;point&lt;/b&gt;.</p>" in page
    assert "<p>Second point.</p>" in page


@pytest.mark.django_db
def test_an_action_through_another_plans_address_is_not_found(client, users, directorates, action):
    other = factories.small_plan(directorates, slug="other-plan")
    client.force_login(users["viewer"])
    url = reverse("deliverables:action", args=[other.plan.slug, action.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("deliverables:action", args=["test-plan", 999999])).status_code == 404


@pytest.mark.django_db
def test_action_page_refuses_post(client, users, action):
    client.force_login(users["viewer"])
    assert client.post(action.get_absolute_url()).status_code == 405


@pytest.mark.django_db
def test_action_page_query_count_does_not_grow_with_quarters(
    client, users, small_plan, action, django_assert_num_queries
):
    client.force_login(users["viewer"])
    # 17: one for the indicators that evidence the action (none here), one for the
    # recommendations it answers, one for the deliverables of other plans it serves, one for
    # its milestones.
    with django_assert_num_queries(17) as first:
        client.get(action.get_absolute_url())
    for code in ["2023-24-Q4", "2024-25-Q1", "2024-25-Q2", "2024-25-Q3"]:
        factories.update(action, factories.period(small_plan.plan, code), "Delayed", code)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(action.get_absolute_url())
    assert len(response.context["updates"]) == 5


@pytest.mark.django_db
def test_a_lookalike_reference_is_explained(client, users, small_plan):
    action = factories.action(small_plan.plan, "СН9", outcome=small_plan.outcomes[0])
    client.force_login(users["viewer"])
    page = client.get(action.get_absolute_url()).content.decode()
    assert "typed with look-alike letters; read as CH9" in page
