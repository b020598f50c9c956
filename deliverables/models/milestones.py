"""Milestones: the dated steps under an action ("Phase 1 Engagement, May 2022 - Jul 2022"),
and the completions an officer reports with an action's update."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from deliverables.models.actions import Action
from plans.models import ReportingPeriod


class Milestone(models.Model):
    """One dated step of an action. Dates the council wrote as words ("TBC", "Ongoing",
    "Autumn 2022") keep those words in `date_note`; a season or quarter also gets the date it
    was read as, which the note says.

    `completed_on` is the completion that counts: set when the update reporting it is approved
    (deliverables.milestones), or by the performance team. Its state (not started, in progress,
    overdue, complete) is derived, never stored: deliverables.milestones.milestone_state."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.TextField()
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    date_note = models.CharField(max_length=200, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    completed_in = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The period whose approved update reported the completion.",
    )
    complete_as_written = models.BooleanField(
        "complete as the plan records it",
        default=False,
        help_text="The plan itself records it as complete, with no date (the Improvement "
        'Plan\'s "Complete" in its due-date column).',
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class MilestoneCompletion(models.Model):
    """A milestone an update reports complete, on a date. It counts (sets the milestone's
    `completed_on`) once that update is approved, as the update's status does."""

    update = models.ForeignKey(
        "deliverables.QuarterlyUpdate", on_delete=models.CASCADE, related_name="completions"
    )
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="completions")
    completed_on = models.DateField()

    class Meta:
        ordering = ["update", "milestone"]
        constraints = [
            models.UniqueConstraint(
                fields=["update", "milestone"], name="milestone_completion_once_per_update"
            )
        ]

    def __str__(self) -> str:
        return f"{self.milestone} complete on {self.completed_on}"
