"""The dashboard's trend reads its quarters' updates from one covering index.

At county size (5,000 actions, ten years) the trend's eight quarters were eight bitmap heap
scans of ~3,000 updates spread over ~3,000 heap blocks each: ~300 of the dashboard's ~700 ms
of SQL. The index update_trend_idx (period, action) INCLUDE (state, source, status) holds
everything the reader's status rule asks of an update, so PostgreSQL answers from the index
alone (~155 ms at county size, docs/performance.md).

A test of the query's plan (EXPLAIN showing an index-only scan) passed alone but not after the
rest of the suite: on a test database's few rows the planner's choice of index follows
whatever statistics earlier tests left, so it could not say anything reliable. What stays is
the index itself, on both databases.
"""

from __future__ import annotations

import pytest
from django.db import connection


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
