from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.html import format_html

from deliverables import services
from deliverables.models import (
    Action,
    ActionContribution,
    ActionPlacement,
    Deliverable,
    ImportRecord,
    QuarterlyUpdate,
    ref_ordering,
)
from deliverables.resources import (
    ActionPlacementResource,
    ActionResource,
    DeliverableResource,
    QuarterlyUpdateResource,
)
from deliverables.workflow import WorkflowError
from plans.admin import ImportExportAdmin
from plans.models import Status
from plans.permissions import can_change_actions


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


class ContributionInline(admin.TabularInline):
    """The golden thread, shown on the action: deliverables of other plans it serves. Shown,
    not edited: links are made and removed on the action's page (deliverables.services.thread),
    which refuses the action's own plan and archived plans and records each change in the
    action's history, so the admin is not a second door around those rules."""

    model = ActionContribution
    extra = 0
    fields = ["deliverable", "added_by", "added_at"]
    readonly_fields = fields
    verbose_name = "deliverable of another plan it serves"
    verbose_name_plural = (
        "deliverables of other plans it serves (the golden thread: change them on the "
        "action's page)"
    )

    def has_view_permission(self, request, obj=None) -> bool:
        return can_change_actions(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ActionAddFormMixin:
    """A new action's first quarter, checked by the rule the service applies."""

    def clean(self):
        data = super().clean()
        plan = data.get("plan")
        if plan is not None and data.get("reported_from") is None:
            try:
                services.first_quarter_for_new_action(plan)
            except WorkflowError as error:
                self.add_error("reported_from", str(error))
        elif plan is not None and data["reported_from"].plan_id != plan.pk:
            self.add_error("reported_from", "Choose a quarter of the action's own plan.")
        return data


@admin.register(Action)
class ActionAdmin(ImportExportAdmin):
    resource_classes = [ActionResource]
    list_display = ["reference", "short_title", "plan", "directorate", "lead_officer", "approver"]
    list_filter = ["plan", "directorate"]
    list_select_related = ["plan", "directorate", "lead_officer", "approver"]
    search_fields = ["ref", "ref_normalised", "title", "external_ref", "lead_role"]
    readonly_fields = [
        "ref_normalised",
        "completed_in",
        "reopened_from",
        "withdrawn_from",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["lead_officer", "approver"]
    inlines = [PlacementInline, ContributionInline]

    def get_inlines(self, request, obj: Action | None):
        # An action is linked to other plans' deliverables once it exists: adding one asks
        # nothing more than before.
        return self.inlines if obj is not None else [PlacementInline]

    def get_readonly_fields(self, request, obj: Action | None = None) -> list[str]:
        # Which quarters count an action is set when it is added; changing it later would
        # change closed quarters' figures.
        if obj is not None:
            return [*self.readonly_fields, "reported_from"]
        return self.readonly_fields

    def get_form(self, request, obj: Action | None = None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form = type("ActionAddForm", (ActionAddFormMixin, form), {})
        return form

    def save_model(self, request, obj: Action, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        self.sanitise(obj)
        services.action_create(request.user, obj)

    def get_deleted_objects(self, objs, request):
        # Updates protect their action (QuarterlyUpdate.action): say what to do instead.
        found = super().get_deleted_objects(objs, request)
        kept = Action.objects.filter(pk__in=[a.pk for a in objs], updates__isnull=False)
        kept = list(kept.select_related("plan").distinct())
        if len(kept) == 1:
            message = format_html(  # markup-reviewed: our text; the ref and URL are escaped
                "{} has quarterly updates, so it is kept with its record, not deleted. To take "
                'it out of the plan, <a href="{}">withdraw it</a> from a quarter not yet '
                "closed: closed quarters keep counting it.",
                kept[0].display_ref,
                kept[0].get_absolute_url(),
            )
            self.message_user(request, message, level=messages.WARNING)
        elif kept:
            refs = ", ".join(action.display_ref for action in kept)
            self.message_user(
                request,
                f"{len(kept)} of these actions have quarterly updates ({refs}), so they are kept "
                "with their record, not deleted. Withdraw each from a quarter not yet closed, "
                "on its page in the service.",
                level=messages.WARNING,
            )
        return found

    @admin.display(description="BP ref", ordering=ref_ordering()[0])
    def reference(self, obj: Action) -> str:
        return obj.ref

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


class QuarterlyUpdateAdminForm(forms.ModelForm):
    """The admin's correction form: the version it was loaded with travels with it, so a save
    made after someone else's is refused rather than overwriting it."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = QuarterlyUpdate
        fields = ["status", "commentary", "return_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "expected_version" in self.fields:
            self.fields["expected_version"].initial = self.instance.version
        if self.instance.pk and "status" in self.fields:
            self.fields["status"].queryset = Status.objects.for_plan(self.instance.action.plan)


@admin.register(QuarterlyUpdate)
class QuarterlyUpdateAdmin(ImportExportAdmin):
    resource_classes = [QuarterlyUpdateResource]
    form = QuarterlyUpdateAdminForm
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
    fields = [
        "action",
        "period",
        "status",
        "commentary",
        "return_reason",
        "expected_version",
        *readonly_fields[2:],
    ]

    def has_add_permission(self, request) -> bool:
        # Updates are entered through the quarterly update pages or the importer.
        return False

    def has_delete_permission(self, request, obj: QuarterlyUpdate | None = None) -> bool:
        # A quarter's record is never deleted; corrections are new versions of the row.
        return False

    def save_model(self, request, obj: QuarterlyUpdate, form, change: bool) -> None:
        # The admin is one more door: the correction goes through the same service as every
        # other write to an update (open quarter, commentary rule, version, completion).
        expected = form.cleaned_data.get("expected_version")
        stored = QuarterlyUpdate.objects.select_related("action__plan", "period").get(pk=obj.pk)
        try:
            services.update_correct(
                request.user,
                stored,
                status=form.cleaned_data.get("status"),
                commentary=form.cleaned_data.get("commentary", ""),
                return_reason=form.cleaned_data.get("return_reason", ""),
                expected_version=stored.version if expected is None else expected,
            )
        except WorkflowError as error:
            request._update_refused = str(error)
        else:
            obj.refresh_from_db()

    def response_change(self, request, obj: QuarterlyUpdate):
        refused = getattr(request, "_update_refused", None)
        if refused:
            self.message_user(request, f"Not saved: {refused}", level=messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def log_change(self, request, obj, message):
        if getattr(request, "_update_refused", None):
            return None  # nothing changed: the service refused it
        return super().log_change(request, obj, message)

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


# Indicators' admin lives beside them; importing it registers it.
from deliverables.indicators import admin as indicators_admin  # noqa: E402, F401
