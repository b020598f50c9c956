"""The plans and their structure: plans, periods, outcomes, themes and deliverables."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query

from api.base import BadFilter, api, page, plan_of
from api.schemas import (
    DeliverablePage,
    Message,
    OutcomePage,
    PageParams,
    PeriodPage,
    PlanDetail,
    PlanPage,
    ThemePage,
)
from deliverables.models import Deliverable
from plans.models import Plan, ReportingPeriod, StrategicOutcome, Theme
from plans.statuses import AWAITING, Scale

ERRORS = {401: Message, 404: Message, 422: Message}


def status_out(status) -> dict | None:
    if status is None:
        return None
    return {"id": status.pk, "label": status.label, "rag": str(status.rag)}


def plan_out(plan: Plan) -> dict:
    return {
        field: getattr(plan, field)
        for field in (
            "slug",
            "name",
            "description",
            "first_year",
            "last_year",
            "frequency",
            "is_active",
            "outcome_label",
            "theme_label",
            "deliverable_label",
            "action_label",
        )
    }


@api.get("/plans", response={200: PlanPage, **ERRORS}, tags=["plans"])
def plans(request: HttpRequest, paging: Query[PageParams]):
    """The plans the token's account may read (active ones; retired ones for plan managers)."""
    queryset = Plan.objects.visible_to(request.user).order_by("-first_year", "name", "pk")
    return page(queryset, paging, plan_out)


@api.get("/plans/{slug}", response={200: PlanDetail, **ERRORS}, tags=["plans"])
def plan_detail(request: HttpRequest, slug: str):
    plan = plan_of(request, slug)
    scale = Scale.of(plan)
    legend = scale.legend({AWAITING.pk, scale.no_update.pk})
    return {**plan_out(plan), "statuses": [status_out(s) for s in legend]}


def _period_out(period: ReportingPeriod) -> dict:
    return {
        "code": period.code,
        "label": period.label,
        "state": period.state,
        "opens_on": period.opens_on,
        "due_on": period.due_on,
        "closes_on": period.closes_on,
    }


@api.get("/periods", response={200: PeriodPage, **ERRORS}, tags=["plans"])
def periods(request: HttpRequest, plan: str, paging: Query[PageParams]):
    """The plan's reporting periods, oldest first."""
    found = plan_of(request, plan)
    queryset = ReportingPeriod.objects.for_plan(found).chronological()
    return page(queryset, paging, _period_out)


@api.get("/outcomes", response={200: OutcomePage, **ERRORS}, tags=["plans"])
def outcomes(request: HttpRequest, plan: str, paging: Query[PageParams]):
    found = plan_of(request, plan)
    queryset = StrategicOutcome.objects.filter(plan=found).order_by("order", "name", "pk")
    fields = ("id", "name", "short_name", "description", "order")
    return page(queryset, paging, lambda o: {f: getattr(o, f) for f in fields})


def _outcome_in(plan: Plan, outcome: int | None) -> int | None:
    if outcome is not None and not StrategicOutcome.objects.filter(plan=plan, pk=outcome).exists():
        raise BadFilter(f"outcome: {outcome} is not an outcome of {plan.name}.")
    return outcome


@api.get("/themes", response={200: ThemePage, **ERRORS}, tags=["plans"])
def themes(request: HttpRequest, plan: str, paging: Query[PageParams], outcome: int | None = None):
    found = plan_of(request, plan)
    queryset = Theme.objects.filter(outcome__plan=found)
    if _outcome_in(found, outcome) is not None:
        queryset = queryset.filter(outcome_id=outcome)
    queryset = queryset.order_by("outcome__order", "outcome_id", "order", "name", "pk")
    fields = ("id", "outcome_id", "name", "order")
    return page(queryset, paging, lambda t: {f: getattr(t, f) for f in fields})


@api.get("/deliverables", response={200: DeliverablePage, **ERRORS}, tags=["plans"])
def deliverables(
    request: HttpRequest,
    plan: str,
    paging: Query[PageParams],
    outcome: int | None = None,
    theme: int | None = None,
):
    found = plan_of(request, plan)
    queryset = Deliverable.objects.filter(outcome__plan=found)
    if _outcome_in(found, outcome) is not None:
        queryset = queryset.filter(outcome_id=outcome)
    if theme is not None:
        if not Theme.objects.filter(outcome__plan=found, pk=theme).exists():
            raise BadFilter(f"theme: {theme} is not a theme of {found.name}.")
        queryset = queryset.filter(theme_id=theme)
    queryset = queryset.order_by("outcome__order", "outcome_id", "order", "pk")
    fields = ("id", "outcome_id", "theme_id", "ref", "title", "order")
    return page(queryset, paging, lambda d: {f: getattr(d, f) for f in fields})
