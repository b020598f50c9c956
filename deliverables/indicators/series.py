"""An indicator's whole history, point by point, for one reader: the figures its page charts and
tabulates. Each point is a readings.Reading (the same figure, target, RAG, rule and directions
as the list and the reports give for that point, from readings.figures) with the value record
the reader may read beside it: the owner, the directorate's approvers and the performance team
see drafts, returned and submitted values; everyone else approved ones only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Case, Value, When

from deliverables.indicators import points as pts
from deliverables.indicators import rag
from deliverables.indicators.readings import Reading, figures, missing_for_good
from deliverables.indicators.rules import counted_value_q, readable_value_q
from deliverables.models.indicators import Comparator, Indicator, IndicatorTarget, IndicatorValue
from plans.models import ReportingPeriod


@dataclass
class SeriesPoint(Reading):
    """A point's reading, with the value record the reader may read (None when there is none
    or it is not theirs to read)."""

    record: IndicatorValue | None = None

    @property
    def not_counted(self) -> bool:
        """A draft or returned value the reader may read but that counts for no one yet."""
        return self.record is not None and self.value is None and not self.awaiting

    @property
    def record_text(self) -> str:
        """The readable record's own figure (a draft's too), in the indicator's unit."""
        return self._fmt(self.record.value) if self.record else ""


def _flag(condition) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _following(frequency: str, year: int, point: int) -> tuple[int, int]:
    if point < pts.points_in_year(frequency):
        return year, point + 1
    return year + 1, 1


def indicator_series(
    indicator: Indicator, user, until: ReportingPeriod | None = None
) -> list[SeriesPoint]:
    """Every point from the indicator's first value or comparator to its last (or to the point
    `until`'s quarter reads, when later), oldest first. Four queries whatever its length."""
    records = (
        IndicatorValue.objects.for_indicator(indicator)
        .annotate(
            counted=_flag(counted_value_q(user)),
            readable=_flag(readable_value_q(user)),
        )
        .chronological()
    )
    counted: dict[tuple[int, int], Decimal] = {}
    readable: dict[tuple[int, int], IndicatorValue] = {}
    awaiting: set[tuple[int, int]] = set()
    for record in records:
        key = (record.year, record.point)
        if record.counted:
            counted[key] = record.value
        elif record.state == "submitted":
            awaiting.add(key)
        if record.readable:
            readable[key] = record
    comparators: dict[tuple[int, int], list[Comparator]] = defaultdict(list)
    for comparator in Comparator.objects.filter(indicator=indicator).order_by("kind", "area"):
        comparators[(comparator.year, comparator.point)].append(comparator)
    keys = set(counted) | set(readable) | awaiting | set(comparators)
    if until is not None:
        keys.add(pts.point_for_quarter(indicator.frequency, until.year, until.quarter))
    if not keys:
        return []
    annual: dict[int, Decimal] = {}
    profile: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for year, point, value in IndicatorTarget.objects.filter(indicator=indicator).values_list(
        "year", "point", "value"
    ):
        if point == 0:
            annual[year] = value
        else:
            profile[year][point] = value
    locked = {
        (p.year, p.quarter): p.is_locked
        for p in ReportingPeriod.objects.filter(plan_id=indicator.plan_id)
    }
    series = []
    key, last = min(keys), max(keys)
    while key <= last:
        year, point = key
        mine = comparators.get(key, [])
        found = figures(indicator, counted, annual, profile, year, point)
        record = readable.get(key)
        series.append(
            SeriesPoint(
                indicator=indicator,
                year=year,
                point=point,
                commentary=record.commentary if record else "",
                state=record.state if record else None,
                awaiting=key in awaiting,
                comparators=mine,
                quartile=rag.quartile(
                    found["value"],
                    [c.value for c in mine if c.kind == "council"],
                    indicator.polarity,
                ),
                locked=missing_for_good(indicator.frequency, year, point, locked),
                record=record,
                **found,
            )
        )
        key = _following(indicator.frequency, year, point)
    return series
