"""Tracker files in layouts other councils publish and other systems export, built in memory.

Each builder returns a `TrackerFile`: the file's bytes, and the plain-Python model it was
written from (the actions the plan holds before the import, every update the import must
write, the rows that are noise, the columns nobody should import). Tests build their
expectations from that model, never from what the importer says.

Every builder's docstring names the public documents its headers, title rows, totals, keys and
value styles follow. The actions and commentary are Sandwell's own (seeds 001-003 in
../shared/seeds/, shortened), so the files read like a council's real return.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

import openpyxl
from openpyxl.styles import Font, PatternFill

# The scale the files are written against: Sandwell's 2023/24 tracker scale, with the colours
# of fixtures/sandwell/corporate-plan-2021-25.json (its spellings include Green, Amber, Red,
# Blue and Completed).
ON = "On Track"
MEDIUM = "Medium Issue/Slippage"
SIGNIFICANT = "Significant issues/risks/slippage"
COMPLETE = "Complete"
NO_UPDATE = "No Update"
COLOURS = {ON: "92D050", MEDIUM: "FFC000", SIGNIFICANT: "FF0000", COMPLETE: "00B0F0"}

# Sandwell's outcomes, as the corporate plan fixture names them: actions are placed under them.
BEST_START = "The Best Start in Life for Children and Young People"
HOMES = "Quality Homes in Thriving Neighbourhoods"
ECONOMY = "A Strong and Inclusive Economy"
ONE_COUNCIL = "One Council One Team"
LIVE_WELL = "People Live Well and Age Well"


@dataclass(frozen=True)
class Planned:
    """An action the plan holds before the import."""

    ref: str
    title: str
    outcome: str
    due: dt.date | None = None


@dataclass(frozen=True)
class Expected:
    """One update the import must write: the right action, quarter, status and commentary."""

    ref: str
    period: str  # "2023-24-Q1"
    status: str  # the scale's label
    commentary: str
    sheet: str
    row: int


@dataclass(frozen=True)
class WrittenDate:
    """A date as a file writes it and what it must become: an exact date, a date within a
    range (a month, a season), and/or words kept in the date note."""

    written: object
    exact: dt.date | None = None
    within: tuple[dt.date, dt.date] | None = None
    note: str = ""


@dataclass(frozen=True)
class NewAction:
    """An action the import must create (a plan that has only its outcomes)."""

    ref: str
    title: str
    outcome: str
    theme: str
    lead: str
    external_ref: str
    start: WrittenDate
    due: WrittenDate
    milestones: tuple[tuple[str, WrittenDate, WrittenDate], ...] = ()


@dataclass
class TrackerFile:
    """A built file and the model it was written from."""

    name: str
    filename: str
    data: bytes
    period: str  # the quarter an administrator would choose on upload
    outcomes: list[str]  # the plan's outcomes before the import
    actions: list[Planned]  # the plan's actions before the import
    updates: list[Expected]  # every update the import must write, and no others
    noise: list[tuple[str, int]] = field(default_factory=list)  # (sheet, row) skipped as noise
    # (sheet, 0-based index, header, meaning) of every column; "ignore" is not imported
    columns: list[tuple[str, int, str, str]] = field(default_factory=list)
    hidden_rows: list[tuple[str, int]] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    new_actions: list[NewAction] = field(default_factory=list)
    # (sheet, row, colour as written, the scale's label, exact?) for statuses read from a fill
    from_colour: list[tuple[str, int, str, str, bool]] = field(default_factory=list)
    # (sheet, row) of rows the import must ask about rather than guess, and write nothing for
    asked: list[tuple[str, int]] = field(default_factory=list)
    # due dates of existing actions: ref -> the date the action has after the import
    due_after: dict[str, dt.date] = field(default_factory=dict)
    leads_after: dict[str, str] = field(default_factory=dict)  # ref -> lead_role after import

    @property
    def unused(self) -> list[tuple[str, int, str]]:
        return [(sheet, i, header) for sheet, i, header, m in self.columns if m == "ignore"]

    @property
    def quarters(self) -> dict[str, int]:
        """Updates created per quarter on the first import: "2023-24-Q1" -> count."""
        counts: dict[str, int] = {}
        for update in self.updates:
            counts[update.period] = counts.get(update.period, 0) + 1
        return counts


# -- Sandwell actions the files report on (seed 001, titles as the plan holds them) ---------

CHILDREN = [
    Planned(
        "CH11",
        "Deliver the Family Hubs Programme, creating a network of Family Hubs and spokes which "
        "provide services for children 0 - 18 (25 if SEND)",
        BEST_START,
    ),
    Planned(
        "CH15",
        "Continue to support Sandwell Children's Trust to improve the quality of children's "
        "social care through robust contract monitoring and management",
        BEST_START,
    ),
    Planned(
        "CH14",
        "Deliver the Corporate Parenting Action Plan, continuing to review and strengthen the "
        "corporate parenting function and governance arrangements",
        BEST_START,
    ),
    Planned("PH8", "Public Health support to babies and parents", BEST_START),
    Planned("BE5", "Deliver Play, Talk, Read in all libraries", BEST_START),
    Planned(
        "BE6", "Increase library membership of under 5's through Sandy Bear project", BEST_START
    ),
]

# Per action, Q1..Q3 2023/24: (status as written, the scale's label, commentary).
QUARTERLY = {
    "CH11": [
        ("On Track", ON, "Family Hub model drafted: 7 main hubs with spokes proposed."),
        ("On Track", ON, "Family Hub model signed off; mapping of spoke locations under way."),
        ("On Track", ON, "Spoke locations identified; 4 more partners deliver from the hubs."),
    ],
    "CH15": [
        ("Amber", MEDIUM, "Two KPIs in the red zone in June; contract sum talks not started."),
        ("On Track", ON, "Only one KPI in the red zone in September."),
        ("Green", ON, "No KPIs in the red zone in November; provisional contract sum agreed."),
    ],
    "CH14": [
        ("On Track", ON, "Corporate Parenting Board refreshed its terms of reference."),
        ("Amber", MEDIUM, "Emotional well-being pilot delayed by recruitment."),
        (MEDIUM, MEDIUM, "The pilot now starts on 8 January 2024 for 15 months."),
    ],
    "PH8": [
        ("Green", ON, "New birth visits at 96.1% against a national average of 80%."),
        ("Green", ON, "New birth visits at 97.2%."),
        ("On Track", ON, "Sandwell achieves 97.9% of new birth visits."),
    ],
    "BE5": [
        ("Red", SIGNIFICANT, "Sessions paused while two libraries were closed for repairs."),
        ("Amber", MEDIUM, "Sessions restarted in 14 of 19 libraries."),
        ("On Track", ON, "126 sessions delivered."),
    ],
    "BE6": [
        ("On Track", ON, "812 active members."),
        ("On Track", ON, "901 active members."),
        ("Complete", COMPLETE, "969 active members: the year's target is met."),
    ],
}
QUARTER_GROUPS = {
    1: ("Quarter 1 (Apr-Jun)", "Q1 RAG", "Q1 Update"),
    2: ("Quarter 2 (Jul-Sep)", "Q2 RAG", "Quarter 2 update"),
    3: ("Quarter 3 (Oct-Dec)", "Q3 Rating - RAG", "Q3 October - December"),
    4: ("Quarter 4 (Jan-Mar)", "Q4 RAG", "Q4 January - March"),
}


def _xlsx(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)


def _columns(sheet: str, headers: list[str], meanings: list[str]) -> list[tuple]:
    return [(sheet, i, h, m) for i, (h, m) in enumerate(zip(headers, meanings, strict=True))]


def _merge_across(sheet, row: int, width: int) -> None:
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def wide_quarterly(
    header: str = "grouped", quarters: tuple[int, ...] = (1, 2, 3, 4), filled=(1, 2, 3)
) -> TrackerFile:
    """(a) A year's tracker, one row per action, each quarter's RAG and update side by side.

    `header="grouped"`: a two-row header, a merged group heading per quarter ("Quarter 1
    (Apr-Jun)") above "RAG" | "Update". `header="flat"`: one header row whose cells name their
    quarter ("Q1 RAG", "Quarter 2 update", "Q3 Rating - RAG", "Q3 October - December").
    `quarters` are the column groups the file has; of those, only `filled` have values (Q4 is
    empty in the default: the year is not over).

    Based on:
    - Sandwell's Corporate Plan tracker 2023/24 (seed 001, fixtures/legacy): "Q3 Rating - RAG",
      "Q3 October - December", the scale's words and Amber/Green spellings;
    - RBKC, "Council Plan Action Plan 2025-2027: tracking and monitoring progress", actions
      RAG-rated each quarter in one action plan,
      https://www.rbkc.gov.uk/council-councillors-and-democracy/how-council-works/council-plan-action-plan-2025-2027/tracking-and-monitoring-progress
    - Bracknell Forest, "Council plan overview report" (quarter 4 2024/25, statuses of 114
      actions by quarter), https://www.bracknell-forest.gov.uk/council-and-democracy/strategies-plans-and-policies/service-planning-and-performance/council-plan-overview-report/chief-executives-commentary
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tracker 2023-24"
    fixed = ["Ref", "Action", "Lead Officer", "Budget (£000)"]
    width = len(fixed) + 2 * len(quarters)
    sheet.append(["Corporate Plan 2023/24 – Quarterly Performance Tracker"])
    _merge_across(sheet, 1, width)
    sheet["A1"].font = Font(bold=True, size=14)
    if header == "grouped":
        groups = [None] * len(fixed)
        for q in quarters:
            groups += [QUARTER_GROUPS[q][0], None]
        sheet.append(groups)
        for index in range(len(quarters)):
            column = len(fixed) + 1 + 2 * index
            sheet.merge_cells(start_row=2, start_column=column, end_row=2, end_column=column + 1)
        headers = [*fixed, *["RAG", "Update"] * len(quarters)]
    else:
        headers = [*fixed, *[name for q in quarters for name in QUARTER_GROUPS[q][1:]]]
    sheet.append(headers)
    updates, leads = [], {}
    for offset, action in enumerate(CHILDREN, start=1):
        row = sheet.max_row + 1
        lead = LEADS[action.ref.rstrip("0123456789")]
        leads[action.ref] = lead
        values: list = [action.ref, action.title, lead, 10 * offset]
        fills = []
        for q in quarters:
            if q not in filled:
                values += [None, None]
                continue
            written, label, commentary = QUARTERLY[action.ref][q - 1]
            fills.append((len(values) + 1, COLOURS.get(label)))
            values += [written, commentary]
            updates.append(
                Expected(action.ref, f"2023-24-Q{q}", label, commentary, sheet.title, row)
            )
        sheet.append(values)
        for column, colour in fills:
            sheet.cell(row=row, column=column).fill = _fill(colour)
    return TrackerFile(
        name=f"wide quarterly ({header})",
        filename=f"corporate-plan-tracker-2023-24-{header}.xlsx",
        data=_xlsx(book),
        period="2023-24-Q3",
        outcomes=[BEST_START],
        actions=list(CHILDREN),
        updates=updates,
        columns=_columns(
            sheet.title,
            headers,
            [
                *["action_ref", "action", "lead", "ignore"],
                *[f"q{q}_{part}" for q in quarters for part in ("status", "commentary")],
            ],
        ),
        leads_after=leads,
    )


LEADS = {
    "CH": "Director of Children & Education",
    "PH": "Director of Public Health",
    "BE": "Director of Borough Economy",
}


# -- (b) a workbook with a sheet per directorate ------------------------------------------------

DIRECTORATES = {
    "Housing": [
        (
            "H14",
            "Delivery of Homeless & Rough Sleepers Implementation Plan",
            ON,
            "14 of the 35 actions complete and a further 15 on track.",
            None,
            dt.date(2024, 3, 31),
        ),
        (
            "H10",
            "Implementation of Empty Homes Strategy",
            MEDIUM,
            "The new Empty Property Officer is in post; 12 homes brought back into use.",
            dt.date(2024, 6, 30),
            dt.date(2024, 3, 31),
        ),
        (
            "H15",
            "Bid for funding and delivery of projects to retro fit properties to support "
            "climate change objectives",
            ON,
            "SHDF Wave 1 delivered; preparation for wave 2.1 under way.",
            None,
            None,
        ),
        (
            "H13",
            "Become an awarded Council of Sanctuary, as part of being recognised as a "
            "Borough of Sanctuary",
            COMPLETE,
            "Council of Sanctuary award made in December.",
            None,
            dt.date(2023, 12, 31),
        ),
    ],
    "Regeneration & Growth": [
        (
            "R8",
            "We will work with Housing Associations to increase the supply of affordable "
            "homes across the Borough.",
            ON,
            "Start on site at the Old Gas Works, Swan Lane, West Bromwich.",
            None,
            dt.date(2025, 3, 31),
        ),
        (
            "R12",
            "We will consult with all interested stakeholders, residents and businesses in "
            "developing the Local Plan for Sandwell.",
            ON,
            "REG 18 public consultation completed; results being analysed.",
            None,
            None,
        ),
        (
            "R13",
            "We will aim to increase the number of new homes in Sandwell in order to "
            "address a housing supply shortage.",
            SIGNIFICANT,
            "Funding strategy for the replacement primary school not yet agreed.",
            None,
            None,
        ),
    ],
    "Finance": [
        (
            "F8",
            "Develop and maintain a 12 month rolling cash flow",
            ON,
            "Cash-flow for 2024/25 under development and on target.",
            None,
            None,
        ),
        (
            "F9",
            "Review investment strategy and counterparty options",
            COMPLETE,
            "Treasury Management Strategy presented to Cabinet on 7 February.",
            None,
            None,
        ),
        (
            "F2",
            "Implement Oracle Fusion and achieve transformational benefits and cashable savings",
            MEDIUM,
            "Budget monitoring module delayed to June.",
            None,
            None,
        ),
    ],
}
_DIRECTORATE_OUTCOME = {"Housing": HOMES, "Regeneration & Growth": ECONOMY, "Finance": ONE_COUNCIL}
_WRITTEN = {ON: "On Track", MEDIUM: "Amber", SIGNIFICANT: "Red", COMPLETE: "Completed"}
KEY_MEANINGS = [
    (ON, "Action is on track to be delivered by the target date"),
    (MEDIUM, "Some slippage; action is being taken to bring it back on track"),
    (SIGNIFICANT, "Significant issues or risks: the target date will be missed"),
    (COMPLETE, "Action is complete"),
]


def directorate_workbook() -> TrackerFile:
    """(b) A directorate business plan workbook: a sheet per directorate, each with a title row
    ("Directorate Business Plan Tracker 2023/24 - Housing - Quarter 3"), an instruction row
    merged under the header, the template's unfilled "Select from list" rows, a totals row and
    a colour key block under the data; one action row is hidden, a guidance sheet has no
    tracker header and the drop-down lists sit on a hidden sheet.

    Based on:
    - Sandwell's directorate business plans (seed 004, Children's Services Directorate
      Business Plan) and Corporate Plan tracker 2023/24 (seed 001): one tracker per
      directorate, status words and fills of the scale, "Progress to date";
    - Rushmoor Borough Council, "Council Business Plan - Quarter 2 Performance Monitoring"
      (green - on course, amber - achievement in question, red - unable to achieve,
      blue - completed), https://democracy.rushmoor.gov.uk/mgAi.aspx?ID=10434
    - Allerdale Borough Council, "Quarter 3 Performance Report 2022/23" (projects and
      activities counted completed / on target / concerns),
      https://democracy.allerdale.gov.uk/mgDecisionDetails.aspx?IId=190216&Opt=1
    """
    book = openpyxl.Workbook()
    guidance = book.active
    guidance.title = "Guidance"
    guidance.append(["How to complete this tracker"])
    guidance.append(["Select a RAG status for every action from the drop-down list."])
    guidance.append(["Give a progress update of no more than 150 words. Return by 12 January."])
    header = [
        "Action Ref",
        "Directorate Action",
        "Responsible Officer",
        "Target Date",
        "RAG Status",
        "Progress to date",
        "Budget (£000)",
    ]
    width = len(header)
    meanings = ["action_ref", "action", "lead", "due", "status", "commentary", "ignore"]
    actions, updates, noise, columns, hidden = [], [], [], [], []
    due_after, leads_after = {}, {}
    for name, rows in DIRECTORATES.items():
        sheet = book.create_sheet(name)
        sheet.append([f"Directorate Business Plan Tracker 2023/24 - {name} - Quarter 3"])
        _merge_across(sheet, 1, width)
        sheet.append([])
        sheet.append(header)
        sheet.append(
            [
                "Please select the RAG status from the drop-down list and give a progress "
                "update of no more than 150 words."
            ]
        )
        _merge_across(sheet, 4, width)
        noise.append((name, 4))
        columns += _columns(name, header, meanings)
        lead = f"Director - {name}"
        for ref, title, label, commentary, due_before, due_written in rows:
            sheet.append([ref, title, lead, due_written, _WRITTEN[label], commentary, 25])
            row = sheet.max_row
            sheet.cell(row=row, column=5).fill = _fill(COLOURS[label])
            if due_written is not None:
                sheet.cell(row=row, column=4).number_format = "dd/mm/yyyy"
            actions.append(Planned(ref, title, _DIRECTORATE_OUTCOME[name], due_before))
            updates.append(Expected(ref, "2023-24-Q3", label, commentary, name, row))
            due_after[ref] = due_before or due_written
            leads_after[ref] = lead
            if ref == "H15":  # hidden in the sheet, but still reported on: read, and flagged
                sheet.row_dimensions[row].hidden = True
                hidden.append((name, row))
        for _ in range(2):  # the template's rows nobody filled in
            sheet.append([None, None, None, None, "Select from list", None, None])
            noise.append((name, sheet.max_row))
        counts = {label: sum(1 for r in rows if r[2] == label) for label in COLOURS}
        sheet.append(
            [
                "Total",
                f"{len(rows)} actions",
                None,
                None,
                None,
                ", ".join(f"{label}: {n}" for label, n in counts.items() if n),
                25 * len(rows),
            ]
        )
        noise.append((name, sheet.max_row))
        for _ in range(2):  # empty rows the template formatted: a fill and no value
            empty = sheet.max_row + 1
            for column in range(1, width + 1):
                sheet.cell(row=empty, column=column).fill = _fill("F2F2F2")
        sheet.append([None, "KEY"])
        noise.append((name, sheet.max_row))
        for label, meaning in KEY_MEANINGS:
            sheet.append([None, label, meaning])
            sheet.cell(row=sheet.max_row, column=2).fill = _fill(COLOURS[label])
            noise.append((name, sheet.max_row))
    lists = book.create_sheet("Lists")
    lists.append(["RAG Status", "Directorate Action"])
    for label in COLOURS:
        lists.append([label, "Select from list"])
    lists.sheet_state = "hidden"
    return TrackerFile(
        name="sheet per directorate",
        filename="directorate-business-plan-trackers-2023-24-q3.xlsx",
        data=_xlsx(book),
        period="2023-24-Q3",
        outcomes=[HOMES, ECONOMY, ONE_COUNCIL],
        actions=actions,
        updates=updates,
        noise=noise,
        columns=columns,
        hidden_rows=hidden,
        skipped_sheets=["Guidance", "Lists"],
        due_after=due_after,
        leads_after=leads_after,
    )


# -- (c) a performance system's CSV export, in Windows-1252 -------------------------------------

SYSTEM_ROWS = [
    # code, title, status, stage, % complete, latest note, assigned to, due, label
    (
        "CH11",
        CHILDREN[0].title,
        "In Progress",
        "Delivery",
        "60%",
        "Family Hub model signed off – 7 main hubs, spokes and mobile spokes.",
        "Strategic Lead – Early Help",
        "31/03/2025",
        dt.date(2025, 3, 31),
        ON,
    ),
    (
        "CH13",
        "Deliver Phase 2 of the £1.1m Emotional Wellbeing Grant Programme – children’s "
        "mental health",
        "Completed",
        "Completed",
        "100%",
        "Phase 2 completed in December; £290,550 allocated to community projects.",
        "Head of Service – Children’s Commissioning",
        "01/12/2023",
        dt.date(2023, 12, 1),
        COMPLETE,
    ),
    (
        "CH14",
        CHILDREN[2].title,
        "Overdue",
        "Delivery",
        "40%",
        "The CIC/CL emotional well-being pilot was pushed back to 8 January 2024.",
        "Virtual School Head",
        "30/11/2023",
        dt.date(2023, 11, 30),
        SIGNIFICANT,
    ),
    (
        "CH10",
        "Improve the quality of Personal Education Plans (PEPs) so that funding is "
        "appropriately targeted – the Virtual School’s priorities",
        "In Progress",
        "Completed",
        "100%",
        "PEP quality audit complete; the Virtual School’s targets were met.",
        "Virtual School Head",
        "31/12/2023",
        dt.date(2023, 12, 31),
        COMPLETE,
    ),
    (
        "CH15",
        CHILDREN[1].title,
        "In Progress",
        "Monitoring",
        "75%",
        "The Trust’s contract sum for 2024/25 is agreed at £1.2m below the 2023/24 sum.",
        "Director of Children’s Services",
        "31/03/2024",
        dt.date(2024, 3, 31),
        ON,
    ),
]
SYSTEM_HEADER = [
    "Code",
    "Title",
    "Description",
    "Status",
    "Stage",
    "% Complete",
    "Latest Note",
    "Latest Note Date",
    "Assigned To",
    "Due Date",
]
# What the administrator answers when the preview asks what the system's words mean.
SYSTEM_ANSWERS = {"In Progress": ON, "Overdue": SIGNIFICANT}


def system_csv() -> TrackerFile:
    """(c) A commercial performance system's export of a plan's actions as CSV, saved by Excel
    in Windows-1252 (£, – and ’ as single bytes), dates dd/mm/yyyy; the status is the system's
    word (In Progress, Overdue, Completed), and "Completed" in the Stage column with 100%
    complete means the action is complete whatever the status icon says.

    Based on:
    - Ideagen Pentana Risk, "How do I do an Actions Import?": actions with Code, Action Title,
      Start Date, Due Date and a parent code,
      https://pentanarisk.help.ideagen.com/hc/en-gb/articles/360008580920-How-do-I-do-an-Actions-Import-
      (councils' Pentana reports, e.g. North Hertfordshire's, list Code, Title, Status,
      Progress, Latest Note, Assigned To, Due Date;
      https://democracy.north-herts.gov.uk/ieIssueDetails.aspx?IId=13895&Opt=3);
    - CAMMS (Sycle) user manual, "Progress": a Status Description (Not started, In progress,
      Completed, Ongoing, Deferred) and a Percent Complete per action; "Action details":
      Responsible Officer, Start Date/End Date entered dd/mm/yy,
      https://sycle.cammanagementsolutions.co.uk/IPM/SycleUserManual/sycle/planning/actions_planning/progress.htm
    - the issue's own report of such an export (Code, Title, Status, Latest Note, Assigned To,
      Due Date, Stage, % Complete) that imported nothing.
    """
    stem = "Corporate Plan actions - Q3 2023-24 export"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SYSTEM_HEADER)
    actions, updates, due_after, leads_after = [], [], {}, {}
    for number, row in enumerate(SYSTEM_ROWS, start=2):
        code, title, status, stage, percent, note, assigned, due, due_date, label = row
        description = f"{title} (from the 2023/24 business plan)."
        writer.writerow(
            [code, title, description, status, stage, percent, note, "05/01/2024", assigned, due]
        )
        actions.append(Planned(code, title, BEST_START))
        updates.append(Expected(code, "2023-24-Q3", label, note, stem, number))
        due_after[code] = due_date
        leads_after[code] = assigned
    return TrackerFile(
        name="performance system CSV (cp1252)",
        filename=f"{stem}.csv",
        data=out.getvalue().encode("cp1252"),
        period="2023-24-Q3",
        outcomes=[BEST_START],
        actions=actions,
        updates=updates,
        columns=_columns(
            stem,
            SYSTEM_HEADER,
            [
                *["action_ref", "action", "ignore", "status", "stage", "percent_complete"],
                *["commentary", "ignore", "lead", "due"],
            ],
        ),
        due_after=due_after,
        leads_after=leads_after,
    )


