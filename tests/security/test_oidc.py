"""Single sign-on, end to end: a real OpenID provider (tests/oidc_provider, django-oidc-provider
under gunicorn on 127.0.0.1) signs people in to the live service through its own login and
consent pages. The provider claims everyone is an administrator and superuser; the service
must take names and email from it, and nothing else.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import jwt
import pytest
import requests
from django.urls import reverse

from plans import oidc, roles
from plans.models import AuditEvent, AuditKind, User
from plans.signing_in import OIDC_BACKEND
from tests import factories
from tests.oidc_provider.run import PASSWORD


@pytest.fixture
def ann(transactional_db, directorates):
    """The service's own account for the provider's `ann`: a lead officer in CH."""
    return factories.user(
        "ann.o", roles.LEAD_OFFICER, [directorates["CH"]], email="ann.officer@example.org"
    )


class Forms(HTMLParser):
    """Each form on a page: its action and the values its inputs would send."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name") and attrs.get("type") != "submit":
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def submit(browser: requests.Session, page: requests.Response, **fields) -> requests.Response:
    form = Forms(page.text).forms[0]
    return browser.post(urljoin(page.url, form["action"]), data={**form["fields"], **fields})


def signed_in(landed: requests.Response) -> bool:
    """Back from the provider to the service's start page (which sends on to the plans)."""
    went = [urlsplit(response.url).path for response in landed.history]
    return reverse("deliverables:landing") in went and "Sign out" in landed.text


def sign_in_through_provider(live_server, username: str) -> requests.Response:
    """What a person does: the service's sign-in page, its button, the provider's login and
    consent pages, and back."""
    browser = requests.Session()
    page = browser.get(live_server.url + reverse("login"))
    button = re.search(r'href="([^"]*)"[^>]*>Sign in with Council Login<', page.text)
    assert button, "the sign-in page offers single sign-on"
    login = browser.get(urljoin(page.url, button.group(1).replace("&amp;", "&")))
    assert "Test provider: sign in" in login.text
    consent = submit(browser, login, username=username, password=PASSWORD)
    assert "Request for Permission" in consent.text
    landed = submit(browser, consent, allow="Authorize")
    landed.browser = browser
    return landed


def test_a_provider_sign_in_lands_as_the_matching_account_with_its_own_roles(sso, live_server, ann):
    landed = sign_in_through_provider(live_server, "ann")

    assert signed_in(landed)
    ann.refresh_from_db()
    # Names and email from the provider; roles, staff and superuser as this service set them,
    # though the provider claimed groups, roles, is_staff and is_superuser.
    assert (ann.first_name, ann.last_name, ann.email) == ("Ann", "Oak", "Ann.Officer@example.org")
    assert list(ann.groups.values_list("name", flat=True)) == [roles.LEAD_OFFICER]
    assert list(ann.directorates.values_list("code", flat=True)) == ["CH"]
    assert not ann.is_staff and not ann.is_superuser
    assert landed.browser.get(live_server.url + "/admin/", allow_redirects=False).status_code == 302
    event = AuditEvent.objects.filter(kind=AuditKind.SIGN_IN).get()
    assert (event.user, event.message) == (ann, "Signed in with Council Login (single sign-on)")
    assert event.path == reverse("oidc_authentication_callback")  # not the one-time code
    # The session records how it signed in, and signing out works as for a password.
    session = landed.browser.get(live_server.url + reverse("account"))
    assert session.status_code == 200 and "ann.o" in session.text
    csrf = landed.browser.cookies["csrftoken"]
    out = landed.browser.post(
        live_server.url + reverse("logout"),
        data={"csrfmiddlewaretoken": csrf},
        headers={"Referer": live_server.url},
    )
    assert urlsplit(out.url).path == reverse("login")
    after = landed.browser.get(live_server.url + reverse("account"), allow_redirects=False)
    assert after.status_code == 302


def test_the_session_records_that_it_came_through_single_sign_on(sso, live_server, ann):
    from django.contrib.sessions.models import Session

    sign_in_through_provider(live_server, "ann")

    (session,) = Session.objects.all()
    data = session.get_decoded()
    assert data["signed_in_with"] == "oidc"
    assert data["_auth_user_backend"] == OIDC_BACKEND
    assert "signed_in_at" in data  # the absolute lifetime and idle timeout apply as usual


