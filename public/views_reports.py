"""Published reports on the public pages: the web page, its status colours and its PDF.

A report is public when it is published and its period is one of the public plan's published
periods (public.rules); drafts, reports of unpublished periods and of plans whose public pages
are off are 404. Each renders from its frozen snapshot, without anyone's name unless the
council publishes officers' names (reports.public_copy).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from plans.models import Plan
from public.cache import cached_response
from public.decorators import public_view
from public.rules import public_periods, public_plan_for, shows_officer_names
from reports.limits import render_slot
from reports.models import ExceptionReport, ReportKind, ReportState
from reports.public_copy import without_names
from reports.recommendations import report_content
from reports.render import render_pdf, report_context, status_css


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


def _file_word(report: ExceptionReport) -> str:
    if report.kind == ReportKind.RECOMMENDATIONS:
        return "recommendations-report"
    return "exception-report"


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
    """The published report as a PDF. Everyone not signed in shares a few render slots
    (reports.limits), so visitors cannot hold every worker; a made PDF is then cached."""
    plan = public_plan_for(slug)
    found = _report_for(plan, pk)

    def build() -> HttpResponse:
        with render_slot(request.user) as free:
            if not free:
                response = HttpResponse(
                    "Busy making other files: please try again in a few seconds.",
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = "5"
                return response
            content = render_pdf(_content(found))
        name = f"{plan.slug}-{found.period.code}-{_file_word(found)}-v{found.version}.pdf"
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    return cached_response(plan.pk, ("public:report_pdf", found.pk), build)
