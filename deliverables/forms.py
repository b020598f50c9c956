"""Forms of the quarterly cycle. Each lists its fields; none saves a model itself."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone

from deliverables.workflow import commentary_problem
from plans.models import (
    PERIOD_FORMS,
    PeriodState,
    Plan,
    ReportingPeriod,
    Status,
    User,
    parse_period_code,
)


class UpdateForm(forms.Form):
    """An officer's update. Saving a draft asks for little; submitting asks for it all."""

    status = forms.ModelChoiceField(
        queryset=Status.objects.none(),
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of the statuses listed."},
    )
    commentary = forms.CharField(
        required=False,
        strip=True,
        max_length=settings.COMMENTARY_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={
            "max_length": "Commentary must be %(limit_value)d characters or fewer "
            "(it has %(show_value)d)."
        },
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(
        self, *args, plan: Plan, previous_status: Status | None, submitting: bool, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = Status.objects.for_plan(plan).order_by("order")
        self.previous_status = previous_status
        self.submitting = submitting

    def clean(self) -> dict:
        data = super().clean()
        if not self.submitting:
            return data
        status = data.get("status")
        if status is None:
            if "status" not in self.errors:
                self.add_error("status", "Choose a status before you submit.")
            return data
        if "commentary" not in self.errors:
            problem = commentary_problem(status, self.previous_status, data.get("commentary"))
            if problem:
                self.add_error("commentary", problem)
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea,
        error_messages={
            "required": "Say what the officer needs to change.",
            "max_length": "The reason must be %(limit_value)d characters or fewer.",
        },
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class DecisionForm(forms.Form):
    """An approval: only the version the approver saw."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class DueDateForm(forms.Form):
    due_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the deadline.", "invalid": "Enter a real date."},
    )

    def clean_due_on(self) -> dt.date:
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError("The deadline must be today or later.")
        return due_on


class CloseForm(forms.Form):
    mark_missing = forms.BooleanField(required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": "Give the reason: it is recorded with the change."},
    )


class WithdrawForm(forms.Form):
    period = forms.ModelChoiceField(
        queryset=ReportingPeriod.objects.none(),
        error_messages={
            "required": "Choose the quarter it is withdrawn from.",
            "invalid_choice": "Choose one of the quarters listed: closed quarters keep it.",
        },
    )
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": "Give the reason: it is recorded with the change."},
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        # Only quarters not yet closed: a closed quarter keeps counting what it counted.
        self.fields["period"].queryset = (
            ReportingPeriod.objects.for_plan(plan)
            .filter(state__in=[PeriodState.OPEN, PeriodState.UPCOMING])
            .chronological()
        )


class PeriodCreateForm(forms.Form):
    # Read by plans.periods.parse_period_code: Q1 2024/25, 2024/25 Q1 or 2024-25-Q1.
    code = forms.CharField(
        max_length=30, error_messages={"required": f"Enter the quarter, like {PERIOD_FORMS}."}
    )

    def clean_code(self) -> tuple[int, int]:
        try:
            return parse_period_code(self.cleaned_data["code"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class ColleagueForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        error_messages={"required": "Choose a colleague.", "invalid_choice": "Choose a colleague."},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = choices


class ReassignForm(forms.Form):
    from_user = forms.ModelChoiceField(
        queryset=User.objects.none(), error_messages={"required": "Choose the current lead."}
    )
    to_user = forms.ModelChoiceField(
        queryset=User.objects.none(), error_messages={"required": "Choose the new lead."}
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_user"].queryset = officers
        self.fields["to_user"].queryset = officers

    def clean(self) -> dict:
        data = super().clean()
        if data.get("from_user") and data.get("from_user") == data.get("to_user"):
            self.add_error("to_user", "Choose someone other than the current lead.")
        return data
