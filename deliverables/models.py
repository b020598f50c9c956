"""What the plan promises and what directorates do about it, quarter by quarter."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from deliverables import rules
from plans.models import Plan, ReportingPeriod, Status, StrategicOutcome, Theme
from plans.refs import fold_lookalikes, normalise_ref


class Deliverable(models.Model):
    """A corporate plan deliverable: B3 "We will provide enough good school places ..."."""

    outcome = models.ForeignKey(
        StrategicOutcome, on_delete=models.CASCADE, related_name="deliverables"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliverables"
    )
    ref = models.CharField("CP ref", max_length=40, blank=True, help_text="As entered.")
    ref_normalised = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    title = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["outcome", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}".strip()

    def save(self, *args, **kwargs) -> None:
        # The folded reference is a derived column: keep it true however the row is saved.
        self.ref_normalised = normalise_ref(self.ref)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.theme_id and self.outcome_id and self.theme.outcome_id != self.outcome_id:
            raise ValidationError({"theme": "Choose a theme of this deliverable's outcome."})


class ActionQuerySet(models.QuerySet):
    def for_plan(self, plan: Plan) -> ActionQuerySet:
        return self.filter(plan=plan)

    def with_ref(self, ref: str) -> ActionQuerySet:
        """Actions whose reference reads the same as `ref` once normalised."""
        return self.filter(ref_normalised=normalise_ref(ref))

    def in_scope_for(self, period: ReportingPeriod) -> ActionQuerySet:
        """Actions that owe, or gave, an update for `period` (deliverables.rules.in_scope_q)."""
        return self.filter(rules.in_scope_q(period))

    def editable_by(self, user) -> ActionQuerySet:
        """Actions whose updates `user` may enter: those they lead or were delegated."""
        return self.filter(rules.enters_updates_q(user))

    def progress_by_directorate(self, period: ReportingPeriod) -> models.QuerySet:
        """Per directorate: actions, and how many of their updates for `period` are in each
        state. One query joining each action to its one update for `period` (the join's
        condition names the quarter, so the other quarters' updates are never read)."""
        closing = Q(update_here__source=UpdateSource.CLOSE)
        counts = {
            state: models.Count("update_here", filter=Q(update_here__state=state) & ~closing)
            for state in UpdateState.values
        }
        counts["closed_no_update"] = models.Count("update_here", filter=closing)
        return (
            self.annotate(
                update_here=models.FilteredRelation("updates", condition=Q(updates__period=period))
            )
            .values("directorate_id", "directorate__name")
            .annotate(total=models.Count("pk"), **counts)
            .order_by("directorate__name")
        )

    def in_outcome(self, outcome: StrategicOutcome) -> ActionQuerySet:
        placed = ActionPlacement.objects.filter(action=OuterRef("pk"), outcome=outcome)
        return self.filter(Exists(placed))

    def with_people(self) -> ActionQuerySet:
        return self.select_related("plan", "directorate", "lead_officer", "approver")


def submission_progress(period: ReportingPeriod) -> tuple[list[dict], dict]:
    """Per directorate and in total, the actions owing an update for `period` and how many
    updates are in each state; `missing` have none yet, `outstanding` are not yet submitted
    (missing, draft, returned, or the No Update written at close). The quarter page and the
    dashboard both show it."""
    rows = list(Action.objects.in_scope_for(period).progress_by_directorate(period))
    totals = dict.fromkeys(("total", *PROGRESS_STATES, "missing", "outstanding"), 0)
    for row in rows:
        row["missing"] = row["total"] - sum(row[state] for state in PROGRESS_STATES)
        row["outstanding"] = (
            row["missing"] + row["draft"] + row["returned"] + row["closed_no_update"]
        )
        for key in totals:
            totals[key] += row[key]
    return rows, totals


class Action(models.Model):
    """A directorate business plan action: CH6 "Ensure that every child ... good school"."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    ref = models.CharField("BP ref", max_length=40, blank=True, help_text="As entered.")
    ref_normalised = models.CharField(max_length=40, blank=True, editable=False)
    title = models.TextField()
    description = models.TextField(blank=True)
    directorate = models.ForeignKey(
        "plans.Directorate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_actions",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_actions",
    )
    lead_role = models.CharField(
        max_length=200,
        blank=True,
        help_text="The lead as the plan names it, for example 'Director - Law & Governance'.",
    )
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    external_ref = models.CharField(
        "external reference",
        max_length=200,
        blank=True,
        help_text="For example 'Grant Thornton Statutory Rec 3'.",
    )
    deliverables = models.ManyToManyField(
        Deliverable, through="ActionPlacement", related_name="actions", blank=True
    )
    delegates = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ActionDelegate",
        through_fields=("action", "user"),
        related_name="delegated_actions",
        blank=True,
    )
    completed_in = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The quarter whose update closed the action (Complete). Later quarters do "
        "not ask for updates unless the action is reopened.",
    )
    reopened_from = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Reopened after completing in this quarter: a completion at or before it no "
        "longer closes the action.",
    )
    reported_from = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The first quarter the action reports in; blank for every quarter of the plan. "
        "An action added later is not counted (as No Update) in the quarters before it.",
    )
    withdrawn_from = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Withdrawn from the plan from this quarter on: it is no longer counted there or "
        "later, and keeps its history in the quarters before.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["plan", "ref_normalised", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "ref_normalised"],
                condition=~Q(ref_normalised=""),
                name="action_ref_unique_in_plan",
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(due_date__gte=models.F("start_date")),
                name="action_due_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["directorate"], name="action_directorate_idx"),
            models.Index(fields=["lead_officer"], name="action_lead_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}".strip() if self.ref else self.title

    def save(self, *args, **kwargs) -> None:
        # Derived column, kept true on every save (bulk writers set it themselves).
        self.ref_normalised = normalise_ref(self.ref)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("deliverables:action", args=[self.plan.slug, self.pk])

    @property
    def display_ref(self) -> str:
        return self.ref or "No ref"

    @property
    def ref_note(self) -> str:
        """Why the reference as entered differs from how it is compared, if it does."""
        if not self.ref or self.ref == self.ref_normalised:
            return ""
        if fold_lookalikes(self.ref) != self.ref:
            return f"typed with look-alike letters; read as {self.ref_normalised}"
        return f"read as {self.ref_normalised}"


class ActionPlacement(models.Model):
    """Where an action is listed in the plan: under a deliverable, or straight under an outcome.

    One action can serve several deliverables (R8 sits under H1, H2, H5 and H9), and in the
    newer plans actions sit under a theme with no deliverable at all. `outcome` is kept on
    every row so counting actions per outcome is one join; `theme` is set only when there is
    no deliverable (a deliverable carries its own theme).
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="placements")
    outcome = models.ForeignKey(
        StrategicOutcome, on_delete=models.CASCADE, related_name="placements"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="placements"
    )
    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, null=True, blank=True, related_name="placements"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["outcome", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "deliverable"],
                condition=Q(deliverable__isnull=False),
                name="placement_once_per_deliverable",
            ),
            models.UniqueConstraint(
                fields=["action", "outcome"],
                condition=Q(deliverable__isnull=True, theme__isnull=True),
                name="placement_once_per_outcome",
            ),
            models.UniqueConstraint(
                fields=["action", "theme"],
                condition=Q(deliverable__isnull=True, theme__isnull=False),
                name="placement_once_per_theme",
            ),
            # Under a deliverable, the theme is the deliverable's own: never a second copy.
            models.CheckConstraint(
                condition=Q(deliverable__isnull=True) | Q(theme__isnull=True),
                name="placement_theme_or_deliverable",
            ),
        ]
        indexes = [models.Index(fields=["outcome", "action"], name="placement_outcome_idx")]

    def __str__(self) -> str:
        return f"{self.action} in {self.deliverable or self.theme or self.outcome}"

    def clean(self) -> None:
        """The same rules the database triggers enforce, as form errors."""
        errors = {}
        if self.outcome_id and self.action_id and self.outcome.plan_id != self.action.plan_id:
            errors["outcome"] = "Choose an outcome of the action's own plan."
        if self.deliverable_id and self.theme_id:
            errors["theme"] = "Leave the theme blank: a deliverable carries its own theme."
        if (
            self.deliverable_id
            and self.outcome_id
            and self.deliverable.outcome_id != self.outcome_id
        ):
            errors["deliverable"] = "Choose a deliverable of the chosen outcome."
        if self.theme_id and self.outcome_id and self.theme.outcome_id != self.outcome_id:
            errors["theme"] = "Choose a theme of the chosen outcome."
        if errors:
            raise ValidationError(errors)


