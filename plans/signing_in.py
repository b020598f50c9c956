"""Receivers for Django's and django-axes' sign-in signals: they record, they decide nothing."""

from __future__ import annotations

import time

from django.conf import settings

from plans.audit import audit
from plans.middleware import RENEWED_AT, SIGNED_IN_AT
from plans.models import AuditKind
from plans.second_factor import mark_passed, second_factor_step

# How this session signed in: "password" or "oidc" (single sign-on), for rules that differ.
SIGNED_IN_WITH = "signed_in_with"
OIDC_BACKEND = "plans.oidc.CouncilOIDCBackend"


def signed_in(sender, request, user, **kwargs) -> None:
    oidc = getattr(user, "backend", "") == OIDC_BACKEND
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now  # the absolute session lifetime starts now
        request.session[RENEWED_AT] = now
        request.session[SIGNED_IN_WITH] = "oidc" if oidc else "password"
        if oidc and provider_checked_second_factor(request):
            mark_passed(request)
        else:
            # Decided now, while the session is being written anyway: whether a code is needed.
            second_factor_step(request, user)
    message = f"Signed in with {settings.OIDC_PROVIDER_NAME} (single sign-on)" if oidc else ""
    # A single sign-on's query string holds the provider's one-time code: not for the log.
    path = request.path if oidc and request is not None else None
    audit(AuditKind.SIGN_IN, message or "Signed in", request=request, user=user, path=path)


# RFC 8176 authentication methods that are a second factor, or more than one.
MULTI_FACTOR_METHODS = {"mfa", "otp", "hwk", "swk", "sms", "face", "fpt", "iris", "pop"}


def provider_checked_second_factor(request) -> bool:
    """The council's provider is trusted to ask for a second factor (DJANGO_OIDC_MFA=1) and its
    ID token says it did (`amr`); otherwise this service asks for its own code."""
    methods = getattr(request, "oidc_methods", set())
    return settings.OIDC_PROVIDER_CHECKS_SECOND_FACTOR and bool(methods & MULTI_FACTOR_METHODS)


def single_sign_on(request, credentials: dict | None) -> bool:
    """A failed single sign-on, not a password guess: plans.oidc records it with its reason,
    and django-axes (AXES_WHITELIST_CALLABLE) does not count it, since it has no user name
    and would otherwise lock out everyone signing in from the same address."""
    return credentials is not None and "username" not in credentials and "nonce" in credentials


def sign_in_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    if single_sign_on(request, credentials):
        return
    audit(
        AuditKind.SIGN_IN_FAILED,
        "Wrong user name or password",
        request=request,
        username=str(credentials.get("username", "")),
    )


def locked_out(sender, request=None, username: str = "", ip_address: str = "", **kwargs) -> None:
    audit(
        AuditKind.LOCKED_OUT,
        "Too many failed sign-ins: this user name is locked out from this address for a while",
        request=request,
        username=str(username or ""),
    )
