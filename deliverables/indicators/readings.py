"""Each indicator's figure for a quarter, for one reader: the one place the list, its CSV and
Excel files, the indicator and outcome pages, the dashboard and the exception report get an
indicator's value, target, RAG, rule and direction from.

A quarter's figure is read from the point points.point_for_quarter names (a monthly indicator's
last month of the quarter, an annual one's year). Only a value that counts for the reader
(rules.counted_value_q) is a figure; a submitted value the reader may not see is "awaiting
approval"; nothing is "not yet entered" in an open quarter and "missing" once it is closed,
never zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.db.models import BooleanField, Case, Prefetch, Value, When

from deliverables.indicators import points as pts
from deliverables.indicators import rag
from deliverables.indicators.rules import counted_value_q
from deliverables.models.indicators import Comparator, Indicator, IndicatorTarget, IndicatorValue
from plans.models import Plan, ReportingPeriod

NOT_YET, MISSING, AWAITING = "Not yet entered", "Missing", "Awaiting approval"


@dataclass
class Reading:
    """One indicator's figure for a quarter, as one reader may see it."""

    indicator: Indicator
    year: int
    point: int
    value: Decimal | None = None
    commentary: str = ""
    state: str | None = None
    awaiting: bool = False
    target: Decimal | None = None
    rag: str = rag.MISSING
    rule: str = ""
    previous: Decimal | None = None
    last_year: Decimal | None = None
    # What the direction since the previous period compared: the figures, or for a cumulative
    # indicator what each period added to the year to date.
    compared_now: Decimal | None = None
    compared_before: Decimal | None = None
    direction: str | None = None
    direction_year: str | None = None
    comparators: list = field(default_factory=list)
    quartile: int | None = None
    locked: bool = False

    @property
    def label(self) -> str:
        return pts.point_label(self.indicator.frequency, self.year, self.point)

    @property
    def code(self) -> str:
        return pts.point_code(self.indicator.frequency, self.year, self.point)

    def _fmt(self, number: Decimal | None) -> str:
        return rag.fmt(number, self.indicator.decimals, self.indicator.unit)

    @property
    def value_text(self) -> str:
        """The figure, or why there is none: never a zero standing in for a missing value."""
        if self.value is not None:
            return self._fmt(self.value)
        if self.awaiting:
            return AWAITING
        return MISSING if self.locked else NOT_YET

    @property
    def target_text(self) -> str:
        return self._fmt(self.target)

    @property
    def previous_text(self) -> str:
        return self._fmt(self.previous)

    @property
    def last_year_text(self) -> str:
        return self._fmt(self.last_year)

    @property
    def compares_amounts(self) -> bool:
        """A cumulative indicator's direction compares what each period added."""
        return self.indicator.cumulative and pts.points_in_year(self.indicator.frequency) > 1

    @property
    def compared_now_text(self) -> str:
        return self._fmt(self.compared_now)

    @property
    def compared_before_text(self) -> str:
        return self._fmt(self.compared_before)

    @property
    def comparator_texts(self) -> list[tuple[Comparator, str]]:
        """Each comparator with its figure written in the indicator's unit."""
        return [(c, self._fmt(c.value)) for c in self.comparators]

    @property
    def rag_label(self) -> str:
        return rag.RAG_LABELS[self.rag]

    @property
    def direction_label(self) -> str:
        return rag.DIRECTION_LABELS[self.direction]

    @property
    def direction_year_label(self) -> str:
        return rag.DIRECTION_LABELS[self.direction_year]

    @property
    def is_off_target(self) -> bool:
        return self.rag == rag.RED


