"""The plan's frame: who works on it, the plan and its outcomes, the status scale, the quarters."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from plans.choices import (  # noqa: F401 (re-exported)
    AuditKind,
    NotificationFrequency,
    PeriodState,
    PlanFrequency,
)
from plans.periods import (  # noqa: F401
    PERIOD_CODE,
    PERIOD_FORMS,
    canonical_period_code,
    long_date,
    month_calendar,
    month_code,
    month_label,
    parse_any_period,
    parse_period_code,
    period_code,
    sort_key,
)
from plans.permissions import can_manage_plans
from plans.refs import normalise_ref, normalise_title
from plans.statuses import Rag, relative_luminance, status_key

HEX_COLOUR = RegexValidator(r"^#[0-9A-Fa-f]{6}$", "Enter a colour as #RRGGBB, for example #00703C.")


class Directorate(models.Model):
    """A council directorate. Its prefixes are how action references name it ("ASC17a")."""

    name = models.CharField(max_length=120, unique=True)
    code = models.CharField(
        max_length=12, unique=True, help_text="Short code, also the usual reference prefix."
    )
    prefixes = models.CharField(
        max_length=120,
        blank=True,
        help_text="Reference prefixes that mean this directorate, separated by spaces "
        "(for example 'CH'). Compared after normalisation.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def prefix_list(self) -> list[str]:
        return [normalise_ref(p) for p in self.prefixes.split() if normalise_ref(p)]


class User(AbstractUser):
    """A council user. Roles are Django groups (see plans.roles); directorates scope them."""

    job_title = models.CharField(max_length=150, blank=True)
    directorates = models.ManyToManyField(Directorate, blank=True, related_name="members")
    notification_frequency = models.CharField(
        "emails about my updates",
        max_length=10,
        choices=NotificationFrequency.choices,
        default=NotificationFrequency.IMMEDIATE,
        help_text="Returned, approved and reopened: as each happens, or in one email a day. "
        "Updates waiting for your approval always come as one email a day.",
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class PlanQuerySet(models.QuerySet):
    def active(self) -> PlanQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user) -> PlanQuerySet:
        """Every signed-in user reads the active plans; retired ones are for plan managers."""
        if not user.is_authenticated:
            return self.none()
        if can_manage_plans(user):
            return self
        return self.active()


class Plan(models.Model):
    """A council plan: Corporate Plan 2021-25, Council Plan 2024-30, Improvement Plan 2022."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in URLs and as --plan.")
    description = models.TextField(blank=True)
    first_year = models.PositiveSmallIntegerField(
        help_text="Financial year the plan starts, by its first calendar year (2021 for 2021/22)."
    )
    last_year = models.PositiveSmallIntegerField(
        help_text="Financial year the plan ends, by its first calendar year."
    )
    # What this council calls each level of its plan; the newer Sandwell plan has "themes"
    # where the older one had "strategic outcomes".
    outcome_label = models.CharField(max_length=60, default="Strategic outcome")
    theme_label = models.CharField(max_length=60, default="Theme")
    deliverable_label = models.CharField(max_length=60, default="Corporate plan deliverable")
    action_label = models.CharField(max_length=60, default="Business plan action")
    frequency = models.CharField(
        "reporting frequency",
        max_length=10,
        choices=PlanFrequency.choices,
        default=PlanFrequency.QUARTERLY,
        help_text="Monthly plans report by month (April 2022, May 2022 ...), others by quarter.",
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Untick to archive: an archived plan is read-only."
    )
    public = models.BooleanField(
        "public pages",
        default=False,
        help_text="Show this plan's published periods to everyone at /public/, without signing "
        "in: approved statuses and commentary, counts, indicators and published reports.",
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-first_year", "name"]
        permissions = [
            ("manage_periods", "Can open, extend, close and reopen quarters"),
            ("import_tracker", "Can import tracker workbooks"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")),
                name="plan_years_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("deliverables:plan", args=[self.slug])

    @property
    def is_monthly(self) -> bool:
        return self.frequency == PlanFrequency.MONTHLY

    @property
    def period_word(self) -> str:
        """What the plan calls its period on screen: "quarter" or "month"."""
        return "month" if self.is_monthly else "quarter"

    @property
    def period_words(self) -> str:
        return f"{self.period_word}s"


class StatusScale(models.Model):
    """The set of statuses one plan reports with. Scales differ between plans and years."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="scale")
    name = models.CharField(max_length=120)

    def __str__(self) -> str:
        return self.name


class StatusQuerySet(models.QuerySet):
    def for_plan(self, plan: Plan) -> StatusQuerySet:
        return self.filter(scale__plan=plan)


class Status(models.Model):
    """One status of a scale, as the council writes it, with what it means for reporting."""

    scale = models.ForeignKey(StatusScale, on_delete=models.CASCADE, related_name="statuses")
    label = models.CharField(max_length=80)
    colour = models.CharField(max_length=7, validators=[HEX_COLOUR], help_text="#RRGGBB")
    rag = models.CharField("RAG category", max_length=5, choices=Rag.choices)
    order = models.PositiveSmallIntegerField(default=0)
    is_exception = models.BooleanField(
        "counts as an exception",
        default=False,
        help_text="Listed in the quarterly exception report.",
    )
    closes_action = models.BooleanField(
        default=False, help_text="The action needs no further updates (for example Complete)."
    )
    means_no_update = models.BooleanField(
        default=False,
        help_text="What an action counts as when a closed quarter has no update for it. Written "
        "by the system, never offered to officers.",
    )
    requires_commentary = models.BooleanField(
        default=True,
        help_text="An update with this status cannot be submitted without commentary "
        "(Sandwell: every status but Complete).",
    )
    spellings = models.TextField(
        blank=True,
        help_text="Other ways legacy spreadsheets write this status, one per line. "
        "Matched ignoring case and spaces.",
    )

    objects = StatusQuerySet.as_manager()

    class Meta:
        ordering = ["scale", "order", "label"]
        verbose_name_plural = "statuses"
        constraints = [
            models.UniqueConstraint(fields=["scale", "label"], name="status_label_unique"),
            models.UniqueConstraint(
                fields=["scale"],
                condition=Q(means_no_update=True),
                name="one_no_update_status_per_scale",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def spelling_keys(self) -> set[str]:
        """Every way of writing this status, folded for comparison."""
        keys = {status_key(self.label)}
        keys.update(status_key(line) for line in self.spellings.splitlines() if line.strip())
        return keys

    @property
    def text_colour(self) -> str:
        """Black or white, whichever has the higher WCAG contrast on this status's colour."""
        background = relative_luminance(self.colour)
        on_black = (background + 0.05) / 0.05
        on_white = 1.05 / (background + 0.05)
        return "#0b0c0c" if on_black >= on_white else "#ffffff"


class StrategicOutcomeQuerySet(models.QuerySet):
    def with_counts(self) -> StrategicOutcomeQuerySet:
        """Each outcome with how many deliverables and distinct actions it holds."""
        return self.annotate(
            deliverable_count=models.Count("deliverables", distinct=True),
            action_count=models.Count("placements__action", distinct=True),
        )


class StrategicOutcome(models.Model):
    """The top level of a plan ("The Best Start in Life"), or a theme of the newer plans."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    name = models.CharField(max_length=200)
    short_name = models.CharField(
        max_length=60, blank=True, help_text="Used as the sheet name in tracker workbooks."
    )
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = StrategicOutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="outcome_name_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("deliverables:outcome", args=[self.plan.slug, self.pk])

    def name_keys(self) -> set[str]:
        return {normalise_title(self.name), normalise_title(self.short_name)} - {""}


class Theme(models.Model):
    """An optional grouping inside an outcome ("First 1000 days"), or a workstream."""

    outcome = models.ForeignKey(StrategicOutcome, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["outcome", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "name"], name="theme_name_unique_in_outcome"
            ),
        ]

    def __str__(self) -> str:
        return self.name


from plans.models.periods import (  # noqa: E402, F401 (re-exported)
    ReportingPeriod,
    ReportingPeriodQuerySet,
    period_compare_q,
    period_sort_key_expression,
)


class AuditEvent(models.Model):
    """Security-relevant events, kept in the database for administrators to review."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=20, choices=AuditKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True, help_text="As typed, for failures.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "created_at"], name="audit_kind_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.message[:80]}"
