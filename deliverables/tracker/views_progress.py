"""A confirmed import's progress while the worker writes it: a page that refreshes itself
(no script needed) and the status the page's script reads (static/js/progress.js)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from deliverables.models import ImportRecord, ImportStage, ImportStatus
from deliverables.tasks import import_under_way
from deliverables.tracker.views import _record_for, _require_importer

# The steps shown, in order; each is "done", "now" or "to come" on the page.
STEPS = [ImportStage.READING, ImportStage.MATCHING, ImportStage.WRITING]
REFRESH_SECONDS = 2


def _status(record: ImportRecord) -> dict:
    finished = record.stage in ("", ImportStage.DONE)
    applied = record.status == ImportStatus.APPLIED
    if applied:
        label = "Imported"
    elif finished:
        label = "Not imported"
    else:
        label = record.get_stage_display()
    return {
        "state": record.stage or ImportStage.DONE,
        "label": label,
        "message": record.stage_message,
        "finished": finished,
        "stuck": not finished and not import_under_way(record),
        "result": record.get_absolute_url() if finished else None,
    }


def _steps(record: ImportRecord) -> list[tuple[str, str]]:
    if record.stage in ("", ImportStage.DONE):
        done = len(STEPS) if record.status == ImportStatus.APPLIED else 0
    else:
        done = STEPS.index(record.stage) if record.stage in STEPS else 0
    now = None if record.stage in ("", ImportStage.DONE, ImportStage.QUEUED) else done
    return [
        (step.label, "Done" if i < done else "In progress" if i == now else "To come")
        for i, step in enumerate(STEPS)
    ]


@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    _require_importer(request.user)
    record = _record_for(request.user, pk)
    return render(
        request,
        "deliverables/import_progress.html",
        {
            "record": record,
            "status": _status(record),
            "steps": _steps(record),
            "refresh_seconds": REFRESH_SECONDS,
            "nav_section": "imports",
        },
    )


@require_GET
def import_progress_status(request: HttpRequest, pk: int) -> JsonResponse:
    _require_importer(request.user)
    return JsonResponse(_status(_record_for(request.user, pk)))
