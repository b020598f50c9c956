from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.db import models
from import_export.admin import ImportExportModelAdmin

from plans.admin_imports import CheckedImportMixin
from plans.audit import audit
from plans.models import (
    AuditEvent,
    AuditKind,
    Directorate,
    PeriodState,
    Plan,
    ReportingPeriod,
    Status,
    StatusScale,
    StrategicOutcome,
    Theme,
    User,
)
from plans.permissions import can_import, grants_top_access
from plans.resources import (
    DirectorateResource,
    PlanResource,
    ReportingPeriodResource,
    StatusResource,
    StatusScaleResource,
    StrategicOutcomeResource,
    ThemeResource,
)
from plans.roles import ADMINISTRATOR
from plans.sanitise import sanitise_line, sanitise_text
from plans.second_factor import second_factor_recheck


class ImportExportAdmin(CheckedImportMixin, ImportExportModelAdmin):
    """Admin import and export: importing needs the import permission (administrators);
    exporting needs only the right to view the model. Free text typed into the admin is
    sanitised on the way in, like every other write path. Imported files are checked and read
    within bounds like a tracker upload (plans.admin_imports), and every row is validated."""

    def save_model(self, request, obj, form, change: bool) -> None:
        self.sanitise(obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change: bool) -> None:
        # Inline rows (a scale's statuses, a plan's outcomes, an outcome's themes) too: the
        # formset saves each form's instance, already filled from the posted data.
        for inline_form in formset.forms:
            self.sanitise(inline_form.instance)
        super().save_formset(request, form, formset, change)

    @staticmethod
    def sanitise(obj) -> None:
        for field in obj._meta.concrete_fields:
            value = getattr(obj, field.attname)
            if not isinstance(value, str) or not value or field.choices:
                continue
            if isinstance(field, models.TextField):
                setattr(obj, field.attname, sanitise_text(value))
            elif isinstance(field, models.CharField):
                setattr(obj, field.attname, sanitise_line(value, max_length=field.max_length))

    def has_import_permission(self, request) -> bool:
        return can_import(request.user) and super().has_import_permission(request)

    def has_export_permission(self, request) -> bool:
        return self.has_view_permission(request)


_NO_FLAGS = {"is_active": False, "is_staff": False, "is_superuser": False}


def _access(user: User | None) -> dict[str, object]:
    """What a user may reach: compared before and after an admin save for the audit log."""
    if user is None:  # a new account: it could reach nothing before
        return {"roles": set(), "directorates": set(), "permissions": set(), **_NO_FLAGS}
    return {
        "roles": set(user.groups.values_list("name", flat=True)),
        "directorates": set(user.directorates.values_list("code", flat=True)),
        "permissions": {
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        },
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }


_FLAGS = {"is_active": "active", "is_staff": "staff (admin site)", "is_superuser": "superuser"}


def access_changes(before: dict[str, object], after: dict[str, object]) -> list[str]:
    changes = []
    for key in ("roles", "directorates", "permissions"):
        added, removed = after[key] - before[key], before[key] - after[key]
        if added:
            changes.append(f"{key} added {', '.join(sorted(added))}")
        if removed:
            changes.append(f"{key} removed {', '.join(sorted(removed))}")
    for key, label in _FLAGS.items():
        if before[key] != after[key]:
            changes.append(f"{label} {'on' if after[key] else 'off'}")
    return changes


