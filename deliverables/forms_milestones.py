"""Forms for milestones: the performance team's milestone, and the completions an officer
reports with an update. Each lists its fields; none saves a model itself."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from deliverables.tracker.dates import UnreadableDate, parse_when

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]
WHEN_EXAMPLES = '"May 2022 - Jul 2022", "by 22 Jun 2022", "Autumn 2022", "TBC" or "Ongoing"'


class MilestoneForm(forms.Form):
    """A milestone's title and its dates, written as words as the plan writes them."""

    title = forms.CharField(
        max_length=500,
        strip=True,
        error_messages={
            "required": "Enter the milestone's title.",
            "max_length": "The title must be %(limit_value)d characters or fewer.",
        },
    )
    when = forms.CharField(
        max_length=200,
        required=False,
        strip=True,
        error_messages={"max_length": "Write the dates in %(limit_value)d characters or fewer."},
    )

    completed_on = forms.DateField(
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Enter the day it was completed, like 27/3/2024."},
    )

    def clean_completed_on(self) -> dt.date | None:
        day = self.cleaned_data["completed_on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError("The day it was completed must be today or earlier.")
        return day

    def clean_when(self) -> tuple[dt.date | None, dt.date | None, str]:
        text = self.cleaned_data["when"]
        try:
            return parse_when(text)
        except UnreadableDate:
            raise forms.ValidationError(
                f'"{text}" could not be read as dates. Write them as {WHEN_EXAMPLES}.'
            ) from None


def _numeric(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def _words(part: str) -> str:
    """ "Autumn 2022, read as 1 September 2022" -> "Autumn 2022"."""
    return part.split(", read as ")[0].strip()


def when_initial(milestone) -> str:
    """What the edit form shows: the words the council wrote where it wrote words (so saving
    unchanged keeps them), else the dates, in a form parse_when reads back the same."""
    note, start, due = milestone.date_note, milestone.start_date, milestone.due_date
    parts = dict(
        part.split(": ", 1) for part in note.split("; ") if part.startswith(("Start: ", "Due: "))
    )
    if note and not parts:
        return _words(note)
    start_text = (
        _words(parts["Start"]) if "Start" in parts else (f"{start:%d/%m/%Y}" if start else "")
    )
    due_text = _words(parts["Due"]) if "Due" in parts else (f"{due:%d/%m/%Y}" if due else "")
    if start_text and due_text:
        return f"{start_text} - {due_text}"
    if due_text:
        return f"by {due_text}" if due else due_text
    return start_text


class CompletionsForm(forms.Form):
    """For each milestone not yet complete: "complete" and the day it was completed (today
    unless changed; never in the future, nor before the milestone's start)."""

    def __init__(self, *args, milestones: list, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestones = milestones
        self.today = today
        for m in milestones:
            self.fields[f"done-{m.pk}"] = forms.BooleanField(
                required=False, initial=m.claimed_on is not None
            )
            self.fields[f"on-{m.pk}"] = forms.DateField(
                required=False,
                input_formats=DATE_FORMATS,
                initial=(m.claimed_on or today).strftime("%d/%m/%Y"),
                error_messages={
                    "invalid": f"Enter the day “{m.title[:60]}” was completed, like 27/3/2024."
                },
            )

    @property
    def claimed(self) -> list:
        """The milestones the saved update reports complete."""
        return [m for m in self.milestones if m.claimed_on is not None]

    def rows(self) -> list[tuple]:
        """(milestone, its "complete" box, its date) for the template."""
        return [(m, self[f"done-{m.pk}"], self[f"on-{m.pk}"]) for m in self.milestones]

    def clean(self) -> dict:
        data = super().clean()
        for m in self.milestones:
            on_key = f"on-{m.pk}"
            if not data.get(f"done-{m.pk}") or on_key in self.errors:
                continue
            day = data.get(on_key)
            if day is None:
                self.add_error(on_key, f"Enter the day “{m.title[:60]}” was completed.")
            elif day > self.today:
                self.add_error(on_key, "The day it was completed must be today or earlier.")
            elif m.start_date and day < m.start_date:
                self.add_error(
                    on_key,
                    f"The day it was completed cannot be before it started "
                    f"({m.start_date.day} {m.start_date:%B %Y}).",
                )
        return data

    def completions(self) -> dict[int, dt.date]:
        data = self.cleaned_data
        return {m.pk: data[f"on-{m.pk}"] for m in self.milestones if data.get(f"done-{m.pk}")}
