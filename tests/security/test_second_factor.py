"""The second factor: required for administrators, the performance team and superusers,
available to everyone; enforced on every page and the admin; recovery codes work once;
wrong codes are throttled."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from plans.models import AuditEvent, AuditKind
from tests import factories

KEY = "3132333435363738393031323334353637383930"


def code(device, ahead: int = 0) -> str:
    """The code an app shows `ahead` steps from now, as the device counts time (its recorded
    drift included), and never a step the device has already used: a sign-in that crossed a
    30-second boundary records a drift of -1, and a code from the wall clock alone would then
    fall outside the device's window."""
    device.refresh_from_db()
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = clock.t()
    target = max(now + ahead, device.last_t + 1)
    clock.drift = device.drift + (target - now)
    return f"{clock.token():06d}"


def password_sign_in(client, username: str):
    return client.post(reverse("login"), {"username": username, "password": factories.PASSWORD})


def app_for(user, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, key=KEY, confirmed=confirmed)


def recovery_codes_for(user, *codes: str) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for value in codes:
        StaticToken.objects.create(device=device, token=value)
    return device


def enter(client, value: str, **extra):
    return client.post(reverse("second_factor_verify"), {"code": value, **extra})


@pytest.mark.django_db
def test_a_totp_sign_in(client, users):
    device = app_for(users["performance"])
    response = password_sign_in(client, "performance")
    assert response.status_code == 302
    # Signed in with the password, but every page asks for the code first.
    page = client.get(reverse("deliverables:landing"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("second_factor_verify"))
    form = client.get(reverse("second_factor_verify"))
    assert form.status_code == 200 and "Enter your code" in form.content.decode()
    response = enter(client, code(device))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_the_code_page_returns_to_the_page_first_asked_for(client, users):
    device = app_for(users["admin"])
    password_sign_in(client, "administrator")
    asked = client.get(reverse("admin:index"))
    assert asked["Location"] == f"{reverse('second_factor_verify')}?next=/admin/"
    response = enter(client, code(device), next="/admin/")
    assert response["Location"] == "/admin/"
    # Not to another site.
    client.post(reverse("logout"))
    password_sign_in(client, "administrator")
    response = enter(client, code(device, ahead=1), next="https://evil.example/")
    assert response["Location"] == reverse("deliverables:landing")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["performance", "admin", "superuser"])
def test_required_roles_reach_no_page_nor_the_admin_before_the_second_factor(client, users, who):
    user = users.get(who) or factories.user("root", None, is_staff=True, is_superuser=True)
    password_sign_in(client, user.username)
    for path in [
        reverse("deliverables:landing"),
        reverse("home"),
        reverse("account"),
        reverse("admin:index"),
        reverse("admin:plans_auditevent_changelist"),
        reverse("recovery_codes"),
        reverse("second_factor_verify"),
    ]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("second_factor_setup")), path
    assert client.post(reverse("admin:plans_directorate_add"), {"name": "X"}).status_code == 302
    # With an app, they are sent to the code page instead.
    app_for(user)
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("second_factor_verify"))


@pytest.mark.django_db
def test_officers_without_an_app_sign_in_with_the_password_alone(client, users):
    password_sign_in(client, "officer")
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("account")).status_code == 200


@pytest.mark.django_db
def test_an_officer_who_set_up_an_app_is_asked_for_its_code(client, users):
    app_for(users["officer"])
    password_sign_in(client, "officer")
    response = client.get(reverse("deliverables:landing"))
    assert response["Location"].startswith(reverse("second_factor_verify"))


