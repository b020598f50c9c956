"""The exception report pages: list, start, edit, preview, publish, correct, download."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliverables.access import period_by_code, period_for
from deliverables.workflow import WorkflowError
from plans.access import plan_for
from plans.models import ReportingPeriod, Status
from plans.permissions import can_build_reports, can_publish_reports
from reports.files import file_request, renderers_for, stored_file_id
from reports.forms import ReportEditForm, ReportStartForm
from reports.limits import RENDERS_PER_USER, render_slot
from reports.models import ExceptionReport, FileState, ReportKind
from reports.recommendations import report_content
from reports.render import status_css
from reports.report_pages import page_context
from reports.services import report_edit, report_publish, report_start
from reports.summary import SUGGEST_SUMMARY_FROM, appendix_name, suggests_summary
from reports.views_files import file_response


def report_for(user, pk: int) -> ExceptionReport:
    """A report the user may read: published versions for all, drafts for report builders."""
    report = get_object_or_404(
        ExceptionReport.objects.visible_to(user).select_related(
            "plan", "period", "published_by", "created_by"
        ),
        pk=pk,
    )
    plan_for(user, report.plan.slug)  # a retired plan's reports are not for viewers either
    return report


def _require_builder(user) -> None:
    if not can_build_reports(user):
        raise PermissionDenied("Only the performance team builds reports.")


@require_GET
def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for(request.user, slug)
    reports = list(
        ExceptionReport.objects.visible_to(request.user)
        .filter(plan=plan)
        .select_related("period", "published_by")
        .defer("snapshot")
    )
    periods = ReportingPeriod.objects.for_plan(plan).newest_first()
    return render(
        request,
        "reports/report_list.html",
        {
            "plan": plan,
            "reports": reports,
            # Offered first: the period the dashboard and register open on (deliverables.access).
            "form": ReportStartForm(
                periods=periods,
                initial={"period": getattr(period_for(plan, None, latest=True), "code", None)},
            ),
            "nav_section": "reports",
        },
    )


@require_POST
def report_new(request: HttpRequest, slug: str) -> HttpResponse:
    _require_builder(request.user)
    plan = plan_for(request.user, slug)
    form = ReportStartForm(
        request.POST, periods=ReportingPeriod.objects.for_plan(plan).newest_first()
    )
    if not form.is_valid():
        messages.error(request, f"Choose the {plan.period_word} the report is for.")
        return redirect("reports:reports", slug=plan.slug)
    report = report_start(
        request.user,
        period_by_code(plan, form.cleaned_data["period"]),
        form.cleaned_data["kind"] or ReportKind.EXCEPTIONS,
    )
    return redirect(report)


@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a web page: a draft built now, or a published version as it was frozen.
    A long one shows its exceptions one outcome at a time (reports.report_pages)."""
    report = report_for(request.user, pk)
    data = report_content(report)
    context = page_context(data, request.GET.get("outcome", "").strip() or None)
    versions = list(
        ExceptionReport.objects.visible_to(request.user)
        .filter(period=report.period, kind=report.kind)
        .select_related("published_by")
        .defer("snapshot")
        .order_by("-version")
    )
    return render(
        request,
        "reports/report_detail.html",
        {
            "plan": report.plan,
            "report": report,
            "versions": versions,
            "has_draft": any(not v.is_published for v in versions),
            "summary_suggested": suggests_summary(data),
            "summary_appendix": appendix_name(data),
            "summary_from": SUGGEST_SUMMARY_FROM,
            **context,
            "nav_section": "reports",
        },
    )


@require_http_methods(["GET", "POST"])
def report_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The introduction, a narrative per outcome, and which extra statuses count."""
    _require_builder(request.user)
    report = report_for(request.user, pk)
    if report.is_published:
        messages.error(request, "A published version cannot change: start a correction instead.")
        return redirect(report)
    outcomes = list(report.plan.outcomes.order_by("order", "name"))
    statuses = Status.objects.for_plan(report.plan).filter(is_exception=False).order_by("order")
    if report.kind == ReportKind.RECOMMENDATIONS:  # an introduction only: no outcomes
        outcomes, statuses = [], Status.objects.none()
    initial = {
        "introduction": report.introduction,
        "extra_statuses": report.extra_statuses.all(),
        **{f"narrative_{o.pk}": report.narratives.get(str(o.pk), "") for o in outcomes},
    }
    form = ReportEditForm(
        request.POST or None, initial=initial, outcomes=outcomes, statuses=statuses
    )
    if request.method == "POST" and form.is_valid():
        try:
            report_edit(
                request.user,
                report,
                introduction=form.cleaned_data["introduction"],
                narratives={o.pk: form.cleaned_data[f"narrative_{o.pk}"] for o in outcomes},
                extra_statuses=list(form.cleaned_data["extra_statuses"]),
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Saved. This is the draft as it stands.")
            return redirect(report)
    return render(
        request,
        "reports/report_edit.html",
        {
            "plan": report.plan,
            "report": report,
            "form": form,
            "narrative_fields": [(o, form[f"narrative_{o.pk}"]) for o in outcomes],
            "nav_section": "reports",
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def report_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for(request.user, pk)
    if not can_publish_reports(request.user):
        raise PermissionDenied("Only the performance team publishes reports.")
    try:
        report_publish(request.user, report)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Version {report.version} published. It is frozen: later changes to updates "
            "will not alter it.",
        )
    return redirect(report)


@require_POST
def report_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the next version of a published report, with its words carried over."""
    _require_builder(request.user)
    report = report_for(request.user, pk)
    draft = report_start(request.user, report.period, report.kind)
    messages.success(
        request,
        f"Version {draft.version} is a draft built from today's data. Edit, then publish it.",
    )
    return redirect(draft)


@require_GET
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report as a file: a published version's stored file at once; otherwise the file is
    made in the background (reports.files) and the person waits on its progress page. Asking
    takes one of a person's few slots (reports.limits), so one account cannot flood the queue
    (or, with no worker, hold every web worker)."""
    report = report_for(request.user, pk)
    if fmt not in renderers_for(report):  # the summary is of exception reports only
        raise Http404("This report has no file of that kind.")
    if stored := stored_file_id(report, fmt):  # no slot needed: nothing is made
        return file_response(report, stored)
    with render_slot(request.user) as free:
        if not free:
            response = render(
                request,
                "reports/render_busy.html",
                {"plan": report.plan, "report": report, "limit": RENDERS_PER_USER},
                status=429,
            )
            response["Retry-After"] = "5"
            return response
        file = file_request(report, fmt, request.user)
    if file.state == FileState.DONE:  # stored already, or made at once (no worker)
        return file_response(report, file.pk)
    return redirect("reports:report_file", pk=report.pk, file_id=file.pk)


@require_GET
def report_css(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's own status colours, so a published version keeps the colours it had."""
    report = report_for(request.user, pk)
    if report.is_published:
        css = status_css(report_content(report))
    else:  # a draft shows today's colours: no need to build the report for them
        css = "\n".join(
            f".app-rs--{s.pk}{{background-color:{s.colour};color:{s.text_colour};}}"
            for s in Status.objects.for_plan(report.plan)
        )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
