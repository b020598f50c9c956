"""Write everything the service holds to one file that `restore` reads back.

Plans, actions, updates with their full audit history, reports, users and their roles, the
audit log and import records. Left out, because `migrate` rebuilds them or they are
short-lived: content types, permissions, sessions (everyone signs in again) and sign-in
lockouts. Times are kept to the millisecond (Django's JSON format). On PostgreSQL, `pg_dump`
is the faster whole-database alternative (see README).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from plans.private_files import create_private

EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]
SUFFIXES = (".json", ".json.gz", ".json.bz2", ".json.xz")


class Command(BaseCommand):
    help = "Back up the service's data to a JSON file (.json, .json.gz, .json.bz2 or .json.xz)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("output", help="where to write, for example backup-2026-11-22.json.gz")

    def handle(self, *args, output: str, **options) -> None:
        path = Path(output)
        if not path.name.endswith(SUFFIXES):
            raise CommandError(f"Name the file with one of {', '.join(SUFFIXES)}.")
        if path.exists():
            raise CommandError(f"{path} already exists: choose a new name (nothing was written).")
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a folder.")
        # Written under a hidden name with the same ending (dumpdata compresses by the
        # ending), then renamed: a backup that stopped half way never looks complete.
        partial = path.with_name(f".partial-{path.name}")
        try:
            # It holds password hashes: created owner-only, before a byte is written.
            partial.unlink(missing_ok=True)  # left by a backup that was killed
            create_private(partial)
            call_command(
                "dumpdata",
                natural_foreign=True,
                natural_primary=True,
                exclude=EXCLUDED,
                output=str(partial),
                verbosity=0,
            )
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.rename(path)
        self.stdout.write(f"Backed up to {path} ({path.stat().st_size:,} bytes).")
