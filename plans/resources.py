"""django-import-export resources for the plan's frame, and what every resource shares.

Admin import and export of each model: natural keys where a model has them (a plan's slug,
a directorate's code), free text sanitised on the way in like every other write path, and
whole imports in one transaction (IMPORT_EXPORT_USE_TRANSACTIONS).
"""

from __future__ import annotations

from django.db import models
from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from plans.formulae import escape_formula, unescape_formula
from plans.models import (
    Directorate,
    Plan,
    ReportingPeriod,
    Status,
    StatusScale,
    StrategicOutcome,
    Theme,
)
from plans.sanitise import sanitise_line, sanitise_text


class SanitisedResource(resources.ModelResource):
    """Strips markup from every text field of an imported row, as the forms and importer do,
    and escapes exported text that a spreadsheet would run as a formula (read back on import).
    """

    class Meta:
        # Each row's model validation (field validators, choices, constraints) runs before it
        # is saved, as in the admin's own forms: a colour "zzzzzzz" is refused, not stored.
        clean_model_instances = True

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs) -> None:
        for key, value in list(row.items()):
            row[key] = unescape_formula(value)
        super().before_import_row(row, **kwargs)

    def before_save_instance(self, instance, row, **kwargs) -> None:
        for field in instance._meta.concrete_fields:
            if isinstance(field, models.TextField):
                setattr(instance, field.attname, sanitise_text(getattr(instance, field.attname)))
            elif isinstance(field, models.CharField) and not field.choices:
                value = getattr(instance, field.attname)
                if value:
                    setattr(
                        instance, field.attname, sanitise_line(value, max_length=field.max_length)
                    )
        super().before_save_instance(instance, row, **kwargs)


def plan_field() -> fields.Field:
    return fields.Field(attribute="plan", column_name="plan", widget=ForeignKeyWidget(Plan, "slug"))


class PlanResource(SanitisedResource):
    class Meta:
        model = Plan
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "description",
            "first_year",
            "last_year",
            "outcome_label",
            "theme_label",
            "deliverable_label",
            "action_label",
        ]  # fmt: skip  (archiving is Set up plans', which refuses while a period is open)


class DirectorateResource(SanitisedResource):
    class Meta:
        model = Directorate
        import_id_fields = ["code"]
        fields = ["code", "name", "prefixes"]


class StatusScaleResource(SanitisedResource):
    plan = plan_field()

    class Meta:
        model = StatusScale
        import_id_fields = ["plan"]
        fields = ["plan", "name"]


class StatusResource(SanitisedResource):
    class Meta:
        model = Status
        import_id_fields = ["scale", "label"]
        fields = [
            "scale", "label", "colour", "rag", "order", "is_exception", "closes_action",
            "means_no_update", "spellings",
        ]  # fmt: skip


class StrategicOutcomeResource(SanitisedResource):
    plan = plan_field()

    class Meta:
        model = StrategicOutcome
        import_id_fields = ["plan", "name"]
        fields = ["id", "plan", "name", "short_name", "description", "order"]


class ThemeResource(SanitisedResource):
    class Meta:
        model = Theme
        fields = ["id", "outcome", "name", "order"]


class ReportingPeriodResource(SanitisedResource):
    """Quarters can be added, upcoming. Their state and dates change only through the quarter
    pages, which record who and why and keep one quarter open, so those are exported but never
    imported. A monthly plan's months carry their place in the quarter (1 to 3) in `month`; a
    file without that column, or a blank in it, means quarters (0), as files did before months.
    """

    plan = plan_field()
    opens_on = fields.Field(attribute="opens_on", column_name="opens_on", readonly=True)
    due_on = fields.Field(attribute="due_on", column_name="due_on", readonly=True)
    closes_on = fields.Field(attribute="closes_on", column_name="closes_on", readonly=True)
    state = fields.Field(attribute="state", column_name="state", readonly=True)

    class Meta:
        model = ReportingPeriod
        import_id_fields = ["plan", "year", "quarter", "month"]
        fields = ["plan", "year", "quarter", "month", "opens_on", "due_on", "closes_on", "state"]

    def before_import(self, dataset, **kwargs) -> None:
        if "month" not in (dataset.headers or []):
            dataset.append_col([0] * len(dataset), header="month")
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs) -> None:
        if row.get("month") in (None, ""):
            row["month"] = 0
        super().before_import_row(row, **kwargs)
