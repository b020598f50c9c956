"""Performance indicators: measures with a target, a tolerance and a value per month, quarter or
year, entered in the same quarterly cycle as the actions' updates.

A value belongs to a *point* of a financial year: months 1-12 (April = 1), quarters 1-4, or the
year itself (1) for an annual measure (deliverables.indicators.points). Each point falls in one
of the plan's quarters; that quarter's state decides whether the value may still change.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from deliverables.indicators.points import point_label
from deliverables.models.actions import Action, Deliverable
from deliverables.models.states import UpdateSource, UpdateState
from plans.models import Directorate, Plan, ReportingPeriod, StrategicOutcome


class Unit(models.TextChoices):
    NUMBER = "number", "Number"
    PERCENT = "percent", "Percentage"
    POUNDS = "pounds", "Pounds (£)"
    DAYS = "days", "Days"
    RATE_1000 = "rate1000", "Rate per 1,000"


class Polarity(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    MONITOR = "monitor", "Monitoring only"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


class ToleranceKind(models.TextChoices):
    ABSOLUTE = "absolute", "Absolute (in the indicator's unit)"
    PERCENT = "percent", "Percent of the target"


class ComparatorKind(models.TextChoices):
    NATIONAL = "national", "National"
    REGIONAL = "regional", "Regional"
    NEIGHBOURS = "neighbours", "Nearest-neighbour average"
    COUNCIL = "council", "Another council"


# A fraction's value is numerator / denominator times this, by unit (a rate per 1,000 is
# per 1,000 of the denominator).
UNIT_MULTIPLIER = {Unit.PERCENT: Decimal(100), Unit.RATE_1000: Decimal(1000)}

AMOUNT = {"max_digits": 18, "decimal_places": 4}

# A code is part of the indicator's address (/plans/<plan>/indicators/<code>/).
INDICATOR_CODE = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    "Write the code with letters, digits, '.', '-' and '_' only, starting with a letter or "
    "digit (for example PH8-01): it is part of the indicator's address.",
)


class IndicatorQuerySet(models.QuerySet):
    def for_plan(self, plan: Plan) -> IndicatorQuerySet:
        return self.filter(plan=plan)

    def active(self) -> IndicatorQuerySet:
        return self.filter(is_active=True)

    def owned_by(self, user) -> IndicatorQuerySet:
        """The indicators whose values `user` enters: those they own."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class Indicator(models.Model):
    """A measure the council reports: "% of new birth visits within 14 days"."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(
        max_length=30,
        validators=[INDICATOR_CODE],
        help_text="Unique within the plan, e.g. PH8-01: letters, digits, '.', '-' and '_'.",
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    calculation = models.TextField("how it is calculated", blank=True)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.NUMBER)
    decimals = models.PositiveSmallIntegerField(default=0, help_text="Shown to this many places.")
    polarity = models.CharField(max_length=8, choices=Polarity.choices, default=Polarity.HIGHER)
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    cumulative = models.BooleanField(
        "cumulative within the year",
        default=False,
        help_text="Each value is the year to date (health checks so far this year); "
        "otherwise each value is a snapshot of its month or quarter.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        help_text="The lead officer who enters its values.",
    )
    directorate = models.ForeignKey(
        Directorate, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators"
    )
    data_source = models.CharField(max_length=200, blank=True)
    external_id = models.CharField(
        "external metric id",
        max_length=60,
        blank=True,
        help_text="The id a benchmarking service gives this measure (for example LG Inform's), "
        "so comparator files can name it.",
    )
    tolerance_kind = models.CharField(
        max_length=10, choices=ToleranceKind.choices, default=ToleranceKind.PERCENT
    )
    tolerance = models.DecimalField(
        default=Decimal(0),
        help_text="How far short of target is still amber. 0: anything short is red.",
        **AMOUNT,
    )
    numerator_label = models.CharField(max_length=150, blank=True)
    denominator_label = models.CharField(max_length=150, blank=True)
    asks_forecast = models.BooleanField(
        "asks for a year-end forecast", default=False, help_text="Officers give one each time."
    )
    outcomes = models.ManyToManyField(StrategicOutcome, blank=True, related_name="indicators")
    deliverables = models.ManyToManyField(Deliverable, blank=True, related_name="indicators")
    actions = models.ManyToManyField(Action, blank=True, related_name="indicators")
    is_active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique_in_plan"),
            models.CheckConstraint(condition=Q(tolerance__gte=0), name="indicator_tolerance_gte_0"),
            models.CheckConstraint(condition=Q(decimals__lte=4), name="indicator_decimals_lte_4"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("deliverables:indicator", args=[self.plan.slug, self.code])

    @property
    def has_fraction(self) -> bool:
        """Its value is computed from a numerator and a denominator, both shown."""
        return bool(self.numerator_label and self.denominator_label)

    @property
    def multiplier(self) -> Decimal:
        return UNIT_MULTIPLIER.get(self.unit, Decimal(1))


class IndicatorTarget(models.Model):
    """A target for one financial year: the annual target (point 0) and, where the council
    profiles it for seasons, a target per month or quarter (points 1..n; for a cumulative
    indicator each is the year-to-date target)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(help_text="First calendar year of the financial year.")
    point = models.PositiveSmallIntegerField(default=0, help_text="0: the annual target.")
    value = models.DecimalField(**AMOUNT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year", "point"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "point"], name="indicator_target_unique"
            ),
            models.CheckConstraint(condition=Q(point__lte=12), name="indicator_target_point"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year} point {self.point}: {self.value}"