def test_an_unknown_person_is_refused_and_no_account_is_made(sso, live_server, ann):
    before = User.objects.count()

    landed = sign_in_through_provider(live_server, "stranger")

    assert urlsplit(landed.url).path == reverse("login")
    assert "There is no account here for stranger@example.org" in landed.text
    assert User.objects.count() == before
    event = AuditEvent.objects.get(kind=AuditKind.SIGN_IN_FAILED)
    assert event.username == "stranger@example.org"
    assert "no account here" in event.message
    assert event.path == reverse("oidc_authentication_callback")  # not the one-time code
    assert not AuditEvent.objects.filter(kind=AuditKind.SIGN_IN).exists()


def test_an_unknown_person_gets_an_account_without_any_role_when_allowed(
    sso, settings, live_server, ann
):
    settings.OIDC_CREATE_USER = True

    landed = sign_in_through_provider(live_server, "stranger")

    assert signed_in(landed)
    made = User.objects.get(email="stranger@example.org")
    assert made.username == "stranger"
    assert not made.groups.exists() and not made.is_staff and not made.is_superuser
    assert not made.has_usable_password()


def test_an_unverified_email_is_refused(sso, live_server, transactional_db):
    factories.user("eve", roles.ADMINISTRATOR, email="eve@example.unverified")

    landed = sign_in_through_provider(live_server, "eve")

    assert urlsplit(landed.url).path == reverse("login")
    assert "has not verified your email address" in landed.text


def test_a_switched_off_account_is_refused(sso, live_server, ann):
    ann.is_active = False
    ann.save()

    landed = sign_in_through_provider(live_server, "ann")

    assert urlsplit(landed.url).path == reverse("login")
    assert "This account is switched off" in landed.text


def test_explicit_endpoints_work_without_discovery(sso, settings, live_server, ann):
    settings.OIDC_OP_DISCOVERY = ""
    for name, url in sso.endpoints().items():
        setattr(settings, name, url)

    landed = sign_in_through_provider(live_server, "ann")

    assert signed_in(landed)


def test_a_callback_with_a_state_this_browser_never_started_is_a_clear_refusal(
    sso, live_server, ann
):
    browser = requests.Session()
    # Start a sign-in, so the session holds a state, then come back with another one.
    browser.get(live_server.url + reverse("oidc_authentication_init"), allow_redirects=False)
    callback = live_server.url + reverse("oidc_authentication_callback")

    forged = browser.get(callback, params={"code": "stolen", "state": "not-the-one"})
    no_session = requests.get(callback, params={"code": "stolen", "state": "whatever"}, timeout=30)
    refused = requests.get(callback, params={"error": "access_denied", "state": "x"}, timeout=30)

    for response in (forged, no_session, refused):
        assert response.status_code == 200
        assert urlsplit(response.url).path == reverse("login")
        assert "You were not signed in with Council Login" in response.text
    assert "did not match one started from this browser" in forged.text
    assert "Council Login did not sign you in" in refused.text
    assert AuditEvent.objects.filter(kind=AuditKind.SIGN_IN_FAILED).count() == 3
    assert not AuditEvent.objects.filter(kind=AuditKind.SIGN_IN).exists()


def test_an_unreachable_provider_is_a_clear_refusal(sso, settings, live_server, ann):
    settings.OIDC_OP_DISCOVERY = "http://127.0.0.1:9/.well-known/openid-configuration"
    oidc.discovery.cache_clear()

    response = requests.get(live_server.url + reverse("oidc_authentication_init"), timeout=30)

    assert urlsplit(response.url).path == reverse("login")
    assert "cannot be reached" in response.text


@pytest.mark.django_db
def test_without_configuration_single_sign_on_is_not_offered_and_its_urls_are_gone(client):
    page = client.get(reverse("login"))

    assert "council sign-in" not in page.content.decode()
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404


@pytest.mark.django_db
def test_the_callback_refuses_other_methods(client, settings):
    settings.OIDC_ENABLED = True

    assert client.post(reverse("oidc_authentication_callback")).status_code == 405


