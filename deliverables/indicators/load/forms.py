"""The indicator imports' forms: the upload (plan and file), and the confirmation."""

from __future__ import annotations

from django import forms

from deliverables.indicators.definition import plan_problem
from plans.models import Plan


class IndicatorUploadForm(forms.Form):
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.none(),
        error_messages={"required": "Choose the plan whose indicators the file is for."},
    )
    file = forms.FileField(
        error_messages={
            "required": "Choose the file to upload.",
            "empty": "The file is empty.",
        }
    )
    overwrite_closed = forms.BooleanField(required=False)

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans

    def clean_plan(self) -> Plan:
        plan = self.cleaned_data["plan"]
        if problem := plan_problem(plan):
            raise forms.ValidationError(problem)
        return plan


class ConfirmForm(forms.Form):
    confirm = forms.IntegerField(widget=forms.HiddenInput)
    seen = forms.CharField(max_length=16, widget=forms.HiddenInput)
