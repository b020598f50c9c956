"""The quarter's hard cases for decisions: a directorate whose only approver entered the update,
several updates approved at once, a submission withdrawn, an approved update sent back after a
reopen."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliverables import services
from deliverables.models import QuarterlyUpdate
from deliverables.workflow import StaleUpdate, WorkflowError
from tests import factories
from tests.deliverables.conftest import submit_update


def review_url(cycle) -> str:
    return reverse("deliverables:review", args=[cycle.plan.slug, cycle.q4.code])


def approve_many_url(cycle) -> str:
    return reverse("deliverables:approve_many", args=[cycle.plan.slug, cycle.q4.code])


@pytest.fixture
def approver_as_delegate(cycle):
    """The directorate's only approver enters CH5 as a delegate: nobody in it may decide."""
    services.action_delegate(cycle.officer, cycle.ch5, cycle.approver)
    update = services.update_save(
        cycle.approver,
        cycle.ch5,
        cycle.q4,
        status=factories.status(cycle.plan, "Delayed"),
        commentary="Entered by the assistant director",
        expected_version=0,
        submit=True,
    )
    return update


@pytest.mark.django_db
def test_the_performance_team_decides_when_the_only_approver_entered_the_update(
    client, cycle, approver_as_delegate
):
    update = approver_as_delegate
    client.force_login(cycle.approver)
    page = client.get(review_url(cycle)).content.decode()
    assert "another approver of the directorate, or the performance team, decides" in page
    assert (
        client.post(reverse("deliverables:approve", args=[update.pk]), {"version": 1}).status_code
        == 403
    )
    client.force_login(cycle.performance)
    response = client.get(review_url(cycle))
    assert response.status_code == 200
    assert [u.action.ref for u in response.context["waiting"]] == ["CH5"]
    assert not response.context["waiting"][0].is_own
    response = client.post(reverse("deliverables:approve", args=[update.pk]), {"version": 1})
    assert response.status_code == 302
    update.refresh_from_db()
    assert (update.state, update.approved_by) == ("approved", cycle.performance)
    # The review index counts it for the performance team, and the nav offers Review.
    index = client.get(reverse("deliverables:review_index"))
    assert 'href="/review/"' in index.content.decode()


@pytest.mark.django_db
def test_an_actions_named_approver_decides_it_outside_their_directorates(client, cycle):
    named = factories.user("named-approver", "Approver", [cycle.ph5.directorate])
    cycle.ch6.approver = named
    cycle.ch6.save()
    update = submit_update(cycle, cycle.ch6, "On Track", "Fine")
    client.force_login(named)
    assert [u.action.ref for u in client.get(review_url(cycle)).context["waiting"]] == ["CH6"]
    client.post(reverse("deliverables:approve", args=[update.pk]), {"version": update.version})
    update.refresh_from_db()
    assert update.state == "approved"


@pytest.mark.django_db
def test_the_review_page_shows_last_quarter_beside_each_update(client, cycle):
    submit_update(cycle, cycle.ch5, "On Track", "Recovered this quarter")
    client.force_login(cycle.approver)
    response = client.get(review_url(cycle))
    (update,) = response.context["waiting"]
    assert update.previous.status.label == "Delayed"
    page = response.content.decode()
    assert "Last quarter, Q3 2023/24" in page and "Commentary for CH5" in page


@pytest.mark.django_db
def test_approving_several_lists_them_first_then_approves_exactly_those(client, cycle):
    ch6 = submit_update(cycle, cycle.ch6, "On Track", "Fine")
    ch5 = submit_update(cycle, cycle.ch5, "Delayed", "Late")
    client.force_login(cycle.approver)
    ticked = {"updates": [f"{ch6.pk}:{ch6.version}", f"{ch5.pk}:{ch5.version}"]}
    response = client.post(approve_many_url(cycle), ticked)
    assert response.status_code == 200
    assert [u.action.ref for u, _ in response.context["decisions"]] == ["CH5", "CH6"]
    page = response.content.decode()
    assert "Approve 2 updates?" in page and "CH5" in page and "CH6" in page
    assert set(QuarterlyUpdate.objects.values_list("state", flat=True).filter(period=cycle.q4)) == {
        "submitted"
    }
    response = client.post(approve_many_url(cycle), {**ticked, "confirm": "yes"}, follow=True)
    assert "2 updates approved: CH5, CH6." in response.content.decode()
    states = dict(
        QuarterlyUpdate.objects.filter(period=cycle.q4).values_list("action__ref", "state")
    )
    assert states == {"CH5": "approved", "CH6": "approved"}


