"""The form an administrator makes a token with."""

from __future__ import annotations

from django import forms

from api.services import TOKEN_ROLES
from plans.models import Directorate

ROLE_HINTS = {
    "Viewer": "Viewer: approved updates and published reports only",
    "Approver": "Approver: also the chosen directorates' work in progress",
    "Performance team": "Performance team: every directorate's work in progress, and draft reports",
}


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Name",
        help_text="The system that will use it, for example 'Power BI (finance)'.",
        error_messages={"required": "Enter the name of the system that will use the token."},
    )
    role = forms.ChoiceField(
        choices=[(role, ROLE_HINTS[role]) for role in TOKEN_ROLES],
        label="What it may read",
        error_messages={
            "required": "Choose what the token may read.",
            "invalid_choice": "Choose one of the roles listed.",
        },
    )
    directorates = forms.ModelMultipleChoiceField(
        queryset=Directorate.objects.order_by("name"),
        required=False,
        help_text="For an approver's token: whose work in progress it reads.",
        error_messages={"invalid_choice": "Choose directorates from the list."},
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter the name of the system that will use the token.")
        return name

    def clean(self) -> dict:
        data = super().clean()
        if data.get("role") == "Approver" and not data.get("directorates"):
            self.add_error("directorates", "Choose the directorates an approver's token reads.")
        return data
