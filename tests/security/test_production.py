"""Production settings: Django's deploy check passes, and a real response carries the headers.

The production values are read from the settings module itself, evaluated with the
environment a deployment sets (DJANGO_DEBUG off, DJANGO_HTTPS on by default), not copied
into the test by hand.
"""

from __future__ import annotations

import os
import runpy
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests import factories

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "k3y" * 20,
    "DJANGO_ALLOWED_HOSTS": "performance.example.gov.uk",
    "DATABASE_URL": "postgresql://app:pw@db.internal/performance",
}

SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "SESSION_COOKIE_PATH",
    "CSRF_COOKIE_PATH",
    "SESSION_COOKIE_DOMAIN",
    "CSRF_COOKIE_DOMAIN",
]


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(extra)
    return env


def host_only(cookie) -> bool:
    """What a browser demands of a __Host- cookie: Secure, path "/", no Domain attribute."""
    return bool(cookie["secure"]) and cookie["path"] == "/" and not cookie["domain"]


@pytest.fixture
def production(monkeypatch, settings):
    """The settings module's production values, applied to this test's settings."""
    for key in list(os.environ):
        if key.startswith("DJANGO_"):
            monkeypatch.delenv(key)
    for key, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(key, value)
    values = runpy.run_path(str(settings.BASE_DIR / "sandwell_perf" / "settings.py"))
    assert values["DEBUG"] is False
    for name in SECURITY_SETTINGS:
        setattr(settings, name, values[name])
    return values


def test_the_deploy_check_passes_with_no_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean_env(PRODUCTION_ENV),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_fails_if_https_is_switched_off():
    """The check is not vacuous: plain HTTP in production is reported."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean_env({**PRODUCTION_ENV, "DJANGO_HTTPS": "0"}),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(production):
    response = Client().get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/sign-in/"


@pytest.mark.django_db
def test_a_real_page_carries_the_security_headers(production):
    client = Client()
    response = client.get(reverse("login"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(
        [*part.strip().split(" ", 1), ""][:2]
        for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    # The sign-in form carries a CSRF token, in a secure cookie scripts cannot read.
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    csrf = response.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    assert host_only(csrf)


@pytest.mark.django_db
def test_the_session_cookie_is_secure_and_hidden_from_scripts(production, directorates):
    factories.user("secure-officer", "Lead officer", [directorates["CH"]])
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"), secure=True)
    token = page.cookies["__Host-csrftoken"].value
    response = client.post(
        reverse("login"),
        {
            "username": "secure-officer",
            "password": factories.PASSWORD,
            "csrfmiddlewaretoken": token,
        },
        secure=True,
        headers={"referer": "https://testserver/sign-in/"},
    )
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert host_only(session)
    assert 0 < int(session["max-age"]) <= 3600


@pytest.mark.django_db
def test_a_form_posted_without_its_csrf_token_is_refused(production, directorates):
    factories.user("secure-officer", "Lead officer", [directorates["CH"]])
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"),
        {"username": "secure-officer", "password": factories.PASSWORD},
        secure=True,
    )
    assert response.status_code == 403
    assert "__Host-sessionid" not in response.cookies


@pytest.mark.django_db
def test_the_admin_alone_may_use_inline_styles_and_never_inline_scripts(production, users):
    client = Client()
    client.force_login(users["admin"])
    response = client.get(reverse("admin:index"), secure=True)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy + ";"


def test_plain_http_keeps_the_plain_cookie_names(monkeypatch, settings):
    """Browsers refuse __Host- cookies without HTTPS, so local use keeps the plain names."""
    for key, value in {**PRODUCTION_ENV, "DJANGO_HTTPS": "0"}.items():
        monkeypatch.setenv(key, value)
    values = runpy.run_path(str(settings.BASE_DIR / "sandwell_perf" / "settings.py"))
    assert (values["SESSION_COOKIE_NAME"], values["CSRF_COOKIE_NAME"]) == ("sessionid", "csrftoken")
