"""The form that switches a plan's public pages on or off."""

from __future__ import annotations

from django import forms


class PublicSwitchForm(forms.Form):
    """The state asked for, and a confirmation that the preview was read.

    The state is posted, not toggled: a form left open in another tab cannot switch the pages
    back by accident.
    """

    public = forms.TypedChoiceField(
        choices=[("on", "On"), ("off", "Off")],
        coerce=lambda value: value == "on",
        widget=forms.HiddenInput,
        error_messages={
            "required": "Say whether to switch the public pages on or off.",
            "invalid_choice": "Say whether to switch the public pages on or off.",
        },
    )
    confirm = forms.BooleanField(
        required=True,
        error_messages={
            "required": "Tick the box to confirm you have read what the change makes public "
            "or takes down."
        },
    )
