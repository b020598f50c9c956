"""Actions and their quarterly updates: my updates, the update form, review and approval."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliverables import services
from deliverables.access import (
    action_for,
    editable_action_for,
    period_by_code,
    update_for_decision,
)
from deliverables.forms import (
    ColleagueForm,
    DecisionForm,
    ReasonForm,
    ReturnForm,
    UpdateForm,
    WithdrawForm,
)
from deliverables.history import action_timeline
from deliverables.models import (
    Action,
    ActionDelegate,
    ActionPlacement,
    QuarterlyUpdate,
    UpdateSource,
    UpdateState,
)
from deliverables.rules import (
    out_of_scope_reason,
    sees_work_of,
    users_who_may_enter_updates,
)
from deliverables.workflow import (
    NotAllowed,
    StaleUpdate,
    WorkflowError,
    can_delegate,
    can_edit,
    is_editable_state,
    workflow_state,
)
from plans.access import plan_for
from plans.models import Plan, ReportingPeriod


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    """Where signing in leads: an officer's open updates, an approver's queue, or the plans."""
    open_periods = ReportingPeriod.objects.open()
    if Action.objects.editable_by(request.user).filter(plan__periods__in=open_periods).exists():
        return redirect("deliverables:my_updates")
    if request.user.has_perm("deliverables.approve_update"):
        waiting = QuarterlyUpdate.objects.filter(
            state=UpdateState.SUBMITTED,
            period__in=open_periods,
            action__directorate__in=request.user.directorates.all(),
        )
        first = waiting.select_related("period__plan").first()
        if first is not None:
            return redirect(
                "deliverables:review", slug=first.period.plan.slug, code=first.period.code
            )
    return redirect("home")


def _latest_by_action(updates) -> dict[int, QuarterlyUpdate]:
    return {update.action_id: update for update in updates}


@require_GET
def my_updates(request: HttpRequest) -> HttpResponse:
    """Every action the user leads or was delegated, for each open quarter, by outcome."""
    today = timezone.localdate()
    # Whether the user has anything in each open quarter's plan is asked in the same query,
    # so an open quarter of a plan they play no part in costs no query of its own.
    theirs = Action.objects.editable_by(request.user).filter(plan=OuterRef("plan"))
    periods = list(
        ReportingPeriod.objects.open()
        .filter(plan__in=Plan.objects.visible_to(request.user))
        .annotate(has_actions=Exists(theirs))
        .select_related("plan")
        .order_by("plan__name")
    )
    quarters = []
    for period in periods:
        if not period.has_actions:
            continue
        actions = list(
            Action.objects.editable_by(request.user)
            .in_scope_for(period)
            .select_related("directorate", "lead_officer")
            .order_by("ref_normalised", "pk")
        )
        if not actions:
            continue
        ids = [a.pk for a in actions]
        current = _latest_by_action(
            QuarterlyUpdate.objects.filter(period=period, action_id__in=ids).select_related(
                "status"
            )
        )
        previous_period = period.previous()
        previous = {}
        if previous_period is not None:
            previous = _latest_by_action(
                QuarterlyUpdate.objects.filter(period=previous_period, action_id__in=ids)
                .counted_for(request.user)
                .select_related("status")
            )
        first_outcome: dict[int, object] = {}
        for placement in (
            ActionPlacement.objects.filter(action_id__in=ids)
            .select_related("outcome")
            .order_by("outcome__order", "order")
        ):
            first_outcome.setdefault(placement.action_id, placement.outcome)
        groups: dict[object, list] = {}
        counts = {"not_started": 0, "draft": 0, "submitted": 0, "returned": 0, "approved": 0}
        for action in actions:
            action.plan = period.plan
            update = current.get(action.pk)
            state = workflow_state(update)
            counts[state] += 1
            row = {
                "action": action,
                "update": None if state == "not_started" else update,
                "state": state,
                "previous": previous.get(action.pk),
                "is_delegate": action.lead_officer_id != request.user.pk,
            }
            groups.setdefault(first_outcome.get(action.pk), []).append(row)
        sections = sorted(
            groups.items(), key=lambda item: (item[0] is None, getattr(item[0], "order", 0))
        )
        quarters.append(
            {
                "period": period,
                "previous_period": previous_period,
                "sections": sections,
                "counts": counts,
                "total": len(actions),
                "days_left": period.days_left(today),
            }
        )
    return render(
        request,
        "deliverables/my_updates.html",
        {"quarters": quarters, "open_count": len(periods), "nav_section": "updates"},
    )


@require_http_methods(["GET", "POST"])
def update_edit(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    """An officer's update for one action and quarter: save a draft, come back, submit."""
    plan = plan_for(request.user, slug)
    period = period_by_code(plan, code)
    action = editable_action_for(request.user, plan, pk)
    update = (
        QuarterlyUpdate.objects.filter(action=action, period=period)
        .select_related("status", "updated_by", "submitted_by")
        .first()
    )
    previous_period = period.previous()
    previous = services.previous_update(request.user, action, previous_period)
    in_scope = Action.objects.in_scope_for(period).filter(pk=action.pk).exists()
    editable = period.is_open and in_scope and is_editable_state(update)
    version = update.version if update else 0
    if workflow_state(update) == "not_started" and period.is_open:
        update = None  # the No Update a close wrote: the officer starts afresh
    previous_status = previous.status if previous else None
    conflict = None
    submitting = request.POST.get("intent") == "submit"
    if request.method == "POST":
        form = UpdateForm(
            request.POST, plan=plan, previous_status=previous_status, submitting=submitting
        )
        if form.is_valid():
            try:
                services.update_save(
                    request.user,
                    action,
                    period,
                    status=form.cleaned_data["status"],
                    commentary=form.cleaned_data["commentary"],
                    expected_version=form.cleaned_data["version"],
                    submit=submitting,
                )
            except StaleUpdate as error:
                conflict = error.current
                form.add_error(None, str(error))
            except NotAllowed as error:
                raise PermissionDenied(str(error)) from error
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                done = "submitted for approval" if submitting else "saved as a draft"
                messages.success(request, f"{action.display_ref} update for {period.label} {done}.")
                return redirect("deliverables:my_updates")
    else:
        initial = {"version": version}
        if update is not None:
            initial.update(status=update.status, commentary=update.commentary)
        elif previous_status is not None:
            initial["status"] = previous_status
        if request.GET.get("copy") == "previous" and previous is not None:
            initial["commentary"] = previous.commentary
        form = UpdateForm(
            initial=initial, plan=plan, previous_status=previous_status, submitting=False
        )
    return render(
        request,
        "deliverables/update_form.html",
        {
            "plan": plan,
            "period": period,
            "action": action,
            "update": update,
            "previous": previous,
            "previous_period": previous_period,
            "form": form,
            "editable": editable,
            "in_scope": in_scope,
            "out_of_scope": "" if in_scope else out_of_scope_reason(action, period),
            "conflict": conflict,
            "days_left": period.days_left(timezone.localdate()),
            "nav_section": "updates",
        },
    )


