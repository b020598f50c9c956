"""The public pages: a plan's published periods, read as everyone reads them, without signing in.

Each view fetches through public.rules (404 for a plan whose pages are off, a period not
published, an outcome of another plan) against the database, and only then asks the cache
(public.cache), so a reopened period or a plan switched off is gone at once. Nothing here
reads the request's user: a cached page is the same for everyone.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from public.cache import cached_response
from public.decorators import public_view
from public.rules import (
    public_period_for,
    public_periods,
    public_plan_for,
    shows_officer_names,
)
from public.selectors import index_plans, outcome_page, period_page


@public_view
def index(request: HttpRequest) -> HttpResponse:
    """The plans open to the public, each with its latest published period.

    Not cached: it spans plans (the cache is kept per plan) and costs two queries.
    """
    context = {"plans": index_plans(), "shows_names": shows_officer_names()}
    return render(request, "public/index.html", context)


@public_view
def plan(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's description and its published periods, newest first."""
    the_plan = public_plan_for(slug)

    def build() -> HttpResponse:
        return render(
            request,
            "public/plan.html",
            {"plan": the_plan, "periods": list(public_periods(the_plan))},
        )

    return cached_response(the_plan.pk, ("public:plan",), build)


@public_view
def period(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The period's outcomes with their status counts and chart, the plan total, indicators."""
    the_plan = public_plan_for(slug)
    the_period = public_period_for(the_plan, code)

    def build() -> HttpResponse:
        page = period_page(the_plan, the_period)
        return render(
            request,
            "public/period.html",
            {"plan": the_plan, "period": the_period, "page": page, "overview": page.overview},
        )

    return cached_response(the_plan.pk, ("public:period", the_period.code), build)


@public_view
def outcome(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    """An outcome's themes, deliverables and actions, with each action's published status and
    commentary."""
    the_plan = public_plan_for(slug)
    the_period = public_period_for(the_plan, code)
    the_outcome = get_object_or_404(the_plan.outcomes, pk=pk)

    def build() -> HttpResponse:
        sections, count = outcome_page(the_plan, the_outcome, the_period)
        return render(
            request,
            "public/outcome.html",
            {
                "plan": the_plan,
                "period": the_period,
                "outcome": the_outcome,
                "sections": sections,
                "action_count": count,
            },
        )

    return cached_response(the_plan.pk, ("public:outcome", the_period.code, the_outcome.pk), build)
