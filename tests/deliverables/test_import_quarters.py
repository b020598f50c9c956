"""Multi-quarter trackers (issue 19): each quarter's columns go into that quarter, all in one
transaction; a file whose one quarter is another than the chosen one is refused; structure is
created only for rows that are written; and confirm writes exactly what the preview showed.

Most tests hand the importer rows as the reader gives them (TrackerRow.by_quarter), so they
test the importer whatever the reader's column detection; the end-to-end ones read a file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass, field

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliverables.models import (
    Action,
    ActionPlacement,
    Deliverable,
    ImportRecord,
    QuarterlyUpdate,
)
from deliverables.tracker import services as import_services
from deliverables.tracker.importer import prepare_import
from deliverables.tracker.layout import QuarterProgress, ReadResult, TrackerRow
from deliverables.tracker.meanings import ColumnGuess, Mapping, header_signature
from deliverables.tracker.quarters import QuarterMismatch
from deliverables.tracker.saved_layouts import layout_save
from deliverables.tracker.structure import field_problem
from deliverables.workflow import WorkflowError
from plans.models import (
    ReportingPeriod,
    Status,
    StrategicOutcome,
    Theme,
    parse_period_code,
)
from tests import factories
from tests.deliverables.test_import_mapping import mapping_data

EXAMPLES = min(int(os.environ.get("HYPOTHESIS_EXAMPLES", "20")), 30)


def tracker_row(
    number: int,
    ref: str,
    title: str | None = None,
    *,
    quarters: dict[int, tuple[str, str]] | None = None,
    status: str = "",
    commentary: str = "",
    outcome: str = "Growth",
    creatable: tuple[str, ...] = (),
    **fields,
) -> TrackerRow:
    """A row as the reader gives it; `quarters` are its quarter groups (status, commentary)."""
    row = TrackerRow(
        sheet="Growth",
        row=number,
        outcome_candidates=(outcome,),
        action_ref=ref,
        action=f"Action {ref}" if title is None else title,
        status=status,
        commentary=commentary,
        by_quarter={q: QuarterProgress(s, None, c) for q, (s, c) in (quarters or {}).items()},
        **fields,
    )
    row.outcome_creatable = creatable  # may create an outcome (an outcome column's value)
    return row


def reading(rows: list[TrackerRow], quarters=()) -> ReadResult:
    read = ReadResult(rows=rows, skipped_sheets=[], layouts={})
    read.quarters = set(quarters)
    return read


def quarter(plan, code: str) -> ReportingPeriod:
    """The quarter to import into, prepared closed where the plan lacks it (as the pages do)."""
    year, number = parse_period_code(code)
    found = ReportingPeriod.objects.filter(plan=plan, year=year, quarter=number).first()
    return found or ReportingPeriod(plan=plan, year=year, quarter=number, state="closed")


def updates(plan) -> dict[tuple[str, int], tuple[str, str]]:
    found = QuarterlyUpdate.objects.filter(action__plan=plan).select_related(
        "action", "period", "status"
    )
    return {(u.action.ref, u.period.quarter): (u.status.label, u.commentary) for u in found}


def snapshot() -> tuple:
    return tuple(
        list(model.objects.order_by("pk").values())
        for model in (
            StrategicOutcome,
            Theme,
            Deliverable,
            Action,
            ActionPlacement,
            QuarterlyUpdate,
            ReportingPeriod,
            Status,
        )
    )


def workbook(header: list[str], rows: list[list], titles=(), sheet_name: str = "Growth") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_name
    for title in titles:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def plan(db):
    made = factories.plan("growth")
    StrategicOutcome.objects.create(plan=made, name="Growth")
    return made


WIDE = {
    "G1": {
        1: ("On Track", "Q1 words"),
        2: ("Delayed", "Q2 words"),
        3: ("On Track", "Q3 words"),
        4: ("Complete", "Q4 words"),
    },
    "G2": {1: ("Delayed", "Slow start"), 2: ("", ""), 3: ("On Track", "Caught up"), 4: ("", "")},
}


def wide(quarters=(1, 2, 3, 4)) -> ReadResult:
    rows = [
        tracker_row(n, ref, quarters={q: v for q, v in values.items() if q in quarters})
        for n, (ref, values) in enumerate(WIDE.items(), start=2)
    ]
    return reading(rows, quarters)


def test_a_wide_tracker_puts_each_quarters_columns_into_that_quarter(plan):
    factories.period(plan, "2023-24-Q4", state="open")
    preview = prepare_import(plan, quarter(plan, "2023-24-Q4"), wide())
    summary = preview.summary()
    assert summary["quarters"] == {
        "2023-24-Q1": {"label": "Q1 2023/24", "created": 2, "updated": 0, "unchanged": 0},
        "2023-24-Q2": {"label": "Q2 2023/24", "created": 1, "updated": 0, "unchanged": 0},
        "2023-24-Q3": {"label": "Q3 2023/24", "created": 2, "updated": 0, "unchanged": 0},
        "2023-24-Q4": {"label": "Q4 2023/24", "created": 1, "updated": 0, "unchanged": 0},
    }
    assert summary["created"]["updates"] == 6
    assert "each goes into its own quarter" in summary["warnings"][0]["message"]
    assert not ReportingPeriod.objects.filter(plan=plan, quarter__lt=4).exists()  # a preview

    preview.apply()
    assert updates(plan) == {
        ("G1", 1): ("On Track", "Q1 words"),
        ("G1", 2): ("Delayed", "Q2 words"),
        ("G1", 3): ("On Track", "Q3 words"),
        ("G1", 4): ("Complete", "Q4 words"),
        ("G2", 1): ("Delayed", "Slow start"),
        ("G2", 3): ("On Track", "Caught up"),
    }
    states = dict(plan.periods.values_list("quarter", "state"))
    assert states == {1: "closed", 2: "closed", 3: "closed", 4: "open"}  # made closed: history
    q1 = plan.periods.get(quarter=1)
    assert q1.history.first().history_change_reason.startswith("Created, closed, by importing")
    # A new action is reported from the first quarter the file gives it an update in.
    assert set(Action.objects.filter(plan=plan).values_list("reported_from", flat=True)) == {q1.pk}


def test_an_unnamed_commentary_column_fills_the_chosen_quarter_never_another(plan):
    """ "Q3 RAG" beside a plain "Comments" column is one Q3 update; in a wide tracker the
    reader's copy of Q1's values is not filed under a blank Q3."""
    one = reading(
        [tracker_row(2, "G1", quarters={3: ("On Track", "")}, commentary="Plain words")], {3}
    )
    prepare_import(plan, quarter(plan, "2023-24-Q3"), one).apply()
    assert updates(plan) == {("G1", 3): ("On Track", "Plain words")}

    copied = tracker_row(
        3,
        "G2",
        quarters={1: ("Delayed", "Q1 only"), 2: ("On Track", "Q2 only"), 3: ("", "")},
        status="Delayed",
        commentary="Q1 only",
    )
    prepare_import(plan, quarter(plan, "2023-24-Q3"), reading([copied], {1, 2, 3})).apply()
    assert {k: v for k, v in updates(plan).items() if k[0] == "G2"} == {
        ("G2", 1): ("Delayed", "Q1 only"),
        ("G2", 2): ("On Track", "Q2 only"),
    }


def test_a_file_with_only_q1_columns_is_refused_for_q3_and_nothing_is_written(plan):
    data = workbook(
        ["BP Ref.", "Action", "Q1 RAG", "Q1 Update"], [["G1", "Grow", "On Track", "Ok"]]
    )
    before = snapshot()
    record = import_services.tracker_import(None, plan, "2023-24-Q3", data, "q1.xlsx")
    assert record.status == "refused" and record.content is None
    assert record.message == (
        "The headers 'Q1 RAG', 'Q1 Update' were read as Q1's, but this import is for "
        "Q3 2023/24, so nothing would go into it. On the import's page, change what the "
        "columns mean (for example to Q3 status and Q3 commentary), or upload the file again "
        "for the quarter it reports on."
    )
    assert snapshot() == before
    with pytest.raises(QuarterMismatch):
        prepare_import(plan, quarter(plan, "2023-24-Q3"), wide(quarters=(1,)))

    record = import_services.tracker_import(None, plan, "2023-24-Q1", data, "q1.xlsx")
    assert record.status == "applied", record.message
    assert updates(plan) == {("G1", 1): ("On Track", "Ok")}


# -- a file read as another quarter's: kept, with its refusal, for the columns to be remapped --

# A Q4 2023/24 tracker whose commentary was written in April: the month names Q1, and the plain
# RAG beside it is read as Q1's too.
APRIL = (["BP Ref.", "Action", "RAG", "April 2024 update"], [["G1", "Grow", "On Track", "Done"]])


def upload_april(client, plan, period: str = "2023-24-Q4"):
    data = {
        "plan": plan.pk,
        "period": period,
        "file": SimpleUploadedFile("q4.xlsx", workbook(*APRIL)),
    }
    return client.post(reverse("deliverables:import_new"), data)


def test_an_upload_read_as_another_quarter_shows_why_and_the_mapping_step(admin_client, plan):
    before = snapshot()
    response = upload_april(admin_client, plan)
    record = ImportRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    assert record.status == "previewed"  # its file kept, for reading again
    assert hashlib.sha256(bytes(record.content)).hexdigest() == record.file_sha256
    assert record.message == record.summary["refusal"]
    assert "'RAG', 'April 2024 update' were read as Q1's" in record.message
    assert "Q4 2023/24" in record.message and "Choose" not in record.message
    assert "Q1 2023/24" not in record.message  # April 2024 is not in April-June 2023
    assert set(record.summary["created"].values()) == {0} and record.summary["quarters"] == {}
    assert [c["header"] for c in record.summary["columns"]] == APRIL[0]
    assert record.summary["signature"] and record.rows == []
    page = admin_client.get(record.get_absolute_url()).content.decode()
    assert "Cannot be imported as read" in page and "were read as Q1&#x27;s" in page
    assert "What each column means" in page and '<option value="q1_commentary" selected>' in page
    assert "Import now" not in page and "Cancel" in page
    assert snapshot() == before


def test_a_preview_carrying_a_refusal_cannot_be_imported(admin_client, plan):
    upload_april(admin_client, plan)
    record = ImportRecord.objects.get()
    before = snapshot()
    response = admin_client.post(
        reverse("deliverables:import_apply", args=[record.pk]), follow=True
    )
    assert response.status_code == 200
    assert "Nothing was imported: the file cannot be, as it is read." in response.content.decode()
    record.refresh_from_db()
    assert record.status == "previewed" and record.summary["refusal"]
    assert snapshot() == before


def test_remapping_the_columns_to_the_chosen_quarter_gives_a_preview_that_imports(
    admin_client, plan
):
    upload_april(admin_client, plan)
    record = ImportRecord.objects.get()
    meanings = {"RAG": "q4_status", "April 2024 update": "q4_commentary"}
    response = admin_client.post(
        reverse("deliverables:import_mapping", args=[record.pk]),
        mapping_data(record, meanings),
        follow=True,
    )
    page = response.content.decode()
    assert "The preview was updated with these meanings." in page
    assert "Cannot be imported as read" not in page and "Import now" in page
    record.refresh_from_db()
    assert "refusal" not in record.summary and record.message == ""
    assert record.summary["quarters"]["2023-24-Q4"]["created"] == 1
    admin_client.post(reverse("deliverables:import_apply", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == "applied"
    assert updates(plan) == {("G1", 4): ("On Track", "Done")}


def test_a_remap_still_for_another_quarter_keeps_the_refusal_with_the_new_reason(
    admin_client, plan
):
    upload_april(admin_client, plan)
    record = ImportRecord.objects.get()
    meanings = {"RAG": "q2_status", "April 2024 update": "q2_commentary"}
    response = admin_client.post(
        reverse("deliverables:import_mapping", args=[record.pk]), mapping_data(record, meanings)
    )
    assert response.status_code == 302  # no earlier preview to keep: this one is the page
    record.refresh_from_db()
    assert record.status == "previewed" and record.mapping["columns"]["rag"] == "q2_status"
    assert "were read as Q2's" in record.summary["refusal"] == record.message
    page = admin_client.get(record.get_absolute_url()).content.decode()
    assert "These meanings were kept, but nothing can be imported with them yet." in page
    assert "Cannot be imported as read" in page and "Import now" not in page
    assert not QuarterlyUpdate.objects.exists()


def test_a_saved_layout_that_reads_the_file_as_another_quarter_is_kept_for_remapping(
    admin_client, users, plan
):
    """Plain RAG and Update columns import into any quarter; a layout saved as Q1's does not."""
    plain = workbook(["BP Ref.", "Action", "RAG", "Update"], [["G1", "Grow", "On Track", "Done"]])
    as_q1 = Mapping({"rag": "q1_status", "update": "q1_commentary"})
    layout = layout_save(
        users["admin"], "Q1 tracker", import_services._read(plain, "q1.xlsx"), as_q1
    )
    record = import_services.tracker_preview(users["admin"], plan, "2023-24-Q4", plain, "q4.xlsx")
    assert record.layout == layout and record.mapping["origin"] == "layout"
    assert record.status == "previewed" and record.content is not None
    assert "The headers 'RAG', 'Update' were read as Q1's" in record.summary["refusal"]
    page = admin_client.get(record.get_absolute_url()).content.decode()
    assert "Cannot be imported as read" in page and "Import now" not in page
    assert "Layout 'Q1 tracker' was applied" in page and "from the layout" in page
    with pytest.raises(WorkflowError):
        import_services.tracker_apply(users["admin"], record)
    meanings = {"RAG": "q4_status", "Update": "q4_commentary"}
    admin_client.post(
        reverse("deliverables:import_mapping", args=[record.pk]), mapping_data(record, meanings)
    )
    record.refresh_from_db()
    assert "refusal" not in record.summary and record.layout is None
    import_services.tracker_apply(users["admin"], record)
    assert updates(plan) == {("G1", 4): ("On Track", "Done")}


