"""Send each person one email with everything waiting for their daily digest.

    python manage.py send_digests

Run it once a day from cron (after `send_reminders`). Updates submitted for approval wait for
it, as does everything for people who chose one email a day (Your account). Nothing is sent
twice: each notification is claimed before its email goes, and freed again if sending fails.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from deliverables.notifications import send_digests


class Command(BaseCommand):
    help = "Send the daily digest of notifications (safe to run more than once a day)."

    def handle(self, *args, **options) -> None:
        report = send_digests()
        for username, count in sorted(report.sent.items()):
            self.stdout.write(f"Sent {username} a digest of {count}.")
        for username in report.failed:
            self.stderr.write(f"Could not send {username}'s digest: it is kept for the next run.")
        self.stdout.write(f"Digests sent: {len(report.sent)}; failed: {len(report.failed)}.")
