"""The performance team's quarters: add, open, extend, close, reopen, publish, with progress."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from deliverables import services
from deliverables.access import period_by_code
from deliverables.forms import CloseForm, DueDateForm, PeriodCreateForm, ReasonForm
from deliverables.models import submission_progress
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
    plans = Plan.objects.visible_to(request.user).prefetch_related(
        Prefetch("periods", queryset=ReportingPeriod.objects.newest_first())
    )
    return render(
        request, "deliverables/quarters_index.html", {"plans": plans, "nav_section": "quarters"}
    )


@require_GET
def quarters(request: HttpRequest, slug: str) -> HttpResponse:
    _require_manager(request.user)
    plan = plan_for(request.user, slug)
    periods = list(ReportingPeriod.objects.for_plan(plan).newest_first())
    return render(
        request,
        "deliverables/quarters.html",
        {"plan": plan, "periods": periods, "form": PeriodCreateForm(), "nav_section": "quarters"},
    )


@require_POST
def quarter_create(request: HttpRequest, slug: str) -> HttpResponse:
    _require_manager(request.user)
    plan = plan_for(request.user, slug)
    form = PeriodCreateForm(request.POST)
    if form.is_valid():
        year, quarter = form.cleaned_data["code"]
        try:
            period = services.period_create(request.user, plan, year, quarter)
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
        "forms": {
            "open": forms.get("open") or DueDateForm(),
            "extend": forms.get("extend") or DueDateForm(initial={"due_on": period.due_on}),
            "close": forms.get("close") or CloseForm(initial={"mark_missing": True}),
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
    """Open, extend, close, reopen or publish a quarter."""
    _require_manager(request.user)
    plan = plan_for(request.user, slug)
    period = period_by_code(plan, code)
    form_classes = {
        "open": DueDateForm,
        "extend": DueDateForm,
        "close": CloseForm,
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
            message = f"{period.label} is open. Updates are due {long_date(data['due_on'])}."
        elif transition == "extend":
            services.period_extend(request.user, period, due_on=data["due_on"])
            message = f"Deadline for {period.label} moved to {long_date(data['due_on'])}."
        elif transition == "close":
            marked = services.period_close(request.user, period, mark_missing=data["mark_missing"])
            message = f"{period.label} is closed."
            if data["mark_missing"]:
                message += f" {marked} missing update{pluralize(marked)} marked No Update."
        elif transition == "reopen":
            services.period_reopen(request.user, period, reason=data["reason"])
            message = f"{period.label} is open again. The reason is recorded."
        else:
            services.period_publish(request.user, period)
            message = f"{period.label} is published."
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, message)
    return redirect("deliverables:quarter", slug=plan.slug, code=period.code)
