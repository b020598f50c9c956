"""What the service did: reminders sent, and tracker imports with their files and results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from plans.models import Plan, ReportingPeriod
from plans.permissions import can_import


class ReminderLog(models.Model):
    """One reminder email sent to one person about one quarter on one day.

    The unique constraint is what stops a second run of `send_reminders` on the same day
    from sending anyone the same reminder again.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period", "sent_on"], name="one_reminder_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.period} {self.sent_on}"


class NotificationKind(models.TextChoices):
    RETURNED = "returned", "Update returned"
    APPROVED = "approved", "Update approved"
    SUBMITTED = "submitted", "Update waiting for approval"
    REOPENED = "reopened", "Quarter reopened"


class Notification(models.Model):
    """One email's worth of news for one person about one event (deliverables.notifications).

    The unique constraint is what stops one event from being told twice; `sent_at` is claimed
    before sending, so two senders at once cannot both send it. `digest` ones wait for the
    daily digest (`manage.py send_digests`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=10, choices=NotificationKind.choices)
    event = models.CharField(max_length=100)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    digest = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "event"], name="one_notification_per_event"
            ),
        ]
        indexes = [models.Index(fields=["sent_at", "digest"], name="notification_unsent_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.event}"


class ImportStatus(models.TextChoices):
    # A big upload waiting for, or being read by, the worker (deliverables.tasks): no preview yet.
    PREVIEWING = "previewing", "Being previewed"
    PREVIEWED = "previewed", "Previewed, not yet imported"
    APPLIED = "applied", "Imported"
    DRY_RUN = "dry_run", "Dry run: nothing written"
    REFUSED = "refused", "File refused"
    FAILED = "failed", "Failed: nothing written"
    CANCELLED = "cancelled", "Cancelled"


class ImportStage(models.TextChoices):
    """Where a confirmed import is, while a background worker writes it (deliverables.tasks)."""

    QUEUED = "queued", "Waiting to start"
    READING = "reading", "Reading the file"
    MATCHING = "matching", "Matching rows to the plan"
    WRITING = "writing", "Writing the updates"
    DONE = "done", "Finished"


class ImportRecordQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportRecordQuerySet:
        if not can_import(user):
            return self.none()
        return self


class ImportRecord(models.Model):
    """One tracker import: who, when, which file, what it would do or did, and row errors.

    The uploaded file is kept in the database between preview and confirmation, so any app
    server can confirm it; it is dropped once the import is applied, cancelled or refused.
    """

    # Empty only while a "new plan from this file" import is previewed: `new_plan` says what
    # the plan would be, and confirming creates it.
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="imports"
    )
    new_plan = models.JSONField(default=dict, blank=True)
    period_code = models.CharField(max_length=10)
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=20, default="web")  # web, command or load_sandwell
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.PositiveIntegerField()
    content = models.BinaryField(null=True, blank=True, editable=False)
    overwrite_closed = models.BooleanField(default=False)
    # The mapping in force (meanings.Mapping as JSON), the saved layout it came from, and the
    # answers given to the preview's questions (question key -> chosen value).
    mapping = models.JSONField(default=dict, blank=True)
    layout = models.ForeignKey(
        "ImportLayout", on_delete=models.SET_NULL, null=True, blank=True, related_name="imports"
    )
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    message = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    rows = models.JSONField(default=list, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    # A confirmed import runs in the background: its stage, and why it stopped if it did.
    stage = models.CharField(max_length=10, choices=ImportStage.choices, blank=True)
    stage_message = models.CharField(max_length=500, blank=True)
    stage_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    objects = ImportRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return (
            f"{self.file_name} → {self.plan_name} {self.period_code} ({self.get_status_display()})"
        )

    def get_absolute_url(self) -> str:
        return reverse("deliverables:import", args=[self.pk])

    @property
    def plan_name(self) -> str:
        """The plan imported into, or the new plan the import would make ("... (new plan)")."""
        if self.plan_id is not None:
            return self.plan.name
        return f"{(self.new_plan.get('plan') or {}).get('name', '')} (new plan)"

    @property
    def error_count(self) -> int:
        return len(self.summary.get("errors", []))

    @property
    def warning_count(self) -> int:
        return len(self.summary.get("warnings", []))


class ImportLayout(models.Model):
    """A named, confirmed column mapping, applied to any file whose headers give the same
    signature (meanings.header_signature)."""

    name = models.CharField(max_length=120, unique=True)
    signature = models.CharField(max_length=64, db_index=True)
    headers = models.JSONField(default=list, blank=True)  # the header texts, for display
    mapping = models.JSONField(default=dict, blank=True)  # meanings.Mapping as JSON
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
