"""Fixtures for single sign-on tests (loaded by tests/conftest.py): the provider, started once
per test session beside the live server, and `sso`, the service configured to use it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans import oidc
from plans.signing_in import OIDC_BACKEND
from tests.oidc_provider.run import start_provider

# The provider's users. `ann` matches the tests' service account by email (another case);
# `eve`'s email is unverified (tests/oidc_provider/claims.py).
PROVIDER_USERS = [
    {
        "username": "ann",
        "email": "Ann.Officer@example.org",
        "first_name": "Ann",
        "last_name": "Oak",
    },
    {"username": "stranger", "email": "stranger@example.org"},
    {"username": "eve", "email": "eve@example.unverified"},
]


@pytest.fixture(scope="session")
def provider(live_server):
    callback = live_server.url + reverse("oidc_authentication_callback")
    with start_provider([callback], PROVIDER_USERS) as running:
        yield running


@pytest.fixture
def sso(settings, provider):
    """Single sign-on switched on, as OIDC_RP_CLIENT_ID and OIDC_OP_DISCOVERY would."""
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    settings.OIDC_OP_DISCOVERY = provider.discovery
    settings.OIDC_PROVIDER_NAME = "Council Login"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, OIDC_BACKEND]
    oidc.discovery.cache_clear()
    yield provider
    oidc.discovery.cache_clear()
