"""Long work in the background, in the browser: an administrator uploads a big tracker, watches
its preview made by the worker, confirms, and watches the import written; then the performance
team downloads a published report's PDF, made by the worker too. A real worker (django-tasks-db's
own) runs in a thread beside the live server, started and stopped by the test."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from django_tasks_db.management.commands import db_worker
from playwright.sync_api import expect

from deliverables.management.commands.load_sandwell import DEMO_PASSWORD
from deliverables.models import ImportRecord, QuarterlyUpdate
from devtools.management.commands.bench import target_spec_from
from plans.models import Plan, User
from reports.models import ExceptionReport
from reports.services import report_publish, report_start

ROWS = 2_500  # about 260 KB: over the threshold below, and a few seconds' work for the worker
THRESHOLD = 200_000
SLOW = 90_000  # ms: the worker shares two cores with the rest of the suite


class Worker:
    """`manage.py db_worker` in a thread, against the test database; start() and stop()."""

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.worker: db_worker.Worker | None = None

    def start(self) -> None:
        main = connections["default"]
        # An in-memory SQLite test database is one connection, shared by the live server's
        # threads; the worker shares it the same way. PostgreSQL: its own connection.
        shared = main.vendor == "sqlite" and main.is_in_memory_db()
        self.worker = db_worker.Worker(
            queue_names=["*"],
            interval=0.2,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="browser-worker",
            excluded_queue_names=[],
        )

        def run() -> None:
            if shared:
                connections["default"] = main
            try:
                self.worker.run()
            finally:
                if not shared:
                    connections.close_all()

        self.thread = threading.Thread(target=run, name="db_worker", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.thread is None:
            return
        self.worker.running = False  # the loop ends after the task in hand
        self.thread.join(timeout=120)
        assert not self.thread.is_alive(), "the worker did not stop"
        self.thread = None


@pytest.fixture
def worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_RETRY_SECONDS = 0
    settings.TRACKER_BACKGROUND_PREVIEW_BYTES = THRESHOLD
    running = Worker()
    yield running
    running.stop()


@pytest.fixture
def big_tracker(tmp_path) -> Path:
    path = tmp_path / "county-tracker.xlsx"
    call_command("make_tracker_workbook", str(path), rows=ROWS, stdout=io.StringIO())
    assert path.stat().st_size > THRESHOLD
    return path


@pytest.mark.django_db(transaction=True)
def test_a_big_upload_previewed_and_imported_in_the_background_then_a_report_downloaded(
    page, browser, live_server, sandwell, sign_in, audit_both, worker, big_tracker
):
    council = Plan.objects.get(slug="council-plan-2024-30")
    target = Plan.objects.create(
        slug="county-trial", name="County trial", first_year=2023, last_year=2026
    )
    target_spec_from(council, target)

    sign_in(page, "admin", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/imports/new/")
    page.get_by_label("Plan", exact=True).select_option(label="County trial")
    page.get_by_label("Quarter the tracker reports").fill("2023-24-Q3")
    page.get_by_label("Tracker file").set_input_files(str(big_tracker))
    page.get_by_role("button", name="Preview the import").click()

    # The upload answers at once: the preview waits for the worker, which is not started yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("Previewing county-tracker.xlsx")
    bar = page.get_by_role("progressbar")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("aria-valuetext", "0% (Waiting to start)")
    expect(bar).to_have_attribute("value", "0")
    expect(page.get_by_role("button", name="Cancel this preview")).to_be_visible()
    audit_both(page)
    record = ImportRecord.objects.get(plan=target)
    assert record.status == "previewing"

    page.goto(f"{live_server.url}/imports/")  # the administrator can leave and find it
    expect(page.get_by_role("link", name="Being previewed: waiting to start")).to_be_visible()
    audit_both(page)
    page.get_by_role("link", name="Being previewed: waiting to start").click()

    worker.start()
    seen = _watch_bar(page, "Check before importing")
    assert seen == sorted(seen, key=int), seen  # the bar only moves forward
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check before importing")
    figures = page.get_by_role("table", name="What importing would do")
    expect(figures).to_be_visible()
    _audit_rows_not_placed(page, audit_both, "What importing would do")
    record.refresh_from_db()
    assert record.status == "previewed"
    promised = record.summary["created"]["updates"] + record.summary["updated"]["updates"]
    assert promised > 0 and not QuarterlyUpdate.objects.filter(period__plan=target).exists()

    worker.stop()  # so the import's progress page can be read while it waits
    page.get_by_role("button", name="Import now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importing county-tracker.xlsx")
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuetext", "0% (Waiting to start)")
    audit_both(page)
    worker.start()
    _watch_bar(page, "Imported")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imported")
    _audit_rows_not_placed(page, audit_both, "What the import did")
    record.refresh_from_db()
    assert record.status == "applied"
    assert record.summary["created"]["updates"] + record.summary["updated"]["updates"] == (
        promised
    )  # the preview was a promise

    # The performance team publishes the quarter's report; the worker makes its files.
    performance = User.objects.get(username="performance")
    period = council.periods.get(year=2024, quarter=2, month=0)
    report = report_publish(performance, report_start(performance, period))
    assert ExceptionReport.objects.get(pk=report.pk).state == "published"
    reader = browser.new_context().new_page()
    sign_in(reader, "performance", DEMO_PASSWORD)
    reader.goto(f"{live_server.url}/reports/{report.pk}/")
    expect(reader.get_by_role("link", name="PDF", exact=True)).to_be_visible()
    audit_both(reader)
    with reader.expect_download(timeout=SLOW) as download:
        reader.get_by_role("link", name="PDF", exact=True).click()
    data = download.value.path().read_bytes()
    assert data.startswith(b"%PDF-")
    worker.stop()


def _audit_rows_not_placed(page, audit_both, table: str) -> None:
    """axe on the import's page as it lists only the rows not placed: the same template, the
    same forms and figures, without 500 alike rows (axe takes minutes over those, twice)."""
    url = page.url
    page.goto(f"{url.split('?')[0]}?show=errors")
    expect(page.get_by_role("table", name=table)).to_be_visible()
    audit_both(page)
    page.goto(url)


def _watch_bar(page, heading: str) -> list[str]:
    """The bar's values as the page follows the worker, until the page's heading says
    `heading`; each new stage reloads the page, so a value is read only when it is there."""
    seen: list[str] = []
    title = page.get_by_role("heading", level=1)
    for _ in range(SLOW // 250):
        try:
            if heading in (title.text_content(timeout=1000) or ""):
                return seen
            value = page.get_by_role("progressbar").get_attribute("value", timeout=250)
        except Exception:
            value = None
        if value is not None and (not seen or seen[-1] != value):
            seen.append(value)
        page.wait_for_timeout(250)
    text = page.locator("main").inner_text()[:1500]
    raise AssertionError(f"{page.url} never reached '{heading}': the bar read {seen}\n{text}")
