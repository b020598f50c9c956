"""Delete the uploaded files of tracker previews nobody confirmed; run it daily from cron.

    python manage.py expire_imports [--hours 24]

A preview keeps the file until it is confirmed or cancelled. An upload left at the preview is
marked cancelled, with the reason, and its file deleted; the record of it stays in the log.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser

from deliverables.indicators.load.services import indicators_expire
from deliverables.tracker.expiry import tracker_expire


class Command(BaseCommand):
    help = "Delete the files of tracker previews not confirmed within a day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours", type=int, default=24, help="Age of an unconfirmed preview (default 24)."
        )

    def handle(self, *args, **options) -> None:
        age = timedelta(hours=options["hours"])
        count = tracker_expire(age) + indicators_expire(age)  # indicator previews too
        self.stdout.write(f"{count} unconfirmed import{'s' if count != 1 else ''} expired.")