def test_the_command_still_refuses_a_file_read_as_another_quarter(plan, tmp_path, capsys):
    path = tmp_path / "q4.xlsx"
    path.write_bytes(workbook(*APRIL))
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import_tracker", str(path), "--plan", plan.slug, "--period", "2023-24-Q4", "--json"
        )
    assert exit_.value.code == 1
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "refused" and "were read as Q1's" in result["message"]
    record = ImportRecord.objects.get()
    assert record.status == "refused" and record.content is None and record.summary == {}
    assert not QuarterlyUpdate.objects.exists()


def test_a_failure_writing_q3_leaves_q1_and_q2_unwritten(plan, monkeypatch):
    preview = prepare_import(plan, quarter(plan, "2023-24-Q3"), wide(quarters=(1, 2, 3)))
    before = snapshot()
    write = QuarterlyUpdate.objects.bulk_create

    def write_then_fail(objs, *args, **kwargs):
        write([u for u in objs if u.period.quarter != 3], *args, **kwargs)
        assert QuarterlyUpdate.objects.filter(period__quarter__in=[1, 2]).count() == 3
        raise DatabaseError("Q3 refused")

    monkeypatch.setattr(QuarterlyUpdate.objects, "bulk_create", write_then_fail)
    with pytest.raises(DatabaseError, match="Q3 refused"):
        preview.apply()
    assert snapshot() == before  # Q1's and Q2's updates, the actions and the quarters are gone


