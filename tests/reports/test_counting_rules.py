"""The defects a new user found in one quarter, each pinned by a test of the rule that fixes it.

README "How actions are counted"; the rules live in deliverables/rules.py. The property test
(test_one_truth.py) checks every surface against a model of the same rules; these name the
cases people saw.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from deliverables import services
from deliverables.models import (
    Action,
    ActionPlacement,
    Deliverable,
    QuarterlyUpdate,
    submission_progress,
)
from deliverables.permissions import can_enter_updates, users_who_may_enter_updates
from deliverables.rules import (
    EVERYONE,
    NOBODY,
    sees_work_of,
    sees_work_q,
)
from deliverables.workflow import WorkflowError
from plans.models import StrategicOutcome, User
from plans.permissions import may_enter_updates
from reports.builder import build_report
from reports.dashboard import build_dashboard
from reports.models import ExceptionReport
from tests.deliverables.conftest import post_update, submit_update, update_url


def plan_page_counts(client, plan, period) -> dict:
    """{outcome name or "All": {status label: count}} from the plan page."""
    page = client.get(plan.get_absolute_url(), {"period": period.code})
    return {
        (row["outcome"].name if row["outcome"] else "All"): {
            status.label: n for status, n in row["status_counts"] if n
        }
        | ({"Not yet updated": row["not_updated"]} if row["not_updated"] else {})
        for row in page.context["rows"]
    }


def dashboard_counts(data) -> dict:
    rows = {row.label: row for row in data.outcomes}
    rows["All"] = data.overall
    return {
        label: {
            (s.status.label if s.status else "Not yet updated"): s.count
            for s in row.segments
            if s.count
        }
        for label, row in rows.items()
    }


def register_csv(client, plan, period) -> dict[str, list[str]]:
    response = client.get(
        reverse("reports:register_csv", args=[plan.slug]), {"period": period.code}
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {row[0]: row for row in list(csv.reader(io.StringIO(text)))[1:]}


# -- which actions are in a quarter -------------------------------------------------------------


@pytest.mark.django_db
def test_an_action_completed_in_an_earlier_quarter_is_not_no_update_on_any_page(client, cycle):
    """After Q4 closed, the plan and outcome pages counted actions Complete in Q3 as No Update
    (79 actions there, 56 on the dashboard)."""
    services.period_close(cycle.performance, cycle.q4, mark_missing=True)
    cycle.q4.refresh_from_db()
    client.force_login(cycle.viewer)
    page = plan_page_counts(client, cycle.plan, cycle.q4)
    # PH5 was Complete in Q3: not in Q4 at all. CH6, CH5 and F1 are No Update.
    assert page == {
        "Best start in life": {"No Update": 2},
        "Live well": {"No Update": 1},
        "All": {"No Update": 3},
    }
    assert page == dashboard_counts(build_dashboard(cycle.plan, cycle.q4, cycle.viewer))
    outcome = client.get(
        cycle.plan.outcomes.get(name="Live well").get_absolute_url(), {"period": cycle.q4.code}
    )
    assert outcome.context["action_count"] == 1
    assert "Completed in Q3 2023/24; not counted in Q4 2023/24" in outcome.content.decode()
    assert set(register_csv(client, cycle.plan, cycle.q4)) == {"CH6", "CH5", "F1"}


@pytest.mark.django_db
def test_an_action_added_to_the_plan_later_is_not_no_update_in_quarters_before_it(
    client, cycle, users
):
    users["admin"].is_superuser = True
    users["admin"].save()
    client.force_login(users["admin"])
    outcome = cycle.plan.outcomes.get(name="Live well")
    response = client.post(
        reverse("admin:deliverables_action_add"),
        {
            "plan": cycle.plan.pk,
            "ref": "F9",
            "title": "A new action this quarter",
            "placements-TOTAL_FORMS": "1",
            "placements-INITIAL_FORMS": "0",
            "placements-0-outcome": outcome.pk,
            "placements-0-order": "0",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    f9 = Action.objects.get(plan=cycle.plan, ref="F9")
    assert f9.reported_from == cycle.q4  # the plan's open quarter
    # Q3 (closed) still counts what it counted; Q4 asks F9 for an update.
    client.force_login(cycle.viewer)
    assert plan_page_counts(client, cycle.plan, cycle.q3)["Live well"] == {
        "Complete": 1,
        "No Update": 1,
    }
    assert "F9" in register_csv(client, cycle.plan, cycle.q4)
    assert "F9" not in register_csv(client, cycle.plan, cycle.q3)


@pytest.mark.django_db
def test_adding_an_action_when_every_quarter_is_closed_asks_which_quarter_it_starts_in(
    client, small_plan, users
):
    users["admin"].is_superuser = True
    users["admin"].save()
    client.force_login(users["admin"])
    data = {
        "plan": small_plan.plan.pk,
        "ref": "F9",
        "title": "A new action",
        "placements-TOTAL_FORMS": "0",
        "placements-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    response = client.post(reverse("admin:deliverables_action_add"), data)
    assert response.status_code == 200
    assert "Every quarter of Test Plan is closed" in response.content.decode()
    assert not Action.objects.filter(ref="F9").exists()
    response = client.post(
        reverse("admin:deliverables_action_add"), {**data, "reported_from": small_plan.period.pk}
    )
    assert response.status_code == 302
    assert Action.objects.get(ref="F9").reported_from == small_plan.period


@pytest.mark.django_db
def test_a_withdrawn_action_leaves_later_quarters_and_keeps_earlier_ones(client, cycle):
    client.force_login(cycle.performance)
    url = reverse("deliverables:action_withdraw", args=[cycle.plan.slug, cycle.f1.pk])
    response = client.post(url, {"period": cycle.q3.pk, "reason": "Merged"}, follow=True)
    assert "Choose one of the quarters listed" in response.content.decode()  # Q3 is closed
    response = client.post(url, {"period": cycle.q4.pk, "reason": ""}, follow=True)
    assert "Give the reason" in response.content.decode()
    client.post(url, {"period": cycle.q4.pk, "reason": "Merged into CH6"})
    cycle.f1.refresh_from_db()
    assert cycle.f1.withdrawn_from == cycle.q4
    assert "F1" in register_csv(client, cycle.plan, cycle.q3)
    assert "F1" not in register_csv(client, cycle.plan, cycle.q4)
    page = client.get(cycle.f1.get_absolute_url()).content.decode()
    assert "Withdrawn from the plan from Q4 2023/24" in page
    client.post(
        reverse("deliverables:action_reinstate", args=[cycle.plan.slug, cycle.f1.pk]),
        {"reason": "Not merged after all"},
    )
    cycle.f1.refresh_from_db()
    assert cycle.f1.withdrawn_from is None
    assert "F1" in register_csv(client, cycle.plan, cycle.q4)
    client.force_login(cycle.officer)
    assert client.post(url, {"period": cycle.q4.pk, "reason": "x"}).status_code == 403


# -- who sees what ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_submitted_update_is_seen_only_by_its_people_until_approved(client, cycle):
    """A viewer and an officer of another directorate read a submitted update's status and
    commentary on the action page, in the register, its search and its CSV."""
    client.force_login(cycle.officer)
    post_update(client, cycle, cycle.ch5, status="Delayed", commentary="Contractor collapsed")
    for who in (cycle.viewer, cycle.other_officer):
        client.force_login(who)
        page = client.get(cycle.ch5.get_absolute_url()).content.decode()
        assert "Contractor collapsed" not in page and "Awaiting approval" in page
        register = reverse("reports:register", args=[cycle.plan.slug])
        page = client.get(register, {"period": cycle.q4.code}).content.decode()
        assert "Contractor collapsed" not in page and "Awaiting approval" in page
        found = client.get(register, {"period": cycle.q4.code, "q": "collapsed"})
        assert list(found.context["page"]) == []
        row = register_csv(client, cycle.plan, cycle.q4)["CH5"]
        assert (row[5], row[7]) == ("Awaiting approval", "")
        assert not build_dashboard(cycle.plan, cycle.q4, who).red_streaks
    for who in (cycle.officer, cycle.approver, cycle.performance):
        client.force_login(who)
        assert "Contractor collapsed" in client.get(cycle.ch5.get_absolute_url()).content.decode()
        row = register_csv(client, cycle.plan, cycle.q4)["CH5"]
        assert (row[5], row[7]) == ("Delayed", "Contractor collapsed")
    update = QuarterlyUpdate.objects.get(action=cycle.ch5, period=cycle.q4)
    services.update_approve(cycle.approver, update, expected_version=update.version)
    client.force_login(cycle.viewer)
    assert register_csv(client, cycle.plan, cycle.q4)["CH5"][5] == "Delayed"


@pytest.mark.django_db
def test_the_rules_of_who_sees_work_and_who_enters_updates_agree_with_their_querysets(cycle, users):
    """Each rule has a QuerySet form (lists) and a one-object form (a page about one action):
    they must give the same answer for every user and action."""
    services.action_delegate(cycle.officer, cycle.ch6, cycle.other_officer)
    cycle.f1.approver = cycle.approver
    cycle.f1.save()
    actions = list(Action.objects.filter(plan=cycle.plan))
    for user in users.values():
        condition = sees_work_q(user)
        if condition is EVERYONE:
            listed = set(actions)
        elif condition is NOBODY:
            listed = set()
        else:
            listed = set(Action.objects.filter(plan=cycle.plan).filter(condition))
        assert listed == {a for a in actions if sees_work_of(user, a)}, user
        editable = set(Action.objects.filter(plan=cycle.plan).editable_by(user))
        assert editable == {a for a in actions if can_enter_updates(user, a)}, user
    # Who may enter updates at all: the role check and the list of people to delegate to or
    # reassign to used to be written three ways.
    users["viewer"].is_superuser = True
    users["viewer"].save()
    users["other_officer"].is_active = False
    users["other_officer"].save()
    listed = set(users_who_may_enter_updates())
    for user in User.objects.all():
        assert (user in listed) == may_enter_updates(user), user


# -- what counts --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_closing_a_quarter_does_not_count_its_no_updates_as_approvals(cycle):
    """After closing, the progress said "Approved 174" when 3 were approved."""
    update = submit_update(cycle, cycle.ch6, "On Track", "Fine")
    services.update_approve(cycle.approver, update, expected_version=update.version)
    marked = services.period_close(cycle.performance, cycle.q4, mark_missing=True)
    assert marked == 2  # CH5 and F1; PH5 was complete in Q3
    totals = submission_progress(cycle.q4)[1]
    assert (totals["approved"], totals["closed_no_update"], totals["total"]) == (1, 2, 3)
    # Reopened, the No Updates the close wrote are "not yet updated" again until someone
    # reports; closed again, they are No Update.
    services.period_reopen(cycle.performance, cycle.q4, reason="Correct CH5")
    cycle.q4.refresh_from_db()
    counts = dashboard_counts(build_dashboard(cycle.plan, cycle.q4, cycle.viewer))["All"]
    assert counts == {"On Track": 1, "Not yet updated": 2}
    services.period_close(cycle.performance, cycle.q4, mark_missing=True)
    cycle.q4.refresh_from_db()
    counts = dashboard_counts(build_dashboard(cycle.plan, cycle.q4, cycle.viewer))["All"]
    assert counts == {"On Track": 1, "No Update": 2}


@pytest.mark.django_db
def test_a_submitted_complete_does_not_complete_the_action_until_approved(cycle):
    update = submit_update(cycle, cycle.ch6, "Complete", "Done")
    cycle.ch6.refresh_from_db()
    assert cycle.ch6.completed_in is None
    services.update_approve(cycle.approver, update, expected_version=update.version)
    cycle.ch6.refresh_from_db()
    assert cycle.ch6.completed_in == cycle.q4


@pytest.mark.django_db
def test_the_service_asks_for_commentary_whatever_door_the_update_comes_through(cycle):
    with pytest.raises(WorkflowError, match="Add commentary for the 'Delayed' status"):
        submit_update(cycle, cycle.ch6, "Delayed", "  ")
    with pytest.raises(WorkflowError, match="Add commentary for the 'On Track' status"):
        submit_update(cycle, cycle.ch6, "On Track", "")
    assert not QuarterlyUpdate.objects.filter(period=cycle.q4).exists()


# -- movement -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_action_with_no_update_has_not_recovered(client, cycle):
    """The report listed actions that had no update under "Recovered since Q3"."""
    services.period_close(cycle.performance, cycle.q4, mark_missing=True)
    cycle.q4.refresh_from_db()
    report = build_report(ExceptionReport(plan=cycle.plan, period=cycle.q4, version=1))
    assert [line.ref for s in report.sections for line in s.recovered] == []
    data = build_dashboard(cycle.plan, cycle.q4, cycle.viewer)
    figures = {kind: figure[0] for kind, figure in data.movement.items()}
    assert figures["no_update"] == 3 and figures["improved"] == 0
    client.force_login(cycle.viewer)
    page = client.get(data.movement["no_update"][1])
    assert {a.ref for a in page.context["page"]} == {"CH6", "CH5", "F1"}
    assert client.get(data.movement["improved"][1]).context["page"].paginator.count == 0


# -- counting under the hierarchy ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_action_under_several_deliverables_is_listed_once_with_its_outcomes_once(client, cycle):
    """The report listed R7 twice and repeated R8's outcome name four times in its appendix."""
    best, live = cycle.plan.outcomes.order_by("order")
    b5 = Deliverable.objects.create(outcome=best, ref="B5", title="We will support families")
    ActionPlacement.objects.create(action=cycle.ch5, outcome=best, deliverable=b5, order=5)
    ActionPlacement.objects.create(action=cycle.ch5, outcome=live, order=6)
    services.period_close(cycle.performance, cycle.q4, mark_missing=True)
    cycle.q4.refresh_from_db()
    report = build_report(ExceptionReport(plan=cycle.plan, period=cycle.q4, version=1))
    ch5 = [line for line in report.no_update if line.ref == "CH5"]
    assert len(ch5) == 1
    assert ch5[0].outcomes == ["Best start in life", "Live well"]
    sections = {section.name: section.total for section in report.sections}
    assert sections == {"Best start in life": 2, "Live well": 2}
    assert report.overview_total == 3
    client.force_login(cycle.viewer)
    assert plan_page_counts(client, cycle.plan, cycle.q4) == {
        "Best start in life": {"No Update": 2},
        "Live well": {"No Update": 2},
        "All": {"No Update": 3},
    }


