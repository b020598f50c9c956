"""The five roles, as Django groups with the permissions each needs.

Permissions say what a role may do; directorates and action leads say to what (see the
`visible_to` and fetch helpers). Groups are re-synced after every `migrate`, so a new
permission reaches its roles with the migration that adds it.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import DEFAULT_DB_ALIAS

LEAD_OFFICER = "Lead officer"
APPROVER = "Approver"
PERFORMANCE_TEAM = "Performance team"
ADMINISTRATOR = "Administrator"
VIEWER = "Viewer"

ROLES = (LEAD_OFFICER, APPROVER, PERFORMANCE_TEAM, ADMINISTRATOR, VIEWER)

_STRUCTURE_MODELS = {
    "plans": ["plan", "strategicoutcome", "theme", "reportingperiod", "directorate"],
    "deliverables": ["deliverable", "action", "actionplacement"],
}
# Indicators are set up in the admin like the plan's structure (their targets and comparators
# too); their values are read there, never written (deliverables.indicators.admin).
_STRUCTURE_MODELS["deliverables"] += ["indicator", "indicatortarget", "comparator"]
_INDICATOR_VALUES = ["deliverables.view_indicatorvalue"]


def _crud(app_label: str, model: str, verbs=("view", "add", "change", "delete")) -> list[str]:
    return [f"{app_label}.{verb}_{model}" for verb in verbs]


def _structure(verbs) -> list[str]:
    return [
        p for app, models in _STRUCTURE_MODELS.items() for m in models for p in _crud(app, m, verbs)
    ]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    VIEWER: [],
    LEAD_OFFICER: ["deliverables.enter_update"],
    APPROVER: ["deliverables.enter_update", "deliverables.approve_update"],
    PERFORMANCE_TEAM: [
        "plans.manage_periods",
        "reports.build_report",
        "reports.publish_report",
        "deliverables.view_all_updates",
        "deliverables.decide_any_update",
        "deliverables.view_quarterlyupdate",
        *_structure(("view", "add", "change")),
        *_INDICATOR_VALUES,
        "plans.view_status",
        "plans.view_statusscale",
    ],
    ADMINISTRATOR: [
        "plans.manage_periods",
        "reports.build_report",
        "reports.publish_report",
        "plans.import_tracker",
        "deliverables.view_all_updates",
        "deliverables.decide_any_update",
        *_structure(("view", "add", "change", "delete")),
        *_crud("plans", "status"),
        *_crud("plans", "statusscale"),
        *_crud("plans", "user"),
        *_crud("auth", "group", ("view",)),
        "plans.view_auditevent",
        "api.manage_tokens",
        # The background tasks' records, a failed one's traceback included (admin, read only).
        "django_tasks_database.view_dbtaskresult",
        *_crud("deliverables", "quarterlyupdate", ("view", "change")),
        *_INDICATOR_VALUES,
    ],
}

# Roles whose members work in the Django admin.
STAFF_ROLES = {PERFORMANCE_TEAM, ADMINISTRATOR}


def sync_roles(using: str = DEFAULT_DB_ALIAS) -> None:
    """Make each role's group hold exactly the permissions listed above."""
    from django.contrib.auth.models import Group, Permission

    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for name in names:
            app_label, codename = name.split(".", 1)
            permission = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if permission is None:
                raise LookupError(f"Role {role!r} names an unknown permission {name!r}")
            wanted.append(permission)
        group.permissions.set(wanted)


def sync_roles_after_migrate(
    sender, using: str = DEFAULT_DB_ALIAS, apps=global_apps, **kwargs
) -> None:
    # post_migrate runs app by app; make sure every app's permissions exist first.
    for app_config in global_apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0, using=using)
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles(using=using)


def has_role(user, role: str) -> bool:
    return user.is_authenticated and user.groups.filter(name=role).exists()
