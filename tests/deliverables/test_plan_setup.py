"""Plan set-up in the app: the performance team creates plans (a copied or defined status
scale, the first year's periods), names their levels, builds their structure and archives them."""

from __future__ import annotations

import html

import pytest
from django.urls import NoReverseMatch, reverse

from deliverables.models import Action, ActionPlacement, Deliverable
from deliverables.services import setup
from deliverables.workflow import WorkflowError
from plans.models import Plan, ReportingPeriod, Status, StrategicOutcome, Theme
from tests import factories

NEW = reverse("deliverables:setup_plan_new")


@pytest.fixture
def team(client, users):
    client.force_login(users["performance"])
    return client


def plan_data(**overrides) -> dict:
    data = {
        "name": "Council Improvement Plan 2022",
        "slug": "",
        "description": "Monitored by the Leadership Team.",
        "first_year": "2022",
        "last_year": "2023",
        "frequency": "quarterly",
        "outcome_label": "Strategic outcome",
        "theme_label": "Theme",
        "deliverable_label": "Corporate plan deliverable",
        "action_label": "Business plan action",
        "scale": "define",
        "copy_from": "",
    }
    data.update(management(0))
    data.update(overrides)
    return data


def management(rows: int) -> dict:
    return {
        "st-TOTAL_FORMS": str(rows),
        "st-INITIAL_FORMS": "0",
        "st-MIN_NUM_FORMS": "0",
        "st-MAX_NUM_FORMS": "12",
    }


def status_rows(*rows: dict) -> dict:
    data = management(len(rows))
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"st-{index}-{key}"] = value
    return data


def url(name: str, *args) -> str:
    return reverse(f"deliverables:{name}", args=args)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


# Creating plans.


@pytest.mark.django_db
def test_a_quarterly_plan_copies_another_plans_scale_and_gets_its_first_years_quarters(
    team, small_plan
):
    Status.objects.filter(scale__plan=small_plan.plan, label="Delayed").update(
        spellings="Slippage\nBehind"
    )
    response = team.post(
        NEW, plan_data(scale="copy", copy_from=str(small_plan.plan.pk), slug="improvement")
    )
    assert response.status_code == 302
    plan = Plan.objects.get(slug="improvement")
    assert response["Location"] == url("setup_structure", "improvement")
    copied = list(
        Status.objects.for_plan(plan)
        .order_by("order")
        .values_list("label", "colour", "rag", "is_exception", "closes_action", "means_no_update")
    )
    assert copied == [row[:6] for row in factories.DEFAULT_STATUSES]
    assert Status.objects.get(scale__plan=plan, label="Delayed").spellings == "Slippage\nBehind"
    periods = list(ReportingPeriod.objects.for_plan(plan).chronological())
    assert [p.code for p in periods] == [f"2022-23-Q{q}" for q in (1, 2, 3, 4)]
    assert {p.state for p in periods} == {"upcoming"}
    assert plan.is_active and not plan.is_monthly
    # The source plan keeps its own scale.
    assert Status.objects.for_plan(small_plan.plan).count() == 4


@pytest.mark.django_db
def test_a_monthly_plan_defines_its_scale_and_names_its_levels(team):
    data = plan_data(
        name="Children's Services Plan",
        slug="childrens",
        frequency="monthly",
        outcome_label="Ambition",
        theme_label="Priority",
        deliverable_label="Deliverable",
        action_label="Action",
    )
    data.update(
        status_rows(
            {"label": "Green", "colour": "#00703c", "rag": "green", "requires_commentary": "on"},
            {"label": "Red", "colour": "#D4351C", "rag": "red", "is_exception": "on"},
            {"label": "Done", "colour": "#1D70B8", "rag": "blue", "closes_action": "on"},
            {"label": "", "colour": "", "rag": ""},  # a blank row is left out
            {"label": "No return", "colour": "#B1B4B6", "rag": "grey", "means_no_update": "on"},
        )
    )
    response = team.post(NEW, data)
    assert response.status_code == 302
    plan = Plan.objects.get(slug="childrens")
    assert (plan.outcome_label, plan.theme_label, plan.action_label) == (
        "Ambition",
        "Priority",
        "Action",
    )
    statuses = list(Status.objects.for_plan(plan).order_by("order"))
    assert [(s.label, s.colour, s.order) for s in statuses] == [
        ("Green", "#00703C", 1),
        ("Red", "#D4351C", 2),
        ("Done", "#1D70B8", 3),
        ("No return", "#B1B4B6", 4),
    ]
    assert [s.label for s in statuses if s.is_exception] == ["Red"]
    assert [s.label for s in statuses if s.closes_action] == ["Done"]
    assert [s.label for s in statuses if s.means_no_update] == ["No return"]
    assert [s.label for s in statuses if s.requires_commentary] == ["Green"]
    periods = list(ReportingPeriod.objects.for_plan(plan).chronological())
    assert len(periods) == 12
    assert (periods[0].label, periods[-1].label) == ("April 2022", "March 2023")
    page = text_of(team.get(response["Location"], follow=True))
    assert "12 upcoming months" in page
    assert "Add an ambition" in page


