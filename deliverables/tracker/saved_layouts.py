"""Saved layouts: a confirmed column mapping kept under a name, and applied by itself to the
next file whose headers give the same signature (meanings.header_signature).

A file's signature is taken from every header key the reader found. A file with no header
keys has no signature: nothing is applied to it, and its mapping cannot be saved, since a
layout saved for "no headers" would be applied to every file.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from deliverables.models import ImportLayout
from deliverables.tracker.layout import ReadResult
from deliverables.tracker.meanings import Mapping, header_signature
from deliverables.workflow import NotAllowed, WorkflowError
from plans.audit import audit
from plans.models import AuditKind, User
from plans.permissions import can_import


class LayoutRefused(WorkflowError):
    """The mapping cannot be saved as a layout; the reason says why."""


def _require_importer(user: User | None) -> None:
    # None is the command line, run by whoever may run manage.py on the server.
    if user is not None and not can_import(user):
        raise NotAllowed("Only administrators can save or delete import layouts.")


def read_signature(read: ReadResult) -> str:
    """The file's signature, or "" when the reader found no header keys."""
    keys = getattr(read, "header_keys", None) or []
    return header_signature(keys) if keys else ""


def read_headers(read: ReadResult) -> list[str]:
    """The file's header texts, each once, in the order of the columns: shown with a layout."""
    headers: list[str] = []
    for column in getattr(read, "columns", None) or []:
        if column.header and column.header not in headers:
            headers.append(column.header)
    return headers


def layout_for_signature(signature: str) -> ImportLayout | None:
    """The saved layout for files with this signature; of two, the one saved last."""
    if not signature:
        return None
    return ImportLayout.objects.filter(signature=signature).order_by("-updated_at", "-pk").first()


def layout_mark_used(layout: ImportLayout) -> None:
    layout.last_used_at = timezone.now()
    ImportLayout.objects.filter(pk=layout.pk).update(last_used_at=layout.last_used_at)


def layout_save(user: User | None, name: str, read: ReadResult, mapping: Mapping) -> ImportLayout:
    """Save `mapping` as the layout called `name` for files with `read`'s headers; a layout
    of that name is replaced (its creator is kept)."""
    _require_importer(user)
    name = " ".join(name.split())
    if not name:
        raise LayoutRefused("Enter a name for the layout.")
    signature = read_signature(read)
    if not signature:
        raise LayoutRefused(
            "This file has no header row the importer could read, so its mapping cannot be "
            "saved as a layout."
        )
    with transaction.atomic():
        layout, created = ImportLayout.objects.select_for_update().get_or_create(
            name=name,
            defaults={"signature": signature, "created_by": user},
        )
        layout.signature = signature
        layout.headers = read_headers(read)
        layout.mapping = mapping.as_json()
        layout.last_used_at = timezone.now()
        layout.save()
    audit(
        AuditKind.IMPORT,
        f"{'Saved' if created else 'Replaced'} the import layout '{name}' "
        f"({len(layout.headers)} headers)",
        user=user,
    )
    return layout


def layout_delete(user: User | None, layout: ImportLayout) -> None:
    """Forget a layout. Imports that used it keep their own copy of its mapping."""
    _require_importer(user)
    name = layout.name
    layout.delete()
    audit(AuditKind.IMPORT, f"Deleted the import layout '{name}'", user=user)


def layouts_visible_to(user: User):
    """The saved layouts `user` may see and manage: all of them for administrators."""
    return ImportLayout.objects.all() if can_import(user) else ImportLayout.objects.none()
