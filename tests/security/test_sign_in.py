"""Signing in: lockout per user name and address, session rotation and limits, deactivation,
password rules; and the audit rows each of those leaves for administrators."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from plans.middleware import SIGNED_IN_AT
from plans.models import AuditEvent, AuditKind
from tests import factories

OFFICE = "203.0.113.10"
HOME = "198.51.100.7"


def sign_in(client, username: str, password: str, ip: str = OFFICE):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_five_wrong_passwords_lock_that_user_name_from_that_address(client, users, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "officer", f"guess-{attempt}")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = sign_in(client, "officer", "guess-last")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in locked for now" in page
    assert "Other people can still sign in" in page
    # Locked: even the right password is refused from this address, for now.
    response = sign_in(client, "officer", factories.PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)


@pytest.mark.django_db
def test_a_lockout_does_not_shut_out_the_office_or_the_user_elsewhere(client, users, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer", f"guess-{attempt}")
    assert sign_in(client, "officer", factories.PASSWORD).status_code == 429
    # A colleague at the same address signs in as usual.
    response = sign_in(client, "approver", factories.PASSWORD)
    assert response.status_code == 302 and signed_in(client)
    client.post(reverse("logout"))
    # The locked user name still works from another address.
    response = sign_in(client, "officer", factories.PASSWORD, ip=HOME)
    assert response.status_code == 302 and signed_in(client)


@pytest.mark.django_db
def test_the_lockout_lifts_after_the_cool_off(client, users, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer", f"guess-{attempt}")
    assert sign_in(client, "officer", factories.PASSWORD).status_code == 429
    later = timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=later)
    response = sign_in(client, "officer", factories.PASSWORD)
    assert response.status_code == 302 and signed_in(client)


@pytest.mark.django_db
def test_a_success_resets_the_count(client, users, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "officer", f"guess-{attempt}")
    assert sign_in(client, "officer", factories.PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "officer", f"again-{attempt}")
    assert sign_in(client, "officer", factories.PASSWORD).status_code == 302


@pytest.mark.django_db
def test_failures_and_lockouts_are_in_the_audit_log(client, users, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer", f"guess-{attempt}")
    sign_in(client, "approver", factories.PASSWORD)
    kinds = list(AuditEvent.objects.order_by("pk").values_list("kind", "username", "ip_address"))
    assert kinds.count((AuditKind.SIGN_IN_FAILED, "officer", OFFICE)) == settings.AXES_FAILURE_LIMIT
    assert (AuditKind.LOCKED_OUT, "officer", OFFICE) in kinds
    assert kinds[-1] == (AuditKind.SIGN_IN, "approver", OFFICE)
    # An administrator reads them in the admin.
    client.force_login(users["admin"])
    page = client.get(reverse("admin:plans_auditevent_changelist")).content.decode()
    assert "Sign-in failed" in page and "Locked out" in page and OFFICE in page


@pytest.mark.django_db
def test_signing_in_rotates_the_session_key(client, users):
    client.get(reverse("login"))
    client.session["before"] = "anonymous"
    before = client.session.session_key
    client.cookies["sessionid"] = before
    assert sign_in(client, "officer", factories.PASSWORD).status_code == 302
    assert client.session.session_key != before
    assert client.session.get(SIGNED_IN_AT) is not None


@pytest.mark.django_db
def test_an_idle_session_expires(client, users, settings):
    sign_in(client, "officer", factories.PASSWORD)
    assert client.get(reverse("deliverables:my_updates")).status_code == 200
    session = client.session
    assert session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    # Idle for longer than the limit: the stored session has expired.
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(reverse("deliverables:my_updates"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_activity_keeps_a_session_alive_without_writing_it_on_every_page(client, users, settings):
    from django.contrib.sessions.models import Session

    sign_in(client, "officer", factories.PASSWORD)
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    client.get(reverse("deliverables:my_updates"))
    assert Session.objects.get(session_key=key).expire_date == first  # renewed < 5 min ago
    session = client.session
    session["renewed_at"] = time.time() - settings.SESSION_RENEW_SECONDS - 1
    session.save()
    client.get(reverse("deliverables:my_updates"))
    assert Session.objects.get(session_key=key).expire_date > first


@pytest.mark.django_db
def test_a_session_ends_at_its_absolute_lifetime_however_active(client, users, settings):
    sign_in(client, "officer", factories.PASSWORD)
    session = client.session
    session[SIGNED_IN_AT] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get(reverse("deliverables:my_updates"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "session reached its time limit" in response.content.decode()
    assert not signed_in(client)
    assert AuditEvent.objects.filter(kind=AuditKind.SESSION_EXPIRED, username="officer").exists()


@pytest.mark.django_db
def test_a_deactivated_user_is_signed_out_at_once(client, users):
    sign_in(client, "officer", factories.PASSWORD)
    assert client.get(reverse("deliverables:my_updates")).status_code == 200
    users["officer"].is_active = False
    users["officer"].save(update_fields=["is_active"])
    response = client.get(reverse("deliverables:my_updates"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not signed_in(client)  # the session itself is gone, not just unusable
    # And cannot sign in again.
    response = sign_in(client, "officer", factories.PASSWORD)
    assert response.status_code == 200 and not signed_in(client)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, reason",
    [
        ("short-1", "too short"),
        ("password1234", "too common"),
        ("804219375529", "entirely numeric"),
        ("Officer Olu!", "too similar"),
    ],
)
def test_weak_passwords_are_refused(users, password, reason):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=users["officer"])
    assert reason in " ".join(refused.value.messages)


@pytest.mark.django_db
def test_a_strong_password_is_accepted(users):
    validate_password("Tipton canal boat 1962", user=users["officer"])


# -- behind a reverse proxy -------------------------------------------------------------------

PROXY = "10.0.0.2"


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (0, "203.0.113.10", PROXY),  # no proxy configured: the header is not trusted
        (1, "203.0.113.10", "203.0.113.10"),
        (1, "6.6.6.6, 203.0.113.10", "203.0.113.10"),  # the client wrote the first entry
        (2, "6.6.6.6, 203.0.113.10, 10.0.0.9", "203.0.113.10"),
        (2, "203.0.113.10", PROXY),  # shorter than configured: not as described
        (1, "not-an-address", PROXY),
        (1, "", PROXY),
    ],
)
def test_the_client_address_behind_proxies(rf, settings, count, forwarded, expected):
    from plans.client_ip import client_ip

    settings.PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_behind_a_proxy_one_visitors_failures_do_not_lock_out_another(client, users, settings):
    settings.PROXY_COUNT = 1
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "officer", "password": f"guess-{attempt}"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {HOME}",
        )
    response = client.post(
        reverse("login"),
        {"username": "officer", "password": factories.PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=OFFICE,
    )
    assert response.status_code == 302 and signed_in(client)
    failed = AuditEvent.objects.filter(kind=AuditKind.SIGN_IN_FAILED)
    assert set(failed.values_list("ip_address", flat=True)) == {HOME}
