"""Reading tracker workbooks by meaning: header rows, column roles, outcomes, merged cells."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from openpyxl.styles import PatternFill

from deliverables.tracker.layout import header_role, read_tracker
from plans.workbook import open_tracker

LEGACY = Path(settings.BASE_DIR) / "fixtures" / "legacy"


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("CP Ref", "deliverable_ref"),
        ("Deliverable", "deliverable"),
        ("BP Ref.", "action_ref"),
        ("Key deliverables (Directorate Action)", "action"),
        ("Directorate Action", "action"),
        ("Q3 Rating - RAG", "status"),
        ("RAG Rating", "status"),
        ("RAG Status", "status"),
        ("Q3 October - December", "commentary"),
        ("Q2 Commentary", "commentary"),
        ("Q2 Update", "commentary"),
        ("Strategic Outcome", "outcome"),
        ("Workstream", "theme"),
        ("Lead", "lead"),
        ("Start Date", "start"),
        ("Due date", "due"),
        ("Actions (Organisational culture)", "action"),
        ("We will work with our partners to support schools to improve attendance", None),
    ],
)
def test_header_words_name_their_column(header, role):
    assert header_role(header) == role


def read(path: Path):
    with open_tracker(path) as workbook:
        return read_tracker(workbook)


def test_the_2023_24_tracker_reads_every_action_row_with_its_outcome():
    result = read(LEGACY / "corporate-plan-tracker-2023-24-q3.xlsx")
    assert len(result.rows) == 236
    assert not result.skipped_sheets
    first = result.rows[0]
    assert first.outcome_candidates[:2] == (
        "The Best Start in Life for Children and Young People",
        "Best Start",
    )
    assert (first.deliverable_ref, first.action_ref, first.status) == ("IR1", "CH11", "On Track")
    assert first.status_fill == "#92D050"
    # Row 5 sits under the deliverable merged down from row 4.
    second = result.rows[1]
    assert second.action_ref == "PH8"
    assert second.deliverable == first.deliverable
    assert result.layouts["Best Start"][0].quarter_hint == 3


def test_the_2024_25_workbook_takes_outcomes_from_its_section_headings():
    result = read(LEGACY / "ad-business-plan-red-actions-2024-25-q2.xlsx")
    assert len(result.rows) == 23
    headings = [row.outcome_candidates[0] for row in result.rows]
    assert headings.count("GROWING UP IN SANDWELL") == 2
    assert headings.count("THRIVING ECONOMY IN SANDWELL") == 8
    assert all(row.status == "Delayed" for row in result.rows)
    assert result.rows[0].commentary.startswith("<p>")  # sanitised later, by the importer


def test_another_councils_layout_reads_by_meaning(tmp_path):
    """Reordered columns, other headings, an outcome column, instructions and hidden sheets."""
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Instructions"
    notes["A1"] = "Fill in one row per action. Use the RAG Status drop-down."
    sheet = book.create_sheet("Q1 return")
    sheet.append(["County Council performance return"])
    sheet.append([])
    sheet.append(
        [
            "RAG Status",
            "Progress update",
            "Action Ref",
            "Action",
            "Strategic Outcome",
            "Directorate",
        ]
    )
    sheet.append(["Green", "Going well", "ENV 4", "Plant trees", "A greener county", "Environment"])
    sheet.append(["Red", "Behind", "ENV 5", "Cut emissions", "A greener county", "Environment"])
    sheet["A5"].fill = PatternFill("solid", fgColor="FF0000")
    hidden = book.create_sheet("Old data")
    hidden.append(["Action Ref", "Action", "RAG Status"])
    hidden.append(["X1", "Ignore me", "Green"])
    hidden.sheet_state = "hidden"
    path = tmp_path / "county.xlsx"
    book.save(path)

    result = read(path)
    assert [(s.sheet, s.reason) for s in result.skipped_sheets] == [
        ("Instructions", "no header row naming actions and their status or commentary"),
        ("Old data", "hidden sheet"),
    ]
    assert [(r.action_ref, r.action, r.status, r.commentary) for r in result.rows] == [
        ("ENV 4", "Plant trees", "Green", "Going well"),
        ("ENV 5", "Cut emissions", "Red", "Behind"),
    ]
    assert result.rows[0].outcome_candidates[0] == "A greener county"
    assert result.rows[0].directorate == "Environment"
    assert result.rows[1].status_fill == "#FF0000"
    assert result.layouts["Q1 return"][0].quarter_hint is None
