"""What may change in an indicator's definition once it has values, written once for every door
(the admin, the history import): a closed quarter's figures were rated and reported against the
definition and targets of the time, and must read the same later.

- How its values are read (plan, frequency, cumulative, unit) is fixed once it has any value:
  changing them would re-read every stored value (a quarter's 97.9% would become June's).
- How they are rated (polarity, tolerance, decimals) is fixed once a value sits in a closed
  quarter.
- A year's targets are fixed once any quarter of that year is closed: a point's own target can
  still be set for the months or quarters still open, and wins over the annual target.
"""

from __future__ import annotations

from deliverables.indicators import points as pts
from deliverables.models import Indicator
from plans.models import PeriodState, ReportingPeriod

READ = ["plan", "frequency", "cumulative", "unit"]
RATED = ["polarity", "tolerance_kind", "tolerance", "decimals"]
LOCKED_STATES = [PeriodState.CLOSED, PeriodState.PUBLISHED]


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


def closed_quarter_of_year(indicator: Indicator, year: int) -> ReportingPeriod | None:
    """The first closed (or published) quarter of the plan in financial year `year`."""
    return (
        ReportingPeriod.objects.filter(
            plan_id=indicator.plan_id, year=year, state__in=LOCKED_STATES
        )
        .order_by("quarter")
        .first()
    )


def target_change_problem(indicator: Indicator, year: int, point: int) -> str | None:
    """Why a target of `year` (point 0: the annual target) may not be set, changed or removed;
    None when it may. A point's own target is refused only when that point's quarter is closed.
    """
    closed = closed_quarter_of_year(indicator, year)
    if closed is None:
        return None
    if point:
        quarter = pts.quarter_of(indicator.frequency, point)
        own = ReportingPeriod.objects.filter(
            plan_id=indicator.plan_id, year=year, quarter=quarter, state__in=LOCKED_STATES
        ).exists()
        if not own:
            return None
        label = pts.point_label(indicator.frequency, year, point)
        return (
            f"{label} is in a closed quarter: its values were rated against this target, so it "
            "cannot change."
        )
    return (
        f"{closed.label} is closed, so the {pts.year_label(year)} annual target its values were "
        "rated against cannot change. Set a target for the months or quarters still open "
        "instead: a point's own target wins over the annual one."
    )
