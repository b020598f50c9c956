"""Request-level rules: session lifetime, logging refusals, the admin's inline styles."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.cache import add_never_cache_headers

from plans.audit import audit, audit_refusal
from plans.models import AuditKind

SIGNED_IN_AT = "signed_in_at"
RENEWED_AT = "renewed_at"


class SessionLifetimeMiddleware:
    """Ends a sign-in after SESSION_ABSOLUTE_SECONDS, however active it has been, and keeps an
    active one from idling out: the session's expiry is pushed on when it is more than
    SESSION_RENEW_SECONDS old, so a page view writes the session at most every few minutes.
    A session whose user can no longer sign in (deactivated, deleted, password changed) is
    deleted, not just ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            now = time.time()
            if started is None:
                request.session[SIGNED_IN_AT] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                audit(
                    AuditKind.SESSION_EXPIRED,
                    "Signed out at the end of the session's lifetime",
                    request=request,
                )
                logout(request)
                messages.info(
                    request,
                    "You have been signed out because your session reached "
                    "its time limit. Sign in again to carry on.",
                )
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={request.path}")
            if now - request.session.get(RENEWED_AT, 0) > settings.SESSION_RENEW_SECONDS:
                request.session[RENEWED_AT] = now  # saving the session renews its expiry
        elif SESSION_KEY in request.session:
            request.session.flush()
        return self.get_response(request)


class AuditDeniedMiddleware:
    """Records refusals in the audit log: every 403, and every 404 (which is also what a
    user-scoped fetch answers for an object that is not theirs), at most a few a minute per
    person or address (plans.audit.audit_refusal). A failed CSRF check is recorded by its own
    view (plans.views.csrf_failure)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (403, 404) and not getattr(request, "refusal_recorded", False):
            if response.status_code == 403:
                kind, reason = AuditKind.DENIED, "Permission denied"
            else:
                kind, reason = AuditKind.NOT_FOUND, "Not found, or not theirs to see"
            audit_refusal(kind, getattr(request, "refusal_reason", "") or reason, request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied) and str(exception):
            request.refusal_reason = str(exception)
        return None  # Django goes on to render the 403 or 404 page


class NoStoreWhenSignedInMiddleware:
    """Nothing a signed-in user is sent is kept by their browser or any cache on the way:
    pages and downloads (registers, reports, trackers) alike, so a shared computer's back
    button or disk shows nothing after they sign out. A view that set its own Cache-Control
    keeps it (the status colours stylesheets, which hold colours only). Static files never
    reach this far: WhiteNoise serves them, with their long caching, before sign-in is read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class AdminInlineStylesMiddleware:
    """Django's admin writes some style attributes; allow inline *styles* there only.

    Scripts stay 'self' everywhere, the admin included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response
