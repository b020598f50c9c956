"""Import council tracker workbooks from the command line: one file, or a back catalogue.

    python manage.py import_tracker FILE_OR_FOLDER [...] --plan PLAN_SLUG
        [--period 2023-24-Q3] [--recursive] [--layout NAME] [--map "Header=meaning,..."]
        [--stop-on-error] [--dry-run] [--json] [--overwrite-closed]

Each file goes into the quarter --period gives, else the one its name gives
("corporate-plan-tracker-2023-24-q3.xlsx", "Q3 2023-24", "Oct-Dec 2023", "Dec 2023"), else
the one its titles and headers give ("Business Plan Tracker 2023/24", "Q3 Rating - RAG"). A
file whose quarter cannot be told is refused, and nothing of it is written. Files are imported
oldest quarter first, each its own recorded import (deliverables.tracker.catalogue).

--period also takes "Q3 2023/24" and "2023/24 Q3" (plans.periods.parse_period_code). A
quarter the plan does not have yet is created, closed, and filled by the import. --layout
applies a saved layout's column mapping, --map gives one here (header=meaning, meanings as the
mapping step lists them); --map wins where both name a column.

Exit status 0 when every file imported (or dry-ran), 1 when any was refused or failed; with
--stop-on-error nothing more is imported after the first.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deliverables.models import ImportLayout, ImportStatus
from deliverables.tracker.catalogue import (
    CatalogueFile,
    in_quarter_order,
    locate,
    parse_column_map,
    tracker_files,
)
from deliverables.tracker.meanings import Mapping
from deliverables.tracker.saved_layouts import layout_mark_used
from deliverables.tracker.services import tracker_import
from deliverables.workflow import WorkflowError
from plans.models import PERIOD_FORMS, Plan
from plans.workbook import TrackerFileError, check_size

FAILED = (ImportStatus.REFUSED, ImportStatus.FAILED)


def peak_memory_mb() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def mapping_from(layout_name: str | None, maps: list[str] | None) -> Mapping | None:
    """The column mapping --layout and --map give, or None; CommandError naming what there is."""
    mapping = None
    if layout_name:
        layout = ImportLayout.objects.filter(name=layout_name).first()
        if layout is None:
            known = ", ".join(ImportLayout.objects.values_list("name", flat=True))
            raise CommandError(
                f"No saved layout {layout_name!r} (layouts: {known or 'none saved yet'})"
            )
        mapping = Mapping.from_json(layout.mapping).from_layout()
        layout_mark_used(layout)
    if maps:
        try:
            columns = parse_column_map(maps)
        except ValueError as error:
            raise CommandError(f"--map: {error}") from error
        mapping = mapping or Mapping()
        mapping.columns.update(columns)
        mapping.origin = "you"
    return mapping


class Command(BaseCommand):
    help = "Import tracker workbooks (.xlsx, .xls or .csv), or a folder of them, into a plan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="Tracker files, or folders of them.")
        parser.add_argument("--plan", required=True, help="The plan's slug.")
        parser.add_argument(
            "--period",
            help=f"The quarter for every file, like {PERIOD_FORMS}; "
            "without it, each file's own name or headers say.",
        )
        parser.add_argument("--recursive", action="store_true", help="Look in subfolders too.")
        parser.add_argument("--layout", help="Apply this saved layout's column mapping.")
        parser.add_argument(
            "--map",
            action="append",
            help='Column meanings, like "Progress to date=commentary,Q3 RAG=q3_status".',
        )
        parser.add_argument(
            "--stop-on-error",
            action="store_true",
            help="Import nothing more after a file is refused or fails.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print JSON: one object for one file, a list of them for several.",
        )
        parser.add_argument(
            "--overwrite-closed",
            action="store_true",
            help="Let the import change imported updates in a closed quarter.",
        )

    def handle(self, *args, **options) -> None:
        plan = Plan.objects.filter(slug=options["plan"]).first()
        if plan is None:
            known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No plan {options['plan']!r} (plans: {known})")
        mapping = mapping_from(options["layout"], options["map"])
        arguments = [Path(f) for f in options["files"]]
        try:
            paths = tracker_files(arguments, recursive=options["recursive"])
        except FileNotFoundError as error:
            raise CommandError(str(error)) from error
        if not paths:
            raise CommandError("No .xlsx, .xls or .csv files there.")
        several = len(paths) > 1 or any(path.is_dir() for path in arguments)
        started = time.perf_counter()
        if options["period"]:
            files = [CatalogueFile(path, options["period"], "--period") for path in paths]
        else:
            files = [locate(path, mapping) for path in paths]
        # Files whose quarter cannot be told come first: with --stop-on-error, nothing is
        # imported; the others oldest quarter first.
        untold = [f for f in files if f.refusal]
        results = []
        for file in untold + in_quarter_order([f for f in files if not f.refusal]):
            if file.refusal:
                result = self.refused(file, file.refusal)
            else:
                result = self.import_file(file, plan, mapping, options)
            results.append(result)
            if not options["json"]:
                self.report(result, plan, several)
            if result["status"] in FAILED and options["stop_on_error"]:
                break
        if options["json"]:
            self.stdout.write(json.dumps(results if several else results[0], indent=2))
        elif several:
            self.report_total(results, len(files), time.perf_counter() - started, options)
        if any(result["status"] in FAILED for result in results):
            sys.exit(1)

    def refused(self, file: CatalogueFile, message: str, status=ImportStatus.REFUSED) -> dict:
        return {"file": str(file.path), "status": status, "message": message}

    def import_file(
        self, file: CatalogueFile, plan: Plan, mapping: Mapping | None, options: dict
    ) -> dict:
        started = time.perf_counter()
        try:
            check_size(file.path.stat().st_size, file.path.name)
            record = tracker_import(
                None,
                plan,
                file.period,
                file.path.read_bytes(),
                file.path.name,
                dry_run=options["dry_run"],
                overwrite_closed=options["overwrite_closed"],
                mapping=mapping,
            )
        except TrackerFileError as error:
            return self.refused(file, str(error))
        except WorkflowError as error:  # the database refused the write: nothing was written
            return self.refused(file, str(error), ImportStatus.FAILED)
        seconds = time.perf_counter() - started
        summary = dict(record.summary)
        rows = summary.get("rows", 0)
        summary.update(
            file=str(file.path),
            quarter_from=file.source,
            status=record.status,
            message=record.message,
            seconds=round(seconds, 3),
            rows_per_second=round(rows / seconds) if seconds and rows else 0,
            peak_memory_mb=round(peak_memory_mb(), 1),
            import_record=record.pk,
        )
        return summary

    # -- what is printed -------------------------------------------------------------------

    def report(self, result: dict, plan: Plan, several: bool) -> None:
        name = Path(result["file"]).name
        if result["status"] in FAILED:
            verb = "Failed" if result["status"] == ImportStatus.FAILED else "Refused"
            self.stderr.write(f"{verb}: {result['message']}")
        elif several:
            self.stdout.write(
                f"{result['period']}  {name}: {self.verb(result)} {result['rows']} rows "
                f"(quarter from {result['quarter_from']}); new {sum(result['created'].values())}, "
                f"changed {sum(result['updated'].values())}, rows not placed "
                f"{len(result['errors'])}; {result['seconds']} s, "
                f"{result['rows_per_second']} rows/s; import record {result['import_record']}"
            )
        else:
            self.print_summary(name, plan, result)

    def verb(self, result: dict) -> str:
        return "would import" if result["status"] == ImportStatus.DRY_RUN else "imported"

    def report_total(self, results: list[dict], count: int, seconds: float, options) -> None:
        done = [r for r in results if r["status"] not in FAILED]
        rows = sum(r.get("rows", 0) for r in done)
        refused = len(results) - len(done)
        not_tried = count - len(results)
        self.stdout.write(
            f"Total: {len(done)} of {count} files "
            + ("dry-run" if options["dry_run"] else "imported")
            + (f", {refused} refused" if refused else "")
            + (f", {not_tried} not tried (--stop-on-error)" if not_tried else "")
            + f"; {rows} rows in {seconds:.1f} s, {round(rows / seconds) if seconds else 0} "
            f"rows/s; peak memory {peak_memory_mb():.1f} MB"
        )

    def print_summary(self, name: str, plan: Plan, summary: dict) -> None:
        write = self.stdout.write
        write(f"{self.verb(summary).capitalize()} {name} into {plan.name}, {summary['period']}: "
              f"{summary['rows']} rows")  # fmt: skip
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
