"""Forms of the quarterly cycle. Each lists its fields; none saves a model itself."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone

from deliverables.models import Action
from deliverables.services.people import UNCHANGED
from deliverables.workflow import commentary_problem
from plans.models import (
    PERIOD_FORMS,
    Directorate,
    PeriodState,
    Plan,
    ReportingPeriod,
    Status,
    StrategicOutcome,
    User,
    parse_period_code,
)
from plans.periods import MONTH_FORMS, parse_any_period, parse_month_code


class UpdateForm(forms.Form):
    """An officer's update. Saving a draft asks for little; submitting asks for it all."""

    status = forms.ModelChoiceField(
        queryset=Status.objects.none(),
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of the statuses listed."},
    )
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
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, plan: Plan, submitting: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # The system's No Update is written at close, never chosen (workflow.entry_status_problem)
        self.fields["status"].queryset = (
            Status.objects.for_plan(plan).filter(means_no_update=False).order_by("order")
        )
        self.submitting = submitting
        self.word = plan.period_word

    def clean(self) -> dict:
        data = super().clean()
        if not self.submitting:
            return data
        status = data.get("status")
        if status is None:
            if "status" not in self.errors:
                self.add_error("status", "Choose a status before you submit.")
            return data
        if "commentary" not in self.errors:
            problem = commentary_problem(status, data.get("commentary"), self.word)
            if problem:
                self.add_error("commentary", problem)
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea,
        error_messages={
            "required": "Say what the officer needs to change.",
            "max_length": "The reason must be %(limit_value)d characters or fewer.",
        },
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class DecisionForm(forms.Form):
    """An approval: only the version the approver saw."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class ApproveManyForm(forms.Form):
    """Several submitted updates approved at once. Each choice is "pk:version" of an update the
    approver may decide on as the page showed it, so one changed since reads as not listed."""

    updates = forms.MultipleChoiceField(
        error_messages={
            "required": "Tick the updates to approve.",
            "invalid_choice": "An update you ticked has changed or been decided since you "
            "opened the page: check the list and tick again.",
        }
    )

    def __init__(self, *args, decidable, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_choice = {f"{u.pk}:{u.version}": u for u in decidable}
        self.fields["updates"].choices = [(key, key) for key in self.by_choice]

    def decisions(self) -> list:
        """(update, version seen) for each ticked update, in the queue's order."""
        ticked = set(self.cleaned_data["updates"])
        return [(u, u.version) for key, u in self.by_choice.items() if key in ticked]


class ChaseForm(forms.Form):
    """The officers to chase now, from those with updates still to give."""

    officers = forms.MultipleChoiceField(
        error_messages={
            "required": "Tick the officers to chase.",
            "invalid_choice": "An officer you ticked has nothing left to give: check the list.",
        }
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].choices = [(str(r.user.pk), str(r.user)) for r in officers]


class DueDateForm(forms.Form):
    due_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the deadline.", "invalid": "Enter a real date."},
    )

    def clean_due_on(self) -> dt.date:
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError("The deadline must be today or later.")
        return due_on


class CloseForm(forms.Form):
    mark_missing = forms.BooleanField(required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": "Give the reason: it is recorded with the change."},
    )


class WithdrawForm(forms.Form):
    period = forms.ModelChoiceField(
        queryset=ReportingPeriod.objects.none(),
        error_messages={
            "required": "Choose the quarter it is withdrawn from.",
            "invalid_choice": "Choose one of the quarters listed: closed quarters keep it.",
        },
    )
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": "Give the reason: it is recorded with the change."},
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        if plan.is_monthly:
            self.fields["period"].error_messages.update(
                required="Choose the month it is withdrawn from.",
                invalid_choice="Choose one of the months listed: closed months keep it.",
            )
        # Only quarters not yet closed: a closed quarter keeps counting what it counted.
        self.fields["period"].queryset = (
            ReportingPeriod.objects.for_plan(plan)
            .filter(state__in=[PeriodState.OPEN, PeriodState.UPCOMING])
            .chronological()
        )


class PeriodCreateForm(forms.Form):
    """A period to add to `plan`: a quarter of a quarterly plan (Q1 2024/25, 2024/25 Q1 or
    2024-25-Q1), a month of a monthly one (May 2022 or 2022-05). The other kind is an error
    that says which the plan takes, never a 500."""

    code = forms.CharField(max_length=30)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        forms_ = MONTH_FORMS if plan.is_monthly else PERIOD_FORMS
        self.fields["code"].error_messages["required"] = (
            f"Enter the {plan.period_word}, like {forms_}."
        )

    def clean_code(self) -> tuple[int, int, int]:
        """(year, quarter, month), month 0 for a quarter."""
        typed = self.cleaned_data["code"]
        try:
            if self.plan.is_monthly:
                return parse_month_code(typed)
            return (*parse_period_code(typed), 0)
        except ValueError as error:
            other = _other_kind(typed, self.plan)
            raise forms.ValidationError(other or str(error)) from None


