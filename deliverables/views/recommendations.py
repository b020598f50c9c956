"""The recommendations register: every external review recommendation a plan answers, a page
per recommendation with the progress of its actions and milestones, and the performance
team's adding, editing and linking of actions. Progress is deliverables.recommendations'."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from deliverables.access import period_for
from deliverables.models import Recommendation
from deliverables.recommendation_forms import RecommendationFilterForm, RecommendationForm
from deliverables.recommendations import RAG_ORDER, recommendation_progress
from deliverables.services.recommendations import recommendation_save
from plans.access import plan_for
from plans.models import Plan, ReportingPeriod
from plans.permissions import can_manage_plans


def recommendation_for(user, plan: Plan, pk: int) -> Recommendation:
    """A recommendation of a plan the user may read; 404 for any other."""
    recommendation = get_object_or_404(Recommendation.objects.filter(plan=plan), pk=pk)
    recommendation.plan = plan
    return recommendation


def _require_manager(user) -> None:
    if not can_manage_plans(user):
        raise PermissionDenied("Only the performance team keeps the recommendations register.")


def _periods(plan: Plan) -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.for_plan(plan).newest_first())


@require_GET
def recommendation_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's recommendations, by body if asked, each with its progress in the period."""
    plan = plan_for(request.user, slug)
    period = period_for(plan, request.GET.get("period"))
    bodies = list(
        Recommendation.objects.filter(plan=plan)
        .order_by("body")
        .values_list("body", flat=True)
        .distinct()
    )
    form = RecommendationFilterForm(request.GET, bodies=bodies)
    recommendations = Recommendation.objects.filter(plan=plan)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    if body:
        recommendations = recommendations.filter(body=body)
    rows = recommendation_progress(
        plan, period, request.user, today=timezone.localdate(), recommendations=recommendations
    )
    return render(
        request,
        "deliverables/recommendation_list.html",
        {
            "plan": plan,
            "period": period,
            "periods": _periods(plan),
            "form": form,
            "body": body,
            "rows": rows,
            "rag_order": RAG_ORDER,
            "can_manage": can_manage_plans(request.user),
            "nav_section": "plans",
        },
    )


@require_GET
def recommendation_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One recommendation: its actions with their status in the period, and their milestones."""
    plan = plan_for(request.user, slug)
    recommendation = recommendation_for(request.user, plan, pk)
    period = period_for(plan, request.GET.get("period"))
    (progress,) = recommendation_progress(
        plan,
        period,
        request.user,
        today=timezone.localdate(),
        recommendations=Recommendation.objects.filter(pk=recommendation.pk),
    )
    return render(
        request,
        "deliverables/recommendation_detail.html",
        {
            "plan": plan,
            "recommendation": recommendation,
            "progress": progress,
            "period": period,
            "periods": _periods(plan),
            "can_manage": can_manage_plans(request.user),
            "nav_section": "plans",
        },
    )


def _edit(request: HttpRequest, plan: Plan, recommendation: Recommendation) -> HttpResponse:
    """The add and edit pages: one form, saved by recommendation_save."""
    _require_manager(request.user)
    if not plan.is_active:
        raise PermissionDenied("This plan is archived: its register reads as it was.")
    creating = recommendation.pk is None
    form = RecommendationForm(
        request.POST if request.method == "POST" else None, instance=recommendation, plan=plan
    )
    if request.method == "POST" and form.is_valid():
        saved = recommendation_save(
            request.user, plan, form.save(commit=False), list(form.cleaned_data["actions"])
        )
        messages.success(request, f"{saved} {'added' if creating else 'saved'}.")
        return redirect(saved)
    return render(
        request,
        "deliverables/recommendation_form.html",
        {
            "plan": plan,
            "recommendation": None if creating else recommendation,
            "form": form,
            "nav_section": "plans",
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def recommendation_create(request: HttpRequest, slug: str) -> HttpResponse:
    _require_manager(request.user)
    plan = plan_for(request.user, slug)
    return _edit(request, plan, Recommendation(plan=plan))


@require_http_methods(["GET", "POST"])
def recommendation_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_manager(request.user)
    plan = plan_for(request.user, slug)
    return _edit(request, plan, recommendation_for(request.user, plan, pk))
