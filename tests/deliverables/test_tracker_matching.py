"""How tracker rows find their place: outcomes only where the file says, actions by reference,
by a reference typed into the title, by title and by a title like it; statuses from words,
colours and stages; dates as councils write them; blanks filled, nothing overwritten, nothing
cut to fit; milestones. Questions instead of guesses, and their answers."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.styles import PatternFill

from deliverables.models import Action, ActionPlacement, Milestone, QuarterlyUpdate
from deliverables.tracker.dates import UnreadableDate, parse_date
from deliverables.tracker.importer import prepare_import
from deliverables.tracker.layout import ReadResult, TrackerRow
from deliverables.tracker.matching import Matcher
from deliverables.tracker.meanings import Mapping
from deliverables.tracker.services import tracker_import
from deliverables.tracker.similar import TitleIndex
from deliverables.tracker.text import split_ref
from plans.models import Status, StrategicOutcome, status_key
from tests import factories

HEADER = ["Action Ref", "Action", "RAG Status", "Commentary"]


def workbook(rows: list[list], *, header=HEADER, title: str = "Growth", above=(), fills=None):
    """A one-sheet tracker: `above` rows, the header, then `rows`; fills by (row, column)
    counted from 0 in `rows`."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for line in above:
        sheet.append(line)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    first = len(above) + 2
    for (row, column), colour in (fills or {}).items():
        cell = sheet.cell(row=first + row, column=column + 1)
        cell.fill = PatternFill("solid", fgColor=colour.lstrip("#"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(plan, data: bytes, **options):
    return tracker_import(None, plan, "2023-24-Q3", data, "tracker.xlsx", **options)


def messages(record, kind: str = "errors") -> str:
    return " | ".join(issue["message"] for issue in record.summary[kind])


def read_result(rows: list[TrackerRow]) -> ReadResult:
    return ReadResult(rows=rows, skipped_sheets=[], layouts={})


def row(number: int, **fields) -> TrackerRow:
    fields.setdefault("outcome_candidates", ("Growth",))
    return TrackerRow(sheet="Growth", row=number, **fields)


def preview(plan, rows: list[TrackerRow], answers=None):
    period = plan.periods.get(year=2023, quarter=3)
    return prepare_import(plan, period, read_result(rows), answers=answers)


@pytest.fixture
def plan(db):
    made = factories.plan("county")
    StrategicOutcome.objects.create(plan=made, name="Growth", order=1)
    StrategicOutcome.objects.create(plan=made, name="Housing", order=2)
    factories.period(made, "2023-24-Q3")
    return made


def outcome(plan, name: str) -> StrategicOutcome:
    return plan.outcomes.get(name=name)


def status_pk(plan, label: str) -> str:
    return f"status:{status_key(factories.status(plan, label).label)}"


# -- outcomes ----------------------------------------------------------------------------------


def test_a_title_row_creates_no_outcome_and_a_new_action_under_it_is_a_question(plan):
    known = factories.action(plan, "H9", "Keep homes warm", outcome=outcome(plan, "Growth"))
    title = ["Directorate Business Plan Tracker 2023/24 - Housing Services - Quarter 3"]
    data = workbook(
        [
            ["H1", "Build homes", "On Track", "Fine"],
            ["H9", "Keep homes warm", "On Track", "Warm"],
            ["H2", "Fix roofs", "On Track", "Done"],
        ],
        title="Sheet1",
        above=[title],
    )
    record = run(plan, data)
    assert record.summary["created"] == {
        "outcomes": 0,
        "deliverables": 0,
        "actions": 0,
        "updates": 1,
    }
    assert list(Action.objects.all()) == [known]
    assert "Which strategic outcome are the new actions on sheet 'Sheet1' under" in messages(record)
    assert [r["result"] for r in record.rows] == ["error", "created", "error"]

    housing = outcome(plan, "Housing")
    key = "outcome:Sheet1:3"  # one question for the sheet's rows under that title
    record = run(plan, data, answers={key: f"outcome:{housing.pk}"})
    assert record.summary["created"]["actions"] == 2
    new = ActionPlacement.objects.exclude(action=known)
    assert set(new.values_list("outcome__name", flat=True)) == {"Housing"}
    # The answer is about the new actions: the plan's own keeps its place.
    assert list(known.placements.values_list("outcome__name", flat=True)) == ["Growth"]
    assert plan.outcomes.count() == 2


def test_leave_out_answered_for_an_outcome_skips_the_rows_without_an_error(plan):
    data = workbook([["H1", "Build homes", "On Track", "Fine"]], title="Sheet1")
    record = run(plan, data, answers={"outcome:Sheet1:2": "skip"})
    assert record.summary["errors"] == []
    assert [(r["result"], r["message"]) for r in record.rows] == [
        ("skipped", "Left out, as you answered.")
    ]
    assert not Action.objects.exists()


def test_an_existing_action_gains_no_placement_under_a_guessed_outcome(plan):
    action = factories.action(plan, "G1", "Build homes", outcome=outcome(plan, "Growth"))
    # The sheet's name is another outcome of the plan: a guess, not the file's word.
    record = run(plan, workbook([["G1", "Build homes", "On Track", "Fine"]], title="Housing"))
    assert record.summary["created"]["updates"] == 1
    assert record.summary["links_created"] == 0
    assert list(action.placements.values_list("outcome__name", flat=True)) == ["Growth"]


def test_an_outcome_column_places_an_existing_action_and_creates_the_outcome_it_names(plan):
    action = factories.action(plan, "G1", "Build homes", outcome=outcome(plan, "Growth"))
    data = workbook(
        [["G1", "Build homes", "On Track", "Fine", "Thriving places"]],
        header=[*HEADER, "Priority"],
    )
    record = run(plan, data)
    assert record.summary["created"]["outcomes"] == 1
    assert sorted(action.placements.values_list("outcome__name", flat=True)) == [
        "Growth",
        "Thriving places",
    ]


def test_headings_mapped_to_outcomes_and_themes_create_them(plan):
    rows = [
        row(5, action_ref="N1", action="New thing", status="On Track", commentary="Fine",
            outcome_candidates=("Clean streets", "Growth"), outcome_creatable=("Clean streets",)),
        row(6, action_ref="N2", action="Other thing", status="On Track", commentary="Fine",
            heading_theme="Litter"),
    ]  # fmt: skip
    made = preview(plan, rows)
    assert made.errors == []
    assert [o.name for o in made._new_outcomes] == ["Clean streets"]
    assert [(t.name, t.outcome.name) for t in made._new_themes] == [("Litter", "Growth")]


def test_a_section_heading_mapped_to_outcomes_creates_one_through_the_import(plan):
    # A lone value in a used column is a heading when it reads like one (in capitals).
    data = workbook([["CLEAN STREETS"], ["C1", "Sweep", "On Track", "Fine"]])
    record = tracker_import(
        None, plan, "2023-24-Q3", data, "t.xlsx", mapping=Mapping(headings="outcome")
    )
    assert record.summary["created"]["outcomes"] == 1
    assert Action.objects.get().placements.get().outcome.name == "Clean Streets"


# -- actions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "CH11 Deliver the Family Hubs Programme",
        "CH11 - Deliver the Family Hubs Programme",
        "CH11: Deliver the Family Hubs Programme",
        "СН11 Deliver the Family Hubs Programme",  # Cyrillic С and Н
    ],
)
def test_a_reference_typed_into_the_title_matches_its_action(plan, directorates, typed):
    hubs = factories.action(
        plan, "CH11", "Deliver the Family Hubs Programme", outcome=outcome(plan, "Growth")
    )
    data = workbook([[typed, "On Track", "Fine"]], header=["Action", "RAG Status", "Commentary"])
    record = run(plan, data)
    assert record.summary["created"]["actions"] == 0
    assert hubs.updates.get().commentary == "Fine"
    assert Action.objects.count() == 1


