"""An indicator import as a recorded run: preview, then confirm, or both at once for a command.

A preview writes nothing but its IndicatorImport, which keeps the file. Confirming checks the
kept file is the one previewed (its SHA-256), works the preview out afresh against the
database as it is then, and writes only if that is exactly what the person saw; otherwise
nothing is written and the new preview is shown. The write is one transaction.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from deliverables.indicators.load.comparators import NEEDS as COMPARATOR_NEEDS
from deliverables.indicators.load.comparators import prepare_comparators, write_comparators
from deliverables.indicators.load.history import NEEDS as HISTORY_NEEDS
from deliverables.indicators.load.history import prepare_history
from deliverables.indicators.load.table import TrackerFileError, read_table
from deliverables.models import (
    ImportStatus,
    IndicatorImport,
    IndicatorImportKind,
    IndicatorTarget,
    IndicatorValue,
)
from deliverables.workflow import NotAllowed, WorkflowError
from plans.models import Plan
from plans.permissions import can_import, can_manage_plans

VALUES, COMPARATORS = IndicatorImportKind.VALUES, IndicatorImportKind.COMPARATORS
VALUE_FIELDS = [
    "period",
    "value",
    "numerator",
    "denominator",
    "commentary",
    "state",
    "source",
    "version",
    "updated_by",
    "approved_by",
    "approved_at",
    "updated_at",
]


class PreviewChanged(WorkflowError):
    """What confirming would write is no longer what the preview showed."""


def may_load(user, kind: str) -> bool:
    """Indicator history is imported by administrators, as trackers are; comparators are
    loaded by the performance team too, who maintain the plans' indicators."""
    if kind == COMPARATORS:
        return can_manage_plans(user) or can_import(user)
    return can_import(user)


def _require(user, kind: str) -> None:
    if user is not None and not may_load(user, kind):  # None: the command line
        raise NotAllowed("You may not import these figures.")


def summary_seen(summary: dict) -> str:
    """A short digest of a preview: the page sends it back on confirming."""
    shown = json.dumps(summary, sort_keys=True, default=str)
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def _prepare(record: IndicatorImport, data: bytes) -> dict:
    if record.kind == COMPARATORS:
        table = read_table(data, record.file_name, needs=COMPARATOR_NEEDS)
        overwrite_closed = record.overwrite_closed
        return prepare_comparators(record.plan, table, overwrite_closed=overwrite_closed).summary()
    table = read_table(data, record.file_name, needs=HISTORY_NEEDS)
    return prepare_history(record.plan, table, overwrite_closed=record.overwrite_closed).summary()