class UserAdminForm(UserChangeForm):
    """Only a superuser grants or removes the Administrator role, themselves included."""

    grants_top_access = False

    def clean_groups(self):
        groups = self.cleaned_data["groups"]
        if not self.grants_top_access:
            before = self.instance.pk and self.instance.groups.filter(name=ADMINISTRATOR).exists()
            if bool(before) != any(group.name == ADMINISTRATOR for group in groups):
                raise forms.ValidationError(
                    "Only a superuser can grant or remove the Administrator role."
                )
        return groups


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Separation of duties: an administrator manages accounts but cannot make a superuser,
    grant the Administrator role or single permissions, or change a superuser; every change
    to roles, directorates, permissions or account status is an audit event."""

    form = UserAdminForm
    list_display = ["username", "first_name", "last_name", "job_title", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups", "directorates"]
    search_fields = ["username", "first_name", "last_name", "email", "job_title"]
    filter_horizontal = ["groups", "user_permissions", "directorates"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Council", {"fields": ["job_title", "directorates"]}),
    ]

    def get_readonly_fields(self, request, obj: User | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not grants_top_access(request.user):
            fields += ["is_superuser", "user_permissions"]
        return fields

    def get_form(self, request, obj: User | None = None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.grants_top_access = grants_top_access(request.user)
        return form

    def has_change_permission(self, request, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not grants_top_access(request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not grants_top_access(request.user):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj: User, form, change: bool) -> None:
        stored = User.objects.filter(pk=obj.pk).first() if change else None
        request._access_before = _access(stored)
        for name in ("first_name", "last_name", "job_title"):
            setattr(obj, name, sanitise_line(getattr(obj, name), max_length=150))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        changes = access_changes(request._access_before, _access(obj))
        if changes and change:
            second_factor_recheck(obj)  # a role that needs a code needs it now
        if changes or not change:
            verb = "changed" if change else "added"
            audit(
                AuditKind.ACCESS,
                f"Account {obj.get_username()} {verb}: {'; '.join(changes) or 'no access'}",
                request=request,
            )


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """Roles (groups): a superuser's change to what a role may do is an audit event. (Every
    `migrate` puts the roles back as plans/roles.py lists them.)"""

    def save_model(self, request, obj: Group, form, change: bool) -> None:
        request._role_before = _role_permissions(obj if change else None)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        before, after = request._role_before, _role_permissions(form.instance)
        added, removed = sorted(after - before), sorted(before - after)
        if added or removed or not change:
            words = [f"added {', '.join(added)}"] if added else []
            words += [f"removed {', '.join(removed)}"] if removed else []
            audit(
                AuditKind.ACCESS,
                f"Role {form.instance.name} {'changed' if change else 'added'}: "
                f"{'; '.join(words) or 'no permissions'}",
                request=request,
            )


def _role_permissions(group: Group | None) -> set[str]:
    if group is None or group.pk is None:
        return set()
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(pk=group.pk).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@admin.register(Directorate)
class DirectorateAdmin(ImportExportAdmin):
    resource_classes = [DirectorateResource]
    list_display = ["name", "code", "prefixes"]
    search_fields = ["name", "code", "prefixes"]


class StatusInline(admin.TabularInline):
    model = Status
    extra = 0
    fields = [
        "label",
        "colour",
        "rag",
        "order",
        "is_exception",
        "closes_action",
        "means_no_update",
        "requires_commentary",
        "spellings",
    ]


@admin.register(StatusScale)
class StatusScaleAdmin(ImportExportAdmin):
    resource_classes = [StatusScaleResource]
    list_display = ["name", "plan"]
    list_select_related = ["plan"]
    search_fields = ["name", "plan__name"]
    inlines = [StatusInline]


@admin.register(Status)
class StatusAdmin(ImportExportAdmin):
    resource_classes = [StatusResource]
    list_display = ["label", "scale", "rag", "colour", "order", "is_exception", "closes_action"]
    list_filter = ["scale__plan", "rag", "is_exception", "closes_action", "means_no_update"]
    list_select_related = ["scale__plan"]
    search_fields = ["label", "spellings", "scale__name"]


class OutcomeInline(admin.TabularInline):
    model = StrategicOutcome
    extra = 0
    fields = ["name", "short_name", "order"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(ImportExportAdmin):
    resource_classes = [PlanResource]
    list_display = ["name", "slug", "first_year", "last_year", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OutcomeInline]

    def get_readonly_fields(self, request, obj: Plan | None = None) -> list[str]:
        # Periods follow the frequency (fixed once there are any); archiving goes through Set up
        # plans, which refuses while a period is open.
        fixed = [*super().get_readonly_fields(request, obj), *(["is_active"] if obj else [])]
        return [*fixed, "frequency"] if obj and obj.periods.exists() else fixed

    def get_deleted_objects(self, objs, request):
        found = super().get_deleted_objects(objs, request)
        if found[3]:  # protected: its actions' updates keep the plan
            self.message_user(
                request,
                "A plan whose actions have quarterly updates is kept with its record, not "
                "deleted. Archive it from Set up plans instead.",
                level=messages.WARNING,
            )
        return found


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0
    fields = ["name", "order"]


@admin.register(StrategicOutcome)
class StrategicOutcomeAdmin(ImportExportAdmin):
    resource_classes = [StrategicOutcomeResource]
    list_display = ["name", "plan", "short_name", "order"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["name", "short_name", "description"]
    inlines = [ThemeInline]


@admin.register(Theme)
class ThemeAdmin(ImportExportAdmin):
    resource_classes = [ThemeResource]
    list_display = ["name", "outcome", "order"]
    list_filter = ["outcome__plan"]
    list_select_related = ["outcome__plan"]
    search_fields = ["name", "outcome__name"]


class ReportingPeriodForm(forms.ModelForm):
    """A quarter needs no month: left blank, it is the quarter itself (0). The plan's kind is
    checked by ReportingPeriod.clean."""

    month = forms.TypedChoiceField(
        choices=[
            (0, "None: the quarter itself (a quarterly plan)"),
            (1, "First month of the quarter (a monthly plan)"),
            (2, "Second month of the quarter"),
            (3, "Third month of the quarter"),
        ],
        coerce=int,
        required=False,
        empty_value=0,
    )

    class Meta:
        model = ReportingPeriod
        fields = ["plan", "year", "quarter", "month"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ImportExportAdmin):
    """Quarters are added here, upcoming; from then on their state and dates belong to the
    quarter pages' services (open, extend, close, reopen with a recorded reason, publish), which
    keep one quarter open at a time and write the audit log. So the admin shows a quarter but
    never changes it, and deletes only one that has never closed."""

    resource_classes = [ReportingPeriodResource]
    form = ReportingPeriodForm
    list_display = ["__str__", "plan", "state", "opens_on", "due_on", "closes_on"]
    list_filter = ["plan", "state", "year"]
    list_select_related = ["plan"]
    search_fields = ["plan__name"]
    readonly_fields = ["state", "opens_on", "due_on", "closes_on"]

    def has_change_permission(self, request, obj: ReportingPeriod | None = None) -> bool:
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj: ReportingPeriod | None = None) -> bool:
        if obj is not None and obj.is_locked:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj: ReportingPeriod, form, change: bool) -> None:
        # Only an add reaches here: a new quarter starts upcoming, as the quarter pages add it.
        obj.state = PeriodState.UPCOMING
        obj.opens_on = obj.due_on = obj.closes_on = None
        obj._change_reason = "Added in the admin"
        super().save_model(request, obj, form, change)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log, read-only: sign-ins, lockouts, refusals, imports, quarters, reports."""

    list_display = ["created_at", "kind", "username", "ip_address", "message"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["username", "message", "ip_address", "path"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