# -- (d) an improvement plan with milestones -----------------------------------------------------


def _serial(day: dt.date) -> int:
    """The Excel serial number of a day, as a cell typed as a number holds it."""
    return (day - dt.date(1899, 12, 30)).days


def _month(year: int, month: int) -> WrittenDate:
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return WrittenDate(first.strftime("%b %Y"), within=(first, last))


def _season(word: str, year: int) -> WrittenDate:
    months = {"Spring": (3, 5), "Summer": (6, 8), "Autumn": (9, 11)}[word]
    first = dt.date(year, months[0], 1)
    last = (dt.date(year, months[1] + 1, 1)) - dt.timedelta(days=1)
    return WrittenDate(f"{word} {year}", within=(first, last), note=f"{word} {year}")


TBC = WrittenDate("TBC", note="TBC")
ONGOING = WrittenDate("Ongoing", note="Ongoing")

IMPROVEMENT_THEMES = ["Organisational Culture", "Corporate Oversight", "Strategic Direction"]
IMPROVEMENT = [
    NewAction(
        "OC1",
        "Establish the desired organisational culture for Sandwell Council",
        "Organisational Culture",
        "Establishing Organisational Culture",
        "Director – Business Strategy and Change",
        "Grant Thornton Statutory Rec 3",
        _month(2022, 5),
        _month(2022, 12),
        (
            ("Phase 1 Engagement: Starting the Conversation", _month(2022, 6), _month(2022, 7)),
            ("Phase 2 Engagement: Determining Desired Culture", _month(2022, 8), _month(2022, 12)),
            (
                "Approval of document setting out the desired organisational culture",
                _season("Autumn", 2022),
                _season("Autumn", 2022),
            ),
        ),
    ),
    NewAction(
        "OC2",
        "Create the right environment for that organisational culture to thrive",
        "Organisational Culture",
        "Establishing Organisational Culture",
        "Director – Business Strategy and Change",
        "Grant Thornton Statutory Rec 3",
        TBC,
        WrittenDate(_serial(dt.date(2022, 12, 31)), exact=dt.date(2022, 12, 31)),
        (("Organisational Development Strategy and Plan Approved", TBC, TBC),),
    ),
    NewAction(
        "OC5",
        "Design and deliver Corporate Governance Training for Officers",
        "Organisational Culture",
        "Officer Learning and Development",
        "Director - Law & Governance; Director - Finance",
        "Grant Thornton Statutory Rec 2; Grant Thornton Improvement Rec 15; CIPFA 1.5, 1.6",
        _month(2022, 5),
        _month(2022, 12),
        (
            (
                "Scope of Corporate Governance Training for Officers approved",
                _month(2022, 5),
                _month(2022, 6),
            ),
            ("Procurement of Delivery Partner", _month(2022, 6), _month(2022, 8)),
            (
                "Delivery of Corporate Governance Training",
                _season("Autumn", 2022),
                _month(2022, 12),
            ),
        ),
    ),
    NewAction(
        "CO4",
        "Performance Management Framework (PMF)",
        "Corporate Oversight",
        "Performance Management",
        "Director - Business Strategy & Change",
        "Grant Thornton Key Rec 6; CIPFA Rec 3.3, Rec 4.1",
        WrittenDate(_serial(dt.date(2022, 9, 1)), exact=dt.date(2022, 9, 1)),
        ONGOING,
        (("Q1 performance report", _month(2022, 7), _month(2022, 8)),),
    ),
    NewAction(
        "SD3",
        "Develop and implement the Commercial Strategy",
        "Strategic Direction",
        "Strategy development and refresh",
        "Director - Finance",
        "Grant Thornton Statutory Rec 2",
        _season("Autumn", 2021),
        _month(2022, 7),
        (
            ("Commercial Strategy Approved", _season("Autumn", 2021), _month(2022, 7)),
            ("Business Cases Presented for commercial workstreams", ONGOING, _month(2022, 6)),
        ),
    ),
]
# Q2 2022/23 progress of each action: (status as written, the scale's label, commentary).
IMPROVEMENT_PROGRESS = {
    "OC1": ("Green", ON, "Phase 1 engagement complete: 1,200 staff took part."),
    "OC2": ("Amber", MEDIUM, "OD Strategy drafting waits on the phase 2 findings."),
    "OC5": ("Green", ON, "Delivery partner procured in August."),
    "CO4": ("Blue", COMPLETE, "PMF approved by Council; Q1 report went to Cabinet in August."),
    "SD3": ("Red", SIGNIFICANT, "Business cases slipped: the commercial lead post is vacant."),
}
IMPROVEMENT_HEADER = [
    "Theme",
    "Workstream",
    "Ref",
    "Recommendation",
    "Action",
    "Milestone",
    "Lead",
    "Start Date",
    "Due Date",
    "RAG",
    "Progress Update",
]
# The mapping an administrator confirms: the plan's outcomes are the Improvement Plan's
# themes, its workstreams become themes, milestones are steps of the action above them.
IMPROVEMENT_MAPPING = {
    "theme": "outcome",
    "workstream": "theme",
    "ref": "action_ref",
    "recommendation": "external_ref",
    "action": "action",
    "milestone": "milestone",
    "lead": "lead",
    "start date": "start",
    "due date": "due",
    "rag": "status",
    "progress update": "commentary",
}


