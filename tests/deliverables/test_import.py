"""Importing legacy trackers: counts, re-imports, dry runs, failures, other councils' layouts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.db import DatabaseError
from openpyxl.styles import PatternFill

from deliverables.models import (
    Action,
    ActionPlacement,
    Deliverable,
    ImportRecord,
    QuarterlyUpdate,
)
from deliverables.tracker import bulk
from deliverables.tracker import services as import_services
from deliverables.tracker.services import tracker_import
from plans.models import Plan, ReportingPeriod, StrategicOutcome
from plans.services import directorates_sync, plan_sync
from tests import factories

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
CORPORATE = FIXTURES / "legacy" / "corporate-plan-tracker-2023-24-q3.xlsx"
COUNCIL = FIXTURES / "legacy" / "ad-business-plan-red-actions-2024-25-q2.xlsx"


def sandwell_plan(name: str) -> Plan:
    """A Sandwell plan's frame (outcomes, scale, quarters) with no tracker loaded yet."""
    directorates_sync(
        json.loads((FIXTURES / "sandwell" / "directorates.json").read_text())["directorates"]
    )
    spec = json.loads((FIXTURES / "sandwell" / name).read_text())
    spec["trackers"] = []
    return plan_sync(spec)[0]


def run(
    plan: Plan, path: Path | None, period: str, data: bytes | None = None, name: str = "", **options
):
    data = data if data is not None else path.read_bytes()
    return tracker_import(None, plan, period, data, name or path.name, **options)


def snapshot() -> tuple:
    return tuple(
        list(model.objects.order_by("pk").values())
        for model in (
            StrategicOutcome,
            Deliverable,
            Action,
            ActionPlacement,
            QuarterlyUpdate,
            ReportingPeriod,
        )
    )


@pytest.mark.django_db
def test_the_2023_24_tracker_imports_with_the_expected_counts():
    plan = sandwell_plan("corporate-plan-2021-25.json")
    record = run(plan, CORPORATE, "2023-24-Q3")
    assert record.status == "applied"
    summary = record.summary
    assert summary["rows"] == 236
    assert summary["created"] == {
        "outcomes": 0,
        "deliverables": 100,
        "actions": 219,
        "updates": 219,
    }
    assert summary["errors"] == []
    # The two warnings a careful admin should read: a reused reference and an unknown prefix.
    messages = " ".join(w["message"] for w in summary["warnings"])
    assert "BP ref H15 reads as H15" in messages
    assert "No directorate uses the reference prefix 'B' (as in B11)" in messages
    assert record.file_sha256 and record.file_size == CORPORATE.stat().st_size


@pytest.mark.django_db
def test_the_2024_25_red_actions_import_under_their_themes():
    plan = sandwell_plan("council-plan-2024-30.json")
    record = run(plan, COUNCIL, "2024-25-Q2")
    assert record.summary["created"] == {
        "outcomes": 0,
        "deliverables": 0,
        "actions": 23,
        "updates": 23,
    }
    assert not record.summary["errors"]


@pytest.mark.django_db
def test_importing_the_same_workbook_again_changes_nothing():
    plan = sandwell_plan("corporate-plan-2021-25.json")
    run(plan, CORPORATE, "2023-24-Q3")
    before = snapshot()
    record = run(plan, CORPORATE, "2023-24-Q3")
    assert record.summary["created"] == {
        "outcomes": 0,
        "deliverables": 0,
        "actions": 0,
        "updates": 0,
    }
    assert record.summary["updated"] == {
        "outcomes": 0,
        "deliverables": 0,
        "actions": 0,
        "updates": 0,
    }
    assert record.summary["unchanged"]["updates"] == 219
    assert snapshot() == before


@pytest.mark.django_db
def test_a_dry_run_writes_nothing_but_its_record():
    plan = sandwell_plan("corporate-plan-2021-25.json")
    before = snapshot()
    record = run(plan, CORPORATE, "2023-24-Q3", dry_run=True)
    assert record.status == "dry_run"
    assert record.summary["created"]["updates"] == 219
    assert snapshot() == before
    assert ImportRecord.objects.get().content is None


