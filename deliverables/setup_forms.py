"""Forms of plan set-up (deliverables.views.setup*). Each lists its fields; the services in
deliverables.services.setup save."""

from __future__ import annotations

from django import forms
from django.utils.text import slugify

from deliverables.models import Action, Deliverable
from deliverables.permissions import users_who_may_enter_updates
from deliverables.services.setup import StatusRow, scale_problems
from plans.models import (
    HEX_COLOUR,
    Directorate,
    PeriodState,
    Plan,
    ReportingPeriod,
    StrategicOutcome,
    Theme,
)
from plans.sanitise import sanitise_line, sanitise_text
from plans.statuses import Rag

# Words the set-up pages' own addresses use after manage/plans/.
RESERVED_SLUGS = {"new"}
YEARS = {"min_value": 2000, "max_value": 2100}
PLAN_FIELDS = [
    "name",
    "slug",
    "description",
    "first_year",
    "last_year",
    "frequency",
    "outcome_label",
    "theme_label",
    "deliverable_label",
    "action_label",
]


class PlanForm(forms.ModelForm):
    """A new plan: its names, years, how often it reports and what it calls its levels."""

    first_year = forms.IntegerField(**YEARS)
    last_year = forms.IntegerField(**YEARS)

    class Meta:
        model = Plan
        fields = PLAN_FIELDS
        error_messages = {
            "name": {
                "unique": "A plan with this name already exists.",
                "required": "Enter a name.",
            },
            "slug": {"unique": "Another plan uses this short name. Choose another."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            # Suggested from the name when left blank (clean).
            self.fields["slug"].required = False
        for name in ("outcome_label", "theme_label", "deliverable_label", "action_label"):
            self.fields[name].error_messages["required"] = "Name this level."
        self.fields["first_year"].error_messages["required"] = "Enter the first year, like 2024."
        self.fields["last_year"].error_messages["required"] = "Enter the last year, like 2027."

    def clean_name(self) -> str:
        return sanitise_line(self.cleaned_data["name"], max_length=200)

    def clean_description(self) -> str:
        return sanitise_text(self.cleaned_data["description"])

    def clean(self) -> dict:
        data = super().clean()
        if "slug" in self.fields and not data.get("slug") and data.get("name"):
            data["slug"] = slugify(data["name"])[:60].strip("-")
            if not data["slug"]:
                self.add_error("slug", "Enter a short name of letters, numbers and hyphens.")
        if data.get("slug") in RESERVED_SLUGS:
            self.add_error("slug", f"'{data['slug']}' names a page here: choose another.")
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and last < first:
            self.add_error("last_year", "The last year must be the same as the first or after it.")
        return data


class PlanEditForm(PlanForm):
    """A plan's names, years and level names. Its short name (in URLs and commands) and its
    frequency (its periods already follow it) stay as they were set up."""

    class Meta(PlanForm.Meta):
        fields = [f for f in PLAN_FIELDS if f not in ("slug", "frequency")]


class ScaleChoiceForm(forms.Form):
    """Where a new plan's statuses come from: another plan's scale, or defined here."""

    COPY, DEFINE = "copy", "define"
    scale = forms.ChoiceField(
        choices=[(COPY, "Copy another plan's statuses"), (DEFINE, "Define the statuses here")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the plan's statuses come from."},
    )
    copy_from = forms.ModelChoiceField(queryset=Plan.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].queryset = Plan.objects.filter(scale__isnull=False).order_by(
            "name"
        )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("scale") == self.COPY and not data.get("copy_from"):
            self.add_error("copy_from", "Choose the plan whose statuses to copy.")
        return data


class StatusRowForm(forms.Form):
    """One status of a scale defined here. A row with no label is left out."""

    label = forms.CharField(max_length=80, required=False)
    colour = forms.CharField(max_length=7, required=False)
    rag = forms.ChoiceField(choices=[("", "Choose"), *Rag.choices], required=False)
    is_exception = forms.BooleanField(required=False)
    closes_action = forms.BooleanField(required=False)
    means_no_update = forms.BooleanField(required=False)
    requires_commentary = forms.BooleanField(required=False)

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("label"):
            return data
        if not data.get("colour"):
            self.add_error("colour", f"Enter a colour for {data['label']}, like #00703C.")
        else:
            try:
                HEX_COLOUR(data["colour"])
            except forms.ValidationError as error:
                self.add_error("colour", error)
        if not data.get("rag"):
            self.add_error("rag", f"Choose a RAG category for {data['label']}.")
        return data

    def row(self) -> StatusRow | None:
        data = self.cleaned_data
        if not data.get("label"):
            return None
        return StatusRow(
            label=sanitise_line(data["label"], max_length=80),
            colour=data["colour"].upper(),
            rag=data["rag"],
            is_exception=data["is_exception"],
            closes_action=data["closes_action"],
            means_no_update=data["means_no_update"],
            requires_commentary=data["requires_commentary"],
        )


class BaseStatusFormSet(forms.BaseFormSet):
    def rows(self) -> list[StatusRow]:
        return [row for form in self.forms if (row := form.row()) is not None]

    def clean(self) -> None:
        if any(self.errors):
            return
        problems = scale_problems(self.rows())
        if problems:
            raise forms.ValidationError(problems)


StatusFormSet = forms.formset_factory(
    StatusRowForm, formset=BaseStatusFormSet, extra=0, max_num=12, absolute_max=12
)

# A starting scale to edit: Sandwell's, which most plans use in some form.
STARTING_SCALE = [
    {"label": "On Track", "colour": "#00703C", "rag": "green", "requires_commentary": True},
    {
        "label": "Delayed",
        "colour": "#D4351C",
        "rag": "red",
        "is_exception": True,
        "requires_commentary": True,
    },
    {"label": "Complete", "colour": "#1D70B8", "rag": "blue", "closes_action": True},
    {"label": "No Update", "colour": "#B1B4B6", "rag": "grey", "means_no_update": True},
    {},
    {},
]


def status_formset(data=None) -> BaseStatusFormSet:
    return StatusFormSet(data, initial=None if data is not None else STARTING_SCALE, prefix="st")


# The plan's structure.

SEP = " \u203a "  # a single right-pointing angle quotation mark between levels


def place_choices(plan: Plan, levels: tuple[str, ...]) -> list[tuple[str, str]]:
    """Where something can be put in `plan`, as a select's choices named with the plan's own
    level labels: "outcome:<pk>", "theme:<pk>", "deliverable:<pk>" among `levels`."""
    outcomes = list(StrategicOutcome.objects.filter(plan=plan).order_by("order", "name"))
    themes = list(Theme.objects.filter(outcome__plan=plan).order_by("order", "name"))
    deliverables = (
        list(Deliverable.objects.filter(outcome__plan=plan).order_by("order", "pk"))
        if "deliverable" in levels
        else []
    )
    choices = []
    for outcome in outcomes:
        if "outcome" in levels:
            choices.append((f"outcome:{outcome.pk}", f"{plan.outcome_label}: {outcome.name}"))
        for theme in (t for t in themes if t.outcome_id == outcome.pk):
            if "theme" in levels:
                label = f"{outcome.name}{SEP}{plan.theme_label}: {theme.name}"
                choices.append((f"theme:{theme.pk}", label))
            for item in (d for d in deliverables if d.theme_id == theme.pk):
                label = f"{outcome.name}{SEP}{theme.name}{SEP}{plan.deliverable_label}: {item}"
                choices.append((f"deliverable:{item.pk}", label[:200]))
        for item in (d for d in deliverables if d.outcome_id == outcome.pk and not d.theme_id):
            label = f"{outcome.name}{SEP}{plan.deliverable_label}: {item}"
            choices.append((f"deliverable:{item.pk}", label[:200]))
    return choices


def resolve_place(
    plan: Plan, value: str
) -> tuple[StrategicOutcome, Theme | None, Deliverable | None]:
    """The outcome, theme and deliverable a place_choices value names, all of `plan`."""
    level, _, pk = value.partition(":")
    if level == "deliverable":
        item = Deliverable.objects.select_related("outcome", "theme").get(outcome__plan=plan, pk=pk)
        return item.outcome, item.theme, item
    if level == "theme":
        theme = Theme.objects.select_related("outcome").get(outcome__plan=plan, pk=pk)
        return theme.outcome, theme, None
    return StrategicOutcome.objects.get(plan=plan, pk=pk), None, None


class PlaceForm(forms.Form):
    """Something added under a place in the plan (a select built from place_choices)."""

    place = forms.ChoiceField(error_messages={"required": "Choose where it goes."})

    def __init__(self, *args, plan: Plan, levels: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["place"].choices = [("", "Choose"), *place_choices(plan, levels)]
        self.fields["place"].error_messages["invalid_choice"] = "Choose one of the places listed."

    def resolved(self):
        return resolve_place(self.plan, self.cleaned_data["place"])


class OutcomeForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter a name."})
    description = forms.CharField(required=False, widget=forms.Textarea, max_length=4000)

    def clean_name(self) -> str:
        return sanitise_line(self.cleaned_data["name"], max_length=200)

    def clean_description(self) -> str:
        return sanitise_text(self.cleaned_data["description"], max_length=4000)


class ThemeForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter a name."})

    def clean_name(self) -> str:
        return sanitise_line(self.cleaned_data["name"], max_length=200)


class DeliverableForm(forms.Form):
    ref = forms.CharField(max_length=40, required=False)
    title = forms.CharField(
        max_length=2000, widget=forms.Textarea, error_messages={"required": "Enter the wording."}
    )

    def clean_ref(self) -> str:
        return sanitise_line(self.cleaned_data["ref"], max_length=40)

    def clean_title(self) -> str:
        return sanitise_text(self.cleaned_data["title"], max_length=2000)


class ActionForm(forms.ModelForm):
    """A new action: its reference, wording, directorate, lead and dates."""

    class Meta:
        model = Action
        fields = [
            "ref",
            "title",
            "directorate",
            "lead_officer",
            "lead_role",
            "start_date",
            "due_date",
            "reported_from",
        ]
        error_messages = {"title": {"required": "Enter what the action will do."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directorate"].queryset = Directorate.objects.order_by("name")
        self.fields["lead_officer"].queryset = users_who_may_enter_updates().order_by(
            "first_name", "last_name", "username"
        )
        for name in ("start_date", "due_date"):
            self.fields[name].error_messages["invalid"] = "Enter a real date, like 31 3 2025."
        # Blank: the plan's open or next period (services.first_quarter_for_new_action). A closed
        # or published period is not offered: an action added there would count as No Update
        # in a period whose record is closed (the admin's add form and the importer, with its
        # "change closed quarters" option, are the doors for history).
        periods = self.fields["reported_from"]
        periods.queryset = (
            ReportingPeriod.objects.for_plan(self.instance.plan)
            .exclude(state__in=[PeriodState.CLOSED, PeriodState.PUBLISHED])
            .chronological()
        )
        periods.label_from_instance = lambda period: period.label
        periods.error_messages["invalid_choice"] = (
            "Choose one of the plan's open or upcoming periods."
        )

    def clean_ref(self) -> str:
        return sanitise_line(self.cleaned_data["ref"], max_length=40)

    def clean_title(self) -> str:
        return sanitise_text(self.cleaned_data["title"], max_length=4000)

    def clean_lead_role(self) -> str:
        return sanitise_line(self.cleaned_data["lead_role"], max_length=200)

    def clean(self) -> dict:
        data = super().clean()
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", "The due date must be the same as the start or after it.")
        ref = data.get("ref")
        if ref and Action.objects.for_plan(self.instance.plan).with_ref(ref).exists():
            self.add_error("ref", f"This plan already has an action {ref}.")
        return data
