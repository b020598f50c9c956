"""Wrong writes and errors a review of the importer found, each kept from coming back: a
longer title taken as an existing one cut short, different numbers in alike titles, 1 in a
column of percentages read as 100%, answers about a new plan's statuses lost between
previews, negated status words proposed as their opposite, a date far in the future, and
one quarter's unusable columns spoiling another quarter's update."""

from __future__ import annotations

import pytest

from deliverables.models import QuarterlyUpdate
from deliverables.tracker.services import tracker_import
from plans.models import StrategicOutcome
from tests import factories
from tests.deliverables.test_tracker_matching import HEADER, messages, workbook


@pytest.fixture
def plan(db):
    made = factories.plan("county")
    StrategicOutcome.objects.create(plan=made, name="Growth", order=1)
    factories.period(made, "2023-24-Q3")
    return made


def run(plan, data, **options):
    return tracker_import(None, plan, "2023-24-Q3", data, "tracker.xlsx", **options)


def test_a_longer_title_is_not_an_existing_action_cut_short(plan):
    """The plan has phase 1; the file's row is a different, longer-titled action (phase 2).
    The 'cut short' rule is applied both ways, so phase 2's update lands on phase 1."""
    phase1 = factories.action(plan, "", "Deliver the Family Hubs Programme")
    data = workbook(
        [
            [
                None,
                "Deliver the Family Hubs Programme phase 2 in Tipton and Oldbury",
                "Delayed",
                "Phase 2 slipped",
            ]
        ]
    )
    record = run(plan, data)
    assert record.status == "applied", record.message
    # Expected: a question (or a new action), never phase 2's update written to phase 1.
    assert phase1.updates.count() == 0, messages(record, "warnings")


def test_a_far_future_season_is_a_warning_not_a_server_error(plan):
    data = workbook(
        [["G1", "Grow", "On Track", "ok", "Winter 9999"]],
        header=[*HEADER, "Due date"],
    )
    record = run(plan, data, dry_run=True)  # raises ValueError: year 10000 is out of range
    assert record.status == "dry_run"


@pytest.mark.parametrize(
    "word, rag",
    [
        ("Not achieved", "red"),
        ("Not complete", "amber"),
        ("Not on track", "red"),
        ("Partially achieved", "amber"),
    ],
)
def test_a_proposed_scale_does_not_read_a_negated_word_as_its_opposite(word, rag):
    from deliverables.tracker.new_plan import rag_of

    # rag_of("Not achieved") is blue, so the proposed status closes every action given it;
    # rag_of("Not on track") is green.
    assert rag_of(word)[0] == rag


def test_alike_titles_with_different_numbers_are_asked_about(plan):
    homes = factories.action(plan, "", "Build 100 new council homes in Tipton")
    data = workbook([[None, "Build 150 new council homes in Tipton", "On Track", "Going well"]])
    record = run(plan, data)
    assert homes.updates.count() == 0
    assert [q["key"] for q in record.summary["questions"]] == ["action:Growth:2"]


def test_one_percent_complete_is_not_complete(plan):
    data = workbook(
        [["G1", "Grow", "On Track", "Started", 50], ["G2", "Build", "On Track", "Just begun", 1]],
        header=[*HEADER, "% Complete"],
    )
    record = run(plan, data)
    statuses = dict(QuarterlyUpdate.objects.values_list("action__ref", "status__label"))
    assert statuses == {"G1": "On Track", "G2": "On Track"}, messages(record, "warnings")


def test_a_whole_column_of_fractions_still_reads_one_as_complete(plan):
    data = workbook(
        [["G1", "Grow", "", "", 0.5], ["G2", "Build", "", "", 1]], header=[*HEADER, "% Complete"]
    )
    run(plan, data)
    statuses = dict(QuarterlyUpdate.objects.values_list("action__ref", "status__label"))
    assert statuses["G2"] == "Complete" and statuses["G1"] != "Complete"


def test_a_previous_quarters_commentary_does_not_spoil_this_quarters_update(plan):
    data = workbook(
        [["G1", "Grow", "Last quarter's words", "On Track", "This quarter's words"]],
        header=["Action Ref", "Action", "Q2 Commentary", "Q3 RAG", "Q3 Commentary"],
    )
    record = run(plan, data)
    update = QuarterlyUpdate.objects.get(action__ref="G1")
    assert (update.period.quarter, update.commentary) == (3, "This quarter's words")
    assert "Q2 2023/24: not imported for this row" in messages(record, "warnings")


def test_an_action_whose_title_starts_like_an_instruction_is_data(plan):
    data = workbook([["", "Please the residents: a new park", "On Track", "Designs out"]])
    record = run(plan, data)
    assert not record.summary["noise"]


def _colour_file() -> bytes:
    import io

    import openpyxl
    from openpyxl.styles import PatternFill

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plan"
    sheet.append(["Theme", "Ref", "Action", "RAG", "Progress update"])
    sheet.append(["Leadership", "IP1", "Agree the values", "Green", "Agreed"])
    sheet.append(["Leadership", "IP2", "Run staff survey", None, "Survey late"])
    sheet["D2"].fill = PatternFill("solid", fgColor="00B050")
    sheet["D3"].fill = PatternFill("solid", fgColor="7030A0")  # purple: a colour question
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_answer_naming_a_proposed_plans_status_survives_to_confirm(client, users):
    """A new plan's statuses exist only inside the rolled-back preview transaction, so
    'status:<pk>' answers name pks that the next preview (PostgreSQL: always; SQLite: once
    anything else made a status) and the confirm give to other rows."""
    from django.urls import reverse

    from deliverables.models import ImportRecord
    from deliverables.tracker.meanings import Mapping
    from deliverables.tracker.revise import tracker_answer, tracker_remap
    from deliverables.tracker.services import PreviewChanged, tracker_apply
    from tests.deliverables.test_import_new_plan import _named

    client.force_login(users["admin"])
    client.post(
        reverse("deliverables:import_new"),
        {
            "plan": "",
            "new_plan_name": "Improvement 2022",
            "period": "Q1 2022/23",
            "file": io_named(_colour_file(), _named),
        },
    )
    record = ImportRecord.objects.get()
    record = tracker_remap(users["admin"], record, Mapping(columns={"theme": "outcome"}))
    [question] = [q for q in record.summary["questions"] if q["key"].startswith("colour:")]
    green = next(v for v, label in question["choices"] if label == "Green")
    record = tracker_answer(users["admin"], record, {question["key"]: green})
    assert record.summary["created"]["updates"] == 2, record.summary["errors"]
    from django.db import connection

    if connection.vendor == "sqlite":
        factories.plan("someone-elses-plan")  # any status made meanwhile (PostgreSQL: not needed)
    record.refresh_from_db()
    try:
        tracker_apply(users["admin"], record)
    except PreviewChanged as error:
        pytest.fail(f"confirm refused for ever: {error}")


def io_named(data, named):
    import io

    return io.BytesIO(data) | named("improvement.xlsx")