def test_a_new_action_with_its_reference_in_the_title_is_split_not_duplicated(plan, directorates):
    data = workbook(
        [
            [None, "CH12 - Open two new hubs", "On Track", "Fine"],
            [None, "CH12 - Open two new hubs", "On Track", "Fine"],
        ]
    )
    record = run(plan, data)
    assert record.summary["created"]["actions"] == 1
    made = Action.objects.get()
    assert (made.ref, made.title, made.directorate.code) == ("CH12", "Open two new hubs", "CH")


def test_a_reference_column_keeps_a_title_starting_with_another_reference(plan):
    made = preview(
        plan,
        [
            row(2, action_ref="G1", action="G1 - Build homes", status="On Track"),
            row(3, action_ref="G2", action="PH.6 - Build roads", status="On Track"),
        ],
    )
    assert [(a.ref, a.title) for a in made._new_actions] == [
        ("G1", "Build homes"),
        ("G2", "PH.6 - Build roads"),
    ]


def test_a_title_matches_however_it_is_punctuated(plan):
    hubs = factories.action(plan, "", "Deliver the Family Hubs Programme")
    data = workbook([[None, "deliver the family-hubs programme.", "On Track", "Fine"]])
    record = run(plan, data)
    assert record.summary["created"]["actions"] == 0
    assert hubs.updates.count() == 1


