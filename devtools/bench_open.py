"""The bench's open doors: a public period page and an API list, at whatever size is loaded.

The period measured is made public for the measurement only (its plan's public pages on, the
period published), inside a transaction that is rolled back, so the bench leaves the database
as it found it. The public page is timed twice: built (its cache cleared before each run) and
from the cache. The API's list of actions is read with a viewer's token, 100 to a page.
"""

from __future__ import annotations

import statistics

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.models import ApiToken, hash_token, new_token
from plans.choices import PeriodState
from public.cache import clear_plan

COUNTED = ("approved",)


def open_results(command, plan, period, repeat: int, viewer, host: str) -> list:
    from devtools.management.commands.bench import Result, p95, sql, timed

    results = []
    with transaction.atomic():
        plan.public = True
        plan.save(update_fields=["public"])
        period.state = PeriodState.PUBLISHED
        period.save(update_fields=["state"])
        anonymous = Client(HTTP_HOST=host)
        page = reverse("public:period", args=[plan.slug, period.code])
        floor = sql(
            "SELECT p.outcome_id, u.status_id, COUNT(DISTINCT a.id) FROM deliverables_action a "
            "JOIN deliverables_quarterlyupdate u ON u.action_id = a.id AND u.period_id = %s "
            "AND u.state = %s JOIN deliverables_actionplacement p ON p.action_id = a.id "
            "GROUP BY p.outcome_id, u.status_id",
            [period.pk, *COUNTED],
        )

        def built() -> None:
            clear_plan(plan.pk)
            _get(anonymous, page)

        def cached() -> None:
            _get(anonymous, page)

        for name, work in [
            ("public period page, built", built),
            ("public period page, cached", cached),
        ]:
            command.stderr.write(f"  {name}…")
            results.append(_result(Result, name, work, floor, repeat, timed, p95, ""))

        token = new_token()
        ApiToken.objects.create(
            name="bench", user=viewer, key_hash=hash_token(token), key_prefix=token[:8]
        )
        api = Client(HTTP_HOST=host, headers={"authorization": f"Bearer {token}"})
        address = f"/api/actions?plan={plan.slug}&period={period.code}&limit=100"
        api_floor = sql(
            "SELECT a.id, a.ref, a.title, u.status_id, u.commentary FROM deliverables_action a "
            "LEFT JOIN deliverables_quarterlyupdate u ON u.action_id = a.id AND u.period_id = %s "
            "AND u.state = %s WHERE a.plan_id = %s ORDER BY a.ref_order NULLS LAST, a.id "
            "LIMIT 100",
            [period.pk, *COUNTED, plan.pk],
        )
        command.stderr.write("  API actions list…")
        results.append(
            _result(
                Result, "API actions, 100 a page", lambda: _get(api, address), api_floor,
                repeat, timed, p95, "viewer's token; each read audited",
            )
        )  # fmt: skip
        transaction.set_rollback(True)
    return results


def _get(client: Client, address: str) -> None:
    response = client.get(address)
    if response.status_code != 200:
        raise RuntimeError(f"{address} answered {response.status_code}")


def _result(Result, name, work, floor, repeat, timed, p95, note):
    times = timed(work, repeat)
    with CaptureQueriesContext(connection) as queries:
        work()
    floor_times = timed(floor, repeat)
    median, floor_median = statistics.median(times), statistics.median(floor_times)
    return Result(
        name, median, p95(times), len(queries), floor_median,
        median / floor_median if floor_median else 0.0, note,
    )  # fmt: skip