class IndicatorValueQuerySet(models.QuerySet):
    def for_indicator(self, indicator: Indicator) -> IndicatorValueQuerySet:
        return self.filter(indicator=indicator)

    def counted_for(self, user) -> IndicatorValueQuerySet:
        """Values that count for `user` (deliverables.indicators.rules.counted_value_q)."""
        from deliverables.indicators.rules import counted_value_q

        return self.filter(counted_value_q(user))

    def readable_by(self, user) -> IndicatorValueQuerySet:
        """Values whose figure and text `user` may read (rules.readable_value_q)."""
        from deliverables.indicators.rules import readable_value_q

        return self.filter(readable_value_q(user))

    def chronological(self) -> IndicatorValueQuerySet:
        return self.order_by("year", "point")


class IndicatorValue(models.Model):
    """One indicator's value for one point (a month, quarter or year), with the same workflow
    as an action's quarterly update: draft, submitted, returned, approved; never overwritten
    in history."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    year = models.PositiveSmallIntegerField(help_text="First calendar year of the financial year.")
    point = models.PositiveSmallIntegerField(help_text="Month 1-12 (April = 1), quarter 1-4, or 1.")
    # The plan's quarter the point falls in, when the plan has it (older history imported from
    # a spreadsheet may predate the plan's quarters). Its state locks the value.
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_values",
    )
    value = models.DecimalField(null=True, blank=True, **AMOUNT)
    numerator = models.DecimalField(null=True, blank=True, **AMOUNT)
    denominator = models.DecimalField(null=True, blank=True, **AMOUNT)
    forecast = models.DecimalField("year-end forecast", null=True, blank=True, **AMOUNT)
    commentary = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=UpdateState.choices, default="draft")
    source = models.CharField(max_length=10, choices=UpdateSource.choices, default="entered")
    version = models.PositiveIntegerField(default=1)
    return_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = IndicatorValueQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "-year", "-point"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "point"], name="one_indicator_value_per_point"
            ),
            models.CheckConstraint(
                condition=Q(point__gte=1, point__lte=12), name="indicator_value_point_1_to_12"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="indicator_value_version_positive"
            ),
            # A submitted or approved value always has its figure.
            models.CheckConstraint(
                condition=Q(state__in=["draft", "returned"]) | Q(value__isnull=False),
                name="indicator_value_when_submitted",
            ),
        ]
        indexes = [
            models.Index(fields=["indicator", "state", "year", "point"], name="indicator_value_idx")
        ]

    def __str__(self) -> str:
        return (
            f"{self.indicator.code} {point_label(self.indicator.frequency, self.year, self.point)}"
        )


class Comparator(models.Model):
    """Another area's value for the same measure and point, as a benchmarking service publishes
    it: the national or regional figure, a nearest-neighbour average, or a named council."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="comparators")
    kind = models.CharField(max_length=12, choices=ComparatorKind.choices)
    area = models.CharField(max_length=150, help_text="England, West Midlands, Dudley ...")
    year = models.PositiveSmallIntegerField()
    point = models.PositiveSmallIntegerField()
    value = models.DecimalField(**AMOUNT)
    source = models.CharField(max_length=200, blank=True, help_text="The file it came from.")
    # Comparators decide quartiles: who loaded or changed which, and when, is kept.
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year", "point", "kind", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "year", "point"], name="one_comparator_per_point"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.value}"