def test_a_title_nearly_the_same_is_a_sure_match_and_says_so(plan):
    hubs = factories.action(plan, "", "Deliver the Family Hubs Programme across the borough")
    data = workbook(
        [[None, "Deliver the Family Hub Programme across the borough", "On Track", "x"]]
    )
    record = run(plan, data)
    assert record.summary["created"]["actions"] == 0
    assert hubs.updates.count() == 1
    assert "Matched by title, 9" in messages(record, "warnings")


def test_a_title_somewhat_alike_is_a_question_and_each_answer_is_honoured(plan):
    hubs = factories.action(plan, "", "Deliver the Family Hubs Programme")
    data = workbook([[None, "Deliver a Family Support Programme", "On Track", "Fine"]])
    record = run(plan, data, dry_run=True)
    assert "Is it the same action, or a new one?" in messages(record)
    assert record.summary["created"]["actions"] == 0

    key = "action:Growth:2"
    run(plan, data, answers={key: f"action:{hubs.pk}"})
    assert hubs.updates.count() == 1
    QuarterlyUpdate.objects.all().delete()
    record = run(plan, data, answers={key: "skip"})
    assert record.rows[0]["result"] == "skipped" and not QuarterlyUpdate.objects.exists()
    record = run(plan, data, answers={key: "new"})
    assert record.summary["created"]["actions"] == 1
    assert Action.objects.filter(title="Deliver a Family Support Programme").exists()


def test_two_actions_equally_like_the_title_are_a_question_listing_both(plan):
    first = factories.action(plan, "", "Improve school attendance in the north of the borough")
    second = factories.action(plan, "", "Improve school attendance in the south of the borough")
    title = "Improve school attendance in the east of the borough"
    record = run(plan, workbook([[None, title, "On Track", "x"]]), dry_run=True)
    assert record.summary["created"]["actions"] == 0
    assert "Is it the same action, or a new one?" in messages(record)
    made = preview(plan, [row(2, action=title, status="On Track", commentary="x")])
    [question] = made.questions
    assert question.key == "action:Growth:2" and question.default == "skip"
    assert [value for value, _ in question.choices] == [
        f"action:{second.pk}",  # best first: "south" is a little nearer "east"
        f"action:{first.pk}",
        "new",
        "skip",
    ]
    assert "% alike" in question.choices[0][1]


def test_similarity_compares_only_titles_that_share_a_rare_word():
    index = TitleIndex()
    for number in range(2000):
        index.add(f"deliver the programme number {number} for the borough", number)
    index.add("open two family hubs in the borough", "hubs")
    query = "open three family hubs in the borough"
    assert len(index._candidates(frozenset(query.split()))) <= 3
    assert [s.item for s in index.similar(query)] == ["hubs"]


