"""One action: where it sits, who leads it, its updates and history; its delegates; reopening
and withdrawing it; and reassigning every action of one officer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliverables import services
from deliverables.access import (
    action_for,
    period_for,
)
from deliverables.forms import (
    ColleagueForm,
    ReasonForm,
    ReassignForm,
    WithdrawForm,
)
from deliverables.history import action_timeline
from deliverables.indicators.readings import quarter_readings
from deliverables.milestone_reads import action_milestones
from deliverables.models import (
    Action,
    ActionDelegate,
    ActionPlacement,
    UpdateState,
)
from deliverables.permissions import (
    can_delegate,
    can_enter_updates,
    can_return,
    users_who_may_enter_updates,
)
from deliverables.rules import (
    sees_work_of,
)
from deliverables.selectors import action_updates
from deliverables.thread import served_deliverables
from deliverables.workflow import (
    WorkflowError,
)
from plans.access import plan_for
from plans.models import ReportingPeriod
from plans.permissions import can_change_actions


@require_GET
def action_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Where the action sits in the plan, who leads it, its updates and its audit timeline."""
    plan = plan_for(request.user, slug)
    action = action_for(request.user, plan, pk)
    placements = list(
        ActionPlacement.objects.filter(action=action)
        .select_related("outcome", "theme", "deliverable__theme")
        .order_by("outcome__order", "order")
    )
    for placement in placements:
        placement.outcome.plan = plan  # for the outcome's URL, without a query per row
    updates = action_updates(request.user, action)
    for update in updates:
        # In a reopened quarter the performance team can send an approved update back.
        update.action = action
        update.returnable = (
            update.state == UpdateState.APPROVED
            and update.period.is_open
            and can_return(request.user, update)
        )
    visible_ids = {u.pk for u in updates if u.readable}
    delegates = list(ActionDelegate.objects.filter(action=action).select_related("user"))
    delegating = can_delegate(request.user, action)
    colleague_form = None
    if delegating:
        colleague_form = ColleagueForm(choices=_delegate_choices(action))
    open_period = ReportingPeriod.objects.open().filter(plan=plan).first()
    # With no lead officer, only delegates whose role allows it enter the updates
    # (deliverables.permissions.can_enter_updates); the page says so.
    leaderless_enterers = []
    if action.lead_officer_id is None:
        leaderless_enterers = list(
            users_who_may_enter_updates().filter(delegations__action=action).order_by("last_name")
        )
    # The indicators that evidence it, read for the quarter the plan page shows by default.
    indicators = list(
        action.indicators.filter(is_active=True)
        .select_related("owner", "directorate")
        .order_by("order", "code")
    )
    period = period_for(plan, None) if indicators else None
    sees_work = sees_work_of(request.user, action, {d.user_id for d in delegates})
    readings = quarter_readings(plan, period, request.user, indicators) if period else []
    return render(
        request,
        "deliverables/action_detail.html",
        {
            "plan": plan,
            "action": action,
            "placements": placements,
            "updates": updates,
            "timeline": action_timeline(
                action,
                visible_ids,
                work_in_progress=sees_work,
            ),
            "delegates": delegates,
            "can_delegate": delegating,
            "colleague_form": colleague_form,
            "can_edit": can_enter_updates(request.user, action),
            "open_period": open_period,
            "can_reopen": action.completed_in_id and can_change_actions(request.user),
            "reopen_form": ReasonForm(),
            "can_withdraw": can_change_actions(request.user),
            "can_assign": can_change_actions(request.user),
            "leaderless_enterers": leaderless_enterers,
            "withdraw_form": WithdrawForm(plan=plan),
            "reinstate_form": ReasonForm(),
            "readings": readings,
            "reading_period": period,
            "serves": served_deliverables(request.user, action),  # the golden thread
            "milestones": action_milestones(
                request.user, action, timezone.localdate(), sees_work=sees_work
            ),
            "nav_section": "plans",
        },
    )


def _delegate_choices(action: Action):
    """Colleagues who may enter updates (deliverables.permissions), in the action's directorate."""
    users = users_who_may_enter_updates().exclude(pk=action.lead_officer_id)
    if action.directorate_id:
        users = users.filter(directorates=action.directorate_id)
    return users.order_by("last_name", "first_name", "username")


