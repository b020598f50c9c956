"""Reading the plan: the list of plans, a plan's outcomes, an outcome's deliverables and actions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from deliverables.models import ActionPlacement, QuarterlyUpdate
from plans.access import outcome_for, period_for, plan_for
from plans.models import Plan, ReportingPeriod, Status, StrategicOutcome


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
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A plan's outcomes and themes, the status count per outcome for one quarter, the key."""
    plan = plan_for(request.user, slug)
    period = period_for(plan, request.GET.get("period"))
    outcomes = list(
        plan.outcomes.with_counts().prefetch_related("themes").order_by("order", "name")
    )
    for outcome in outcomes:
        outcome.plan = plan
    statuses = list(Status.objects.for_plan(plan).order_by("order"))
    counts: dict[int, dict[int, int]] = {}
    if period is not None:
        rows = (
            QuarterlyUpdate.objects.for_period(period)
            .final()
            .filter(action__placements__outcome__plan=plan)
            .values("action__placements__outcome", "status")
            .annotate(n=Count("action", distinct=True))
        )
        for row in rows:
            counts.setdefault(row["action__placements__outcome"], {})[row["status"]] = row["n"]
    no_update = next((s for s in statuses if s.means_no_update), None)
    for outcome in outcomes:
        by_status = dict(counts.get(outcome.pk, {}))
        missing = outcome.action_count - sum(by_status.values())
        # In a closed quarter an action with no update counts as No Update, never as absent.
        if period is not None and period.is_locked and no_update is not None:
            by_status[no_update.pk] = by_status.get(no_update.pk, 0) + missing
            missing = 0
        outcome.status_counts = [(status, by_status.get(status.pk, 0)) for status in statuses]
        outcome.not_updated = missing
    periods = list(ReportingPeriod.objects.for_plan(plan).order_by("-year", "-quarter"))
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "period": period,
            "periods": periods,
            "outcomes": outcomes,
            "statuses": statuses,
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
        .select_related("action__directorate", "action__lead_officer", "deliverable", "theme")
        .order_by("order", "pk")
    )
    updates = {}
    if period is not None:
        updates = {
            update.action_id: update
            for update in QuarterlyUpdate.objects.for_period(period)
            .final()
            .filter(action__placements__outcome=outcome)
            .select_related("status")
        }
    themes = list(outcome.themes.order_by("order", "name"))
    deliverables = list(outcome.deliverables.select_related("theme").order_by("order", "pk"))

    # In a closed quarter an action with no update counts as the scale's No Update status.
    missing_status = None
    if period is not None and period.is_locked:
        missing_status = Status.objects.for_plan(plan).filter(means_no_update=True).first()

    # Arrange what was fetched: theme -> deliverable -> actions, in the plan's order.
    actions_of: dict[int, list] = {}
    loose: dict[int | None, list] = {}
    for placement in placements:
        placement.action.plan = plan  # for the action's URL, without a query per action
        update = updates.get(placement.action_id)
        row = (placement.action, update.status if update else missing_status)
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
            "action_count": len({p.action_id for p in placements}),
            "nav_section": "plans",
        },
    )


@login_not_required
@require_GET
def status_css(request: HttpRequest) -> HttpResponse:
    """Each status's colours as a CSS class, so pages colour tags without inline styles.

    Public: it carries colours only, and the sign-in page uses the stylesheet too.
    """
    lines = [
        f".app-status--{s.pk}{{background-color:{s.colour};color:{s.text_colour};}}"
        for s in Status.objects.filter(~Q(colour=""))
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "max-age=300"
    return response
