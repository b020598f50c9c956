"""A report file's progress page, its status for the page's script, its download and retry.

The page refreshes itself (<meta http-equiv="refresh">) so it needs no script; with script
(static/js/progress.js) it reads the status endpoint instead and goes to the download the
moment the file is ready.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from plans.permissions import can_build_reports
from reports.files import STATUS_FIELDS, file_retry, is_stuck
from reports.models import ExceptionReport, FileState, ReportFile, report_file_name_of

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sum": "application/pdf",  # the summary layout (reports.summary)
}
# Seconds between the page's refreshes while the file is being made.
REFRESH_SECONDS = 3


def _file_for(user, pk: int, file_id: int) -> tuple[ExceptionReport, ReportFile]:
    """A file of a report the user may read (reports.views_report.report_for), else 404."""
    from reports.views_report import report_for  # that module imports this one

    report = report_for(user, pk)
    file = get_object_or_404(ReportFile.objects.defer(*STATUS_FIELDS), pk=file_id, report=report)
    return report, file


def _file_name(report: ExceptionReport, file: ReportFile) -> str:
    return report_file_name_of(report, file.fmt, frozen=file.frozen)


def file_response(report: ExceptionReport, file_id: int) -> HttpResponse:
    """The stored file, byte for byte, named after its report."""
    file = ReportFile.objects.get(pk=file_id)
    response = HttpResponse(bytes(file.content), content_type=CONTENT_TYPES[file.fmt])
    response["Content-Disposition"] = f'attachment; filename="{_file_name(report, file)}"'
    response["Content-Length"] = str(file.size)
    return response


def _status(report: ExceptionReport, file: ReportFile) -> dict:
    done = file.state == FileState.DONE
    return {
        "state": file.state,
        "label": file.get_state_display(),
        "message": file.message,
        "finished": file.is_finished,
        "stuck": is_stuck(file),
        "download": (
            reverse("reports:report_file_download", args=[report.pk, file.pk]) if done else None
        ),
    }


@require_GET
def report_file(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    report, file = _file_for(request.user, pk, file_id)
    return render(
        request,
        "reports/report_file.html",
        {
            "plan": report.plan,
            "report": report,
            "file": file,
            "status": _status(report, file),
            "refresh_seconds": REFRESH_SECONDS,
            "nav_section": "reports",
        },
    )


@require_GET
def report_file_status(request: HttpRequest, pk: int, file_id: int) -> JsonResponse:
    report, file = _file_for(request.user, pk, file_id)
    return JsonResponse(_status(report, file))


@require_GET
def report_file_download(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    report, file = _file_for(request.user, pk, file_id)
    if file.state != FileState.DONE:
        return redirect("reports:report_file", pk=report.pk, file_id=file.pk)
    return file_response(report, file.pk)


@require_POST
def report_file_retry(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    """Make again a file that failed, or whose worker stopped while making it: for those who
    build reports (a viewer changes nothing, and a file's making takes a render slot)."""
    report, file = _file_for(request.user, pk, file_id)
    if not can_build_reports(request.user):
        raise PermissionDenied("Only the performance team makes a report's files again.")
    if file.state == FileState.FAILED or is_stuck(file):
        file_retry(file)
        messages.success(request, "The file is being made again.")
    return redirect("reports:report_file", pk=report.pk, file_id=file.pk)