# -- statuses ----------------------------------------------------------------------------------


def test_an_unknown_status_word_is_one_question_and_its_answer_maps_every_row(plan):
    rows = [
        ["G1", "Build homes", "Green", "Fine"],
        ["G2", "Build roads", "Green", "Fine"],
        ["G3", "Build schools", "On Track", "Fine"],
    ]
    data = workbook(rows)
    record = run(plan, data, dry_run=True)
    assert record.summary["created"]["updates"] == 1
    assert messages(record).count("'Green' is not a status") == 2  # both rows left out
    on_track = factories.status(plan, "On Track")
    made = preview(
        plan,
        [row(n, action_ref=f"G{n}", action=f"A{n}", status="Green") for n in (2, 3)],
        answers={"status:green": f"status:{status_key(on_track.label)}"},
    )
    assert [q.key for q in made.questions] == ["status:green"]
    assert made.new_spellings == {on_track.pk: ["Green"]}
    assert made.created["updates"] == 2


def test_a_status_word_answered_is_saved_as_a_spelling_of_the_status(plan):
    data = workbook([["G1", "Build homes", "Green", "Fine"]])
    run(plan, data, answers={"status:green": status_pk(plan, "On Track")})
    assert "Green" in Status.objects.get(scale__plan=plan, label="On Track").spellings


def test_a_blank_status_cell_in_a_status_colour_is_that_status_from_colour(plan):
    rows = [["G1", "Build homes", None, "Late"], ["G2", "Build roads", None, "Nearly late"]]
    data = workbook(rows, fills={(0, 2): "#D4351C", (1, 2): "#C03A20"})
    record = run(plan, data)
    assert record.summary["errors"] == []
    assert set(QuarterlyUpdate.objects.values_list("status__label", flat=True)) == {"Delayed"}
    made = preview(
        plan,
        [
            row(2, action_ref="G1", action="Build homes", status_fill="#D4351C", commentary="x"),
            row(3, action_ref="G2", action="Build roads", status_fill="#C03A20", commentary="x"),
        ],
    )
    assert [(c["row"], c["status"], c["exact"]) for c in made.from_colour] == [
        (2, "Delayed", True),
        (3, "Delayed", False),
    ]
    [said] = [w.message for w in made.warnings if "colour" in w.message]
    assert "within 48" in said


def test_a_colour_far_from_every_status_is_a_question_not_a_guess(plan):
    data = workbook([["G1", "Build homes", None, "Hmm"]], fills={(0, 2): "#FFFF00"})
    record = run(plan, data, dry_run=True)
    assert record.summary["created"]["updates"] == 0
    assert "coloured #FFFF00" in messages(record)
    record = run(plan, data, answers={"colour:#FFFF00": status_pk(plan, "Delayed")})
    assert QuarterlyUpdate.objects.get().status.label == "Delayed"


def test_a_completed_stage_or_full_percent_gives_the_closing_status(plan):
    made = preview(
        plan,
        [
            row(2, action_ref="G1", action="Build homes", stage="Completed", commentary="x"),
            row(3, action_ref="G2", action="Build roads", percent_complete=1, commentary="x"),
            row(4, action_ref="G3", action="Build more", percent_complete="100%"),
            row(5, action_ref="G4", action="Build less", stage="Closed", status="On Track"),
            row(6, action_ref="G5", action="Build some", percent_complete=0.5, commentary=""),
        ],
    )
    assert [u.status.label for u in made._new_updates] == [
        "Complete",
        "Complete",
        "Complete",
        "Complete",
        "No Update",
    ]
    assert "Stage says 'Closed': recorded as 'Complete' (the status column says 'On Track')" in (
        " ".join(w.message for w in made.warnings)
    )


def test_status_for_reads_one_quarters_values(plan):
    period = plan.periods.get(quarter=3)
    matcher = Matcher(plan, period, prepare_import(plan, period, read_result([])))
    sample = row(2, status="Delayed", commentary="late")
    assert matcher.status_for(sample, "On Track", None, "fine")[0].label == "On Track"
    assert matcher.status_for(sample, "", "#00703C", "fine")[0].label == "On Track"
    assert matcher.status_for(sample, "", None, "")[0].label == "No Update"