def indicators_preview(
    user,
    plan: Plan,
    data: bytes,
    filename: str,
    *,
    kind: str,
    overwrite_closed: bool = False,
    source: str = "web",
) -> IndicatorImport:
    """Read the file and record what importing it would do; a file that cannot be read is
    recorded as refused, with the reason, and not kept."""
    _require(user, kind)
    record = IndicatorImport(
        kind=kind,
        plan=plan,
        user=user,
        source=source,
        file_name=filename[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        file_size=len(data),
        overwrite_closed=overwrite_closed,
        status=ImportStatus.PREVIEWED,
    )
    try:
        if len(data) > settings.IMPORT_MAX_BYTES:  # refused before any parser sees it
            raise TrackerFileError(
                f"{filename} is over the {settings.IMPORT_MAX_BYTES // 1_000_000} MB limit."
            )
        record.summary = _prepare(record, data)
    except TrackerFileError as error:
        record.status, record.message = ImportStatus.REFUSED, str(error)
    else:
        record.content = data
    record.save()
    return record


def indicators_apply(user, record: IndicatorImport, seen: str | None = None) -> IndicatorImport:
    """Write exactly what the preview showed, in one transaction, or nothing (PreviewChanged,
    with the record holding the new preview)."""
    _require(user, record.kind)
    with transaction.atomic():
        record = (
            IndicatorImport.objects.select_for_update().select_related("plan").get(pk=record.pk)
        )
        if record.status != ImportStatus.PREVIEWED or record.content is None:
            raise WorkflowError(f"{record.file_name} is {record.get_status_display().lower()}.")
        data = bytes(record.content)
        if hashlib.sha256(data).hexdigest() != record.file_sha256:
            raise WorkflowError(f"{record.file_name} changed since it was previewed.")
        shown = seen or summary_seen(record.summary)
        fresh = _prepare(record, data)
        if summary_seen(fresh) != shown:
            record.summary = fresh
            record.save(update_fields=["summary"])
            changed = PreviewChanged(
                "The figures changed since this preview was made, so nothing was imported. "
                "Check the new preview below, then confirm again."
            )
        else:
            changed = None
            _write(record, fresh, user)
    if changed is not None:
        raise changed
    return record


def _write(record: IndicatorImport, summary: dict, user) -> None:
    reason = f"Imported from {record.file_name}"
    if record.kind == COMPARATORS:
        from deliverables.indicators.load.comparators import ComparatorPreview, ComparatorRow

        preview = ComparatorPreview(
            added=[ComparatorRow(**r) for r in summary["added"]],
            replaced=[ComparatorRow(**r) for r in summary["replaced"]],
        )
        write_comparators(preview, record.file_name, user)
    else:
        write_history(summary, user, reason)
    record.status, record.applied_at, record.content = ImportStatus.APPLIED, timezone.now(), None
    record.save(update_fields=["status", "applied_at", "content"])


def indicators_dry_run(record: IndicatorImport) -> IndicatorImport:
    """A command's --dry-run: the preview is recorded as such, and the file not kept."""
    if record.status == ImportStatus.PREVIEWED:
        record.status, record.content = ImportStatus.DRY_RUN, None
        record.save(update_fields=["status", "content"])
    return record


def _imported_value(value: IndicatorValue, write: dict, user, now) -> IndicatorValue:
    value.period_id = write["period"]
    # All three as the file gives them: a value from a file without a fraction must not keep
    # a stored numerator and denominator that no longer give it.
    for name in ("value", "numerator", "denominator"):
        figure = write[name]
        setattr(value, name, None if figure is None else Decimal(figure))
    if write["commentary"] is not None:  # None: the file has no commentary column
        value.commentary = write["commentary"]
    value.state, value.source, value.version = "approved", "imported", value.version + 1
    value.updated_by = value.approved_by = user
    value.approved_at = value.updated_at = now
    return value


def write_history(summary: dict, user, reason: str) -> tuple[int, int]:
    """Write exactly the preview's values and targets (the caller holds the transaction):
    values approved, imported, each with a history row giving the reason. In bulk: ten
    years of monthly history is thousands of values."""
    now = timezone.now()
    existing = IndicatorValue.objects.select_for_update().in_bulk(
        [w["replaces"] for w in summary["writes"] if w["replaces"]]
    )
    added, changed = [], []
    for write in summary["writes"]:
        current = existing.get(write["replaces"])
        if current is None:
            fresh = IndicatorValue(
                indicator_id=write["indicator"], year=write["year"], point=write["point"], version=0
            )
            added.append(_imported_value(fresh, write, user, now))
        else:
            changed.append(_imported_value(current, write, user, now))
    history = {"default_user": user, "default_change_reason": reason, "batch_size": 500}
    bulk_create_with_history(added, IndicatorValue, **history)
    bulk_update_with_history(changed, IndicatorValue, VALUE_FIELDS, **history)
    for write in summary["target_writes"]:
        IndicatorTarget.objects.update_or_create(
            indicator_id=write["indicator"],
            year=write["year"],
            point=0,
            defaults={"value": Decimal(write["value"])},
        )
    return len(summary["writes"]), len(summary["target_writes"])


def indicators_expire(older_than: timedelta = timedelta(days=1)) -> int:
    """Mark indicator previews nobody confirmed as cancelled and drop their files (run by
    `expire_imports`, beside tracker previews)."""
    cutoff = timezone.now() - older_than
    return IndicatorImport.objects.filter(
        status=ImportStatus.PREVIEWED, created_at__lt=cutoff
    ).update(
        status=ImportStatus.CANCELLED,
        content=None,
        message="Not confirmed within the time allowed; the file was deleted.",
    )
