"""Back catalogues from the command line: several files or a folder, each file's quarter from
its name or headers, imported oldest first; --layout, --map, --json, --stop-on-error."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from deliverables.models import Action, ImportLayout, ImportRecord, QuarterlyUpdate
from deliverables.tracker.catalogue import (
    Clue,
    file_clue,
    first_texts,
    in_quarter_order,
    locate,
    parse_column_map,
    read_clue,
    tracker_files,
)
from plans.models import ReportingPeriod, StrategicOutcome
from plans.workbook import open_tracker
from tests import factories

OUTCOME = "Best start in life"
HEADERS = ["Outcome", "Ref", "Action", "RAG Status", "Commentary"]
HOLIDAYS = "Run the holiday activities and food programme"


def row(status: str, commentary: str = "Work continues.", ref: str = "CH1", title=HOLIDAYS):
    return [OUTCOME, ref, title, status, commentary]


def tracker(path: Path, rows: list[list], *, title: str = "", headers=HEADERS) -> Path:
    """A small tracker: an optional title row, a header row, data rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows([headers, *rows])
        return path
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tracker"
    if title:
        sheet.append([title])
        sheet.append([])
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path


@pytest.fixture
def plan(db):
    made = factories.plan("county")
    StrategicOutcome.objects.create(plan=made, name=OUTCOME, order=1)
    return made


