"""Plan set-up for the performance team: the plans, a new plan with its statuses and first
year's periods, a plan's names and years, archiving. The structure is in setup_structure."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from deliverables.services import setup
from deliverables.setup_forms import PlanEditForm, PlanForm, ScaleChoiceForm, status_formset
from deliverables.workflow import WorkflowError
from plans.access import plan_for
from plans.models import Plan, ReportingPeriod
from plans.permissions import can_manage_plans

NAV = "setup"


def require_plan_manager(user) -> None:
    if not can_manage_plans(user):
        raise PermissionDenied("Only the performance team sets up plans.")


def managed_plan(request: HttpRequest, slug: str) -> Plan:
    """The plan named in the URL, for a plan manager (archived plans included); 403 for anyone
    else, before the plan is looked up, so nothing says whether it exists."""
    require_plan_manager(request.user)
    return plan_for(request.user, slug)


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """Every plan, active and archived, with its frequency, years and how much it holds."""
    require_plan_manager(request.user)
    plans = Plan.objects.annotate(
        outcome_count=Count("outcomes", distinct=True), action_count=Count("actions", distinct=True)
    ).order_by("-is_active", "-first_year", "name")
    return render(request, "deliverables/setup/plans.html", {"plans": plans, "nav_section": NAV})


def _new_plan_context(form, scale_form, statuses) -> dict:
    return {"form": form, "scale_form": scale_form, "statuses": statuses, "nav_section": NAV}


@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    """A new plan: names, years, frequency, level names and its status scale. Creating it
    adds its first year's periods, upcoming."""
    require_plan_manager(request.user)
    if request.method == "GET":
        context = _new_plan_context(PlanForm(), ScaleChoiceForm(), status_formset())
        return render(request, "deliverables/setup/plan_new.html", context)
    form = PlanForm(request.POST)
    scale_form = ScaleChoiceForm(request.POST)
    statuses = status_formset(request.POST)
    valid = form.is_valid() & scale_form.is_valid()
    rows = None
    if scale_form.is_valid():
        if scale_form.cleaned_data["scale"] == ScaleChoiceForm.COPY:
            rows = setup.scale_rows_of(scale_form.cleaned_data["copy_from"])
        elif statuses.is_valid():
            rows = statuses.rows()
        else:
            valid = False
    if valid and rows is not None:
        try:
            plan = setup.plan_create(request.user, form.instance, rows)
        except WorkflowError as error:
            scale_form.add_error(None, str(error))
        else:
            count = len(setup.first_year_periods(plan))
            messages.success(
                request,
                f"{plan.name} set up with {len(rows)} statuses and {count} upcoming "
                f"{plan.period_words}. Now add its {plan.outcome_label.lower()}s.",
            )
            return redirect("deliverables:setup_structure", slug=plan.slug)
    context = _new_plan_context(form, scale_form, statuses)
    return render(request, "deliverables/setup/plan_new.html", context, status=400)


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """A plan's name, description, years and level names (an archived plan is read-only)."""
    plan = managed_plan(request, slug)
    if not plan.is_active:
        messages.error(request, f"{plan.name} is archived, so it is read-only.")
        return redirect("deliverables:setup_structure", slug=plan.slug)
    form = PlanEditForm(request.POST or None, instance=plan)
    if request.method == "POST":
        if form.is_valid():
            setup.plan_update(request.user, form.instance, list(form.changed_data))
            messages.success(request, f"{plan.name} saved.")
            return redirect("deliverables:setup_structure", slug=plan.slug)
        status = 400
    else:
        status = 200
    return render(
        request,
        "deliverables/setup/plan_edit.html",
        {"plan": plan, "form": form, "nav_section": NAV},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def plan_archive(request: HttpRequest, slug: str) -> HttpResponse:
    """Archive a plan, or bring an archived one back, after a confirmation page."""
    plan = managed_plan(request, slug)
    if request.method == "POST":
        archived = request.POST.get("archive") == "yes"
        try:
            setup.plan_archive(request.user, plan, archived=archived)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            _archived_message(request, plan, archived)
        return redirect("deliverables:setup_plans")
    open_period = ReportingPeriod.objects.for_plan(plan).open().first() if plan.is_active else None
    return render(
        request,
        "deliverables/setup/plan_archive.html",
        {"plan": plan, "open_period": open_period, "nav_section": NAV},
    )


def _archived_message(request: HttpRequest, plan: Plan, archived: bool) -> None:
    if archived:
        messages.success(request, f"{plan.name} archived: it is read-only now.")
    else:
        messages.success(request, f"{plan.name} is active again and can be changed.")
