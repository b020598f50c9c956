"""Queue the daily jobs (reminders, digests, tidying) for the background worker to run.

    python manage.py schedule_daily           # queue each job's next run; say when
    python manage.py schedule_daily --list    # say what is queued, change nothing

Safe to run at every start (`make run` does): a job already queued is left as it is. Each
run of a job queues the next day's, so this is needed once, and again only after a job's time
is changed (see deliverables.schedule) or its queued run was deleted.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from deliverables.schedule import Job, can_schedule, jobs, queued_at, schedule_all


def _line(job: Job) -> str:
    if job.at is None:
        return f"{job.command}: not scheduled (no time set: run it from cron if wanted)"
    if job.next_run is None:
        return f"{job.command}: daily at {job.at:%H:%M}, but not queued (run schedule_daily)"
    when = timezone.localtime(job.next_run).strftime("%a %d %b %Y %H:%M")
    return f"{job.command}: daily at {job.at:%H:%M}, next {when}"


class Command(BaseCommand):
    help = "Queue the daily jobs for the background worker (safe to run more than once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="Say what is queued only.")

    def handle(self, *args, **options) -> None:
        if not can_schedule():
            raise CommandError(
                "The task queue runs tasks at once (DJANGO_TASKS_BACKEND=immediate), so it "
                "cannot hold a job until its time: run the daily commands from cron instead."
            )
        try:
            jobs()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        if options["list"]:
            for command, at in jobs().items():
                self.stdout.write(_line(Job(command, at, queued_at(command))))
            return
        for job in schedule_all():
            self.stdout.write(_line(job))