@pytest.mark.django_db
def test_approving_several_approves_none_if_one_changed_since_the_list(client, cycle):
    ch6 = submit_update(cycle, cycle.ch6, "On Track", "Fine")
    ch5 = submit_update(cycle, cycle.ch5, "Delayed", "Late")
    client.force_login(cycle.approver)
    ticked = {"updates": [f"{ch6.pk}:{ch6.version}", f"{ch5.pk}:{ch5.version}"]}
    assert client.post(approve_many_url(cycle), ticked).status_code == 200
    # Between the list and the confirmation, the officer withdraws CH5.
    services.update_withdraw(cycle.officer, ch5, expected_version=ch5.version)
    response = client.post(approve_many_url(cycle), {**ticked, "confirm": "yes"}, follow=True)
    assert "has changed or been decided since you opened the page" in response.content.decode()
    assert not QuarterlyUpdate.objects.filter(period=cycle.q4, state="approved").exists()
    # And if it changes inside the service's own check, the whole batch is undone.
    with pytest.raises(WorkflowError, match=r"Nothing was approved\. CH5"):
        services.updates_approve(cycle.approver, [(ch6, ch6.version), (ch5, ch5.version)])
    ch6.refresh_from_db()
    assert ch6.state == "submitted"


@pytest.mark.django_db
def test_approving_several_refuses_nothing_ticked_outsiders_and_gets(client, cycle):
    ch6 = submit_update(cycle, cycle.ch6, "On Track", "Fine")
    client.force_login(cycle.approver)
    response = client.post(approve_many_url(cycle), {}, follow=True)
    assert "Tick the updates to approve." in response.content.decode()
    assert client.get(approve_many_url(cycle)).status_code == 405
    for outsider in (cycle.officer, cycle.viewer):
        client.force_login(outsider)
        response = client.post(
            approve_many_url(cycle), {"updates": [f"{ch6.pk}:{ch6.version}"], "confirm": "yes"}
        )
        assert response.status_code == 403
    # An approver of another directorate cannot tick an update outside their queue.
    client.force_login(factories.user("ph-approver", "Approver", [cycle.ph5.directorate]))
    client.post(approve_many_url(cycle), {"updates": [f"{ch6.pk}:{ch6.version}"], "confirm": "yes"})
    ch6.refresh_from_db()
    assert ch6.state == "submitted"


@pytest.mark.django_db
def test_an_officer_withdraws_a_submission_before_it_is_decided(client, cycle):
    update = submit_update(cycle, cycle.ch5, "Delayed", "Late")
    client.force_login(cycle.officer)
    page = client.get(
        reverse("deliverables:update", args=[cycle.plan.slug, cycle.q4.code, cycle.ch5.pk])
    )
    assert "Withdraw the submission" in page.content.decode()
    url = reverse("deliverables:withdraw", args=[update.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"version": update.version}, follow=True)
    assert "submission withdrawn: it is your draft again" in response.content.decode()
    update.refresh_from_db()
    assert (update.state, update.commentary) == ("draft", "Late")
    assert update.history.first().history_change_reason == "Submission withdrawn"
    # The approver's queue no longer lists it; a second withdrawal is refused, not repeated.
    client.force_login(cycle.approver)
    assert client.get(review_url(cycle)).context["waiting"] == []
    client.force_login(cycle.officer)
    response = client.post(url, {"version": update.version - 1}, follow=True)
    assert "changed" in response.content.decode()
    # An unreadable form loses nothing.
    response = client.post(url, {"version": "x"}, follow=True)
    assert "could not be read" in response.content.decode()


@pytest.mark.django_db
def test_a_decided_update_cannot_be_withdrawn_and_others_cannot_withdraw(client, cycle):
    update = submit_update(cycle, cycle.ch5, "Delayed", "Late")
    url = reverse("deliverables:withdraw", args=[update.pk])
    for outsider in (cycle.other_officer, cycle.viewer, cycle.approver):
        client.force_login(outsider)
        assert client.post(url, {"version": update.version}).status_code == 404
    update = services.update_approve(cycle.approver, update, expected_version=update.version)
    with pytest.raises(StaleUpdate):
        services.update_withdraw(cycle.officer, update, expected_version=update.version)


