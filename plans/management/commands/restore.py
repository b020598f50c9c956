"""Load a `backup` file into a new, empty database (run `migrate` on it first).

Refuses a database that already holds plans or people, so a restore can never be mixed into
live data; the load is one transaction, so a damaged file changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction

from plans.models import Plan, User


class Command(BaseCommand):
    help = "Restore a backup made by `backup` into an empty, migrated database."

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", help="the file `backup` wrote")

    def handle(self, *args, backup: str, **options) -> None:
        path = Path(backup)
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        if Plan.objects.exists() or User.objects.exists():
            raise CommandError(
                "This database already holds plans or users. Restore into a new, empty "
                "database (create it, run `manage.py migrate`, then restore). Nothing was loaded."
            )
        try:
            with transaction.atomic():
                call_command("loaddata", str(path), verbosity=0)
        except (DeserializationError, DatabaseError, ValueError) as error:
            raise CommandError(
                f"{path} could not be restored, so nothing was loaded: {error}"
            ) from error
        self.stdout.write(
            f"Restored {Plan.objects.count()} plan(s) and {User.objects.count()} user(s) "
            f"from {path}."
        )
