"""What every import page starts with: the importer's check and the record, or 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from deliverables.models import ImportRecord
from plans.permissions import can_import


def require_importer(user) -> None:
    if not can_import(user):
        raise PermissionDenied("Only administrators import trackers.")


def record_for(user, pk: int) -> ImportRecord:
    return get_object_or_404(
        ImportRecord.objects.visible_to(user).select_related("plan", "user", "layout"), pk=pk
    )
