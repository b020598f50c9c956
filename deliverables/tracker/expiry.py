"""Previews nobody confirmed: their uploaded files are forgotten (the expire_imports command)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from deliverables.models import ImportRecord, ImportStatus
from deliverables.tracker.stages import forgettable_q


def tracker_expire(older_than: timedelta = timedelta(days=1)) -> int:
    """Forget the files of previews nobody confirmed: the record stays, cancelled, saying why."""
    cutoff = timezone.now() - older_than
    # A preview confirmed since (queued, or being written) is not "unconfirmed": left alone,
    # unless its worker has been silent for STUCK_AFTER. A big upload still being previewed a
    # day on is forgotten too (stages.forgettable_q).
    unconfirmed = ImportRecord.objects.filter(created_at__lt=cutoff)
    return unconfirmed.filter(forgettable_q()).update(
        status=ImportStatus.CANCELLED,
        content=None,
        message=f"Expired: not confirmed within {older_than.total_seconds() / 3600:g} hours, "
        "so the uploaded file was deleted.",
    )
