"""Who may enter, withdraw, approve and return an indicator's values: each check beside the
QuerySet that lists the same objects, as deliverables.permissions does for actions' updates
(a parity test keeps each pair agreeing). What counts and who sees what are
deliverables.indicators.rules; role-only checks are plans.permissions.

An indicator's values are entered by its owner (the lead officer), if their role enters
updates. They are decided by whoever reviews the indicator's directorate (its approvers) or
every directorate (the performance team, administrators), never by the value's own people:
its owner, whoever submitted it, or anyone who saved any version of it as its officer.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from deliverables.permissions import (
    SAVED_AS_DRAFT,
    SUBMITTED,
    users_who_decide_everywhere,
    users_who_may_approve_updates,
)
from plans.permissions import (
    decides_for_every_directorate,
    may_approve_updates,
    may_enter_updates,
    reviews_updates,
)


def can_enter_values(user, indicator) -> bool:
    """The indicator's owner enters its values, if their role enters updates; nobody else."""
    return may_enter_updates(user) and indicator.owner_id == user.pk


def enters_values_q(user, indicator: str = "") -> Q:
    """Twin of can_enter_values, on indicators (through the path `indicator`)."""
    if not may_enter_updates(user):
        return Q(pk__in=[])
    return Q(**{f"{indicator}owner": user})


def _directorates(user) -> list[int]:
    return list(user.directorates.values_list("pk", flat=True))


def reviews_value(user, value) -> bool:
    """The value is in `user`'s review queue: its indicator's directorate is theirs
    (approvers), or they decide for every directorate."""
    if decides_for_every_directorate(user):
        return True
    if not may_approve_updates(user):
        return False
    directorate = value.indicator.directorate_id
    return directorate is not None and directorate in _directorates(user)


def reviews_values_q(user) -> Q:
    """Twin of reviews_value, on indicator values."""
    if decides_for_every_directorate(user):
        return Q()
    if not may_approve_updates(user):
        return Q(pk__in=[])
    return Q(indicator__directorate__in=user.directorates.all())


def _wrote(user):
    """History rows of a value (the outer query's) that `user` saved as its officer."""
    from deliverables.models import IndicatorValue

    return IndicatorValue.history.model.objects.filter(
        id=OuterRef("pk"),
        history_user_id=user.pk,
        history_change_reason__in=[SAVED_AS_DRAFT, SUBMITTED],
    )


def is_own_value(user, value) -> bool:
    """The value is the user's own work: they own the indicator, submitted it, or wrote any
    version of it (so an owner who hands the indicator on still never approves their figure)."""
    return (
        value.indicator.owner_id == user.pk
        or value.submitted_by_id == user.pk
        or value.history.filter(
            history_user_id=user.pk, history_change_reason__in=[SAVED_AS_DRAFT, SUBMITTED]
        ).exists()
    )


def can_decide_value(user, value) -> bool:
    """Approve or return a submitted value: whoever reviews it, never their own."""
    return reviews_value(user, value) and not is_own_value(user, value)


def decides_values_q(user) -> Q:
    """Twin of can_decide_value, on indicator values."""
    if not reviews_updates(user):
        return Q(pk__in=[])
    return (
        reviews_values_q(user)
        & ~Q(submitted_by=user)
        & ~Q(indicator__owner=user)
        & ~Exists(_wrote(user))
    )


def can_return_value(user, value) -> bool:
    """Send a value back to its owner: a submitted one, by whoever decides on it; an approved
    one only by the every-directorate deciders (the services refuse it in a closed quarter),
    so a correction after a reopen never waits for the directorate. As for updates."""
    if value.state == "submitted":
        return can_decide_value(user, value)
    if value.state == "approved":
        return decides_for_every_directorate(user) and not is_own_value(user, value)
    return False


def users_who_decide_value(value) -> QuerySet:
    """Who should decide on `value` (twin of can_decide_value, for telling them): approvers of
    its indicator's directorate, never its own people; when there are none (the directorate's
    only approver owns it), those who decide for every directorate."""
    own = [p for p in (value.indicator.owner_id, value.submitted_by_id) if p]
    approvers = users_who_may_approve_updates().exclude(pk__in=own)
    if value.indicator.directorate_id:
        approvers = approvers.filter(directorates=value.indicator.directorate_id).distinct()
        if approvers.exists():
            return approvers
    return users_who_decide_everywhere().exclude(pk__in=own)
