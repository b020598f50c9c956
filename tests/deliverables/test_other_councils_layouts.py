"""Importing trackers in layouts the importer was not built around (issue 19).

The files are built by tests/deliverables/other_layouts.py from public councils' and systems'
layouts, and the expectations here come from the same plain-Python model the builders wrote
the files from, never from the importer's own output. Each layout imports with every update
in the right quarter and the right action, no invented outcome, no wrong write, every skipped
row and unimported column listed, and a re-import changing nothing.
"""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
import xlrd

from deliverables.models import Action, ActionPlacement, Milestone, QuarterlyUpdate
from deliverables.tracker.meanings import Mapping
from plans.models import Plan, ReportingPeriod, Status, StrategicOutcome, Theme
from plans.services import directorates_sync, plan_sync
from tests import factories
from tests.deliverables import other_layouts as layouts
from tests.deliverables.test_import import FIXTURES, run

SCALE = json.loads((FIXTURES / "sandwell" / "corporate-plan-2021-25.json").read_text())["scale"]
NOTHING = {"outcomes": 0, "deliverables": 0, "actions": 0, "updates": 0}


# -- the files themselves -----------------------------------------------------------------------


def sheets_of(tracker: layouts.TrackerFile) -> dict[str, list[list]]:
    """Every sheet's rows as plain values, read with the format's own library."""
    if tracker.filename.endswith(".csv"):
        text = tracker.data.decode("cp1252")
        stem = tracker.filename.rsplit(".", 1)[0]
        return {stem: [list(r) for r in csv.reader(io.StringIO(text))]}
    if tracker.filename.endswith(".xls"):
        book = xlrd.open_workbook(file_contents=tracker.data, formatting_info=True)
        return {
            s.name: [[c.value for c in s.row(r)] for r in range(s.nrows)] for s in book.sheets()
        }
    book = openpyxl.load_workbook(io.BytesIO(tracker.data))
    return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}


@pytest.mark.parametrize("build", layouts.ALL_LAYOUTS.values(), ids=layouts.ALL_LAYOUTS.keys())
def test_each_builder_writes_the_file_its_model_describes(build):
    tracker = build()
    sheets = sheets_of(tracker)
    for update in tracker.updates:
        row = sheets[update.sheet][update.row - 1]
        assert update.commentary in row, (update, row)
    for sheet, row in tracker.noise:
        values = [v for v in sheets[sheet][row - 1] if v not in (None, "")]
        assert values and not {u.commentary for u in tracker.updates} & set(values)
    header_rows = {
        sheet: [h for row in rows for h in row if isinstance(h, str)]
        for sheet, rows in sheets.items()
    }
    for sheet, _, header, _ in tracker.columns:
        assert header in header_rows[sheet] or header in " ".join(header_rows[sheet])
    for sheet in tracker.skipped_sheets:
        assert sheet in sheets


def test_the_wide_tracker_has_a_merged_heading_over_each_quarter_and_an_empty_q4():
    tracker = layouts.wide_quarterly()
    sheet = openpyxl.load_workbook(io.BytesIO(tracker.data)).active
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"E2:F2", "G2:H2", "I2:J2", "K2:L2"} <= merged
    assert [sheet.cell(2, c).value for c in (5, 7, 9, 11)] == [
        "Quarter 1 (Apr-Jun)",
        "Quarter 2 (Jul-Sep)",
        "Quarter 3 (Oct-Dec)",
        "Quarter 4 (Jan-Mar)",
    ]
    assert [c.value for c in sheet[3]][4:6] == ["RAG", "Update"]
    assert all(sheet.cell(r, c).value is None for r in range(4, 10) for c in (11, 12))
    assert sheet["E4"].fill.fgColor.rgb.endswith("92D050")
    flat = openpyxl.load_workbook(io.BytesIO(layouts.wide_quarterly("flat").data)).active
    assert [c.value for c in flat[2]][8:10] == ["Q3 Rating - RAG", "Q3 October - December"]