# -- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "start", "due", "note"),
    [
        (44742, "2022-06-30", "2022-06-30", ""),
        ("44742", "2022-06-30", "2022-06-30", ""),
        (dt.datetime(2022, 6, 30, 9, 0), "2022-06-30", "2022-06-30", ""),
        ("30/06/2022", "2022-06-30", "2022-06-30", ""),
        ("30.6.22", "2022-06-30", "2022-06-30", ""),
        ("2022-06-30", "2022-06-30", "2022-06-30", ""),
        ("30th June 2022", "2022-06-30", "2022-06-30", ""),
        ("Jun 2022", "2022-06-01", "2022-06-30", ""),
        ("June 2022", "2022-06-01", "2022-06-30", ""),
        ("Feb-24", "2024-02-01", "2024-02-29", ""),
        ("Autumn 2022", "2022-09-01", "2022-11-30", "Autumn 2022, read as {}"),
        ("Winter 2022", "2022-12-01", "2023-02-28", "Winter 2022, read as {}"),
        ("Q3 2022/23", "2022-10-01", "2022-12-31", "Q3 2022/23, read as {}"),
        ("Q4 2022-23", "2023-01-01", "2023-03-31", "Q4 2022-23, read as {}"),
        ("2022/23", "2022-04-01", "2023-03-31", "2022/23, read as {}"),
        ("TBC", None, None, "TBC"),
        ("Ongoing", None, None, "Ongoing"),
        ("N/A", None, None, "N/A"),
        (None, None, None, ""),
        ("-", None, None, ""),
    ],
)
def test_dates_as_councils_write_them(value, start, due, note):
    for end, expected in ((False, start), (True, due)):
        day, said = parse_date(value, end=end)
        assert day == (dt.date.fromisoformat(expected) if expected else None)
        if "{}" in note:
            assert said == note.format(f"{day.day} {day:%B %Y}")
        else:
            assert said == note


@pytest.mark.parametrize("value", ["sometime soon", "31/02/2022", "Q3 2022/24", 12, True, "2023"])
def test_a_cell_that_is_no_date_is_unreadable_not_dropped(value):
    with pytest.raises(UnreadableDate):
        parse_date(value)


@settings(max_examples=50, deadline=None)
@given(st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_day_written_any_usual_way_reads_as_that_day(day):
    serial = (day - dt.date(1899, 12, 30)).days
    for written in (
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day:02}.{day.month:02}.{day.year}",
        day.isoformat(),
        f"{day.day} {day:%B} {day.year}",
        serial,
        str(serial),
    ):
        assert parse_date(written) == (day, "")


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 4), st.integers(2000, 2090))
def test_a_quarter_reads_as_its_first_and_last_days(quarter, year):
    """Against a plain model: Q1 is April to June of the year's first half, Q4 January to
    March of its second."""
    first_month = {1: 4, 2: 7, 3: 10, 4: 1}[quarter]
    first = dt.date(year + (quarter == 4), first_month, 1)
    after = dt.date(first.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    text = f"Q{quarter} {year}/{(year + 1) % 100:02}"
    assert parse_date(text)[0] == first
    assert parse_date(text, end=True)[0] == after - dt.timedelta(days=1)


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(["Spring", "Summer", "Autumn", "Winter"]), st.integers(2000, 2090))
def test_a_season_reads_as_three_months_from_its_first_month(season, year):
    start, note = parse_date(f"{season} {year}")
    due, _ = parse_date(f"{season} {year}", end=True)
    assert start == dt.date(year, {"Spring": 3, "Summer": 6, "Autumn": 9, "Winter": 12}[season], 1)
    assert (due + dt.timedelta(days=1)).day == 1  # the last day of a month
    assert (due.year * 12 + due.month) - (start.year * 12 + start.month) == 2
    assert note.startswith(f"{season} {year}, read as 1 ")


