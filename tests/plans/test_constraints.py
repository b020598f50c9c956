"""What must never happen, refused by the database itself on SQLite and PostgreSQL."""

import pytest
from django.db import IntegrityError, transaction

from deliverables.models import Action, ActionPlacement, QuarterlyUpdate
from plans.models import Status, StrategicOutcome
from tests import factories


@pytest.fixture
def two_plans(db):
    first = factories.plan("first")
    second = factories.plan("second")
    return first, second


def refused(callable_, *args, **kwargs) -> bool:
    try:
        with transaction.atomic():
            callable_(*args, **kwargs)
    except IntegrityError:
        return True
    return False


def test_two_updates_for_one_action_and_quarter_are_refused(two_plans):
    plan, _ = two_plans
    action = factories.action(plan, "CH9")
    quarter = factories.period(plan)
    factories.update(action, quarter, "On Track")
    assert refused(factories.update, action, quarter, "Delayed")
    assert QuarterlyUpdate.objects.filter(action=action).count() == 1


def test_a_status_from_another_plans_scale_is_refused(two_plans):
    plan, other = two_plans
    action = factories.action(plan, "CH9")
    quarter = factories.period(plan)
    foreign = factories.status(other, "On Track")
    assert refused(
        QuarterlyUpdate.objects.create,
        action=action,
        period=quarter,
        status=foreign,
        state="approved",
    )
    update = factories.update(action, quarter, "On Track")
    assert refused(QuarterlyUpdate.objects.filter(pk=update.pk).update, status=foreign)
    update.refresh_from_db()
    assert update.status == factories.status(plan, "On Track")


def test_a_quarter_of_another_plan_is_refused(two_plans):
    plan, other = two_plans
    action = factories.action(plan, "CH9")
    foreign_quarter = factories.period(other)
    assert refused(
        QuarterlyUpdate.objects.create,
        action=action,
        period=foreign_quarter,
        status=factories.status(plan, "On Track"),
        state="approved",
    )


@pytest.mark.parametrize(
    ("first", "second"), [("CH9", "СН9"), ("ACE 27", "ACE27"), ("PH.6", "PH6")]
)
def test_references_that_normalise_alike_are_one_reference_within_a_plan(two_plans, first, second):
    plan, other = two_plans
    factories.action(plan, first)
    assert refused(factories.action, plan, second)
    # Another plan may use the same reference.
    in_other_plan = factories.action(other, second)
    assert in_other_plan.ref_normalised == Action.objects.get(plan=plan).ref_normalised


def test_many_actions_may_have_no_reference(two_plans):
    plan, _ = two_plans
    factories.action(plan, "", "First unreferenced action")
    factories.action(plan, "", "Second unreferenced action")
    assert Action.objects.filter(plan=plan, ref_normalised="").count() == 2


def test_a_placement_under_another_plans_outcome_is_refused(two_plans):
    plan, other = two_plans
    action = factories.action(plan, "CH9")
    foreign_outcome = StrategicOutcome.objects.create(plan=other, name="Elsewhere")
    assert refused(ActionPlacement.objects.create, action=action, outcome=foreign_outcome)


def test_an_action_is_listed_once_per_deliverable(two_plans):
    plan, _ = two_plans
    outcome = StrategicOutcome.objects.create(plan=plan, name="Homes")
    deliverable = outcome.deliverables.create(ref="H1", title="New homes")
    action = factories.action(plan, "R8", deliverable=deliverable)
    assert refused(
        ActionPlacement.objects.create, action=action, outcome=outcome, deliverable=deliverable
    )


def test_a_scale_has_one_no_update_status(two_plans):
    plan, _ = two_plans
    assert refused(
        Status.objects.create,
        scale=plan.scale,
        label="No return",
        colour="#000000",
        rag="grey",
        means_no_update=True,
    )


def test_a_submitted_update_must_have_a_status(two_plans):
    plan, _ = two_plans
    action = factories.action(plan, "CH9")
    quarter = factories.period(plan, state="open")
    assert refused(QuarterlyUpdate.objects.create, action=action, period=quarter, state="submitted")
    draft = QuarterlyUpdate.objects.create(action=action, period=quarter, state="draft")
    assert draft.status is None


def test_an_action_with_updates_cannot_move_to_another_plan(two_plans):
    plan, other = two_plans
    action = factories.action(plan, "CH9")
    factories.update(action, factories.period(plan), "On Track")
    assert refused(Action.objects.filter(pk=action.pk).update, plan=other)


@pytest.mark.django_db
def test_a_system_check_says_when_the_database_rules_are_missing_or_stale():
    """The rules are triggers kept out of migrations: `check --database` (and migrate) must
    notice a database that lost one, or holds an old version."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError
    from django.db import connection

    from deliverables import db_rules

    assert db_rules.problems() == []
    call_command("check", "--database", "default", "--fail-level", "WARNING")  # passes
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER update_status_on_plan_scale_ins")
            cursor.execute("DROP TRIGGER deliverable_theme_in_outcome_upd")
            cursor.execute(
                "CREATE TRIGGER deliverable_theme_in_outcome_upd BEFORE UPDATE OF theme_id "
                "ON deliverables_deliverable FOR EACH ROW WHEN 0 BEGIN SELECT 1; END"
            )
            missing, stale = "update_status_on_plan_scale_ins", "deliverable_theme_in_outcome_upd"
        else:
            cursor.execute(
                "DROP TRIGGER update_status_on_plan_scale ON deliverables_quarterlyupdate"
            )
            cursor.execute(
                "CREATE OR REPLACE FUNCTION deliverable_theme_in_outcome_check() RETURNS trigger "
                "AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            missing, stale = "update_status_on_plan_scale", "deliverable_theme_in_outcome"
    assert sorted(db_rules.problems()) == sorted(
        [f"{missing} is not installed", f"{stale} differs from deliverables.db_rules"]
    )
    with pytest.raises(SystemCheckError, match=r"deliverables\.W001"):
        call_command("check", "--database", "default", "--fail-level", "WARNING")
    # A warning, so migrate (which runs the database checks first) is not blocked from
    # reinstalling them.
    call_command("migrate", verbosity=0)
    assert db_rules.problems() == []