def improvement_plan() -> TrackerFile:
    """(d) An improvement plan's delivery tracker: Theme, Workstream, Ref, the review
    recommendation it answers, Action, Lead (job titles), milestone rows under each action,
    Start and Due written as "May 2022", "Autumn 2022", "TBC", "Ongoing" or Excel serial
    numbers; theme and workstream cells merged down their block.

    Based on:
    - Sandwell Council Improvement Plan 2022 (seed 002): "Workstream | Reference | Lead |
      Actions (Organisational culture) | Start Date | Due date", references such as "Grant
      Thornton Statutory Rec 3" and "CIPFA 1.5, 1.6", milestones listed under each action,
      dates "May 2022", "Autumn 2022", "TBC", "Ongoing";
    - Rotherham MBC, "Council Plan and Year Ahead Delivery Plan Progress Update" (milestone
      trackers for 89 actions: complete, on track, delayed),
      https://moderngov.rotherham.gov.uk/mgAi.aspx?ID=103296
    - North Hertfordshire, "Q1 2023-2024 update on the Council Delivery Plan" (projects with
      milestones and project status),
      https://democracy.north-herts.gov.uk/mgDecisionDetails.aspx?IId=16976&Opt=1
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Delivery Plan"
    sheet.append(["Sandwell Council Improvement Plan – Delivery Plan – progress at Q2 2022/23"])
    _merge_across(sheet, 1, len(IMPROVEMENT_HEADER))
    sheet.append(IMPROVEMENT_HEADER)
    updates = []
    blocks: dict[str, list[int]] = {}
    workstreams: dict[str, list[int]] = {}
    for action in IMPROVEMENT:
        written, label, commentary = IMPROVEMENT_PROGRESS[action.ref]
        sheet.append(
            [
                action.outcome,
                action.theme,
                action.ref,
                action.external_ref,
                action.title,
                None,
                action.lead,
                action.start.written,
                action.due.written,
                written,
                commentary,
            ]
        )
        row = sheet.max_row
        updates.append(Expected(action.ref, "2022-23-Q2", label, commentary, sheet.title, row))
        rows = [row]
        for title, start, due in action.milestones:
            sheet.append(
                [
                    action.outcome,
                    action.theme,
                    None,
                    None,
                    None,
                    title,
                    None,
                    start.written,
                    due.written,
                    None,
                    None,
                ]
            )
            rows.append(sheet.max_row)
        blocks.setdefault(action.outcome, []).extend(rows)
        workstreams.setdefault(action.theme, []).extend(rows)
    for column, spans in ((1, blocks), (2, workstreams)):
        for rows in spans.values():
            if len(rows) > 1:
                for row in rows[1:]:
                    sheet.cell(row=row, column=column).value = None
                sheet.merge_cells(
                    start_row=rows[0], start_column=column, end_row=rows[-1], end_column=column
                )
    return TrackerFile(
        name="improvement plan with milestones",
        filename="improvement-plan-delivery-plan-2022-23-q2.xlsx",
        data=_xlsx(book),
        period="2022-23-Q2",
        outcomes=list(IMPROVEMENT_THEMES),
        actions=[],
        updates=updates,
        columns=_columns(
            sheet.title,
            IMPROVEMENT_HEADER,
            [IMPROVEMENT_MAPPING[h.casefold()] for h in IMPROVEMENT_HEADER],
        ),
        new_actions=list(IMPROVEMENT),
    )


# -- (e) an old .xls -------------------------------------------------------------------------

OLD_ROWS = [
    # ref, title, lead, due, RAG as written, the scale's label, comments
    (
        "F8",
        "Develop and maintain a 12 month rolling cash flow",
        "Chief Finance Officer",
        dt.date(2023, 3, 31),
        "Green",
        ON,
        "Rolling cash flow in place and reviewed monthly.",
    ),
    (
        "F9",
        "Review investment strategy and counterparty options",
        "Chief Finance Officer",
        dt.date(2023, 2, 28),
        "Amber",
        MEDIUM,
        "Counterparty review delayed by staff absence.",
    ),
    (
        "F2",
        "Implement Oracle Fusion and achieve transformational benefits and cashable savings",
        "Director - Finance",
        dt.date(2023, 4, 30),
        "Red",
        SIGNIFICANT,
        "Implementation partner contract terminated; support provider being procured.",
    ),
    (
        "F4",
        "Medium Term Financial Strategy - Review as part of budget process",
        "Director - Finance",
        dt.date(2023, 2, 28),
        "Blue",
        COMPLETE,
        "MTFS approved by Council.",
    ),
]

OLD_DUE_BEFORE = {"F4": dt.date(2023, 3, 31)}  # entered in the app: the file never overwrites it


def old_xls() -> TrackerFile:
    """(e) A simple tracker kept as an Excel 97-2003 workbook (.xls): a merged title row, a
    header, a row of units under it ("(dd/mm/yyyy)", "(G/A/R/B)"), RAG as colour words, due
    dates as Excel dates.

    Based on:
    - Medway Council, "Council Plan Third Quarter Performance Report 2009/2010" (measures rated
      green, amber and red), https://democracy.medway.gov.uk/ieIssueDetails.aspx?IId=4097&Opt=3&PlanId=0
    - London Borough of Havering, Corporate Performance Indicators Q4 2013/14 (Green, Amber,
      Red against target), https://democracy.havering.gov.uk/mgAi.aspx?ID=7435
    - Sandwell's scale spellings (Green, Amber, Red, Blue) in fixtures/sandwell.
    """
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Monitoring")
    header = ["Ref No.", "Action", "Lead Officer", "Due Date", "RAG", "Comments"]
    sheet.write_merge(
        0, 0, 0, len(header) - 1, "Corporate Plan Monitoring 2022/23 - Quarter 2 (July - September)"
    )
    for column, text in enumerate(header):
        sheet.write(1, column, text)
    units = ["", "(text)", "(name)", "(dd/mm/yyyy)", "(G/A/R/B)", "(max 100 words)"]
    for column, text in enumerate(units):
        sheet.write(2, column, text)
    dated = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    updates, actions, due_after, leads_after = [], [], {}, {}
    for number, (ref, title, lead, due, written, label, comments) in enumerate(OLD_ROWS, start=3):
        for column, value in enumerate([ref, title, lead]):
            sheet.write(number, column, value)
        sheet.write(number, 3, due, dated)
        sheet.write(number, 4, written)
        sheet.write(number, 5, comments)
        existing = OLD_DUE_BEFORE.get(ref)
        actions.append(Planned(ref, title, ONE_COUNCIL, existing))
        updates.append(Expected(ref, "2022-23-Q2", label, comments, "Monitoring", number + 1))
        due_after[ref] = existing or due
        leads_after[ref] = lead
    out = io.BytesIO()
    book.save(out)
    return TrackerFile(
        name="old .xls",
        filename="corporate-plan-monitoring-2022-23-q2.xls",
        data=out.getvalue(),
        period="2022-23-Q2",
        outcomes=[ONE_COUNCIL],
        actions=actions,
        updates=updates,
        noise=[("Monitoring", 3)],
        columns=_columns(
            "Monitoring", header, ["action_ref", "action", "lead", "due", "status", "commentary"]
        ),
        due_after=due_after,
        leads_after=leads_after,
    )


# -- (f) a published list with the reference typed at the start of the title -----------------

REF_IN_TITLE_PLAN = [
    *CHILDREN[:5],
    Planned(
        "CH6",
        "Ensure that every child in Sandwell has access to a place in a good or outstanding school",
        BEST_START,
    ),
    Planned(
        "ACE 27",
        "Our school admission appeals service will grow their offer for the "
        "delivery of an impartial and independent admission appeals function",
        BEST_START,
    ),
    Planned("ASC20", "Embedding Strengths Based Practice Project.", LIVE_WELL),
    Planned("ASC21", "Embedding Strengths Based Practice Project.", LIVE_WELL),
]
REF_IN_TITLE_ROWS = [
    # (section heading or None), cell as published, ref it names, label, commentary
    (
        "GROWING UP IN SANDWELL",
        f"CH11 {CHILDREN[0].title}",
        "CH11",
        ON,
        "Family Hub model signed off: 7 main family hubs, spokes and mobile spokes.",
    ),
    (
        None,
        f"CH15 - {CHILDREN[1].title}",
        "CH15",
        ON,
        "SCT maintains performance with no KPIs in the red zone in November.",
    ),
    (
        None,
        f"CH14: {CHILDREN[2].title}",
        "CH14",
        MEDIUM,
        "The emotional well-being pilot now starts on 8 January 2024.",
    ),
    # The reference pasted with Cyrillic С and Н, as in Sandwell's own tracker.
    (
        None,
        "СН6 Ensure that every child in Sandwell has access to a place in a good or "
        "outstanding school",
        "CH6",
        ON,
        "Specialist place planning aligned with the needs assessment.",
    ),
    (
        None,
        "ACE 27 Our school admission appeals service will grow their offer for the delivery "
        "of an impartial and independent admission appeals function",
        "ACE 27",
        MEDIUM,
        "Annual school appeals concluded; the manager role has been appointed.",
    ),
    (
        "HEALTHY IN SANDWELL",
        "PH8 Public Health support to babies and parents",
        "PH8",
        ON,
        "Sandwell achieves 97.9% of new birth visits.",
    ),
    # No reference: the same words as BE5's title, typed with other punctuation.
    (None, "Deliver Play Talk Read in all libraries", "BE5", ON, "126 sessions delivered."),
]
# Two of the plan's actions have this title: the import asks which, and writes nothing until
# told (seed 001 lists it twice, each time without a reference).
TIED_TITLE = "Embedding Strengths Based Practice Project"
TIED_COMMENTARY = "SCIE presents its findings report in February 2024."


def ref_in_title() -> TrackerFile:
    """(f) A published list of actions with no reference column: the reference is typed at the
    start of the action's text ("CH11 Deliver the Family Hubs Programme ...", "CH15 - ...",
    "CH14: ...", "ACE 27 ...", once with Cyrillic look-alike letters), under upper-case
    section headings that are not the plan's outcomes; one row's title is held by two
    actions.

    Based on:
    - Sandwell's "Assistant Director Business Plan Actions Exception Report Q2 2024/25"
      (seed 003): "Directorate Action | RAG Rating | Q2 Update" under headings such as
      "GROWING UP IN SANDWELL", with the reference inside the action's text;
    - Sandwell's Corporate Plan tracker 2023/24 (seed 001): "СН6", "ACE 27", "PH.6" as typed,
      and "Embedding Strengths Based Practice Project." listed twice;
    - the issue's report that "CH11 Deliver the Family Hubs Programme ..." became a new action.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Red and amber actions"
    sheet.append(["ASSISTANT DIRECTOR BUSINESS PLAN ACTIONS - Q3 2023/24"])
    updates = []
    for heading, text, ref, label, commentary in REF_IN_TITLE_ROWS:
        if heading:
            sheet.append([heading])
            _merge_across(sheet, sheet.max_row, 3)
            sheet.append(["Directorate Action", "RAG Rating", "Q3 Update"])
        written = "Medium Issues/Slippage" if label == MEDIUM else label
        sheet.append([text, written, commentary])
        updates.append(Expected(ref, "2023-24-Q3", label, commentary, sheet.title, sheet.max_row))
    sheet.append([TIED_TITLE, ON, TIED_COMMENTARY])
    tied_row = sheet.max_row
    return TrackerFile(
        name="reference typed in the title",
        filename="ad-business-plan-actions-2023-24-q3.xlsx",
        data=_xlsx(book),
        period="2023-24-Q3",
        outcomes=[BEST_START, LIVE_WELL],
        actions=list(REF_IN_TITLE_PLAN),
        updates=updates,
        columns=_columns(
            sheet.title,
            ["Directorate Action", "RAG Rating", "Q3 Update"],
            ["action", "q3_status", "q3_commentary"],
        ),
        asked=[(sheet.title, tied_row)],
    )


