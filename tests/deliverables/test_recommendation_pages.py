"""The recommendations register, a recommendation's page, adding and editing one, and the
recommendations an action answers on its page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliverables.models import Milestone, Recommendation
from tests import factories
from tests.deliverables import recommendation_world


@pytest.fixture
def recommended(cycle):
    return recommendation_world.make(cycle)


def list_url(plan, **query) -> str:
    url = reverse("deliverables:recommendations", args=[plan.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def page_url(recommendation, **query) -> str:
    url = reverse("deliverables:recommendation", args=[recommendation.plan.slug, recommendation.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def counts(row) -> tuple:
    """What a reader is told about a recommendation's progress."""
    return (
        row.actions_complete,
        row.actions_total,
        tuple(row.rag_list),
        row.milestones_complete,
        row.milestones_overdue,
        row.milestones_total,
    )


@pytest.mark.django_db
def test_the_register_lists_each_recommendation_with_its_actions_and_progress(client, recommended):
    client.force_login(recommended.cycle.viewer)
    response = client.get(list_url(recommended.plan, period="2023-24-Q3"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "3 recommendations" in text
    rows = {row.recommendation.reference: counts(row) for row in response.context["rows"]}
    assert rows == {
        "Statutory Rec 3": (0, 2, (("red", 1), ("green", 1)), 1, 1, 3),
        "1.5": (1, 2, (("blue", 1), ("grey", 1)), 0, 0, 0),
        "1.6": (0, 1, (("green", 1),), 1, 1, 3),
    }
    assert "1 of 2 actions complete" in text
    assert "1 red, 1 green" in text
    assert "Milestones: 1 of 3 complete, 1 overdue" in text
    assert "Value for Money Governance Review" in text


@pytest.mark.django_db
def test_the_register_s_table_scrolls_in_its_own_region_on_a_phone(client, recommended):
    # Found by the browser journey: its five columns made the whole page 417 px wide in a
    # 390 px window; the house's scroll region keeps the page within the window, named and
    # reachable by keyboard.
    client.force_login(recommended.cycle.viewer)
    text = client.get(list_url(recommended.plan)).content.decode()
    region = (
        '<div class="app-table-scroll" role="region" aria-label="The recommendations register"'
        ' tabindex="0">'
    )
    assert region in text
    assert text.index(region) < text.index("3 recommendations")


@pytest.mark.django_db
def test_the_register_filters_by_body(client, recommended):
    client.force_login(recommended.cycle.viewer)
    response = client.get(list_url(recommended.plan, body="CIPFA"))
    refs = [row.recommendation.reference for row in response.context["rows"]]
    assert refs == ["1.5", "1.6"]
    assert "2 recommendations by CIPFA" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_body_is_an_error_and_lists_every_recommendation(client, recommended):
    client.force_login(recommended.cycle.viewer)
    response = client.get(list_url(recommended.plan, body="Ofsted"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Ofsted made no recommendation in this plan" in text
    assert len(response.context["rows"]) == 3


@pytest.mark.django_db
def test_the_register_query_count_does_not_grow_with_recommendations(
    client, recommended, django_assert_num_queries
):
    client.force_login(recommended.cycle.viewer)
    url = list_url(recommended.plan, period="2023-24-Q3")
    # Signing in (4), the plan, the period, the bodies, the periods, and six for progress.
    with django_assert_num_queries(14) as first:
        client.get(url)
    for index in range(4):
        extra = Recommendation.objects.create(
            plan=recommended.plan, body="LGA", reference=f"pg {index}"
        )
        extra.actions.set([recommended.cycle.ch5, recommended.cycle.f1])
        Milestone.objects.create(action=recommended.cycle.f1, title=f"Step {index}")
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 7


@pytest.mark.django_db
def test_a_recommendation_page_shows_its_actions_statuses_and_milestone_states(client, recommended):
    client.force_login(recommended.cycle.viewer)
    response = client.get(page_url(recommended.rec3, period="2023-24-Q3"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Grant Thornton Statutory Rec 3" in text
    for words in [
        "Every child has a good school place",
        "Attendance is everybody",
        "On Track",
        "Delayed",
        "Phase 1 engagement",
        "Complete",
        "Phase 2 consultation",
        "Overdue",
        "Phase 3 launch",
        "TBC",
        "Not started",
    ]:
        assert words in text, words
    assert "0 of 2 actions complete" in text


@pytest.mark.django_db
def test_an_action_completed_earlier_counts_as_complete_and_says_when(client, recommended):
    client.force_login(recommended.cycle.viewer)
    response = client.get(page_url(recommended.cipfa15, period="2023-24-Q4"))
    text = response.content.decode()
    assert "Completed in Q3 2023/24; not counted in Q4 2023/24" in text
    progress = response.context["progress"]
    # PH5 completed in Q3; F1 has no update yet in the open Q4.
    assert counts(progress) == (1, 2, (("none", 1),), 0, 0, 0)
    assert "1 not yet updated" in text


@pytest.mark.django_db
def test_drafts_count_for_no_one_and_submitted_work_only_for_those_who_see_it(client, recommended):
    cycle = recommended.cycle
    factories.update(cycle.ch6, cycle.q4, "Delayed", "Draft words", state="draft", source="entered")
    factories.update(cycle.ch5, cycle.q4, "Complete", "Done", state="submitted", source="entered")
    seen = {}
    for reader in ("viewer", "officer", "performance"):
        client.force_login(getattr(cycle, reader))
        response = client.get(page_url(recommended.rec3, period="2023-24-Q4"))
        seen[reader] = counts(response.context["progress"])
        assert "Draft words" not in response.content.decode()
    # CH6's draft is "not yet updated" for all; CH5's submitted Complete is seen by its
    # officer and the performance team, and awaiting approval (grey) for a viewer.
    assert seen["viewer"] == (0, 2, (("grey", 1), ("none", 1)), 1, 1, 3)
    assert seen["officer"] == seen["performance"] == (1, 2, (("blue", 1), ("none", 1)), 1, 1, 3)


@pytest.mark.django_db
def test_the_register_and_the_recommendation_page_agree_for_every_audience(client, recommended):
    cycle = recommended.cycle
    factories.update(cycle.ch5, cycle.q4, "Delayed", "Late", state="submitted", source="entered")
    for reader in ("viewer", "officer", "approver", "other_officer", "performance"):
        client.force_login(getattr(cycle, reader))
        for code in ("2023-24-Q3", "2023-24-Q4"):
            rows = client.get(list_url(cycle.plan, period=code)).context["rows"]
            for row in rows:
                page = client.get(page_url(row.recommendation, period=code))
                assert counts(page.context["progress"]) == counts(row), (reader, code)


@pytest.mark.django_db
def test_the_performance_team_adds_a_recommendation_with_the_actions_that_answer_it(
    client, recommended
):
    cycle = recommended.cycle
    client.force_login(cycle.performance)
    url = reverse("deliverables:recommendation_create", args=[cycle.plan.slug])
    form = client.get(url)
    assert form.status_code == 200
    text = form.content.decode()
    assert "CH6 Every child has a good school place" in text
    response = client.post(
        url,
        {
            "body": "LGA Corporate Peer Challenge",
            "source": "Corporate Peer Challenge 2021",
            "reference": "pg 24",
            "text": "Refresh the <b>corporate plan</b>.",
            "made_on": "2021-11-01",
            "actions": [cycle.ch6.pk, cycle.f1.pk],
        },
    )
    made = Recommendation.objects.get(body="LGA Corporate Peer Challenge")
    assert response.status_code == 302
    assert response["Location"] == made.get_absolute_url()
    assert set(made.actions.all()) == {cycle.ch6, cycle.f1}
    assert made.text == "Refresh the corporate plan."  # tags removed
    page = client.get(made.get_absolute_url()).content.decode()
    assert "LGA Corporate Peer Challenge pg 24" in page


@pytest.mark.django_db
def test_editing_unlinks_and_links_actions(client, recommended):
    cycle = recommended.cycle
    client.force_login(cycle.performance)
    url = reverse("deliverables:recommendation_edit", args=[cycle.plan.slug, recommended.rec3.pk])
    form = client.get(url).content.decode()
    assert f'value="{cycle.ch6.pk}" checked' in form
    response = client.post(
        url,
        {"body": "Grant Thornton", "reference": "Statutory Rec 3", "actions": [cycle.ph5.pk]},
    )
    assert response.status_code == 302
    assert list(recommended.rec3.actions.all()) == [cycle.ph5]


@pytest.mark.django_db
def test_an_invalid_recommendation_is_refused_with_the_reasons(client, recommended, directorates):
    cycle = recommended.cycle
    client.force_login(cycle.performance)
    url = reverse("deliverables:recommendation_create", args=[cycle.plan.slug])
    response = client.post(url, {"body": "", "reference": ""})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter the body that made the recommendation" in text
    assert "Enter the recommendation" in text
    # The same reference, written differently, is the same recommendation.
    response = client.post(url, {"body": "cipfa", "reference": " 1.5 "})
    assert response.status_code == 400
    assert "is already in this plan" in response.content.decode()
    # An action of another plan cannot be ticked.
    other = factories.small_plan(directorates, slug="other-plan")
    response = client.post(
        url, {"body": "CIPFA", "reference": "2.1", "actions": [other.actions[0].pk]}
    )
    assert response.status_code == 400
    assert Recommendation.objects.filter(plan=cycle.plan).count() == 3


@pytest.mark.django_db
def test_only_the_performance_team_changes_the_register(client, recommended):
    cycle = recommended.cycle
    create = reverse("deliverables:recommendation_create", args=[cycle.plan.slug])
    edit = reverse("deliverables:recommendation_edit", args=[cycle.plan.slug, recommended.rec3.pk])
    for reader in ("viewer", "officer", "approver"):
        client.force_login(getattr(cycle, reader))
        assert client.get(create).status_code == 403
        assert client.post(create, {"body": "X", "reference": "1"}).status_code == 403
        assert client.post(edit, {"body": "X", "reference": "1"}).status_code == 403
        page = client.get(page_url(recommended.rec3)).content.decode()
        assert "Change the recommendation" not in page
    assert Recommendation.objects.filter(body="X").count() == 0


@pytest.mark.django_db
def test_a_recommendation_of_another_plan_is_not_found(client, recommended, directorates):
    other = factories.small_plan(directorates, slug="other-plan")
    client.force_login(recommended.cycle.performance)
    url = reverse("deliverables:recommendation", args=[other.plan.slug, recommended.rec3.pk])
    assert client.get(url).status_code == 404
    edit = reverse("deliverables:recommendation_edit", args=[other.plan.slug, recommended.rec3.pk])
    assert client.get(edit).status_code == 404


@pytest.mark.django_db
def test_the_pages_refuse_the_wrong_method(client, recommended):
    client.force_login(recommended.cycle.performance)
    assert client.post(list_url(recommended.plan)).status_code == 405
    assert client.post(page_url(recommended.rec3)).status_code == 405
    create = reverse("deliverables:recommendation_create", args=[recommended.plan.slug])
    assert client.put(create).status_code == 405


@pytest.mark.django_db
def test_the_action_page_lists_the_recommendations_it_answers(client, recommended):
    client.force_login(recommended.cycle.viewer)
    text = client.get(recommended.cycle.ch6.get_absolute_url()).content.decode()
    assert "Recommendations it answers" in text
    assert "Grant Thornton Statutory Rec 3" in text
    assert "CIPFA 1.6" in text
    assert page_url(recommended.cipfa16) in text
    other = client.get(recommended.cycle.ph5.get_absolute_url()).content.decode()
    assert "CIPFA 1.5" in other and "Statutory Rec 3" not in other


@pytest.mark.django_db
def test_a_recommendation_page_query_count_does_not_grow_with_its_actions(
    client, recommended, django_assert_num_queries
):
    cycle = recommended.cycle
    client.force_login(cycle.viewer)
    url = page_url(recommended.cipfa16, period="2023-24-Q3")
    # As the register: signing in (4), the plan, the recommendation, the period, the periods,
    # and six for progress.
    with django_assert_num_queries(14) as first:
        client.get(url)
    recommended.cipfa16.actions.add(cycle.ch5, cycle.ph5, cycle.f1)
    for action in (cycle.ch5, cycle.f1):
        Milestone.objects.create(action=action, title=f"Step of {action.ref}")
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert len(response.context["progress"].actions) == 4


@pytest.mark.django_db
def test_a_monthly_plan_reads_its_recommendations_by_month(client, directorates, users):
    from plans.choices import PlanFrequency
    from plans.models import ReportingPeriod

    plan = factories.plan("improvement-plan", frequency=PlanFrequency.MONTHLY)
    may = ReportingPeriod.objects.create(plan=plan, year=2022, quarter=1, month=2, state="closed")
    action = factories.action(plan, "IP1", "Phase 1 engagement", directorate=directorates["F"])
    factories.update(action, may, "On Track", "Started the conversation")
    recommendation = Recommendation.objects.create(
        plan=plan, body="Grant Thornton", reference="Statutory Rec 3"
    )
    recommendation.actions.add(action)
    client.force_login(users["viewer"])
    response = client.get(list_url(plan, period=may.code))
    text = response.content.decode()
    assert "progress in May 2022" in text
    assert "1 green" in text
    page = client.get(page_url(recommendation, period=may.code)).content.decode()
    assert "May 2022" in page and "On Track" in page
