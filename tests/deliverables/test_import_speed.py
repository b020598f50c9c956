"""The import's fast paths write exactly what the plain ones did: rows written with COPY equal
rows written with bulk_create, and completion worked out in memory equals completion read
back from the database."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliverables.models import Action, ActionPlacement, Deliverable, QuarterlyUpdate
from deliverables.services.actions import (
    actions_refresh_completion,
    actions_refresh_completion_from,
    completed_in_from,
)
from deliverables.tracker import bulk
from plans.models import ReportingPeriod, StrategicOutcome, Theme
from tests import factories
from tests.deliverables.test_import import CORPORATE, _small_tracker, run, sandwell_plan

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY is PostgreSQL's; SQLite uses bulk_create"
)
STAMPS = {"created_at", "updated_at", "approved_at", "history_date"}


class _Undo(Exception):
    pass


def test_only_postgresql_and_a_big_enough_batch_go_through_copy():
    big = bulk.COPY_MIN_ROWS
    assert bulk.uses_copy(QuarterlyUpdate, big) == (connection.vendor == "postgresql")
    assert not bulk.uses_copy(QuarterlyUpdate, big - 1)
    assert bulk.bulk_insert(QuarterlyUpdate, []) == []


def _natural() -> dict:
    """Rows an import makes are named by these fields: their ids differ between imports."""
    return {
        Action: ("ref", "title"),
        Deliverable: ("title",),
        StrategicOutcome: ("name",),
        Theme: ("name",),
        ReportingPeriod: ("year", "quarter", "month"),
    }


def _rows(model) -> list[tuple]:
    """Every row of `model` without its ids and timestamps, its links to rows an import
    makes given by their natural keys, sorted."""
    natural, names = _natural(), []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in STAMPS or field.name in ("id", "history_id"):
            continue
        keys = natural.get(field.related_model) if field.is_relation else None
        if keys:
            names += [f"{field.name}__{key}" for key in keys]
        else:
            names.append(field.attname)
    stamps = [f.name for f in model._meta.concrete_fields if f.name in STAMPS]
    rows = model.objects.values_list(*names, *stamps)
    # A timestamp's value differs run to run; whether it is set must not.
    return sorted(
        (tuple(row[: len(names)]) + tuple(v is None for v in row[len(names) :]) for row in rows),
        key=repr,
    )


def _snapshot() -> dict[str, list[tuple]]:
    models = [Deliverable, Action, ActionPlacement, QuarterlyUpdate, StrategicOutcome]
    history = [Action.history.model, QuarterlyUpdate.history.model]
    return {model.__name__: _rows(model) for model in [*models, *history]}


def _import_with(monkeypatch, plan, min_rows: int) -> dict[str, list[tuple]]:
    monkeypatch.setattr(bulk, "COPY_MIN_ROWS", min_rows)
    try:
        with transaction.atomic():
            record = run(plan, CORPORATE, "2023-24-Q3")
            assert record.status == "applied", record.message
            raise _Undo(_snapshot())
    except _Undo as undo:
        return undo.args[0]


@postgres_only
def test_a_tracker_imported_through_copy_writes_the_rows_bulk_create_writes(monkeypatch):
    """The Sandwell 2023/24 tracker (538 rows created), every table written by COPY, then
    by bulk_create."""
    plan = sandwell_plan("corporate-plan-2021-25.json")
    through_copy = _import_with(monkeypatch, plan, 1)
    through_inserts = _import_with(monkeypatch, plan, 10**9)
    assert all(through_copy[m] for m in ("Action", "QuarterlyUpdate", "ActionPlacement"))
    for table, rows in through_inserts.items():
        assert through_copy[table] == rows, table


AWKWARD = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60
) | st.sampled_from(["", "a\tb", "line\nline", "back\\slash \\N", 'quote\'s "q"', "\\.", "é ✓ 𝄞"])
_refs = itertools.count()


@postgres_only
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(commentary=AWKWARD, title=AWKWARD)
def test_awkward_text_is_written_by_copy_exactly_as_by_bulk_create(commentary, title):
    plan = factories.plan(f"copy-{next(_refs)}")
    period = factories.period(plan)
    status = factories.status(plan, "Complete")

    def write(min_rows: int) -> tuple:
        action = Action(plan=plan, ref=f"A{next(_refs)}", title=title or "t")
        bulk.bulk_insert(Action, [action], min_rows=min_rows)
        made = QuarterlyUpdate(action=action, period=period, status=status, commentary=commentary)
        bulk.bulk_insert(QuarterlyUpdate, [made], min_rows=min_rows)
        assert made.pk and not made._state.adding
        stored = QuarterlyUpdate.objects.values().get(pk=made.pk)
        stored_action = Action.objects.values().get(pk=action.pk)
        for row in (stored, stored_action):
            for name in ["id", "action_id", "ref", "ref_order", *STAMPS]:
                row.pop(name, None)
        return stored, stored_action

    assert write(1) == write(10**9)
    assert write(1)[0]["commentary"] == commentary


STATUSES = ("On Track", "Complete", "Delayed")


def test_completion_in_memory_agrees_with_completion_read_from_the_database():
    """Every run of two quarters' statuses, with and without a reopening before, between or
    after them: the in-memory path and the database path set the same completed_in."""
    plan = factories.plan()
    quarters = [factories.period(plan, code) for code in ("2023-24-Q1", "2023-24-Q2")]
    reopen_options = [None, *quarters]
    made: list[QuarterlyUpdate] = []
    actions = []
    for n, (first, second, reopened) in enumerate(
        itertools.product(STATUSES, STATUSES, reopen_options)
    ):
        action = factories.action(plan, f"C{n}")
        action.reopened_from = reopened
        action.save()
        actions.append(action)
        made += [
            factories.update(action, quarters[0], first),
            factories.update(action, quarters[1], second),
        ]
    assert actions_refresh_completion_from(made) > 0
    in_memory = dict(Action.objects.values_list("pk", "completed_in_id"))
    Action.objects.update(completed_in=None)
    actions_refresh_completion(a.pk for a in actions)
    from_database = dict(Action.objects.values_list("pk", "completed_in_id"))
    assert in_memory == from_database
    # Spot-check the rule itself: complete last, after the reopening, counts.
    assert completed_in_from((7, 5, True), None) == 7
    assert completed_in_from((7, 5, True), 5) is None
    assert completed_in_from((7, 5, False), None) is None
    assert completed_in_from(None, None) is None


def test_an_import_sets_the_completion_of_its_new_actions(monkeypatch):
    """Through the in-memory path (and COPY, on PostgreSQL): an action the tracker shows
    Complete is completed in the quarter imported; the others are not."""
    monkeypatch.setattr(bulk, "COPY_MIN_ROWS", 1)
    plan = factories.plan("growth")
    StrategicOutcome.objects.create(plan=plan, name="Growth")
    rows = [
        ["R1", "Regenerate the town centre", "Complete", "Done"],
        ["R2", "Open the library", "On Track", "Going well"],
    ]
    record = run(plan, None, "2023-24-Q3", _small_tracker(rows), "q3.xlsx")
    assert record.status == "applied", record.message
    q3 = plan.periods.get(quarter=3)
    completed = dict(Action.objects.filter(plan=plan).values_list("ref", "completed_in"))
    assert completed == {"R1": q3.pk, "R2": None}


@postgres_only
def test_a_failure_during_copy_writes_nothing(monkeypatch):
    """COPY runs inside the import's one transaction: a refusal there leaves the plan as it
    was, and the record says nothing was imported."""
    from django.db import DatabaseError

    from deliverables.tracker import services as import_services

    plan = sandwell_plan("council-plan-2024-30.json")
    monkeypatch.setattr(bulk, "COPY_MIN_ROWS", 1)
    real = bulk._prepared_rows

    def fail(model, *args):
        if model is ActionPlacement:
            raise DatabaseError("disk full")
        return real(model, *args)

    monkeypatch.setattr(bulk, "_prepared_rows", fail)
    with pytest.raises(import_services.WorkflowError, match="Nothing was imported"):
        run(plan, CORPORATE, "2023-24-Q3")
    assert not Action.objects.filter(plan=plan).exists()
    assert not QuarterlyUpdate.objects.filter(action__plan=plan).exists()


@pytest.mark.django_db(databases=[])
@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.one_of(AWKWARD, st.integers(), st.booleans(), st.floats(), st.none())))
def test_folding_a_value_once_per_import_gives_what_folding_it_each_time_gives(values):
    """The matcher's kept answers (Folded) are sanitise_line's and normalise_title's,
    however values repeat: 1, 1.0 and True are kept apart."""
    from deliverables.tracker.folded import Folded
    from plans.refs import normalise_title
    from plans.sanitise import sanitise_line

    folded = Folded()
    for value in [*values, *values, 1, 1.0, True]:
        assert folded.line(value) == sanitise_line(value)
        line = sanitise_line(value)
        assert folded.title(line) == normalise_title(line)