# -- (g) status given only by the cell's fill ----------------------------------------------------

COLOUR_ROWS = [
    # ref, fill as written, the scale's label it means (None: no colour of the scale), exact?
    ("CH11", "92D050", ON, True, "Spoke locations identified."),
    ("CH15", "FFC000", MEDIUM, True, "Contract sum negotiations continue."),
    ("CH14", "FF0000", SIGNIFICANT, True, "Pilot start pushed back three months."),
    ("PH8", "00B0F0", COMPLETE, True, "Annual target met."),
    # A green a shade off the scale's #92D050 (re-typed by hand): nearest within tolerance.
    ("BE5", "90D14F", ON, False, "126 sessions delivered."),
    # Purple is no colour of the scale: not a guess.
    ("BE6", "7030A0", None, False, "969 active members."),
]


def colour_only() -> TrackerFile:
    """(g) Status given only by the fill of an empty RAG cell, in the scale's own colours; one
    fill a shade off the scale's green, one purple that is no status at all.

    Based on:
    - Sandwell's Corporate Plan tracker 2023/24 (seed 001, fixtures/legacy), whose RAG cells
      are filled #92D050, #FFC000, #FF0000, #00B0F0 (fixtures/sandwell's scale colours);
    - West Berkshire Council, "2024/25 Performance Report Q4" (members note RAG colours that
      are hard to tell apart), https://decisionmaking.westberks.gov.uk/mgAi.aspx?ID=92944
    """
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Q3"
    sheet.append(["Ref", "Action", "RAG", "Comments"])
    titles = {action.ref: action.title for action in CHILDREN}
    updates, from_colour, asked = [], [], []
    for ref, colour, label, exact, commentary in COLOUR_ROWS:
        sheet.append([ref, titles[ref], None, commentary])
        row = sheet.max_row
        sheet.cell(row=row, column=3).fill = _fill(colour)
        if label is None:
            asked.append((sheet.title, row))
            continue
        updates.append(Expected(ref, "2023-24-Q3", label, commentary, sheet.title, row))
        from_colour.append((sheet.title, row, f"#{colour}", label, exact))
    return TrackerFile(
        name="status by colour only",
        filename="tracker-colours-2023-24-q3.xlsx",
        data=_xlsx(book),
        period="2023-24-Q3",
        outcomes=[BEST_START],
        actions=list(CHILDREN),
        updates=updates,
        columns=_columns(
            sheet.title,
            ["Ref", "Action", "RAG", "Comments"],
            ["action_ref", "action", "status", "commentary"],
        ),
        from_colour=from_colour,
        asked=asked,
    )


ALL_LAYOUTS = {
    "wide_quarterly": wide_quarterly,
    "directorate_workbook": directorate_workbook,
    "system_csv": system_csv,
    "improvement_plan": improvement_plan,
    "old_xls": old_xls,
    "ref_in_title": ref_in_title,
    "colour_only": colour_only,
}