def test_the_directorate_workbook_has_titles_keys_totals_and_hidden_parts():
    tracker = layouts.directorate_workbook()
    book = openpyxl.load_workbook(io.BytesIO(tracker.data))
    assert book["Lists"].sheet_state == "hidden"
    housing = book["Housing"]
    assert housing["A1"].value == (
        "Directorate Business Plan Tracker 2023/24 - Housing - Quarter 3"
    )
    assert housing.row_dimensions[tracker.hidden_rows[0][1]].hidden
    column_b = [c.value for c in housing["B"]]
    assert "KEY" in column_b and "4 actions" in column_b
    assert [c.value for c in housing["E"]].count("Select from list") == 2
    key_row = column_b.index(layouts.ON) + 1
    assert housing.cell(key_row, 2).fill.fgColor.rgb.endswith(layouts.COLOURS[layouts.ON])


def test_the_system_export_is_windows_1252_with_uk_dates():
    tracker = layouts.system_csv()
    with pytest.raises(UnicodeDecodeError):
        tracker.data.decode("utf-8")
    for character in ("£", "–", "’"):
        assert character.encode("cp1252") in tracker.data
    rows = sheets_of(tracker)[tracker.filename[:-4]]
    assert rows[0] == layouts.SYSTEM_HEADER
    assert [r[9] for r in rows[1:]][1] == "01/12/2023"
    assert {r[4] for r in rows[1:]} >= {"Completed"}


def test_the_old_workbook_is_an_excel_97_file_with_real_dates():
    tracker = layouts.old_xls()
    assert tracker.data.startswith(b"\xd0\xcf\x11\xe0")
    sheet = xlrd.open_workbook(file_contents=tracker.data, formatting_info=True).sheet_by_index(0)
    assert sheet.merged_cells == [(0, 1, 0, 6)]
    assert sheet.cell(3, 3).ctype == xlrd.XL_CELL_DATE
    assert sheet.row_values(2)[3] == "(dd/mm/yyyy)"


def test_the_improvement_plan_writes_dates_as_words_and_serial_numbers():
    tracker = layouts.improvement_plan()
    sheet = openpyxl.load_workbook(io.BytesIO(tracker.data)).active
    starts = [c.value for c in sheet["H"]]
    dues = [c.value for c in sheet["I"]]
    assert {"May 2022", "Autumn 2022", "TBC"} <= set(starts)
    assert "Ongoing" in dues and 44926 in dues and 44805 in starts  # 31 Dec and 1 Sep 2022
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert any(r.startswith("A3:") for r in merged)  # a theme merged down its block
    milestones = [c.value for c in sheet["F"] if c.value and c.value != "Milestone"]
    assert len(milestones) == sum(len(a.milestones) for a in tracker.new_actions)


def test_the_colour_only_tracker_has_fills_and_no_status_words():
    tracker = layouts.colour_only()
    sheet = openpyxl.load_workbook(io.BytesIO(tracker.data)).active
    for row in range(2, sheet.max_row + 1):
        assert sheet.cell(row, 3).value is None
        assert sheet.cell(row, 3).fill.fill_type == "solid"


def test_the_published_list_has_no_reference_column():
    tracker = layouts.ref_in_title()
    sheet = openpyxl.load_workbook(io.BytesIO(tracker.data)).active
    headers = {c.value for c in sheet[3]}
    assert headers == {"Directorate Action", "RAG Rating", "Q3 Update"}
    assert sheet["A4"].value.startswith("CH11 Deliver the Family Hubs")
    assert any(str(c.value).startswith("\u0421\u041d6 ") for c in sheet["A"])  # Cyrillic СН


# -- the plan a layout imports into ------------------------------------------------------------