@pytest.mark.django_db
def test_a_quarter_the_plan_lacks_is_created_closed_by_the_import():
    plan = sandwell_plan("corporate-plan-2021-25.json")
    # The file's columns are Q3's: a year earlier than the plan's quarters (issue 19: never Q4).
    record = run(plan, CORPORATE, "2022-23-Q3")
    period = ReportingPeriod.objects.get(plan=plan, year=2022, quarter=3)
    assert period.state == "closed"
    assert record.period == period
    assert period.history.first().history_change_reason.startswith("Created, closed, by importing")


@pytest.mark.django_db
def test_a_broken_workbook_is_refused_and_the_database_is_unchanged():
    plan = sandwell_plan("corporate-plan-2021-25.json")
    before = snapshot()
    damaged = CORPORATE.read_bytes()[:20_000]  # cut off mid-file
    record = run(plan, None, "2023-24-Q3", data=damaged, name="tracker.xlsx")
    assert record.status == "refused"
    assert "damaged" in record.message or "could not be" in record.message
    assert snapshot() == before


@pytest.mark.django_db
def test_a_failure_while_writing_leaves_the_database_exactly_as_it_was(monkeypatch):
    plan = sandwell_plan("corporate-plan-2021-25.json")
    before = snapshot()

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(ActionPlacement.objects, "bulk_create", fail)
    monkeypatch.setattr(bulk, "COPY_MIN_ROWS", 10**9)  # bulk_create on PostgreSQL too
    with pytest.raises(import_services.WorkflowError, match="Nothing was imported"):
        run(plan, CORPORATE, "2023-24-Q3")
    assert snapshot() == before  # actions and deliverables written before the failure are gone
    record = ImportRecord.objects.get()
    assert record.status == "failed" and "disk full" in record.message


@pytest.mark.django_db
def test_an_unknown_status_is_an_error_on_its_row_not_a_guess(tmp_path):
    plan = factories.plan("county")
    StrategicOutcome.objects.create(plan=plan, name="Growth")  # a sheet name creates none
    path = tmp_path / "tracker.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Growth"
    sheet.append(["Action Ref", "Action", "RAG Status", "Update"])
    sheet.append(["G1", "Build homes", "On Track", "Fine"])
    sheet.append(["G2", "Build roads", "Amberish", "Hmm"])
    book.save(path)
    record = run(plan, path, "2023-24-Q3")
    assert record.status == "applied"
    [error] = record.summary["errors"]
    assert (error["sheet"], error["row"]) == ("Growth", 3)
    assert "'Amberish' is not a status of this plan's scale" in error["message"]
    assert Action.objects.filter(plan=plan).count() == 1


