"""Fixtures shared by the whole suite."""

from __future__ import annotations

import io
import os

import pytest
from django.core.management import call_command

from tests import factories

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
# from such a thread unless told otherwise. Set here, for the test process only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Hashed static names need `collectstatic`; tests and the live server use plain names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 is slow by design; tests hash dozens of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def directorates(db):
    return factories.directorates()


@pytest.fixture
def small_plan(db, directorates):
    """A plan with two outcomes, three deliverables, four actions and one closed quarter."""
    return factories.small_plan(directorates)


@pytest.fixture
def users(db, directorates):
    """One user per role; `officer` and `approver` in Children & Education."""
    return factories.role_users(directorates)


@pytest.fixture
def sandwell(db):
    """Sandwell's real plans, loaded the way `make run` loads them."""
    call_command("load_sandwell", "--demo-users", stdout=io.StringIO())


@pytest.fixture
def sandwell_data(db):
    """Sandwell's plans without the demo users, for tests that bring their own."""
    call_command("load_sandwell", stdout=io.StringIO())
