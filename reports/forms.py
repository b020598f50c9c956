"""Forms for building the exception report. Each lists its fields."""

from __future__ import annotations

from django import forms

from plans.models import Status
from reports.models import ReportKind


class ReportStartForm(forms.Form):
    period = forms.ChoiceField(choices=[])
    # Optional so a form without it (and the exception report's own button) builds the
    # exception report, as before there were two kinds.
    kind = forms.ChoiceField(choices=ReportKind.choices, required=False)

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.code, p.label) for p in periods]


class ReportEditForm(forms.Form):
    """The introduction, which extra statuses count as exceptions, and a narrative per outcome
    (the narrative fields are added for the plan's outcomes)."""

    introduction = forms.CharField(
        required=False,
        max_length=10_000,
        widget=forms.Textarea,
        error_messages={
            "max_length": "The introduction must be %(limit_value)d characters or fewer."
        },
    )
    extra_statuses = forms.ModelMultipleChoiceField(
        queryset=Status.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, outcomes, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["extra_statuses"].queryset = statuses
        for outcome in outcomes:
            self.fields[f"narrative_{outcome.pk}"] = forms.CharField(
                required=False,
                max_length=5_000,
                widget=forms.Textarea,
                label=outcome.name,
                error_messages={
                    "max_length": f"The narrative for {outcome.name} must be %(limit_value)d "
                    "characters or fewer."
                },
            )
