"""django-import-export resources for deliverables, actions, placements and updates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import fields
from import_export.widgets import ForeignKeyWidget

from deliverables import services
from deliverables.models import Action, ActionPlacement, Deliverable, QuarterlyUpdate
from deliverables.workflow import WorkflowError
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
        self._user = kwargs.get("user")
        instance.full_clean(
            exclude=[
                "ref_normalised", "completed_in", "reopened_from", "reported_from",
                "withdrawn_from",
            ]
        )  # fmt: skip

    def do_instance_save(self, instance, is_create) -> None:
        if not is_create:
            instance.save()
            return
        try:  # a new action starts in the plan's open or next quarter (the service's rule)
            services.action_create(getattr(self, "_user", None), instance)
        except WorkflowError as error:
            raise ValidationError(str(error)) from error


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
        self._user = kwargs.get("user")
        instance.clean()

    def do_instance_save(self, instance, is_create) -> None:
        # Every write to an update goes through the services: the closed-quarter rule, entered
        # updates never overwritten, history and completion hold here as on every other door.
        try:
            services.updates_import(
                getattr(self, "_user", None),
                [instance] if is_create else [],
                [] if is_create else [instance],
                reason="Imported in the admin",
            )
        except WorkflowError as error:
            raise ValidationError(str(error)) from error