def test_importing_a_wide_tracker_again_changes_nothing(plan):
    prepare_import(plan, quarter(plan, "2023-24-Q4"), wide()).apply()
    before = snapshot()
    again = prepare_import(plan, quarter(plan, "2023-24-Q4"), wide())
    summary = again.summary()
    assert not any(summary["created"].values()) and not any(summary["updated"].values())
    assert summary["links_created"] == 0
    assert {code: q["unchanged"] for code, q in summary["quarters"].items()} == {
        "2023-24-Q1": 2,
        "2023-24-Q2": 1,
        "2023-24-Q3": 2,
        "2023-24-Q4": 1,
    }
    again.apply()
    assert snapshot() == before


def test_closed_quarters_and_entered_updates_are_judged_quarter_by_quarter(plan):
    q1 = factories.period(plan, "2023-24-Q1", state="closed")
    q2 = factories.period(plan, "2023-24-Q2", state="open")
    q3 = factories.period(plan, "2023-24-Q3", state="open")
    g1 = factories.action(plan, "G1")
    factories.update(g1, q1, "Delayed", "Old Q1")
    factories.update(g1, q2, "Delayed", "Typed in", state="submitted", source="entered")
    factories.update(g1, q3, "Delayed", "Old Q3")
    values = {1: ("On Track", "New Q1"), 2: ("On Track", "New Q2"), 3: ("On Track", "New Q3")}
    read = reading([tracker_row(2, "G1", quarters=values)], {1, 2, 3})

    preview = prepare_import(plan, q3, read)
    summary = preview.summary()
    assert {code: q["updated"] for code, q in summary["quarters"].items()} == {
        "2023-24-Q1": 0,
        "2023-24-Q2": 0,
        "2023-24-Q3": 1,
    }
    messages = [e["message"] for e in summary["errors"]]
    assert len(messages) == 2
    assert messages[0].startswith("Q1 2023/24 is closed: the update for G1 would change")
    assert "entered in the app for Q2 2023/24" in messages[1]
    [row] = preview.rows
    assert row.result == "updated" and "Q1 2023/24 is closed" in row.message
    preview.apply()
    assert updates(plan) == {
        ("G1", 1): ("Delayed", "Old Q1"),
        ("G1", 2): ("Delayed", "Typed in"),
        ("G1", 3): ("On Track", "New Q3"),
    }

    preview = prepare_import(plan, q3, read, overwrite_closed=True)
    assert preview.summary()["quarters"]["2023-24-Q1"]["updated"] == 1
    preview.apply()
    assert updates(plan)[("G1", 1)] == ("On Track", "New Q1")
    assert updates(plan)[("G1", 2)] == ("Delayed", "Typed in")  # entered: never overwritten


