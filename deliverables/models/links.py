"""Links between plans: the recommendations an action answers, and the golden thread from a
directorate's action to the corporate plan deliverables it serves."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from deliverables.models.actions import Action, Deliverable
from plans.models import Plan
from plans.refs import normalise_ref


class Recommendation(models.Model):
    """An external review's recommendation the council answers with a plan's actions:
    "Grant Thornton, Statutory Rec 3"; "CIPFA 1.5"; "Corporate Peer Challenge (pg 24)"."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="recommendations")
    body = models.CharField(
        max_length=120,
        help_text="Who made it: Grant Thornton, CIPFA, LGA Corporate Peer Challenge.",
    )
    source = models.CharField(
        max_length=200,
        blank=True,
        help_text="The review or report it comes from: 'Value for Money Governance Review'.",
    )
    reference = models.CharField(
        max_length=80, help_text="As the review numbers it: 'Statutory Rec 3', '1.5', 'pg 24'."
    )
    reference_normalised = models.CharField(max_length=80, editable=False, db_index=True)
    text = models.TextField(blank=True, help_text="The recommendation, as the review words it.")
    made_on = models.DateField(null=True, blank=True, help_text="When the review reported.")
    order = models.PositiveIntegerField(default=0)
    actions = models.ManyToManyField(Action, related_name="recommendations", blank=True)

    class Meta:
        ordering = ["plan", "order", "body", "reference_normalised", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "body", "reference_normalised"], name="recommendation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.reference}"

    def save(self, *args, **kwargs) -> None:
        self.reference_normalised = normalise_ref(self.reference) or self.reference.strip().lower()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("deliverables:recommendation", args=[self.plan.slug, self.pk])


class ActionContribution(models.Model):
    """The golden thread: a directorate plan's action serves a deliverable of another plan
    (CH6 serves the Corporate Plan's B3). Both pages show the link."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="contributions")
    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="contributions"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deliverable", "action"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "deliverable"], name="contribution_once_per_deliverable"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} serves {self.deliverable}"

    def clean(self) -> None:
        if (
            self.action_id
            and self.deliverable_id
            and self.deliverable.outcome.plan_id == self.action.plan_id
        ):
            raise ValidationError(
                {
                    "deliverable": "Choose a deliverable of another plan: within a plan, place "
                    "the action under the deliverable instead."
                }
            )