def run(*args, plan, expect_exit: int | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    arguments = [str(a) for a in args]
    if expect_exit is None:
        call_command("import_tracker", *arguments, "--plan", plan.slug, stdout=out, stderr=err)
    else:
        with pytest.raises(SystemExit) as exit_:
            call_command("import_tracker", *arguments, "--plan", plan.slug, stdout=out, stderr=err)
        assert exit_.value.code == expect_exit
    return out.getvalue(), err.getvalue()


def statuses_by_quarter(ref: str = "CH1") -> dict[str, str]:
    return {
        u.period.code: u.status.label
        for u in QuarterlyUpdate.objects.filter(action__ref=ref).select_related("period", "status")
    }


def records() -> list[tuple[str, str, str]]:
    return list(
        ImportRecord.objects.order_by("pk").values_list("period_code", "file_name", "status")
    )


# -- several files, folders, quarter order -----------------------------------------------------


def test_several_files_are_imported_oldest_quarter_first_whatever_the_order_given(tmp_path, plan):
    q3 = tracker(tmp_path / "corporate-plan-tracker-2023-24-q3.xlsx", [row("On Track")])
    q1 = tracker(tmp_path / "Quarter 1 2023-24.xlsx", [row("Delayed")])
    q2 = tracker(tmp_path / "2023_24 Q2.csv", [row("Delayed", "Still behind.")])
    out, _ = run(q3, q1, q2, plan=plan)
    assert records() == [
        ("2023-24-Q1", "Quarter 1 2023-24.xlsx", "applied"),
        ("2023-24-Q2", "2023_24 Q2.csv", "applied"),
        ("2023-24-Q3", "corporate-plan-tracker-2023-24-q3.xlsx", "applied"),
    ]
    assert statuses_by_quarter() == {
        "2023-24-Q1": "Delayed",
        "2023-24-Q2": "Delayed",
        "2023-24-Q3": "On Track",
    }
    assert Action.objects.get().reported_from.code == "2023-24-Q1"
    lines = out.splitlines()
    assert [line.split()[0] for line in lines[:3]] == ["2023-24-Q1", "2023-24-Q2", "2023-24-Q3"]
    assert "imported 1 rows (quarter from its name)" in lines[0]
    assert lines[3].startswith("Total: 3 of 3 files imported; 3 rows in ")
    assert "rows/s" in lines[3]


def test_a_folder_imports_its_trackers_and_its_subfolders_only_when_asked(tmp_path, plan):
    folder = tmp_path / "back catalogue"
    tracker(folder / "Q2 2023-24.xlsx", [row("Delayed")])
    tracker(folder / "Q1 2023-24.xlsx", [row("On Track")])
    tracker(folder / "older" / "Q4 2023-24.xlsx", [row("Complete")])
    (folder / "notes.txt").write_text("Q3 2023-24 is late")
    (folder / "~$Q1 2023-24.xlsx").write_bytes(b"Excel's lock file")
    out, _ = run(folder, plan=plan)
    assert [r[:2] for r in records()] == [
        ("2023-24-Q1", "Q1 2023-24.xlsx"),
        ("2023-24-Q2", "Q2 2023-24.xlsx"),
    ]
    assert "Total: 2 of 2 files imported" in out
    run(folder, "--recursive", plan=plan)
    assert [r[0] for r in records()[2:]] == ["2023-24-Q1", "2023-24-Q2", "2023-24-Q4"]
    assert statuses_by_quarter()["2023-24-Q4"] == "Complete"


def test_a_path_that_is_not_there_or_a_folder_without_trackers_is_an_error(tmp_path, plan):
    with pytest.raises(CommandError, match="is not a file or a folder"):
        run(tmp_path / "missing.xlsx", plan=plan)
    (tmp_path / "readme.txt").write_text("nothing to import")
    with pytest.raises(CommandError, match=r"No \.xlsx, \.xls or \.csv files there"):
        run(tmp_path, plan=plan)


def test_period_given_puts_every_file_into_that_quarter(tmp_path, plan):
    first = tracker(tmp_path / "Q1 2023-24.xlsx", [row("On Track")])
    second = tracker(tmp_path / "Q2 2023-24.xlsx", [row("Delayed", ref="CH2", title="Other")])
    run(first, second, "--period", "Q4 2023/24", plan=plan)
    assert [r[0] for r in records()] == ["2023-24-Q4", "2023-24-Q4"]


# -- the quarter from the name or the headers ------------------------------------------------


def test_the_quarter_comes_from_months_in_the_name(tmp_path, plan):
    run(tracker(tmp_path / "Oct-Dec 2023.xlsx", [row("On Track")]), plan=plan)
    run(tracker(tmp_path / "Housing tracker Jan 2024.xlsx", [row("Delayed")]), plan=plan)
    assert statuses_by_quarter() == {"2023-24-Q3": "On Track", "2023-24-Q4": "Delayed"}


def test_the_quarter_comes_from_the_title_and_headers_when_the_name_has_none(tmp_path, plan):
    headers = ["Outcome", "Ref", "Action", "Q3 Rating - RAG", "Q3 October - December"]
    path = tracker(
        tmp_path / "housing.xlsx",
        # A date in the data below the header says nothing of the file's quarter.
        [row("On Track", "Due to finish in Q1 2025/26.")],
        title="Directorate Business Plan Tracker 2023/24 - Housing",
        headers=headers,
    )
    out, _ = run(path, "--json", plan=plan)
    result = json.loads(out)
    assert (result["period"], result["quarter_from"]) == ("2023-24-Q3", "its headers")
    assert statuses_by_quarter() == {"2023-24-Q3": "On Track"}


def test_a_name_with_only_the_year_takes_the_quarter_from_the_headers(tmp_path, plan):
    headers = ["Outcome", "Ref", "Action", "Q2 RAG", "Quarter 2 update"]
    path = tracker(tmp_path / "housing 2023-24.xlsx", [row("Delayed")], headers=headers)
    out, _ = run(path, "--json", plan=plan)
    result = json.loads(out)
    assert (result["period"], result["quarter_from"]) == ("2023-24-Q2", "its name and headers")


def test_a_multi_quarter_tracker_fills_each_quarter_from_its_own_columns(tmp_path, plan):
    headers = ["Outcome", "Ref", "Action", "Q1 RAG", "Q1 update", "Q2 RAG", "Q2 update"]
    values = [OUTCOME, "CH1", HOLIDAYS, "Delayed", "Behind.", "On Track", "Caught up."]
    run(tracker(tmp_path / "tracker 2023-24.xlsx", [values], headers=headers), plan=plan)
    assert statuses_by_quarter() == {"2023-24-Q1": "Delayed", "2023-24-Q2": "On Track"}
    assert [r[0] for r in records()] == ["2023-24-Q2"]  # one recorded import


def test_a_file_whose_quarter_cannot_be_told_is_refused_while_the_others_import(tmp_path, plan):
    told = tracker(tmp_path / "Q1 2023-24.xlsx", [row("On Track")])
    untold = tracker(tmp_path / "tracker.xlsx", [row("Delayed")], title="Business plan tracker")
    year_only = tracker(tmp_path / "tracker 2023-24 final.xlsx", [row("Delayed")])
    out, err = run(untold, told, year_only, plan=plan, expect_exit=1)
    assert records() == [("2023-24-Q1", "Q1 2023-24.xlsx", "applied")]
    assert statuses_by_quarter() == {"2023-24-Q1": "On Track"}
    assert (
        "tracker.xlsx: which quarter it is for cannot be told from its name or its headers" in err
    )
    assert "(they give the year 2023/24 but no quarter)" in err
    assert "--period" in err
    assert "Total: 1 of 3 files imported, 2 refused" in out


# -- --json and --stop-on-error ---------------------------------------------------------------


def test_json_for_several_files_is_a_list_of_one_object_a_file(tmp_path, plan):
    q2 = tracker(tmp_path / "Q2 2023-24.xlsx", [row("Delayed")])
    q1 = tracker(tmp_path / "Q1 2023-24.xlsx", [row("On Track")])
    untold = tracker(tmp_path / "notes.csv", [row("On Track")])
    out, _ = run(q2, untold, q1, "--json", plan=plan, expect_exit=1)
    results = json.loads(out)
    assert [(Path(r["file"]).name, r["status"]) for r in results] == [
        ("notes.csv", "refused"),
        ("Q1 2023-24.xlsx", "applied"),
        ("Q2 2023-24.xlsx", "applied"),
    ]
    assert results[1]["period"] == "2023-24-Q1"
    assert results[1]["created"]["updates"] == 1
    assert results[2]["import_record"] == ImportRecord.objects.get(period_code="2023-24-Q2").pk
    assert all(r["rows_per_second"] > 0 for r in results[1:])


def test_stop_on_error_imports_nothing_when_a_file_has_no_quarter(tmp_path, plan):
    told = tracker(tmp_path / "Q1 2023-24.xlsx", [row("On Track")])
    untold = tracker(tmp_path / "tracker.xlsx", [row("Delayed")])
    _, err = run(told, untold, "--stop-on-error", plan=plan, expect_exit=1)
    assert "cannot be told" in err
    assert not ImportRecord.objects.exists()
    assert not QuarterlyUpdate.objects.exists()


def test_stop_on_error_stops_at_the_first_refused_file(tmp_path, plan):
    tracker(tmp_path / "Q1 2023-24.xlsx", [row("On Track")])
    (tmp_path / "Q2 2023-24.xlsx").write_bytes(b"not a workbook")
    tracker(tmp_path / "Q3 2023-24.xlsx", [row("Complete")])
    out, err = run(tmp_path, "--stop-on-error", plan=plan, expect_exit=1)
    assert records() == [
        ("2023-24-Q1", "Q1 2023-24.xlsx", "applied"),
        ("2023-24-Q2", "Q2 2023-24.xlsx", "refused"),
    ]
    assert "Q2 2023-24.xlsx is named .xlsx but is not an Excel workbook" in err
    assert "Total: 1 of 3 files imported, 1 refused, 1 not tried (--stop-on-error)" in out
    # Without it the others are imported, and the run still fails.
    run(tmp_path, plan=plan, expect_exit=1)
    assert statuses_by_quarter() == {"2023-24-Q1": "On Track", "2023-24-Q3": "Complete"}


def test_a_dry_run_of_several_files_writes_nothing(tmp_path, plan):
    tracker(tmp_path / "Q1 2023-24.xlsx", [row("On Track")])
    tracker(tmp_path / "Q2 2023-24.xlsx", [row("Delayed")])
    out, _ = run(tmp_path, "--dry-run", plan=plan)
    assert "2023-24-Q1  Q1 2023-24.xlsx: would import 1 rows" in out
    assert "Total: 2 of 2 files dry-run" in out
    assert not QuarterlyUpdate.objects.exists()


def test_each_imported_update_keeps_one_audit_row_naming_its_file(tmp_path, plan):
    run(tracker(tmp_path / "Q1 2023-24.xlsx", [row("Delayed", "Behind.")]), plan=plan)
    corrected = tracker(tmp_path / "Q1 2023-24 v2.xlsx", [row("On Track", "Caught up.")])
    run(corrected, "--overwrite-closed", plan=plan)
    update = QuarterlyUpdate.objects.get()
    history = list(update.history.order_by("history_id"))
    assert [(h.history_type, h.history_change_reason) for h in history] == [
        ("+", "Imported from Q1 2023-24.xlsx"),
        ("~", "Imported from Q1 2023-24 v2.xlsx"),
    ]
    assert [(h.status.label, h.commentary, h.version) for h in history] == [
        ("Delayed", "Behind.", update.version - 1),
        ("On Track", "Caught up.", update.version),
    ]
    assert history[0].history_user is None and history[0].action_id == update.action_id


# -- --layout and --map ----------------------------------------------------------------------

EXPORT_HEADERS = ["Code", "Title", "Status", "Latest Note", "Assigned To"]
EXPORT_MAPPING = {
    "code": "action_ref",
    "title": "action",
    "status": "status",
    "latest note": "commentary",
    "assigned to": "lead",
}


def system_export(path: Path) -> Path:
    return tracker(
        path,
        [["CH1", HOLIDAYS, "On Track", "Summer scheme ran.", "Head of Early Help"]],
        headers=EXPORT_HEADERS,
    )


@pytest.fixture
def export_layout(db):
    return ImportLayout.objects.create(
        name="Performance system export",
        signature="0" * 64,
        headers=EXPORT_HEADERS,
        mapping={"columns": EXPORT_MAPPING, "headings": "match", "sheet_names": "match"},
    )


def test_layout_applies_a_saved_mapping_to_every_file(tmp_path, plan, export_layout):
    system_export(tmp_path / "Q1 2023-24.csv")
    system_export(tmp_path / "Q2 2023-24.csv")
    run(tmp_path, "--layout", "Performance system export", "--dry-run", plan=plan)
    assert [r.mapping["columns"] for r in ImportRecord.objects.all()] == [EXPORT_MAPPING] * 2


def test_a_system_export_imports_with_its_saved_layout(tmp_path, plan, export_layout):
    factories.action(plan, "CH1", HOLIDAYS, outcome=plan.outcomes.get())
    run(system_export(tmp_path / "Q1 2023-24.csv"), "--layout", export_layout.name, plan=plan)
    assert statuses_by_quarter() == {"2023-24-Q1": "On Track"}
    assert Action.objects.get().lead_role == "Head of Early Help"  # a blank filled


def test_an_unknown_layout_is_an_error_naming_the_saved_ones(tmp_path, plan, export_layout):
    path = system_export(tmp_path / "Q1 2023-24.csv")
    with pytest.raises(CommandError, match=r"No saved layout 'Export'.*Performance system export"):
        run(path, "--layout", "Export", plan=plan)
    assert not ImportRecord.objects.exists()


def test_map_gives_column_meanings_on_the_command_line(tmp_path, plan):
    path = system_export(tmp_path / "Q1 2023-24.csv")
    run(
        path,
        "--map",
        "Code=action_ref, Title=action",
        "--map",
        "STATUS=Status,Latest Note=commentary,Assigned To=lead",
        "--dry-run",
        plan=plan,
    )
    assert ImportRecord.objects.get().mapping["columns"] == EXPORT_MAPPING


def test_map_wins_over_the_layout_where_both_name_a_column(tmp_path, plan, export_layout):
    path = system_export(tmp_path / "Q1 2023-24.csv")
    run(path, "--layout", export_layout.name, "--map", "Assigned To=ignore", "--dry-run", plan=plan)
    assert ImportRecord.objects.get().mapping["columns"] == {
        **EXPORT_MAPPING,
        "assigned to": "ignore",
    }


def test_a_system_export_imports_with_map(tmp_path, plan):
    factories.action(plan, "CH1", HOLIDAYS, outcome=plan.outcomes.get())
    path = system_export(tmp_path / "Q1 2023-24.csv")
    mapping = ",".join(
        f"{h}={m}" for h, m in zip(EXPORT_HEADERS, EXPORT_MAPPING.values(), strict=True)
    )
    run(path, "--map", mapping, plan=plan)
    assert statuses_by_quarter() == {"2023-24-Q1": "On Track"}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("Latest Note=notes", r"'notes' \(for 'Latest Note'\) is not a meaning.*q3_commentary"),
        ("Latest Note", r"'Latest Note' is not Header=meaning"),
        ("=commentary", r"'=commentary' is not Header=meaning"),
    ],
)
def test_a_bad_map_is_an_error_naming_the_meanings(tmp_path, plan, given, message):
    path = system_export(tmp_path / "Q1 2023-24.csv")
    with pytest.raises(CommandError, match=message):
        run(path, "--map", given, plan=plan)
    assert not ImportRecord.objects.exists()


