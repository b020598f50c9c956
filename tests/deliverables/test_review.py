"""Approvers: the review queue, approving, returning with a reason, and what they may not do."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from deliverables.models import QuarterlyUpdate
from tests import factories
from tests.deliverables.conftest import post_update


def review_url(cycle) -> str:
    return reverse("deliverables:review", args=[cycle.plan.slug, cycle.q4.code])


@pytest.fixture
def submitted(client, cycle):
    """CH5 submitted as Delayed by its officer."""
    client.force_login(cycle.officer)
    post_update(client, cycle, cycle.ch5, status="Delayed", commentary="Waiting on the DfE")
    return QuarterlyUpdate.objects.get(action=cycle.ch5, period=cycle.q4)


@pytest.mark.django_db
def test_the_approver_sees_their_directorates_submitted_updates(client, cycle, submitted):
    other = factories.update(
        cycle.ph5, cycle.q4, "On Track", "PH words", state="submitted", source="entered"
    )
    assert other.pk
    client.force_login(cycle.approver)
    page = client.get(review_url(cycle)).content.decode()
    assert "Waiting for you (1)" in page
    assert "Waiting on the DfE" in page
    assert "PH words" not in page  # Public Health is not their directorate


@pytest.mark.django_db
def test_approve(client, cycle, submitted):
    client.force_login(cycle.approver)
    response = client.post(reverse("deliverables:approve", args=[submitted.pk]), {"version": 1})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.approved_by, submitted.version) == (
        "approved",
        cycle.approver,
        2,
    )
    assert submitted.history.first().history_change_reason == "Approved"


@pytest.mark.django_db
def test_return_with_a_reason_then_the_officer_resubmits(client, cycle, submitted):
    client.force_login(cycle.approver)
    url = reverse("deliverables:return", args=[submitted.pk])
    assert "Return this update to its officer" in client.get(url).content.decode()
    response = client.post(url, {"reason": "Say when the DfE will decide.", "version": 1})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.return_reason) == (
        "returned",
        "Say when the DfE will decide.",
    )

    client.force_login(cycle.officer)
    page = client.get(reverse("deliverables:my_updates")).content.decode()
    assert "Returned" in page and "Say when the DfE will decide." in page
    form_page = client.get(
        reverse("deliverables:update", args=[cycle.plan.slug, cycle.q4.code, cycle.ch5.pk])
    ).content.decode()
    assert "Ada Approver returned this update" in form_page
    post_update(
        client, cycle, cycle.ch5, status="Delayed", commentary="DfE decides in March.", version=2
    )
    submitted.refresh_from_db()
    assert (submitted.state, submitted.return_reason) == ("submitted", "")


@pytest.mark.django_db
def test_returning_needs_a_reason(client, cycle, submitted):
    client.force_login(cycle.approver)
    response = client.post(
        reverse("deliverables:return", args=[submitted.pk]), {"reason": "", "version": 1}
    )
    assert response.status_code == 200
    assert "Say what the officer needs to change" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


@pytest.mark.django_db
def test_approving_is_post_only(client, cycle, submitted):
    client.force_login(cycle.approver)
    assert client.get(reverse("deliverables:approve", args=[submitted.pk])).status_code == 405


@pytest.mark.django_db
def test_an_approver_of_another_directorate_cannot_decide(client, cycle, submitted):
    elsewhere = factories.user("ph-approver", "Approver", [cycle.ph5.directorate])
    client.force_login(elsewhere)
    assert (
        client.post(
            reverse("deliverables:approve", args=[submitted.pk]), {"version": 1}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("deliverables:return", args=[submitted.pk]), {"reason": "No", "version": 1}
        ).status_code
        == 404
    )
    for user in (cycle.officer, cycle.viewer):
        client.force_login(user)
        assert (
            client.post(
                reverse("deliverables:approve", args=[submitted.pk]), {"version": 1}
            ).status_code
            == 404
        )
        assert client.get(review_url(cycle)).status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


@pytest.mark.django_db
def test_an_approver_never_approves_their_own_update(client, cycle):
    cycle.ch6.lead_officer = cycle.approver
    cycle.ch6.save(update_fields=["lead_officer"])
    client.force_login(cycle.approver)
    post_update(client, cycle, cycle.ch6, status="On Track", commentary="My own")
    update = QuarterlyUpdate.objects.get(action=cycle.ch6, period=cycle.q4)
    page = client.get(review_url(cycle)).content.decode()
    assert "This is your own update" in page
    response = client.post(reverse("deliverables:approve", args=[update.pk]), {"version": 1})
    assert response.status_code == 403
    update.refresh_from_db()
    assert update.state == "submitted"


@pytest.mark.django_db
def test_a_stale_approval_is_refused(client, cycle, submitted):
    client.force_login(cycle.approver)
    client.post(
        reverse("deliverables:return", args=[submitted.pk]), {"reason": "Fix", "version": 1}
    )
    # The approver's other tab still shows version 1.
    response = client.post(
        reverse("deliverables:approve", args=[submitted.pk]), {"version": 1}, follow=True
    )
    assert "after you opened it" in html.unescape(response.content.decode())
    submitted.refresh_from_db()
    assert submitted.state == "returned"


@pytest.mark.django_db
def test_no_decision_in_a_closed_quarter(client, cycle, submitted):
    cycle.q4.state = "closed"
    cycle.q4.save()
    client.force_login(cycle.approver)
    response = client.post(
        reverse("deliverables:approve", args=[submitted.pk]), {"version": 1}, follow=True
    )
    assert "Q4 2023/24 is closed" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


@pytest.mark.django_db
def test_review_page_query_count_does_not_grow(client, cycle, django_assert_num_queries):
    def submit(ref):
        action = factories.action(
            cycle.plan,
            ref,
            deliverable=cycle.ch5.deliverables.first(),
            directorate=cycle.ch5.directorate,
            lead=cycle.officer,
        )
        factories.update(
            action, cycle.q4, "On Track", f"Words {ref}", state="submitted", source="entered"
        )

    for ref in ("CH20", "CH21", "CH22"):
        submit(ref)
    client.force_login(cycle.approver)
    # Three more than before last quarter's updates were shown beside: the quarter, the
    # reader's directorates, and the updates themselves, however many are listed; and one for
    # the indicator values waiting (none here: test_indicator_entry pins a page with them).
    # 15: and one for the milestones the waiting updates report complete.
    with django_assert_num_queries(15) as first:
        client.get(review_url(cycle))
    for index in range(10):
        submit(f"CH3{index}")
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(review_url(cycle))
    assert len(response.context["waiting"]) == 13