@pytest.mark.django_db
def test_a_wrong_code_is_refused_and_then_even_the_right_one_must_wait(client, users):
    device = app_for(users["performance"])
    password_sign_in(client, "performance")
    wrong = "000000" if code(device) != "000000" else "111111"
    response = enter(client, wrong)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "That code is not right" in page
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(
        kind=AuditKind.SIGN_IN_FAILED, message="Wrong second-factor code"
    ).exists()
    # Straight away, even the right code is refused: django-otp's growing delay.
    response = enter(client, code(device))
    assert response.status_code == 400
    assert re.search(r"Too many wrong codes\. Wait \d+ seconds", response.content.decode())
    assert client.get(reverse("home")).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Once the delay has passed, it works.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    assert enter(client, code(device)).status_code == 302
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_works_once(client, users):
    app_for(users["performance"])
    recovery_codes_for(users["performance"], "abcd2345ef", "ghij6723kl")
    password_sign_in(client, "performance")
    response = enter(client, "ABCD 2345 EF")
    assert response.status_code == 302
    page = client.get(reverse("deliverables:landing"), follow=True).content.decode()
    assert "You used a recovery code. You have 1 left" in page
    client.post(reverse("logout"))
    password_sign_in(client, "performance")
    response = enter(client, "abcd2345ef")
    assert response.status_code == 400
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_setting_up_an_app_on_first_sign_in_then_the_recovery_codes_once(client, users):
    password_sign_in(client, "performance")
    page = client.get(reverse("second_factor_setup"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your role needs a second factor" in text
    device = TOTPDevice.objects.get(user=users["performance"], confirmed=False)
    qr = client.get(reverse("second_factor_qr"))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content
    # The key is shown as text too, in groups of four.
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    assert key[:4] + " " + key[4:8] in text
    # A wrong code is refused; the right one confirms the app.
    assert client.post(reverse("second_factor_setup"), {"code": "12345x"}).status_code == 400
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = client.post(reverse("second_factor_setup"), {"code": code(device)})
    assert response["Location"] == reverse("recovery_codes")
    shown = client.get(reverse("recovery_codes")).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", shown)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    # Shown once: the page now asks for the password to make new ones.
    again = client.get(reverse("recovery_codes")).content.decode()
    assert "Make new recovery codes" in again and codes[0] not in again
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("second_factor_qr")).status_code == 404


@pytest.mark.django_db
def test_an_officer_may_choose_a_second_factor_from_their_account(client, users):
    client.force_login(users["officer"])
    account = client.get(reverse("account")).content.decode()
    assert "Not set up" in account and reverse("second_factor_setup") in account
    assert "your role needs one" not in account
    page = client.get(reverse("second_factor_setup")).content.decode()
    assert "Your role needs a second factor" not in page


@pytest.mark.django_db
def test_new_recovery_codes_and_a_reset_ask_for_the_password(client, users):
    user = users["performance"]
    app_for(user)
    recovery_codes_for(user, "oldcode234")
    client.force_login(user)
    account = client.get(reverse("account")).content.decode()
    assert "Authenticator app, with 1 recovery code left" in account
    response = client.post(reverse("recovery_codes"), {"password": "wrong"})
    assert response.status_code == 400 and "Your password is not right" in response.content.decode()
    assert StaticToken.objects.filter(token="oldcode234").exists()
    response = client.post(reverse("recovery_codes"), {"password": factories.PASSWORD})
    assert response["Location"] == reverse("recovery_codes")
    assert len(re.findall(r"<li>", client.get(reverse("recovery_codes")).content.decode())) == 10
    assert not StaticToken.objects.filter(token="oldcode234").exists()

    response = client.post(reverse("second_factor_reset"), {"password": "wrong"})
    assert response.status_code == 400 and TOTPDevice.objects.filter(user=user).exists()
    response = client.post(reverse("second_factor_reset"), {"password": factories.PASSWORD})
    assert response["Location"] == reverse("second_factor_setup")
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    # Their role needs one: nothing else until a new app is set up.
    assert client.get(reverse("home"))["Location"].startswith(reverse("second_factor_setup"))


@pytest.mark.django_db
def test_the_second_factor_pages_refuse_other_methods_and_signed_out_visitors(client, users):
    for name in ["second_factor_setup", "second_factor_verify", "second_factor_qr"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(users["officer"])
    assert client.put(reverse("second_factor_verify")).status_code == 405
    assert client.post(reverse("second_factor_qr")).status_code == 405
    assert client.delete(reverse("second_factor_reset")).status_code == 405