def plan_for(tracker: layouts.TrackerFile, periods: dict[str, str] | None = None) -> Plan:
    """A plan with Sandwell's 2023/24 scale, the outcomes and actions the model says it holds
    before the import, and the chosen quarter (closed, unless `periods` says otherwise)."""
    directorates_sync(
        json.loads((FIXTURES / "sandwell" / "directorates.json").read_text())["directorates"]
    )
    periods = periods or {tracker.period: "closed"}
    plan = plan_sync(
        {
            "plan": {
                "name": "Other council plan",
                "slug": "other-council",
                "first_year": 2021,
                "last_year": 2025,
            },
            "scale": SCALE,
            "outcomes": [{"name": name} for name in tracker.outcomes],
            "periods": [{"code": code, "state": state} for code, state in periods.items()],
        }
    )[0]
    outcomes = {o.name: o for o in plan.outcomes.all()}
    for planned in tracker.actions:
        action = factories.action(
            plan, planned.ref, planned.title, outcome=outcomes[planned.outcome]
        )
        if planned.due:
            Action.objects.filter(pk=action.pk).update(due_date=planned.due)
    return plan


def snapshot(plan: Plan) -> tuple:
    return tuple(
        list(queryset.order_by("pk").values())
        for queryset in (
            StrategicOutcome.objects.filter(plan=plan),
            Theme.objects.filter(outcome__plan=plan),
            Action.objects.filter(plan=plan),
            ActionPlacement.objects.filter(action__plan=plan),
            Milestone.objects.filter(action__plan=plan),
            QuarterlyUpdate.objects.filter(action__plan=plan),
            ReportingPeriod.objects.filter(plan=plan),
            Status.objects.filter(scale__plan=plan),
        )
    )


def written(plan: Plan) -> dict[tuple[str, str], tuple[str, str]]:
    """(action ref, quarter) -> (status, commentary) of every update the plan holds."""
    return {
        (u.action.ref, u.period.code): (u.status.label if u.status else "", u.commentary)
        for u in QuarterlyUpdate.objects.filter(action__plan=plan).select_related(
            "action", "period", "status"
        )
    }


def expected(tracker: layouts.TrackerFile) -> dict[tuple[str, str], tuple[str, str]]:
    return {(u.ref, u.period): (u.status, u.commentary) for u in tracker.updates}


def answer(summary: dict, about: str, choice: str) -> dict[str, str]:
    """What an administrator answers: every question that mentions `about`, the choice whose
    label mentions `choice`."""
    answers = {}
    for question in summary["questions"]:
        if about.casefold() in question["text"].casefold():
            [value] = [
                v for v, label in question["choices"] if choice.casefold() in label.casefold()
            ]
            answers[question["key"]] = value
    assert answers, f"no question about {about!r}: {summary['questions']}"
    return answers


def check_summary_lists_what_was_skipped(tracker: layouts.TrackerFile, summary: dict) -> None:
    """Every noise row with its reason, every column not imported, hidden rows and sheets."""
    noise = {(n["sheet"], n["row"]): n["reason"] for n in summary["noise"]}
    for place in tracker.noise:
        assert noise.get(place), f"{place} is not listed as noise: {summary['noise']}"
    data_rows = {(u.sheet, u.row) for u in tracker.updates}
    assert not data_rows & noise.keys()
    unused = {(c["sheet"], c["index"]) for c in summary["unused_columns"]}
    assert {(sheet, index) for sheet, index, _ in tracker.unused} <= unused
    used = {(s, i) for s, i, _, meaning in tracker.columns if meaning != "ignore"}
    assert not used & unused
    assert all(c["meaning"] == "ignore" for c in summary["unused_columns"])
    hidden = {(h["sheet"], h["row"]) for h in summary["hidden"]}
    assert set(tracker.hidden_rows) <= hidden
    skipped = {s["sheet"] for s in summary["skipped_sheets"]}
    assert set(tracker.skipped_sheets) <= skipped


