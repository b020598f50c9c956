"""The bench's indicator entries: the readings every indicator page is built from, the
indicator list and an indicator page, each against the bare SQL that fetches the same values.

The pages are named `deliverables:indicators` and `deliverables:indicator`; on a branch where
they do not exist yet the bench says so and times the readings alone.
"""

from __future__ import annotations

import statistics

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliverables.indicators.readings import quarter_readings
from deliverables.models import Indicator

COUNTED = ("approved", "submitted")


def indicator_results(command, client, plan, period, repeat: int, readers) -> list:
    """Timed for the performance team (`client` is signed in as them) and, for the readings,
    each reader too: what counts depends on who reads."""
    from devtools.management.commands.bench import Result, p95, sql, timed

    indicators = Indicator.objects.filter(plan=plan, is_active=True)
    if not indicators.exists():
        command.stderr.write("  indicators: none in this plan (generate_demo_data --indicators)")
        return []
    floor = _quarter_floor(sql, plan, period)
    results = []
    for reader, user in [("performance", command.performance_user()), *readers]:
        command.stderr.write(f"  indicator readings, {reader}…")

        def read(user=user) -> None:
            # The reader's scope is kept on the user for one request: each run is a request.
            user.__dict__.pop("_work_scope", None)
            quarter_readings(plan, period, user)

        times = timed(read, repeat)
        with CaptureQueriesContext(connection) as queries:
            read()
        floor_times = timed(floor, repeat)
        median, floor_median = statistics.median(times), statistics.median(floor_times)
        results.append(
            Result(
                f"indicator readings, {reader}", median, p95(times), len(queries),
                floor_median, median / floor_median if floor_median else 0.0,
                f"{indicators.count():,} indicators; quarter_readings, no page",
            )
        )  # fmt: skip
    return results + _pages(command, client, plan, period, repeat, sql, floor)


def _quarter_floor(sql, plan, period):
    """The least a quarter's readings could cost: the values of the points the quarter is read
    from (a month, a quarter or a year; last year's too, to compare) and the year's targets."""
    years = [period.year - 1, period.year]
    points = [3 * period.quarter, period.quarter, 1]
    values = sql(
        "SELECT v.indicator_id, v.year, v.point, v.value, v.state "
        "FROM deliverables_indicatorvalue v JOIN deliverables_indicator i "
        "ON i.id = v.indicator_id WHERE i.plan_id = %s AND i.is_active "
        "AND v.year IN (%s, %s) AND v.point IN (%s, %s, %s) AND v.state IN (%s, %s)",
        [plan.pk, *years, *points, *COUNTED],
    )
    targets = sql(
        "SELECT t.indicator_id, t.year, t.point, t.value FROM deliverables_indicatortarget t "
        "JOIN deliverables_indicator i ON i.id = t.indicator_id "
        "WHERE i.plan_id = %s AND t.year IN (%s, %s)",
        [plan.pk, *years],
    )

    def floor() -> None:
        values()
        targets()

    return floor


def _pages(command, client, plan, period, repeat, sql, list_floor) -> list:
    indicator = (
        Indicator.objects.filter(plan=plan, is_active=True)
        .annotate(n=Count("values"))
        .order_by("-n", "pk")
        .first()
    )
    listing = reverse("deliverables:indicators", args=[plan.slug])
    page = reverse("deliverables:indicator", args=[plan.slug, indicator.code])
    history = sql(
        "SELECT v.year, v.point, v.value, v.state FROM deliverables_indicatorvalue v "
        "WHERE v.indicator_id = %s ORDER BY v.year, v.point",
        [indicator.pk],
    )
    targets = sql(
        "SELECT year, point, value FROM deliverables_indicatortarget WHERE indicator_id = %s",
        [indicator.pk],
    )
    comparators = sql(
        "SELECT kind, area, year, point, value FROM deliverables_comparator "
        "WHERE indicator_id = %s",
        [indicator.pk],
    )

    def page_floor() -> None:
        history()
        targets()
        comparators()

    return [
        command.page(
            client, "indicator list", f"{listing}?period={period.code}", repeat, list_floor
        ),
        command.page(
            client, "indicator page", page, repeat, page_floor,
            note=f"{indicator.code}: {indicator.values.count():,} values",
        ),
    ]  # fmt: skip
