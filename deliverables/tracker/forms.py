"""The tracker's forms: the upload (which plan, which quarter, which file), the meaning of
each column, and the answers to the preview's questions."""

from __future__ import annotations

import hashlib

from django import forms

from deliverables.models import ImportLayout
from deliverables.tracker.meanings import HEADING_USES, MEANINGS, Mapping
from deliverables.tracker.page import ColumnGroup
from plans.models import PERIOD_FORMS, Plan, canonical_period_code


class ImportForm(forms.Form):
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.none(),
        required=False,
        empty_label="A new plan from this file",
    )
    new_plan_name = forms.CharField(max_length=200, required=False, strip=True)
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

    def clean(self) -> dict:
        data = super().clean()
        plan, name = data.get("plan"), data.get("new_plan_name", "")
        if plan is None and not name and "plan" not in self.errors:
            self.add_error(
                "new_plan_name",
                "Choose the plan the tracker reports on, or name the new plan to make from it.",
            )
        elif plan is not None and name:
            self.add_error(
                "new_plan_name",
                f"You chose {plan.name}: clear the new plan's name, or choose "
                "'A new plan from this file'.",
            )
        return data


def _seen(keys: list[str]) -> str:
    """Which columns or questions a form was shown with, in order: a page left open while
    the preview changed posts a different value, and is shown again rather than misread."""
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]


class MappingForm(forms.Form):
    """What each column of the file means, what section headings and sheet names are used
    for, and the name to save it all under as a layout. One field per header key
    (`column-0`, `column-1`, ... in the order of `groups`)."""

    headings = forms.ChoiceField(choices=HEADING_USES)
    sheet_names = forms.ChoiceField(choices=HEADING_USES)
    layout_name = forms.CharField(
        max_length=ImportLayout._meta.get_field("name").max_length, required=False
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, groups: list[ColumnGroup], mapping: Mapping, **kwargs):
        kwargs.setdefault(
            "initial",
            {"headings": mapping.headings, "sheet_names": mapping.sheet_names},
        )
        super().__init__(*args, **kwargs)
        self.groups = groups
        self.fields["seen"].initial = _seen([group.key for group in groups])
        for index, group in enumerate(groups):
            self.fields[f"column-{index}"] = forms.ChoiceField(
                choices=MEANINGS,
                initial=group.meaning,
                error_messages={
                    "required": f"Choose what column '{group.header}' means.",
                    "invalid_choice": f"Choose what column '{group.header}' means from the "
                    "list of meanings.",
                },
            )

    def heading_fields(self):
        return [
            (
                self["headings"],
                "Section headings are used",
                "A row with one heading between the data, such as an outcome's name above "
                "its actions. Only if you say so does a heading create anything.",
            ),
            (
                self["sheet_names"],
                "Sheet names are used",
                "The name on each sheet's tab. Only if you say so does a name create anything.",
            ),
        ]

    def rows(self):
        """Each group with its bound field, for the template."""
        return [(group, self[f"column-{index}"]) for index, group in enumerate(self.groups)]

    stale_message = (
        "The file's columns changed since that page was shown, so nothing was changed: "
        "check the meanings below and update the preview again."
    )

    @property
    def stale(self) -> bool:
        """Sent from a page showing other columns: its choices cannot be matched to these."""
        return self.is_bound and self.data.get("seen") != self.fields["seen"].initial

    def mapping(self) -> Mapping:
        """The meanings chosen. A column left as the importer guessed it stays a guess, so
        the page can tell a guess from a choice; saved as a layout, every column is kept."""
        keep_all = bool(self.cleaned_data.get("layout_name"))
        columns = {}
        for index, group in enumerate(self.groups):
            chosen = self.cleaned_data[f"column-{index}"]
            if keep_all or chosen != group.meaning or group.source != "guess":
                columns[group.key] = chosen
        return Mapping(
            columns=columns,
            headings=self.cleaned_data["headings"],
            sheet_names=self.cleaned_data["sheet_names"],
        )


class AnswersForm(forms.Form):
    """One choice per question the preview asks (`answer-0`, `answer-1`, ...). A question
    left unanswered takes its default, which is never a write the importer is unsure of."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, questions: list[dict], answered: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields["seen"].initial = _seen([str(q.get("key")) for q in questions])
        for index, question in enumerate(questions):
            where = f"sheet '{question.get('sheet')}' row {question.get('row')}"
            self.fields[f"answer-{index}"] = forms.ChoiceField(
                choices=[(str(value), label) for value, label in question.get("choices", [])],
                required=False,
                initial=str(answered.get(question["key"], question.get("default", ""))),
                error_messages={
                    "invalid_choice": f"Choose one of the answers offered for {where}.",
                },
            )

    def rows(self):
        return [(q, self[f"answer-{index}"]) for index, q in enumerate(self.questions)]

    stale_message = (
        "The preview's questions changed since that page was shown, so nothing was changed: "
        "answer them again below."
    )

    @property
    def stale(self) -> bool:
        return self.is_bound and self.data.get("seen") != self.fields["seen"].initial

    def answers(self) -> dict[str, str]:
        return {
            question["key"]: self.cleaned_data[f"answer-{index}"]
            for index, question in enumerate(self.questions)
            if self.cleaned_data.get(f"answer-{index}")
        }
