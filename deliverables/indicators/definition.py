"""What may change in an indicator's definition once it has values, written once for every door
(the admin, the history import): a closed quarter's figures were rated and reported against the
definition and targets of the time, and must read the same later.

- How its values are read (plan, frequency, cumulative, unit) is fixed once it has any value:
  changing them would re-read every stored value (a quarter's 97.9% would become June's).
- How they are rated (polarity, tolerance, decimals) is fixed once a value sits in a closed
  quarter.
- A year's annual target is fixed once a value it rated has been reported in a closed quarter
  of that year; a point's own target once that point's value has. Targets of points still
  open can be set, and a point's own target wins over the annual one.
- A closed quarter's comparators are fixed in the admin (they decided its quartiles).
"""

from __future__ import annotations

from collections.abc import Iterable

from deliverables.indicators import points as pts
from deliverables.models import Comparator, Indicator, IndicatorValue
from plans.models import PeriodState, Plan, ReportingPeriod

READ = ["plan", "frequency", "cumulative", "unit"]


def plan_problem(plan: Plan | None) -> str | None:
    """Why `plan` cannot hold indicators, or None. Indicators are read and rated by quarter
    (their points fall in a plan's quarters), so a monthly plan has none: the admin and the
    indicator imports refuse it with this message."""
    if plan is not None and plan.is_monthly:
        return (
            f"{plan.name} reports monthly, and indicators are reported by quarter: add the "
            "indicator to a quarterly plan instead."
        )
    return None


RATED = ["polarity", "tolerance_kind", "tolerance", "decimals"]
LOCKED_STATES = [PeriodState.CLOSED, PeriodState.PUBLISHED]
COUNTED = ["approved", "submitted"]


def fixed_fields(indicator: Indicator | None) -> list[str]:
    """The fields of `indicator` that may no longer change."""
    if indicator is None or indicator.pk is None:
        return []
    values = indicator.values.all()
    if not values.exists():
        return []
    if values.filter(period__state__in=LOCKED_STATES).exists():
        return READ + RATED
    return list(READ)


def rated_in_closed_quarters(
    indicator_ids: Iterable[int], years: Iterable[int]
) -> dict[tuple[int, int], ReportingPeriod]:
    """{(indicator id, year): the first closed quarter of that year in which the indicator has
    a value that counted (approved or submitted)}: the years whose targets have been reported
    against. One query, for one indicator or a whole file's."""
    rows = (
        IndicatorValue.objects.filter(
            indicator_id__in=list(indicator_ids),
            year__in=list(years),
            state__in=COUNTED,
            period__state__in=LOCKED_STATES,
        )
        .select_related("period")
        .order_by("period__quarter")
    )
    found: dict[tuple[int, int], ReportingPeriod] = {}
    for value in rows:
        found.setdefault((value.indicator_id, value.year), value.period)
    return found


def target_change_problem(indicator: Indicator, year: int, point: int) -> str | None:
    """Why a target of `year` (point 0: the annual target) may not be set, changed or removed
    in the admin; None when it may. Refused once a value it rated has been reported in a closed
    quarter: the annual target when any of the year's closed quarters has one, a point's own
    target when that point has one."""
    if indicator.pk is None:
        return None
    if point:
        reported = IndicatorValue.objects.filter(
            indicator=indicator,
            year=year,
            point=point,
            state__in=COUNTED,
            period__state__in=LOCKED_STATES,
        ).exists()
        if not reported:
            return None
        label = pts.point_label(indicator.frequency, year, point)
        return (
            f"{label} is in a closed quarter and its value was rated against this target, so "
            "it cannot change."
        )
    closed = rated_in_closed_quarters([indicator.pk], [year]).get((indicator.pk, year))
    if closed is None:
        return None
    return (
        f"{closed.label} is closed, so the {pts.year_label(year)} annual target its values were "
        "rated against cannot change. Set a target for the months or quarters still open "
        "instead: a point's own target wins over the annual one."
    )


def comparator_is_fixed(comparator: Comparator) -> bool:
    """A comparator of a closed quarter decided the quartile reported for it: the admin may
    read it but not change or remove it (a file load may, with its closed-quarter option)."""
    quarter = pts.quarter_of(comparator.indicator.frequency, comparator.point)
    return ReportingPeriod.objects.filter(
        plan_id=comparator.indicator.plan_id,
        year=comparator.year,
        quarter=quarter,
        state__in=LOCKED_STATES,
    ).exists()
