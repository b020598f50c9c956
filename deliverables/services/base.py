"""What every write of the cycle shares: the quarter's row lock, history for conditional updates,
and the version check."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from deliverables.models import (
    QuarterlyUpdate,
    UpdateSource,
)
from deliverables.workflow import (
    StaleUpdate,
)
from plans.models import (
    ReportingPeriod,
    User,
)


def locked_period(period: ReportingPeriod, *, exclusive: bool = False) -> ReportingPeriod:
    """Re-read the quarter under a row lock, so closing it waits for saves in progress and a
    save never lands in a quarter closed a moment before (PostgreSQL; SQLite serialises writes).
    """
    queryset = ReportingPeriod.objects.select_related("plan")
    if connection.features.has_select_for_update:
        no_key = not exclusive and connection.features.has_select_for_no_key_update
        queryset = queryset.select_for_update(no_key=no_key)
    return queryset.get(pk=period.pk)


def record_history(objs: list, model, user: User | None, reason: str) -> None:
    """Audit rows for changes made with a conditional UPDATE (which sends no save signal)."""
    model.history.bulk_history_create(
        objs, update=True, default_user=user, default_change_reason=reason
    )


HISTORY_BATCH = 2000


def history_copy(
    model, pks: list[int], user: User | None, reason: str, *, history_type: str = "+"
) -> None:
    """Audit rows for objects just written in bulk, copied by the database from their own rows
    (one INSERT ... SELECT a batch): the rows simple_history's bulk paths write, without a
    historical object built in Python for each. `history_type` "+" created, "~" changed."""
    if not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history, live = model.history.model, model._meta
    quote = connection.ops.quote_name
    names = [f.name for f in history.tracked_fields]
    meta = history._meta
    target = ", ".join(
        quote(meta.get_field(name).column)
        for name in [*names, "history_date", "history_change_reason", "history_type"]
    )
    source = ", ".join(quote(live.get_field(name).column) for name in names)
    when = meta.get_field("history_date").get_db_prep_save(timezone.now(), connection)
    user_column = quote(meta.get_field("history_user").column)
    pk = quote(live.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(pks), HISTORY_BATCH):
            batch = pks[start : start + HISTORY_BATCH]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({target}, {user_column}) "  # noqa: S608 - names from the models
                f"SELECT {source}, %s, %s, %s, %s FROM {quote(live.db_table)} "
                f"WHERE {pk} IN ({', '.join(['%s'] * len(batch))}) ORDER BY {pk}",
                [when, reason, history_type, user.pk if user else None, *batch],
            )


def save_with_history(obj, user: User | None, reason: str, **kwargs) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.save(**kwargs)


def conditional_update(
    update: QuarterlyUpdate,
    expected_version: int,
    from_states: Iterable[str],
    *,
    or_written_at_close: bool = False,
    **values,
) -> QuarterlyUpdate:
    """Apply `values` only if nobody has changed the update since `expected_version`."""
    allowed = Q(state__in=list(from_states))
    if or_written_at_close:
        allowed |= Q(source=UpdateSource.CLOSE)
    rows = (
        QuarterlyUpdate.objects.filter(pk=update.pk, version=expected_version)
        .filter(allowed)
        .update(version=F("version") + 1, updated_at=timezone.now(), **values)
    )
    current = QuarterlyUpdate.objects.select_related("status", "updated_by").get(pk=update.pk)
    if rows == 0:
        raise StaleUpdate(current)
    return current
