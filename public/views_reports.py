"""Published reports on the public pages: the web page, its status colours and its PDF.

A report is public when it is published and its period is one of the public plan's published
periods (public.rules); drafts, reports of unpublished periods and of plans whose public pages
are off are 404. Each renders from its frozen snapshot, without anyone's name unless the
council publishes officers' names (reports.public_copy). The PDF is never rendered here: it
is the report's stored public copy, made by the worker (public.files).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from plans.models import Plan
from public.cache import cached_response
from public.decorators import public_view
from public.rules import public_periods, public_plan_for, shows_officer_names
from reports.files import STUCK_AFTER, public_file_is_current, public_file_request
from reports.models import (
    ExceptionReport,
    FileFormat,
    FileState,
    ReportFile,
    ReportState,
    report_file_name_of,
)
from reports.public_copy import without_names
from reports.recommendations import report_content
from reports.render import report_context, status_css


def _report_for(plan: Plan, pk: int) -> ExceptionReport:
    report = (
        ExceptionReport.objects.filter(
            pk=pk, plan=plan, state=ReportState.PUBLISHED, period__in=public_periods(plan)
        )
        .select_related("period")
        .first()
    )
    if report is None or not report.snapshot:
        raise Http404("No published report here.")
    return report


def _content(report: ExceptionReport):
    """The report's frozen content as the public reads it."""
    content = report_content(report)
    return content if shows_officer_names() else without_names(content)


@public_view
def report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A published report as a web page, as it was frozen."""
    plan = public_plan_for(slug)
    found = _report_for(plan, pk)

    def build() -> HttpResponse:
        return render(
            request,
            "public/report_detail.html",
            {"plan": plan, "period": found.period, "report": found,
             **report_context(_content(found))},
        )  # fmt: skip

    return cached_response(plan.pk, ("public:report", found.pk), build)


@public_view
def report_css(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The report's own status colours (a published report keeps the colours it had)."""
    plan = public_plan_for(slug)
    found = _report_for(plan, pk)
    return cached_response(
        plan.pk,
        ("public:report_css", found.pk),
        lambda: HttpResponse(status_css(_content(found)), content_type="text/css; charset=utf-8"),
    )


@public_view
def report_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The published report as a PDF: its public copy, made once by the worker and served as
    stored (public.files). No request renders one: while it is made, or if it could not be,
    a page says so; it is checked against the public rule on every request, so a reopened
    quarter's file is gone at once."""
    plan = public_plan_for(slug)
    found = _report_for(plan, pk)
    names = shows_officer_names()
    file = public_file_request(found, names)
    if public_file_is_current(file, names):
        return _stored(found, file.pk)
    failed = file.state == FileState.FAILED
    response = render(
        request,
        "public/report_file.html",
        {"plan": plan, "period": found.period, "report": found, "failed": failed,
         "retry_minutes": FAILED_RETRY_SECONDS // 60},
        status=503 if failed else 202,
    )  # fmt: skip
    # Not kept by a browser or proxy: the next look may find the file made.
    response["Cache-Control"] = "no-store"
    response["Retry-After"] = str(FAILED_RETRY_SECONDS if failed else REFRESH_SECONDS)
    return response


# Seconds a client is told to wait before asking again (Retry-After); and when a failed file
# is next tried (reports.files.STUCK_AFTER: any visitor's look after that makes it again, once).
REFRESH_SECONDS = 5
FAILED_RETRY_SECONDS = int(STUCK_AFTER.total_seconds())


def _stored(found: ExceptionReport, file_id: int) -> HttpResponse:
    """The stored bytes, the same on every download, named by the one rule (as the signed-in
    download of the same version is: from what it froze at publish)."""
    file = ReportFile.objects.only("content", "sha256", "size").get(pk=file_id)
    name = report_file_name_of(found, FileFormat.PDF, frozen=True)
    response = HttpResponse(bytes(file.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Content-Length"] = str(file.size)
    response["ETag"] = f'"{file.sha256}"'
    return response