def check_written(tracker: layouts.TrackerFile, plan: Plan, summary: dict) -> None:
    """The right updates in the right actions and quarters, and nothing else."""
    assert written(plan) == expected(tracker)
    assert set(plan.outcomes.values_list("name", flat=True)) == set(tracker.outcomes)
    refs = [a.ref for a in tracker.actions] + [a.ref for a in tracker.new_actions]
    assert sorted(Action.objects.filter(plan=plan).values_list("ref", flat=True)) == sorted(refs)
    for code, created in tracker.quarters.items():
        assert summary["quarters"][code]["created"] == created
        period = ReportingPeriod.objects.get(plan=plan, year=int(code[:4]), quarter=int(code[-1]))
        assert summary["quarters"][code]["label"] == period.label
    for ref, due in tracker.due_after.items():
        assert Action.objects.get(plan=plan, ref=ref).due_date == due, ref
    for ref, lead in tracker.leads_after.items():
        assert Action.objects.get(plan=plan, ref=ref).lead_role == lead, ref


def import_checked(
    tracker: layouts.TrackerFile,
    plan: Plan,
    *,
    mapping: Mapping | None = None,
    answers: dict | None = None,
):
    """Preview (dry run), import, import again: as the checks above expect at each step."""
    before = snapshot(plan)
    placements = ActionPlacement.objects.filter(action__plan=plan).count()
    options = {"mapping": mapping, "answers": answers}
    preview = run(
        plan, None, tracker.period, tracker.data, tracker.filename, dry_run=True, **options
    )
    assert preview.status == "dry_run", preview.message
    assert snapshot(plan) == before
    assert preview.summary["created"]["updates"] == len(tracker.updates)
    assert preview.summary["structure"]["outcomes"] == []
    check_summary_lists_what_was_skipped(tracker, preview.summary)

    record = run(plan, None, tracker.period, tracker.data, tracker.filename, **options)
    assert record.status == "applied", record.message
    check_written(tracker, plan, record.summary)
    if not tracker.new_actions:  # matched actions keep their place in the plan: none is added
        assert ActionPlacement.objects.filter(action__plan=plan).count() == placements

    after = snapshot(plan)
    again = run(plan, None, tracker.period, tracker.data, tracker.filename, **options)
    assert again.summary["created"] == NOTHING and again.summary["updated"] == NOTHING
    assert all(q["created"] == q["updated"] == 0 for q in again.summary["quarters"].values())
    assert snapshot(plan) == after
    return record


# -- each layout imports -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "build",
    [
        layouts.wide_quarterly,
        lambda: layouts.wide_quarterly("flat"),
        layouts.directorate_workbook,
        layouts.old_xls,
        layouts.colour_only,
        layouts.ref_in_title,
    ],
    ids=["wide-grouped", "wide-flat", "directorates", "old-xls", "colour-only", "ref-in-title"],
)
def test_a_layout_imports_every_update_into_its_action_and_quarter(build):
    tracker = build()
    plan = plan_for(tracker)
    import_checked(tracker, plan)


@pytest.mark.django_db
@pytest.mark.parametrize("build", layouts.ALL_LAYOUTS.values(), ids=layouts.ALL_LAYOUTS.keys())
def test_the_mapping_step_shows_every_column_with_its_meaning(build):
    tracker = build()
    plan = plan_for(tracker)
    mapping = Mapping(columns=dict(layouts.IMPROVEMENT_MAPPING)) if tracker.new_actions else None
    record = run(
        plan, None, tracker.period, tracker.data, tracker.filename, dry_run=True, mapping=mapping
    )
    shown = {(c["sheet"], c["index"]): c for c in record.summary["columns"]}
    for sheet, index, header, meaning in tracker.columns:
        column = shown.get((sheet, index))
        assert column is not None, f"{sheet}!{header} is not in the mapping step"
        assert column["meaning"] == meaning, (header, column)
        assert column["evidence"] and column["confidence"] in {"high", "medium", "low"}
    if mapping is not None:
        assert {c["source"] for c in shown.values()} == {"you"}


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["grouped", "flat"])
def test_a_wide_tracker_imported_into_the_open_q4_writes_nothing_there(header):
    """The issue's worst case: chosen as the open Q4, the Q1 columns became 219 approved Q4
    updates. Each column group goes to its own quarter; the empty Q4 group writes nothing."""
    tracker = layouts.wide_quarterly(header)
    tracker.period = "2023-24-Q4"
    plan = plan_for(tracker, periods={"2023-24-Q3": "closed", "2023-24-Q4": "open"})
    record = import_checked(tracker, plan)
    assert record.period.code == "2023-24-Q4"
    assert not QuarterlyUpdate.objects.filter(period__quarter=4, action__plan=plan).exists()
    assert ReportingPeriod.objects.get(plan=plan, year=2023, quarter=4).state == "open"
    for quarter in (1, 2):  # quarters the plan lacked are made, closed, by the import
        assert ReportingPeriod.objects.get(plan=plan, year=2023, quarter=quarter).state == "closed"


