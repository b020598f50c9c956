"""References read naturally wherever actions are listed by them: CH2 before CH10, ASC9 before
ASC17a, and an action with no reference after the rest."""

from __future__ import annotations

import importlib
import io

import openpyxl
import pytest
from django.apps import apps
from django.urls import reverse

from deliverables.models import Action
from deliverables.reminders import reminders_due
from deliverables.tracker.export import export_quarter
from plans.models import StrategicOutcome
from tests import factories
from tests.conftest import in_order
from tests.deliverables.test_import import _small_tracker, run

# CH6 and CH5 are the cycle's own; the rest the `numbered` fixture adds.
NATURAL = [
    "Second: early years places",  # CH2
    "Attendance is everybody",  # CH5
    "Every child has a good school place",  # CH6
    "Tenth: school transport",  # CH10
    "Unnumbered: family hubs",  # no reference
]


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
def test_the_outcome_page_lists_a_deliverables_actions_naturally(client, numbered):
    """The plan's order first (all four were added with no order of their own), then by
    reference."""
    cycle = numbered.cycle
    client.force_login(cycle.viewer)
    outcome = StrategicOutcome.objects.get(plan=cycle.plan, name="Best start in life")
    page = client.get(outcome.get_absolute_url()).content.decode()
    b3 = [NATURAL[0], NATURAL[2], NATURAL[3], NATURAL[4]]  # CH5 sits under B4, after B3
    assert in_order(page, *b3)


@pytest.mark.django_db
def test_the_plans_own_order_comes_before_the_reference(client, numbered):
    cycle = numbered.cycle
    numbered.ch10.placements.update(order=1)  # the plan lists CH10 after its other actions
    numbered.ch2.placements.update(order=2)
    client.force_login(cycle.viewer)
    outcome = StrategicOutcome.objects.get(plan=cycle.plan, name="Best start in life")
    page = client.get(outcome.get_absolute_url()).content.decode()
    assert in_order(page, NATURAL[2], NATURAL[4], NATURAL[3], NATURAL[0])


@pytest.mark.django_db
def test_my_updates_lists_the_officers_actions_naturally(client, numbered):
    client.force_login(numbered.cycle.officer)
    page = client.get(reverse("deliverables:my_updates")).content.decode()
    assert in_order(page, *NATURAL)


@pytest.mark.django_db
def test_the_review_queue_lists_updates_naturally(client, numbered):
    cycle = numbered.cycle
    client.force_login(cycle.approver)
    response = client.get(reverse("deliverables:review", args=[cycle.plan.slug, cycle.q4.code]))
    assert [u.action.ref for u in response.context["waiting"]] == ["CH2", "CH5", "CH10", ""]
    page = response.content.decode()
    assert in_order(page, NATURAL[0], NATURAL[1], NATURAL[3], NATURAL[4])


@pytest.mark.django_db
def test_reminders_list_updates_waiting_for_approval_naturally(numbered):
    cycle = numbered.cycle
    (reminder,) = [r for r in reminders_due(cycle.q4) if r.user == cycle.approver]
    assert [u.action.ref for u in reminder.to_approve] == ["CH2", "CH5", "CH10", ""]


@pytest.mark.django_db
def test_the_tracker_download_lists_a_deliverables_actions_naturally(numbered):
    book = openpyxl.load_workbook(io.BytesIO(export_quarter(numbered.cycle.q4, None)))
    sheet = book["Best start in life"]
    bp_refs = [row[3] or "" for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert bp_refs == ["CH2", "CH6", "CH10", "", "CH5"]  # B3's four, then B4's CH5


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
    migration = importlib.import_module("deliverables.migrations.0009_action_ref_order")
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


@pytest.mark.django_db
def test_the_admin_sorts_the_reference_column_naturally(client, numbered):
    client.force_login(numbered.cycle.admin)
    changelist = reverse("admin:deliverables_action_changelist")
    page = client.get(changelist, {"o": "1"}).content.decode()
    assert in_order(page, "Second: early years", "Every child has", "Tenth: school transport")
