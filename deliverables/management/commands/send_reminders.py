"""Email officers and approvers what they still have to do this quarter.

    python manage.py send_reminders [--today 2024-01-12] [--dry-run]

Safe to run from cron every day: it only sends on reminder days (7, 3 and 1 days before the
deadline, on the day, and 1, 3, 7, 14, 21 and 28 days after), and never sends anyone a
second reminder for the same quarter on the same day. Mail goes through the configured
email backend (the console by default; SMTP with DJANGO_EMAIL_BACKEND and friends).
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from deliverables.reminders import DEFAULT_AFTER, DEFAULT_BEFORE, reminders_send, summarise


def _days(value: str) -> tuple[int, ...]:
    try:
        days = tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise CommandError(f"{value!r} is not a list of days like 7,3,1,0") from None
    if any(day < 0 for day in days):
        raise CommandError("Days are counted as positive numbers")
    return days


class Command(BaseCommand):
    help = "Send today's quarterly update reminders (safe to run daily from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD).")
        parser.add_argument("--dry-run", action="store_true", help="Say who would be reminded.")
        parser.add_argument(
            "--before",
            default=",".join(map(str, DEFAULT_BEFORE)),
            help="Days before the deadline to remind on (default %(default)s).",
        )
        parser.add_argument(
            "--after",
            default=",".join(map(str, DEFAULT_AFTER)),
            help="Days after the deadline to remind on (default %(default)s).",
        )

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today takes a date like 2024-01-12") from None
        report = reminders_send(
            today,
            dry_run=options["dry_run"],
            before=_days(options["before"]),
            after=_days(options["after"]),
        )
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was sent.")
            for reminder in report.sent:
                self.stdout.write(
                    f"  would remind {reminder.user.username}: {len(reminder.to_update)} to "
                    f"update, {len(reminder.to_approve)} to approve"
                )
        if not report.periods:
            self.stdout.write("No open quarter has a deadline: nothing to remind anyone of.")
        for line in summarise(report):
            self.stdout.write(line)
        if report.failed:
            raise CommandError(f"{len(report.failed)} reminder(s) could not be sent")
