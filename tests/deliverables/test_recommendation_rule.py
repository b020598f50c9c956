"""A recommendation's progress against a plain-Python model of the rules.

Hypothesis draws the worlds of tests/reports/test_one_truth.py (random placements, first
quarters, withdrawals, reopenings, quarters in every state, updates in every state) and adds
recommendations answered by random sets of the actions, and milestones with random dates and
completions. For each audience, `recommendation_progress` must give what `RecReference` works
out from the README's rules: the reading of test_one_truth's `Reference` for each action in the
period, complete where that reading closes the action or it was completed earlier, and each
milestone's state from its dates alone.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliverables.models import Action, Milestone, Recommendation
from deliverables.recommendations import recommendation_progress
from tests.reports.test_one_truth import (
    AWAITING,
    CLOSES,
    EXAMPLES,
    NOT_YET,
    RAG,
    READERS,
    Reference,
    UpdateSpec,
    World,
    build,
    worlds,
)

TODAY = dt.date(2024, 6, 15)
days = st.integers(-60, 60).map(lambda n: TODAY + dt.timedelta(days=n))
milestone_specs = st.fixed_dictionaries(
    {
        "start": st.one_of(st.none(), days),
        "due": st.one_of(st.none(), days),
        "done": st.one_of(st.none(), days),
        "note": st.sampled_from(["", "TBC", "Ongoing", "Autumn 2022"]),
    }
)


@st.composite
def recommended_worlds(draw):
    world: World = draw(worlds())
    count = len(world.actions)
    # Completions are what a recommendation's progress is about, and rare in the shared
    # worlds: make some actions complete in the period, before it, or awaiting approval.
    q = world.period
    for spec in world.actions:
        twist = draw(st.sampled_from(["as drawn", "now", "before", "submitted now"]))
        first = spec.reported_from or 0
        if twist == "now" and first <= q:
            spec.updates[q] = UpdateSpec("approved", "entered", "Complete")
        elif twist == "before" and first <= q - 1:
            spec.updates[q - 1] = UpdateSpec("approved", "imported", "Complete")
        elif twist == "submitted now" and first <= q:
            spec.updates[q] = UpdateSpec("submitted", "entered", "Complete")
    recommendations = draw(
        st.lists(st.lists(st.integers(0, count - 1), unique=True, max_size=count), max_size=4)
    )
    milestones = draw(
        st.lists(st.lists(milestone_specs, max_size=3), min_size=count, max_size=count)
    )
    return world, recommendations, milestones


def milestone_state(spec: dict, *, action_complete: bool) -> str:
    """README "Milestones", restated: an action's completion completes its milestones."""
    if spec["done"] is not None or action_complete:
        return "complete"
    if spec["due"] is not None and spec["due"] < TODAY:
        return "overdue"
    if spec["start"] is not None:
        started = spec["start"] <= TODAY
    else:
        started = spec["due"] is not None or "ongoing" in spec["note"].lower()
    return "in_progress" if started else "not_started"


class RecReference(Reference):
    def action_progress(self, index: int, q: int, reader: str) -> tuple[str | None, bool]:
        """(RAG key the action counts under in quarter q, or None; whether it is complete)."""
        a = self.world.actions[index]
        if not self.in_scope(a, q):
            done = self.completed_in(a)
            return None, done is not None and done < q
        label = self.reading(a, q, reader)
        if label == NOT_YET:
            return "none", False
        if label == AWAITING:
            return "grey", False
        return RAG[label], label in CLOSES

    def rec_progress(self, members: list[int], milestones: list[list[dict]], q: int, reader: str):
        rag: dict[str, int] = {}
        complete = 0
        for index in members:
            key, done = self.action_progress(index, q, reader)
            if key is not None:
                rag[key] = rag.get(key, 0) + 1
            complete += done
        # A withdrawn action's milestones leave the counts; a complete one's are complete.
        states = [
            milestone_state(m, action_complete=self.completed_in(a) is not None)
            for index in members
            if (a := self.world.actions[index]).withdrawn_from is None
            for m in milestones[index]
        ]
        return (
            len(members),
            complete,
            rag,
            states.count("complete"),
            states.count("overdue"),
            len(states),
        )


def product(row) -> tuple:
    return (
        row.actions_total,
        row.actions_complete,
        {key: n for key, n in row.rag_counts.items() if n},
        row.milestones_complete,
        row.milestones_overdue,
        row.milestones_total,
    )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=recommended_worlds())
def test_progress_is_the_reference_for_every_audience(drawn, users, directorates):
    world, recommendations, milestones = drawn
    ref = RecReference(world)
    with transaction.atomic():
        plan, periods = build(world, users, directorates)
        actions = [Action.objects.get(plan=plan, ref=spec.ref) for spec in world.actions]
        for index, specs in enumerate(milestones):
            for order, spec in enumerate(specs):
                Milestone.objects.create(
                    action=actions[index],
                    title=f"Step {order}",
                    start_date=spec["start"],
                    due_date=spec["due"],
                    completed_on=spec["done"],
                    date_note=spec["note"],
                    order=order,
                )
        for number, members in enumerate(recommendations):
            made = Recommendation.objects.create(
                plan=plan, body="Review", reference=f"R{number}", order=number
            )
            made.actions.set([actions[i] for i in members])
        q = world.period
        for reader in READERS:
            rows = recommendation_progress(plan, periods[q], users[reader], today=TODAY)
            assert [r.recommendation.reference for r in rows] == [
                f"R{n}" for n in range(len(recommendations))
            ]
            for row, members in zip(rows, recommendations, strict=True):
                expected = ref.rec_progress(members, milestones, q, reader)
                assert product(row) == expected, (reader, row.recommendation.reference)
        transaction.set_rollback(True)
