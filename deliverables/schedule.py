"""The daily jobs (reminders, digests, the tidying commands) run by the background worker.

The tasks framework has no clock of its own, so each job is a task queued to run at its next
time of day; when it runs it first queues its next day's run, then does the day's work. So the
schedule survives restarts (the queue is in the database), a failed day leaves tomorrow
queued, and the day's work is whatever the management command does: the commands stay the one
home of each job, and cron can still run them instead.

Each job's time of day is a setting (settings.DAILY_JOBS, from environment variables); an
empty one leaves that job to cron. Running a job twice in a day is harmless: reminders never
reach anyone twice for the same quarter on the same day, a digest claims each notification
before it is sent, and the tidying commands find nothing left to do.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus


@dataclass(frozen=True)
class Job:
    command: str
    at: dt.time | None  # local time of day; None: not scheduled (cron runs it, or nobody)
    next_run: dt.datetime | None = None  # when its queued run is due, if one is queued


def parse_time(value: str) -> dt.time | None:
    """'07:05' -> 07:05; '' -> None (the job is left to cron). Raises ValueError on nonsense."""
    value = value.strip()
    if not value:
        return None
    hours, _, minutes = value.partition(":")
    return dt.time(int(hours), int(minutes or 0))


def jobs() -> dict[str, dt.time | None]:
    """Each daily command and its time of day, from settings.DAILY_JOBS."""
    times = {}
    for command, at in settings.DAILY_JOBS.items():
        try:
            times[command] = parse_time(at)
        except ValueError:
            raise ImproperlyConfigured(
                f"The time set for the daily job {command}, {at!r}, is not a time of day like "
                "07:00."
            ) from None
    return times


def next_time(at: dt.time, now: dt.datetime) -> dt.datetime:
    """The next moment after `now` when the council's clock (TIME_ZONE) reads `at`: tomorrow's
    if today's has passed. Across a change to or from summer time it is still `at` on the
    clock, not 24 hours later."""
    local = timezone.localtime(now)
    day = local.date()
    candidate = timezone.make_aware(dt.datetime.combine(day, at))
    if candidate <= now:
        candidate = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), at))
    return candidate


def _queued(command: str):
    """The runs of `command` waiting in the queue (normally none or one)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=run_daily.module_path, status=TaskResultStatus.READY
    ).order_by("run_after")
    return [row for row in waiting if row.args_kwargs.get("args") == [command]]


def can_schedule() -> bool:
    """Only a queue that holds tasks until a time can run a schedule (not the immediate
    backend used for quick trials and tests, which would run tomorrow's job at once)."""
    return run_daily.get_backend().supports_defer


def schedule_next(command: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """Queue `command`'s next run unless one is queued already; when it is due, or None when
    the job is not scheduled (or this queue cannot hold a task until a time)."""
    at = jobs().get(command)
    if at is None or not can_schedule():
        return None
    queued = _queued(command)
    if queued:
        return queued[0].run_after
    when = next_time(at, now or timezone.now())
    run_daily.using(run_after=when).enqueue(command)
    return when


def queued_at(command: str) -> dt.datetime | None:
    """When `command`'s queued run is due, or None if none is queued."""
    queued = _queued(command)
    return queued[0].run_after if queued else None


def schedule_all(now: dt.datetime | None = None) -> list[Job]:
    """Bring the queue into line with the settings: a job whose time was emptied loses its
    queued run, one whose time changed is queued again at the new time, and every scheduled
    job not queued yet is queued. What is scheduled, job by job."""
    scheduled = []
    for command, at in jobs().items():
        due = queued_at(command)
        if due is not None and (at is None or timezone.localtime(due).time() != at):
            unschedule(command)
        scheduled.append(Job(command, at, schedule_next(command, now) if at else None))
    return scheduled


def unschedule(command: str) -> int:
    """Take `command`'s waiting runs out of the queue: how many."""
    from django_tasks_db.models import DBTaskResult

    ids = [row.pk for row in _queued(command)]
    return DBTaskResult.objects.filter(pk__in=ids).delete()[0]


@task()
def run_daily(command: str) -> str:
    """One day's run of a daily job: queue tomorrow's first (so a failure today does not stop
    the schedule), then run the command; what it printed is kept as the task's result, which
    the administrator reads in the admin's task results."""
    if command not in settings.DAILY_JOBS:
        return f"{command} is not a daily job any more: nothing run, nothing scheduled."
    schedule_next(command)
    out = io.StringIO()
    call_command(command, stdout=out, stderr=out)
    return out.getvalue()[-2000:]
