"""One account cannot tie up the workers with report files: while a person has their limit of
files being made, the next gets a clear "try again in a moment" (429); others are not held."""

from __future__ import annotations

from contextlib import ExitStack

import pytest
from django.test import Client
from django.urls import reverse

from reports import files
from reports.limits import RENDERS_PER_USER, render_slot
from reports.services import report_start


@pytest.fixture
def report(cycle):
    return report_start(cycle.performance, cycle.q3)


def hold(stack: ExitStack, user, slots: int) -> None:
    for _ in range(slots):
        assert stack.enter_context(render_slot(user))


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_file_beyond_the_limit_is_refused_until_one_is_made(client, cycle, report, fmt):
    url = reverse(f"reports:report_{fmt}", args=[report.pk])
    client.force_login(cycle.performance)
    with ExitStack() as renders:
        hold(renders, cycle.performance, RENDERS_PER_USER)  # files still being made
        busy = client.get(url)
        assert busy.status_code == 429
        assert busy["Retry-After"] == "5"
        page = busy.content.decode()
        assert "A file you asked for is still being made" in page
        assert "Try again in a moment" in page
        # Someone else's file is not held up.
        colleague = Client()
        colleague.force_login(cycle.admin)
        assert colleague.get(url).status_code == 200
    assert client.get(url).status_code == 200  # made and downloaded: free again


@pytest.mark.django_db
def test_files_under_the_limit_are_made(client, cycle, report):
    client.force_login(cycle.performance)
    with ExitStack() as renders:
        hold(renders, cycle.performance, RENDERS_PER_USER - 1)
        response = client.get(reverse("reports:report_pdf", args=[report.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_render_that_fails_frees_its_slot(client, cycle, report, monkeypatch):
    def broken(data):
        raise RuntimeError("the renderer fell over")

    url = reverse("reports:report_docx", args=[report.pk])
    client.force_login(cycle.performance)
    monkeypatch.setitem(files.RENDERERS, "docx", broken)
    for _ in range(RENDERS_PER_USER + 1):
        failed = client.get(url, follow=True)  # a clear page saying why, not a 500
        assert failed.status_code == 200
        assert "the renderer fell over" in failed.content.decode()
    monkeypatch.undo()
    assert client.get(url).status_code == 200