@pytest.mark.django_db
def test_another_councils_layout_imports_correctly(tmp_path, directorates):
    """Reordered columns, renamed headers, an outcome column, instructions and a hidden sheet."""
    plan = factories.plan("county", outcome_label="Priority")
    for status, spellings in (("On Track", "Green"), ("Delayed", "Red")):
        factories.status(plan, status).__class__.objects.filter(
            scale__plan=plan, label=status
        ).update(spellings=spellings)
    book = openpyxl.Workbook()
    book.active.title = "Read me"
    book.active["A1"] = "Complete one row per action. Statuses: Green, Red."
    sheet = book.create_sheet("Q1 2024-25")
    sheet.append(["County Council - quarterly performance return"])
    sheet.append(
        [
            "RAG Status",
            "Progress update",
            "Action Ref",
            "Action",
            "Priority",
            "Directorate",
            "Deliverable",
        ]
    )
    rows = [
        (
            "Green",
            "Planting on schedule",
            "ch 4",
            "Plant 10,000 trees",
            "A greener county",
            "Children & Education",
            "We will green the county",
        ),
        (
            "Red",
            "<p>Funding delayed</p><p>Bid resubmitted</p>",
            "PH.9",
            "Cut emissions",
            "A greener county",
            None,
            None,
        ),
        (
            "Green",
            "Two new hubs",
            "F 2",
            "Open family hubs",
            "Thriving families",
            "Finance",
            "We will support families",
        ),
    ]
    for row in rows:
        sheet.append(list(row))
    sheet["A4"].fill = PatternFill("solid", fgColor="D4351C")
    hidden = book.create_sheet("Old")
    hidden.append(["Action Ref", "Action", "RAG Status"])
    hidden.append(["X1", "Ignore me", "Green"])
    hidden.sheet_state = "hidden"
    path = tmp_path / "county-return.xlsx"
    book.save(path)

    record = run(plan, path, "2024-25-Q1")
    assert record.status == "applied", record.message
    assert record.summary["errors"] == []
    assert record.summary["created"] == {
        "outcomes": 2,
        "deliverables": 2,
        "actions": 3,
        "updates": 3,
    }
    assert {s["sheet"] for s in record.summary["skipped_sheets"]} == {"Read me", "Old"}
    trees = Action.objects.get(plan=plan, ref_normalised="CH4")
    assert trees.directorate.code == "CH"
    assert trees.deliverables.get().title == "We will green the county"
    emissions = Action.objects.get(plan=plan, ref_normalised="PH9")
    assert emissions.directorate.code == "PH"  # from the reference's prefix
    update = emissions.updates.get()
    assert (update.status.label, update.commentary) == (
        "Delayed",
        "Funding delayed\n\nBid resubmitted",
    )
    # "Same as above" carries the deliverable down to PH.9's blank cells.
    assert emissions.deliverables.get() == trees.deliverables.get()
    assert set(plan.outcomes.values_list("name", flat=True)) == {
        "A greener county",
        "Thriving families",
    }
    assert not Action.objects.filter(title="Ignore me").exists()


@pytest.mark.django_db
def test_duplicate_rows_link_to_the_action_they_name(tmp_path):
    plan = factories.plan("adults")
    StrategicOutcome.objects.create(plan=plan, name="Live Well")  # a sheet name creates none
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Live Well"
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
    sheet.append(
        [
            "L6",
            "We will develop a strength-based approach",
            "ASC17a",
            "Refresh existing market position statement.",
            "On Track",
            "Draft complete",
        ]
    )
    sheet.append(
        [
            "L9",
            "We will support carers",
            None,
            "Dynamic market position statement.",
            None,
            "Duplicate - see ASC17a",
        ]
    )
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    record = run(plan, path, "2023-24-Q3")
    assert record.summary["created"]["actions"] == 1
    action = Action.objects.get(plan=plan)
    assert sorted(d.ref for d in action.deliverables.all()) == ["L6", "L9"]
    assert [r["result"] for r in record.rows] == ["created", "linked"]


@pytest.mark.django_db
def test_a_closed_quarter_is_not_overwritten_without_the_option(tmp_path):
    plan = sandwell_plan("council-plan-2024-30.json")
    run(plan, COUNCIL, "2024-25-Q2")
    book = openpyxl.load_workbook(COUNCIL)
    book.active["B5"] = "On Track"  # the first Delayed action has recovered
    path = tmp_path / "corrected.xlsx"
    book.save(path)
    record = run(plan, path, "2024-25-Q2")
    [error] = record.summary["errors"]
    assert "Q2 2024/25 is closed" in error["message"]
    assert QuarterlyUpdate.objects.filter(status__label="On Track").count() == 0
    record = run(plan, path, "2024-25-Q2", overwrite_closed=True)
    assert record.summary["updated"]["updates"] == 1
    changed = QuarterlyUpdate.objects.get(status__label="On Track")
    assert changed.version == 2
    assert changed.history.first().history_change_reason == "Imported from corrected.xlsx"