@pytest.mark.django_db
def test_an_action_is_counted_once_on_the_outcome_page_however_many_deliverables_it_serves(
    client, cycle
):
    best = StrategicOutcome.objects.get(plan=cycle.plan, name="Best start in life")
    b5 = Deliverable.objects.create(outcome=best, ref="B5", title="We will support families")
    ActionPlacement.objects.create(action=cycle.ch5, outcome=best, deliverable=b5, order=5)
    client.force_login(cycle.viewer)
    page = client.get(best.get_absolute_url(), {"period": cycle.q3.code})
    assert page.context["action_count"] == 2
    assert "2 actions in Q3 2023/24" in page.content.decode()


@pytest.mark.django_db
def test_in_a_reopened_quarter_the_officer_replaces_the_no_update_a_close_wrote(client, cycle):
    services.period_close(cycle.performance, cycle.q4, mark_missing=True)
    services.period_reopen(cycle.performance, cycle.q4, reason="A late update for CH5")
    cycle.q4.refresh_from_db()
    client.force_login(cycle.officer)
    page = client.get(reverse("deliverables:my_updates"))
    rows = {
        row["action"].ref: row["state"]
        for quarter in page.context["quarters"]
        for _, section in quarter["sections"]
        for row in section
    }
    assert rows["CH5"] == "not_started"
    form = client.get(update_url(cycle, cycle.ch5)).context["form"]
    # It starts afresh (as a new update would), not from the No Update the close wrote.
    assert form.initial["version"] == 1 and "status" not in form.initial
    response = post_update(
        client, cycle, cycle.ch5, status="Delayed", commentary="Late: slipped", version=1
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    update = QuarterlyUpdate.objects.get(action=cycle.ch5, period=cycle.q4)
    assert (update.state, update.source, update.status.label) == (
        "submitted",
        "entered",
        "Delayed",
    )
    totals = submission_progress(cycle.q4)[1]
    assert (totals["submitted"], totals["closed_no_update"]) == (1, 2)  # CH5; CH6, F1 still


@pytest.mark.django_db
def test_the_history_of_an_approved_update_shows_a_viewer_nothing_before_its_approval(
    client, cycle
):
    update = submit_update(cycle, cycle.ch5, "Delayed", "First try")
    update = services.update_return(
        cycle.approver, update, reason="Name the contractor", expected_version=update.version
    )
    update = submit_update(cycle, cycle.ch5, "Delayed", "Second try", update.version)
    services.update_approve(cycle.approver, update, expected_version=update.version)
    client.force_login(cycle.viewer)
    page = client.get(cycle.ch5.get_absolute_url()).content.decode()
    assert "Second try" in page
    assert "Name the contractor" not in page and "Returned" not in page
    client.force_login(cycle.approver)
    assert "Name the contractor" in client.get(cycle.ch5.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_withdrawal_from_a_quarter_now_closed_is_undone_only_by_reopening_it(cycle):
    services.action_withdraw(cycle.performance, cycle.f1, cycle.q4, reason="Merged")
    with pytest.raises(WorkflowError, match="already withdrawn"):
        services.action_withdraw(cycle.performance, cycle.f1, cycle.q4, reason="Again")
    services.period_close(cycle.performance, cycle.q4, mark_missing=False)
    cycle.f1.refresh_from_db()
    with pytest.raises(WorkflowError, match="reopen that quarter first"):
        services.action_reinstate(cycle.performance, cycle.f1, reason="Not merged")
    services.period_reopen(cycle.performance, cycle.q4, reason="Reinstate F1")
    cycle.f1.refresh_from_db()
    services.action_reinstate(cycle.performance, cycle.f1, reason="Not merged")
    cycle.f1.refresh_from_db()
    assert cycle.f1.withdrawn_from is None