@pytest.mark.django_db
def test_a_file_whose_only_quarter_is_another_is_refused_not_warned_about():
    tracker = layouts.wide_quarterly("flat", quarters=(1,), filled=(1,))
    plan = plan_for(tracker)
    before = snapshot(plan)
    record = run(plan, None, "2023-24-Q3", tracker.data, tracker.filename)
    assert record.status == "refused"
    assert "Q1" in record.message and "Q3" in record.message
    assert snapshot(plan) == before


@pytest.mark.django_db
def test_a_sheet_per_directorate_creates_no_outcome_from_titles_or_sheet_names():
    tracker = layouts.directorate_workbook()
    plan = plan_for(tracker)
    record = import_checked(tracker, plan)
    names = set(plan.outcomes.values_list("name", flat=True))
    assert not names & {"Housing", "Finance", "Regeneration & Growth", "Guidance"}
    assert not any("Directorate Business Plan Tracker" in name for name in names)
    assert not Action.objects.filter(plan=plan, title__in=["On Track", "KEY", "4 actions"]).exists()
    assert record.summary["errors"] == []


@pytest.mark.django_db
def test_a_systems_export_imports_once_its_words_are_answered():
    """Code, Title, Status, Latest Note, Assigned To, Due Date, Stage, % Complete, in cp1252:
    the preview asks what "In Progress" and "Overdue" mean; the answers are saved on the scale
    when the import is applied, and "Completed" in Stage makes an action Complete."""
    tracker = layouts.system_csv()
    plan = plan_for(tracker)
    first = run(plan, None, tracker.period, tracker.data, tracker.filename, dry_run=True)
    answers = {}
    for word, label in layouts.SYSTEM_ANSWERS.items():
        answers.update(answer(first.summary, word, label))
    # Unanswered, the rows with only those words are left out: no update is guessed.
    asked = {u.row for u in tracker.updates if u.status in (layouts.ON, layouts.SIGNIFICANT)}
    assert all(r["result"] != "created" for r in first.rows if r["row"] in asked)
    assert "In Progress" not in Status.objects.get(scale__plan=plan, label=layouts.ON).spellings

    import_checked(tracker, plan, answers=answers)
    for word, label in layouts.SYSTEM_ANSWERS.items():
        spellings = Status.objects.get(scale__plan=plan, label=label).spellings.splitlines()
        assert word in spellings
    ch10 = Action.objects.get(plan=plan, ref="CH10")
    assert ch10.updates.get().status.label == layouts.COMPLETE  # Stage said Completed
    assert (
        "’" in ch10.updates.get().commentary
        and "£" in Action.objects.get(plan=plan, ref="CH13").title
    )
    assert not plan.outcomes.filter(name__icontains="export").exists()  # not from the file name