# -- catalogue.py: reading quarters from names and headers ----------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("corporate-plan-tracker-2023-24-q3.xlsx", (2023, 3)),
        ("Q3 2023-24.xlsx", (2023, 3)),
        ("2023_24 Q3.xlsx", (2023, 3)),
        ("Quarter 3 2023/24.xls", (2023, 3)),
        ("Oct-Dec 2023.csv", (2023, 3)),
        ("October to December 2023.xlsx", (2023, 3)),
        ("Dec 2023.xlsx", (2023, 3)),
        ("Jan-Mar 2024.xlsx", (2023, 4)),
        ("March 2024 return.xlsx", (2023, 4)),
        ("FY23-24 Q4.xlsx", (2023, 4)),
        ("Q1 24/25.xlsx", (2024, 1)),
        ("third quarter 2022-2023.xlsx", (2022, 3)),
        ("tracker 2023-24 Q3 (sent Jan 2024).xlsx", (2023, 3)),  # said outright beats a month
    ],
)
def test_the_quarter_a_file_name_names(name, expected):
    assert read_clue(name).known == expected


@pytest.mark.parametrize(
    ("name", "clue"),
    [
        ("tracker.xlsx", Clue()),
        ("tracker 2023-12-13.xlsx", Clue()),  # a date, not a financial year
        ("Q3 2023.xlsx", Clue(quarter=3)),  # a calendar year: which financial year is not said
        ("tracker 2023-24.xlsx", Clue(year=2023)),
        ("Q1-Q4 2023-24.xlsx", Clue(year=2023)),  # several quarters: none of them
        ("2022-23 and 2023-24 Q1.xlsx", Clue(quarter=1)),  # several years: none of them
        ("Q2 Oct-Dec 2023.xlsx", Clue()),  # contradicts itself
    ],
)
def test_a_name_that_does_not_tell_its_quarter_is_not_guessed(name, clue):
    assert read_clue(name) == clue


