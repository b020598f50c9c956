"""The golden thread between plans: a deliverable's page with the actions of other plans behind
it, and linking an action to (or unlinking it from) the deliverables of other plans it serves."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from deliverables.access import action_for, period_for
from deliverables.models import Action, ActionContribution
from deliverables.services.thread import action_contribution_add, action_contribution_remove
from deliverables.thread import (
    ContributionForm,
    contributing_actions,
    deliverable_actions,
    deliverable_for,
)
from deliverables.workflow import WorkflowError
from plans.access import plan_for
from plans.models import ReportingPeriod
from plans.permissions import can_change_actions


@require_GET
def deliverable_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A deliverable: its own plan's actions in a period, and the actions of other plans that
    serve it, each with its status as the reader may see it."""
    plan = plan_for(request.user, slug)
    deliverable = deliverable_for(request.user, plan, pk)
    period = period_for(plan, request.GET.get("period"))
    return render(
        request,
        "deliverables/deliverable_detail.html",
        {
            "plan": plan,
            "outcome": deliverable.outcome,
            "deliverable": deliverable,
            "period": period,
            "periods": list(ReportingPeriod.objects.for_plan(plan).newest_first()),
            "rows": deliverable_actions(plan, deliverable, period, request.user),
            "thread": contributing_actions(request.user, deliverable),
            "nav_section": "plans",
        },
    )


def _changeable_action(request: HttpRequest, slug: str, pk: int) -> Action:
    """The action, if the user may change which deliverables it serves (else 403 or 404)."""
    plan = plan_for(request.user, slug)
    action = action_for(request.user, plan, pk)
    if not can_change_actions(request.user):
        raise PermissionDenied("Only the performance team can change which deliverables it serves.")
    if not plan.is_active:
        raise PermissionDenied(f"{plan.name} is archived: its actions are read-only.")
    return action


@require_http_methods(["GET", "POST"])
def contribution_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Step one chooses a plan (a GET form, so it works without scripts); step two one of its
    deliverables, grouped by outcome."""
    action = _changeable_action(request, slug, pk)
    # Step one's answer arrives by GET and must not be judged as the whole form: only a
    # POST is validated, so step two opens without errors.
    data = request.POST if request.method == "POST" else None
    form = ContributionForm(data, action=action, user=request.user)
    if request.method == "POST" and form.is_valid():
        deliverable = form.cleaned_data["deliverable"]
        try:
            action_contribution_add(request.user, action, deliverable)
        except WorkflowError as error:
            form.add_error("deliverable", str(error))
        else:
            messages.success(
                request,
                f"{action.display_ref} now serves {deliverable.outcome.plan.name} "
                f"{deliverable.ref or deliverable.title}.",
            )
            return redirect(action.get_absolute_url() + "#serves")
    slug_chosen = (data or request.GET).get("plan")
    chosen = form.chosen_plan(slug_chosen)
    return render(
        request,
        "deliverables/contribution_add.html",
        {
            "plan": action.plan,
            "action": action,
            "form": form,
            "chosen": chosen,
            "plan_unknown": bool(slug_chosen) and chosen is None,
            "choices": list(form.deliverable_choices(chosen)) if chosen else [],
            "nav_section": "plans",
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def contribution_remove(
    request: HttpRequest, slug: str, pk: int, deliverable_pk: int
) -> HttpResponse:
    """Confirm, then remove, the link between the action and a deliverable of another plan."""
    action = _changeable_action(request, slug, pk)
    link = get_object_or_404(
        ActionContribution.objects.select_related("deliverable__outcome__plan"),
        action=action,
        deliverable_id=deliverable_pk,
    )
    deliverable = link.deliverable
    if request.method == "POST":
        try:
            action_contribution_remove(request.user, action, deliverable)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"{action.display_ref} no longer serves {deliverable.outcome.plan.name} "
                f"{deliverable.ref or deliverable.title}.",
            )
        return redirect(action.get_absolute_url() + "#serves")
    return render(
        request,
        "deliverables/contribution_remove.html",
        {"plan": action.plan, "action": action, "deliverable": deliverable, "nav_section": "plans"},
    )
