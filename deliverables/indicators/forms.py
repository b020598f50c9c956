"""Forms of indicator entry. Each lists its fields; none saves a model itself (the services do,
and check every rule again)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings

from deliverables.indicators import points as pts
from deliverables.indicators.services import Entry, commentary_problem, computed_value
from deliverables.models import Indicator
from deliverables.workflow import WorkflowError

FIGURE_ERRORS = {
    "invalid": "Enter a number, like 97.9 or 1,796.",
    "max_digits": "Enter a number with no more than 14 digits before the decimal point.",
    "max_decimal_places": "Enter a number with no more than 4 decimal places.",
    "max_whole_digits": "Enter a number with no more than 14 digits before the decimal point.",
}


class FigureField(forms.DecimalField):
    """A figure as officers type it: thousands separators, a % or £ sign and spaces allowed."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace("%", "").replace("£", "").strip()
        return super().to_python(value)


def _figure(label: str) -> FigureField:
    return FigureField(
        label=label, required=False, max_digits=18, decimal_places=4, error_messages=FIGURE_ERRORS
    )


class ValueForm(forms.Form):
    """One point's value. Saving a draft asks for little; submitting asks for it all: the
    figure, commentary where it is off target or within tolerance, a forecast where asked."""

    value = _figure("Value")
    numerator = _figure("Numerator")
    denominator = _figure("Denominator")
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
    forecast = _figure("Year-end forecast")
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(
        self, *args, indicator: Indicator, year: int, point: int, submitting: bool, **kwargs
    ):
        kwargs.setdefault("prefix", f"p{point}")
        super().__init__(*args, **kwargs)
        self.indicator, self.year, self.point, self.submitting = indicator, year, point, submitting
        self.label = pts.point_label(indicator.frequency, year, point)
        if indicator.has_fraction:
            del self.fields["value"]
            self.fields["numerator"].label = indicator.numerator_label
            self.fields["denominator"].label = indicator.denominator_label
        else:
            del self.fields["numerator"], self.fields["denominator"]
        if not indicator.asks_forecast:
            del self.fields["forecast"]

    def clean(self) -> dict:
        data = super().clean()
        if self.indicator.has_fraction:
            try:
                data["value"] = computed_value(
                    self.indicator, data.get("numerator"), data.get("denominator")
                )
            except WorkflowError as error:
                field = "numerator" if data.get("numerator") is None else "denominator"
                if field not in self.errors:
                    self.add_error(field, str(error))
                return data
        value = data.get("value")
        if not self.submitting or value is None:
            # A point without a figure is not submitted: the service keeps it as a draft (or
            # skips it when nothing is saved), and refuses a submission with no figure at all.
            return data
        if "commentary" not in self.errors:
            problem = commentary_problem(
                self.indicator, self.year, self.point, value, data.get("commentary", "")
            )
            if problem:
                self.add_error("commentary", problem)
        wants_forecast = self.indicator.asks_forecast and data.get("forecast") is None
        if wants_forecast and "forecast" not in self.errors:
            self.add_error("forecast", f"Give a year-end forecast for {self.label}.")
        return data

    def entry(self) -> Entry:
        data = self.cleaned_data
        value: Decimal | None = None if self.indicator.has_fraction else data.get("value")
        return Entry(
            point=self.point,
            value=value,
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            commentary=data.get("commentary", ""),
            forecast=data.get("forecast"),
            expected_version=data["version"],
        )