MONTHS = [
    ("Jan", "January"), ("Feb", "February"), ("Mar", "March"), ("Apr", "April"), ("May", "May"),
    ("Jun", "June"), ("Jul", "July"), ("Aug", "August"), ("Sep", "September"),
    ("Oct", "October"), ("Nov", "November"), ("Dec", "December"),
]  # fmt: skip
# The reference model: a financial year starts in April; Q1 is April to June.
FINANCIAL_QUARTER = {4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 2, 10: 3, 11: 3, 12: 3, 1: 4, 2: 4, 3: 4}
QUARTER_MONTHS = {1: (4, 6), 2: (7, 9), 3: (10, 12), 4: (1, 3)}


def reference(form: str, written: dict) -> tuple[int, int]:
    """What a name written in `form` means, by the reference model's tables: a quarter named
    with its financial year is that; a month, or a quarter's months, in a calendar year falls
    in the financial year that started in the April on or before it."""
    if form in ("month", "months"):
        month, calendar = written["month"], written["calendar"]
        return (calendar - 1 if month < 4 else calendar), FINANCIAL_QUARTER[month]
    return written["year"], written["quarter"]


@st.composite
def file_names(draw):
    """(a file name naming a quarter in one of the ways people write it, what the reference
    model says it means, the quarter it was drawn from)."""
    year = draw(st.integers(1995, 2090))
    quarter = draw(st.integers(1, 4))
    month = draw(st.sampled_from([m for m, q in FINANCIAL_QUARTER.items() if q == quarter]))
    form = draw(st.sampled_from(["code", "quarter first", "year first", "word", "months", "month"]))
    sep = draw(st.sampled_from(["-", "_", " ", ".", "/"]))
    short = f"{(year + 1) % 100:02d}"
    second = draw(st.sampled_from([short, str(year + 1)]))
    first_month, last_month = QUARTER_MONTHS[quarter]
    if form == "months":
        month = first_month
    calendar = year + 1 if month < 4 else year
    spelled = draw(st.sampled_from([0, 1]))
    text = {
        "code": f"{year}{sep}{short}{sep}q{quarter}",
        "quarter first": f"Q{quarter} {year}{sep}{second}",
        "year first": f"{year}{sep}{second} Q{quarter}",
        "word": f"Quarter {quarter} {year}{sep}{second}",
        "months": f"{MONTHS[first_month - 1][spelled]}-{MONTHS[last_month - 1][spelled]}"
        f" {calendar}",
        "month": f"{MONTHS[month - 1][spelled]} {calendar}",
    }[form]
    words = st.sampled_from(["corporate", "plan", "tracker", "final", "copy (2)", "v3", "HOUSING"])
    before = " ".join(draw(st.lists(words, max_size=3)))
    after = " ".join(draw(st.lists(words, max_size=3)))
    name = draw(st.sampled_from([str.lower, str.upper, str]))(f"{before} {text} {after}".strip())
    extension = draw(st.sampled_from([".xlsx", ".XLS", ".csv"]))
    written = {"year": year, "quarter": quarter, "month": month, "calendar": calendar}
    return name + extension, reference(form, written), (year, quarter)