def test_dates_in_words_are_read_with_a_note_and_unreadable_ones_listed(plan):
    header = [*HEADER, "Start date", "Due date"]
    data = workbook(
        [
            ["G1", "Build homes", "On Track", "x", 44742, "Autumn 2022"],
            ["G2", "Build roads", "On Track", "x", "TBC", "Ongoing"],
            ["G3", "Build parks", "On Track", "x", "when funded", None],
        ],
        header=header,
    )
    record = run(plan, data)
    homes = Action.objects.get(ref="G1")
    assert (homes.start_date, homes.due_date) == (dt.date(2022, 6, 30), dt.date(2022, 11, 30))
    assert homes.date_note == "Due: Autumn 2022, read as 30 November 2022"
    roads = Action.objects.get(ref="G2")
    assert (roads.start_date, roads.due_date, roads.date_note) == (
        None,
        None,
        "Start: TBC; Due: Ongoing",
    )
    [warning] = [w for w in record.summary["warnings"] if "when funded" in w["message"]]
    assert (warning["sheet"], warning["row"]) == ("Growth", 4)
    assert Action.objects.get(ref="G3").start_date is None


# -- filling blanks, never overwriting ------------------------------------------------------------


def test_blank_fields_of_an_existing_action_are_filled_and_entered_ones_kept(plan, directorates):
    blank = factories.action(plan, "CH1", "Build homes", outcome=outcome(plan, "Growth"))
    entered = factories.action(
        plan, "CH2", "Build roads", outcome=outcome(plan, "Growth"), directorate=directorates["CH"]
    )
    Action.objects.filter(pk=entered.pk).update(
        lead_role="Director of Place", start_date=dt.date(2023, 1, 1), external_ref="Rec 1"
    )
    header = [*HEADER, "Lead officer", "Start date", "Due date", "Reference", "Directorate"]
    row_values = ["Head of Housing", "01/04/2023", "Mar 2024", "Audit rec 4", "Finance"]
    data = workbook(
        [
            ["CH1", "Build homes", "On Track", "x", *row_values],
            ["CH2", "Build roads", "On Track", "x", *row_values],
        ],
        header=header,
    )
    record = run(plan, data)
    blank.refresh_from_db()
    assert (blank.lead_role, blank.start_date, blank.due_date, blank.external_ref) == (
        "Head of Housing",
        dt.date(2023, 4, 1),
        dt.date(2024, 3, 31),
        "Audit rec 4",
    )
    assert blank.directorate.code == "F"
    entered.refresh_from_db()
    assert (entered.lead_role, entered.start_date, entered.external_ref) == (
        "Director of Place",
        dt.date(2023, 1, 1),
        "Rec 1",
    )
    assert entered.due_date == dt.date(2024, 3, 31)  # its blank one is filled
    warned = messages(record, "warnings")
    assert "the lead 'Head of Housing', but the plan has 'Director of Place'" in warned
    assert "the start date '1 April 2023', but the plan has '1 January 2023'" in warned
    assert "puts CH2 in Finance, but the plan has it in Children & Education" in warned
    again = run(plan, data)
    assert again.summary["updated"]["actions"] == 0


# -- field lengths ------------------------------------------------------------------------------


def test_a_value_longer_than_its_field_is_an_error_on_its_row_and_nothing_is_cut(plan):
    header = [*HEADER, "Lead officer", "Priority"]
    data = workbook(
        [
            ["G1", "Build homes", "On Track", "x", "L" * 250, "Growth"],
            ["G2", "Build roads", "On Track", "x", "Head of Roads", "p" * 230],
            ["G" * 45, "Build parks", "On Track", "x", None, "Growth"],
            ["G4", "Build schools", "On Track", "x", None, "Growth"],
        ],
        header=header,
    )
    record = run(plan, data)
    assert record.status == "applied"
    errors = {(e["row"], e["message"].split(" is ")[0]) for e in record.summary["errors"]}
    assert errors == {
        (2, "The lead"),
        (3, f"The strategic outcome '{'p' * 40}…'"),
        (4, "The action reference"),
    }
    assert "250 characters long; at most 200 fit" in messages(record)
    assert record.summary["created"] == {
        "outcomes": 0,
        "deliverables": 0,
        "actions": 1,
        "updates": 1,
    }
    assert list(Action.objects.values_list("ref", flat=True)) == ["G4"]


