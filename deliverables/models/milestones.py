"""Milestones: the dated steps under an action ("Phase 1 Engagement, May 2022 - Jul 2022")."""

from __future__ import annotations

from django.db import models

from deliverables.models.actions import Action


class Milestone(models.Model):
    """One dated step of an action. Dates the council wrote as words ("TBC", "Ongoing",
    "Autumn 2022") keep those words in `date_note`; a season or quarter also gets the date it
    was read as, which the note says."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.TextField()
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    date_note = models.CharField(max_length=200, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["action", "order", "pk"]

    def __str__(self) -> str:
        return self.title
