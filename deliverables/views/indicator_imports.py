"""Importing indicator history and comparators in the browser: upload a file (GET the form,
POST it for the preview), then confirm the preview (a second POST) or leave it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from deliverables.indicators.load.forms import ConfirmForm, IndicatorUploadForm
from deliverables.indicators.load.services import (
    COMPARATORS,
    VALUES,
    PreviewChanged,
    indicators_apply,
    indicators_preview,
    may_load,
    summary_seen,
)
from deliverables.models import ImportStatus, IndicatorImport
from deliverables.workflow import WorkflowError
from plans.models import Plan

PAGES = {
    VALUES: ("deliverables/indicator_import.html", "deliverables:indicator_import"),
    COMPARATORS: ("deliverables/comparators_import.html", "deliverables:comparators_import"),
}


@require_http_methods(["GET", "POST"])
def indicator_import(request: HttpRequest) -> HttpResponse:
    """Indicator history from a spreadsheet (administrators, as tracker imports)."""
    return _import_page(request, VALUES)


@require_http_methods(["GET", "POST"])
def comparators_import(request: HttpRequest) -> HttpResponse:
    """Comparators from a benchmarking service's file (the performance team, administrators)."""
    return _import_page(request, COMPARATORS)


def _import_page(request: HttpRequest, kind: str) -> HttpResponse:
    if not may_load(request.user, kind):
        raise PermissionDenied("You may not import these figures.")
    plans = Plan.objects.visible_to(request.user)
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, kind, plans)
    form = IndicatorUploadForm(request.POST or None, request.FILES or None, plans=plans)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        record = indicators_preview(
            request.user,
            form.cleaned_data["plan"],
            upload.read(),
            upload.name,
            kind=kind,
            overwrite_closed=form.cleaned_data["overwrite_closed"],
        )
        if record.status != ImportStatus.REFUSED:
            return _page(request, kind, form, record)
        form.add_error("file", record.message)
    status = 400 if request.method == "POST" else 200
    return _page(request, kind, form, None, status=status)


def _confirm(request: HttpRequest, kind: str, plans) -> HttpResponse:
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That confirmation was not understood: upload the file again.")
        return redirect(PAGES[kind][1])
    record = get_object_or_404(
        IndicatorImport.objects.select_related("plan"),
        pk=form.cleaned_data["confirm"],
        kind=kind,
        plan__in=plans,
    )
    try:
        indicators_apply(request.user, record, seen=form.cleaned_data["seen"])
    except PreviewChanged as error:
        record.refresh_from_db()
        upload = IndicatorUploadForm(plans=plans, initial={"plan": record.plan})
        return _page(request, kind, upload, record, error=str(error), status=409)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect(PAGES[kind][1])
    messages.success(request, _done_message(record))
    return redirect(PAGES[kind][1])


def _done_message(record: IndicatorImport) -> str:
    summary = record.summary
    if record.kind == COMPARATORS:
        return (
            f"Loaded {record.file_name} into {record.plan.name}: "
            f"{len(summary['added'])} comparators added, {len(summary['replaced'])} replaced."
        )
    counts = summary["counts"]
    return (
        f"Imported {record.file_name} into {record.plan.name}: {counts['added']} values added, "
        f"{counts['changed']} changed, {counts['targets']} targets set."
    )


def _page(request, kind, form, record, *, error: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        PAGES[kind][0],
        {
            "form": form,
            "record": record,
            "summary": record.summary if record else None,
            "seen": summary_seen(record.summary) if record else "",
            "error": error,
            "nav_section": "imports",
        },
        status=status,
    )
