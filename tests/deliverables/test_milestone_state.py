"""A milestone's state across dates, the same in Python and in SQL; and dates written as words."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliverables.milestones import MilestoneDates, MilestoneState, milestone_state, overdue_q
from deliverables.models import Milestone
from deliverables.tracker.dates import UnreadableDate, parse_when
from tests import factories

D = dt.date
days = st.dates(min_value=D(2021, 1, 1), max_value=D(2024, 12, 31))
maybe_days = st.none() | days
notes = st.sampled_from(["", "TBC", "Ongoing", "Start: Ongoing", "Autumn 2022, read as ..."])


def reference_state(start, due, completed, note, today, as_written=False) -> str:
    """The rule in plain words: done is done (or the plan itself says "Complete"); late once the
    due day has gone by; under way from the start day, or with no start day once it has a due
    day or is written "Ongoing"; otherwise not started."""
    if completed or as_written:
        return "complete"
    if due and today > due:
        return "overdue"
    if start:
        return "in_progress" if today >= start else "not_started"
    return "in_progress" if due or "ongoing" in note.lower() else "not_started"


@settings(max_examples=400, deadline=None)
@given(maybe_days, maybe_days, maybe_days, notes, days, st.booleans())
def test_the_state_is_the_reference_rules(start, due, completed, note, today, as_written):
    got = milestone_state(MilestoneDates(start, due, completed, note, as_written), today)
    assert got == reference_state(start, due, completed, note, today, as_written)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2022, 4, 30), MilestoneState.NOT_STARTED),
        (D(2022, 5, 1), MilestoneState.IN_PROGRESS),  # its first day
        (D(2022, 7, 31), MilestoneState.IN_PROGRESS),  # due today is not yet late
        (D(2022, 8, 1), MilestoneState.OVERDUE),
    ],
)
def test_may_to_july_2022_across_its_dates(today, state):
    milestone = MilestoneDates(D(2022, 5, 1), D(2022, 7, 31), None)
    assert milestone_state(milestone, today) == state


def test_tbc_and_ongoing_are_never_overdue():
    far = D(2030, 1, 1)
    assert milestone_state(MilestoneDates(None, None, None, "TBC"), far) == "not_started"
    assert milestone_state(MilestoneDates(None, None, None, "Ongoing"), far) == "in_progress"
    late_done = MilestoneDates(D(2022, 5, 1), D(2022, 6, 1), D(2022, 9, 1))
    assert milestone_state(late_done, far) == "complete"


def test_a_milestone_the_plan_records_complete_is_complete_and_never_overdue():
    """The Improvement Plan wrote "Complete" where 34 milestones' due dates would be."""
    far = D(2030, 1, 1)
    written = MilestoneDates(D(2022, 5, 1), None, None, "Start: May 2022; Due: Complete", True)
    assert milestone_state(written, far) == "complete"
    assert milestone_state(MilestoneDates(None, D(2022, 6, 22), None), D(2022, 6, 1)) == (
        "in_progress"  # "by 22 Jun 2022": under way until it is due
    )


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(maybe_days, maybe_days, st.booleans(), st.booleans()), min_size=1, max_size=8
    ),
    days,
)
def test_overdue_in_sql_is_overdue_in_python(small_plan, rows, today):
    """overdue_q picks exactly the milestones milestone_state calls overdue. (Examples share
    the test's transaction, so each has an action of its own.)"""
    action = factories.action(small_plan.plan, f"A{Milestone.objects.count()}")
    made = [
        Milestone.objects.create(
            action=action,
            title=f"M{i}",
            start_date=start,
            due_date=due,
            completed_on=(due or start or today) if done else None,
            complete_as_written=as_written,
        )
        for i, (start, due, done, as_written) in enumerate(rows)
    ]
    in_sql = set(Milestone.objects.filter(overdue_q(today), action=action).values_list("pk"))
    in_python = {
        (m.pk,)
        for m in made
        if milestone_state(
            MilestoneDates(
                m.start_date, m.due_date, m.completed_on, complete_as_written=m.complete_as_written
            ),
            today,
        )
        == MilestoneState.OVERDUE
    }
    assert in_sql == in_python


# -- dates written as words ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "due", "note"),
    [
        ("May 2022 - Jul 2022", D(2022, 5, 1), D(2022, 7, 31), ""),
        ("May 2022 – Jul 2022", D(2022, 5, 1), D(2022, 7, 31), ""),  # an en dash
        (
            "Autumn 2022",
            D(2022, 9, 1),
            D(2022, 11, 30),
            "Autumn 2022, read as 1 September 2022 to 30 November 2022",
        ),
        ("TBC", None, None, "TBC"),
        ("Ongoing", None, None, "Ongoing"),
        ("by 22 Jun 2022", None, D(2022, 6, 22), ""),
        ("7 Jun 2022", None, D(2022, 6, 7), ""),
        ("07/06/2022", None, D(2022, 6, 7), ""),
        ("May 2022", D(2022, 5, 1), D(2022, 5, 31), "May 2022, read as 1 May 2022 to 31 May 2022"),
        ("", None, None, ""),
    ],
)
def test_dates_written_as_words(text, start, due, note):
    assert parse_when(text) == (start, due, note)


def test_a_range_keeps_the_words_of_a_season():
    start, due, note = parse_when("Summer 2022 - TBC")
    assert (start, due) == (D(2022, 6, 1), None)
    assert note == "Start: Summer 2022, read as 1 June 2022; Due: TBC"


@pytest.mark.parametrize("text", ["Jul 2022 - May 2022", "sometime soon", "by next week"])
def test_unreadable_or_backwards_dates_are_refused(text):
    with pytest.raises(UnreadableDate):
        parse_when(text)


@pytest.mark.parametrize(
    "text",
    [
        "May 2022 - Jul 2022",
        "Autumn 2022",
        "May 2022",
        "TBC",
        "Ongoing",
        "by 22 Jun 2022",
        "by Autumn 2022",
        "Summer 2022 - TBC",
        "Ongoing - 31/03/2023",
        "7 Jun 2022",
        "",
    ],
)
def test_the_edit_form_shows_words_that_read_back_the_same(text):
    """Opening a milestone and saving it unchanged keeps its dates and its words."""
    from types import SimpleNamespace

    from deliverables.forms_milestones import when_initial

    start, due, note = parse_when(text)
    shown = when_initial(SimpleNamespace(start_date=start, due_date=due, date_note=note))
    assert parse_when(shown) == (start, due, note)


def test_a_range_from_ongoing_keeps_its_due_date():
    assert parse_when("Ongoing - 31/03/2023") == (None, D(2023, 3, 31), "Start: Ongoing")


@pytest.mark.parametrize("text", ["May 0000", "Jan 0000", "May 0001"])
def test_a_month_of_an_impossible_year_is_unreadable_not_an_error(text):
    with pytest.raises(UnreadableDate):
        parse_when(text)
