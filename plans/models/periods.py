"""A plan's reporting periods: its quarters, or a monthly plan's months."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from plans.choices import PeriodState
from plans.periods import (
    month_calendar,
    month_code,
    month_label,
    parse_any_period,
    period_code,
    sort_key,
)

if TYPE_CHECKING:
    from plans.models import Plan


class ReportingPeriodQuerySet(models.QuerySet):
    def for_plan(self, plan: Plan) -> ReportingPeriodQuerySet:
        return self.filter(plan=plan)

    def chronological(self) -> ReportingPeriodQuerySet:
        return self.order_by("year", "quarter", "month")

    def newest_first(self) -> ReportingPeriodQuerySet:
        return self.order_by("-year", "-quarter", "-month")

    def up_to(self, period: ReportingPeriod) -> ReportingPeriodQuerySet:
        """The periods up to and including `period`."""
        return self.filter(period_compare_q("", period, "lte"))

    def open(self) -> ReportingPeriodQuerySet:
        return self.filter(state=PeriodState.OPEN)

    def by_code(self, code: str) -> ReportingPeriodQuerySet:
        """The quarter written 2023-24-Q3 or the month written 2022-05, or nothing if the code
        is neither."""
        try:
            year, quarter, month = parse_any_period(code)
        except ValueError:
            return self.none()
        return self.filter(year=year, quarter=quarter, month=month)


def period_compare_q(field: str, period: ReportingPeriod, op: str) -> Q:
    """The period at `field` ("" for the period itself, "reported_from" for a relation) is
    before ("lt"), at or before ("lte"), at or after ("gte") or after ("gt") `period`.

    The one comparison of periods in SQL, for quarters and months alike: the year, then the
    quarter, then the month within the quarter (0 for a quarter's own period)."""
    prefix = f"{field}__" if field else ""
    strict = {"lt": "lt", "lte": "lt", "gte": "gt", "gt": "gt"}[op]
    return (
        Q(**{f"{prefix}year__{strict}": period.year})
        | Q(**{f"{prefix}year": period.year, f"{prefix}quarter__{strict}": period.quarter})
        | Q(
            **{
                f"{prefix}year": period.year,
                f"{prefix}quarter": period.quarter,
                f"{prefix}month__{op}": period.month,
            }
        )
    )


def period_sort_key_expression(field: str = "") -> models.Expression:
    """ReportingPeriod.sort_key computed by the database, from a relation's name."""
    prefix = f"{field}__" if field else ""
    return (
        models.F(f"{prefix}year") * 16
        + models.F(f"{prefix}quarter") * 4
        + models.F(f"{prefix}month")
    )


class ReportingPeriod(models.Model):
    """One quarter of a plan's UK financial year (Q1 Apr-Jun ... Q4 Jan-Mar), or one month of a
    monthly plan's year. A month keeps its quarter and its place in it (1 to 3), so periods of
    both kinds order the same way; a quarter's `month` is 0."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="periods")
    year = models.PositiveSmallIntegerField(help_text="First calendar year of the financial year.")
    quarter = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(
        default=0, help_text="0 for a quarter; 1 to 3 for a month, its place in the quarter."
    )
    opens_on = models.DateField(null=True, blank=True, help_text="Updates may be entered from.")
    due_on = models.DateField(null=True, blank=True, help_text="Deadline for officers.")
    closes_on = models.DateField(null=True, blank=True, help_text="Planned close date.")
    state = models.CharField(max_length=10, choices=PeriodState.choices, default="upcoming")

    objects = ReportingPeriodQuerySet.as_manager()
    # Opening, extending, closing and reopening are recorded with who, when and why.
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-year", "-quarter", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "quarter", "month"], name="period_unique"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="period_quarter_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=0, month__lte=3), name="period_month_0_to_3"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_month(self) -> bool:
        return bool(self.month)

    @property
    def word(self) -> str:
        """ "month" or "quarter", as sentences about this period say it."""
        return "month" if self.month else "quarter"

    @property
    def code(self) -> str:
        """As written in URLs and stored: 2023-24-Q3, or 2022-05 for a month."""
        if self.month:
            return month_code(self.year, self.quarter, self.month)
        return period_code(self.year, self.quarter)

    @property
    def label(self) -> str:
        """As written on screen: Q3 2023/24, or May 2022 for a month."""
        if self.month:
            return month_label(self.year, self.quarter, self.month)
        return f"Q{self.quarter} {self.year}/{(self.year + 1) % 100:02d}"

    @property
    def starts(self) -> dt.date:
        if self.month:
            return dt.date(*month_calendar(self.year, self.quarter, self.month), 1)
        month = 4 + 3 * (self.quarter - 1)
        return dt.date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def ends(self) -> dt.date:
        start = self.starts
        length = 1 if self.month else 3
        next_month = start.month + length
        next_start = dt.date(start.year + (next_month > 12), (next_month - 1) % 12 + 1, 1)
        return next_start - dt.timedelta(days=1)

    @property
    def sort_key(self) -> int:
        return sort_key(self.year, self.quarter, self.month)

    @property
    def is_open(self) -> bool:
        return self.state == PeriodState.OPEN

    @property
    def is_locked(self) -> bool:
        """Closed and published quarters take no edits except through an audited reopen."""
        return self.state in {PeriodState.CLOSED, PeriodState.PUBLISHED}

    def clean(self) -> None:
        if self.opens_on and self.due_on and self.due_on < self.opens_on:
            raise ValidationError(
                {"due_on": f"The deadline cannot be before the {self.word} opens."}
            )
        # A quarterly plan has quarters and a monthly one months (the admin's form and its file
        # import check it here; the months page through period_create).
        if self.plan_id and bool(self.month) != self.plan.is_monthly:
            word = self.plan.period_word
            raise ValidationError(f"{self.plan} reports by {word}: add a {word}.")

    def previous(self) -> ReportingPeriod | None:
        """The plan's quarter before this one, if it has one."""
        return (
            ReportingPeriod.objects.filter(plan_id=self.plan_id)
            .filter(period_compare_q("", self, "lt"))
            .newest_first()
            .first()
        )

    def days_left(self, today: dt.date) -> int | None:
        """Days until the deadline (negative once it has passed), or None with no deadline."""
        return (self.due_on - today).days if self.due_on else None