@settings(max_examples=50, deadline=None)
@given(file_names())
def test_any_way_of_naming_a_quarter_reads_as_the_reference_model_says(named):
    name, expected, drawn = named
    assert read_clue(name).known == expected == drawn


@settings(max_examples=50, deadline=None)
@given(
    st.integers(2000, 2090),
    st.lists(st.integers(1, 4), min_size=2, max_size=3, unique=True),
    st.sampled_from(["-", "_", " "]),
)
def test_a_name_naming_two_quarters_is_never_read_as_either(year, quarters, sep):
    name = " ".join(f"Q{q}" for q in quarters) + f" {year}{sep}{(year + 1) % 100:02d}.xlsx"
    assert read_clue(name) == Clue(year=year)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=80))
def test_any_text_reads_without_error_and_only_ever_as_a_real_quarter(text):
    clue = read_clue(text)
    assert clue.quarter in (None, 1, 2, 3, 4)
    assert clue.year is None or 1899 <= clue.year <= 2099


def test_a_file_with_several_quarter_groups_is_for_its_latest():
    texts = ["Tracker 2023/24", "Ref", "Action", "Q1 RAG", "Q1 update", "Q2 RAG", "Q2 update"]
    assert file_clue(texts, set()) == Clue(2023, 2)
    assert file_clue(texts, {1}) == Clue(2023, 1)  # the reader's column groups decide
    assert file_clue(["2022/23 target", "2023/24 target", "Q1 RAG"], set()) == Clue(quarter=1)


