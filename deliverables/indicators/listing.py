"""The indicator list's filters and its rows for the CSV and Excel files: the same readings the
page shows (readings.quarter_readings), filtered the same way, written for a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal

from django import forms

from deliverables.indicators import rag
from deliverables.indicators.readings import Reading
from plans.formulae import escape_formula

NO_COMPARISON = "none"
RAG_CHOICES = [(key, label) for key, label in rag.RAG_LABELS.items()]
DIRECTION_CHOICES = [
    (key if key is not None else NO_COMPARISON, label)
    for key, label in rag.DIRECTION_LABELS.items()
]


class IndicatorFilterForm(forms.Form):
    """A GET form: every field optional; an unknown choice is an error the page shows."""

    outcome = forms.ChoiceField(required=False)
    directorate = forms.ChoiceField(required=False)
    rag = forms.ChoiceField(label="RAG", required=False, choices=[("", "Any"), *RAG_CHOICES])
    direction = forms.ChoiceField(
        label="Direction since the previous period",
        required=False,
        choices=[("", "Any"), *DIRECTION_CHOICES],
    )

    def __init__(self, *args, outcomes: Iterable, directorates: Iterable, outcome_label: str):
        super().__init__(*args)
        self.fields["outcome"].label = outcome_label
        self.fields["outcome"].choices = [("", "Any"), *[(str(o.pk), o.name) for o in outcomes]]
        self.fields["directorate"].choices = [
            ("", "Any"),
            *[(str(d.pk), d.name) for d in directorates],
        ]


def filter_readings(
    readings: list[Reading], wanted: dict, outcome_ids: dict[int, set[int]]
) -> list[Reading]:
    """The readings matching the valid filters in `wanted` (a form's cleaned_data)."""
    found = readings
    if wanted.get("outcome"):
        outcome = int(wanted["outcome"])
        found = [r for r in found if outcome in outcome_ids.get(r.indicator.pk, ())]
    if wanted.get("directorate"):
        directorate = int(wanted["directorate"])
        found = [r for r in found if r.indicator.directorate_id == directorate]
    if wanted.get("rag"):
        found = [r for r in found if r.rag == wanted["rag"]]
    if wanted.get("direction"):
        direction = None if wanted["direction"] == NO_COMPARISON else wanted["direction"]
        found = [r for r in found if r.direction == direction]
    return found


def _number(value: Decimal | None, decimals: int) -> Decimal | None:
    """A figure rounded as the page shows it, as a number a spreadsheet can sum."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _comparators(reading: Reading) -> str:
    return "; ".join(
        f"{c.area} ({c.get_kind_display()}): {text}" for c, text in reading.comparator_texts
    )


HEADERS = [
    "Code", "Indicator", "Point", "Value", "Unit", "Target", "RAG", "RAG rule",
    "Previous period", "Direction since previous period", "Same period last year",
    "Direction since last year", "Comparators", "Quartile", "Owner", "Directorate",
    "Outcomes", "Commentary",
]  # fmt: skip


def export_rows(readings: list[Reading], outcomes_of: dict[int, list[str]]) -> Iterator[list]:
    """A header, then one row per reading: figures as numbers (blank when there is none, with
    the reason in Value), every text passed through escape_formula."""
    yield [escape_formula(header) for header in HEADERS]
    for r in readings:
        indicator = r.indicator
        decimals = indicator.decimals
        values = [
            indicator.code,
            indicator.title,
            r.label,
            _number(r.value, decimals) if r.value is not None else r.value_text,
            indicator.get_unit_display(),
            _number(r.target, decimals),
            r.rag_label,
            r.rule,
            _number(r.previous, decimals),
            r.direction_label,
            _number(r.last_year, decimals),
            r.direction_year_label,
            _comparators(r),
            r.quartile,
            str(indicator.owner) if indicator.owner else "",
            indicator.directorate.name if indicator.directorate else "",
            "; ".join(outcomes_of.get(indicator.pk, [])),
            r.commentary,
        ]
        yield [escape_formula(value) for value in values]
