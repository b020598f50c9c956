"""An officer's quarter: where signing in leads, my updates, and the update form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliverables import services
from deliverables.access import (
    editable_action_for,
    period_by_code,
    update_to_withdraw,
)
from deliverables.forms import (
    DecisionForm,
    UpdateForm,
)
from deliverables.forms_milestones import CompletionsForm
from deliverables.indicators.permissions import enters_values_q
from deliverables.milestone_reads import my_overdue_milestones, open_milestones
from deliverables.models import (
    Action,
    Indicator,
    QuarterlyUpdate,
    UpdateState,
)
from deliverables.rules import (
    out_of_scope_reason,
)
from deliverables.selectors import my_quarters
from deliverables.views.attempt import attempt
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
    # An owner of indicators with no actions has values to give all the same.
    if (
        Indicator.objects.active()
        .filter(enters_values_q(request.user), plan__periods__in=open_periods)
        .exists()
    ):
        return redirect("deliverables:my_updates")
    if may_approve_updates(request.user):  # the performance team starts from the plans
        waiting = QuarterlyUpdate.objects.filter(
            state=UpdateState.SUBMITTED, period__in=open_periods
        ).reviewed_by(request.user)
        first = waiting.select_related("period__plan").first()
        if first is not None:
            return redirect(
                "deliverables:review", slug=first.period.plan.slug, code=first.period.code
            )
    return redirect("home")


@require_GET
def my_updates(request: HttpRequest) -> HttpResponse:
    """Every action the user leads or was delegated, for each open quarter, by outcome."""
    today = timezone.localdate()
    quarters, open_count = my_quarters(request.user, today)
    return render(
        request,
        "deliverables/my_updates.html",
        {
            "quarters": quarters,
            "open_count": open_count,
            "overdue_milestones": my_overdue_milestones(request.user, today),
            "nav_section": "updates",
        },
    )


@require_http_methods(["GET", "POST"])
def update_edit(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    """An officer's update for one action and quarter: save a draft, come back, submit, or
    withdraw a submission. Nothing is chosen for the officer: no status is pre-selected."""
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
    conflict = None
    intent = request.POST.get("intent")
    today = timezone.localdate()
    # The milestones the officer may report complete with this update (deliverables.services.
    # milestones: they count once the update is approved).
    milestones = open_milestones(action, update, today)
    milestone_form = CompletionsForm(
        request.POST if request.method == "POST" else None, milestones=milestones, today=today
    )
    if request.method == "POST" and intent == "copy":
        # Without a script, copying last quarter's commentary keeps what was typed.
        form = UpdateForm(
            _with_previous_commentary(request.POST, previous), plan=plan, submitting=False
        )
        form.errors.clear()
        milestone_form.is_valid()
        milestone_form.errors.clear()
    elif request.method == "POST":
        form = UpdateForm(request.POST, plan=plan, submitting=intent == "submit")
        if milestone_form.is_valid() and form.is_valid():
            try:
                services.update_save(
                    request.user,
                    action,
                    period,
                    status=form.cleaned_data["status"],
                    commentary=form.cleaned_data["commentary"],
                    expected_version=form.cleaned_data["version"],
                    submit=intent == "submit",
                    completions=milestone_form.completions() if milestones else None,
                )
            except StaleUpdate as error:
                conflict = error.current
                form.add_error(None, str(error))
            except NotAllowed as error:
                raise PermissionDenied(str(error)) from error
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                done = "submitted for approval" if intent == "submit" else "saved as a draft"
                messages.success(request, f"{action.display_ref} update for {period.label} {done}.")
                return redirect("deliverables:my_updates")
    else:
        initial = {"version": version}
        if update is not None:
            initial.update(status=update.status, commentary=update.commentary)
        form = UpdateForm(initial=initial, plan=plan, submitting=False)
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
            "milestone_form": milestone_form,
            "editable": editable,
            "in_scope": in_scope,
            "out_of_scope": "" if in_scope else out_of_scope_reason(action, period),
            "conflict": conflict,
            "no_commentary_needed": [
                s for s in form.fields["status"].queryset if not s.requires_commentary
            ],
            "days_left": period.days_left(today),
            "nav_section": "updates",
        },
    )


def _with_previous_commentary(data, previous: QuarterlyUpdate | None):
    """The posted form with last quarter's commentary added after what was typed."""
    data = data.copy()
    typed = data.get("commentary", "").rstrip()
    earlier = previous.commentary if previous is not None else ""
    data["commentary"] = f"{typed}\n\n{earlier}" if typed and earlier else typed or earlier
    return data


@require_POST
def update_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer takes back a submitted update before it is decided."""
    update = update_to_withdraw(request.user, pk)
    plan, period, action = update.period.plan, update.period, update.action
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The request could not be read: open the update and try again.")
    else:
        attempt(
            request,
            lambda: services.update_withdraw(
                request.user, update, expected_version=form.cleaned_data["version"]
            ),
            f"{action.display_ref} submission withdrawn: it is your draft again. "
            "Change it and submit it when it is ready.",
        )
    return redirect("deliverables:update", slug=plan.slug, code=period.code, pk=action.pk)
