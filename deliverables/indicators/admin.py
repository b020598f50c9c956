"""The performance team sets indicators up in the admin: each with its targets inline, and
comparators. Values are read-only here: they go through the services (deliverables.indicators
.services), so the quarter's lock, the version check and the history hold on every path.
Registered from deliverables.admin, which Django's admin discovers."""

from __future__ import annotations

from django.contrib import admin

from deliverables.models import Comparator, Indicator, IndicatorTarget, IndicatorValue
from plans.admin import ImportExportAdmin


class SanitisedAdmin(admin.ModelAdmin):
    """Free text typed into the admin is sanitised on the way in, like every other write."""

    def save_model(self, request, obj, form, change: bool) -> None:
        ImportExportAdmin.sanitise(obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change: bool) -> None:
        for inline_form in formset.forms:
            ImportExportAdmin.sanitise(inline_form.instance)
        super().save_formset(request, form, formset, change)


class TargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 1
    fields = ["year", "point", "value"]


@admin.register(Indicator)
class IndicatorAdmin(SanitisedAdmin):
    list_display = ["code", "title", "plan", "frequency", "polarity", "owner", "directorate"]
    list_filter = ["plan", "frequency", "polarity", "directorate", "is_active"]
    list_select_related = ["plan", "owner", "directorate"]
    search_fields = ["code", "title", "external_id"]
    autocomplete_fields = ["owner", "actions", "deliverables"]
    filter_horizontal = ["outcomes"]
    inlines = [TargetInline]


@admin.register(Comparator)
class ComparatorAdmin(SanitisedAdmin):
    list_display = ["indicator", "kind", "area", "year", "point", "value"]
    list_filter = ["kind", "indicator__plan"]
    list_select_related = ["indicator"]
    search_fields = ["indicator__code", "area"]
    autocomplete_fields = ["indicator"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    """Read-only: the entry page and the services write values, never the admin."""

    list_display = ["indicator", "year", "point", "value", "state", "source", "updated_at"]
    list_filter = ["indicator__plan", "state", "source", "year"]
    list_select_related = ["indicator"]
    search_fields = ["indicator__code", "indicator__title", "commentary"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
