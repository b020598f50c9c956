from __future__ import annotations

from types import SimpleNamespace

import pytest

from deliverables.models import Action
from plans.models import StrategicOutcome
from tests import factories


@pytest.fixture
def two_quarters(directorates):
    """Q1 and Q2 of a plan: A1 amber->green, A2 green->red, A3 red->red, A4 green->green,
    A5 amber->(no update in a closed Q2), A6 complete in Q1 (out of scope in Q2)."""
    plan = factories.plan("two-quarters")
    outcome = StrategicOutcome.objects.create(plan=plan, name="Growth", order=1)
    factories.status(plan, "On Track").scale.statuses.create(
        label="Slipping", colour="#FFC000", rag="amber", order=5
    )
    q1 = factories.period(plan, "2024-25-Q1")
    q2 = factories.period(plan, "2024-25-Q2")
    history = {
        "A1": ("Slipping", "On Track"),
        "A2": ("On Track", "Delayed"),
        "A3": ("Delayed", "Delayed"),
        "A4": ("On Track", "On Track"),
        "A5": ("Slipping", None),
        "A6": ("Complete", None),
    }
    actions = {}
    for ref, (first, second) in history.items():
        action = factories.action(plan, ref, outcome=outcome, directorate=directorates["CH"])
        factories.update(action, q1, first)
        if second:
            factories.update(action, q2, second)
        actions[ref] = action
    Action.objects.filter(pk=actions["A6"].pk).update(completed_in=q1)
    return SimpleNamespace(plan=plan, q1=q1, q2=q2, outcome=outcome, **actions)
