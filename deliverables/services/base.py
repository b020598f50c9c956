"""What every write of the cycle shares: the quarter's row lock, history for conditional updates,
and the version check."""

from __future__ import annotations

from collections.abc import Iterable

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
