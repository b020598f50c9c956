"""Importing legacy trackers in the browser: upload; the import's page (the columns' meanings,
the questions, the preview); confirm or cancel; the import log; and the saved layouts."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliverables.access import period_by_code
from deliverables.models import ImportRecord, ImportStage, ImportStatus
from deliverables.tasks import import_enqueue, import_under_way, preview_enqueue
from deliverables.tracker.background import goes_to_background, tracker_preview_queued
from deliverables.tracker.cancel import tracker_cancel
from deliverables.tracker.export import export_quarter
from deliverables.tracker.forms import AnswersForm, ImportForm, MappingForm
from deliverables.tracker.meanings import Mapping
from deliverables.tracker.new_plan import PlanProposalError
from deliverables.tracker.page import column_groups, page_context, preview_seen
from deliverables.tracker.plan_from_file import tracker_preview_new_plan
from deliverables.tracker.refusals import refusal_of
from deliverables.tracker.revise import (
    PreviewRefused,
    require_previewed,
    tracker_answer,
    tracker_remap,
)
from deliverables.tracker.saved_layouts import LayoutRefused, layout_delete, layouts_visible_to
from deliverables.tracker.services import (
    tracker_apply,
    tracker_preview,
    tracker_refuse_unread,
)
from deliverables.tracker.views_common import record_for as _record_for
from deliverables.tracker.views_common import require_importer as _require_importer
from deliverables.tracker.views_progress import progress_page
from deliverables.workflow import WorkflowError
from plans.access import plan_for
from plans.models import Plan, ReportingPeriod

ROWS_SHOWN = 500


def _mapping_form(record: ImportRecord, data=None) -> MappingForm:
    return MappingForm(
        data,
        groups=column_groups(record.summary.get("columns") or []),
        mapping=Mapping.from_json(record.mapping),
    )


def _answers_form(record: ImportRecord, data=None) -> AnswersForm:
    return AnswersForm(
        data,
        questions=record.summary.get("questions") or [],
        answered={**record.answers, **(record.summary.get("answered") or {})},
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
        if plan is None:
            return _import_new_plan(request, form, upload, period)
        if upload.size > settings.IMPORT_MAX_BYTES:  # refused, and recorded, unread
            record = tracker_refuse_unread(request.user, plan, period, upload.name, upload.size)
        elif goes_to_background(plan, upload.size):  # its page shows the worker's progress
            record = tracker_preview_queued(
                request.user,
                plan,
                period,
                upload.read(),
                upload.name,
                overwrite_closed=form.cleaned_data["overwrite_closed"],
            )
            record = preview_enqueue(record)
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
    return _new_page(request, form, status=400 if request.method == "POST" else 200)


def _new_page(request: HttpRequest, form: ImportForm, status: int) -> HttpResponse:
    quarters = (
        ReportingPeriod.objects.filter(plan__in=form.fields["plan"].queryset)
        .select_related("plan")
        .order_by("plan__name", "-year", "-quarter", "-month")
    )
    return render(
        request,
        "deliverables/import_new.html",
        {"form": form, "quarters": quarters, "nav_section": "imports"},
        status=status,
    )


def _detail(
    request: HttpRequest,
    record: ImportRecord,
    *,
    mapping_form: MappingForm | None = None,
    answers_form: AnswersForm | None = None,
    status: int = 200,
) -> HttpResponse:
    errors_only = request.GET.get("show") == "errors"
    rows = record.rows
    if errors_only:
        rows = [r for r in rows if r["result"] == "error"]
    under_way = import_under_way(record)
    # Only a preview can still be changed, and not once confirmed: the worker writes what was.
    if record.status == ImportStatus.PREVIEWED and not under_way:
        mapping_form = mapping_form if mapping_form is not None else _mapping_form(record)
        answers_form = answers_form if answers_form is not None else _answers_form(record)
    return render(
        request,
        "deliverables/import_detail.html",
        {
            "record": record,
            "rows": rows[:ROWS_SHOWN],
            "rows_hidden": max(0, len(rows) - ROWS_SHOWN),
            "errors_only": errors_only,
            "mapping_form": mapping_form,
            "answers_form": answers_form,
            "under_way": under_way,
            **page_context(record),
            "nav_section": "imports",
        },
        status=status,
    )


def _import_new_plan(request: HttpRequest, form: ImportForm, upload, period: str) -> HttpResponse:
    """The upload for a new plan from the file: its preview, or the form again saying why."""
    if upload.size > settings.IMPORT_MAX_BYTES:
        form.add_error("file", f"The file is over {settings.IMPORT_MAX_BYTES // 2**20} MB.")
    else:
        name = form.cleaned_data["new_plan_name"]
        try:
            record = tracker_preview_new_plan(
                request.user, name, period, upload.read(), upload.name
            )
        except PlanProposalError as error:
            form.add_error("new_plan_name", str(error))
        else:
            if record.status != ImportStatus.REFUSED:
                return redirect(record)
            form.add_error("file", record.message)
    return _new_page(request, form, status=400)


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The import's page: what the importer understood of each column, its questions and the
    preview, while not yet confirmed; what was done, once it ran."""
    _require_importer(request.user)
    record = _record_for(request.user, pk)
    if record.status == ImportStatus.PREVIEWING:  # a big upload: the worker's progress
        return progress_page(request, record)
    return _detail(request, record)


