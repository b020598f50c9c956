"""django-import-export resources for deliverables, actions, placements and updates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import fields
from import_export.widgets import ForeignKeyWidget

from deliverables.models import (
    Action,
    ActionPlacement,
    Deliverable,
    QuarterlyUpdate,
    UpdateSource,
    UpdateState,
)
from plans.models import Directorate, User
from plans.resources import SanitisedResource, plan_field


class DeliverableResource(SanitisedResource):
    class Meta:
        model = Deliverable
        fields = ["id", "outcome", "theme", "ref", "title", "order"]

    def before_save_instance(self, instance, row, **kwargs) -> None:
        super().before_save_instance(instance, row, **kwargs)
        instance.full_clean(exclude=["ref_normalised"])


class ActionResource(SanitisedResource):
    plan = plan_field()
    directorate = fields.Field(
        attribute="directorate",
        column_name="directorate",
        widget=ForeignKeyWidget(Directorate, "code"),
    )
    lead_officer = fields.Field(
        attribute="lead_officer",
        column_name="lead_officer",
        widget=ForeignKeyWidget(User, "username"),
    )
    approver = fields.Field(
        attribute="approver", column_name="approver", widget=ForeignKeyWidget(User, "username")
    )

    class Meta:
        model = Action
        fields = [
            "id", "plan", "ref", "title", "description", "directorate", "lead_officer",
            "approver", "lead_role", "start_date", "due_date", "external_ref",
        ]  # fmt: skip

    def before_save_instance(self, instance, row, **kwargs) -> None:
        super().before_save_instance(instance, row, **kwargs)
        instance.full_clean(exclude=["ref_normalised", "completed_in", "reopened_from"])


class ActionPlacementResource(SanitisedResource):
    class Meta:
        model = ActionPlacement
        fields = ["id", "action", "outcome", "theme", "deliverable", "order"]

    def before_save_instance(self, instance, row, **kwargs) -> None:
        super().before_save_instance(instance, row, **kwargs)
        instance.clean()


class QuarterlyUpdateResource(SanitisedResource):
    """Updates in and out of the admin. An import follows the quarterly rules: never into a
    closed quarter, statuses of the action's own plan only, and never over an update an
    officer entered in the service."""

    period_code = fields.Field(attribute="period__code", column_name="quarter", readonly=True)
    action_ref = fields.Field(attribute="action__ref", column_name="action_ref", readonly=True)
    status_label = fields.Field(
        attribute="status__label", column_name="status_label", readonly=True
    )

    class Meta:
        model = QuarterlyUpdate
        fields = [
            "id", "action", "action_ref", "period", "period_code", "status", "status_label",
            "commentary", "state", "source",
        ]  # fmt: skip
        import_id_fields = ["action", "period"]
        # A row that matches what is stored is left alone, so an export of a closed quarter
        # imports back as "skipped" rather than being refused for the closed quarter.
        skip_unchanged = True
        report_skipped = True

    def before_save_instance(self, instance, row, **kwargs) -> None:
        super().before_save_instance(instance, row, **kwargs)
        if instance.period.is_locked:
            raise ValidationError(f"{instance.period.label} is closed: its updates cannot change.")
        if instance.pk:
            stored = (
                QuarterlyUpdate.objects.filter(pk=instance.pk).values("source", "version").first()
            )
            if stored and stored["source"] == UpdateSource.ENTERED:
                raise ValidationError(
                    f"{instance.action.display_ref} has an update entered in the service for "
                    f"{instance.period.label}; an import does not overwrite it."
                )
            instance.version = (stored or {}).get("version", 0) + 1
        instance.clean()
        if instance.status_id is None:
            raise ValidationError("Give each update a status.")
        instance.state = UpdateState.APPROVED
        instance.source = UpdateSource.IMPORTED
