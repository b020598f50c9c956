"""Who may do what to which action or update, each check beside the QuerySet that lists the
same objects (a parity test keeps each pair agreeing). Role-only checks are plans.permissions;
what counts and who sees what are deliverables.rules.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from plans.permissions import (
    APPROVE_UPDATES,
    DECIDE_ANY_UPDATE,
    ENTER_UPDATES,
    can_change_actions,
    decides_for_every_directorate,
    may_approve_updates,
    may_enter_updates,
    reviews_updates,
    sees_every_directorate,
)


def users_who_may_enter_updates() -> QuerySet:
    """The QuerySet twin of plans.permissions.may_enter_updates: active users whose role (or
    own permission, or superuser status) allows entering updates."""
    return _users_with(ENTER_UPDATES)


def users_who_may_approve_updates() -> QuerySet:
    """The QuerySet twin of plans.permissions.may_approve_updates."""
    return _users_with(APPROVE_UPDATES)


def users_who_decide(update) -> QuerySet:
    """Who should decide on `update` (twin of can_decide): its approvers (of the directorate,
    or named on the action), never its own people; when there are none (a directorate's only
    approver entered it), those who decide for every directorate."""
    action = update.action
    people = [action.lead_officer_id, update.submitted_by_id]
    people += list(action.delegations.values_list("user_id", flat=True))
    own = [p for p in people if p]
    condition = Q(pk=action.approver_id) if action.approver_id else Q(pk__in=[])
    if action.directorate_id:
        condition |= Q(directorates=action.directorate_id)
    approvers = users_who_may_approve_updates().filter(condition).exclude(pk__in=own).distinct()
    if approvers.exists():
        return approvers
    return _users_with(DECIDE_ANY_UPDATE).exclude(pk__in=own)


def users_who_decide_everywhere() -> QuerySet:
    """The QuerySet twin of plans.permissions.decides_for_every_directorate."""
    return _users_with(DECIDE_ANY_UPDATE)


def _users_with(permission: str) -> QuerySet:
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
        # Not the API's service accounts (a user with a token; the api app above holds them):
        # they read with their role but never sign in, so they are offered as no one's lead
        # officer, delegate or approver, and asked for no decision.
        .filter(api_tokens__isnull=True)
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


# The history reasons of an officer's own saves (deliverables.services.update_save): whoever
# wrote any version of an update never decides on it, even after leaving the action.
SAVED_AS_DRAFT = "Draft saved"
SUBMITTED = "Submitted"


def _wrote(user):
    """The history rows of an update (the outer query's) that `user` saved as its officer."""
    from deliverables.models import QuarterlyUpdate

    return QuarterlyUpdate.history.model.objects.filter(
        id=OuterRef("pk"),
        history_user_id=user.pk,
        history_change_reason__in=[SAVED_AS_DRAFT, SUBMITTED],
    )


def is_own(user, update) -> bool:
    """The update is the user's own work: they submitted it, lead the action or stand in, or
    wrote any version of it."""
    action = update.action
    return (
        update.submitted_by_id == user.pk
        or action.lead_officer_id == user.pk
        or action.delegations.filter(user=user).exists()
        or update.history.filter(
            history_user_id=user.pk, history_change_reason__in=[SAVED_AS_DRAFT, SUBMITTED]
        ).exists()
    )


def reviews(user, update) -> bool:
    """The update is in `user`'s review queue: an update of their directorates, or of an action
    naming them its approver (approvers); any update (deliverables.permissions' every-directorate
    deciders: the performance team and administrators)."""
    if decides_for_every_directorate(user):
        return True
    if not may_approve_updates(user):
        return False
    action = update.action
    return action.approver_id == user.pk or (
        action.directorate_id is not None and action.directorate_id in _directorates(user)
    )


def reviews_q(user) -> Q:
    """Twin of reviews, on quarterly updates."""
    if decides_for_every_directorate(user):
        return Q()
    if not may_approve_updates(user):
        return Q(pk__in=[])
    return Q(action__directorate__in=user.directorates.all()) | Q(action__approver=user)


def can_decide(user, update) -> bool:
    """Approve or return a submitted update: whoever reviews it (above), never their own."""
    return reviews(user, update) and not is_own(user, update)


def decides_q(user) -> Q:
    """Twin of can_decide, on quarterly updates."""
    from deliverables.models import ActionDelegate

    if not reviews_updates(user):
        return Q(pk__in=[])
    delegated = ActionDelegate.objects.filter(action=OuterRef("action_id"), user=user)
    return (
        reviews_q(user)
        & ~Q(submitted_by=user)
        & ~Q(action__lead_officer=user)
        & ~Exists(delegated)
        & ~Exists(_wrote(user))
    )


def can_return(user, update) -> bool:
    """Send an update back to its officer: a submitted one, by whoever decides on it; an
    approved one (or the No Update written at close) only by the every-directorate deciders,
    while its quarter is open (the services refuse a closed one): so a correction after a
    reopen never waits for the directorate."""
    from deliverables.models import UpdateState

    if update.state == UpdateState.SUBMITTED:
        return can_decide(user, update)
    if update.state == UpdateState.APPROVED:
        return decides_for_every_directorate(user) and not is_own(user, update)
    return False


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
