"""References read naturally wherever actions are listed by them: CH2 before CH10, ASC9 before
ASC17a, and an action with no reference after the rest."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from deliverables.models import Action
from plans.models import StrategicOutcome
from tests import factories
from tests.deliverables.test_import import _small_tracker, run


@pytest.mark.django_db
def test_actions_read_naturally_by_default(numbered):
    refs = [a.ref for a in Action.objects.for_plan(numbered.cycle.plan)]
    assert refs == ["CH2", "CH5", "CH6", "CH10", "F1", "PH5", ""]
    assert [a.ref for a in Action.objects.filter(ref__startswith="CH").by_ref().reverse()] == [
        "CH10",
        "CH6",
        "CH5",
        "CH2",
    ]


@pytest.mark.django_db
def test_saving_an_action_keeps_its_sort_key(numbered):
    action = numbered.none
    assert action.ref_order is None
    action.ref = "ch 9"
    action.save()
    action.refresh_from_db()
    assert action.ref_order == "CH00000009"


@pytest.mark.django_db
def test_an_imported_trackers_new_actions_get_the_sort_key():
    plan = factories.plan("growth")
    StrategicOutcome.objects.create(plan=plan, name="Growth")
    data = _small_tracker(
        [
            ["R10", "Regenerate the town centre", "On Track", ""],
            ["", "Open the new library", "On Track", ""],
            ["R2", "Build homes", "On Track", ""],
        ]
    )
    assert run(plan, None, "2023-24-Q3", data, "q3.xlsx").status == "applied"
    assert list(Action.objects.for_plan(plan).values_list("ref", "ref_order")) == [
        ("R2", "R00000002"),
        ("R10", "R00000010"),
        ("", None),
    ]
    # A later tracker giving the unnumbered action a reference gives it its key too.
    data = _small_tracker([["R3", "Open the new library", "On Track", ""]])
    assert run(plan, None, "2023-24-Q4", data, "q4.xlsx").status == "applied"
    assert [a.ref for a in Action.objects.for_plan(plan)] == ["R2", "R3", "R10"]
    assert Action.objects.get(plan=plan, ref="R3").ref_order == "R00000003"


@pytest.mark.django_db
def test_the_migration_fills_the_key_of_existing_actions(small_plan):
    migration = importlib.import_module("deliverables.migrations.0007_action_ref_order")
    factories.action(small_plan.plan, "", "No reference yet")
    Action.objects.update(ref_order=None)
    migration.fill_ref_order(apps, None)
    assert dict(Action.objects.values_list("ref", "ref_order")) == {
        "CH6": "CH00000006",
        "CH5": "CH00000005",
        "PH5": "PH00000005",
        "F1": "F00000001",
        "": None,
    }
    assert [a.ref for a in Action.objects.all()] == ["CH5", "CH6", "F1", "PH5", ""]
