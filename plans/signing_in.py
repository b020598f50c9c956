"""Receivers for Django's and django-axes' sign-in signals: they record, they decide nothing."""

from __future__ import annotations

import time

from plans.audit import audit
from plans.middleware import RENEWED_AT, SIGNED_IN_AT
from plans.models import AuditKind
from plans.second_factor import second_factor_step


def signed_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now  # the absolute session lifetime starts now
        request.session[RENEWED_AT] = now
        # Decided now, while the session is being written anyway: whether a code is needed.
        second_factor_step(request, user)
    audit(AuditKind.SIGN_IN, "Signed in", request=request, user=user)


def sign_in_failed(sender, credentials: dict, request=None, **kwargs) -> None:
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
