"""The daily jobs run by the worker: queued once at their time of day, each run queueing the
next, a failing day leaving tomorrow queued, and the settings' times obeyed."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from deliverables import schedule
from deliverables.schedule import next_time, parse_time, run_daily, schedule_next

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def queued() -> dict[str, dt.datetime]:
    rows = DBTaskResult.objects.filter(
        task_path=run_daily.module_path, status=TaskResultStatus.READY
    )
    return {row.args_kwargs["args"][0]: row.run_after for row in rows}


def test_next_time_is_today_if_not_yet_passed_else_tomorrow():
    morning = dt.datetime(2026, 6, 10, 6, 0, tzinfo=LONDON)
    assert next_time(dt.time(7), morning) == dt.datetime(2026, 6, 10, 7, 0, tzinfo=LONDON)
    evening = dt.datetime(2026, 6, 10, 19, 0, tzinfo=LONDON)
    assert next_time(dt.time(7), evening) == dt.datetime(2026, 6, 11, 7, 0, tzinfo=LONDON)
    exactly = dt.datetime(2026, 6, 10, 7, 0, tzinfo=LONDON)
    assert next_time(dt.time(7), exactly) == dt.datetime(2026, 6, 11, 7, 0, tzinfo=LONDON)


def test_next_time_keeps_the_clock_time_across_summer_time():
    # The clocks go forward on 29 March 2026: 07:00 then is 23 hours after 07:00 the day before.
    before = dt.datetime(2026, 3, 28, 8, 0, tzinfo=LONDON)
    after = next_time(dt.time(7), before)
    assert timezone.localtime(after).time() == dt.time(7)
    assert after.astimezone(dt.UTC) == dt.datetime(2026, 3, 29, 6, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("value", ["7am", "25:00", "07:61", "seven"])
def test_a_time_that_is_not_a_time_is_refused_by_name(settings, task_worker, value):
    settings.DAILY_JOBS = {"send_reminders": value}
    with pytest.raises(CommandError, match="send_reminders"):
        call_command("schedule_daily", stdout=StringIO())
    assert parse_time("") is None


def test_schedule_daily_queues_each_job_once_at_its_time(settings, task_worker):
    settings.DAILY_JOBS = {"send_reminders": "07:00", "send_digests": "07:05", "expire_imports": ""}
    out = StringIO()
    call_command("schedule_daily", stdout=out)
    assert set(queued()) == {"send_reminders", "send_digests"}
    assert timezone.localtime(queued()["send_digests"]).time() == dt.time(7, 5)
    assert "expire_imports: not scheduled" in out.getvalue()
    call_command("schedule_daily", stdout=StringIO())  # again, as every `make run` does
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 2
    listing = StringIO()
    call_command("schedule_daily", "--list", stdout=listing)
    assert "send_reminders: daily at 07:00, next" in listing.getvalue()


def test_a_changed_or_emptied_time_moves_or_removes_the_queued_run(settings, task_worker):
    settings.DAILY_JOBS = {"send_reminders": "07:00", "send_digests": "07:05"}
    call_command("schedule_daily", stdout=StringIO())
    settings.DAILY_JOBS = {"send_reminders": "08:30", "send_digests": ""}
    call_command("schedule_daily", stdout=StringIO())
    assert set(queued()) == {"send_reminders"}
    assert timezone.localtime(queued()["send_reminders"]).time() == dt.time(8, 30)


def test_the_worker_runs_a_due_job_and_queues_the_next_day(settings, task_worker):
    settings.DAILY_JOBS = {"expire_imports": "02:30"}
    # Queued as if two days ago, so it is due now.
    schedule_next("expire_imports", now=timezone.now() - dt.timedelta(days=2))
    task_worker()
    done = DBTaskResult.objects.get(status=TaskResultStatus.SUCCESSFUL)
    assert "unconfirmed imports expired" in done.return_value
    tomorrow = queued()["expire_imports"]
    assert tomorrow > timezone.now()
    assert timezone.localtime(tomorrow).time() == dt.time(2, 30)


def test_a_failing_day_leaves_tomorrow_queued(settings, task_worker, monkeypatch):
    settings.DAILY_JOBS = {"send_digests": "07:05"}

    def broken(**kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr("deliverables.management.commands.send_digests.send_digests", broken)
    schedule_next("send_digests", now=timezone.now() - dt.timedelta(days=2))
    task_worker()
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert "mail server down" in failed.traceback
    assert queued()["send_digests"] > timezone.now()


def test_a_job_no_longer_in_the_settings_runs_nothing_and_stops(settings, task_worker):
    settings.DAILY_JOBS = {"send_digests": "07:05"}
    schedule_next("send_digests", now=timezone.now() - dt.timedelta(days=2))
    settings.DAILY_JOBS = {}
    task_worker()
    assert "not a daily job any more" in DBTaskResult.objects.get().return_value
    assert queued() == {}


def test_with_tasks_run_at_once_nothing_is_scheduled(settings):
    # The immediate backend cannot hold a task until a time: running tomorrow's job at once,
    # again and again, would be worse than nothing. The command says to use cron instead.
    settings.DAILY_JOBS = {"send_digests": "07:05"}
    assert schedule.can_schedule() is False
    assert schedule_next("send_digests") is None
    with pytest.raises(CommandError, match="cron"):
        call_command("schedule_daily", stdout=StringIO())
    result = run_daily.enqueue("send_digests")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert "Digests sent" in result.return_value
