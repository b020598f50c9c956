"""Importing legacy trackers in the browser: upload, preview, confirm; and the import log."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliverables.access import period_by_code
from deliverables.models import ImportRecord, ImportStatus
from deliverables.tracker.export import export_quarter
from deliverables.tracker.forms import ImportForm
from deliverables.tracker.services import (
    PreviewChanged,
    tracker_apply,
    tracker_cancel,
    tracker_preview,
    tracker_refuse_unread,
)
from deliverables.workflow import WorkflowError
from plans.access import plan_for
from plans.models import Plan, ReportingPeriod
from plans.permissions import can_import

ROWS_SHOWN = 500


def _require_importer(user) -> None:
    if not can_import(user):
        raise PermissionDenied("Only administrators import trackers.")


def _record_for(user, pk: int) -> ImportRecord:
    return get_object_or_404(
        ImportRecord.objects.visible_to(user).select_related("plan", "user"), pk=pk
    )


@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    _require_importer(request.user)
    records = (
        ImportRecord.objects.visible_to(request.user)
        .select_related("plan", "user")
        .defer("content", "rows")
    )
    page = Paginator(records, 25).get_page(request.GET.get("page"))
    return render(
        request, "deliverables/import_list.html", {"page": page, "nav_section": "imports"}
    )


@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    """Upload a tracker, choose its plan and quarter, and see the preview."""
    _require_importer(request.user)
    plans = Plan.objects.visible_to(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, plans=plans)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        plan, period = form.cleaned_data["plan"], form.cleaned_data["period"]
        if upload.size > settings.IMPORT_MAX_BYTES:  # refused, and recorded, unread
            record = tracker_refuse_unread(request.user, plan, period, upload.name, upload.size)
        else:
            record = tracker_preview(
                request.user,
                plan,
                period,
                upload.read(),
                upload.name,
                overwrite_closed=form.cleaned_data["overwrite_closed"],
            )
        if record.status == ImportStatus.REFUSED:
            form.add_error("file", record.message)
        else:
            return redirect(record)
    quarters = (
        ReportingPeriod.objects.filter(plan__in=plans)
        .select_related("plan")
        .order_by("plan__name", "-year", "-quarter")
    )
    return render(
        request,
        "deliverables/import_new.html",
        {"form": form, "quarters": quarters, "nav_section": "imports"},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview of an import not yet confirmed, or the result of one that ran."""
    _require_importer(request.user)
    record = _record_for(request.user, pk)
    errors_only = request.GET.get("show") == "errors"
    rows = record.rows
    if errors_only:
        rows = [r for r in rows if r["result"] == "error"]
    return render(
        request,
        "deliverables/import_detail.html",
        {
            "record": record,
            "rows": rows[:ROWS_SHOWN],
            "rows_hidden": max(0, len(rows) - ROWS_SHOWN),
            "errors_only": errors_only,
            "figures": [
                (
                    kind,
                    record.summary.get("created", {}).get(kind, 0),
                    record.summary.get("updated", {}).get(kind, 0),
                    record.summary.get("unchanged", {}).get(kind, 0),
                )
                for kind in ("outcomes", "deliverables", "actions", "updates")
            ],
            "nav_section": "imports",
        },
    )


@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    _require_importer(request.user)
    record = _record_for(request.user, pk)
    try:
        tracker_apply(request.user, record)
    except PreviewChanged as error:
        messages.error(request, str(error))
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        created = record.summary["created"]
        messages.success(
            request,
            f"Imported {record.file_name} into {record.plan.name}, {record.period.label}: "
            f"{created['actions']} actions and {created['updates']} updates created, "
            f"{record.summary['updated']['updates']} updates changed.",
        )
    return redirect(record)


@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _require_importer(request.user)
    record = _record_for(request.user, pk)
    tracker_cancel(request.user, record)
    messages.success(request, f"{record.file_name} was not imported.")
    return redirect("deliverables:imports")


@require_GET
def export_tracker(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The quarter as the council's tracker workbook, as the user reads it: it imports back to
    the same data."""
    plan = plan_for(request.user, slug)
    period = period_by_code(plan, code)
    response = HttpResponse(
        export_quarter(period, request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-{period.code}.xlsx"'
    return response