# -- milestones ----------------------------------------------------------------------------------


def improvement_rows() -> list[TrackerRow]:
    return [
        row(5, action_ref="R1", action="Refresh governance", status="On Track", commentary="x",
            milestone="Phase 1 engagement", start="May 2022", due="Jul 2022"),
        row(6, milestone="Phase 2 consultation", start="Autumn 2022", due="TBC"),
        row(7, milestone="Phase 3 sign-off", due=dt.datetime(2023, 3, 31)),
    ]  # fmt: skip


def test_milestone_rows_hang_under_the_action_above_and_are_not_added_twice(plan):
    period = plan.periods.get(quarter=3)
    made = prepare_import(plan, period, read_result(improvement_rows()))
    assert made.created["milestones"] == 3
    assert [r.result for r in made.rows] == ["created", "created", "created"]
    made.apply()
    action = Action.objects.get(ref="R1")
    assert (action.start_date, action.due_date) == (None, None)  # the milestones' dates
    milestones = list(action.milestones.all())
    assert [(m.title, m.start_date, m.due_date, m.order) for m in milestones] == [
        ("Phase 1 engagement", dt.date(2022, 5, 1), dt.date(2022, 7, 31), 1),
        ("Phase 2 consultation", dt.date(2022, 9, 1), None, 2),
        ("Phase 3 sign-off", None, dt.date(2023, 3, 31), 3),
    ]
    assert milestones[1].date_note == "Start: Autumn 2022, read as 1 September 2022; Due: TBC"
    again = prepare_import(plan, period, read_result(improvement_rows()))
    assert again.created["milestones"] == 0 and again.unchanged["milestones"] == 3
    assert Milestone.objects.count() == 3


def test_milestones_under_an_action_left_out_are_left_out_too(plan):
    rows = improvement_rows()
    rows[0].status = "Amberish"
    made = preview(plan, rows)
    assert made.created["milestones"] == 0
    assert [r.result for r in made.rows] == ["error", "error", "error"]
    assert "The action above (row 5) was not imported" in made.rows[1].message


def test_an_improvement_plan_file_imports_its_milestones(plan):
    data = workbook(
        [
            ["R1", "Refresh governance", "On Track", "x", "Phase 1", "May 2022", "Jul 2022"],
            [None, None, None, None, "Phase 2", "Autumn 2022", "TBC"],
        ],
        header=[*HEADER, "Milestone", "Start date", "Due date"],
    )
    run(plan, data)
    assert list(Milestone.objects.values_list("title", flat=True)) == ["Phase 1", "Phase 2"]


# -- a reference typed into a title ---------------------------------------------------------------

refs = st.builds(
    lambda letters, number, suffix: f"{letters}{number}{suffix}",
    st.text("ABCDEFGHKLMNPRSTUVWXYZ", min_size=2, max_size=4),
    st.integers(1, 999),
    st.sampled_from(["", "a", "b"]),
)
titles = st.text("abcdefghij klmnop", min_size=1, max_size=30).map(lambda t: "Deliver " + t.strip())


@settings(max_examples=50, deadline=None)
@given(refs, st.sampled_from([" ", " - ", ": ", " \u2013 ", ". "]), titles, st.booleans())
def test_a_reference_at_the_start_of_a_title_splits_off_as_a_plain_model_says(
    ref, separator, title, known
):
    """Split when the reference is known, or set apart by punctuation; else keep the title."""
    typed = f"{ref}{separator}{title}"
    expected = (ref, title) if known or separator.strip() else ("", typed)
    assert split_ref(typed, lambda found: known and found == ref) == expected
