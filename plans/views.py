"""Reading the plan: the list of plans, a plan's outcomes, an outcome's deliverables and actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliverables import services
from deliverables.access import period_by_code, period_for
from deliverables.forms import CloseForm, DueDateForm, PeriodCreateForm, ReasonForm, ReassignForm
from deliverables.models import Action, ActionPlacement, submission_progress
from deliverables.rules import (
    in_scope,
    out_of_scope_reason,
    users_who_may_enter_updates,
    with_statuses,
)
from deliverables.workflow import WorkflowError
from plans.access import outcome_for, plan_for
from plans.models import Plan, ReportingPeriod, Status, StrategicOutcome, long_date
from plans.statuses import PSEUDO, Scale


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Every plan the user may read, with its outcomes and how much sits under each."""
    plans = (
        Plan.objects.visible_to(request.user)
        .annotate(
            action_count=Count("actions", distinct=True),
            period_count=Count("periods", distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=StrategicOutcome.objects.with_counts().order_by("order", "name"),
            )
        )
    )
    return render(request, "plans/home.html", {"plans": plans, "nav_section": "plans"})


@require_GET
def counting(request: HttpRequest) -> HttpResponse:
    """How actions are counted: the rules of deliverables.rules in plain words."""
    return render(request, "counting.html", {"nav_section": "plans"})


@require_GET
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A plan's outcomes and themes, the status count per outcome for one quarter, the key."""
    plan = plan_for(request.user, slug)
    period = period_for(plan, request.GET.get("period"))
    outcomes = list(plan.outcomes.prefetch_related("themes").order_by("order", "name"))
    for outcome in outcomes:
        outcome.plan = plan
    scale = Scale.of(plan)
    counts = outcome_status_counts(plan, period, scale, request.user) if period else {}
    legend = scale.legend({pk for by_status in counts.values() for pk in by_status})
    rows = []
    for outcome in [*outcomes, None]:
        by_status = counts.get(outcome.pk if outcome else None, {})
        if outcome is None and not by_status:
            continue
        rows.append(
            {
                "outcome": outcome,
                "total": sum(by_status.values()),
                "status_counts": [(status, by_status.get(status.pk, 0)) for status in legend],
                "not_updated": by_status.get(None, 0),
            }
        )
    periods = list(ReportingPeriod.objects.for_plan(plan).order_by("-year", "-quarter"))
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "period": period,
            "periods": periods,
            "outcomes": outcomes,
            "rows": rows,
            "statuses": scale.statuses,
            "legend": legend,
            "nav_section": "plans",
        },
    )


