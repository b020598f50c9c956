"""Separation of duties: an approver who makes themselves a delegate, and writes and submits an
update, cannot approve it by any door: the approve button, approving several, the service;
nor after taking their own delegation away again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliverables import services
from deliverables.models import QuarterlyUpdate
from deliverables.workflow import NotAllowed, WorkflowError
from tests import factories


@pytest.fixture
def own_update(client, cycle):
    """The approver delegates CH5 to themselves through the action page, then enters and
    submits its Q4 update through the update form."""
    plan, approver = cycle.plan, cycle.approver
    client.force_login(approver)
    client.post(
        reverse("deliverables:delegate_add", args=[plan.slug, cycle.ch5.pk]), {"user": approver.pk}
    )
    assert cycle.ch5.delegations.filter(user=approver).exists()
    response = client.post(
        reverse("deliverables:update", args=[plan.slug, cycle.q4.code, cycle.ch5.pk]),
        {
            "intent": "submit",
            "status": factories.status(plan, "On Track").pk,
            "commentary": "All well, says the approver",
            "version": 0,
        },
    )
    assert response.status_code == 302
    update = QuarterlyUpdate.objects.get(action=cycle.ch5, period=cycle.q4)
    assert (update.state, update.submitted_by) == ("submitted", approver)
    return update


def refused_everywhere(client, cycle, update: QuarterlyUpdate) -> None:
    client.force_login(cycle.approver)
    review = client.get(reverse("deliverables:review", args=[cycle.plan.slug, cycle.q4.code]))
    [waiting] = review.context["waiting"]
    assert waiting.pk == update.pk and waiting.is_own  # listed, but without the approve button
    approve = reverse("deliverables:approve", args=[update.pk])
    assert client.post(approve, {"version": update.version}).status_code == 403
    many = reverse("deliverables:approve_many", args=[cycle.plan.slug, cycle.q4.code])
    ticked = {"updates": [f"{update.pk}:{update.version}"], "confirm": "yes"}
    assert client.post(many, ticked).status_code == 302  # back to the queue, with the reason
    with pytest.raises(NotAllowed):
        services.update_approve(cycle.approver, update, expected_version=update.version)
    with pytest.raises(WorkflowError, match="never their own"):
        services.updates_approve(cycle.approver, [(update, update.version)])
    update.refresh_from_db()
    assert (update.state, update.approved_by) == ("submitted", None)


@pytest.mark.django_db
def test_an_approver_cannot_approve_what_they_submitted_as_their_own_delegate(
    client, cycle, own_update
):
    refused_everywhere(client, cycle, own_update)


@pytest.mark.django_db
def test_nor_after_taking_their_own_delegation_away(client, cycle, own_update):
    remove = reverse(
        "deliverables:delegate_remove", args=[cycle.plan.slug, cycle.ch5.pk, cycle.approver.pk]
    )
    client.force_login(cycle.approver)
    assert client.post(remove).status_code == 302
    assert not cycle.ch5.delegations.exists()
    refused_everywhere(client, cycle, own_update)


@pytest.mark.django_db
def test_the_performance_team_decides_it_instead(client, cycle, own_update):
    """Not a dead end: someone who did not write it can approve it."""
    client.force_login(cycle.performance)
    approve = reverse("deliverables:approve", args=[own_update.pk])
    assert client.post(approve, {"version": own_update.version}).status_code == 302
    own_update.refresh_from_db()
    assert (own_update.state, own_update.approved_by) == ("approved", cycle.performance)


@pytest.mark.django_db
def test_an_approver_who_wrote_a_draft_cannot_approve_it_after_the_lead_submits_it(client, cycle):
    """The gap left by checking only the submitter and the current delegates: the approver
    delegates themselves, writes the draft, the lead officer submits it unchanged, the
    approver removes their delegation, then tries to approve what they wrote."""
    plan, approver = cycle.plan, cycle.approver
    services.action_delegate(cycle.officer, cycle.ch5, approver)
    draft = services.update_save(
        approver, cycle.ch5, cycle.q4, status=factories.status(plan, "On Track"),
        commentary="Written by the approver", expected_version=0, submit=False,
    )  # fmt: skip
    submitted = services.update_save(
        cycle.officer, cycle.ch5, cycle.q4, status=draft.status, commentary=draft.commentary,
        expected_version=draft.version, submit=True,
    )  # fmt: skip
    services.action_undelegate(approver, cycle.ch5, approver)
    assert submitted.submitted_by == cycle.officer
    assert not QuarterlyUpdate.objects.filter(pk=submitted.pk).decidable_by(approver).exists()
    with pytest.raises(NotAllowed):
        services.update_approve(approver, submitted, expected_version=submitted.version)
    client.force_login(approver)
    page = client.get(reverse("deliverables:review", args=[plan.slug, cycle.q4.code]))
    assert page.context["waiting"][0].is_own
    # Another approver of the directorate still can.
    other = factories.user("second-approver", "Approver", [cycle.ch5.directorate])
    services.update_approve(other, submitted, expected_version=submitted.version)
