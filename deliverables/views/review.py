"""An approver's queue: submitted updates of their directorates, approve or return with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliverables import services
from deliverables.access import (
    period_by_code,
    update_for_decision,
)
from deliverables.forms import (
    ApproveManyForm,
    DecisionForm,
    ReturnForm,
)
from deliverables.indicators.queues import value_review_queue, values_waiting
from deliverables.milestone_reads import claims_by_update
from deliverables.models import (
    QuarterlyUpdate,
    UpdateState,
)
from deliverables.permissions import can_return
from deliverables.selectors import review_queue
from deliverables.views.attempt import attempt
from deliverables.workflow import (
    WorkflowError,
)
from plans.access import plan_for
from plans.models import Plan, ReportingPeriod
from plans.permissions import decides_for_every_directorate, reviews_updates


@require_GET
def review(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """An approver's queue: submitted updates of their directorates, and what they decided."""
    if not reviews_updates(request.user):
        raise PermissionDenied("Only approvers and the performance team review updates.")
    plan = plan_for(request.user, slug)
    period = period_by_code(plan, code)
    queue = review_queue(request.user, plan, period)
    claims = claims_by_update([u.pk for u in queue["waiting"]])
    for update in queue["waiting"]:
        update.milestone_claims = claims.get(update.pk, [])  # the reviewer decides on these too
    return render(
        request,
        "deliverables/review.html",
        {
            "plan": plan,
            "period": period,
            **queue,
            "values": value_review_queue(request.user, plan, period),
            "decides_everywhere": decides_for_every_directorate(request.user),
            "nav_section": "review",
        },
    )


@require_GET
def review_index(request: HttpRequest) -> HttpResponse:
    """An approver's open quarters, with how many updates wait for them in each."""
    if not reviews_updates(request.user):
        raise PermissionDenied("Only approvers and the performance team review updates.")
    periods = list(
        ReportingPeriod.objects.open()
        .filter(plan__in=Plan.objects.visible_to(request.user))
        .select_related("plan")
        .order_by("plan__name")
    )
    waiting = dict(
        QuarterlyUpdate.objects.filter(period__in=periods, state=UpdateState.SUBMITTED)
        .reviewed_by(request.user)
        .values_list("period")
        .annotate(n=Count("pk"))
        .order_by()
    )
    waiting_values = values_waiting(request.user, periods)
    for period in periods:
        period.waiting = waiting.get(period.pk, 0)
        period.waiting_values = waiting_values.get(period.pk, 0)
    return render(
        request, "deliverables/review_index.html", {"periods": periods, "nav_section": "review"}
    )


@require_POST
def approve_many(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Approve the ticked updates: first a page listing exactly what will be approved, then,
    once confirmed, all of them (or none, with the reason, if one changed meanwhile)."""
    if not reviews_updates(request.user):
        raise PermissionDenied("Only approvers and the performance team review updates.")
    plan = plan_for(request.user, slug)
    period = period_by_code(plan, code)
    queue = review_queue(request.user, plan, period)
    decidable = [u for u in queue["waiting"] if not u.is_own]
    form = ApproveManyForm(request.POST, decidable=decidable)
    if not form.is_valid():
        messages.error(request, form.errors["updates"][0])
        return redirect("deliverables:review", slug=plan.slug, code=period.code)
    decisions = form.decisions()
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "deliverables/review_confirm.html",
            {"plan": plan, "period": period, "decisions": decisions, "nav_section": "review"},
        )
    try:
        count = services.updates_approve(request.user, decisions)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        refs = ", ".join(u.action.display_ref for u, _ in decisions)
        messages.success(request, f"{count} update{pluralize(count)} approved: {refs}.")
    return redirect("deliverables:review", slug=plan.slug, code=period.code)


def _review_url(update: QuarterlyUpdate) -> str:
    return reverse("deliverables:review", args=[update.period.plan.slug, update.period.code])


@require_POST
def update_approve(request: HttpRequest, pk: int) -> HttpResponse:
    update = update_for_decision(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The approval could not be read: open the update and try again.")
        return redirect(_review_url(update))
    attempt(
        request,
        lambda: services.update_approve(
            request.user, update, expected_version=form.cleaned_data["version"]
        ),
        f"{update.action.display_ref} approved.",
    )
    return redirect(_review_url(update))


@require_http_methods(["GET", "POST"])
def update_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Return an update to its officer, with the reason they will see: a submitted one from the
    review queue, or (the performance team, in a reopened quarter) an approved one."""
    update = update_for_decision(request.user, pk)
    decided = update.state in (UpdateState.SUBMITTED, UpdateState.APPROVED)
    if decided and not can_return(request.user, update):
        raise PermissionDenied("You cannot return this update.")
    after = (
        _review_url(update)
        if update.state == UpdateState.SUBMITTED
        else update.action.get_absolute_url()
    )
    if request.method == "POST":
        form = ReturnForm(request.POST)
        returned = form.is_valid() and attempt(
            request,
            lambda: services.update_return(
                request.user,
                update,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            ),
            f"{update.action.display_ref} returned to its officer.",
            form,
        )
        if returned:
            return redirect(after)
    else:
        form = ReturnForm(initial={"version": update.version})
    update.action.plan = update.period.plan
    return render(
        request,
        "deliverables/return_form.html",
        {
            "update": update,
            "plan": update.period.plan,
            "form": form,
            "returnable": decided and update.period.is_open,
            "back": after,
            "nav_section": "review",
        },
    )