@require_GET
def outcome_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An outcome's themes, deliverables and actions, each action with its quarter's status."""
    plan = plan_for(request.user, slug)
    outcome = outcome_for(request.user, plan, pk)
    period = period_for(plan, request.GET.get("period"))
    placements = list(
        ActionPlacement.objects.filter(outcome=outcome)
        .select_related(
            "action__directorate",
            "action__lead_officer",
            "action__completed_in",
            "action__reported_from",
            "action__withdrawn_from",
            "deliverable",
            "theme",
        )
        .order_by("order", "pk")
    )
    scale = Scale.of(plan)
    status_of: dict[int, int | None] = {}
    if period is not None:
        status_of = dict(
            with_statuses(
                in_scope(plan, period).in_outcome(outcome), period, None, scale, request.user
            ).values_list("pk", "status_now")
        )
    themes = list(outcome.themes.order_by("order", "name"))
    deliverables = list(outcome.deliverables.select_related("theme").order_by("order", "pk"))

    # Arrange what was fetched: theme -> deliverable -> actions, in the plan's order. An
    # action outside the quarter (completed before it, added after it, withdrawn) is listed
    # with why, and not counted.
    actions_of: dict[int, list] = {}
    loose: dict[int | None, list] = {}
    for placement in placements:
        action = placement.action
        action.plan = plan  # for the action's URL, without a query per action
        if period is None or action.pk in status_of:
            row = (action, scale.get(status_of.get(action.pk)), "")
        else:
            row = (action, None, out_of_scope_reason(action, period))
        if placement.deliverable_id:
            actions_of.setdefault(placement.deliverable_id, []).append(row)
        else:
            loose.setdefault(placement.theme_id, []).append(row)
    sections = []
    for theme in [*themes, None]:
        theme_id = theme.pk if theme else None
        items = [(d, actions_of.get(d.pk, [])) for d in deliverables if d.theme_id == theme_id]
        direct = loose.get(theme_id, [])
        if items or direct:
            sections.append({"theme": theme, "deliverables": items, "actions": direct})
    periods = list(ReportingPeriod.objects.for_plan(plan).order_by("-year", "-quarter"))
    return render(
        request,
        "plans/outcome_detail.html",
        {
            "plan": plan,
            "outcome": outcome,
            "period": period,
            "periods": periods,
            "sections": sections,
            "action_count": len(status_of) if period else len({p.action_id for p in placements}),
            "nav_section": "plans",
        },
    )


def outcome_status_counts(plan: Plan, period: ReportingPeriod, scale: Scale, user) -> dict:
    """{outcome id: {status id: actions}} for `period` as `user` reads it, and under None the
    plan as a whole. An action counts once in each outcome it sits in, and once in the plan."""
    actions = with_statuses(in_scope(plan, period), period, None, scale, user)
    counts: dict[int | None, dict] = {None: {}}
    for row in (
        actions.values("placements__outcome", "status_now")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    ):
        if row["placements__outcome"] is not None:
            counts.setdefault(row["placements__outcome"], {})[row["status_now"]] = row["n"]
    for status_id, n in actions.values_list("status_now").annotate(n=Count("pk")).order_by():
        counts[None][status_id] = n
    return counts


@login_not_required
@require_GET
def status_css(request: HttpRequest) -> HttpResponse:
    """Each status's colours as a CSS class, so pages colour tags without inline styles.

    Public: it carries colours only, and the sign-in page uses the stylesheet too.
    """
    lines = [
        f".app-status--{s.pk}{{background-color:{s.colour};color:{s.text_colour};}}"
        for s in [*Status.objects.filter(~Q(colour="")), *PSEUDO.values()]
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "max-age=300"
    return response


# -- quarters: the performance team's view of the cycle ----------------------------------------


def _require_manager(user) -> None:
    if not user.has_perm("plans.manage_periods"):
        raise PermissionDenied("Only the performance team manages quarters.")


@require_GET
def quarters_index(request: HttpRequest) -> HttpResponse:
    """Every plan with its quarters, for the performance team."""
    _require_manager(request.user)
    plans = Plan.objects.visible_to(request.user).prefetch_related(
        Prefetch("periods", queryset=ReportingPeriod.objects.order_by("-year", "-quarter"))
    )
    return render(request, "plans/quarters_index.html", {"plans": plans, "nav_section": "quarters"})


@require_GET
def quarters(request: HttpRequest, slug: str) -> HttpResponse:
    _require_manager(request.user)
    plan = plan_for(request.user, slug)
    periods = list(ReportingPeriod.objects.for_plan(plan).order_by("-year", "-quarter"))
    return render(
        request,
        "plans/quarters.html",
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
            return redirect("plans:quarter", slug=plan.slug, code=period.code)
    periods = list(ReportingPeriod.objects.for_plan(plan).order_by("-year", "-quarter"))
    return render(
        request,
        "plans/quarters.html",
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
    return render(request, "plans/quarter_detail.html", _quarter_context(request, plan, period, {}))


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
        return render(request, "plans/quarter_detail.html", context, status=400)
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
    return redirect("plans:quarter", slug=plan.slug, code=period.code)


@require_http_methods(["GET", "POST"])
def reassign(request: HttpRequest, slug: str) -> HttpResponse:
    """Move every action one officer leads in this plan to another officer."""
    if not request.user.has_perm("deliverables.change_action"):
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
            return redirect("plans:reassign", slug=plan.slug)
    led = (
        Action.objects.for_plan(plan)
        .exclude(lead_officer=None)
        .values("lead_officer__first_name", "lead_officer__last_name", "lead_officer__username")
        .annotate(n=Count("pk"))
        .order_by("lead_officer__last_name", "lead_officer__first_name")
    )
    return render(
        request,
        "plans/reassign.html",
        {"plan": plan, "form": form, "led": led, "nav_section": "quarters"},
        status=400 if request.method == "POST" else 200,
    )
