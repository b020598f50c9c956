"""Reading tracker workbooks by meaning: header rows, column roles, outcomes, merged cells."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from openpyxl.styles import PatternFill

from deliverables.tracker.layout import header_role, read_tracker
from deliverables.tracker.meanings import IGNORE, Mapping
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
        ("Code", "ref"),
        ("ID", "ref"),
        ("Title", "action"),
        ("Name", "action"),
        ("Latest Note", "commentary"),
        ("Latest Update", "commentary"),
        ("Progress to date", "commentary"),
        ("Progress update", "commentary"),
        ("Assigned To", "lead"),
        ("Responsible Officer", "lead"),
        ("Action Owner", "lead"),
        ("Action Status", "status"),
        ("Stage", "stage"),
        ("Phase", "stage"),
        ("% Complete", "percent_complete"),
        ("Percent complete", "percent_complete"),
        ("Milestone(s)", "milestone"),
        ("Key milestones", "milestone"),
        ("Recommendation", "external_ref"),
        ("Review reference", "external_ref"),
        ("Source", "external_ref"),
        ("Completion date", "due"),
        ("Target date", "due"),
        ("Deadline", "due"),
        ("End", "due"),
        ("Start", "start"),
        ("Apr-Jun", "commentary"),
        ("Quarter 2 update", "commentary"),
        ("Q1 Target", None),
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


def _save(book: openpyxl.Workbook, path: Path) -> Path:
    book.save(path)
    return path


def test_rows_that_are_not_data_are_skipped_with_a_reason(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Housing"
    sheet.append(["Please complete one row per action and choose a RAG from the list."])
    sheet.append(["Ref", "Action", "RAG", "Commentary"])
    sheet.append(["No.", "Text", "RAG", "Text"])  # 3: units
    sheet.append(["H1", "Build homes", "Green", "Going well"])
    sheet.append(["Guidance: add a row for each new action"])  # 5
    sheet.append([None, "Select from list", "Select from list"])  # 6
    sheet.append([None, None, "Choose an item."])  # 7
    sheet.append([None, None, None, None])  # 8: formatting only, between data rows
    for column in "ABCD":
        sheet[f"{column}8"].fill = PatternFill("solid", fgColor="D9D9D9")
    sheet.append(["H2", "Total rewrite of the allocations policy", "Amber", "Total slipped"])
    sheet.append(["Total", 2])  # 10
    sheet.append([None, 2])  # 11: a count
    sheet.append(["Key"])  # 12
    sheet.append(["Green = On track", "Amber = Some slippage", "Red = Off track"])  # 13
    sheet.append([None, None, "Red"])  # 14: a colour alone
    sheet.append([None, None, None, None])  # 15: formatting only, below the data: not listed
    sheet["A15"].fill = PatternFill("solid", fgColor="D9D9D9")

    result = read(_save(book, tmp_path / "housing.xlsx"))

    assert [(n["row"], n["reason"]) for n in result.noise] == [
        (3, "a units row"),
        (5, "an instruction row"),
        (6, "a blank drop-down ('Select from list')"),
        (7, "a blank drop-down ('Choose an item.')"),
        (8, "formatting only, no values"),
        (10, "a totals row"),
        (11, "a count row: the action column holds a number"),
        (12, "a colour key or legend"),
        (13, "a colour key or legend"),
        (14, "a colour key or legend"),
    ]
    assert {n["sheet"] for n in result.noise} == {"Housing"}
    # A row with real action text is data, whatever words it holds.
    assert [(r.row, r.action_ref) for r in result.rows] == [(4, "H1"), (9, "H2")]
    # The instruction above the header is not a heading that could name an outcome.
    assert result.rows[0].outcome_candidates == ("Housing",)


def test_hidden_rows_are_read_and_flagged(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Ref", "Action", "RAG", "Commentary"])
    sheet.append(["A1", "Shown", "Green", "Fine"])
    sheet.append(["A2", "Filtered out", "Red", "Late"])
    sheet.row_dimensions[3].hidden = True
    result = read(_save(book, tmp_path / "hidden.xlsx"))
    assert [(r.action_ref, r.hidden) for r in result.rows] == [("A1", False), ("A2", True)]


def test_hidden_rows_of_an_old_xls_are_flagged(tmp_path):
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Return")
    for number, row in enumerate(
        [
            ["Ref", "Action", "RAG", "Commentary"],
            ["A1", "Shown", "Green", "Fine"],
            ["A2", "Hidden", "Red", "Late"],
        ]
    ):
        for column, text in enumerate(row):
            sheet.write(number, column, text)
    sheet.row(2).hidden = True
    path = tmp_path / "old.xls"
    book.save(str(path))
    result = read(path)
    assert [(r.action_ref, r.hidden) for r in result.rows] == [("A1", False), ("A2", True)]


def _titled_tracker(tmp_path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Housing"
    sheet.append(["Directorate Business Plan Tracker 2023/24 - Housing - Quarter 3"])
    sheet.append([])
    sheet.append(["BUILDING HOMES"])
    sheet.append(["Ref", "Action", "Priority", "RAG", "Commentary"])
    sheet.append(["H1", "Build homes", "Quality homes", "Green", "Fine"])
    sheet.append(["H2", "Fix roofs", None, "Amber", "Late"])
    return _save(book, tmp_path / "housing-q3.xlsx")


def test_titles_and_sheet_names_match_outcomes_but_never_create_one_by_default(tmp_path):
    result = read(_titled_tracker(tmp_path))
    first, second = result.rows
    assert first.outcome_candidates == (
        "Quality homes",
        "BUILDING HOMES",
        "Directorate Business Plan Tracker 2023/24 - Housing - Quarter 3",
        "Housing",
    )
    assert first.outcome_creatable == ("Quality homes",)  # the outcome column always may
    assert second.outcome_creatable == ()
    assert (first.heading_theme, second.heading_theme) == ("", "")


def test_headings_and_sheet_names_create_outcomes_or_themes_when_mapped(tmp_path):
    path = _titled_tracker(tmp_path)
    with open_tracker(path) as workbook:
        as_outcomes = read_tracker(workbook, Mapping(headings="outcome", sheet_names="outcome"))
    assert as_outcomes.rows[1].outcome_creatable == ("BUILDING HOMES", "Housing")

    with open_tracker(path) as workbook:
        as_themes = read_tracker(workbook, Mapping(headings="theme", sheet_names=IGNORE))
    second = as_themes.rows[1]
    assert second.heading_theme == "BUILDING HOMES"
    assert second.outcome_candidates == ()  # headings are themes, the sheet name nothing
    assert second.outcome_creatable == ()

    with open_tracker(path) as workbook:
        sheet_themes = read_tracker(workbook, Mapping(headings=IGNORE, sheet_names="theme"))
    assert sheet_themes.rows[1].heading_theme == "Housing"


@pytest.mark.django_db
def test_importing_a_titled_tracker_invents_no_outcome(tmp_path):
    from deliverables.tracker.services import tracker_import
    from tests import factories

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Housing"
    sheet.append(["Directorate Business Plan Tracker 2023/24 - Housing - Quarter 3"])
    sheet.append(["Ref", "Action", "RAG", "Commentary"])
    sheet.append(["H1", "Build homes", "On Track", "Fine"])
    path = _save(book, tmp_path / "housing.xlsx")
    plan = factories.plan("county")
    record = tracker_import(None, plan, "2023-24-Q3", path.read_bytes(), path.name, dry_run=True)
    assert record.summary["created"]["outcomes"] == 0
