"""The performance team sets indicators up in the admin: each with its targets inline, and
comparators. Values are read-only here: they go through the services (deliverables.indicators
.services), so the quarter's lock, the version check and the history hold on every path.
Registered from deliverables.admin, which Django's admin discovers."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from deliverables.indicators.definition import (
    comparator_is_fixed,
    fixed_fields,
    plan_problem,
    target_change_problem,
)
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


class TargetForm(forms.ModelForm):
    """A target of a year with a closed quarter is fixed (deliverables.indicators.definition)."""

    class Meta:
        model = IndicatorTarget
        fields = ["year", "point", "value"]

    def clean(self):
        cleaned = super().clean()
        indicator = getattr(self, "parent_indicator", None)
        if indicator is None or indicator.pk is None or not self.has_changed():
            return cleaned
        # The row as stored (what changing it would re-rate) and the row as it would be.
        checked = {(cleaned.get("year"), cleaned.get("point") or 0)}
        if self.instance.pk:
            checked.add((self.initial.get("year"), self.initial.get("point") or 0))
        for year, point in checked:
            if year is not None and (problem := target_change_problem(indicator, year, point)):
                raise forms.ValidationError(problem)
        return cleaned


class TargetFormSet(forms.BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.parent_indicator = self.instance
        return form

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            # What is stored, not what the form posted alongside its Delete tick.
            year, point = form.initial.get("year"), form.initial.get("point") or 0
            stored = form.instance.pk and year is not None
            if stored and (problem := target_change_problem(self.instance, year, point)):
                raise forms.ValidationError(problem)


class TargetInline(admin.TabularInline):
    model = IndicatorTarget
    form = TargetForm
    formset = TargetFormSet
    extra = 1
    fields = ["year", "point", "value"]


class IndicatorForm(forms.ModelForm):
    """An indicator belongs to a quarterly plan (definition.plan_problem)."""

    def clean_plan(self):
        plan = self.cleaned_data.get("plan")
        if problem := plan_problem(plan):
            raise forms.ValidationError(problem)
        return plan


@admin.register(Indicator)
class IndicatorAdmin(SanitisedAdmin):
    form = IndicatorForm
    list_display = ["code", "title", "plan", "frequency", "polarity", "owner", "directorate"]
    list_filter = ["plan", "frequency", "polarity", "directorate", "is_active"]
    list_select_related = ["plan", "owner", "directorate"]
    search_fields = ["code", "title", "external_id"]
    autocomplete_fields = ["owner", "actions", "deliverables"]
    filter_horizontal = ["outcomes"]
    inlines = [TargetInline]

    def get_readonly_fields(self, request, obj: Indicator | None = None) -> list[str]:
        # How stored values are read and rated is fixed once they exist (definition.py).
        return [*super().get_readonly_fields(request, obj), *fixed_fields(obj)]


@admin.register(Comparator)
class ComparatorAdmin(SanitisedAdmin):
    """Comparators of a closed quarter decided its quartiles: read here, changed only by a file
    load with its closed-quarter option (definition.comparator_is_fixed)."""

    list_display = ["indicator", "kind", "area", "year", "point", "value"]
    list_filter = ["kind", "indicator__plan"]
    list_select_related = ["indicator"]
    search_fields = ["indicator__code", "area"]
    autocomplete_fields = ["indicator"]

    def has_change_permission(self, request, obj: Comparator | None = None) -> bool:
        fixed = obj is not None and comparator_is_fixed(obj)
        return not fixed and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj: Comparator | None = None) -> bool:
        fixed = obj is not None and comparator_is_fixed(obj)
        return not fixed and super().has_delete_permission(request, obj)


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