def figures(
    indicator: Indicator,
    values: dict[tuple[int, int], Decimal],
    annual: dict[int, Decimal],
    profile: dict[int, dict[int, Decimal]],
    year: int,
    point: int,
) -> dict:
    """The pure part of a reading: target, RAG, rule and both directions of one point, from
    the counted values by (year, point), the annual targets by year and the profiles by year.
    """
    frequency, polarity = indicator.frequency, indicator.polarity
    n = pts.points_in_year(frequency)
    value = values.get((year, point))
    target = rag.target_for(annual.get(year), profile.get(year, {}), point, n, indicator.cumulative)
    prev_year, prev_point = pts.previous_point(frequency, year, point)
    previous = values.get((prev_year, prev_point))
    last_year = values.get(pts.same_point_last_year(year, point))
    # Figures are rated and compared as they are shown (to the indicator's decimals), so a
    # page never says "95.0%, within tolerance" beside "green at 95.0% or more".
    shown = partial(rag.as_shown, decimals=indicator.decimals)
    if indicator.cumulative and n > 1:
        now_compared = _own(values, frequency, year, point)
        before_compared = _own(values, frequency, prev_year, prev_point)
    else:
        now_compared, before_compared = value, previous
    return {
        "value": value,
        "target": target,
        "rag": rag.rag_of(
            shown(value), shown(target), polarity, indicator.tolerance_kind, indicator.tolerance
        ),
        "rule": rag.rule_text(
            target,
            polarity,
            indicator.tolerance_kind,
            indicator.tolerance,
            indicator.decimals,
            indicator.unit,
        ),
        "previous": previous,
        "last_year": last_year,
        "compared_now": now_compared,
        "compared_before": before_compared,
        "direction": rag.direction(shown(now_compared), shown(before_compared), polarity),
        "direction_year": rag.direction(shown(value), shown(last_year), polarity),
    }


def _needed(frequency: str, year: int, point: int) -> set[tuple[int, int]]:
    """The (year, point)s figures() reads for a point: itself, the point before, the same
    point last year, and for a cumulative indicator the point before each of the first two."""
    previous = pts.previous_point(frequency, year, point)
    keys = {(year, point), previous, pts.same_point_last_year(year, point)}
    keys |= {(y, p - 1) for y, p in ((year, point), previous) if p > 1}
    return keys


def _own(values, frequency: str, year: int, point: int) -> Decimal | None:
    earlier = values.get((year, point - 1)) if point > 1 else None
    return rag.own_amount(values.get((year, point)), earlier, point == 1)


