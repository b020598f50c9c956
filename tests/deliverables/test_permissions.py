"""One permission vocabulary: each check on one object agrees with the QuerySet that lists
the objects it allows, for every user, so a list never offers what a page then refuses."""

from __future__ import annotations

import pytest

from deliverables import services
from deliverables.models import Action, ActionDelegate, QuarterlyUpdate
from deliverables.permissions import (
    can_decide,
    can_delegate,
    can_enter_updates,
    users_who_may_approve_updates,
    users_who_may_enter_updates,
)
from deliverables.workflow import NotAllowed
from plans.models import User
from plans.permissions import may_approve_updates, may_enter_updates
from tests import factories


@pytest.fixture
def busy_cycle(cycle, users):
    """The cycle with a delegate, an approver who leads an action, and updates in every state."""
    ActionDelegate.objects.create(action=cycle.ch6, user=cycle.other_officer)
    cycle.f1.lead_officer = cycle.approver
    cycle.f1.directorate = cycle.ch6.directorate
    cycle.f1.save()
    for action, state, by in [
        (cycle.ch6, "submitted", cycle.officer),
        (cycle.ch5, "submitted", cycle.other_officer),
        (cycle.f1, "submitted", cycle.approver),
        (cycle.ph5, "draft", cycle.other_officer),
    ]:
        update = factories.update(action, cycle.q4, "On Track", "x", state=state, source="entered")
        QuarterlyUpdate.objects.filter(pk=update.pk).update(submitted_by=by)
    users["viewer"].is_superuser = True  # superusers hold every permission
    users["viewer"].save()
    return cycle


@pytest.mark.django_db
def test_each_check_agrees_with_its_queryset_for_every_user(busy_cycle):
    actions = list(Action.objects.filter(plan=busy_cycle.plan))
    updates = list(QuarterlyUpdate.objects.filter(period=busy_cycle.q4).select_related("action"))
    for user in User.objects.all():
        editable = set(Action.objects.filter(plan=busy_cycle.plan).editable_by(user))
        assert editable == {a for a in actions if can_enter_updates(user, a)}, user
        delegable = set(Action.objects.filter(plan=busy_cycle.plan).delegable_by(user))
        assert delegable == {a for a in actions if can_delegate(user, a)}, user
        decidable = set(QuarterlyUpdate.objects.filter(period=busy_cycle.q4).decidable_by(user))
        assert decidable == {u for u in updates if can_decide(user, u)}, user
    listed = set(users_who_may_enter_updates())
    assert {u for u in User.objects.all() if may_enter_updates(u)} == listed
    approvers = set(users_who_may_approve_updates())
    assert {u for u in User.objects.all() if may_approve_updates(u)} == approvers
    assert busy_cycle.approver in approvers and busy_cycle.officer not in approvers


@pytest.mark.django_db
def test_an_approver_never_decides_on_their_own_work(busy_cycle):
    own = QuarterlyUpdate.objects.get(action=busy_cycle.f1, period=busy_cycle.q4)
    assert not can_decide(busy_cycle.approver, own)
    with pytest.raises(NotAllowed):
        services.update_approve(busy_cycle.approver, own, expected_version=own.version)
    theirs = QuarterlyUpdate.objects.get(action=busy_cycle.ch6, period=busy_cycle.q4)
    assert can_decide(busy_cycle.approver, theirs)
