"""The background worker (django-tasks-db's `db_worker`) on the app's own database: a task is
run once, by one worker, however many workers share the queue."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks import task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

RUNS: list[str] = []


@task()
def note_run(label: str) -> str:
    """A task that says each time it runs."""
    RUNS.append(label)
    return label


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    RUNS.clear()


def _worker(worker_id: str) -> Worker:
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_a_queued_task(database_queue):
    queued = note_run.enqueue("from the command")
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, interval=0, stdout=io.StringIO()
    )
    assert RUNS == ["from the command"]
    result = DBTaskResult.objects.get(pk=queued.id)
    assert (result.status, result.return_value) == ("SUCCESSFUL", "from the command")


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_cannot_take_a_task_the_first_has_claimed(database_queue, monkeypatch):
    """Two workers at the same moment: the first claims the task and holds its claiming
    transaction open. On PostgreSQL the second's SELECT ... FOR UPDATE SKIP LOCKED passes
    over the locked row and finds nothing at once; on SQLite (no row locks) the claim is made
    in a BEGIN EXCLUSIVE transaction, so the second waits for the first's to end and then
    finds the task already running. Either way it runs once, on the first worker."""
    queued = note_run.enqueue("once")
    claimed, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    claim = DBTaskResult.claim

    def claim_and_hold(self, worker_id):
        claim(self, worker_id)
        if worker_id == "first":
            claimed.set()
            release.wait(15)  # the claiming transaction stays open until released

    monkeypatch.setattr(DBTaskResult, "claim", claim_and_hold)

    def work(worker_id: str) -> None:
        try:
            _worker(worker_id).run()
        except BaseException as error:  # surfaced in the test's own thread below
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=work, args=("first",))
    first.start()
    assert claimed.wait(15)
    second = threading.Thread(target=work, args=("second",))
    second.start()
    second.join(2)
    if connection.vendor == "postgresql":
        assert not second.is_alive()  # skipped the locked task without waiting for it
    else:
        assert second.is_alive()  # waiting for the first worker's exclusive transaction
    release.set()
    first.join(15)
    second.join(15)
    assert not errors
    assert RUNS == ["once"]
    result = DBTaskResult.objects.get(pk=queued.id)
    assert (result.status, result.worker_ids) == ("SUCCESSFUL", ["first"])


@pytest.mark.django_db
def test_a_task_that_fails_is_recorded_with_its_reason(database_queue, task_worker):
    queued = broken.enqueue()
    task_worker()
    result = DBTaskResult.objects.get(pk=queued.id)
    assert result.status == "FAILED"
    assert result.exception_class_path == "builtins.ValueError"
    assert "no such tracker" in result.traceback


@task()
def broken() -> None:
    raise ValueError("no such tracker")


def test_make_run_starts_a_worker_beside_the_server_and_stops_it_with_the_server():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "manage.py db_worker --no-reload" in run
    assert "trap 'kill $$worker" in run
    assert run.index("db_worker") < run.index("runserver")
