"""The demo users (a superuser among them, with the password the README publishes) are never
created on a production database by accident: only with debug on, as `make run` has it, or
when told in so many words that this is not production."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from plans.models import Plan, User
from tests import factories


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_sandwell", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_users_are_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published password"):
        load("--demo-users")
    assert not User.objects.exists() and not Plan.objects.exists()  # nothing loaded at all


@pytest.mark.django_db
@pytest.mark.parametrize("debug, flags", [(True, []), (False, ["--not-production"])])
def test_demo_users_with_debug_on_or_said_not_production(settings, directorates, debug, flags):
    settings.DEBUG = debug
    factories.plan()  # so --if-empty skips the plans, as `make run` does on its second run
    load("--if-empty", "--demo-users", *flags)
    assert User.objects.get(username="admin").is_superuser


def test_make_run_loads_the_demo_users_with_debug_on():
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    [line] = [line for line in makefile.splitlines() if "load_sandwell" in line]
    assert re.search(r"DJANGO_DEBUG=1 \S+ manage.py load_sandwell .*--demo-users", line)
