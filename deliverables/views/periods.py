"""The performance team's periods (a plan's quarters, or a monthly plan's months): add, open,
extend, close, reopen, publish, with progress. Pages speak of the plan's own period."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliverables import services
from deliverables.access import period_by_code
from deliverables.forms import ChaseForm, CloseForm, DueDateForm, PeriodCreateForm, ReasonForm
from deliverables.indicators.queues import quarter_value_progress
from deliverables.models import submission_progress
from deliverables.reminders import officers_chase, officers_to_chase, unowned_outstanding
from deliverables.workflow import WorkflowError
from plans.access import plan_for
from plans.models import Plan, ReportingPeriod, long_date
from plans.permissions import can_manage_periods


def _require_manager(user) -> None:
    if not can_manage_periods(user):
        raise PermissionDenied("Only the performance team manages quarters.")


@require_GET
def quarters_index(request: HttpRequest) -> HttpResponse:
    """Every plan with its quarters, for the performance team."""
    _require_manager(request.user)
    plans = list(
        Plan.objects.visible_to(request.user).prefetch_related(
            Prefetch("periods", queryset=ReportingPeriod.objects.newest_first())
        )
    )
    return render(
        request,
        "deliverables/quarters_index.html",
        {
            "plans": plans,
            "any_monthly": any(plan.is_monthly for plan in plans),
            "nav_section": "quarters",
        },
    )


@require_GET
def quarters(request: HttpRequest, slug: str) -> HttpResponse:
    _require_manager(request.user)
    plan = plan_for(request.user, slug)
    periods = list(ReportingPeriod.objects.for_plan(plan).newest_first())
    return render(
        request,
        "deliverables/quarters.html",
        {
            "plan": plan,
            "periods": periods,
            "form": PeriodCreateForm(plan=plan),
            "nav_section": "quarters",
        },
    )


@require_POST
def quarter_create(request: HttpRequest, slug: str) -> HttpResponse:
    _require_manager(request.user)
    plan = plan_for(request.user, slug)
    form = PeriodCreateForm(request.POST, plan=plan)
    if form.is_valid():
        year, quarter, month = form.cleaned_data["code"]
        try:
            period = services.period_create(request.user, plan, year, quarter, month)
        except WorkflowError as error:
            form.add_error("code", str(error))
        else:
            messages.success(request, f"{period.label} added. Open it when updates are due.")
            return redirect("deliverables:quarter", slug=plan.slug, code=period.code)
    periods = list(ReportingPeriod.objects.for_plan(plan).newest_first())
    return render(
        request,
        "deliverables/quarters.html",
        {"plan": plan, "periods": periods, "form": form, "nav_section": "quarters"},
        status=400,
    )


def _quarter_context(request, plan: Plan, period: ReportingPeriod, forms: dict) -> dict:
    today = timezone.localdate()
    rows, totals = submission_progress(period)
    history = list(period.history.select_related("history_user").order_by("-history_date")[:50])
    return {
        "plan": plan,
        "period": period,
        "rows": rows,
        "totals": totals,
        "history": history,
        "days_left": period.days_left(today),
        "later_published": services.later_published(period) if period.is_locked else [],
        "forms": {
            "open": forms.get("open") or DueDateForm(),
            "extend": forms.get("extend") or DueDateForm(initial={"due_on": period.due_on}),
            "reopen": forms.get("reopen") or ReasonForm(),
        },
        "nav_section": "quarters",
    }


@require_GET
def quarter_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Submission progress per directorate, the deadline, and the quarter's controls and log."""
    _require_manager(request.user)
    plan = plan_for(request.user, slug)
    period = period_by_code(plan, code)
    return render(
        request, "deliverables/quarter_detail.html", _quarter_context(request, plan, period, {})
    )


