"""What load_comparators and import_indicators share: read the file, preview, then write or
not (--dry-run), printing what the preview said."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from deliverables.indicators.load.services import (
    indicators_apply,
    indicators_dry_run,
    indicators_preview,
)
from deliverables.models import ImportStatus
from plans.models import Plan


def run(command, options: dict, kind: str, describe) -> None:
    plan = Plan.objects.filter(slug=options["plan"]).first()
    if plan is None:
        raise CommandError(f"No plan has the slug {options['plan']!r}.")
    path = Path(options["file"])
    if not path.is_file():
        raise CommandError(f"{path} is not a file.")
    record = indicators_preview(
        None,
        plan,
        path.read_bytes(),
        path.name,
        kind=kind,
        overwrite_closed=options.get("overwrite_closed", False),
        source="command",
    )
    if record.status == ImportStatus.REFUSED:
        raise CommandError(record.message)
    for line in describe(record.summary):
        command.stdout.write(line)
    if options["dry_run"]:
        indicators_dry_run(record)
        command.stdout.write("Dry run: nothing was written.")
        return
    indicators_apply(None, record)
    command.stdout.write(command.style.SUCCESS(f"Written from {path.name} into {plan.name}."))
