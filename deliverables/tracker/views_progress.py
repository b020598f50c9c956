"""An import's progress while the worker works: a big upload's preview (shown on the import's
own page until it is ready) and a confirmed import being written. A page that refreshes itself
(no script needed) and the status the page's script reads (static/js/progress.js)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from deliverables.models import ImportRecord, ImportStage, ImportStatus
from deliverables.tracker.stages import import_under_way, work_finished
from deliverables.tracker.views_common import record_for, require_importer

# The steps shown, in order; each is "done", "now" or "to come" on the page.
STEPS = [ImportStage.READING, ImportStage.MATCHING, ImportStage.WRITING]
PREVIEW_STEPS = [
    (ImportStage.READING, "Reading the workbook and working out its columns"),
    (ImportStage.MATCHING, "Matching its rows to the plan"),
]
REFRESH_SECONDS = 2
# What a finished record is, said on its progress page.
FINISHED = {
    ImportStatus.PREVIEWED: "Preview ready",
    ImportStatus.REFUSED: "File refused",
    ImportStatus.FAILED: "Failed: nothing kept",
    ImportStatus.CANCELLED: "Cancelled",
}


def _label(record: ImportRecord, finished: bool) -> str:
    if record.status == ImportStatus.APPLIED:
        return "Imported"
    if not finished:
        return record.get_stage_display()
    if record.stage == ImportStage.DONE:  # a confirmed import that stopped
        return "Not imported"
    return FINISHED.get(record.status, "Not imported")


def _status(record: ImportRecord) -> dict:
    finished = work_finished(record)
    return {
        "state": record.stage if not finished else ImportStage.DONE,
        "label": _label(record, finished),
        "message": record.stage_message,
        "finished": finished,
        "stuck": not finished and not import_under_way(record),
        "result": record.get_absolute_url() if finished else None,
    }


def _steps(record: ImportRecord) -> list[tuple[str, str]]:
    previewing = record.status == ImportStatus.PREVIEWING
    steps = PREVIEW_STEPS if previewing else [(step, step.label) for step in STEPS]
    stages = [stage for stage, _ in steps]
    if work_finished(record):
        done = len(steps) if record.status == ImportStatus.APPLIED else 0
    else:
        done = stages.index(record.stage) if record.stage in stages else 0
    now = None if work_finished(record) or record.stage == ImportStage.QUEUED else done
    return [
        (label, "Done" if i < done else "In progress" if i == now else "To come")
        for i, (_, label) in enumerate(steps)
    ]


def progress_page(request: HttpRequest, record: ImportRecord) -> HttpResponse:
    """The page for a preview being made or an import being written. The bar counts a step in
    progress as half done, so it moves at each stage and is full only at the end."""
    steps = _steps(record)
    status = _status(record)
    # No worker has it yet: other work (report files, other imports) may be ahead of it.
    waiting = not (status["finished"] or status["stuck"]) and record.stage == ImportStage.QUEUED
    done = sum(2 for _, state in steps if state == "Done")
    done += sum(1 for _, state in steps if state == "In progress")
    return render(
        request,
        "deliverables/import_progress.html",
        {
            "record": record,
            "status": status,
            "waiting": waiting,
            "steps": steps,
            "bar": {"value": done, "max": 2 * len(steps), "percent": round(50 * done / len(steps))},
            "previewing": record.status == ImportStatus.PREVIEWING,
            "refresh_seconds": REFRESH_SECONDS,
            "nav_section": "imports",
        },
    )


@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    require_importer(request.user)
    return progress_page(request, record_for(request.user, pk))


@require_GET
def import_progress_status(request: HttpRequest, pk: int) -> JsonResponse:
    require_importer(request.user)
    return JsonResponse(_status(record_for(request.user, pk)))