class ActionDelegate(models.Model):
    """A colleague allowed to enter an action's updates for its lead officer."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="delegations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegations"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "user"]
        constraints = [
            models.UniqueConstraint(fields=["action", "user"], name="delegate_once_per_action"),
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.action.display_ref}"


class UpdateState(models.TextChoices):
    # An action with no update row for a quarter is "not started".
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"


class UpdateSource(models.TextChoices):
    ENTERED = "entered", "Entered in the browser"
    IMPORTED = "imported", "Imported from a spreadsheet"
    CLOSE = "close", "Marked No Update when the quarter closed"


# The workflow states the submission progress counts. "closed_no_update" is the No Update that
# closing a quarter writes for an action with nothing submitted: never counted as an approval.
PROGRESS_STATES = (*(state.value for state in UpdateState), "closed_no_update")


class QuarterlyUpdateQuerySet(models.QuerySet):
    def for_period(self, period: ReportingPeriod) -> QuarterlyUpdateQuerySet:
        return self.filter(period=period)

    def counted_for(self, user) -> QuarterlyUpdateQuerySet:
        """Updates whose status counts for `user` (deliverables.rules.counted_q): approved,
        or submitted where they see the action's work in progress; never drafts, returned
        updates or the No Update written at close."""
        return self.filter(rules.counted_q(user))

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
        return self.order_by("period__year", "period__quarter")


class QuarterlyUpdate(models.Model):
    """One action's status and commentary for one quarter. History is never overwritten:
    each quarter has its own row."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
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
        ordering = ["action", "-period__year", "-period__quarter"]
        permissions = [
            ("enter_update", "Can enter updates for actions they lead"),
            ("approve_update", "Can approve or return updates in their directorates"),
            ("view_all_updates", "Can see every directorate's updates, drafts included"),
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


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Previewed, not yet imported"
    APPLIED = "applied", "Imported"
    DRY_RUN = "dry_run", "Dry run: nothing written"
    REFUSED = "refused", "File refused"
    FAILED = "failed", "Failed: nothing written"
    CANCELLED = "cancelled", "Cancelled"


class ImportRecordQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportRecordQuerySet:
        if not user.has_perm("plans.import_tracker"):
            return self.none()
        return self


class ImportRecord(models.Model):
    """One tracker import: who, when, which file, what it would do or did, and row errors.

    The uploaded file is kept in the database between preview and confirmation, so any app
    server can confirm it; it is dropped once the import is applied, cancelled or refused.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="imports")
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
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    message = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    rows = models.JSONField(default=list, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    objects = ImportRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.plan} {self.period_code} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("deliverables:import", args=[self.pk])

    @property
    def error_count(self) -> int:
        return len(self.summary.get("errors", []))

    @property
    def warning_count(self) -> int:
        return len(self.summary.get("warnings", []))
