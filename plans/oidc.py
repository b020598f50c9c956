"""Single sign-on through the council's OpenID Connect provider (mozilla-django-oidc).

Who someone is comes from the provider; what they may do stays here. A provider's sign-in
is matched to an existing account by email (or OIDC_MATCH_CLAIM); an unknown person is
refused unless OIDC_CREATE_USERS is on, and then gets an account with no role. Names and
email are refreshed from the claims; roles, directorates, staff and superuser never are.

The ID token's signature (RS256, against the provider's JWKS), expiry, nonce and audience
are checked. The views are the library's, with three changes: they exist only when
OIDC_RP_CLIENT_ID is set; endpoints may come from the provider's discovery document
(OIDC_OP_DISCOVERY); and a sign-in that fails for any reason (refused, forged or replayed
state, provider unreachable) comes back to the sign-in page saying why, recorded in the
audit log, never as an error page.
"""

from __future__ import annotations

import functools

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from plans.audit import audit
from plans.models import AuditKind

# The discovery document's name for each endpoint setting the library reads.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
# Why the last single sign-on failed, set on the request by the backend for the view to say.
REFUSAL = "oidc_refusal"


@functools.lru_cache(maxsize=4)
def discovery(url: str) -> dict:
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    return response.json()


def oidc_setting(name: str, *default):
    """A setting, or for an endpoint left empty, the provider's discovery document's value."""
    value = import_from_settings(name, *default)
    if not value and name in DISCOVERED and settings.OIDC_OP_DISCOVERY:
        return discovery(settings.OIDC_OP_DISCOVERY)[DISCOVERED[name]]
    return value


def provider_name() -> str:
    return settings.OIDC_PROVIDER_NAME


def refuse(request, reason: str, username: str = "") -> None:
    setattr(request, REFUSAL, (reason, username))


class CouncilOIDCBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(oidc_setting)

    def verify_token(self, token, **kwargs):
        """The library checks signature (RS256, JWKS), expiry and nonce; an ID token must also
        be meant for this service. Any failure is a refused sign-in, never an error page."""
        try:
            payload = super().verify_token(token, **kwargs)
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token is for another client")
        # How the person signed in at the provider, for plans.signing_in (the second factor).
        if getattr(self, "request", None) is not None:
            self.request.oidc_methods = set(payload.get("amr") or [])
        return payload

    def match_value(self, claims: dict) -> str:
        return str(claims.get(settings.OIDC_MATCH_CLAIM) or "").strip()

    def verify_claims(self, claims: dict) -> bool:
        value = self.match_value(claims)
        if not value:
            refuse(self.request, f"{provider_name()} did not say who you are.")
            return False
        # Matched by email, only a verified one will do: a provider that does not say so may
        # let anyone type an administrator's address into their profile.
        if settings.OIDC_MATCH_CLAIM == "email" and claims.get("email_verified") is not True:
            refuse(self.request, f"{provider_name()} has not verified your email address.", value)
            return False
        return True

    def filter_users_by_claims(self, claims: dict):
        value = self.match_value(claims)
        if settings.OIDC_MATCH_CLAIM == "email":
            users = self.UserModel.objects.filter(email__iexact=value)
        else:
            users = self.UserModel.objects.filter(username=value)
        found = len(users)
        if found == 0 and not settings.OIDC_CREATE_USER:
            refuse(
                self.request,
                f"There is no account here for {value}. Ask the performance team to add "
                "you, then sign in again.",
                value,
            )
        elif found > 1:
            refuse(
                self.request,
                f"More than one account here has {value}: ask an administrator to fix this.",
                value,
            )
        return users

    def create_user(self, claims: dict):
        """Only with OIDC_CREATE_USERS on: an account with no role, which the performance team
        then gives a role and directorates."""
        username = str(claims.get("preferred_username") or claims.get("email") or "")[:150]
        if not username or self.UserModel.objects.filter(username__iexact=username).exists():
            refuse(self.request, f"The user name {username} is taken here.", username)
            raise SuspiciousOperation("OIDC user name taken")
        user = self.UserModel(username=username)
        user.set_unusable_password()
        self.copy_claims(user, claims)
        user.save()
        return user

    def update_user(self, user, claims: dict):
        if not user.is_active:
            refuse(self.request, "This account is switched off.", user.get_username())
            return user
        changed = self.copy_claims(user, claims)
        if changed:
            user.save(update_fields=changed)
        return user

    @staticmethod
    def copy_claims(user, claims: dict) -> list[str]:
        """Names and email only: nothing a provider sends can give a role or staff status."""
        changed = []
        for field, claim in (
            ("first_name", "given_name"),
            ("last_name", "family_name"),
            ("email", "email"),
        ):
            value = str(claims.get(claim) or "").strip()[:150]
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
        return changed


class OIDCOnly:
    """Switched off (404) unless single sign-on is configured."""

    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not configured")
        return super().dispatch(request, *args, **kwargs)

    def sign_in_failed(self, reason: str, username: str = ""):
        audit(
            AuditKind.SIGN_IN_FAILED,
            f"Single sign-on failed: {reason}",
            request=self.request,
            username=username,
            path=self.request.path,  # not the query: it holds the provider's one-time code
        )
        messages.error(self.request, f"You were not signed in with {provider_name()}. {reason}")
        return redirect(settings.LOGIN_URL)


class SignInStart(OIDCOnly, OIDCAuthenticationRequestView):
    """Sends the browser to the provider, with a fresh state, nonce and PKCE challenge."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # endpoints are read per request, not at start-up

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ValueError, KeyError):
            return self.sign_in_failed(f"{provider_name()} cannot be reached; try again later.")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        return super().get(request)


class SignInCallback(OIDCOnly, OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back; the library checks state, nonce and token."""

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation:
            # The state is not one this browser started, or the token failed its checks.
            refuse(
                request,
                "The sign-in did not match one started from this browser. Start again from "
                "this page.",
            )
        except (requests.RequestException, ValueError, KeyError):
            refuse(request, f"{provider_name()} could not be reached; try again later.")
        return self.login_failure()

    def login_failure(self):
        if self.request.GET.get("error"):
            default = f"{provider_name()} did not sign you in."
        else:
            default = "The sign-in did not complete. Start again from this page."
        reason, username = getattr(self.request, REFUSAL, (default, ""))
        return self.sign_in_failed(reason, username)
