"""The register stays the same size and cost as a plan grows: its deliverable and lead-officer
filters are typed (with suggestions from a small JSON endpoint), not lists of every one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliverables.models import Action, Deliverable
from plans.models import Plan
from reports import choices
from tests import factories


@pytest.fixture
def viewer(client, users):
    client.force_login(users["viewer"])
    return client


def register(plan: Plan) -> str:
    return reverse("reports:register", args=[plan.slug])


def suggest(plan: Plan) -> str:
    return reverse("reports:register_choices", args=[plan.slug])


def refs(response) -> list[str]:
    return [action.ref for action in response.context["page"]]


def grown(directorates, slug: str, extra: int, officers: int):
    """A small plan with `extra` more deliverables, and `officers` officers leading its actions."""
    made = factories.small_plan(directorates, slug=slug, extra_actions=extra)
    outcome = made.outcomes[0]
    Deliverable.objects.bulk_create(
        Deliverable(outcome=outcome, ref=f"Z{n}", title=f"We will grow {n}", order=10 + n)
        for n in range(extra)
    )
    for n, action in enumerate(made.actions[:officers]):
        lead = factories.user(f"{slug}-lead-{n}", first_name="Lead", last_name=f"Person{n}")
        Action.objects.filter(pk=action.pk).update(lead_officer=lead)
    return made


@pytest.mark.django_db
def test_register_size_and_queries_do_not_grow_with_deliverables_and_officers(
    viewer, directorates, django_assert_num_queries
):
    small = grown(directorates, "small", extra=3, officers=3)
    big = grown(directorates, "big", extra=30, officers=30)
    query = {"period": "2023-24-Q3"}
    with django_assert_num_queries(15) as first:
        small_page = viewer.get(register(small.plan), query)
    with django_assert_num_queries(len(first.captured_queries)):
        big_page = viewer.get(register(big.plan), query)
    # Thirty more deliverables and officers add no <option> and no bytes beyond the rows shown.
    assert small_page.content.count(b"<option") == big_page.content.count(b"<option")
    assert b"We will grow" not in big_page.content
    assert b"Person2" not in big_page.content.split(b'id="results"')[0]
    # With a deliverable and an officer typed, two more queries each (the exact name, then
    # the words), however many there are.
    with django_assert_num_queries(19) as typed:
        viewer.get(register(small.plan), {**query, "deliverable": "B3", "lead_officer": "Lead"})
    with django_assert_num_queries(len(typed.captured_queries)):
        viewer.get(register(big.plan), {**query, "deliverable": "B3", "lead_officer": "Lead"})


@pytest.mark.django_db
def test_old_links_by_id_still_filter_and_show_the_name(viewer, small_plan, users):
    plan = small_plan.plan
    b3 = small_plan.deliverables[0]
    Action.objects.filter(ref="CH5").update(lead_officer=users["officer"])
    response = viewer.get(register(plan), {"deliverable": b3.pk})
    assert refs(response) == ["CH6"]
    assert 'value="B3 We will provide good school places"' in response.content.decode()
    response = viewer.get(register(plan), {"lead_officer": users["officer"].pk})
    assert refs(response) == ["CH5"]
    assert 'value="Olu Officer"' in response.content.decode()
    # The name shown, sent again by a form without script, means the same one.
    again = viewer.get(register(plan), {"deliverable": "B3 We will provide good school places"})
    assert refs(again) == ["CH6"]
    assert refs(viewer.get(register(plan), {"lead_officer": "Olu Officer"})) == ["CH5"]


@pytest.mark.django_db
def test_words_typed_without_script_filter_by_reference_or_name(viewer, small_plan, users):
    plan = small_plan.plan
    Action.objects.filter(ref="CH5").update(lead_officer=users["officer"])
    assert refs(viewer.get(register(plan), {"deliverable": "b 4"})) == ["CH5"]
    assert refs(viewer.get(register(plan), {"deliverable": "health"})) == ["PH5"]
    assert refs(viewer.get(register(plan), {"lead_officer": "olu"})) == ["CH5"]
    several = viewer.get(register(plan), {"deliverable": "we will"}).content.decode()
    assert "More than one deliverable matches “we will”" in several


@pytest.mark.django_db
def test_words_that_match_nothing_say_so_clearly(viewer, small_plan, users):
    page = viewer.get(register(small_plan.plan), {"deliverable": "zebra"}).content.decode()
    assert "No deliverable of this plan matches “zebra”" in page
    assert "No action matches these filters" in page
    page = viewer.get(register(small_plan.plan), {"lead_officer": "<nobody>"}).content.decode()
    assert "No lead officer of this plan matches “&lt;nobody&gt;”" in page
    assert "<nobody>" not in page
    # An id the plan does not have is read as words: no 500, the same message.
    page = viewer.get(register(small_plan.plan), {"deliverable": "999999"}).content.decode()
    assert "No deliverable of this plan matches “999999”" in page


@pytest.mark.django_db
def test_the_box_carries_what_the_script_needs(viewer, small_plan):
    page = viewer.get(register(small_plan.plan)).content.decode()
    assert 'data-module="app-autocomplete"' in page
    assert f'data-source="{suggest(small_plan.plan)}?field=deliverable"' in page
    assert f'data-source="{suggest(small_plan.plan)}?field=lead_officer"' in page
    assert 'for="id_deliverable"' in page and 'id="id_deliverable"' in page


# -- the suggestions endpoint --------------------------------------------------------------


@pytest.mark.django_db
def test_suggestions_find_the_plans_deliverables_and_lead_officers(viewer, small_plan, users):
    plan = small_plan.plan
    response = viewer.get(suggest(plan), {"field": "deliverable", "q": "b4"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "results": [
            {"value": str(small_plan.deliverables[1].pk), "label": str(small_plan.deliverables[1])}
        ],
        "more": False,
    }
    # An exact reference comes first, then the plan's order.
    labels = [
        r["label"]
        for r in viewer.get(suggest(plan), {"field": "deliverable", "q": "we will"}).json()[
            "results"
        ]
    ]
    assert [label.split()[0] for label in labels] == ["B3", "B4", "L1"]
    Action.objects.filter(ref="CH5").update(lead_officer=users["officer"])
    found = viewer.get(suggest(plan), {"field": "lead_officer", "q": "officer"}).json()
    assert found == {
        "results": [{"value": str(users["officer"].pk), "label": "Olu Officer"}],
        "more": False,
    }
    # Someone who leads nothing in this plan is not offered.
    assert viewer.get(suggest(plan), {"field": "lead_officer", "q": "ada"}).json()["results"] == []
    assert viewer.get(suggest(plan), {"field": "deliverable", "q": ""}).json()["results"] == []


@pytest.mark.django_db
def test_suggestions_are_bounded_and_cost_one_query(
    viewer, directorates, django_assert_num_queries
):
    small = grown(directorates, "small", extra=3, officers=3)
    big = grown(directorates, "big", extra=30, officers=30)
    counts = []
    for made in (small, big):
        # Session, user, their permissions (2), the plan, then the suggestions: one query.
        with django_assert_num_queries(6):
            data = viewer.get(suggest(made.plan), {"field": "deliverable", "q": "grow"}).json()
        counts.append((len(data["results"]), data["more"]))
        with django_assert_num_queries(6):
            viewer.get(suggest(made.plan), {"field": "lead_officer", "q": "lead"})
    assert counts == [(3, False), (choices.SUGGESTIONS, True)]


@pytest.mark.django_db
def test_suggestions_refuse_outsiders_other_methods_and_bad_fields(client, users, small_plan):
    plan = small_plan.plan
    url = suggest(plan)
    assert client.get(url, {"field": "deliverable", "q": "b"}).status_code == 302  # signed out
    client.force_login(users["viewer"])
    assert client.post(url, {"field": "deliverable", "q": "b"}).status_code == 405
    bad = client.get(url, {"field": "password", "q": "b"})
    assert bad.status_code == 400
    assert "field must be one of" in bad.json()["error"]
    other = factories.plan("other-plan")
    assert client.get(suggest(other), {"field": "deliverable", "q": "B3"}).json()["results"] == []
    Plan.objects.filter(pk=plan.pk).update(
        is_active=False
    )  # a retired plan: not there for a viewer
    assert client.get(url, {"field": "deliverable", "q": "b"}).status_code == 404
