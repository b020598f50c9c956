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


class SecondFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        error_messages={"required": "Enter the code from your authenticator app."},
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


class ConfirmPasswordForm(forms.Form):
    """The current password, asked again before the second factor is changed."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        error_messages={"required": "Enter your password."},
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Your password is not right.")
        return password