@pytest.mark.django_db
def test_an_update_entered_in_the_service_is_never_overwritten(tmp_path):
    plan = sandwell_plan("council-plan-2024-30.json")
    run(plan, COUNCIL, "2024-25-Q2")
    entered = QuarterlyUpdate.objects.first()
    QuarterlyUpdate.objects.filter(pk=entered.pk).update(source="entered", commentary="Typed in")
    ReportingPeriod.objects.filter(plan=plan).update(state="open")
    book = openpyxl.load_workbook(COUNCIL)
    for row in book.active.iter_rows(min_row=5):
        if row[2].value:
            row[2].value = "Rewritten"
    path = tmp_path / "rewrite.xlsx"
    book.save(path)
    record = run(plan, path, "2024-25-Q2")
    assert any("entered in the app" in e["message"] for e in record.summary["errors"])
    entered.refresh_from_db()
    assert entered.commentary == "Typed in"


@pytest.mark.django_db
def test_csv_and_xls_trackers_import_like_xlsx(tmp_path):
    import xlwt

    plan = factories.plan("county")
    StrategicOutcome.objects.create(plan=plan, name="Return")  # a file name creates none
    header = ["Action Ref", "Action", "RAG Status", "Commentary"]
    rows = [["A1", "First action", "On Track", "Fine"], ["A2", "Second action", "Delayed", "Late"]]
    csv_text = "\n".join(",".join(r) for r in [header, *rows])
    record = run(plan, None, "2023-24-Q3", data=csv_text.encode("utf-8-sig"), name="return.csv")
    assert record.summary["created"]["updates"] == 2, record.message

    book = xlwt.Workbook()
    sheet = book.add_sheet("Return")
    sheet.write_merge(0, 0, 0, 3, "Thriving families")
    for column, text in enumerate(header):
        sheet.write(1, column, text)
    for number, row in enumerate([["A3", "Third action", "On Track", "Good"]], start=2):
        for column, text in enumerate(row):
            sheet.write(number, column, text)
    stream = io.BytesIO()
    book.save(stream)
    other = factories.plan("other-county")
    StrategicOutcome.objects.create(plan=other, name="Thriving families")  # a title creates none
    record = run(other, None, "2023-24-Q3", data=stream.getvalue(), name="return.xls")
    assert record.summary["created"]["updates"] == 1, record.message
    assert Action.objects.get(ref="A3").placements.get().outcome.name == "Thriving families"


def _small_tracker(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Growth"
    sheet.append(["BP Ref.", "Key deliverables (Directorate Action)", "RAG", "Commentary"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_imported_actions_are_counted_from_the_quarter_their_tracker_shows_them_in():
    """An action first seen in Q3's tracker is not No Update in Q2; importing Q2's tracker
    later moves it back, and the preview says so before anything is written."""
    plan = factories.plan("growth")
    StrategicOutcome.objects.create(plan=plan, name="Growth")
    data = _small_tracker([["R1", "Regenerate the town centre", "On Track", "Going well"]])
    run(plan, None, "2023-24-Q3", data, "q3.xlsx")
    r1 = Action.objects.get(plan=plan, ref="R1")
    q3 = plan.periods.get(quarter=3)
    assert r1.reported_from == q3
    q2 = factories.period(plan, "2023-24-Q2")
    assert not Action.objects.in_scope_for(q2).exists()  # nothing shows it in Q2 yet
    preview = run(plan, None, "2023-24-Q2", data, "q2.xlsx", dry_run=True)
    assert preview.summary["updated"]["actions"] == 1  # the preview promises the move
    r1.refresh_from_db()
    assert r1.reported_from == q3  # a dry run writes nothing
    run(plan, None, "2023-24-Q2", data, "q2.xlsx")
    r1.refresh_from_db()
    assert r1.reported_from == q2
    assert list(Action.objects.in_scope_for(q2)) == [r1]
