"""The golden thread between plans: a directorate plan's actions linked to the corporate plan
deliverables they serve. Both pages show the link; the deliverable's page lists the actions
behind it with their latest status as the reader may see it (deliverables.rules)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from deliverables.models import Action, ActionContribution, Deliverable
from deliverables.services.thread import action_contribution_add, action_contribution_remove
from deliverables.workflow import NotAllowed, WorkflowError
from plans.models import Plan, StrategicOutcome
from tests import factories


@pytest.fixture
def thread(cycle, directorates):
    """The cycle's plan is a directorate plan; a corporate plan's B3 is served by its CH5, CH6,
    PH5 and F1. In the directorate plan's open Q4 (the latest with an approved update, so the
    one its pages show first): F1 approved On Track, CH6 a Delayed draft, CH5 a Delayed update
    submitted; PH5 completed in Q3, so not counted in Q4."""
    corporate = factories.plan("corporate-plan", "Corporate Plan 2021-25")
    outcome = StrategicOutcome.objects.create(plan=corporate, name="The best start", order=1)
    b3 = Deliverable.objects.create(outcome=outcome, ref="B3", title="Enough good places", order=1)
    b4 = Deliverable.objects.create(outcome=outcome, ref="B4", title="Every child attends", order=2)
    own = factories.action(
        corporate,
        "CP1",
        "Corporate places programme",
        deliverable=b3,
        directorate=directorates["CH"],
    )
    corporate_q3 = factories.period(corporate, "2023-24-Q3")
    factories.update(own, corporate_q3, "On Track", "Corporate words")
    factories.update(cycle.f1, cycle.q4, "On Track", "F1 approved", source="entered")
    factories.update(cycle.ch6, cycle.q4, "Delayed", "CH6 draft", state="draft", source="entered")
    factories.update(
        cycle.ch5, cycle.q4, "Delayed", "CH5 submitted", state="submitted", source="entered"
    )
    for action in (cycle.ch6, cycle.ch5, cycle.ph5, cycle.f1):
        ActionContribution.objects.create(action=action, deliverable=b3)
    return SimpleNamespace(cycle=cycle, corporate=corporate, outcome=outcome, b3=b3, b4=b4, own=own)


def deliverable_url(deliverable: Deliverable) -> str:
    return reverse("deliverables:deliverable", args=[deliverable.outcome.plan.slug, deliverable.pk])


def add_url(action: Action) -> str:
    return reverse("deliverables:contribution_add", args=[action.plan.slug, action.pk])


def remove_url(action: Action, deliverable: Deliverable) -> str:
    return reverse(
        "deliverables:contribution_remove", args=[action.plan.slug, action.pk, deliverable.pk]
    )


def shown(status, note: str = "") -> str:
    """A status cell as a reader reads it: the status, Not yet updated, or why not counted."""
    return note or (status.label if status else "Not yet updated")


def thread_as_read(client, user, deliverable) -> dict[str, str]:
    client.force_login(user)
    response = client.get(deliverable_url(deliverable))
    assert response.status_code == 200
    return {row.action.ref: shown(row.status, row.note) for row in response.context["thread"]}


# -- the deliverable's page ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_deliverable_page_shows_its_own_actions_and_the_directorate_actions_behind_it(
    client, thread
):
    client.force_login(thread.cycle.viewer)
    page = client.get(deliverable_url(thread.b3)).content.decode()
    assert "Enough good places" in page and "The best start" in page
    # Its own plan's actions, as the outcome page lists them.
    assert "Corporate places programme" in page and "On Track" in page
    # The directorate actions behind it: plan, ref, title, directorate, status and its period.
    assert "Directorate actions behind this corporate plan deliverable" in page
    assert "Test Plan" in page
    for action in (thread.cycle.ch5, thread.cycle.ch6, thread.cycle.ph5, thread.cycle.f1):
        assert action.title.replace("'", "&#x27;") in page
        assert action.get_absolute_url() in page
    assert "Children &amp; Education" in page and "Public Health" in page
    assert "Q4 2023/24" in page
    assert "Completed in Q3 2023/24; not counted in Q4 2023/24" in page


@pytest.mark.django_db
def test_the_outcome_page_links_each_deliverable_to_its_page(client, thread):
    client.force_login(thread.cycle.viewer)
    page = client.get(thread.outcome.get_absolute_url()).content.decode()
    assert deliverable_url(thread.b3) in page and deliverable_url(thread.b4) in page


@pytest.mark.django_db
def test_a_viewer_sees_approved_statuses_and_never_a_draft(client, thread):
    cycle = thread.cycle
    assert thread_as_read(client, cycle.viewer, thread.b3) == {
        "CH5": "Awaiting approval",  # submitted: its status is not theirs to see yet
        "CH6": "Not yet updated",  # a draft counts for no one
        "F1": "On Track",
        "PH5": "Completed in Q3 2023/24",
    }
    page = client.get(deliverable_url(thread.b3)).content.decode()
    assert "Delayed" not in page


@pytest.mark.django_db
def test_those_who_see_the_work_see_a_submitted_status_but_still_no_draft(client, thread):
    cycle = thread.cycle
    for user in (cycle.performance, cycle.officer, cycle.approver):
        read = thread_as_read(client, user, thread.b3)
        assert read["CH5"] == "Delayed", user
        assert read["CH6"] == "Not yet updated", user
    # Public Health's officer does not see Children & Education's work in progress.
    assert thread_as_read(client, cycle.other_officer, thread.b3)["CH5"] == "Awaiting approval"


@pytest.mark.django_db
def test_once_approved_the_status_is_shown_to_everyone(client, thread):
    from deliverables import services

    cycle = thread.cycle
    update = cycle.ch5.updates.get(period=cycle.q4)
    services.update_approve(cycle.approver, update, expected_version=update.version)
    assert thread_as_read(client, cycle.viewer, thread.b3)["CH5"] == "Delayed"


@pytest.mark.django_db
def test_the_statuses_agree_with_the_actions_own_plan_pages(client, thread):
    """For a viewer and the performance team, each contributing action reads the same on the
    deliverable's page as on its own plan's register and outcome page for that period."""
    cycle = thread.cycle
    for user in (cycle.viewer, cycle.performance):
        behind = thread_as_read(client, user, thread.b3)
        register = client.get(
            reverse("reports:register", args=[cycle.plan.slug]), {"period": cycle.q4.code}
        ).context["page"]
        on_register = {action.ref: shown(action.now) for action in register}
        outcome_rows = {}
        for outcome in cycle.plan.outcomes.all():
            response = client.get(outcome.get_absolute_url())
            assert response.context["period"] == cycle.q4
            for section in response.context["sections"]:
                rows = [r for _d, rows in section["deliverables"] for r in rows]
                for action, status, note in [*rows, *section["actions"]]:
                    outcome_rows[action.ref] = shown(status, note.split(";")[0])
        for ref, read in behind.items():
            assert outcome_rows[ref] == read, (user, ref)
            if ref in on_register:  # the register lists the actions counted in the period
                assert on_register[ref] == read, (user, ref)
        assert set(on_register) == {"CH5", "CH6", "F1"}


@pytest.mark.django_db
def test_the_deliverable_page_query_count_does_not_grow_with_linked_actions(
    client, thread, directorates, django_assert_num_queries
):
    housing = factories.small_plan(directorates, slug="housing-plan")
    for action in housing.actions[:3]:
        ActionContribution.objects.create(action=action, deliverable=thread.b3)
    client.force_login(thread.cycle.viewer)
    url = deliverable_url(thread.b3)
    with django_assert_num_queries(20) as first:
        assert len(client.get(url).context["thread"]) == 7
    for plan, ref in [(thread.cycle.plan, "CH40"), (housing.plan, "H9"), (housing.plan, "H10")]:
        extra = factories.action(plan, ref, directorate=directorates["CH"])
        ActionContribution.objects.create(action=extra, deliverable=thread.b3)
    with django_assert_num_queries(len(first.captured_queries)):
        assert len(client.get(url).context["thread"]) == 10


@pytest.mark.django_db
def test_a_reader_sees_no_action_of_a_plan_they_may_not_read(client, thread, directorates):
    retired = factories.small_plan(directorates, slug="retired-plan")
    Plan.objects.filter(pk=retired.plan.pk).update(is_active=False)
    ActionContribution.objects.create(action=retired.actions[0], deliverable=thread.b3)
    assert len(thread_as_read(client, thread.cycle.viewer, thread.b3)) == 4
    client.force_login(thread.cycle.performance)  # plan managers read archived plans
    assert len(client.get(deliverable_url(thread.b3)).context["thread"]) == 5


@pytest.mark.django_db
def test_the_deliverable_page_refuses_outsiders_and_other_methods(client, thread, directorates):
    client.force_login(thread.cycle.viewer)
    wrong_plan = reverse("deliverables:deliverable", args=[thread.cycle.plan.slug, thread.b3.pk])
    assert client.get(wrong_plan).status_code == 404
    retired = factories.small_plan(directorates, slug="retired-plan")
    Plan.objects.filter(pk=retired.plan.pk).update(is_active=False)
    assert client.get(deliverable_url(retired.deliverables[0])).status_code == 404
    assert client.post(deliverable_url(thread.b3)).status_code == 405


@pytest.mark.django_db
def test_a_deliverable_with_nothing_behind_it_says_so(client, thread):
    client.force_login(thread.cycle.viewer)
    page = client.get(deliverable_url(thread.b4)).content.decode()
    assert "No action of another plan is linked to this corporate plan deliverable yet" in page


# -- the action's page --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_action_page_shows_the_deliverables_it_serves(client, thread):
    cycle = thread.cycle
    client.force_login(cycle.viewer)
    page = client.get(cycle.ch6.get_absolute_url()).content.decode()
    assert "Serves corporate plan deliverables" in page
    assert "Corporate Plan 2021-25" in page and "Enough good places" in page
    assert deliverable_url(thread.b3) in page
    # Reading is for everyone; linking and removing for the performance team.
    assert add_url(cycle.ch6) not in page and remove_url(cycle.ch6, thread.b3) not in page
    client.force_login(cycle.performance)
    page = client.get(cycle.ch6.get_absolute_url()).content.decode()
    assert add_url(cycle.ch6) in page and remove_url(cycle.ch6, thread.b3) in page


@pytest.mark.django_db
def test_the_action_page_links_its_own_deliverables_to_their_page(client, thread):
    client.force_login(thread.cycle.viewer)
    page = client.get(thread.cycle.ch6.get_absolute_url()).content.decode()
    own_b3 = thread.cycle.ch6.placements.get().deliverable
    assert deliverable_url(own_b3) in page


# -- linking ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_performance_team_links_an_action_choosing_a_plan_then_a_deliverable(client, thread):
    cycle = thread.cycle
    client.force_login(cycle.performance)
    first = client.get(add_url(cycle.ch6))
    assert first.status_code == 200
    plans = list(first.context["form"].fields["plan"].queryset)
    assert thread.corporate in plans and cycle.plan not in plans
    second = client.get(add_url(cycle.ch6), {"plan": thread.corporate.slug}).content.decode()
    # Grouped by outcome; B3 is served already, so only B4 is offered.
    assert '<optgroup label="The best start">' in second
    assert "B4 Every child attends" in second and "B3 Enough good places" not in second
    assert "govuk-error-message" not in second  # step two opens without errors
    response = client.post(
        add_url(cycle.ch6), {"plan": thread.corporate.slug, "deliverable": thread.b4.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == cycle.ch6.get_absolute_url() + "#serves"
    link = ActionContribution.objects.get(action=cycle.ch6, deliverable=thread.b4)
    assert link.added_by == cycle.performance
    page = client.get(cycle.ch6.get_absolute_url()).content.decode()
    assert "CH6 now serves Corporate Plan 2021-25 B4." in page
    assert "Now serves Corporate Plan 2021-25 B4" in page  # in the action's history
    client.force_login(cycle.viewer)
    assert "CH6" in thread_as_read(client, cycle.viewer, thread.b4)


@pytest.mark.django_db
def test_a_deliverable_of_the_actions_own_plan_is_refused_with_the_reason(client, thread):
    cycle = thread.cycle
    own = cycle.ch6.placements.get().deliverable
    client.force_login(cycle.performance)
    response = client.post(
        add_url(cycle.ch6), {"plan": thread.corporate.slug, "deliverable": own.pk}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert (
        "B3 is a deliverable of this action&#x27;s own plan: choose a deliverable of another"
        in page
    )
    assert not ActionContribution.objects.filter(action=cycle.ch6, deliverable=own).exists()
    with pytest.raises(WorkflowError, match="own plan"):
        action_contribution_add(cycle.performance, cycle.ch6, own)


@pytest.mark.django_db
def test_an_incomplete_or_unknown_choice_is_refused(client, thread):
    cycle = thread.cycle
    client.force_login(cycle.performance)
    response = client.post(add_url(cycle.ch6), {"plan": thread.corporate.slug})
    assert response.status_code == 400
    assert "Choose the deliverable this action serves." in response.content.decode()
    response = client.post(add_url(cycle.ch6), {"plan": "no-such-plan", "deliverable": "x"})
    assert response.status_code == 400
    assert "Choose a plan from the list." in response.content.decode()
    other = factories.plan("other-plan", "Other Plan")
    elsewhere = Deliverable.objects.create(
        outcome=StrategicOutcome.objects.create(plan=other, name="Elsewhere"), title="Not B"
    )
    response = client.post(
        add_url(cycle.ch6), {"plan": thread.corporate.slug, "deliverable": elsewhere.pk}
    )
    assert response.status_code == 400
    assert "Choose a deliverable of Corporate Plan 2021-25." in response.content.decode()
    response = client.post(add_url(cycle.ch6), {})
    assert response.status_code == 400
    assert 'id="id_plan-error"' in response.content.decode()
    response = client.get(add_url(cycle.ch6), {"plan": "no-such-plan"})
    assert (
        response.status_code == 200 and "Choose a plan from the list." in response.content.decode()
    )
    assert ActionContribution.objects.filter(action=cycle.ch6).count() == 1


@pytest.mark.django_db
def test_a_link_made_twice_is_refused(thread):
    cycle = thread.cycle
    with pytest.raises(WorkflowError, match="already serves Corporate Plan 2021-25 B3"):
        action_contribution_add(cycle.performance, cycle.ch6, thread.b3)


@pytest.mark.django_db
def test_only_the_performance_team_links_and_unlinks(client, thread):
    cycle = thread.cycle
    for user in (cycle.viewer, cycle.officer, cycle.approver):
        client.force_login(user)
        assert client.get(add_url(cycle.ch6)).status_code == 403
        data = {"plan": thread.corporate.slug, "deliverable": thread.b4.pk}
        assert client.post(add_url(cycle.ch6), data).status_code == 403
        assert client.get(remove_url(cycle.ch6, thread.b3)).status_code == 403
        assert client.post(remove_url(cycle.ch6, thread.b3)).status_code == 403
        with pytest.raises(NotAllowed):
            action_contribution_add(user, cycle.ch6, thread.b4)
    assert ActionContribution.objects.filter(action=cycle.ch6).count() == 1


@pytest.mark.django_db
def test_an_archived_plans_actions_are_read_only(client, thread):
    cycle = thread.cycle
    Plan.objects.filter(pk=cycle.plan.pk).update(is_active=False)
    cycle.ch6.refresh_from_db()
    client.force_login(cycle.performance)
    assert client.get(add_url(cycle.ch6)).status_code == 403
    assert client.post(remove_url(cycle.ch6, thread.b3)).status_code == 403
    with pytest.raises(WorkflowError, match="archived"):
        action_contribution_remove(cycle.performance, cycle.ch6, thread.b3)
    page = client.get(cycle.ch6.get_absolute_url()).content.decode()
    assert add_url(cycle.ch6) not in page


@pytest.mark.django_db
def test_linking_pages_refuse_other_methods(client, thread):
    client.force_login(thread.cycle.performance)
    for url in (add_url(thread.cycle.ch6), remove_url(thread.cycle.ch6, thread.b3)):
        assert client.put(url).status_code == 405
        assert client.delete(url).status_code == 405


# -- unlinking ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_removing_a_link_asks_first_then_records_it(client, thread):
    cycle = thread.cycle
    client.force_login(cycle.performance)
    confirm = client.get(remove_url(cycle.ch6, thread.b3)).content.decode()
    assert "Remove the link to Corporate Plan 2021-25 B3?" in confirm
    assert ActionContribution.objects.filter(action=cycle.ch6, deliverable=thread.b3).exists()
    response = client.post(remove_url(cycle.ch6, thread.b3))
    assert response.status_code == 302
    assert not ActionContribution.objects.filter(action=cycle.ch6, deliverable=thread.b3).exists()
    page = client.get(cycle.ch6.get_absolute_url()).content.decode()
    assert "CH6 no longer serves Corporate Plan 2021-25 B3." in page
    assert "No longer serves Corporate Plan 2021-25 B3" in page  # in the action's history
    assert "Not linked to a deliverable of another plan." in page
    assert "CH6" not in thread_as_read(client, cycle.viewer, thread.b3)


@pytest.mark.django_db
def test_removing_a_link_that_is_not_there_is_not_found(client, thread):
    client.force_login(thread.cycle.performance)
    assert client.get(remove_url(thread.cycle.ch6, thread.b4)).status_code == 404
    assert client.post(remove_url(thread.cycle.ch6, thread.b4)).status_code == 404


# -- the admin ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_action_admin_shows_the_deliverables_it_serves(client, thread):
    client.force_login(thread.cycle.performance)
    url = reverse("admin:deliverables_action_change", args=[thread.cycle.ch6.pk])
    page = client.get(url).content.decode()
    assert "the golden thread" in page
    assert "B3 Enough good places" in page


@pytest.mark.django_db
def test_the_admin_shows_the_links_but_is_no_door_around_the_pages(rf, thread):
    """Links are made on the action's page, which refuses archived plans and records history:
    the admin's inline is read-only, for everyone."""
    from django.contrib import admin

    from deliverables.admin import ContributionInline

    cycle = thread.cycle
    request = rf.post("/")
    request.user = cycle.performance
    inline = ContributionInline(Action, admin.site)
    assert inline.has_view_permission(request, cycle.ch5)
    assert not inline.has_add_permission(request, cycle.ch5)
    assert not inline.has_change_permission(request, cycle.ch5)
    assert not inline.has_delete_permission(request, cycle.ch5)
    request.user = cycle.viewer
    assert not inline.has_view_permission(request)
