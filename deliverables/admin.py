from django.contrib import admin

from deliverables.models import Action, ActionPlacement, Deliverable, ImportRecord, QuarterlyUpdate
from deliverables.resources import (
    ActionPlacementResource,
    ActionResource,
    DeliverableResource,
    QuarterlyUpdateResource,
)
from plans.admin import ImportExportAdmin
from plans.models import Status


@admin.register(Deliverable)
class DeliverableAdmin(ImportExportAdmin):
    resource_classes = [DeliverableResource]
    list_display = ["ref", "short_title", "outcome", "theme"]
    list_filter = ["outcome__plan", "outcome", "theme"]
    list_select_related = ["outcome__plan", "theme"]
    search_fields = ["ref", "ref_normalised", "title"]
    readonly_fields = ["ref_normalised"]

    @admin.display(description="Title")
    def short_title(self, obj: Deliverable) -> str:
        return obj.title[:90]


class PlacementInline(admin.TabularInline):
    model = ActionPlacement
    extra = 0
    fields = ["outcome", "theme", "deliverable", "order"]
    autocomplete_fields = ["deliverable"]


@admin.register(Action)
class ActionAdmin(ImportExportAdmin):
    resource_classes = [ActionResource]
    list_display = ["ref", "short_title", "plan", "directorate", "lead_officer", "approver"]
    list_filter = ["plan", "directorate"]
    list_select_related = ["plan", "directorate", "lead_officer", "approver"]
    search_fields = ["ref", "ref_normalised", "title", "external_ref", "lead_role"]
    readonly_fields = ["ref_normalised", "created_at", "updated_at"]
    autocomplete_fields = ["lead_officer", "approver"]
    inlines = [PlacementInline]

    @admin.display(description="Title")
    def short_title(self, obj: Action) -> str:
        return obj.title[:90]


@admin.register(ActionPlacement)
class ActionPlacementAdmin(ImportExportAdmin):
    resource_classes = [ActionPlacementResource]
    list_display = ["action", "outcome", "theme", "deliverable"]
    list_filter = ["outcome__plan", "outcome"]
    list_select_related = ["action", "outcome", "theme", "deliverable"]
    search_fields = ["action__ref", "action__title", "deliverable__ref", "deliverable__title"]
    autocomplete_fields = ["action", "deliverable"]


@admin.register(QuarterlyUpdate)
class QuarterlyUpdateAdmin(ImportExportAdmin):
    resource_classes = [QuarterlyUpdateResource]
    list_display = ["action", "period", "status", "state", "source", "updated_at"]
    list_filter = ["period__plan", "period", "state", "source", "status"]
    list_select_related = ["action", "period__plan", "status"]
    search_fields = ["action__ref", "action__title", "commentary"]
    readonly_fields = [
        "action",
        "period",
        "state",
        "source",
        "version",
        "created_at",
        "updated_at",
        "updated_by",
        "submitted_at",
        "submitted_by",
        "approved_at",
        "approved_by",
    ]
    fields = ["action", "period", "status", "commentary", "return_reason", *readonly_fields[2:]]

    def has_add_permission(self, request) -> bool:
        # Updates are entered through the quarterly update pages or the importer.
        return False

    def get_form(self, request, obj: QuarterlyUpdate | None = None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "status" in form.base_fields:
            form.base_fields["status"].queryset = Status.objects.for_plan(obj.action.plan)
        return form

    def save_model(self, request, obj: QuarterlyUpdate, form, change: bool) -> None:
        # The admin is one more write path: the same version bump as the others (the base
        # class sanitises the text).
        obj.updated_by = request.user
        if change:
            obj.version = obj.version + 1
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj: QuarterlyUpdate | None = None) -> bool:
        # A closed or published quarter is read-only everywhere, the admin included.
        if obj is not None and obj.period.is_locked:
            return False
        return super().has_change_permission(request, obj)


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """The import log, read-only: records are written by the importer alone."""

    list_display = ["file_name", "plan", "period_code", "status", "user", "created_at"]
    list_filter = ["status", "plan", "source"]
    list_select_related = ["plan", "user"]
    search_fields = ["file_name", "file_sha256", "period_code"]
    exclude = ["content"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
