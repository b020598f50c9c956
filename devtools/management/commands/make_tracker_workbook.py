"""Write a synthetic council tracker workbook, for trying and measuring the importer.

    python manage.py make_tracker_workbook OUT.xlsx --rows 10000 [--outcomes 7] [--seed 1]

Realistic shape: a sheet per outcome with a title row, the 2023/24 Sandwell headers,
deliverables repeated over several actions, directorate-prefixed references, the 2023/24
status words with their colours, blank "No update available" rows, and commentary of
council length. Written in openpyxl's streaming mode, so memory stays flat.
"""

from __future__ import annotations

import random
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import PatternFill

STATUSES = [
    ("On Track", "92D050", 0.55),
    ("Medium Issue/Slippage", "FFC000", 0.18),
    ("Significant issues/risks/slippage", "FF0000", 0.04),
    ("Complete", "00B0F0", 0.18),
    ("", None, 0.05),
]
PREFIXES = ["CH", "PH", "ASC", "BE", "R", "H", "ACE", "LG", "F"]
_SENTENCE = (
    "work continues with partners to deliver the programme and the service has completed "
    "the review procurement is under way funding has been secured consultation closed "
    "report to cabinet scheduled risks remain around staffing capacity and costs"
)
WORDS = _SENTENCE.split(" ")


class Command(BaseCommand):
    help = "Write a synthetic tracker workbook with the given number of action rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out")
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument("--outcomes", type=int, default=7)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options) -> None:
        random_ = random.Random(options["seed"])  # noqa: S311 - test data, not secrets
        book = Workbook(write_only=True)
        outcomes = max(1, options["outcomes"])
        per_outcome = [options["rows"] // outcomes] * outcomes
        per_outcome[0] += options["rows"] - sum(per_outcome)
        fills = {
            colour: PatternFill("solid", fgColor=colour) for _, colour, _ in STATUSES if colour
        }
        action_number = 0
        for index, rows in enumerate(per_outcome, start=1):
            sheet = book.create_sheet(f"Outcome {index}")
            sheet.append([f"Strategic outcome {index}"])
            sheet.append([])
            sheet.append(
                [
                    "CP Ref",
                    "Deliverable",
                    "BP Ref.",
                    "Key deliverables (Directorate Action)",
                    "Q3 Rating - RAG",
                    "Q3 October - December",
                ]
            )
            written = 0
            deliverable = 0
            while written < rows:
                deliverable += 1
                text = f"We will deliver outcome {index} commitment {deliverable}: " + " ".join(
                    random_.choices(WORDS, k=12)
                )
                for position in range(min(random_.randint(1, 5), rows - written)):
                    action_number += 1
                    prefix = PREFIXES[action_number % len(PREFIXES)]
                    label, colour = random_.choices(
                        [(s[0], s[1]) for s in STATUSES], weights=[s[2] for s in STATUSES]
                    )[0]
                    status = WriteOnlyCell(sheet, value=label or None)
                    if colour:
                        status.fill = fills[colour]
                    commentary = (
                        "No update available"
                        if not label
                        else " ".join(
                            random_.choices(WORDS, k=random_.randint(15, 70))
                        ).capitalize()
                        + "."
                    )
                    sheet.append(
                        [
                            f"{index}.{deliverable}" if position == 0 else None,
                            text if position == 0 else None,
                            f"{prefix}{action_number}",
                            f"Action {action_number}: " + " ".join(random_.choices(WORDS, k=10)),
                            status,
                            commentary,
                        ]
                    )
                    written += 1
        out = Path(options["out"])
        book.save(out)
        self.stdout.write(
            f"Wrote {options['rows']} action rows to {out} ({out.stat().st_size} bytes)"
        )