@require_POST
def quarter_transition(request: HttpRequest, slug: str, code: str, transition: str) -> HttpResponse:
    """Open, extend or reopen a quarter (closing has its own confirmation page; a quarter is
    published with its exception report)."""
    _require_manager(request.user)
    plan = plan_for(request.user, slug)
    period = period_by_code(plan, code)
    form_classes = {
        "open": DueDateForm,
        "extend": DueDateForm,
        "reopen": ReasonForm,
    }
    form = form_classes[transition](request.POST) if transition in form_classes else None
    if form is not None and not form.is_valid():
        context = _quarter_context(request, plan, period, {transition: form})
        return render(request, "deliverables/quarter_detail.html", context, status=400)
    data = form.cleaned_data if form is not None else {}
    try:
        if transition == "open":
            services.period_open(request.user, period, due_on=data["due_on"])
            message = (
                f"{period.label} is open for updates. Updates are due {long_date(data['due_on'])}."
            )
        elif transition == "extend":
            services.period_extend(request.user, period, due_on=data["due_on"])
            message = f"Deadline for {period.label} moved to {long_date(data['due_on'])}."
        else:
            services.period_reopen(request.user, period, reason=data["reason"])
            message = (
                f"{period.label} is open again. The reason is recorded, and the officers of its "
                "actions are told."
            )
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, message)
    return redirect("deliverables:quarter", slug=plan.slug, code=period.code)


@require_http_methods(["GET", "POST"])
def quarter_chase(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Chase officers with updates outstanding: the reminder email, now, once a day at most."""
    _require_manager(request.user)
    plan = plan_for(request.user, slug)
    period = period_by_code(plan, code)
    today = timezone.localdate()
    officers = officers_to_chase(period, today) if period.is_open else []
    form = ChaseForm(request.POST if request.method == "POST" else None, officers=officers)
    if request.method == "POST" and form.is_valid():
        try:
            report = officers_chase(request.user, period, form.cleaned_data["officers"], today)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            for line in _chase_summary(report):
                messages.info(request, line)
            return redirect("deliverables:quarter", slug=plan.slug, code=period.code)
    return render(
        request,
        "deliverables/quarter_chase.html",
        {"plan": plan, "period": period, "officers": officers, "form": form,
         "unowned": unowned_outstanding(period) if period.is_open else 0,
         "nav_section": "quarters"},
        status=400 if form.errors else 200,
    )  # fmt: skip


def _chase_summary(report) -> list[str]:
    def names(reminders) -> str:
        return ", ".join(str(r.user) for r in reminders)

    lines = []
    if report.sent:
        lines.append(f"Chased {len(report.sent)} officer{pluralize(len(report.sent))}: "
                     f"{names(report.sent)}.")  # fmt: skip
    if report.already_reminded:
        lines.append(f"Already reminded or chased today, so not emailed again: "
                     f"{names(report.already_reminded)}.")  # fmt: skip
    if report.no_email:
        lines.append(f"No email address, so not chased: {names(report.no_email)}.")
    for reminder, error in report.failed:
        lines.append(f"Could not email {reminder.user}: {error}. Try again later.")
    return lines


@require_http_methods(["GET", "POST"])
def quarter_close(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Closing a quarter: a page that says what closing will do (how many updates are missing,
    draft, returned, or submitted and not decided), with nothing chosen, then the close."""
    _require_manager(request.user)
    plan = plan_for(request.user, slug)
    period = period_by_code(plan, code)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        mark = form.cleaned_data["mark_missing"]
        try:
            marked = services.period_close(request.user, period, mark_missing=mark)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            message = f"{period.label} is closed."
            if mark:
                message += f" {marked} missing update{pluralize(marked)} marked No Update."
            messages.success(request, message)
        return redirect("deliverables:quarter", slug=plan.slug, code=period.code)
    _rows, totals = submission_progress(period)
    return render(
        request,
        "deliverables/quarter_close.html",
        {"plan": plan, "period": period, "totals": totals, "form": form,
         "values": quarter_value_progress(period), "nav_section": "quarters"},
    )  # fmt: skip
