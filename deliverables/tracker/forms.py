"""The tracker's upload form: which plan, which quarter, which file."""

from __future__ import annotations

from django import forms

from plans.models import PERIOD_FORMS, Plan, canonical_period_code


class ImportForm(forms.Form):
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the plan the tracker reports on."},
    )
    period = forms.CharField(
        max_length=30,
        error_messages={"required": f"Enter the quarter the tracker reports, like {PERIOD_FORMS}."},
    )
    file = forms.FileField(
        error_messages={
            "required": "Choose the tracker file to upload.",
            "empty": "The file is empty.",
        }
    )
    overwrite_closed = forms.BooleanField(required=False)

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans

    def clean_period(self) -> str:
        """The quarter as typed (Q3 2023/24, 2023/24 Q3, ...), as its canonical code."""
        try:
            return canonical_period_code(self.cleaned_data["period"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