def test_refused_single_sign_ons_lock_nobody_out(sso, settings, live_server, ann):
    """Each refusal is audited once, with its reason, and is no password guess for
    django-axes: without a user name it would lock out everyone behind the address."""
    from axes.models import AccessAttempt

    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        sign_in_through_provider(live_server, "stranger")

    assert signed_in(sign_in_through_provider(live_server, "ann"))
    assert not AccessAttempt.objects.exists()
    messages = AuditEvent.objects.filter(kind=AuditKind.SIGN_IN_FAILED).values_list(
        "message", flat=True
    )
    assert len(messages) == 3 and all("no account here" in m for m in messages)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"aud": "someone-else"}, "another client"),
        ({"exp": 1_000_000}, "expired"),
        ({"nonce": "other"}, "Nonce"),
    ],
)
def test_an_id_token_for_another_client_expired_or_with_another_nonce_is_refused(
    settings, claims, why
):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.core.exceptions import SuspiciousOperation

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.OIDC_RP_CLIENT_ID = "plan-performance"
    settings.OIDC_OP_TOKEN_ENDPOINT = settings.OIDC_OP_USER_ENDPOINT = "http://127.0.0.1:9/"
    settings.OIDC_RP_IDP_SIGN_KEY = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    good = {"aud": "plan-performance", "exp": 4_000_000_000, "nonce": "n", "sub": "1"}
    backend = oidc.CouncilOIDCBackend()
    assert backend.verify_token(jwt.encode(good, key, algorithm="RS256"), nonce="n")["sub"] == "1"

    token = jwt.encode({**good, **claims}, key, algorithm="RS256")
    with pytest.raises(SuspiciousOperation, match=why):
        backend.verify_token(token, nonce="n")


@pytest.fixture
def ann_on_the_team(transactional_db):
    """The provider's `ann` as a member of the performance team: a role that needs a second
    factor."""
    return factories.user("ann.p", roles.PERFORMANCE_TEAM, email="ann.officer@example.org")


def test_after_a_single_sign_on_a_role_that_needs_a_second_factor_is_asked_for_it(
    sso, live_server, ann_on_the_team
):
    landed = sign_in_through_provider(live_server, "ann")
    # Signed in, but sent to set up the second factor before any page answers.
    assert urlsplit(landed.url).path == reverse("second_factor_setup")
    blocked = landed.browser.get(live_server.url + reverse("home"), allow_redirects=False)
    assert (
        blocked.status_code == 302 and reverse("second_factor_setup") in blocked.headers["Location"]
    )


def test_a_provider_that_enforces_its_own_second_factor_can_be_trusted(
    sso, settings, live_server, ann_on_the_team
):
    settings.OIDC_PROVIDER_CHECKS_SECOND_FACTOR = True
    landed = sign_in_through_provider(live_server, "ann")
    assert signed_in(landed) and urlsplit(landed.url).path != reverse("second_factor_setup")
    assert landed.browser.get(live_server.url + reverse("home")).status_code == 200


def test_a_trusted_provider_that_signed_in_with_a_password_alone_is_not_a_second_factor(
    sso, settings, live_server, transactional_db
):
    """DJANGO_OIDC_MFA trusts the provider's second factor only where its ID token says one
    was used (`amr`): `stranger` signs in at the provider with a password alone."""
    settings.OIDC_PROVIDER_CHECKS_SECOND_FACTOR = True
    factories.user("stranger.p", roles.PERFORMANCE_TEAM, email="stranger@example.org")
    landed = sign_in_through_provider(live_server, "stranger")
    assert urlsplit(landed.url).path == reverse("second_factor_setup")


def test_an_email_the_provider_does_not_say_is_verified_matches_nobody(
    sso, live_server, ann, monkeypatch
):
    """Matched by email, a provider that leaves out `email_verified` is refused: it may let
    anyone type an administrator's address into their profile."""
    real = oidc.CouncilOIDCBackend.verify_claims

    def without_verification(self, claims):
        return real(self, {k: v for k, v in claims.items() if k != "email_verified"})

    monkeypatch.setattr(oidc.CouncilOIDCBackend, "verify_claims", without_verification)
    landed = sign_in_through_provider(live_server, "ann")
    assert not signed_in(landed)
    assert "has not verified your email address" in landed.text
