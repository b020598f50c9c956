from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from import_export.admin import ImportExportModelAdmin

from plans.admin_imports import CheckedImportMixin
from plans.models import (
    AuditEvent,
    Directorate,
    Plan,
    ReportingPeriod,
    Status,
    StatusScale,
    StrategicOutcome,
    Theme,
    User,
)
from plans.permissions import can_import
from plans.resources import (
    DirectorateResource,
    PlanResource,
    ReportingPeriodResource,
    StatusResource,
    StatusScaleResource,
    StrategicOutcomeResource,
    ThemeResource,
)
from plans.sanitise import sanitise_line, sanitise_text


class ImportExportAdmin(CheckedImportMixin, ImportExportModelAdmin):
    """Admin import and export: importing needs the import permission (administrators);
    exporting needs only the right to view the model. Free text typed into the admin is
    sanitised on the way in, like every other write path. Imported files are checked and read
    within bounds like a tracker upload (plans.admin_imports), and every row is validated."""

    def save_model(self, request, obj, form, change: bool) -> None:
        self.sanitise(obj)
        super().save_model(request, obj, form, change)

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


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "job_title", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups", "directorates"]
    search_fields = ["username", "first_name", "last_name", "email", "job_title"]
    filter_horizontal = ["groups", "user_permissions", "directorates"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Council", {"fields": ["job_title", "directorates"]}),
    ]


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


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ImportExportAdmin):
    resource_classes = [ReportingPeriodResource]
    list_display = ["__str__", "plan", "state", "opens_on", "due_on", "closes_on"]
    list_filter = ["plan", "state", "year"]
    list_select_related = ["plan"]
    search_fields = ["plan__name"]


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
