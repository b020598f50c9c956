"""The load test itself: a short run against the test server finds no loss, and it refuses
to run on a database not made for it or against another machine."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import CommandError, call_command

from deliverables.models import QuarterlyUpdate


@pytest.mark.django_db(transaction=True)
def test_a_short_run_saves_and_conflicts_without_loss(live_server):
    out = io.StringIO()
    call_command(
        "loadtest",
        "--allow-writes",
        "--officers", "6",
        "--seconds", "4",
        "--think", "0.05",
        "--url", live_server.url,
        stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "6 officers in 2 groups" in text
    assert ", 0 errors," in text
    assert "Problems: 0." in text and "nothing lost" in text
    assert QuarterlyUpdate.objects.filter(commentary__contains="[load officer").exists()


@pytest.mark.django_db
def test_it_refuses_without_being_told_the_database_is_for_it():
    with pytest.raises(CommandError, match="--allow-writes"):
        call_command("loadtest", "--url", "http://127.0.0.1:9")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["http://192.168.1.20:8000", "http://10.0.0.5", "http://8.8.8.8", "http://example.org"]
)
def test_it_drives_only_a_server_on_this_machine(url):
    with pytest.raises(CommandError, match="only drives a server on this machine"):
        call_command("loadtest", "--allow-writes", "--url", url)


@pytest.mark.django_db(transaction=True)
def test_a_sign_in_burst_signs_everyone_in_at_once_and_states_the_hashers_cost(
    live_server, settings
):
    # Django's own hasher at a small cost, so the test is quick; the line it prints names the
    # hasher, its iterations and what fewer would give.
    settings.PASSWORD_HASHERS = ["tests.devtools.test_loadtest.QuickPBKDF2"]
    out = io.StringIO()
    call_command(
        "loadtest", "--allow-writes", "--sign-in-burst", "--officers", "5",
        "--url", live_server.url, stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "Password hasher: pbkdf2_sha256, 1,000 iterations" in text
    assert "5 sign-ins at once" in text and "5 signed in, 0 failed." in text
    assert "sign-in POST: p50" in text and "max" in text
    assert "with 600 iterations (a figure, not a change)" in text
    # Only sign-ins: no update was written.
    assert not QuarterlyUpdate.objects.filter(commentary__contains="[load officer").exists()


class QuickPBKDF2(PBKDF2PasswordHasher):
    iterations = 1_000