def _other_kind(typed: str, plan: Plan) -> str | None:
    """What to say when `typed` is a period of the other kind than `plan` reports by."""
    try:
        _year, _quarter, month = parse_any_period(typed)
    except ValueError:
        return None
    if bool(month) == plan.is_monthly:
        return None
    forms_ = MONTH_FORMS if plan.is_monthly else PERIOD_FORMS
    return (
        f"{plan.name} reports by {plan.period_word}, so add a {plan.period_word}: "
        f"write it like {forms_}."
    )


class ColleagueForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        error_messages={"required": "Choose a colleague.", "invalid_choice": "Choose a colleague."},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = choices


class ReassignForm(forms.Form):
    from_user = forms.ModelChoiceField(
        queryset=User.objects.none(), error_messages={"required": "Choose the current lead."}
    )
    to_user = forms.ModelChoiceField(
        queryset=User.objects.none(), error_messages={"required": "Choose the new lead."}
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_user"].queryset = officers
        self.fields["to_user"].queryset = officers

    def clean(self) -> dict:
        data = super().clean()
        if data.get("from_user") and data.get("from_user") == data.get("to_user"):
            self.add_error("to_user", "Choose someone other than the current lead.")
        return data


class PeopleFilterForm(forms.Form):
    """The assign-people page's filters, read from the query string; all optional. An
    invalid value is shown as an error and not applied."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    outcome = forms.ModelChoiceField(queryset=StrategicOutcome.objects.none(), required=False)
    directorate = forms.ChoiceField(required=False)
    lead_officer = forms.ChoiceField(required=False, label="Lead officer")
    approver = forms.ChoiceField(required=False)
    period = forms.ChoiceField(required=False, label="In quarter")
    action = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, plan: Plan, directorates: list[Directorate], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].label = plan.outcome_label
        self.fields["outcome"].queryset = plan.outcomes.order_by("order", "name")
        self.fields["directorate"].choices = [
            ("", "Any"),
            *[(str(d.pk), d.name) for d in directorates],
            ("none", "No directorate"),
        ]
        for name, related, none_label in (
            ("lead_officer", "led_actions", "No lead officer"),
            ("approver", "approved_actions", "No approver"),
        ):
            people = User.objects.filter(**{f"{related}__plan": plan}).distinct()
            self.fields[name].choices = [
                ("", "Any"),
                ("none", none_label),
                *[(str(u.pk), str(u)) for u in people.order_by("last_name", "first_name")],
            ]
        self.fields["period"].label = f"In {plan.period_word}"
        self.fields["period"].choices = [
            ("", "Any"),
            *[(p.code, p.label) for p in ReportingPeriod.objects.for_plan(plan).newest_first()],
        ]

    def filters(self) -> dict:
        """The filters that are set and valid."""
        self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value not in (None, "") and name not in self.errors
        }


class PeopleForm(forms.Form):
    """The actions ticked and the people to set on them. Lead officer and approver: blank
    leaves them as they are, "none" removes them; the service says who may be chosen."""

    actions = forms.ModelMultipleChoiceField(
        queryset=Action.objects.none(),
        error_messages={
            "required": "Tick at least one action to change.",
            "invalid_choice": "Tick actions of this plan only.",
            "invalid_pk_value": "Tick actions of this plan only.",
        },
    )
    lead_officer = forms.CharField(required=False, label="Lead officer")
    approver = forms.CharField(required=False)
    directorate = forms.ModelChoiceField(
        queryset=Directorate.objects.order_by("name"),
        required=False,
        error_messages={"invalid_choice": "Choose a directorate from the list."},
    )
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = Action.objects.for_plan(plan)

    def _person(self, name: str):
        value = (self.cleaned_data.get(name) or "").strip()
        if value == "":
            return UNCHANGED
        if value == "none":
            return None
        person = User.objects.filter(pk=value, is_active=True).first() if value.isdigit() else None
        if person is None:
            raise forms.ValidationError("Choose someone from the list.")
        return person

    def clean_lead_officer(self):
        return self._person("lead_officer")

    def clean_approver(self):
        return self._person("approver")

    def clean(self) -> dict:
        data = super().clean()
        chosen_fine = not {"lead_officer", "approver", "directorate"} & set(self.errors)
        if chosen_fine and all(value is UNCHANGED for value in self.changes().values()):
            raise forms.ValidationError(
                "Choose a lead officer, an approver or a directorate to set."
            )
        return data

    def changes(self) -> dict:
        """The service's keyword arguments: what to set, UNCHANGED where left as it is."""
        data = self.cleaned_data
        return {
            "lead_officer": data.get("lead_officer", UNCHANGED),
            "approver": data.get("approver", UNCHANGED),
            "directorate": data.get("directorate") or UNCHANGED,
        }
