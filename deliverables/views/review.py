"""An approver's queue: submitted updates of their directorates, approve or return with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliverables import services
from deliverables.access import (
    period_by_code,
    update_for_decision,
)
from deliverables.forms import (
    DecisionForm,
    ReturnForm,
)
from deliverables.models import (
    QuarterlyUpdate,
    UpdateState,
)
from deliverables.selectors import review_queue
from deliverables.workflow import (
    NotAllowed,
    WorkflowError,
)
from plans.access import plan_for
from plans.models import Plan, ReportingPeriod
from plans.permissions import may_approve_updates


@require_GET
def review(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """An approver's queue: submitted updates of their directorates, and what they decided."""
    if not may_approve_updates(request.user):
        raise PermissionDenied("Only approvers review updates.")
    plan = plan_for(request.user, slug)
    period = period_by_code(plan, code)
    queue = review_queue(request.user, plan, period)
    return render(
        request,
        "deliverables/review.html",
        {
            "plan": plan,
            "period": period,
            **queue,
            "nav_section": "review",
        },
    )


@require_GET
def review_index(request: HttpRequest) -> HttpResponse:
    """An approver's open quarters, with how many updates wait for them in each."""
    if not may_approve_updates(request.user):
        raise PermissionDenied("Only approvers review updates.")
    periods = (
        ReportingPeriod.objects.open()
        .filter(plan__in=Plan.objects.visible_to(request.user))
        .select_related("plan")
        .annotate(
            waiting=Count(
                "updates",
                filter=Q(
                    updates__state=UpdateState.SUBMITTED,
                    updates__action__directorate__in=request.user.directorates.all(),
                ),
            )
        )
        .order_by("plan__name")
    )
    return render(
        request, "deliverables/review_index.html", {"periods": periods, "nav_section": "review"}
    )


def _review_url(update: QuarterlyUpdate) -> str:
    return reverse("deliverables:review", args=[update.period.plan.slug, update.period.code])


@require_POST
def update_approve(request: HttpRequest, pk: int) -> HttpResponse:
    update = update_for_decision(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The approval could not be read: open the update and try again.")
        return redirect(_review_url(update))
    try:
        services.update_approve(request.user, update, expected_version=form.cleaned_data["version"])
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{update.action.display_ref} approved.")
    return redirect(_review_url(update))


@require_http_methods(["GET", "POST"])
def update_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Return a submitted update to its officer, with the reason they will see."""
    update = update_for_decision(request.user, pk)
    if request.method == "POST":
        form = ReturnForm(request.POST)
        if form.is_valid():
            try:
                services.update_return(
                    request.user,
                    update,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except NotAllowed as error:
                raise PermissionDenied(str(error)) from error
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"{update.action.display_ref} returned to its officer.")
                return redirect(_review_url(update))
    else:
        form = ReturnForm(initial={"version": update.version})
    update.action.plan = update.period.plan
    return render(
        request,
        "deliverables/return_form.html",
        {"update": update, "plan": update.period.plan, "form": form, "nav_section": "review"},
    )
