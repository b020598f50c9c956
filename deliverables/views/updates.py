"""An officer's quarter: where signing in leads, my updates, and the update form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from deliverables import services
from deliverables.access import (
    editable_action_for,
    period_by_code,
)
from deliverables.forms import (
    UpdateForm,
)
from deliverables.models import (
    Action,
    QuarterlyUpdate,
    UpdateState,
)
from deliverables.rules import (
    out_of_scope_reason,
)
from deliverables.selectors import my_quarters
from deliverables.workflow import (
    NotAllowed,
    StaleUpdate,
    WorkflowError,
    is_editable_state,
    workflow_state,
)
from plans.access import plan_for
from plans.models import ReportingPeriod
from plans.permissions import may_approve_updates


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    """Where signing in leads: an officer's open updates, an approver's queue, or the plans."""
    open_periods = ReportingPeriod.objects.open()
    if Action.objects.editable_by(request.user).filter(plan__periods__in=open_periods).exists():
        return redirect("deliverables:my_updates")
    if may_approve_updates(request.user):
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


@require_GET
def my_updates(request: HttpRequest) -> HttpResponse:
    """Every action the user leads or was delegated, for each open quarter, by outcome."""
    quarters, open_count = my_quarters(request.user, timezone.localdate())
    return render(
        request,
        "deliverables/my_updates.html",
        {"quarters": quarters, "open_count": open_count, "nav_section": "updates"},
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