@pytest.mark.django_db
def test_an_improvement_plan_creates_its_actions_milestones_and_dates_as_mapped():
    tracker = layouts.improvement_plan()
    plan = plan_for(tracker)
    mapping = Mapping(columns=dict(layouts.IMPROVEMENT_MAPPING))
    preview = run(
        plan, None, tracker.period, tracker.data, tracker.filename, dry_run=True, mapping=mapping
    )
    structure = preview.summary["structure"]
    assert [a["ref"] for a in structure["actions"]] == [a.ref for a in tracker.new_actions]
    assert sorted(t["name"] for t in structure["themes"]) == sorted(
        {a.theme for a in tracker.new_actions}
    )
    assert len(structure["milestones"]) == sum(len(a.milestones) for a in tracker.new_actions)
    first = structure["actions"][0]
    assert first["rows"] == [[tracker.updates[0].sheet, tracker.updates[0].row]]

    import_checked(tracker, plan, mapping=mapping)
    for new in tracker.new_actions:
        action = Action.objects.get(plan=plan, ref=new.ref)
        assert (action.title, action.lead_role, action.external_ref) == (
            new.title,
            new.lead,
            new.external_ref,
        )
        placement = action.placements.get()
        assert (placement.outcome.name, placement.theme.name) == (new.outcome, new.theme)
        check_date(action.start_date, action.date_note, new.start)
        check_date(action.due_date, action.date_note, new.due)
        milestones = list(action.milestones.order_by("order"))
        assert [m.title for m in milestones] == [m[0] for m in new.milestones]
        for milestone, (_, start, due) in zip(milestones, new.milestones, strict=True):
            check_date(milestone.start_date, milestone.date_note, start)
            check_date(milestone.due_date, milestone.date_note, due)
    assert Theme.objects.filter(outcome__plan=plan).count() == len(
        {a.theme for a in tracker.new_actions}
    )


def check_date(value, note: str, want: layouts.WrittenDate) -> None:
    if want.exact:
        assert value == want.exact, want
    elif want.within:
        assert value is not None and want.within[0] <= value <= want.within[1], (value, want)
    else:
        assert value is None, (value, want)
    if want.note:
        assert want.note in note, (note, want)


@pytest.mark.django_db
def test_a_title_two_actions_share_is_a_question_and_the_answer_decides():
    tracker = layouts.ref_in_title()
    plan = plan_for(tracker)
    count = Action.objects.filter(plan=plan).count()
    preview = run(plan, None, tracker.period, tracker.data, tracker.filename, dry_run=True)
    [(sheet, row)] = tracker.asked
    [question] = [q for q in preview.summary["questions"] if (q["sheet"], q["row"]) == (sheet, row)]
    labels = " ".join(label for _, label in question["choices"])
    assert "ASC20" in labels and "ASC21" in labels
    import_checked(tracker, plan)  # unanswered: the row is left out, nothing is guessed
    assert not QuarterlyUpdate.objects.filter(action__ref__in=["ASC20", "ASC21"]).exists()

    [choice] = [value for value, label in question["choices"] if "ASC21" in label]
    answers = {question["key"]: choice}
    record = run(plan, None, tracker.period, tracker.data, tracker.filename, answers=answers)
    assert record.summary["created"]["updates"] == 1
    update = QuarterlyUpdate.objects.get(action__ref__in=["ASC20", "ASC21"])
    assert (update.action.ref, update.commentary) == ("ASC21", layouts.TIED_COMMENTARY)
    assert Action.objects.filter(plan=plan).count() == count  # "CH11 Deliver..." made no twin


@pytest.mark.django_db
def test_statuses_read_from_fills_are_shown_as_from_colour():
    tracker = layouts.colour_only()
    plan = plan_for(tracker)
    record = import_checked(tracker, plan)
    shown = {
        (c["sheet"], c["row"]): (c["colour"].upper(), c["status"], c["exact"])
        for c in record.summary["from_colour"]
    }
    for sheet, row, colour, label, exact in tracker.from_colour:
        assert shown[(sheet, row)] == (colour, label, exact)
    [(sheet, row)] = tracker.asked  # purple: no status of the scale, so not a guess
    assert (sheet, row) not in shown
    reported = [*record.summary["questions"], *record.summary["errors"]]
    assert any((r["sheet"], r["row"]) == (sheet, row) for r in reported)
