"""The dashboard costs a viewer or an approver what it costs the performance team.

At county size on PostgreSQL it took 12-17 s for a viewer or an approver against about 1 s for
the performance team: the reader's "sees work in progress" condition asked, once per row, whether
the action was delegated to them (a correlated EXISTS). That kept the queries from running in
parallel and doubled their estimated cost, past the point where PostgreSQL compiles a query
with JIT (6-20 s for the trend query). The condition is now a subquery PostgreSQL runs once,
and the app's connections do not JIT-compile. The figures each reader sees are unchanged.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliverables.models import ActionDelegate
from plans.statuses import AWAITING
from reports.dashboard import build_dashboard
from tests import factories

# ref: directorate, Q1 status, Q2 status, Q2 state
HISTORY = {
    "CH1": ("CH", "On Track", "Delayed", "approved"),
    "CH2": ("CH", "Delayed", "Delayed", "submitted"),
    "CH3": ("CH", "On Track", "On Track", "draft"),
    "PH1": ("PH", "Delayed", "Delayed", "approved"),
    "PH2": ("PH", "On Track", "Delayed", "submitted"),  # delegated to the other officer
    "PH3": ("PH", "On Track", None, None),
}


def busy_plan(directorates, users, slug: str = "busy", extra: int = 0):
    """Two closed quarters of HISTORY, and `extra` more CH actions red in both."""
    plan = factories.plan(slug)
    outcome = plan.outcomes.create(name="Growth", order=1)
    q1 = factories.period(plan, "2024-25-Q1")
    q2 = factories.period(plan, "2024-25-Q2")
    history = dict(HISTORY)
    history.update({f"X{n}": ("CH", "Delayed", "Delayed", "approved") for n in range(extra)})
    actions = {}
    for ref, (directorate, first, second, state) in history.items():
        action = factories.action(plan, ref, outcome=outcome, directorate=directorates[directorate])
        factories.update(action, q1, first)
        if second:
            factories.update(action, q2, second, state=state, source="web")
        actions[ref] = action
    ActionDelegate.objects.create(action=actions["PH2"], user=users["other_officer"])
    return plan, q2


def counts(row) -> dict:
    return {(s.status.label if s.status else None): s.count for s in row.segments if s.count}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "reader, expected",
    [
        # Approved updates only; submitted ones show as Awaiting approval; a draft counts for
        # no one, so CH3 shows the closed quarter's No Update.
        ("viewer", {"Delayed": 2, AWAITING.label: 2, "No Update": 2}),
        # Children & Education's work in progress, not Public Health's.
        ("approver", {"Delayed": 3, AWAITING.label: 1, "No Update": 2}),
        # PH2 is delegated to them: they see its submitted status.
        ("other_officer", {"Delayed": 3, AWAITING.label: 1, "No Update": 2}),
        ("performance", {"Delayed": 4, "No Update": 2}),
    ],
)
def test_each_reader_counts_what_the_rules_say(directorates, users, reader, expected):
    plan, q2 = busy_plan(directorates, users)
    data = build_dashboard(plan, q2, users[reader])
    assert counts(data.overall) == expected
    assert counts(data.trend[-1]) == expected  # the trend's quarter agrees with the quarter
    red = {action.ref: streak for action, streak in data.red_streaks}
    # PH1 red in both quarters; CH1 turned red; a delegate or an approver sees the submitted
    # red of their own actions, and its streak counts the quarter before too.
    want = {"PH1": 2, "CH1": 1}
    if reader in ("approver", "performance"):
        want["CH2"] = 2
    if reader in ("other_officer", "performance"):
        want["PH2"] = 1
    assert red == want


def page_queries(client, user, plan, period) -> int:
    client.force_login(user)
    url = reverse("reports:dashboard", args=[plan.slug])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"period": period.code})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_every_readers_dashboard_takes_as_many_queries_however_many_actions(
    client, directorates, users
):
    small, small_q2 = busy_plan(directorates, users, "small")
    large, large_q2 = busy_plan(directorates, users, "large", extra=40)
    for reader in ("viewer", "approver", "other_officer", "performance"):
        user = users[reader]
        assert page_queries(client, user, small, small_q2) == page_queries(
            client, user, large, large_q2
        ), reader


@pytest.mark.django_db
def test_the_readers_condition_is_asked_once_per_query_not_once_per_row(directorates, users):
    """On PostgreSQL: no correlated subplan in any of the dashboard's queries for a reader with
    a delegation, and no JIT compiling on the app's connections."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plans")
    plan, q2 = busy_plan(directorates, users)
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    with CaptureQueriesContext(connection) as queries:
        build_dashboard(plan, q2, users["other_officer"])
    for query in queries.captured_queries:
        if not query["sql"].lstrip("(").startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {query['sql']}")
            plan_lines = [line for (line,) in cursor.fetchall()]
        # A correlated subplan is used as "(SubPlan n)"; one run once as "(hashed SubPlan n)".
        correlated = [line for line in plan_lines if re.search(r"(?<!hashed )SubPlan \d+\)", line)]
        assert not correlated, (query["sql"], plan_lines)
