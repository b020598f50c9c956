"""The second factor (django-otp): an authenticator app (TOTP) with one-time recovery codes.

`second_factor_step` is the one rule, whatever signed the user in (the password form, the
admin's form, single sign-on): a signed-in session is let through once it has passed the
second factor, or once it is known the user has none and needs none. Until then every page
but the few marked `@second_factor_not_required` sends the user to enter a code, or to set
an app up if their role needs one. `SecondFactorMiddleware` applies it to every view, the
admin's included.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from plans.permissions import needs_second_factor

# The session passed the second factor (or needs none): holds the user's primary key.
PASSED = "second_factor_passed"
RECOVERY_CODE_COUNT = 10
APP_NAME = "Authenticator app"


def second_factor_not_required(view):
    """Mark a view as reachable before the second factor: the code and set-up pages."""
    view.second_factor_exempt = True
    return view


def has_passed(request) -> bool:
    return request.session.get(PASSED) == request.user.pk


def mark_passed(request, device=None) -> None:
    request.session[PASSED] = request.user.pk
    if device is not None:
        otp_login(request, device)


def has_second_factor(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def second_factor_step(request, user=None) -> str | None:
    """Where a signed-in user must go before anything else, or None to let them through.
    `user` is for the moment of signing in, before the request carries it."""
    user = user or request.user
    if not user.is_authenticated or request.session.get(PASSED) == user.pk:
        return None
    if has_second_factor(user):
        return reverse("second_factor_verify")
    if needs_second_factor(user):
        return reverse("second_factor_setup")
    request.session[PASSED] = user.pk  # nothing to ask: remembered, later pages cost no query
    return None


def second_factor_recheck(user) -> int:
    """The user's roles or flags changed: each of their sessions decides again, at its next
    request, whether a code is needed (a role that needs one takes effect at once, not at
    their next sign-in). How many sessions were touched."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    touched = 0
    for stored in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = stored.get_decoded()
        if data.get("_auth_user_id") == str(user.pk) and PASSED in data:
            del data[PASSED]
            Session.objects.save(stored.session_key, data, stored.expire_date)
            touched += 1
    return touched


class SecondFactorMiddleware:
    """Applies `second_factor_step` to every view but the ones marked as not needing it, and
    those open to signed-out visitors (the sign-in page, the status colours)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "second_factor_exempt", False):
            return None
        if not getattr(view_func, "login_required", True):
            return None
        step = second_factor_step(request)
        if step is None:
            return None
        if request.method == "GET":
            step = f"{step}?{urlencode({'next': request.get_full_path()}, safe='/')}"
        return redirect(step)


def totp_device_pending(user) -> TOTPDevice:
    """The app being set up: an unconfirmed device, made once and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


@transaction.atomic
def recovery_codes_replace(user) -> list[str]:
    """New recovery codes, replacing any the user had: each works once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def second_factor_confirm(device: TOTPDevice) -> list[str]:
    """The app answered with a right code: it becomes the user's only app, with new codes."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_replace(device.user)


@transaction.atomic
def second_factor_remove(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def device_for_code(user, code: str):
    """The device a code is for: six digits are from the app, anything else a recovery code."""
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    return model.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
