"""Synthetic indicators for generate_demo_data: a county's measures with years of history.

Mixed as a council's are: percentages, counts, money, days and rates; higher or lower is
better, or monitoring only; most monthly, some quarterly, a few annual; counts often
cumulative within the year. Each rated indicator has an annual target per year (some with a
seasonal profile) and a tolerance; some have national and regional comparators, a few also
five named councils (enough for a quartile). Values wander around the target the way a
service's figures do. Every quarter's values are approved except the plan's open quarter,
where some are drafts, some submitted and some not in yet. Rows are bulk inserted; history
rows are not generated (as for the actions' updates).
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.utils import timezone

from deliverables.indicators.points import points_in_year, quarter_of
from deliverables.models import (
    Comparator,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    UpdateSource,
    UpdateState,
)

BATCH = 5_000
# unit, decimals, typical level low/high, title
_KINDS = [
    ("percent", 1, 40, 98, "% of {} completed on time"),
    ("number", 0, 50, 4_000, "Number of {}"),
    ("pounds", 0, 20_000, 900_000, "Spend on {}"),
    ("days", 1, 5, 60, "Average days to complete {}"),
    ("rate1000", 1, 2, 60, "Rate of {} per 1,000 residents"),
]
_SUBJECTS = [
    "new birth visits", "health checks", "housing repairs", "planning applications",
    "missed bin collections", "fly-tips cleared", "school admissions", "care assessments",
    "benefit claims", "complaints answered", "licences issued", "street lights repaired",
    "library visits", "adoptions", "homeless preventions", "potholes repaired",
]  # fmt: skip
_COUNCILS = ["Dudley", "Walsall", "Wolverhampton", "Birmingham", "Coventry"]


def _frequency(rng: random.Random) -> str:
    return rng.choices(["monthly", "quarterly", "annual"], weights=[80, 15, 5])[0]


def _polarity(rng: random.Random, unit: str) -> str:
    if rng.random() < 0.15:
        return "monitor"
    # Days to do something and most rates are better lower.
    lower = unit in ("days", "rate1000") or rng.random() < 0.15
    return "lower" if lower else "higher"


def _amount(number: float, decimals: int) -> Decimal:
    return Decimal(str(round(number, decimals)))


def make_indicators(
    plan, count: int, years: int, last_year: int, people, periods, rng
) -> dict[str, int]:
    """`count` indicators on `plan` with `years` financial years of values to `last_year`.
    `people`: (officers, directorates, actions) as generate_demo_data made them, where
    officer k belongs to directorate k mod 9 and leads action k: each indicator is owned by an
    officer, in their directorate, evidencing an action they lead."""
    indicators = _definitions(plan, count, people, rng)
    history = _History(periods, rng)
    counts = {"indicators": len(indicators), "values": 0}
    for indicator in indicators:
        history.add(indicator, range(last_year - years + 1, last_year + 1))
        if len(history.values) >= BATCH:
            counts["values"] += len(IndicatorValue.objects.bulk_create(history.values))
            history.values = []
    counts["values"] += len(IndicatorValue.objects.bulk_create(history.values, batch_size=BATCH))
    counts["targets"] = len(IndicatorTarget.objects.bulk_create(history.targets, batch_size=BATCH))
    counts["comparators"] = len(
        Comparator.objects.bulk_create(history.comparators, batch_size=BATCH)
    )
    Indicator.objects.bulk_update(indicators, ["tolerance"], batch_size=BATCH)
    return counts


def _definitions(plan, count: int, people, rng: random.Random) -> list[Indicator]:
    officers, directorates, actions = people
    indicators = []
    for index in range(count):
        unit, decimals, *_, title = rng.choice(_KINDS)
        slot = index % len(officers)
        frequency = _frequency(rng)
        indicators.append(
            Indicator(
                plan=plan,
                code=f"KPI{index + 1:04d}",
                title=title.format(rng.choice(_SUBJECTS)),
                description="Synthetic indicator made by generate_demo_data.",
                unit=unit,
                decimals=decimals,
                polarity=_polarity(rng, unit),
                frequency=frequency,
                cumulative=unit in ("number", "pounds") and frequency != "annual"
                and rng.random() < 0.5,
                owner=officers[slot],
                directorate=directorates[slot % len(directorates)],
                tolerance_kind=rng.choice(["percent", "absolute"]),
                order=index,
            )
        )  # fmt: skip
    indicators = Indicator.objects.bulk_create(indicators, batch_size=BATCH)
    Indicator.actions.through.objects.bulk_create(
        [
            Indicator.actions.through(
                indicator_id=i.pk, action_id=actions[n % len(officers) % len(actions)].pk
            )
            for n, i in enumerate(indicators)
        ],
        batch_size=BATCH,
    )
    return indicators


class _History:
    """Targets, values and comparators of one indicator after another, to bulk insert."""

    def __init__(self, periods, rng: random.Random) -> None:
        self.rng = rng
        self.by_quarter = {(p.year, p.quarter): p for p in periods}
        self.open_period = next((p for p in periods if p.state == "open"), None)
        self.now = timezone.now()
        self.targets: list[IndicatorTarget] = []
        self.values: list[IndicatorValue] = []
        self.comparators: list[Comparator] = []

    def add(self, indicator: Indicator, years: range) -> None:
        rng = self.rng
        kind = next(k for k in _KINDS if k[0] == indicator.unit)
        level = rng.uniform(kind[2], kind[3])
        n = points_in_year(indicator.frequency)
        # A cumulative indicator's level is what each point adds; its target is the year's sum.
        annual = level * n if indicator.cumulative else level
        tolerance = rng.choice([0, 2, 5, 10])
        indicator.tolerance = (
            Decimal(tolerance)
            if indicator.tolerance_kind == "percent"
            else _amount(annual * tolerance / 100, indicator.decimals)
        )
        drift = rng.uniform(-0.03, 0.03)
        areas = []
        if rng.random() < 0.25:
            areas = [("national", "England"), ("regional", "West Midlands")]
            if rng.random() < 0.25:  # enough councils for a quartile
                areas += [("council", c) for c in _COUNCILS]
        for year in years:
            if indicator.polarity != "monitor":
                self.add_targets(indicator, year, level, annual, n)
            running = 0.0
            for point in range(1, n + 1):
                level = max(0.0, level * (1 + drift + rng.gauss(0, 0.04)))
                if indicator.unit == "percent":
                    level = min(level, 100.0)
                running = running + level if indicator.cumulative else level
                self.add_value(indicator, year, point, running)
                if n == 1 or (point * 4) % n == 0:  # comparators at each quarter's end
                    self.add_comparators(indicator, year, point, running, areas)

    def add_targets(self, indicator, year: int, level: float, annual: float, n: int) -> None:
        def target(point: int, value: float) -> IndicatorTarget:
            amount = _amount(value, indicator.decimals)
            return IndicatorTarget(indicator=indicator, year=year, point=point, value=amount)

        self.targets.append(target(0, annual))
        if n > 1 and self.rng.random() < 0.1:  # a seasonal profile: a fifth more in winter
            running = 0.0
            for point in range(1, n + 1):
                share = level * (1.2 if point * 12 // n >= 9 else 1)
                running = running + share if indicator.cumulative else share
                self.targets.append(target(point, running))

    def add_value(self, indicator, year: int, point: int, figure: float) -> None:
        period = self.by_quarter.get((year, quarter_of(indicator.frequency, point)))
        state = UpdateState.APPROVED
        entered = period is not None and period == self.open_period
        if entered:
            state = self.rng.choice([None, "draft", "submitted", "submitted", "approved"])
            if state is None:
                return  # not in yet
        self.values.append(
            IndicatorValue(
                indicator=indicator,
                year=year,
                point=point,
                period=period,
                value=_amount(figure, indicator.decimals),
                state=state,
                source=UpdateSource.ENTERED if entered else UpdateSource.IMPORTED,
                updated_by_id=indicator.owner_id,
                submitted_at=self.now if state != "draft" else None,
                approved_at=self.now if state == "approved" else None,
            )
        )

    def add_comparators(self, indicator, year: int, point: int, figure: float, areas) -> None:
        self.comparators += [
            Comparator(
                indicator=indicator,
                kind=kind,
                area=area,
                year=year,
                point=point,
                value=_amount(figure * self.rng.uniform(0.85, 1.15), indicator.decimals),
                source="generate_demo_data",
            )
            for kind, area in areas
        ]
