"""Switching a plan's public pages on and off: the performance team's page and service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliverables.workflow import NotAllowed
from plans.models import AuditEvent, AuditKind, ReportingPeriod
from public.services import plan_public_set


@pytest.fixture
def published(cycle):
    """The cycle with Q3 2023/24 published (its report out); Q4 open."""
    ReportingPeriod.objects.filter(pk=cycle.q3.pk).update(state="published")
    return cycle


def _url(plan) -> str:
    return reverse("public:manage", args=[plan.slug])


def test_the_page_says_what_switching_on_makes_public(client, published):
    client.force_login(published.performance)
    response = client.get(_url(published.plan))
    page = response.content.decode()
    assert response.status_code == 200
    assert "are <strong>off</strong>" in page
    assert "Q3 2023/24" in page and "Q4 2023/24" not in page  # only the published quarter
    assert "Never shown" in page and "officers' names" in page
    assert "Switch public pages on" in page


def test_switching_on_and_off_with_confirmation_is_audited(client, published):
    client.force_login(published.performance)
    public_url = reverse("public:plan", args=[published.plan.slug])
    assert client.get(public_url).status_code == 404
    response = client.post(_url(published.plan), {"public": "on", "confirm": "on"}, follow=True)
    assert "The public pages of Test Plan are on." in response.content.decode()
    assert public_url in response.content.decode()  # the manage page links to them
    published.plan.refresh_from_db()
    assert published.plan.public
    assert client.get(public_url).status_code == 200
    event = AuditEvent.objects.get(kind=AuditKind.PUBLIC)
    assert event.user == published.performance and "switched on" in event.message
    client.post(_url(published.plan), {"public": "off", "confirm": "on"})
    published.plan.refresh_from_db()
    assert not published.plan.public
    assert client.get(public_url).status_code == 404  # at once, whatever was cached
    assert AuditEvent.objects.filter(kind=AuditKind.PUBLIC).count() == 2


def test_a_stale_form_asking_for_the_current_state_changes_nothing(client, published):
    client.force_login(published.performance)
    response = client.post(_url(published.plan), {"public": "off", "confirm": "on"}, follow=True)
    assert "were already off" in response.content.decode()
    assert not AuditEvent.objects.filter(kind=AuditKind.PUBLIC).exists()


def test_without_the_confirmation_nothing_changes_and_the_page_says_why(client, published):
    client.force_login(published.performance)
    response = client.post(_url(published.plan), {"public": "on"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and "Tick the box to confirm" in page
    assert 'href="#id_confirm"' in page
    published.plan.refresh_from_db()
    assert not published.plan.public
    assert not AuditEvent.objects.filter(kind=AuditKind.PUBLIC).exists()


def test_a_made_up_state_is_refused_with_a_message(client, published):
    client.force_login(published.performance)
    response = client.post(_url(published.plan), {"public": "maybe", "confirm": "on"})
    assert response.status_code == 400
    assert "Say whether to switch the public pages on or off." in response.content.decode()
    published.plan.refresh_from_db()
    assert not published.plan.public


@pytest.mark.parametrize("who", ["viewer", "officer", "approver", "other_officer"])
def test_others_are_refused(client, published, who):
    client.force_login(getattr(published, who))
    assert client.get(_url(published.plan)).status_code == 403
    assert client.post(_url(published.plan), {"public": "on", "confirm": "on"}).status_code == 403
    published.plan.refresh_from_db()
    assert not published.plan.public


def test_the_service_refuses_without_the_right(published):
    with pytest.raises(NotAllowed):
        plan_public_set(published.viewer, published.plan, True)
    published.plan.refresh_from_db()
    assert not published.plan.public


def test_signed_out_visitors_are_sent_to_sign_in(client, published):
    response = client.get(_url(published.plan))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_unknown_plan_is_not_found(client, published):
    client.force_login(published.performance)
    assert client.get(reverse("public:manage", args=["no-such-plan"])).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_are_refused(client, published, method):
    client.force_login(published.performance)
    assert getattr(client, method)(_url(published.plan)).status_code == 405


def test_the_plan_page_links_to_it_for_the_performance_team_only(client, published):
    plan_url = reverse("deliverables:plan", args=[published.plan.slug])
    client.force_login(published.performance)
    assert _url(published.plan) in client.get(plan_url).content.decode()
    client.force_login(published.viewer)
    assert _url(published.plan) not in client.get(plan_url).content.decode()