@pytest.mark.django_db
def test_after_a_reopen_the_performance_team_returns_an_approved_update_to_its_officer(
    client, cycle
):
    update = submit_update(cycle, cycle.ch6, "Complete", "")
    update = services.update_approve(cycle.approver, update, expected_version=update.version)
    cycle.ch6.refresh_from_db()
    assert cycle.ch6.completed_in == cycle.q4
    services.period_close(cycle.performance, cycle.q4, mark_missing=True)
    services.period_reopen(cycle.performance, cycle.q4, reason="To correct CH6")
    client.force_login(cycle.performance)
    page = client.get(cycle.ch6.get_absolute_url()).content.decode()
    assert "Return the Q4 2023/24 update to its officer" in page
    url = reverse("deliverables:return", args=[update.pk])
    assert "Returning it takes it out of the counts" in client.get(url).content.decode()
    response = client.post(url, {"reason": "It is not finished", "version": update.version})
    assert response.status_code == 302 and response.url == cycle.ch6.get_absolute_url()
    update.refresh_from_db()
    cycle.ch6.refresh_from_db()
    assert (update.state, update.return_reason) == ("returned", "It is not finished")
    assert cycle.ch6.completed_in is None  # a returned Complete completes nothing
    # The officer can change it again; the approver could not have returned it.
    client.force_login(cycle.officer)
    edit = reverse("deliverables:update", args=[cycle.plan.slug, cycle.q4.code, cycle.ch6.pk])
    assert "It is not finished" in client.get(edit).content.decode()


@pytest.mark.django_db
def test_approvers_cannot_return_an_approved_update(client, cycle):
    update = submit_update(cycle, cycle.ch6, "On Track", "Fine")
    update = services.update_approve(cycle.approver, update, expected_version=update.version)
    client.force_login(cycle.approver)
    url = reverse("deliverables:return", args=[update.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x", "version": update.version}).status_code == 403
    assert "Return the Q4" not in client.get(cycle.ch6.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_no_update_a_close_wrote_can_be_returned_by_the_performance_team(client, cycle):
    services.period_close(cycle.performance, cycle.q4, mark_missing=True)
    services.period_reopen(cycle.performance, cycle.q4, reason="Late updates")
    placeholder = QuarterlyUpdate.objects.get(action=cycle.ch5, period=cycle.q4)
    client.force_login(cycle.performance)
    url = reverse("deliverables:return", args=[placeholder.pk])
    assert client.get(url).status_code == 200  # no longer a 404
    client.post(url, {"reason": "Please give the Q4 update", "version": placeholder.version})
    placeholder.refresh_from_db()
    assert placeholder.state == "returned"
    # An empty reason is refused with a message.
    ch6 = QuarterlyUpdate.objects.get(action=cycle.ch6, period=cycle.q4)
    response = client.post(
        reverse("deliverables:return", args=[ch6.pk]), {"reason": "", "version": ch6.version}
    )
    assert "Say what the officer needs to change." in response.content.decode()


@pytest.mark.django_db
def test_a_returned_update_no_longer_says_who_approved_it(client, cycle):
    update = submit_update(cycle, cycle.ch6, "On Track", "Fine")
    update = services.update_approve(cycle.approver, update, expected_version=update.version)
    update = services.update_return(
        cycle.performance, update, reason="Add the figures", expected_version=update.version
    )
    assert (update.approved_by, update.approved_at) == (None, None)
    client.force_login(cycle.officer)
    page = client.get(cycle.ch6.get_absolute_url()).content.decode()
    assert "Approved by" not in page and "Add the figures" in page


@pytest.mark.django_db
def test_a_returned_no_update_shows_its_reason_and_the_replacement_has_no_approver(client, cycle):
    services.period_close(cycle.performance, cycle.q4, mark_missing=True)
    services.period_reopen(cycle.performance, cycle.q4, reason="Late updates")
    placeholder = QuarterlyUpdate.objects.get(action=cycle.ch5, period=cycle.q4)
    services.update_return(
        cycle.performance, placeholder, reason="Give Q4, please", expected_version=1
    )
    client.force_login(cycle.officer)
    edit = reverse("deliverables:update", args=[cycle.plan.slug, cycle.q4.code, cycle.ch5.pk])
    assert "Give Q4, please" in client.get(edit).content.decode()
    replaced = submit_update(cycle, cycle.ch5, "Delayed", "Late", version=2)
    assert (replaced.source, replaced.approved_by) == ("entered", None)


@pytest.mark.django_db
def test_enter_on_a_tick_box_goes_to_the_confirmation_not_a_single_approval(client, cycle):
    """The tick boxes belong to the approve-several form; each Approve button has its own."""
    submit_update(cycle, cycle.ch6, "On Track", "Fine")
    client.force_login(cycle.approver)
    page = client.get(review_url(cycle)).content.decode()
    bulk = page.index('id="approve-many"')
    assert 'form="approve-many"' in page
    # No single-approval button sits inside the approve-several form.
    form = page[page.rindex("<form", 0, bulk) : page.index("</form>", bulk)]
    assert "/approve/" not in form.replace(approve_many_url(cycle), "")
