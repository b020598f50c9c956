"""Who may do what to which action or update, each check beside the QuerySet that lists the
same objects (a parity test keeps each pair agreeing). Role-only checks are plans.permissions;
what counts and who sees what are deliverables.rules.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from plans.permissions import (
    APPROVE_UPDATES,
    ENTER_UPDATES,
    can_change_actions,
    may_approve_updates,
    may_enter_updates,
    sees_every_directorate,
)


def users_who_may_enter_updates() -> QuerySet:
    """The QuerySet twin of plans.permissions.may_enter_updates: active users whose role (or
    own permission, or superuser status) allows entering updates."""
    return _users_holding(ENTER_UPDATES)


def users_who_may_approve_updates() -> QuerySet:
    """The QuerySet twin of plans.permissions.may_approve_updates."""
    return _users_holding(APPROVE_UPDATES)


def _users_holding(permission: str) -> QuerySet:
    app_label, codename = permission.split(".")
    granted = Q(groups__permissions__codename=codename) & Q(
        groups__permissions__content_type__app_label=app_label
    )
    own = Q(user_permissions__codename=codename) & Q(
        user_permissions__content_type__app_label=app_label
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | granted | own)
        .distinct()
    )


def can_enter_updates(user, action) -> bool:
    """Lead officers and their delegates enter an action's updates; nobody else does."""
    if not may_enter_updates(user):
        return False
    return action.lead_officer_id == user.pk or action.delegations.filter(user=user).exists()


def enters_updates_q(user, action: str = "") -> Q:
    """Twin of can_enter_updates: the actions whose updates `user` enters."""
    from deliverables.models import ActionDelegate

    if not may_enter_updates(user):
        return Q(pk__in=[])
    delegated = ActionDelegate.objects.filter(action=OuterRef(f"{action}pk"), user=user)
    return Q(**{f"{action}lead_officer": user}) | Exists(delegated)


def _directorates(user) -> list[int]:
    return list(user.directorates.values_list("pk", flat=True))


def is_own(user, update) -> bool:
    """The update is the user's own work: they submitted it, lead the action or stand in."""
    action = update.action
    return (
        update.submitted_by_id == user.pk
        or action.lead_officer_id == user.pk
        or action.delegations.filter(user=user).exists()
    )


def can_decide(user, update) -> bool:
    """Approvers decide on updates of their own directorates, never on their own updates."""
    if not may_approve_updates(user):
        return False
    directorate_id = update.action.directorate_id
    if directorate_id is None or directorate_id not in _directorates(user):
        return False
    return not is_own(user, update)


def decides_q(user) -> Q:
    """Twin of can_decide, on quarterly updates."""
    from deliverables.models import ActionDelegate

    if not may_approve_updates(user):
        return Q(pk__in=[])
    delegated = ActionDelegate.objects.filter(action=OuterRef("action_id"), user=user)
    return (
        Q(action__directorate__in=user.directorates.all())
        & ~Q(submitted_by=user)
        & ~Q(action__lead_officer=user)
        & ~Exists(delegated)
    )


def can_delegate(user, action) -> bool:
    """The lead officer, an approver of the directorate, or the performance team."""
    if action.lead_officer_id == user.pk and may_enter_updates(user):
        return True
    if sees_every_directorate(user) and can_change_actions(user):
        return True
    return (
        may_approve_updates(user)
        and action.directorate_id is not None
        and action.directorate_id in _directorates(user)
    )


def delegates_q(user) -> Q:
    """Twin of can_delegate, on actions."""
    if sees_every_directorate(user) and can_change_actions(user):
        return Q()
    condition = Q(pk__in=[])
    if may_enter_updates(user):
        condition |= Q(lead_officer=user)
    if may_approve_updates(user):
        condition |= Q(directorate__in=user.directorates.all())
    return condition
