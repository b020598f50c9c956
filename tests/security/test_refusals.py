"""Refusals are audit events: a 403, a 404 from a user-scoped fetch, a failed CSRF check; and
a scan of hundreds of addresses leaves a few events, not hundreds."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from plans.audit import REFUSALS_PER_MINUTE
from plans.models import AuditEvent, AuditKind

# A scan may straddle a minute's end: then each minute has its share and its one summary.
MOST_FROM_ONE_SCAN = 2 * (REFUSALS_PER_MINUTE + 1)


def events() -> list[tuple[str, str, str]]:
    """Besides the sign-ins."""
    refusals = AuditEvent.objects.exclude(kind=AuditKind.SIGN_IN).order_by("pk")
    return list(refusals.values_list("kind", "username", "path"))


@pytest.mark.django_db
def test_a_403_leaves_one_event_with_its_reason(client, cycle):
    client.force_login(cycle.viewer)
    url = reverse("deliverables:quarter_close", args=[cycle.plan.slug, cycle.q4.code])
    assert client.post(url).status_code == 403
    assert events() == [(AuditKind.DENIED, "viewer", url)]
    assert "performance team" in AuditEvent.objects.get(kind=AuditKind.DENIED).message


@pytest.mark.django_db
def test_an_object_not_theirs_leaves_one_event(client, cycle):
    """CH6 is the officer's: another officer's fetch (editable_action_for) answers 404."""
    client.force_login(cycle.other_officer)
    url = reverse("deliverables:update", args=[cycle.plan.slug, cycle.q4.code, cycle.ch6.pk])
    assert client.get(url).status_code == 404
    assert events() == [(AuditKind.NOT_FOUND, "other-officer", url)]


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_leaves_one_event(cycle):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cycle.performance)
    url = reverse("deliverables:quarter_close", args=[cycle.plan.slug, cycle.q4.code])
    response = client.post(url, {}, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 403
    assert "This form could not be sent" in response.content.decode()
    assert events() == [(AuditKind.CSRF_FAILED, "performance", url)]
    event = AuditEvent.objects.get(kind=AuditKind.CSRF_FAILED)
    assert event.ip_address == "198.51.100.7" and "CSRF" in event.message
    cycle.q4.refresh_from_db()
    assert cycle.q4.state == "open"


@pytest.mark.django_db
def test_a_signed_out_csrf_failure_is_recorded_by_address(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    [event] = AuditEvent.objects.all()
    assert (event.kind, event.username, event.ip_address) == ("csrf_failed", "", "203.0.113.9")


@pytest.mark.django_db
def test_a_signed_in_scan_of_200_addresses_leaves_a_bounded_record(client, cycle):
    client.force_login(cycle.other_officer)
    for number in range(10_000, 10_200):  # none of them theirs
        assert client.get(reverse("reports:report", args=[number])).status_code == 404
    recorded = AuditEvent.objects.filter(username="other-officer", kind=AuditKind.NOT_FOUND)
    assert REFUSALS_PER_MINUTE < recorded.count() <= MOST_FROM_ONE_SCAN
    assert recorded.filter(message__startswith="More than 10 refusals in a minute").exists()
    # Somebody else's refusal in the same minute is still recorded.
    client.force_login(cycle.viewer)
    client.post(reverse("deliverables:quarter_close", args=[cycle.plan.slug, cycle.q4.code]))
    assert AuditEvent.objects.filter(username="viewer", kind=AuditKind.DENIED).count() == 1


@pytest.mark.django_db
def test_a_signed_out_scan_is_bounded_per_address(db):
    scanner = Client(REMOTE_ADDR="192.0.2.66")
    for number in range(500):
        assert scanner.get(f"/wp-admin/{number}.php").status_code == 404
    from_scanner = AuditEvent.objects.filter(ip_address="192.0.2.66", kind=AuditKind.NOT_FOUND)
    assert REFUSALS_PER_MINUTE < from_scanner.count() <= MOST_FROM_ONE_SCAN
    assert Client(REMOTE_ADDR="192.0.2.67").get("/.env").status_code == 404
    assert AuditEvent.objects.filter(ip_address="192.0.2.67").count() == 1