def test_the_texts_read_stop_at_the_header_row(tmp_path):
    path = tracker(
        tmp_path / "t.xlsx",
        [row("On Track", "Finishes Q4 2025/26")],
        title="Plan 2023/24",
        headers=["Ref", "Action", "Q3 RAG", "Q3 update"],
    )
    with open_tracker(path) as workbook:
        assert first_texts(workbook) == ["Plan 2023/24", "Ref", "Action", "Q3 RAG", "Q3 update"]


def test_a_multi_quarter_file_named_by_its_year_goes_to_its_latest_quarter(tmp_path):
    headers = ["Ref", "Action", "Q1 RAG", "Q1 update", "Q2 RAG", "Q2 update"]
    path = tracker(tmp_path / "tracker 2023-24.xlsx", [], headers=headers)
    located = locate(path)
    assert (located.period, located.source) == ("2023-24-Q2", "its name and headers")


def test_files_are_found_and_ordered(tmp_path):
    for name in [
        "b Q2 2023-24.xlsx",
        "a Q2 2023-24.xlsx",
        "Q4 2022-23.csv",
        "x.txt",
        ".hidden.xlsx",
    ]:
        (tmp_path / name).write_text("")
    paths = tracker_files([tmp_path, tmp_path / "Q4 2022-23.csv"])
    assert [p.name for p in paths] == ["Q4 2022-23.csv", "a Q2 2023-24.xlsx", "b Q2 2023-24.xlsx"]
    ordered = in_quarter_order([locate(p) for p in reversed(paths)])
    assert [f.path.name for f in ordered] == [
        "Q4 2022-23.csv",
        "a Q2 2023-24.xlsx",
        "b Q2 2023-24.xlsx",
    ]


def test_a_column_map_folds_headers_and_keeps_a_repeated_headers_number():
    assert parse_column_map(["Q3 Rating - RAG=q3_status", "Status#2 = Q2_STATUS,,"]) == {
        "q3 rating rag": "q3_status",
        "status#2": "q2_status",
    }


def test_a_quarterly_tracker_is_refused_for_a_monthly_plan_and_writes_nothing(tmp_path, plan):
    """A quarter's column is no month's: the import says so instead of choosing a month (or
    adding a quarter to a plan of months)."""
    plan.frequency = "monthly"
    plan.save(update_fields=["frequency"])
    for code in ("2023-10", "2023-11", "2023-12"):
        factories.month(plan, code)
    path = tracker(tmp_path / "tracker.xlsx", [row("Delayed", "Behind.")])
    out, err = run(path, "--period", "2023-24-Q3", plan=plan, expect_exit=1)
    assert "reports by month" in out + err
    assert not QuarterlyUpdate.objects.exists()
    assert not ReportingPeriod.objects.filter(plan=plan, month=0).exists()