def test_an_existing_action_moves_back_to_its_first_quarter_in_the_file_never_forward(plan):
    q1 = factories.period(plan, "2023-24-Q1", state="closed")
    q3 = factories.period(plan, "2023-24-Q3", state="closed")
    q4 = factories.period(plan, "2023-24-Q4", state="open")
    late = factories.action(plan, "G1")
    early = factories.action(plan, "G2")
    Action.objects.filter(pk=late.pk).update(reported_from=q4)
    Action.objects.filter(pk=early.pk).update(reported_from=q1)
    read = wide(quarters=(3, 4))
    preview = prepare_import(plan, q4, read)
    assert preview.summary()["updated"]["actions"] == 1  # G1: Q4 -> Q3; G2 stays in Q1
    preview.apply()
    late.refresh_from_db()
    early.refresh_from_db()
    assert (late.reported_from, early.reported_from) == (q3, q1)


def test_rows_that_all_fail_write_nothing_not_even_the_outcome_of_a_title_row(plan):
    q3 = factories.period(plan, "2023-24-Q3", state="open")
    g1 = factories.action(plan, "G1", "Grow the town")
    factories.update(g1, q3, "Delayed", "Typed in", state="submitted", source="entered")
    header = ["CP Ref", "Deliverable", "BP Ref.", "Action", "RAG", "Commentary"]
    rows = [
        ["N1", "We will build", "ZZ1", None, "On Track", "No such action"],
        ["N2", "We will mend", "G1", "Grow the town", "On Track", "Entered in the app"],
    ]
    title = "Directorate Business Plan Tracker - Housing - Q3"
    data = workbook(header, rows, titles=[title], sheet_name="Housing")
    before = snapshot()
    record = import_services.tracker_import(None, plan, "2023-24-Q3", data, "housing.xlsx")
    assert record.status == "applied", record.message
    assert {r["result"] for r in record.rows} <= {"error", "skipped"}
    assert not any(record.summary["created"].values())
    assert record.summary["links_created"] == 0
    assert not any(record.summary["structure"].values())
    assert not any("will be created" in w["message"] for w in record.summary["warnings"])
    assert snapshot() == before


