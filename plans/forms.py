"""Forms of the people side: a user's own settings. Each lists its fields; none saves itself."""

from __future__ import annotations

from django import forms

from plans.models import NotificationFrequency


class NotificationSettingsForm(forms.Form):
    notification_frequency = forms.ChoiceField(
        choices=NotificationFrequency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how often you want emails.",
            "invalid_choice": "Choose one of the options listed.",
        },
    )
