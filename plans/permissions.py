"""Who may do what, by role: one named check per permission, so no page, service or command
spells a permission string of its own. Checks that depend on an object (this action, this
update) are in deliverables.permissions, each with the QuerySet that lists the same objects.

Roles grant the permissions (plans.roles); directorates and action leads narrow them.
"""

from __future__ import annotations

from plans.roles import ADMINISTRATOR, PERFORMANCE_TEAM


def _has(user, permission: str) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm(permission))


def can_manage_plans(user) -> bool:
    """Maintains the plans' structure, retired plans included (the performance team)."""
    return _has(user, "plans.change_plan")


def can_open_to_public(user) -> bool:
    """Switches a plan's public pages on or off (the performance team, who publish)."""
    return _has(user, "reports.publish_report")


def can_manage_api_tokens(user) -> bool:
    """Makes and revokes the API's service-account tokens (administrators)."""
    return _has(user, "api.manage_tokens")


def can_manage_periods(user) -> bool:
    """Opens, extends, closes, reopens and publishes quarters (the performance team)."""
    return _has(user, "plans.manage_periods")


def grants_top_access(user) -> bool:
    """Makes superusers and grants or removes the Administrator role (superusers only), so an
    administrator cannot raise themselves or anyone else to their own level or above."""
    return bool(user is not None and user.is_active and user.is_superuser)


def can_import(user) -> bool:
    """Imports trackers and sees the import log (administrators)."""
    return _has(user, "plans.import_tracker")


ENTER_UPDATES = "deliverables.enter_update"


def may_enter_updates(user) -> bool:
    """The role enters updates for the actions its holder leads (lead officers, approvers)."""
    return bool(user is not None and user.is_active and _has(user, ENTER_UPDATES))


APPROVE_UPDATES = "deliverables.approve_update"


def may_approve_updates(user) -> bool:
    """The role decides on updates of its holder's directorates (approvers)."""
    return _has(user, APPROVE_UPDATES)


DECIDE_ANY_UPDATE = "deliverables.decide_any_update"


def decides_for_every_directorate(user) -> bool:
    """Approves or returns any directorate's update, and returns an approved one in an open
    quarter (the performance team, administrators): the decision nobody else can make when a
    directorate's only approver entered the update."""
    return _has(user, DECIDE_ANY_UPDATE)


def reviews_updates(user) -> bool:
    """Has a review queue: approvers, and those who decide for every directorate."""
    return may_approve_updates(user) or decides_for_every_directorate(user)


def sees_every_directorate(user) -> bool:
    """Sees every directorate's work in progress (the performance team, administrators)."""
    return _has(user, "deliverables.view_all_updates")


def can_change_actions(user) -> bool:
    """Reopens, withdraws and reassigns actions, and assigns their lead officer, approver and
    directorate (the performance team)."""
    return _has(user, "deliverables.change_action")


def can_correct_updates(user) -> bool:
    """Corrects an update in the admin (administrators)."""
    return _has(user, "deliverables.change_quarterlyupdate")


def can_build_reports(user) -> bool:
    return _has(user, "reports.build_report")


def can_publish_reports(user) -> bool:
    return _has(user, "reports.publish_report")


SECOND_FACTOR_ROLES = (PERFORMANCE_TEAM, ADMINISTRATOR)


def needs_second_factor(user) -> bool:
    """Must sign in with a second factor: superusers, administrators and the performance team.
    Everyone else may choose to."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=SECOND_FACTOR_ROLES).exists()
