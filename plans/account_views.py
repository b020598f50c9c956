"""The signed-in user looking after their own sign-in: their password and second factor."""

from __future__ import annotations

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from plans.audit import audit
from plans.forms import ConfirmPasswordForm, SecondFactorCodeForm
from plans.models import AuditKind
from plans.permissions import needs_second_factor
from plans.second_factor import (
    PASSED,
    device_for_code,
    has_passed,
    has_second_factor,
    mark_passed,
    recovery_codes_left,
    recovery_codes_replace,
    second_factor_confirm,
    second_factor_not_required,
    second_factor_remove,
    second_factor_step,
    totp_device_pending,
)

NEW_CODES = "second_factor_new_codes"


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password change, checked by AUTH_PASSWORD_VALIDATORS; the session stays signed
    in (Django updates its hash) and other sessions of this user end."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is changed.")
        return response


password_change = require_http_methods(["GET", "POST"])(PasswordChange.as_view())


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _wait_message(device) -> str | None:
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (info or {}).get("locked_until")
    if locked_until is None:
        return "Too many wrong codes. Wait a few minutes, then try again."
    seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
    return f"Too many wrong codes. Wait {seconds} seconds, then try again."


@second_factor_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the app, or a recovery code, before any other page."""
    step = second_factor_step(request)
    if step != resolve_url("second_factor_verify"):
        return redirect(step or _next(request))
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        device = device_for_code(request.user, code)
        wait = _wait_message(device) if device is not None else None
        if wait:
            form.add_error("code", wait)
        elif device is not None and verify_token(request.user, device.persistent_id, code):
            request.session.cycle_key()
            mark_passed(request, device)
            if isinstance(device, StaticDevice):
                left = recovery_codes_left(request.user)
                messages.info(
                    request,
                    f"You used a recovery code. You have {left} left: "
                    "make new ones from Your account.",
                )
            return redirect(_next(request))
        else:
            audit(AuditKind.SIGN_IN_FAILED, "Wrong second-factor code", request=request)
            form.add_error("code", "That code is not right. Check your app and try again.")
    return render(
        request,
        "registration/second_factor_verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )


def _grouped(key: str) -> str:
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@second_factor_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code or type the key, confirm with a code."""
    if has_second_factor(request.user):
        if not has_passed(request):
            return redirect("second_factor_verify")
        messages.info(request, "You already have a second factor. Reset it to set up another.")
        return redirect("account")
    device = totp_device_pending(request.user)
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = _wait_message(device)
        if wait:
            form.add_error("code", wait)
        elif device.verify_token(form.cleaned_data["code"]):
            request.session[NEW_CODES] = second_factor_confirm(device)
            request.session.cycle_key()
            mark_passed(request, device)
            return redirect("recovery_codes")
        else:
            form.add_error("code", "That code is not right. Check your app and try again.")
    return render(
        request,
        "plans/second_factor_setup.html",
        {
            "form": form,
            "key": _grouped(b32encode(device.bin_key).decode()),
            "required": needs_second_factor(request.user),
            "nav_section": "account",
        },
        status=400 if form.errors else 200,
    )


@second_factor_not_required
@never_cache
@require_GET
def second_factor_qr(request: HttpRequest) -> HttpResponse:
    """The app being set up, as a QR code (SVG, so the page needs no inline image)."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if device is None:
        raise Http404("No authenticator app is being set up.")
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return HttpResponse(image.to_string(), content_type="image/svg+xml")


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; making them asks for the password again."""
    form = ConfirmPasswordForm(request.user, request.POST or None)
    if request.method == "POST":
        if not has_second_factor(request.user):
            return redirect("second_factor_setup")
        if form.is_valid():
            request.session[NEW_CODES] = recovery_codes_replace(request.user)
            return redirect("recovery_codes")
    else:
        codes = request.session.pop(NEW_CODES, None)
        if codes:
            return render(
                request,
                "plans/recovery_codes.html",
                {"codes": codes, "nav_section": "account"},
            )
    return render(
        request,
        "plans/confirm_password.html",
        {
            "form": form,
            "title": "Make new recovery codes",
            "explain": "Your old recovery codes stop working and you get ten new ones.",
            "button": "Make new recovery codes",
            "nav_section": "account",
        },
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_reset(request: HttpRequest) -> HttpResponse:
    """Remove the app and recovery codes, to set up a new app (a new phone, say)."""
    form = ConfirmPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        second_factor_remove(request.user)
        request.session.pop(PASSED, None)
        audit(AuditKind.SIGN_IN, "Second factor removed, to set up again", request=request)
        return redirect("second_factor_setup")
    return render(
        request,
        "plans/confirm_password.html",
        {
            "form": form,
            "title": "Reset your second factor",
            "explain": "Your authenticator app and recovery codes stop working. "
            "You then set up an app again.",
            "button": "Reset second factor",
            "nav_section": "account",
        },
        status=400 if form.errors else 200,
    )
