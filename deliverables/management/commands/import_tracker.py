"""Import a council tracker workbook from the command line, for big back-catalogues.

    python manage.py import_tracker FILE --plan PLAN_SLUG --period 2023-24-Q3
        [--dry-run] [--json] [--overwrite-closed]

--period also takes "Q3 2023/24" and "2023/24 Q3" (plans.periods.parse_period_code).

A quarter the plan does not have yet is created, closed, and filled by the import. Exit
status 0 when it imported (or dry-ran), 1 when it refused the file or failed; the run is
recorded like a browser import.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deliverables.models import ImportStatus
from deliverables.tracker.services import tracker_import
from deliverables.workflow import WorkflowError
from plans.models import PERIOD_FORMS, Plan
from plans.workbook import TrackerFileError, check_size


def peak_memory_mb() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Import a tracker workbook (.xlsx, .xls or .csv) into a plan's quarter."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The tracker file.")
        parser.add_argument("--plan", required=True, help="The plan's slug.")
        parser.add_argument("--period", required=True, help=f"The quarter, like {PERIOD_FORMS}.")
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument(
            "--overwrite-closed",
            action="store_true",
            help="Let the import change imported updates in a closed quarter.",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        plan = Plan.objects.filter(slug=options["plan"]).first()
        if plan is None:
            known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No plan {options['plan']!r} (plans: {known})")
        started = time.perf_counter()
        try:
            check_size(path.stat().st_size, path.name)
            data = path.read_bytes()
            record = tracker_import(
                None,
                plan,
                options["period"],
                data,
                path.name,
                dry_run=options["dry_run"],
                overwrite_closed=options["overwrite_closed"],
            )
        except TrackerFileError as error:
            self.report_refusal(options, str(error))
            sys.exit(1)
        except WorkflowError as error:
            self.report_refusal(options, str(error))
            sys.exit(1)
        seconds = time.perf_counter() - started
        summary = dict(record.summary)
        rows = summary.get("rows", 0)
        summary.update(
            status=record.status,
            message=record.message,
            seconds=round(seconds, 3),
            rows_per_second=round(rows / seconds) if seconds and rows else 0,
            peak_memory_mb=round(peak_memory_mb(), 1),
            import_record=record.pk,
        )
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
        else:
            self.print_summary(path, plan, summary)
        if record.status in (ImportStatus.REFUSED, ImportStatus.FAILED):
            sys.exit(1)

    def report_refusal(self, options: dict, message: str) -> None:
        if options["json"]:
            self.stdout.write(json.dumps({"status": "refused", "message": message}, indent=2))
        else:
            self.stderr.write(f"Refused: {message}")

    def print_summary(self, path: Path, plan: Plan, summary: dict) -> None:
        write = self.stdout.write
        if summary["status"] == ImportStatus.REFUSED:
            self.stderr.write(f"Refused: {summary['message']}")
            return
        verb = "Would import" if summary["status"] == ImportStatus.DRY_RUN else "Imported"
        write(f"{verb} {path.name} into {plan.name}, {summary['period']}: {summary['rows']} rows")
        for kind in ("outcomes", "deliverables", "actions", "updates"):
            write(
                f"  {kind:<13} new {summary['created'][kind]:>6}   changed "
                f"{summary['updated'][kind]:>6}   unchanged {summary['unchanged'][kind]:>6}"
            )
        for skipped in summary["skipped_sheets"]:
            write(f"  sheet '{skipped['sheet']}' skipped: {skipped['reason']}")
        write(f"  rows not placed: {len(summary['errors'])}; warnings: {len(summary['warnings'])}")
        for issue in summary["errors"][:50]:
            write(f"    {issue['sheet']} row {issue['row']}: {issue['message']}")
        write(
            f"  {summary['seconds']} s, {summary['rows_per_second']} rows/s, "
            f"peak memory {summary['peak_memory_mb']} MB"
        )