def _not_a_preview(request: HttpRequest, record: ImportRecord) -> HttpResponse | None:
    """Back to the import's page, saying why, if it is no longer a preview to change."""
    try:
        require_previewed(record)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect(record)
    return None


@require_POST
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview again with the columns' meanings changed, and save them as a layout if named."""
    _require_importer(request.user)
    record = _record_for(request.user, pk)
    if (refused := _not_a_preview(request, record)) is not None:
        return refused
    form = _mapping_form(record, request.POST)
    if form.stale:  # shown again as it is now, not with choices meant for other rows
        messages.error(request, form.stale_message)
        return redirect(record)
    if form.is_valid():
        name = form.cleaned_data["layout_name"]
        try:
            tracker_remap(request.user, record, form.mapping(), layout_name=name)
        except LayoutRefused as error:
            form.add_error("layout_name", str(error))
        except PreviewRefused as error:
            form.add_error(None, str(error))
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect(record)
        else:
            saved = f" and saved as the layout '{record.layout.name}'" if name else ""
            if refusal_of(record):  # still not importable: the page says why
                messages.error(
                    request,
                    f"These meanings were kept{saved}, but nothing can be imported with them yet.",
                )
            else:
                messages.success(request, f"The preview was updated with these meanings{saved}.")
            return redirect(record)
        record.refresh_from_db()
    return _detail(request, record, mapping_form=form, status=400)


@require_POST
def import_answers(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview again with the answers given to its questions."""
    _require_importer(request.user)
    record = _record_for(request.user, pk)
    if (refused := _not_a_preview(request, record)) is not None:
        return refused
    form = _answers_form(record, request.POST)
    if form.stale:  # shown again as it is now, not with choices meant for other rows
        messages.error(request, form.stale_message)
        return redirect(record)
    if form.is_valid():
        try:
            tracker_answer(request.user, record, form.answers())
        except PreviewRefused as error:
            form.add_error(None, str(error))
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect(record)
        else:
            messages.success(request, "Your answers were saved and the preview updated.")
            return redirect(record)
        record.refresh_from_db()
    return _detail(request, record, answers_form=form, status=400)


@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    _require_importer(request.user)
    record = _record_for(request.user, pk)
    seen = request.POST.get("seen")
    if seen is not None and seen != preview_seen(record):
        messages.error(
            request,
            "This preview changed after the page you confirmed from was shown (in another tab, "
            "perhaps), so nothing was imported. Check the preview below, then import again.",
        )
        return redirect(record)
    if record.status == ImportStatus.PREVIEWING:
        messages.error(request, "Nothing was imported: its preview is not ready yet.")
        return redirect(record)
    if import_under_way(record):  # confirmed twice: the first is on its way
        return redirect("deliverables:import_progress", pk=record.pk)
    if record.status != ImportStatus.PREVIEWED:
        try:  # imported, cancelled or refused already: the import's own check says which
            tracker_apply(request.user, record)
        except WorkflowError as error:
            messages.error(request, str(error))
        return redirect(record)
    # Written in the background (deliverables.tasks); the progress page follows it.
    queued = import_enqueue(request.user, record)
    if queued is None:  # another confirm claimed it first (a double click, two tabs)
        messages.info(request, "This import is already under way: its progress is below.")
        return redirect("deliverables:import_progress", pk=record.pk)
    record = queued
    if record.status != ImportStatus.APPLIED:
        if record.stage == ImportStage.DONE:  # refused at once: its page says why
            return redirect(record)
        return redirect("deliverables:import_progress", pk=record.pk)
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
    try:
        tracker_cancel(request.user, record)
    except WorkflowError as error:  # imported meanwhile, or being written now
        messages.error(request, str(error))
        return redirect(record)
    messages.success(request, f"{record.file_name} was not imported.")
    return redirect("deliverables:imports")


@require_GET
def layout_list(request: HttpRequest) -> HttpResponse:
    """The saved layouts: each is applied by itself to a file with the headers it was saved
    from."""
    _require_importer(request.user)
    layouts = layouts_visible_to(request.user).select_related("created_by")
    return render(
        request,
        "deliverables/import_layouts.html",
        {"layouts": layouts, "nav_section": "imports"},
    )


@require_http_methods(["GET", "POST"])
def layout_delete_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then forget a saved layout: files with its headers are guessed at again."""
    _require_importer(request.user)
    layout = get_object_or_404(layouts_visible_to(request.user).select_related("created_by"), pk=pk)
    if request.method == "POST":
        layout_delete(request.user, layout)
        messages.success(request, f"The layout '{layout.name}' was deleted.")
        return redirect("deliverables:import_layouts")
    return render(
        request,
        "deliverables/import_layout_delete.html",
        {"layout": layout, "nav_section": "imports"},
    )


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