def _targets(indicators: list[Indicator], years: set[int]):
    annual: dict[int, dict[int, Decimal]] = defaultdict(dict)
    profile: dict[int, dict[int, dict[int, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    rows = IndicatorTarget.objects.filter(
        indicator__in=[i.pk for i in indicators], year__in=years
    ).values_list("indicator_id", "year", "point", "value")
    for indicator_id, year, point, value in rows:
        if point == 0:
            annual[indicator_id][year] = value
        else:
            profile[indicator_id][year][point] = value
    return annual, profile


def quarter_readings(
    plan: Plan,
    period: ReportingPeriod,
    user,
    indicators: list[Indicator] | None = None,
) -> list[Reading]:
    """Each active indicator of the plan (or of `indicators`) read for `period`, for `user`."""
    if indicators is None:
        indicators = list(
            Indicator.objects.for_plan(plan)
            .active()
            .select_related("owner", "directorate")
            .order_by("order", "code")
        )
    if not indicators:
        return []
    asked = {
        i.pk: pts.point_for_quarter(i.frequency, period.year, period.quarter) for i in indicators
    }
    # Only the points a reading compares are fetched, not three years of every month: at a
    # county's 500 indicators that is a few thousand rows instead of tens of thousands.
    needed = set().union(*(_needed(i.frequency, *asked[i.pk]) for i in indicators))
    years = {year for year, _ in needed}
    rows = (
        IndicatorValue.objects.filter(
            indicator__in=[i.pk for i in indicators],
            year__in=years,
            point__in={point for _, point in needed},
        )
        .filter(state__in=["approved", "submitted"])
        .annotate(
            counted=Case(
                When(counted_value_q(user), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values_list("indicator_id", "year", "point", "value", "commentary", "state", "counted")
    )
    counted: dict[int, dict[tuple[int, int], Decimal]] = defaultdict(dict)
    texts: dict[tuple[int, int, int], tuple[str, str]] = {}
    awaiting: set[tuple[int, int, int]] = set()
    for indicator_id, year, point, value, commentary, state, is_counted in rows:
        if is_counted:
            counted[indicator_id][(year, point)] = value
            texts[(indicator_id, year, point)] = (commentary, state)
        else:
            awaiting.add((indicator_id, year, point))
    annual, profile = _targets(indicators, years)
    # The few (year, point)s asked, not one condition per indicator ORed together: that costs
    # more to build than to run at county size, and SQLite refuses an expression over 1,000
    # deep.
    comparators = defaultdict(list)
    for comparator in Comparator.objects.filter(
        indicator__in=list(asked),
        year__in={year for year, _ in asked.values()},
        point__in={point for _, point in asked.values()},
    ).order_by("kind", "area"):
        if asked[comparator.indicator_id] == (comparator.year, comparator.point):
            comparators[comparator.indicator_id].append(comparator)
    known = {(period.year, period.quarter): period.is_locked}
    readings = []
    for indicator in indicators:
        year, point = asked[indicator.pk]
        found = figures(
            indicator,
            counted[indicator.pk],
            annual[indicator.pk],
            profile[indicator.pk],
            year,
            point,
        )
        commentary, state = texts.get((indicator.pk, year, point), ("", None))
        mine = comparators[indicator.pk]
        councils = [c.value for c in mine if c.kind == "council"]
        readings.append(
            Reading(
                indicator=indicator,
                year=year,
                point=point,
                commentary=commentary,
                state=state,
                awaiting=(indicator.pk, year, point) in awaiting,
                comparators=mine,
                quartile=rag.quartile(found["value"], councils, indicator.polarity),
                locked=missing_for_good(indicator.frequency, year, point, known),
                **found,
            )
        )
    return readings


def missing_for_good(
    frequency: str, year: int, point: int, locked: dict[tuple[int, int], bool]
) -> bool:
    """Whether a point with no figure is "Missing" (its quarter is closed or published) rather
    than "Not yet entered" (open or upcoming). `locked`: the states known, by (year, quarter);
    a point whose quarter is not among them is long past (an annual figure read before Q4 is
    last year's; history older than the plan's quarters has none)."""
    return locked.get((year, pts.quarter_of(frequency, point)), True)


def rag_counts(readings: list[Reading]) -> dict[str, int]:
    """How many readings are green, amber, red, grey and missing, in that order."""
    counts = dict.fromkeys([rag.GREEN, rag.AMBER, rag.RED, rag.GREY, rag.MISSING], 0)
    for reading in readings:
        counts[reading.rag] += 1
    return counts


def indicators_with_links(plan: Plan):
    """The plan's active indicators with what they evidence, for pages that group them."""
    return (
        Indicator.objects.for_plan(plan)
        .active()
        .select_related("owner", "directorate")
        .prefetch_related(
            Prefetch("outcomes"),
            Prefetch("deliverables"),
            Prefetch("actions"),
        )
        .order_by("order", "code")
    )


def point_figures(indicator: Indicator, year: int, points: list[int], user) -> dict[int, dict]:
    """figures() of some points of one indicator's year, as they count for `user`: what the
    entry page shows beside each point (its target, rule, and the point before it)."""
    rows = (
        IndicatorValue.objects.for_indicator(indicator)
        .filter(year__in=[year - 1, year])
        .counted_for(user)
        .values_list("year", "point", "value")
    )
    values = {(y, p): v for y, p, v in rows}
    annual, profile = _targets([indicator], {year - 1, year})
    return {
        point: figures(indicator, values, annual[indicator.pk], profile[indicator.pk], year, point)
        for point in points
    }


def rate_values(values: list[IndicatorValue]) -> None:
    """Give each value (its indicator loaded) the target, RAG and rule of its own figure, in
    one query whatever the number: for pages that list values in the workflow (an approver's
    queue, the entry page's saved state), where a draft or submitted figure is rated as if it
    counted."""
    indicators = {v.indicator_id: v.indicator for v in values}
    annual, profile = _targets(list(indicators.values()), {v.year for v in values})
    for item in values:
        indicator = item.indicator
        found = figures(
            indicator,
            {(item.year, item.point): item.value},
            annual[indicator.pk],
            profile[indicator.pk],
            item.year,
            item.point,
        )
        item.target, item.rag, item.rule = found["target"], found["rag"], found["rule"]
        item.rag_label = rag.RAG_LABELS[item.rag]
        item.value_text = rag.fmt(item.value, indicator.decimals, indicator.unit)
        item.label = pts.point_label(indicator.frequency, item.year, item.point)
