"""Import indicator history (values, and annual targets) from a spreadsheet into a plan.

    python manage.py import_indicators --plan SLUG FILE [--dry-run] [--overwrite-closed]

One row per indicator with periods as columns, or one row per value. Prints what it adds,
changes, leaves and cannot read, then writes it in one transaction; --dry-run writes nothing.
The same rules as the "Import indicator history" page (deliverables.indicators.load.history).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from deliverables.indicators.load.services import VALUES
from deliverables.management.commands._indicator_files import run


def describe(summary: dict) -> list[str]:
    counts = summary["counts"]
    lines = [
        f"{counts['added']} added, {counts['changed']} changed, {counts['left']} left, "
        f"{counts['unchanged']} unchanged, {counts['targets']} targets."
    ]
    for entry in summary["indicators"]:
        lines += [f"  {entry['code']} {i['label']}: left: {i['reason']}" for i in entry["left"]]
    for key in ("unknown", "unreadable"):
        lines += [f"  row {s['row']} ({s['text']}): {s['reason']}" for s in summary[key]]
    return lines


class Command(BaseCommand):
    help = "Import indicator values and annual targets from a spreadsheet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="The plan's slug.")
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Preview; write nothing.")
        parser.add_argument(
            "--overwrite-closed",
            action="store_true",
            help="Change values a closed quarter already has (missing ones are always added).",
        )

    def handle(self, *args, **options) -> None:
        run(self, options, VALUES, describe)
