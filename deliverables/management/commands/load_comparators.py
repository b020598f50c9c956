"""Load comparators from a benchmarking service's long CSV or workbook into a plan.

    python manage.py load_comparators --plan SLUG FILE [--dry-run] [--overwrite-closed]

Prints what it adds, replaces and skips (and why), then writes it in one transaction; with
--dry-run it writes nothing. The same rules as the "Load comparators" page
(deliverables.indicators.load.comparators).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from deliverables.indicators.load.services import COMPARATORS
from deliverables.management.commands._indicator_files import run


def describe(summary: dict) -> list[str]:
    lines = [
        f"{len(summary['added'])} added, {len(summary['replaced'])} replaced, "
        f"{len(summary['unchanged'])} unchanged, {len(summary['skipped'])} skipped."
    ]
    lines += [f"  row {s['row']}: skipped ({s['text']}): {s['reason']}" for s in summary["skipped"]]
    return lines


class Command(BaseCommand):
    help = "Load comparators (national, regional, neighbours, councils) from a benchmarking file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="The plan's slug.")
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Preview; write nothing.")
        parser.add_argument(
            "--overwrite-closed",
            action="store_true",
            help="Replace comparators a closed quarter already has (missing ones are always "
            "added).",
        )

    def handle(self, *args, **options) -> None:
        run(self, options, COMPARATORS, describe)