@require_POST
def delegate_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = plan_for(request.user, slug)
    action = action_for(request.user, plan, pk)
    if not can_delegate(request.user, action):
        raise PermissionDenied("Only the lead officer, an approver or the performance team can.")
    form = ColleagueForm(request.POST, choices=_delegate_choices(action))
    if form.is_valid():
        try:
            services.action_delegate(request.user, action, form.cleaned_data["user"])
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"{form.cleaned_data['user']} can now enter this action's updates."
            )
    else:
        messages.error(request, "Choose a colleague from the list.")
    return redirect(action.get_absolute_url() + "#delegates")


@require_POST
def delegate_remove(request: HttpRequest, slug: str, pk: int, user_pk: int) -> HttpResponse:
    plan = plan_for(request.user, slug)
    action = action_for(request.user, plan, pk)
    if not can_delegate(request.user, action):
        raise PermissionDenied("Only the lead officer, an approver or the performance team can.")
    delegation = ActionDelegate.objects.filter(action=action, user_id=user_pk).first()
    if delegation is None:
        messages.error(request, "That colleague was not a delegate of this action.")
    else:
        services.action_undelegate(request.user, action, delegation.user)
        messages.success(request, f"{delegation.user} can no longer enter this action's updates.")
    return redirect(action.get_absolute_url() + "#delegates")


def _change_with_reason(
    request: HttpRequest, slug: str, pk: int, change, verbs: tuple[str, str], done: str
) -> HttpResponse:
    """Reopen or reinstate an action: the performance team, with a reason that is recorded."""
    plan = plan_for(request.user, slug)
    action = action_for(request.user, plan, pk)
    refused, gerund = verbs
    if not can_change_actions(request.user):
        raise PermissionDenied(f"Only the performance team can {refused}.")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Give the reason for {gerund}: it is recorded.")
    else:
        try:
            change(request.user, action, reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{action.display_ref} {done}")
    return redirect(action.get_absolute_url())


@require_POST
def action_reopen(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _change_with_reason(
        request,
        slug,
        pk,
        services.action_reopen,
        ("reopen a completed action", "reopening"),
        "reopened: it will ask for updates.",
    )


@require_POST
def action_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Take an action out of the plan from a quarter not yet closed; earlier ones keep it."""
    plan = plan_for(request.user, slug)
    action = action_for(request.user, plan, pk)
    if not can_change_actions(request.user):
        raise PermissionDenied("Only the performance team can withdraw an action.")
    form = WithdrawForm(request.POST, plan=plan)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(action.get_absolute_url())
    try:
        services.action_withdraw(
            request.user, action, form.cleaned_data["period"], reason=form.cleaned_data["reason"]
        )
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"{action.display_ref} withdrawn from {form.cleaned_data['period'].label}: it is "
            "not counted there or later.",
        )
    return redirect(action.get_absolute_url())


@require_POST
def action_reinstate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _change_with_reason(
        request,
        slug,
        pk,
        services.action_reinstate,
        ("reinstate an action", "reinstating"),
        "is back in the plan.",
    )


@require_http_methods(["GET", "POST"])
def reassign(request: HttpRequest, slug: str) -> HttpResponse:
    """Move every action one officer leads in this plan to another officer."""
    if not can_change_actions(request.user):
        raise PermissionDenied("Only the performance team can reassign actions.")
    plan = plan_for(request.user, slug)
    officers = users_who_may_enter_updates().order_by("last_name", "first_name", "username")
    form = ReassignForm(request.POST or None, officers=officers)
    if request.method == "POST" and form.is_valid():
        actions = list(
            Action.objects.for_plan(plan).filter(lead_officer=form.cleaned_data["from_user"])
        )
        try:
            moved = services.actions_reassign(request.user, actions, form.cleaned_data["to_user"])
        except WorkflowError as error:
            form.add_error("to_user", str(error))
        else:
            messages.success(
                request,
                f"{moved} action{pluralize(moved)} moved from {form.cleaned_data['from_user']} "
                f"to {form.cleaned_data['to_user']}.",
            )
            return redirect("deliverables:reassign", slug=plan.slug)
    led = (
        Action.objects.for_plan(plan)
        .exclude(lead_officer=None)
        .values("lead_officer__first_name", "lead_officer__last_name", "lead_officer__username")
        .annotate(n=Count("pk"))
        .order_by("lead_officer__last_name", "lead_officer__first_name")
    )
    return render(
        request,
        "deliverables/reassign.html",
        {"plan": plan, "form": form, "led": led, "nav_section": "quarters"},
        status=400 if request.method == "POST" else 200,
    )
