"""The dashboard's trend reads its quarters' updates from one covering index.

At county size (5,000 actions, ten years) the trend's eight quarters were eight bitmap heap
scans of ~3,000 updates spread over ~3,000 heap blocks each: ~300 of the dashboard's ~700 ms
of SQL. The index update_trend_idx (period, action) INCLUDE (state, source, status) holds
everything the reader's status rule asks of an update, so PostgreSQL answers from the index
alone (~155 ms). If the status rule starts reading another column of updates, the index stops
covering it and this test says so, rather than the dashboard quietly slowing down again.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.dashboard import TREND_QUARTERS, build_dashboard
from tests.reports.test_dashboard_speed import busy_plan


def trend_sql(plan, period, user) -> str:
    """The dashboard's trend query: the one UNION ALL of a GROUP BY per quarter."""
    with CaptureQueriesContext(connection) as queries:
        build_dashboard(plan, period, user)
    unions = [q["sql"] for q in queries.captured_queries if "UNION ALL" in q["sql"]]
    assert len(unions) == 1, "the trend is one query"
    return unions[0]


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["viewer", "approver", "other_officer", "performance"])
def test_the_trend_reads_each_quarters_updates_from_the_index_alone(directorates, users, reader):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plans (SQLite has no covering indexes)")
    plan, q2 = busy_plan(directorates, users)
    sql = trend_sql(plan, q2, users[reader])
    with connection.cursor() as cursor:
        # A handful of rows would be read from the table whatever the indexes: make the
        # planner show whether the index alone could answer, as it does at county size.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_bitmapscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}")
            lines = [line for (line,) in cursor.fetchall()]
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_bitmapscan")
    update_scans = [line for line in lines if "deliverables_quarterlyupdate" in line]
    quarters = min(TREND_QUARTERS, 2)
    assert len(update_scans) == quarters, lines
    assert all("Index Only Scan using update_trend_idx" in line for line in update_scans), lines


@pytest.mark.django_db
def test_the_index_covers_what_the_status_rule_reads_of_an_update():
    """On every database the index exists with the columns the trend joins and reads."""
    from deliverables.models import QuarterlyUpdate

    index = next(i for i in QuarterlyUpdate._meta.indexes if i.name == "update_trend_idx")
    assert list(index.fields) == ["period", "action"]
    assert set(index.include) == {"state", "source", "status"}
    with connection.cursor() as cursor:
        names = connection.introspection.get_constraints(cursor, QuarterlyUpdate._meta.db_table)
    assert "update_trend_idx" in names
