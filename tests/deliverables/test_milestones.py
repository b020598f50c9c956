"""Milestones end to end: an officer reports one complete with the action's update, it counts
once the update is approved; the performance team's pages; my updates and the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from deliverables import services
from deliverables.models import Milestone, MilestoneCompletion, QuarterlyUpdate
from deliverables.services.milestones import milestone_add
from deliverables.workflow import QuarterLocked
from tests import factories
from tests.deliverables.conftest import update_url

TODAY = timezone.localdate()
AGO = TODAY - dt.timedelta(days=40)


def milestone(action, title="Phase 1 Engagement", start=None, due=None, note="", order=1):
    return Milestone.objects.create(
        action=action, title=title, start_date=start, due_date=due, date_note=note, order=order
    )


def post_with_claim(client, cycle, action, m, on, *, intent="submit", version=0):
    data = {
        "intent": intent,
        "status": factories.status(cycle.plan, "On Track").pk,
        "commentary": "Engagement done.",
        "version": version,
        f"done-{m.pk}": "on",
        f"on-{m.pk}": on.strftime("%d/%m/%Y"),
    }
    return client.post(update_url(cycle, action), data)


def page(client, user, action) -> str:
    client.force_login(user)
    return client.get(action.get_absolute_url()).content.decode()


# -- the completion lifecycle ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_reported_completion_counts_only_once_approved(client, cycle):
    m = milestone(cycle.ch6, start=AGO - dt.timedelta(days=30), due=AGO)
    client.force_login(cycle.officer)
    form = client.get(update_url(cycle, cycle.ch6)).content.decode()
    assert "Milestones completed" in form and "Phase 1 Engagement" in form
    assert post_with_claim(client, cycle, cycle.ch6, m, AGO).status_code == 302
    m.refresh_from_db()
    assert m.completed_on is None  # claimed, not counted
    assert MilestoneCompletion.objects.get(milestone=m).completed_on == AGO

    officer_page = page(client, cycle.officer, cycle.ch6)
    assert "awaiting approval" in officer_page and "Overdue" in officer_page
    viewer_page = page(client, cycle.viewer, cycle.ch6)
    assert "Reported complete" not in viewer_page and "Overdue" in viewer_page
    reviewer_page = page(client, cycle.approver, cycle.ch6)
    assert "awaiting approval" in reviewer_page
    review = client.get(reverse("deliverables:review", args=[cycle.plan.slug, cycle.q4.code]))
    assert "Milestones reported complete" in review.content.decode()

    update = QuarterlyUpdate.objects.get(action=cycle.ch6, period=cycle.q4)
    client.post(reverse("deliverables:approve", args=[update.pk]), {"version": update.version})
    m.refresh_from_db()
    assert (m.completed_on, m.completed_in) == (AGO, cycle.q4)
    viewer_page = page(client, cycle.viewer, cycle.ch6)
    assert "Complete" in viewer_page and "Overdue" not in viewer_page


@pytest.mark.django_db
def test_the_action_page_s_milestones_scroll_in_their_own_region_on_a_phone(client, cycle):
    # Found by the browser journey: at 390 px the four columns (a state tag, "September",
    # "Completed") made the whole page scroll sideways; the house's scroll region keeps the
    # page within the window, named and reachable by keyboard.
    milestone(cycle.ch6, title="Phase 1 engagement: starting the conversation", due=AGO)
    html = page(client, cycle.viewer, cycle.ch6)
    region = (
        f'<div class="app-table-scroll" role="region" aria-label="Milestones of '
        f'{cycle.ch6.display_ref}" tabindex="0">'
    )
    assert region in html
    caption = f"Milestones of {cycle.ch6.display_ref}</caption>"
    assert html.index(region) < html.index(caption) < html.index("Phase 1 engagement")


@pytest.mark.django_db
def test_a_returned_update_completes_nothing(client, cycle):
    m = milestone(cycle.ch6, due=AGO)
    client.force_login(cycle.officer)
    post_with_claim(client, cycle, cycle.ch6, m, AGO)
    update = QuarterlyUpdate.objects.get(action=cycle.ch6, period=cycle.q4)
    services.update_return(cycle.approver, update, reason="Say more.", expected_version=1)
    m.refresh_from_db()
    assert m.completed_on is None
    # The claim stays with the returned update, for the officer to resubmit or untick.
    assert "(returned)" in page(client, cycle.officer, cycle.ch6)


@pytest.mark.django_db
def test_bulk_approval_completes_each_update_s_milestones(client, cycle):
    first, second = milestone(cycle.ch6, due=AGO), milestone(cycle.ch5, due=AGO)
    client.force_login(cycle.officer)
    post_with_claim(client, cycle, cycle.ch6, first, AGO)
    post_with_claim(client, cycle, cycle.ch5, second, TODAY)
    updates = QuarterlyUpdate.objects.filter(period=cycle.q4).order_by("pk")
    services.updates_approve(cycle.approver, [(u, u.version) for u in updates])
    assert sorted(Milestone.objects.values_list("completed_on", flat=True)) == [AGO, TODAY]


@pytest.mark.django_db
def test_an_approved_update_sent_back_takes_its_completions_with_it(client, cycle):
    m = milestone(cycle.ch6, due=AGO)
    client.force_login(cycle.officer)
    post_with_claim(client, cycle, cycle.ch6, m, AGO)
    update = QuarterlyUpdate.objects.get(action=cycle.ch6, period=cycle.q4)
    update = services.update_approve(cycle.approver, update, expected_version=update.version)
    services.update_return(
        cycle.performance, update, reason="Wrong status.", expected_version=update.version
    )
    m.refresh_from_db()
    assert (m.completed_on, m.completed_in) == (None, None)


@pytest.mark.django_db
def test_a_draft_can_untick_a_milestone(client, cycle):
    m = milestone(cycle.ch6, due=AGO)
    client.force_login(cycle.officer)
    post_with_claim(client, cycle, cycle.ch6, m, AGO, intent="draft")
    assert MilestoneCompletion.objects.count() == 1
    form = client.get(update_url(cycle, cycle.ch6)).content.decode()
    assert "reported complete on" in form and 'checked aria-describedby="id_done' in form
    client.post(
        update_url(cycle, cycle.ch6),
        {"intent": "draft", "commentary": "Not yet.", "version": 1, f"on-{m.pk}": ""},
    )
    assert MilestoneCompletion.objects.count() == 0


@pytest.mark.parametrize(
    ("on", "error"),
    [
        (TODAY + dt.timedelta(days=1), "today or earlier"),
        (AGO - dt.timedelta(days=1), "before it started"),
        (None, "like 27/3/2024"),
    ],
)
@pytest.mark.django_db
def test_a_completion_date_must_be_believable(client, cycle, on, error):
    m = milestone(cycle.ch6, start=AGO, due=TODAY)
    client.force_login(cycle.officer)
    data = {
        "intent": "submit",
        "status": factories.status(cycle.plan, "On Track").pk,
        "commentary": "Done.",
        "version": 0,
        f"done-{m.pk}": "on",
        f"on-{m.pk}": on.strftime("%d/%m/%Y") if on else "the other day",
    }
    response = client.post(update_url(cycle, cycle.ch6), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert error in body and "There is a problem" in body
    assert not QuarterlyUpdate.objects.filter(action=cycle.ch6, period=cycle.q4).exists()


@pytest.mark.django_db
def test_a_closed_period_refuses_completions_as_it_refuses_updates(cycle):
    m = milestone(cycle.ch6, due=AGO)
    cycle.q4.state = "closed"
    cycle.q4.save()
    with pytest.raises(QuarterLocked):
        services.update_save(
            cycle.officer,
            cycle.ch6,
            cycle.q4,
            status=factories.status(cycle.plan, "On Track"),
            commentary="Done.",
            expected_version=0,
            submit=True,
            completions={m.pk: AGO},
        )
    assert not MilestoneCompletion.objects.exists()


@pytest.mark.django_db
def test_a_completed_milestone_is_not_offered_again(client, cycle):
    milestone(cycle.ch6, title="Already done", due=AGO).__class__.objects.filter(
        title="Already done"
    ).update(completed_on=AGO)
    client.force_login(cycle.officer)
    assert "Already done" not in client.get(update_url(cycle, cycle.ch6)).content.decode()


# -- my updates and the dashboard ------------------------------------------------------------


@pytest.mark.django_db
def test_my_updates_lists_the_officer_s_overdue_milestones(client, cycle):
    milestone(cycle.ch6, title="Late survey", due=AGO)
    milestone(cycle.ch6, title="Future survey", due=TODAY + dt.timedelta(days=9))
    milestone(cycle.ph5, title="Someone else's", due=AGO)
    client.force_login(cycle.officer)
    body = client.get(reverse("deliverables:my_updates")).content.decode()
    assert "Your overdue milestones (1)" in body and "Late survey" in body
    assert "Future survey" not in body and "Someone else" not in body


@pytest.mark.django_db
def test_the_dashboard_counts_overdue_milestones_per_outcome(client, cycle):
    for index in range(12):
        milestone(cycle.ch6, title=f"Late {index}", due=AGO - dt.timedelta(days=index), order=index)
    milestone(cycle.f1, title="Late elsewhere", due=AGO)
    milestone(cycle.f1, title="Done", due=AGO).__class__.objects.filter(title="Done").update(
        completed_on=AGO
    )
    services.action_withdraw(cycle.performance, cycle.ch5, cycle.q4, reason="Merged.")
    milestone(cycle.ch5, title="Withdrawn action's", due=AGO)
    client.force_login(cycle.viewer)
    response = client.get(reverse("reports:dashboard", args=[cycle.plan.slug]))
    panel = response.context["data"].milestones
    assert panel.total == 13
    assert [n for _, n in panel.by_outcome] == [12, 1]
    assert len(panel.first) == 10 and panel.more == 3
    body = response.content.decode()
    assert "Overdue milestones" in body and "and 3 more" in body


@pytest.mark.django_db
def test_a_plan_without_milestones_shows_no_panel(client, cycle):
    client.force_login(cycle.viewer)
    response = client.get(reverse("reports:dashboard", args=[cycle.plan.slug]))
    assert response.context["data"].milestones is None
    assert "Overdue milestones" not in response.content.decode()


# -- the performance team's pages ------------------------------------------------------------


def list_url(cycle, action=None):
    return reverse("deliverables:milestones", args=[cycle.plan.slug, (action or cycle.ch6).pk])


@pytest.mark.django_db
def test_the_performance_team_adds_a_milestone_with_its_dates_as_words(client, cycle):
    client.force_login(cycle.performance)
    add = reverse("deliverables:milestone_add", args=[cycle.plan.slug, cycle.ch6.pk])
    assert client.get(add).status_code == 200
    response = client.post(add, {"title": "Phase 1 Engagement", "when": "May 2022 - Jul 2022"})
    assert response.status_code == 302 and response["Location"] == list_url(cycle)
    response = client.post(add, {"title": "Phase 2", "when": "Autumn 2022", "another": "1"})
    assert response["Location"] == add
    client.post(add, {"title": "Review", "when": "TBC"})
    rows = list(Milestone.objects.values_list("title", "start_date", "due_date", "date_note"))
    assert rows == [
        ("Phase 1 Engagement", dt.date(2022, 5, 1), dt.date(2022, 7, 31), ""),
        (
            "Phase 2",
            dt.date(2022, 9, 1),
            dt.date(2022, 11, 30),
            "Autumn 2022, read as 1 September 2022 to 30 November 2022",
        ),
        ("Review", None, None, "TBC"),
    ]
    body = client.get(cycle.ch6.get_absolute_url()).content.decode()
    assert "1 May 2022 to 31 July 2022" in body and "TBC" in body and "Not started" in body


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"title": "", "when": "May 2022"}, "Enter the milestone"),
        ({"title": "X", "when": "sometime soon"}, "could not be read as dates"),
        ({"title": "X", "when": "Jul 2022 - May 2022"}, "could not be read as dates"),
    ],
)
@pytest.mark.django_db
def test_an_unreadable_milestone_is_refused_with_the_reason(client, cycle, data, error):
    client.force_login(cycle.performance)
    add = reverse("deliverables:milestone_add", args=[cycle.plan.slug, cycle.ch6.pk])
    response = client.post(add, data)
    assert response.status_code == 200
    assert error in response.content.decode() and not Milestone.objects.exists()


@pytest.mark.django_db
def test_officers_and_viewers_may_not_change_milestones(client, cycle):
    m = milestone(cycle.ch6, due=AGO)
    args = [cycle.plan.slug, cycle.ch6.pk]
    for user in (cycle.officer, cycle.viewer, cycle.approver):
        client.force_login(user)
        assert client.get(list_url(cycle)).status_code == 403
        assert client.post(reverse("deliverables:milestone_add", args=args), {}).status_code == 403
        edit = reverse("deliverables:milestone_edit", args=[*args, m.pk])
        assert client.post(edit, {"title": "Mine", "when": ""}).status_code == 403
    m.refresh_from_db()
    assert m.title == "Phase 1 Engagement"
    assert "Add or change milestones" not in page(client, cycle.officer, cycle.ch6)


@pytest.mark.django_db
def test_a_milestone_is_changed_moved_and_deleted(client, cycle):
    a = milestone(cycle.ch6, title="A", due=AGO, order=1)
    b = milestone(cycle.ch6, title="B", note="Ongoing", order=1)  # equal places, as imported
    c = milestone(cycle.ch6, title="C", order=2)
    args = [cycle.plan.slug, cycle.ch6.pk]
    client.force_login(cycle.performance)
    edit = reverse("deliverables:milestone_edit", args=[*args, b.pk])
    assert 'value="Ongoing"' in client.get(edit).content.decode()
    client.post(edit, {"title": "B, renamed", "when": "by 22 Jun 2022"})
    b.refresh_from_db()
    assert (b.title, b.due_date, b.date_note) == ("B, renamed", dt.date(2022, 6, 22), "")
    move = reverse("deliverables:milestone_move", args=[*args, c.pk])
    assert client.get(move).status_code == 405
    client.post(move, {"direction": "up"})
    assert list(Milestone.objects.order_by("order").values_list("title", flat=True)) == [
        "A",
        "C",
        "B, renamed",
    ]
    delete = reverse("deliverables:milestone_delete", args=[*args, a.pk])
    assert "Delete “A”?" in client.get(delete).content.decode()
    assert client.post(delete)["Location"] == list_url(cycle)
    assert not Milestone.objects.filter(pk=a.pk).exists()


@pytest.mark.django_db
def test_archived_plan_milestones_are_read_only(cycle):
    cycle.plan.is_active = False
    cycle.plan.save()
    from deliverables.workflow import NotAllowed

    with pytest.raises(NotAllowed):
        milestone_add(cycle.performance, cycle.ch6, title="X", start_date=None, due_date=None)


@pytest.mark.django_db
def test_the_milestone_list_query_count_is_fixed(client, cycle, django_assert_num_queries):
    for index in range(3):
        milestone(cycle.ch6, title=f"M{index}", due=AGO, order=index)
    client.force_login(cycle.performance)
    # The same 8 however many milestones: their reported completions are one query.
    with django_assert_num_queries(8) as first:
        client.get(list_url(cycle))
    for index in range(3, 12):
        milestone(cycle.ch6, title=f"M{index}", due=AGO, order=index)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(list_url(cycle))
    assert len(response.context["milestones"]) == 12


@pytest.mark.django_db
def test_the_performance_team_records_and_clears_a_completion(client, cycle):
    m = milestone(cycle.ch6, due=AGO)
    edit = reverse("deliverables:milestone_edit", args=[cycle.plan.slug, cycle.ch6.pk, m.pk])
    client.force_login(cycle.performance)
    tomorrow = (TODAY + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(edit, {"title": m.title, "when": "", "completed_on": tomorrow})
    assert "today or earlier" in response.content.decode()
    client.post(edit, {"title": m.title, "when": "", "completed_on": AGO.strftime("%d/%m/%Y")})
    m.refresh_from_db()
    assert (m.completed_on, m.completed_in) == (AGO, None)
    assert AGO.strftime("%d/%m/%Y") in client.get(edit).content.decode()
    client.post(edit, {"title": m.title, "when": "", "completed_on": ""})
    m.refresh_from_db()
    assert m.completed_on is None


@pytest.mark.django_db
def test_a_completion_approved_in_a_closed_quarter_is_kept_until_it_is_reopened(client, cycle):
    """The team may not clear, or delete with its milestone, what a closed quarter recorded."""
    done = milestone(cycle.ch6, due=dt.date(2023, 12, 1))
    done.completed_on, done.completed_in = dt.date(2023, 11, 20), cycle.q3  # Q3 is closed
    done.save()
    client.force_login(cycle.performance)
    edit = reverse("deliverables:milestone_edit", args=[cycle.plan.slug, cycle.ch6.pk, done.pk])
    response = client.post(edit, {"title": done.title, "when": "by 01/12/2023", "completed_on": ""})
    assert response.status_code == 200
    assert "reopen Q3 2023/24" in response.content.decode()
    delete = reverse("deliverables:milestone_delete", args=[cycle.plan.slug, cycle.ch6.pk, done.pk])
    response = client.post(delete, follow=True)
    assert "reopen Q3 2023/24 before you delete it" in response.content.decode()
    done.refresh_from_db()
    assert (done.completed_on, done.completed_in) == (dt.date(2023, 11, 20), cycle.q3)


@pytest.mark.django_db
def test_overdue_is_one_count_on_every_surface_and_a_closed_action_owes_nothing(client, cycle):
    """PH5 was completed in Q3: its unreported milestone is complete with it, so no page asks
    its officer to report it (they cannot: PH5 owes no Q4 update). F1 is withdrawn: its
    milestone leaves every count. CH6's overdue milestone is counted the same everywhere."""
    from deliverables.milestone_reads import group_milestones, my_overdue_milestones, overdue_panel
    from deliverables.models import Recommendation
    from deliverables.recommendations import recommendation_progress
    from deliverables.services.actions import action_withdraw

    late = dt.date(2023, 6, 1)
    live = milestone(cycle.ch6, "CH6 step", due=late)
    closed = milestone(cycle.ph5, "PH5 step", due=late)
    dropped = milestone(cycle.f1, "F1 step", due=late)
    action_withdraw(cycle.performance, cycle.f1, cycle.q4, reason="No longer needed")
    review = Recommendation.objects.create(plan=cycle.plan, body="CIPFA", reference="1.5")
    review.actions.add(cycle.ch6, cycle.ph5, cycle.f1)

    assert [m.pk for m in my_overdue_milestones(cycle.other_officer, TODAY)] == []
    assert [m.pk for m in my_overdue_milestones(cycle.officer, TODAY)] == [live.pk]
    assert overdue_panel(cycle.plan, cycle.q4, TODAY).total == 1
    (row,) = recommendation_progress(cycle.plan, cycle.q4, cycle.viewer, today=TODAY)
    assert (row.milestones_overdue, row.milestones_complete, row.milestones_total) == (1, 1, 2)
    outcome = cycle.ch6.placements.first().outcome
    shown = {m.pk for m in group_milestones(cycle.plan, outcome=outcome)}
    assert dropped.pk not in shown
    assert "PH5 step" in page(client, cycle.viewer, cycle.ph5)
    assert closed.pk not in {
        m.pk for m in my_overdue_milestones(cycle.other_officer, TODAY)
    }  # complete with its action


@pytest.mark.django_db
def test_a_milestone_completed_with_its_action_says_so_in_its_row(client, cycle):
    """PH5 closed in Q3: its unreported milestone's row names that, never "Not yet" beside a
    Complete tag."""
    milestone(cycle.ph5, "Phase X", due=TODAY - dt.timedelta(days=400))
    shown = page(client, cycle.viewer, cycle.ph5)
    assert "With its action's completion, Q3 2023/24" in shown
    assert "Not yet" not in shown


@pytest.mark.django_db
def test_stored_milestones_written_complete_are_marked_by_the_migration(cycle):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "deliverables.migrations.0016_milestone_complete_as_written"
    )
    written = milestone(cycle.ch6, "Done before", note="Start: May 2022; Due: Complete")
    alone = milestone(cycle.ch6, "Done too", note="Complete", order=2)
    words = milestone(cycle.ch6, "Not done", note="Due: Completed by the board", order=3)
    migration.mark_written_complete(apps, None)
    assert [
        m.complete_as_written
        for m in Milestone.objects.filter(pk__in=[written.pk, alone.pk, words.pk]).order_by("pk")
    ] == [True, True, False]