def test_the_preview_lists_the_structure_it_creates_with_its_rows(plan):
    rows = [
        tracker_row(
            2,
            "T1",
            outcome="Thriving families",
            creatable=("Thriving families",),
            deliverable="We will open hubs",
            quarters={3: ("On Track", "Open")},
        ),
        tracker_row(
            3,
            "T2",
            outcome="Thriving families",
            creatable=("Thriving families",),
            deliverable="We will open hubs",
            quarters={3: ("Delayed", "Late")},
        ),
        tracker_row(4, "G9", title="", quarters={3: ("On Track", "No title")}),  # fails
        tracker_row(5, "G1", quarters={3: ("Delayed", "Existing")}),
    ]
    factories.action(plan, "G1")
    summary = prepare_import(plan, quarter(plan, "2023-24-Q3"), reading(rows, {3})).summary()
    structure = summary["structure"]
    assert structure["outcomes"] == [
        {"name": "Thriving families", "rows": [["Growth", 2], ["Growth", 3]], "row_count": 2}
    ]
    assert structure["deliverables"] == [
        {
            "ref": "",
            "title": "We will open hubs",
            "outcome": "Thriving families",
            "rows": [["Growth", 2], ["Growth", 3]],
            "row_count": 2,
        }
    ]
    assert [(a["ref"], a["rows"]) for a in structure["actions"]] == [
        ("T1", [["Growth", 2]]),
        ("T2", [["Growth", 3]]),
    ]
    assert summary["created"]["actions"] == 2  # G1 exists; G9's row is an error


