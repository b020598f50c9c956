"""The load test itself: a short run against the test server finds no loss, and it refuses
to run on a database not made for it or against another machine."""

from __future__ import annotations

import io

import pytest
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