@require_GET
def review(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """An approver's queue: submitted updates of their directorates, and what they decided."""
    if not request.user.has_perm("deliverables.approve_update"):
        raise PermissionDenied("Only approvers review updates.")
    plan = plan_for(request.user, slug)
    period = period_by_code(plan, code)
    updates = list(
        QuarterlyUpdate.objects.filter(
            period=period, action__directorate__in=request.user.directorates.all()
        )
        .exclude(state=UpdateState.DRAFT)
        .exclude(source=UpdateSource.CLOSE)  # nobody's decision: not listed as approved
        .select_related(
            "action__directorate", "action__lead_officer", "status", "submitted_by", "approved_by"
        )
        .order_by("action__ref_normalised", "action_id")
    )
    delegated = set(
        ActionDelegate.objects.filter(
            user=request.user, action_id__in=[u.action_id for u in updates]
        ).values_list("action_id", flat=True)
    )
    waiting, returned, approved = [], [], []
    for update in updates:
        update.action.plan = plan
        update.is_own = (
            update.submitted_by_id == request.user.pk
            or update.action.lead_officer_id == request.user.pk
            or update.action_id in delegated
        )
        {"submitted": waiting, "returned": returned, "approved": approved}[update.state].append(
            update
        )
    return render(
        request,
        "deliverables/review.html",
        {
            "plan": plan,
            "period": period,
            "waiting": waiting,
            "returned": returned,
            "approved": approved,
            "nav_section": "review",
        },
    )


@require_GET
def review_index(request: HttpRequest) -> HttpResponse:
    """An approver's open quarters, with how many updates wait for them in each."""
    if not request.user.has_perm("deliverables.approve_update"):
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
    # What the reader may read in full; a submitted update they may not read yet is shown as
    # awaiting approval, without its text; drafts and returned updates not at all.
    updates = [
        update
        for update in QuarterlyUpdate.objects.filter(action=action)
        .with_readable(request.user)
        .select_related("period", "status", "updated_by", "submitted_by", "approved_by")
        .order_by("-period__year", "-period__quarter")
        if update.readable or update.state == UpdateState.SUBMITTED
    ]
    visible_ids = {u.pk for u in updates if u.readable}
    delegates = list(ActionDelegate.objects.filter(action=action).select_related("user"))
    delegating = can_delegate(request.user, action)
    colleague_form = None
    if delegating:
        colleague_form = ColleagueForm(choices=_delegate_choices(action))
    open_period = ReportingPeriod.objects.open().filter(plan=plan).first()
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
                work_in_progress=sees_work_of(request.user, action, {d.user_id for d in delegates}),
            ),
            "delegates": delegates,
            "can_delegate": delegating,
            "colleague_form": colleague_form,
            "can_edit": can_edit(request.user, action),
            "open_period": open_period,
            "can_reopen": action.completed_in_id
            and request.user.has_perm("deliverables.change_action"),
            "reopen_form": ReasonForm(),
            "can_withdraw": request.user.has_perm("deliverables.change_action"),
            "withdraw_form": WithdrawForm(plan=plan),
            "reinstate_form": ReasonForm(),
            "nav_section": "plans",
        },
    )


def _delegate_choices(action: Action):
    """Colleagues who may enter updates (deliverables.rules), in the action's directorate."""
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


@require_POST
def action_reopen(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = plan_for(request.user, slug)
    action = action_for(request.user, plan, pk)
    if not request.user.has_perm("deliverables.change_action"):
        raise PermissionDenied("Only the performance team can reopen a completed action.")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for reopening: it is recorded.")
    else:
        try:
            services.action_reopen(request.user, action, reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{action.display_ref} reopened: it will ask for updates.")
    return redirect(action.get_absolute_url())


@require_POST
def action_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Take an action out of the plan from a quarter not yet closed; earlier ones keep it."""
    plan = plan_for(request.user, slug)
    action = action_for(request.user, plan, pk)
    if not request.user.has_perm("deliverables.change_action"):
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
    plan = plan_for(request.user, slug)
    action = action_for(request.user, plan, pk)
    if not request.user.has_perm("deliverables.change_action"):
        raise PermissionDenied("Only the performance team can reinstate an action.")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for reinstating: it is recorded.")
    else:
        try:
            services.action_reinstate(request.user, action, reason=form.cleaned_data["reason"])
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{action.display_ref} is back in the plan.")
    return redirect(action.get_absolute_url())