def test_a_name_the_database_would_refuse_is_an_error_in_the_preview_not_on_confirm(plan):
    """Two theme spellings the matcher tells apart that store alike ("Grow&amp;th" is
    "Grow&th" once cleaned): the preview must not promise what the write would refuse."""
    rows = [
        tracker_row(2, "G1", theme="Grow&th", quarters={3: ("On Track", "One")}),
        tracker_row(3, "G2", theme="Grow&amp;th", quarters={3: ("On Track", "Two")}),
    ]
    preview = prepare_import(plan, quarter(plan, "2023-24-Q3"), reading(rows, {3}))
    written = [r for r in preview.rows if r.result != "error"]
    preview.apply()  # no IntegrityError
    assert Theme.objects.filter(name="Grow&th").count() == 1
    assert len(updates(plan)) == len(written) == preview.created["updates"]


def test_two_long_outcome_names_that_store_alike_do_not_fail_the_confirm(plan):
    """The issue's preview promised outcomes that the confirm then could not write (names
    over the 200 characters the column holds): now the preview refuses the rows instead."""
    long = "Residents live well " * 10  # exactly 200 characters
    rows = [
        tracker_row(2, "L1", outcome=long + "in town", creatable=(long + "in town",)),
        tracker_row(3, "L2", outcome=long + "in the county", creatable=(long + "in the county",)),
    ]
    for row in rows:
        row.status, row.commentary = "On Track", "Fine"
    preview = prepare_import(plan, quarter(plan, "2023-24-Q3"), reading(rows))
    promised = preview.created["outcomes"], preview.created["actions"]
    preview.apply()  # no IntegrityError
    assert promised == (
        StrategicOutcome.objects.filter(plan=plan).exclude(name="Growth").count(),
        Action.objects.filter(plan=plan).count(),
    )
    # Never cut to fit: each row is an error saying how long the name is.
    assert promised == (0, 0)
    assert [r.result for r in preview.rows] == ["error", "error"]
    assert all("characters" in r.message for r in preview.rows)


def test_field_problems_name_the_value_and_the_limit():
    action = Action(ref="R" * 41, title="Long ref")
    assert "is 41 characters long; at most 40 fit" in field_problem(action)
    import datetime as dt

    action = Action(ref="R1", start_date=dt.date(2024, 5, 1), due_date=dt.date(2024, 4, 1))
    assert "would be due (01 Apr 2024) before it starts (01 May 2024)" in field_problem(action)
    assert field_problem(Action(ref="R1", title="Fine")) is None


def test_status_spellings_from_answers_are_saved_when_the_import_is_applied(plan):
    on_track = factories.status(plan, "On Track")
    preview = prepare_import(plan, quarter(plan, "2023-24-Q3"), wide(quarters=(3,)))
    preview.new_spellings = {on_track.pk: ["Green", "on  track", "Groen", "green"]}
    on_track.refresh_from_db()
    assert on_track.spellings == ""  # a preview writes nothing
    preview.apply()
    on_track.refresh_from_db()
    assert on_track.spellings.splitlines() == ["Green", "Groen"]


def test_hidden_rows_are_listed_and_those_imported_are_warned_about(plan):
    rows = [
        tracker_row(2, "G1", quarters={3: ("On Track", "Seen")}, hidden=True),
        tracker_row(3, "G2", quarters={3: ("Amberish", "Bad status")}, hidden=True),
    ]
    summary = prepare_import(plan, quarter(plan, "2023-24-Q3"), reading(rows, {3})).summary()
    assert summary["hidden"] == [{"sheet": "Growth", "row": 2}, {"sheet": "Growth", "row": 3}]
    hidden = [w["message"] for w in summary["warnings"] if "hidden" in w["message"]]
    assert hidden == ["Row 2 is hidden in the sheet: check it belongs."]


