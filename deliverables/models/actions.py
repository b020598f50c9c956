"""What the plan promises and what directorates do about it: deliverables, actions, where they sit,
who else enters their updates."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from deliverables import rules
from deliverables.models.states import PROGRESS_STATES, UpdateSource, UpdateState
from deliverables.permissions import delegates_q, enters_updates_q
from plans.models import Plan, ReportingPeriod, StrategicOutcome, Theme
from plans.refs import REF_ORDER_LENGTH, fold_lookalikes, normalise_ref, ref_order


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


def ref_ordering(path: str = "", *, descending: bool = False) -> tuple:
    """The one ordering by reference: read naturally (CH2 before CH10, ASC9 before ASC17a),
    actions with no reference last (descending too), ties in the order they were added.
    `path` reaches the action from another model, for example "action__" from its updates."""
    if descending:
        return (F(f"{path}ref_order").desc(nulls_last=True), f"-{path}pk")
    return (F(f"{path}ref_order").asc(nulls_last=True), f"{path}pk")


class ActionQuerySet(models.QuerySet):
    def by_ref(self) -> ActionQuerySet:
        return self.order_by(*ref_ordering())

    def for_plan(self, plan: Plan) -> ActionQuerySet:
        return self.filter(plan=plan)

    def with_ref(self, ref: str) -> ActionQuerySet:
        """Actions whose reference reads the same as `ref` once normalised."""
        return self.filter(ref_normalised=normalise_ref(ref))

    def in_scope_for(self, period: ReportingPeriod) -> ActionQuerySet:
        """Actions that owe, or gave, an update for `period` (deliverables.rules.in_scope_q)."""
        return self.filter(rules.in_scope_q(period))

    def editable_by(self, user) -> ActionQuerySet:
        """Actions whose updates `user` may enter (twin of permissions.can_enter_updates)."""
        return self.filter(enters_updates_q(user))

    def delegable_by(self, user) -> ActionQuerySet:
        """Actions whose delegates `user` may change (twin of permissions.can_delegate)."""
        return self.filter(delegates_q(user))

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
    # How the reference sorts (plans.refs.ref_order). NULL, not "", for no reference: NULLS
    # LAST then puts those actions after the rest in either direction, on every database.
    ref_order = models.CharField(  # noqa: DJ001
        max_length=REF_ORDER_LENGTH, null=True, blank=True, editable=False, db_index=True
    )
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
    date_note = models.CharField(
        max_length=200,
        blank=True,
        help_text='Dates written as words in a tracker: "TBC", "Ongoing", or a season read as '
        'a date ("Autumn 2022, read as 1 September 2022").',
    )
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
    history = HistoricalRecords(excluded_fields=["updated_at", "ref_order"])

    class Meta:
        ordering = ["plan", *ref_ordering()]
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
        # Derived columns, kept true on every save (bulk writers set them themselves).
        self.ref_normalised = normalise_ref(self.ref)
        self.ref_order = ref_order(self.ref)
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
