"""Forms of the recommendations register. Each lists its fields."""

from __future__ import annotations

from django import forms

from deliverables.models import Action, Recommendation
from plans.models import Plan
from plans.refs import normalise_ref


class ActionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Action) -> str:
        return f"{obj.ref} {obj.title}".strip() if obj.ref else obj.title


class RecommendationForm(forms.ModelForm):
    """A recommendation's words and the plan's actions that answer it."""

    actions = ActionChoiceField(
        queryset=Action.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Actions that answer it",
    )

    class Meta:
        model = Recommendation
        fields = ["body", "source", "reference", "text", "made_on", "actions"]
        labels = {
            "body": "Body that made it",
            "made_on": "Date of the review",
        }
        widgets = {"made_on": forms.DateInput(attrs={"type": "date"})}
        error_messages = {
            "body": {"required": "Enter the body that made the recommendation"},
            "reference": {"required": "Enter the recommendation's reference"},
            "made_on": {"invalid": "Enter the date as a real date, for example 27 7 2022"},
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["actions"].queryset = Action.objects.for_plan(plan).by_ref()

    def clean(self) -> dict:
        data = super().clean()
        body, reference = data.get("body", ""), data.get("reference", "")
        if body and reference:
            # The model's unique rule names a derived column the form does not hold, so
            # Django's own check cannot see it: asked here in the same normalised form.
            normalised = normalise_ref(reference) or reference.strip().lower()
            clash = Recommendation.objects.filter(
                plan=self.plan, body__iexact=body.strip(), reference_normalised=normalised
            )
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "reference", f"{body} {reference} is already in this plan's register"
                )
        return data


class RecommendationFilterForm(forms.Form):
    """The register's filter: which body's recommendations to list."""

    body = forms.ChoiceField(required=False, label="Body")

    def __init__(self, *args, bodies: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", "All bodies"), *[(b, b) for b in bodies]]
        self.fields["body"].error_messages["invalid_choice"] = (
            "Choose a body from the list: %(value)s made no recommendation in this plan"
        )