def test_the_summary_keeps_what_the_reader_understood(plan):
    read = wide(quarters=(3,))
    columns = [
        ColumnGuess("Growth", 0, "A", "BP Ref.", "bp ref", "action_ref", "header says 'ref'"),
        ColumnGuess("Growth", 1, "B", "Notes", "notes", "ignore", "nothing fits"),
    ]
    read.columns = columns
    read.noise = [{"sheet": "Growth", "row": 9, "reason": "a total row"}]
    read.header_keys = ["bp ref", "notes"]
    summary = prepare_import(plan, quarter(plan, "2023-24-Q3"), read).summary()
    assert summary["columns"] == [c.as_json() for c in columns]
    assert summary["unused_columns"] == [columns[1].as_json()]
    assert summary["noise"] == [{"sheet": "Growth", "row": 9, "reason": "a total row"}]
    assert summary["signature"] == header_signature(["notes", "bp ref"])
    assert summary["questions"] == [] and summary["answered"] == {}


@pytest.mark.django_db
def test_a_wide_workbook_imports_each_quarter_end_to_end(plan):
    header = ["BP Ref.", "Action"]
    for q in (1, 2, 3, 4):
        header += [f"Q{q} RAG", f"Q{q} Update"]
    data = workbook(
        header,
        [
            ["G1", "Action G1", *[x for q in (1, 2, 3, 4) for x in WIDE["G1"][q]]],
            ["G2", "Action G2", *[x or None for q in (1, 2, 3, 4) for x in WIDE["G2"][q]]],
        ],
    )
    record = import_services.tracker_import(None, plan, "2023-24-Q4", data, "wide.xlsx")
    assert record.status == "applied", record.message
    assert updates(plan) == {
        (ref, q): v for ref, values in WIDE.items() for q, v in values.items() if v[0]
    }


# -- preview then confirm: property-based, against a plain-Python model ------------------------

CELLS = st.tuples(st.sampled_from(["", "On Track", "Delayed"]), st.sampled_from(["", "Ok", "Late"]))
REFS = ("A1", "A2", "A3")


@dataclass
class World:
    groups: list[int]  # the file's quarter columns; empty: plain status and commentary
    chosen: int
    states: dict[int, str | None]  # each quarter: None (the plan lacks it), open, closed
    rows: dict[str, dict[int, tuple[str, str]]]  # ref -> quarter (0: plain) -> values
    existing: set[str]
    updates: dict[tuple[str, int], tuple[str, str, str]] = field(default_factory=dict)
    overwrite_closed: bool = False
    blank_groups_left_out: bool = False  # a reader may give a row only its filled groups


@st.composite
def worlds(draw) -> World:
    groups = sorted(draw(st.sets(st.integers(1, 4), max_size=4)))
    if len(groups) == 1:
        chosen = draw(st.one_of(st.just(groups[0]), st.integers(1, 4)))
    else:
        chosen = draw(st.integers(1, 4))
    states = {q: draw(st.sampled_from([None, "open", "closed"])) for q in (1, 2, 3, 4)}
    listed = draw(st.lists(st.sampled_from(REFS), min_size=1, max_size=3, unique=True))
    rows = {ref: {q: draw(CELLS) for q in (groups or [0])} for ref in listed}
    existing = set(draw(st.lists(st.sampled_from(REFS), max_size=3, unique=True)))
    world = World(
        groups,
        chosen,
        states,
        rows,
        existing,
        overwrite_closed=draw(st.booleans()),
        blank_groups_left_out=draw(st.booleans()),
    )
    for ref in sorted(existing):
        for q, state in states.items():
            if state and draw(st.booleans()):
                status = draw(st.sampled_from(["On Track", "Delayed"]))
                commentary = draw(st.sampled_from(["Ok", "Late"]))
                source = draw(st.sampled_from(["imported", "entered"]))
                world.updates[(ref, q)] = (status, commentary, source)
    return world


