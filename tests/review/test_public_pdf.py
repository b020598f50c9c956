"""Fresh-eyes review (r1): the public PDF stored by the worker."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from reports import files
from reports.models import FileState, ReportFile
from tests.public.test_open_data import published  # noqa: F401 - the fixture
from tests.public.test_public_files import pdf_url, public_copies, spy  # noqa: F401


@pytest.mark.django_db
def test_the_public_waiting_page_does_not_reload_itself_every_five_seconds(
    client,
    published,  # noqa: F811 - the fixture
    task_worker,
):
    """What a resident sees: asking for a published report's PDF before the worker has made it
    gives "This PDF is being made", a page that reloads itself every 5 seconds with
    `<meta http-equiv="refresh">`, for as long as the file takes (53 s at 20,000 actions, far
    longer behind a queue of other reports). A screen-reader user is thrown back to the top of
    the page and hears it again every 5 seconds, with no way to stop it: WCAG 2.2.1 / 3.2.5,
    failure technique F41, on the one public page whose purpose is an accessible document.
    The signed-in import progress page avoids exactly this (its refresh is inside <noscript>,
    with progress.js polling otherwise); the public page has no such care.

    Fix: do as the import progress page does (refresh only in <noscript>, a small script that
    polls and then offers the download), or drop the refresh for a "Check again" link plus
    Retry-After."""
    response = client.get(pdf_url(published))
    assert response.status_code == 202
    page = response.content.decode()
    outside_noscript = re.sub(r"<noscript>.*?</noscript>", "", page, flags=re.S)
    assert 'http-equiv="refresh"' not in outside_noscript


@pytest.mark.django_db
def test_a_second_task_for_the_same_file_does_not_render_it_again_while_it_is_being_made(
    published,  # noqa: F811 - the fixture
    task_worker,
    spy,  # noqa: F811
):
    """What the council sees: the same public PDF rendered twice at once, by two workers
    (12-53 s of WeasyPrint each, at county size), and the file's attempt count climbing.

    How: a public copy still queued after files.STUCK_AFTER (30 min: a plan switched public
    with dozens of published reports queues dozens of 15-53 s renders) is re-queued by the
    next visitor (public_file_request -> is_stuck -> file_retry), so the queue holds two tasks
    for one file. When worker A has marked the file RUNNING and is rendering, worker B takes
    the second task: file_make only skips DONE and FAILED, so it marks it RUNNING again,
    counts another attempt and renders the same file a second time. (The docstring of
    public_file_request promises "no visitor can make the worker render twice".)

    Fix: in file_make, skip a file that is RUNNING and was updated within STUCK_AFTER (another
    worker has it), as preview_run does with its conditional claim."""
    copy = files.public_file_request(published.report, False)
    # Worker A has claimed it and is rendering now.
    ReportFile.objects.filter(pk=copy.pk).update(
        state=FileState.RUNNING, attempts=1, updated_at=timezone.now()
    )
    # Worker B runs a second task for the same file.
    result = files.file_make(copy.pk)
    copy.refresh_from_db()
    assert spy == [], "the file being made by another worker was rendered a second time"
    assert copy.attempts == 1
    assert result == "nothing to do"
