"""Quarter by quarter: each action's status and commentary, one row a quarter, never overwritten."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from deliverables import rules
from deliverables.models.actions import Action
from deliverables.models.states import UpdateSource, UpdateState
from deliverables.permissions import decides_q, reviews_q
from plans.models import ReportingPeriod, Status


class QuarterlyUpdateQuerySet(models.QuerySet):
    def for_period(self, period: ReportingPeriod) -> QuarterlyUpdateQuerySet:
        return self.filter(period=period)

    def counted_for(self, user) -> QuarterlyUpdateQuerySet:
        """Updates whose status counts for `user` (deliverables.rules.counted_q): approved,
        or submitted where they see the action's work in progress; never drafts, returned
        updates or the No Update written at close."""
        return self.filter(rules.counted_q(user))

    def decidable_by(self, user) -> QuarterlyUpdateQuerySet:
        """Updates `user` may approve or return (twin of permissions.can_decide)."""
        return self.filter(decides_q(user))

    def reviewed_by(self, user) -> QuarterlyUpdateQuerySet:
        """Updates in `user`'s review queue (twin of permissions.reviews)."""
        return self.filter(reviews_q(user))

    def with_readable(self, user) -> QuarterlyUpdateQuerySet:
        """Every update, with `readable`: whether `user` may read its status and text
        (deliverables.rules.readable_q): approved ones for everyone signed in; the rest for the
        action's people, its directorate's approvers and those who oversee every directorate.
        """
        if user is None or not user.is_authenticated:
            return self.none()
        return self.annotate(
            readable=models.Case(
                models.When(rules.readable_q(user), then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )

    def chronological(self) -> QuarterlyUpdateQuerySet:
        return self.order_by("period__year", "period__quarter", "period__month")


class QuarterlyUpdate(models.Model):
    """One action's status and commentary for one quarter. History is never overwritten:
    each quarter has its own row."""

    # An action with updates is withdrawn, not deleted: deleting it, or the plan above it,
    # is refused by every door rather than taking its quarters' record with it.
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="updates")
    status = models.ForeignKey(
        Status, on_delete=models.PROTECT, null=True, blank=True, related_name="updates"
    )
    commentary = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=UpdateState.choices, default="draft")
    source = models.CharField(max_length=10, choices=UpdateSource.choices, default="entered")
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped on every save, so a stale form can be refused."
    )
    return_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = QuarterlyUpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "-period__year", "-period__quarter", "-period__month"]
        permissions = [
            ("enter_update", "Can enter updates for actions they lead"),
            ("approve_update", "Can approve or return updates in their directorates"),
            ("view_all_updates", "Can see every directorate's updates, drafts included"),
            ("decide_any_update", "Can approve or return any directorate's updates"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["action", "period"], name="one_update_per_quarter"),
            models.CheckConstraint(condition=Q(version__gte=1), name="update_version_positive"),
            # A submitted or approved update always says what the status is.
            models.CheckConstraint(
                condition=Q(state__in=["draft", "returned"]) | Q(status__isnull=False),
                name="update_status_when_submitted",
            ),
        ]
        indexes = [
            # Counts by quarter, workflow state and status read this index alone (an
            # index-only scan on PostgreSQL) instead of the wide rows holding commentary.
            models.Index(fields=["period", "state", "status"], name="update_quarter_counts_idx"),
            # A quarter's update of each action, with what decides its status for a reader:
            # the dashboard's trend (eight quarters) and counts join updates to actions on
            # (action, period) and read these columns alone (index-only on PostgreSQL; at
            # county size the trend went from ~300 to ~155 ms).
            models.Index(
                fields=["period", "action"],
                include=["state", "source", "status"],
                name="update_trend_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action.display_ref} {self.period.label}"

    @property
    def written_at_close(self) -> bool:
        return self.source == UpdateSource.CLOSE

    def clean(self) -> None:
        """The same rules the database triggers enforce, as form errors."""
        if self.status_id and self.action_id and self.status.scale.plan_id != self.action.plan_id:
            raise ValidationError({"status": "Choose a status of this plan's scale."})
        if self.period_id and self.action_id and self.period.plan_id != self.action.plan_id:
            raise ValidationError({"period": "Choose a quarter of this action's plan."})
