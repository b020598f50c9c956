"""What the tracker reader makes of each column: meaning, evidence, samples, confidence, quarter
groups, and a confirmed mapping taking precedence over the guess."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings

from deliverables.tracker.layout import read_tracker
from deliverables.tracker.meanings import IGNORE, Mapping, header_signature
from plans.workbook import open_tracker

LEGACY = Path(settings.BASE_DIR) / "fixtures" / "legacy"


def read(path: Path, mapping: Mapping | None = None):
    with open_tracker(path) as workbook:
        return read_tracker(workbook, mapping)


def xlsx(tmp_path: Path, rows: list[list], *, title: str = "Tracker", merges=()) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    path = tmp_path / f"{title}.xlsx"
    book.save(path)
    return path


def by_header(result) -> dict:
    return {guess.header: guess for guess in result.columns}


def meanings(result) -> dict[str, str]:
    return {guess.header: guess.meaning for guess in result.columns}


def test_a_commercial_systems_export_is_read_column_by_column(tmp_path):
    """Code, Title, Status, Latest Note, Assigned To, Due Date, Stage, % Complete: a CSV in
    Windows-1252 that used to import nothing."""
    text = "\r\n".join(
        [
            "Code,Title,Status,Latest Note,Assigned To,Due Date,Stage,% Complete",
            "HS-001,Deliver 250 new council homes,On Track,Planning approved – two sites,"
            "J Smith,31/03/2024,Delivery,45%",
            "HS-002,Review the allocations policy,Completed,Adopted by Cabinet,A Khan,"
            "30/06/2023,Completed,100%",
            "HS-003,Open the community hub,At Risk,£40k overspend,B Jones,Autumn 2024,Planning,10%",
        ]
    )
    path = tmp_path / "Pentana export.csv"
    path.write_bytes(text.encode("cp1252"))

    result = read(path)

    assert meanings(result) == {
        "Code": "action_ref",
        "Title": "action",
        "Status": "status",
        "Latest Note": "commentary",
        "Assigned To": "lead",
        "Due Date": "due",
        "Stage": "stage",
        "% Complete": "percent_complete",
    }
    assert {g.confidence for g in result.columns} == {"high"}
    status = by_header(result)["Status"]
    assert status.evidence == "header says 'Status'; values are On Track, Completed, At Risk"
    assert status.samples == ["On Track", "Completed", "At Risk"]
    assert (status.letter, status.index, status.key, status.source) == ("C", 2, "status", "guess")
    first, _, third = result.rows
    assert (first.action_ref, first.action, first.lead) == (
        "HS-001",
        "Deliver 250 new council homes",
        "J Smith",
    )
    assert (first.commentary, first.stage, first.percent_complete) == (
        "Planning approved – two sites",
        "Delivery",
        "45%",
    )
    assert (third.due, third.commentary) == ("Autumn 2024", "£40k overspend")
    assert result.header_keys == [
        "code",
        "title",
        "status",
        "latest note",
        "assigned to",
        "due date",
        "stage",
        "complete",
    ]


def test_an_improvement_plan_is_read_with_its_references_milestones_and_dates(tmp_path):
    path = xlsx(
        tmp_path,
        [
            ["Council Improvement Plan 2023"],
            [
                "Theme",
                "Workstream",
                "Ref",
                "Recommendation",
                "Action",
                "Lead",
                "Milestone",
                "Start",
                "End",
            ],
            [
                "Governance",
                "Decisions",
                "IP1.1",
                "R3",
                "Refresh the constitution",
                "MO",
                "Draft to Council",
                "Jun 2023",
                dt.datetime(2023, 12, 31),
            ],
            [
                "Governance",
                "Decisions",
                "IP1.2",
                "R4",
                "Train members",
                "DS",
                "Programme agreed",
                dt.datetime(2023, 5, 1),
                "TBC",
            ],
            [
                "Finance",
                "Budget",
                "IP2.1",
                "R7",
                "Set a balanced budget",
                "S151",
                "Budget to Cabinet",
                "Autumn 2023",
                45382,
            ],
        ],
    )

    result = read(path)

    assert meanings(result) == {
        "Theme": "theme",
        "Workstream": IGNORE,
        "Ref": "action_ref",
        "Recommendation": "external_ref",
        "Action": "action",
        "Lead": "lead",
        "Milestone": "milestone",
        "Start": "start",
        "End": "due",
    }
    # A second column of one meaning is listed with the reason, never silently dropped.
    workstream = by_header(result)["Workstream"]
    assert workstream.evidence.endswith("column A is already the theme")
    assert workstream.samples == ["Decisions", "Budget"]
    assert by_header(result)["End"].confidence == "medium"  # "End" alone is a weak header
    row = result.rows[0]
    assert (row.action_ref, row.external_ref, row.theme, row.milestone) == (
        "IP1.1",
        "R3",
        "Governance",
        "Draft to Council",
    )
    assert (row.start, row.due) == ("Jun 2023", dt.datetime(2023, 12, 31))
    assert result.rows[2].due == 45382  # an Excel serial, left for the importer to read


def test_a_wide_quarterly_tracker_with_two_row_headers_keeps_each_quarter_apart(tmp_path):
    path = xlsx(
        tmp_path,
        [
            ["Housing Directorate Tracker 2023/24"],
            [
                None,
                None,
                "Quarter 1 (Apr-Jun)",
                None,
                "Quarter 2 (Jul-Sep)",
                None,
                "Q3 2023/24",
                None,
            ],
            ["Ref", "Action", "RAG", "Commentary", "RAG", "Commentary", "RAG", "Commentary"],
            ["H1", "Build homes", "Green", "Started", "Amber", "Slipping", "Red", "Stopped"],
            ["H2", "Fix roofs", "Green", "Fine", "Green", "Fine", None, None],
        ],
        merges=["C2:D2", "E2:F2", "G2:H2"],
    )

    result = read(path)

    assert [(g.letter, g.header, g.key, g.meaning) for g in result.columns] == [
        ("A", "Ref", "ref", "action_ref"),
        ("B", "Action", "action", "action"),
        ("C", "Quarter 1 (Apr-Jun) RAG", "quarter 1 apr jun rag", "q1_status"),
        ("D", "Quarter 1 (Apr-Jun) Commentary", "quarter 1 apr jun commentary", "q1_commentary"),
        ("E", "Quarter 2 (Jul-Sep) RAG", "quarter 2 jul sep rag", "q2_status"),
        ("F", "Quarter 2 (Jul-Sep) Commentary", "quarter 2 jul sep commentary", "q2_commentary"),
        ("G", "Q3 2023/24 RAG", "q3 2023 24 rag", "q3_status"),
        ("H", "Q3 2023/24 Commentary", "q3 2023 24 commentary", "q3_commentary"),
    ]
    assert result.quarters == {1, 2, 3}
    first, second = result.rows
    assert {q: (p.status, p.commentary) for q, p in first.by_quarter.items()} == {
        1: ("Green", "Started"),
        2: ("Amber", "Slipping"),
        3: ("Red", "Stopped"),
    }
    assert (second.by_quarter[3].status, second.by_quarter[3].commentary) == ("", "")
    # Several quarters: no quarter's values stand in as the row's plain status.
    assert (first.status, first.commentary, first.quarter_hint) == ("", "", None)
    # The group headings are part of the header, not a section heading naming an outcome.
    assert first.outcome_candidates == ("Housing Directorate Tracker 2023/24", "Tracker")


def test_a_two_row_header_with_cells_merged_down_reads_one_header(tmp_path):
    path = xlsx(
        tmp_path,
        [
            ["Ref", "Action", "Q1 2023/24", None, "Q2 2023/24", None],
            [None, None, "RAG", "Commentary", "RAG", "Commentary"],
            ["H1", "Build homes", "Green", "Started", "Amber", "Slipping"],
        ],
        merges=["A1:A2", "B1:B2", "C1:D1", "E1:F1"],
    )

    result = read(path)

    assert [layout.header_row for layout in result.layouts["Tracker"]] == [2]
    assert meanings(result) == {
        "Ref": "action_ref",
        "Action": "action",
        "Q1 2023/24 RAG": "q1_status",
        "Q1 2023/24 Commentary": "q1_commentary",
        "Q2 2023/24 RAG": "q2_status",
        "Q2 2023/24 Commentary": "q2_commentary",
    }
    [row] = result.rows
    assert (row.row, row.by_quarter[2].status) == (3, "Amber")


@pytest.mark.parametrize(
    ("header", "values", "meaning"),
    [
        ("Q1 RAG", ["Green", "Amber"], "q1_status"),
        ("Q3 Rating - RAG", ["On Track", "Complete"], "q3_status"),
        ("Quarter 2 update", ["Going well", "Delayed by the supplier"], "q2_commentary"),
        ("Q3 October - December", ["Work is going well", "Slipped"], "q3_commentary"),
        ("Jul - Sep commentary", ["Work is going well", "Slipped"], "q2_commentary"),
        ("Apr-Jun", ["Green", "Red"], "q1_status"),
        ("Apr-Jun", ["Work is going well", "Slipped"], "q1_commentary"),
        ("Q4 2023/24", ["Work is going well", "Slipped"], "q4_commentary"),
        ("Q1 Target", ["50 homes", "20 homes"], IGNORE),
        ("Progress", ["45%", "100%"], "percent_complete"),
        ("Progress", [0.45, 1], "percent_complete"),
        ("Progress", ["Planning approved", "Adopted"], "commentary"),
        ("Progress to date", ["Planning approved", "Adopted"], "commentary"),
        ("Position", ["G", "A"], "status"),
        ("Scheme cost", ["Town fund", "Parks"], IGNORE),
    ],
)
def test_header_words_and_values_together_say_what_a_column_is(tmp_path, header, values, meaning):
    rows = [["Ref", "Action", "Lead", header]]
    rows += [[f"A{n}", f"Build {n} homes", "Sam", value] for n, value in enumerate(values, 1)]
    result = read(xlsx(tmp_path, rows))
    assert meanings(result)[header] == meaning


def test_confidence_says_whether_header_and_values_agree(tmp_path):
    rows = [["Ref", "Action", "Status", "Due date", "Col E", "Comments"]]
    rows += [
        ["A1", "Build homes", "Building", "Soon", "45%", None],
        ["A2", "Fix roofs", "Fixing", "Later", "10%", None],
    ]
    result = read(xlsx(tmp_path, rows))
    columns = by_header(result)

    # The header alone: medium, and the evidence says what the values look like instead.
    assert (columns["Status"].meaning, columns["Status"].confidence) == ("status", "medium")
    assert columns["Due date"].confidence == "medium"
    assert columns["Due date"].evidence == "header says 'Due date'; values are Soon, Later"
    # The values alone: low.
    assert (columns["Col E"].meaning, columns["Col E"].confidence) == ("percent_complete", "low")
    assert columns["Col E"].evidence == (
        "header says 'Col E'; values look like percentages: 45%, 10%"
    )
    # A header with nothing below it to check.
    assert (columns["Comments"].confidence, columns["Comments"].samples) == ("medium", [])
    assert columns["Comments"].evidence == "header says 'Comments'; no values below it"


def test_every_column_is_listed_including_the_unknown_and_the_unheaded(tmp_path):
    rows = [["Ref", "Action", "RAG", "Cost centre", None]]
    rows += [["A1", "Build homes", "Green", "CC100", "see email"]]
    result = read(xlsx(tmp_path, rows))
    assert [(g.letter, g.key, g.meaning, g.confidence) for g in result.columns][3:] == [
        ("D", "cost centre", IGNORE, "low"),
        ("E", "column e", IGNORE, "low"),
    ]
    assert (
        by_header(result)[""].evidence
        == "no header; values are see email: nothing the importer reads"
    )
    assert result.header_keys == ["ref", "action", "rag", "cost centre"]


def test_the_sandwell_trackers_name_one_quarter_and_keep_their_plain_values():
    corporate = read(LEGACY / "corporate-plan-tracker-2023-24-q3.xlsx")
    assert corporate.quarters == {3}
    assert meanings(corporate)["Q3 Rating - RAG"] == "q3_status"
    assert meanings(corporate)["Q3 October - December"] == "q3_commentary"
    first = corporate.rows[0]
    assert (first.by_quarter[3].status, first.status, first.status_fill) == (
        "On Track",
        "On Track",
        "#92D050",
    )
    assert first.commentary == first.by_quarter[3].commentary != ""

    council = read(LEGACY / "ad-business-plan-red-actions-2024-25-q2.xlsx")
    assert council.quarters == {2}
    rag = by_header(council)["RAG Rating"]
    assert rag.meaning == "q2_status"  # beside "Q2 Commentary": that quarter's rating
    assert rag.evidence.endswith("beside Q2's columns, so Q2's")
    assert all(row.status == row.by_quarter[2].status == "Delayed" for row in council.rows)


def test_a_mapping_overrides_a_guess(tmp_path):
    rows = [["Ref", "Action", "RAG", "Commentary", "Notes"]]
    rows += [["A1", "Build homes", "Green", "Going well", "Ask Sam"]]
    path = xlsx(tmp_path, rows)
    mapping = Mapping(columns={"commentary": IGNORE, "notes": "commentary"})

    result = read(path, mapping)

    columns = by_header(result)
    assert (columns["Notes"].meaning, columns["Notes"].source) == ("commentary", "you")
    assert columns["Notes"].evidence.startswith("the mapping says Commentary (guessed: ")
    assert (columns["Commentary"].meaning, columns["Commentary"].source) == (IGNORE, "you")
    assert columns["RAG"].source == "guess"
    assert result.rows[0].commentary == "Ask Sam"


def test_a_mapping_finds_a_header_the_guesser_does_not_know(tmp_path):
    rows = [["Scheme", "Position", "Remarks"], ["Town fund", "G", "Going well"]]
    path = xlsx(tmp_path, rows)

    unmapped = read(path)
    assert not unmapped.rows
    assert [s.reason for s in unmapped.skipped_sheets] == [
        "no header row naming actions and their status or commentary"
    ]
    # Its columns are still listed, so that the administrator can say what they are.
    assert meanings(unmapped) == {"Scheme": IGNORE, "Position": "status", "Remarks": "commentary"}
    assert unmapped.header_keys == ["scheme", "position", "remarks"]

    mapped = read(path, Mapping(columns={"scheme": "action", "position": "status"}))
    [row] = mapped.rows
    assert (row.action, row.status, row.commentary) == ("Town fund", "G", "Going well")
    assert not mapped.skipped_sheets


def test_the_same_headers_in_another_order_have_one_signature(tmp_path):
    first = read(xlsx(tmp_path, [["Ref", "Action", "RAG"], ["A1", "Build", "Green"]]))
    other = tmp_path / "other"
    other.mkdir()
    second = read(xlsx(other, [["RAG", "Action", "Ref"], ["Green", "Build", "A1"]]))
    third = read(
        xlsx(other, [["Ref", "Action", "RAG Status"], ["A1", "Build", "Green"]], title="B")
    )
    assert header_signature(first.header_keys) == header_signature(second.header_keys)
    assert header_signature(first.header_keys) != header_signature(third.header_keys)


def test_a_header_written_twice_on_one_row_gets_a_second_key(tmp_path):
    rows = [["Ref", "Action", "RAG", "Comments", "Comments"]]
    rows += [["A1", "Build homes", "Green", "Going well", "Second thoughts"]]
    result = read(xlsx(tmp_path, rows))
    assert [(g.key, g.meaning) for g in result.columns][3:] == [
        ("comments", "commentary"),
        ("comments#2", IGNORE),
    ]
    mapped = read(
        xlsx(tmp_path, rows), Mapping(columns={"comments": IGNORE, "comments#2": "commentary"})
    )
    assert mapped.rows[0].commentary == "Second thoughts"


def test_a_column_is_judged_from_its_first_fifty_rows(tmp_path):
    """Guessing reads at most 50 rows a column, so a long file reads as fast as a short one."""
    rows = [["Ref", "Action", "Lead", "Position"]]
    rows += [[f"A{n}", f"Build {n} homes", "Sam", "Green"] for n in range(1, 51)]
    rows += [[f"B{n}", f"Fix {n} roofs", "Sam", "Work continues on site"] for n in range(1, 51)]
    result = read(xlsx(tmp_path, rows))
    assert by_header(result)["Position"].meaning == "status"
    assert len(result.rows) == 100
