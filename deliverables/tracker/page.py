"""What the import page shows, worked out from an import record's summary.

The summary is what the importer kept (importer.ImportPreview.summary); a key it does not
have (an import recorded before it was added) shows as nothing, never as an error.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from deliverables.models import ImportRecord
from deliverables.tracker.meanings import IGNORE, MEANING_LABELS

KINDS = ("outcomes", "deliverables", "actions", "updates")
STRUCTURE = [
    ("outcomes", "Outcomes"),
    ("themes", "Themes"),
    ("deliverables", "Deliverables"),
    ("actions", "Actions"),
    ("milestones", "Milestones"),
]


def where(rows: list) -> str:
    """[["Housing", 4], ["Housing", 7], ["Adults", 2]] -> "Sheet 'Housing' rows 4, 7; sheet
    'Adults' row 2"."""
    by_sheet: dict[str, list[str]] = {}
    for sheet, row in (tuple(r) for r in rows or []):
        by_sheet.setdefault(str(sheet), []).append(str(row))
    parts = [
        f"sheet '{sheet}' row{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}"
        for sheet, numbers in by_sheet.items()
    ]
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


@dataclass
class ColumnGroup:
    """The columns of a file with one header key: one meaning between them."""

    key: str
    header: str
    meaning: str
    evidence: str
    confidence: str
    source: str
    samples: list[str] = field(default_factory=list)
    places: list[tuple[str, str]] = field(default_factory=list)  # (sheet, column letter)

    @property
    def meaning_label(self) -> str:
        return MEANING_LABELS.get(self.meaning, self.meaning)

    @property
    def place(self) -> str:
        by_sheet: dict[str, list[str]] = {}
        for sheet, letter in self.places:
            by_sheet.setdefault(sheet, []).append(letter)
        return "; ".join(
            f"'{sheet}' column{'s' if len(letters) > 1 else ''} {', '.join(letters)}"
            for sheet, letters in by_sheet.items()
        )


def column_groups(columns: list[dict]) -> list[ColumnGroup]:
    """Every column of every sheet, one group per header key, in the order first seen. A
    sheet-per-directorate file lists each header once, with the sheets that have it."""
    groups: dict[str, ColumnGroup] = {}
    for column in columns or []:
        key = str(column.get("key", ""))
        group = groups.get(key)
        if group is None:
            group = groups[key] = ColumnGroup(
                key=key,
                header=str(column.get("header", "")),
                meaning=str(column.get("meaning", IGNORE)),
                evidence=str(column.get("evidence", "")),
                confidence=str(column.get("confidence", "")),
                source=str(column.get("source", "guess")),
            )
        group.places.append((str(column.get("sheet", "")), str(column.get("letter", ""))))
        for sample in column.get("samples") or []:
            if len(group.samples) < 3 and str(sample) not in group.samples:
                group.samples.append(str(sample))
    return list(groups.values())


def figures(summary: dict) -> list[tuple[str, int, int, int]]:
    return [
        (
            kind,
            (summary.get("created") or {}).get(kind, 0),
            (summary.get("updated") or {}).get(kind, 0),
            (summary.get("unchanged") or {}).get(kind, 0),
        )
        for kind in KINDS
    ]


def quarter_figures(summary: dict) -> list[dict]:
    """Updates by quarter, earliest first: a multi-quarter tracker writes into several."""
    quarters = summary.get("quarters") or {}
    return [{"code": code, **quarters[code]} for code in sorted(quarters)]


def structure(summary: dict) -> list[tuple[str, list[dict]]]:
    """What the import would create, by kind, each item with the rows it came from."""
    found = summary.get("structure") or {}
    sections = []
    for kind, label in STRUCTURE:
        items = [{**item, "where": where(item.get("rows"))} for item in found.get(kind) or []]
        if items:
            sections.append((label, items))
    return sections


def hidden_rows(summary: dict) -> str:
    return where([[item.get("sheet"), item.get("row")] for item in summary.get("hidden") or []])


def preview_seen(record: ImportRecord) -> str:
    """Which preview a page showed: the confirm button sends it back, and a preview changed
    since (its mapping or answers changed in another tab) is shown again, not imported."""
    shown = json.dumps(
        [record.summary or {}, record.mapping or {}, record.answers or {}, record.new_plan or {}],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def page_context(record: ImportRecord) -> dict:
    """Everything the import page shows apart from its forms."""
    summary = record.summary or {}
    return {
        "preview_seen": preview_seen(record),
        "figures": figures(summary),
        "quarters": quarter_figures(summary),
        "structure": structure(summary),
        "columns": column_groups(summary.get("columns") or []),
        "unused_columns": column_groups(summary.get("unused_columns") or []),
        "hidden_rows": hidden_rows(summary),
    }