@pytest.mark.django_db
def test_the_short_name_is_made_from_the_name_when_left_blank(team, small_plan):
    data = plan_data(scale="copy", copy_from=str(small_plan.plan.pk))
    assert team.post(NEW, data).status_code == 302
    assert Plan.objects.filter(slug="council-improvement-plan-2022").exists()


@pytest.mark.django_db
def test_the_new_plan_page_offers_a_starting_scale(team, small_plan):
    page = text_of(team.get(NEW))
    assert 'value="On Track"' in page and 'value="No Update"' in page
    assert "Copy another plan's statuses" in page
    assert small_plan.plan.name in page
    assert "A level can be left unused" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"slug": "test-plan"}, "Another plan uses this short name"),
        ({"name": "Test Plan", "slug": "other"}, "A plan with this name already exists"),
        ({"slug": "new"}, "names a page here"),
        ({"first_year": "2024", "last_year": "2022"}, "The last year must be the same as the"),
        ({"first_year": ""}, "Enter the first year"),
        ({"outcome_label": ""}, "Name this level"),
        ({"scale": ""}, "Choose where the plan's statuses come from"),
        ({"scale": "copy"}, "Choose the plan whose statuses to copy"),
        ({}, "Add at least one status that officers can choose"),
    ],
)
def test_a_new_plan_that_cannot_be_saved_says_why(team, small_plan, overrides, message):
    before = Plan.objects.count()
    response = team.post(NEW, plan_data(**overrides))
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert "There is a problem" in page
    assert Plan.objects.count() == before
    assert ReportingPeriod.objects.count() == 1  # the small plan's own


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [
                {"label": "No Update", "colour": "#B1B4B6", "rag": "grey", "means_no_update": "on"},
            ],
            "Add at least one status that officers can choose",
        ),
        (
            [
                {"label": "On Track", "colour": "#00703C", "rag": "green"},
                {"label": "None", "colour": "#B1B4B6", "rag": "grey", "means_no_update": "on"},
                {"label": "Nil", "colour": "#B1B4B6", "rag": "grey", "means_no_update": "on"},
            ],
            "Only one status can mean No Update",
        ),
        (
            [
                {"label": "On Track", "colour": "#00703C", "rag": "green"},
                {"label": "on  track", "colour": "#00703C", "rag": "green"},
            ],
            "Give each status a different label",
        ),
        ([{"label": "On Track", "colour": "green", "rag": "green"}], "Enter a colour as #RRGGBB"),
        ([{"label": "On Track", "colour": "", "rag": "green"}], "Enter a colour for On Track"),
        (
            [{"label": "On Track", "colour": "#00703C", "rag": ""}],
            "Choose a RAG category for On Track",
        ),
    ],
)
def test_a_defined_scale_follows_the_status_rules(team, rows, message):
    data = plan_data()
    data.update(status_rows(*rows))
    response = team.post(NEW, data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_a_scale_with_nothing_to_choose(users):
    plan = Plan(name="P", slug="p", first_year=2024, last_year=2024)
    with pytest.raises(WorkflowError, match="at least one status"):
        setup.plan_create(users["performance"], plan, [])
    with pytest.raises(WorkflowError, match="performance team"):
        setup.plan_create(users["viewer"], plan, [setup.StatusRow("A", "#000000", "green")])
    assert not Plan.objects.exists()


# A plan's names, years and archiving.


@pytest.mark.django_db
def test_a_plans_names_years_and_labels_are_changed(team, small_plan):
    plan = small_plan.plan
    response = team.get(url("setup_plan_edit", plan.slug))
    assert response.status_code == 200
    assert 'name="slug"' not in response.content.decode()
    data = {
        "name": "Council Plan 2024-30",
        "description": "",
        "first_year": "2024",
        "last_year": "2029",
        "outcome_label": "Theme",
        "theme_label": "Workstream",
        "deliverable_label": "Deliverable",
        "action_label": "Action",
    }
    assert team.post(url("setup_plan_edit", plan.slug), data).status_code == 302
    plan.refresh_from_db()
    assert (plan.name, plan.last_year, plan.theme_label, plan.slug) == (
        "Council Plan 2024-30",
        2029,
        "Workstream",
        "test-plan",
    )
    data["last_year"] = "2020"
    response = team.post(url("setup_plan_edit", plan.slug), data)
    assert response.status_code == 400
    assert "The last year must be the same as the first or after it" in text_of(response)


@pytest.mark.django_db
def test_a_plan_with_an_open_period_is_not_archived(team, cycle):
    archive = url("setup_plan_archive", cycle.plan.slug)
    page = text_of(team.get(archive))
    assert "Q4 2023/24 is open for updates" in page and "Archive plan" not in page
    response = team.post(archive, {"archive": "yes"}, follow=True)
    assert "Close it first, then archive the plan" in text_of(response)
    cycle.plan.refresh_from_db()
    assert cycle.plan.is_active


@pytest.mark.django_db
def test_archiving_makes_a_plan_read_only_until_it_is_unarchived(team, small_plan, users):
    plan = small_plan.plan
    page = text_of(team.get(url("setup_plan_archive", plan.slug)))
    assert f"Archive {plan.name}?" in page and "read-only" in page
    response = team.post(url("setup_plan_archive", plan.slug), {"archive": "yes"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert not plan.is_active

    page = text_of(team.get(url("setup_structure", plan.slug)))
    assert "archived, so its structure is read-only" in page
    assert "Move up" not in page and "Rename" not in page and "Add a" not in page
    outcome = small_plan.outcomes[0]
    response = team.post(url("setup_add", plan.slug, "outcome"), {"name": "New outcome"})
    assert response.status_code == 302
    assert not StrategicOutcome.objects.filter(name="New outcome").exists()
    team.post(url("setup_move", plan.slug, "outcome", outcome.pk), {"direction": "down"})
    outcome.refresh_from_db()
    assert outcome.order == 1
    team.post(url("setup_delete", plan.slug, "deliverable", small_plan.deliverables[0].pk))
    assert Deliverable.objects.filter(pk=small_plan.deliverables[0].pk).exists()
    assert team.get(url("setup_action_add", plan.slug)).status_code == 302
    assert team.get(url("setup_plan_edit", plan.slug)).status_code == 302
    with pytest.raises(WorkflowError, match="archived"):
        setup.theme_add(users["performance"], outcome, name="Anything")
    assert setup.deletion_problem(small_plan.deliverables[0]).startswith(
        "Corporate plan deliverable B3 We will provide good school places cannot be deleted: "
        "it still holds 1 business plan action."
    )
    # Readers no longer see it.
    team.force_login(users["viewer"])
    assert team.get(plan.get_absolute_url()).status_code == 404

    team.force_login(users["performance"])
    page = text_of(team.get(url("setup_plan_archive", plan.slug)))
    assert f"Unarchive {plan.name}?" in page
    team.post(url("setup_plan_archive", plan.slug), {"archive": "no"})
    plan.refresh_from_db()
    assert plan.is_active


# The structure.


@pytest.mark.django_db
def test_outcomes_themes_and_deliverables_are_added_renamed_and_reordered(team, small_plan):
    plan = small_plan.plan
    first, second = small_plan.outcomes
    response = team.post(url("setup_add", plan.slug, "outcome"), {"name": "Strong resilient"})
    assert response.status_code == 302
    third = StrategicOutcome.objects.get(plan=plan, name="Strong resilient")
    assert third.order == 3

    add_theme = url("setup_add", plan.slug, "theme")
    page = text_of(team.get(f"{add_theme}?place=outcome:{third.pk}"))
    assert "Add a theme" in page
    assert f'value="outcome:{third.pk}" selected' in page
    team.post(add_theme, {"place": f"outcome:{third.pk}", "name": "Culture"})
    theme = Theme.objects.get(outcome=third, name="Culture")
    team.post(
        url("setup_add", plan.slug, "deliverable"),
        {"place": f"theme:{theme.pk}", "ref": "S1", "title": "We will change the culture"},
    )
    deliverable = Deliverable.objects.get(ref="S1")
    assert (deliverable.outcome, deliverable.theme) == (third, theme)

    move = url("setup_move", plan.slug, "outcome", third.pk)
    assert team.post(move, {"direction": "up"}).status_code == 302
    order = list(StrategicOutcome.objects.filter(plan=plan).order_by("order").values_list("name"))
    assert [name for (name,) in order] == ["Best start in life", "Strong resilient", "Live well"]
    team.post(url("setup_move", plan.slug, "outcome", first.pk), {"direction": "up"})
    response = team.get(url("setup_structure", plan.slug))
    assert "already at that end" in text_of(response)
    page = text_of(response)
    headings = [page.index(f'id="outcome-{o.pk}"') for o in (first, third, second)]
    assert headings == sorted(headings)

    edit = url("setup_edit", plan.slug, "outcome", second.pk)
    assert "Live well" in text_of(team.get(edit))
    team.post(edit, {"name": "Living well", "description": "Healthy lives"})
    second.refresh_from_db()
    assert (second.name, second.description) == ("Living well", "Healthy lives")
    response = team.post(edit, {"name": "Best start in life"})
    assert response.status_code == 400
    assert "already has a strategic outcome called Best start in life" in text_of(response)

    edit = url("setup_edit", plan.slug, "deliverable", deliverable.pk)
    team.post(edit, {"ref": "S1a", "title": "We will change how we work"})
    deliverable.refresh_from_db()
    assert (deliverable.ref, deliverable.title) == ("S1a", "We will change how we work")


@pytest.mark.django_db
def test_deliverables_reorder_among_their_neighbours(team, small_plan):
    plan = small_plan.plan
    b3, b4, _l1 = small_plan.deliverables
    team.post(url("setup_move", plan.slug, "deliverable", b4.pk), {"direction": "up"})
    b3.refresh_from_db()
    b4.refresh_from_db()
    assert (b4.order, b3.order) == (1, 2)
    page = text_of(team.get(url("setup_structure", plan.slug)))
    assert page.index(b4.title) < page.index(b3.title)


@pytest.mark.django_db
def test_only_an_empty_level_is_deleted(team, small_plan):
    plan = small_plan.plan
    outcome = small_plan.outcomes[0]
    delete = url("setup_delete", plan.slug, "outcome", outcome.pk)
    page = text_of(team.get(delete))
    assert "Strategic outcome Best start in life is not empty" in page
    assert "Delete strategic outcome" not in page
    response = team.post(delete, follow=True)
    page = text_of(response)
    assert "cannot be deleted: it still holds 2 corporate plan deliverables" in page
    assert "2 business plan actions" in page
    assert StrategicOutcome.objects.filter(pk=outcome.pk).exists()

    theme = Theme.objects.create(outcome=outcome, name="Empty")
    page = text_of(team.get(url("setup_delete", plan.slug, "theme", theme.pk)))
    assert "Delete theme Empty?" in page
    team.post(url("setup_delete", plan.slug, "theme", theme.pk))
    assert not Theme.objects.filter(pk=theme.pk).exists()
    empty = StrategicOutcome.objects.create(plan=plan, name="Nothing yet", order=3)
    team.post(url("setup_delete", plan.slug, "outcome", empty.pk))
    assert not StrategicOutcome.objects.filter(pk=empty.pk).exists()


@pytest.mark.django_db
def test_an_action_is_added_under_a_theme_with_the_plans_words(team, small_plan, users):
    plan = small_plan.plan
    Plan.objects.filter(pk=plan.pk).update(
        outcome_label="Theme", theme_label="Workstream", action_label="Action"
    )
    outcome = small_plan.outcomes[1]
    theme = Theme.objects.create(outcome=outcome, name="Governance", order=1)
    upcoming = factories.period(plan, "2023-24-Q4", state="upcoming")
    add = url("setup_action_add", plan.slug)
    page = text_of(team.get(f"{add}?place=theme:{theme.pk}"))
    assert "Add action" in page
    assert "Live well › Workstream: Governance" in page
    data = {
        "place": f"theme:{theme.pk}",
        "ref": "IP 1.1",
        "title": "Refresh the constitution",
        "directorate": str(small_plan.actions[0].directorate_id),
        "lead_officer": str(users["officer"].pk),
        "lead_role": "Director - Law & Governance",
        "start_date": "2022-05-01",
        "due_date": "2022-07-31",
    }
    response = team.post(add, data)
    assert response.status_code == 302
    action = Action.objects.get(plan=plan, ref="IP 1.1")
    assert (action.lead_officer, action.lead_role) == (users["officer"], data["lead_role"])
    assert action.reported_from == upcoming
    placement = ActionPlacement.objects.get(action=action)
    assert (placement.outcome, placement.theme, placement.deliverable) == (outcome, theme, None)
    assert action.history.get().history_change_reason == "Added"

    page = text_of(team.get(response["Location"]))
    assert "Action IP 1.1 Refresh the constitution added." in page
    try:
        milestones = reverse("deliverables:milestone_add", args=[plan.slug, action.pk])
    except NoReverseMatch:
        assert "Add its milestones" not in page
    else:
        assert milestones in page
    assert "Add a workstream" in page


@pytest.mark.django_db
def test_an_action_under_a_deliverable_or_straight_under_an_outcome(team, small_plan):
    plan = small_plan.plan
    b3 = small_plan.deliverables[0]
    add = url("setup_action_add", plan.slug)
    response = team.post(add, {"place": f"deliverable:{b3.pk}", "ref": "CH9", "title": "Ninth"})
    assert response.status_code == 400
    assert "Every quarter of Test Plan is closed" in text_of(response)
    factories.period(plan, "2023-24-Q4", state="upcoming")
    team.post(add, {"place": f"deliverable:{b3.pk}", "ref": "CH9", "title": "Ninth"})
    placement = ActionPlacement.objects.get(action__ref="CH9")
    assert (placement.outcome, placement.deliverable, placement.theme) == (b3.outcome, b3, None)
    q3, q4 = small_plan.period, ReportingPeriod.objects.get(plan=plan, year=2023, quarter=4)
    data = {"place": f"outcome:{small_plan.outcomes[1].pk}", "title": "No reference"}
    refused = team.post(add, {**data, "reported_from": str(q3.pk)})  # closed: its record stands
    assert "Choose one of the plan's open or upcoming periods" in text_of(refused)
    assert not Action.objects.filter(title="No reference").exists()
    team.post(add, {**data, "reported_from": str(q4.pk)})
    assert Action.objects.get(title="No reference").reported_from == q4
    placement = ActionPlacement.objects.get(action__title="No reference")
    assert (placement.outcome, placement.deliverable) == (small_plan.outcomes[1], None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ref": "ch6"}, "This plan already has an action ch6"),
        ({"start_date": "2024-05-01", "due_date": "2024-04-01"}, "The due date must be the same"),
        ({"title": ""}, "Enter what the action will do"),
        ({"place": ""}, "Choose where it goes"),
        ({"place": "outcome:999999"}, "Choose one of the places listed"),
        ({"start_date": "2024-02-30"}, "Enter a real date"),
        ({"reported_from": "999999"}, "Choose one of the plan's open or upcoming periods"),
    ],
)
def test_an_action_that_cannot_be_added_says_why(team, small_plan, overrides, message):
    plan = small_plan.plan
    data = {"place": f"outcome:{small_plan.outcomes[0].pk}", "ref": "CH99", "title": "New"}
    data.update(overrides)
    response = team.post(url("setup_action_add", plan.slug), data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert Action.objects.for_plan(plan).count() == 4


@pytest.mark.django_db
def test_a_place_in_another_plan_is_refused(team, small_plan, directorates):
    other = factories.small_plan(directorates, slug="other-plan")
    response = team.post(
        url("setup_add", small_plan.plan.slug, "theme"),
        {"place": f"outcome:{other.outcomes[0].pk}", "name": "Stray"},
    )
    assert response.status_code == 400
    assert not Theme.objects.filter(name="Stray").exists()
    assert (
        team.get(
            url("setup_edit", small_plan.plan.slug, "outcome", other.outcomes[0].pk)
        ).status_code
        == 404
    )
    assert team.get(url("setup_edit", small_plan.plan.slug, "level", 1)).status_code == 404
    assert team.get(url("setup_add", small_plan.plan.slug, "action")).status_code == 404


# Who may, and how.


def every_page(plan, outcome) -> list[str]:
    return [
        url("setup_plans"),
        url("setup_plan_new"),
        url("setup_structure", plan.slug),
        url("setup_plan_edit", plan.slug),
        url("setup_plan_archive", plan.slug),
        url("setup_action_add", plan.slug),
        url("setup_add", plan.slug, "outcome"),
        url("setup_edit", plan.slug, "outcome", outcome.pk),
        url("setup_move", plan.slug, "outcome", outcome.pk),
        url("setup_delete", plan.slug, "outcome", outcome.pk),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["viewer", "officer", "approver"])
def test_only_the_performance_team_sets_up_plans(client, users, small_plan, who):
    client.force_login(users[who])
    outcome = small_plan.outcomes[0]
    for page in every_page(small_plan.plan, outcome):
        # Moving is POST only: a GET is refused for its method first.
        assert client.get(page).status_code == (405 if "/move/" in page else 403), page
        assert client.post(page, {"name": "x", "direction": "down"}).status_code in {403, 405}
    assert StrategicOutcome.objects.filter(plan=small_plan.plan).count() == 2
    assert "Set up plans" not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_writes_refuse_the_wrong_method(team, small_plan):
    plan, outcome = small_plan.plan, small_plan.outcomes[0]
    assert team.get(url("setup_move", plan.slug, "outcome", outcome.pk)).status_code == 405
    for page in every_page(plan, outcome):
        assert team.put(page).status_code == 405, page
        assert team.delete(page).status_code == 405, page


# Pages and their queries.


@pytest.mark.django_db
def test_the_plan_list_shows_every_plan_in_fixed_queries(
    team, small_plan, directorates, django_assert_num_queries
):
    factories.small_plan(directorates, slug="second-plan")
    retired = factories.plan("retired-plan", frequency="monthly")
    Plan.objects.filter(pk=retired.pk).update(is_active=False)
    with django_assert_num_queries(5):
        response = team.get(url("setup_plans"))
    page = text_of(response)
    assert "Set up plans" in page
    assert page.count("Active") == 2 and "Archived" in page and "Monthly" in page
    assert "Unarchive" in page
    assert "2023/24 to 2026/27" in page


@pytest.mark.django_db
def test_the_structure_page_shows_the_tree_in_fixed_queries(
    team, directorates, django_assert_num_queries
):
    small = factories.small_plan(directorates, extra_actions=6)
    theme = Theme.objects.create(outcome=small.outcomes[0], name="First 1000 days", order=1)
    ActionPlacement.objects.create(action=small.actions[-1], outcome=theme.outcome, theme=theme)
    with django_assert_num_queries(10):
        response = team.get(url("setup_structure", small.plan.slug))
    page = text_of(response)
    assert "First 1000 days" in page
    assert "CH6 Every child has a good school place" in page
    assert "Add a corporate plan deliverable" in page
    # Every item but the first of its neighbours: the second outcome, and B4 after B3.
    assert page.count("Move up") == 2
    # The controls' addresses are built from each item's rename page: the same as reverse().
    b4 = small.deliverables[1]
    for name in ("setup_edit", "setup_move", "setup_delete"):
        assert url(name, small.plan.slug, "deliverable", b4.pk) in page
    assert url("setup_add", small.plan.slug, "theme") + f"?place=outcome:{theme.outcome.pk}" in page