class Reference:
    """Where each value lands, restated from the issue's rules without the importer's code."""

    def __init__(self, world: World):
        self.refused = len(world.groups) == 1 and world.chosen not in world.groups
        self.figures: dict[int, dict[str, int]] = {}
        self.final = dict(world.updates)
        self.errors = 0
        self.new_actions: dict[str, int] = {}
        if self.refused:
            return
        for ref, cells in world.rows.items():
            if not world.groups:
                given = {world.chosen: cells[0]}
            elif len(world.groups) == 1:
                given = {world.chosen: cells[world.chosen]}  # blank: No Update
            else:
                given = {q: v for q, v in cells.items() if v != ("", "")}
            # A blank status with commentary cannot be written: that quarter is left out (a
            # warning), and the row is an error only when no quarter of it can be written.
            good = {q: (s, c) for q, (s, c) in given.items() if s or not c}
            if given and not good:
                self.errors += 1
                continue
            given = good
            if ref not in world.existing:
                self.new_actions[ref] = min(given, default=world.chosen)
            for q, (status, commentary) in given.items():
                self.land(world, ref, q, status or "No Update", commentary)

    def land(self, world: World, ref: str, q: int, status: str, commentary: str) -> None:
        figures = self.figures.setdefault(q, {"created": 0, "updated": 0, "unchanged": 0})
        before = world.updates.get((ref, q))
        if before is None:
            outcome = "created"
        elif before[:2] == (status, commentary):
            outcome = "unchanged"
        elif before[2] == "entered" or (world.states[q] == "closed" and not world.overwrite_closed):
            self.errors += 1
            return
        else:
            outcome = "updated"
        figures[outcome] += 1
        if outcome != "unchanged":
            self.final[(ref, q)] = (status, commentary, "imported")


def _read_of(world: World) -> ReadResult:
    rows = []
    for n, (ref, cells) in enumerate(world.rows.items(), start=2):
        if world.groups:
            if world.blank_groups_left_out:
                cells = {q: v for q, v in cells.items() if v != ("", "")}
            rows.append(tracker_row(n, ref, quarters=cells))
        else:
            status, commentary = cells[0]
            rows.append(tracker_row(n, ref, status=status, commentary=commentary))
    return reading(rows, world.groups)


def _build(world: World):
    plan = factories.plan("property")
    StrategicOutcome.objects.create(plan=plan, name="Growth")
    periods = {
        q: factories.period(plan, f"2023-24-Q{q}", state=state)
        for q, state in world.states.items()
        if state
    }
    actions = {ref: factories.action(plan, ref) for ref in sorted(world.existing)}
    for (ref, q), (status, commentary, source) in world.updates.items():
        state = "submitted" if source == "entered" else "approved"
        factories.update(actions[ref], periods[q], status, commentary, state, source)
    return plan


EMPTY_XLSX = workbook(["BP Ref.", "Action", "RAG"], [])


@pytest.mark.django_db
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds())
def test_confirm_writes_exactly_what_the_preview_showed(world, monkeypatch):
    reference = Reference(world)
    monkeypatch.setattr(import_services, "read_tracker", lambda *args, **kwargs: _read_of(world))
    code = f"2023-24-Q{world.chosen}"
    with transaction.atomic():
        plan = _build(world)
        before = snapshot()
        record = import_services.tracker_preview(
            None, plan, code, EMPTY_XLSX, "t.xlsx", overwrite_closed=world.overwrite_closed
        )
        if reference.refused:  # kept for its columns to be remapped, and not importable
            assert record.status == "previewed" and "were read as Q" in record.message
            assert record.summary["refusal"] == record.message and record.rows == []
            with pytest.raises(WorkflowError):
                import_services.tracker_apply(None, record)
            assert snapshot() == before
            transaction.set_rollback(True)
            return
        summary = record.summary
        assert summary["quarters"] == {
            f"2023-24-Q{q}": {"label": f"Q{q} 2023/24", **figures}
            for q, figures in reference.figures.items()
        }
        assert summary["created"]["actions"] == len(reference.new_actions)
        assert len(summary["errors"]) == reference.errors
        applied = import_services.tracker_apply(None, record)  # PreviewChanged if figures differ
        assert applied.status == "applied"
        found = QuarterlyUpdate.objects.filter(action__plan=plan).select_related(
            "action", "period", "status"
        )
        assert {
            (u.action.ref, u.period.quarter): (u.status.label, u.commentary, u.source)
            for u in found
        } == reference.final
        for ref, first in reference.new_actions.items():
            assert Action.objects.get(plan=plan, ref=ref).reported_from.quarter == first
        transaction.set_rollback(True)
