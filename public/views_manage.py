"""Switching a plan's public pages on and off (the performance team), signed in."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plans.access import plan_for
from plans.permissions import can_open_to_public
from public.files import reports_if_public
from public.forms import PublicSwitchForm
from public.rules import shows_officer_names
from public.selectors import periods_if_public
from public.services import plan_public_set


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    """Whether the plan's public pages are on, exactly what turning them on shows, the switch."""
    if not can_open_to_public(request.user):
        raise PermissionDenied("Only the performance team opens plans to the public.")
    plan = plan_for(request.user, slug)
    form = PublicSwitchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        wanted = form.cleaned_data["public"]
        changed = plan_public_set(request.user, plan, wanted, request=request)
        state = "on" if wanted else "off"
        if changed:
            messages.success(request, f"The public pages of {plan.name} are {state}.")
        else:
            messages.info(request, f"The public pages of {plan.name} were already {state}.")
        return redirect("public:manage", slug=plan.slug)
    periods = periods_if_public(plan)
    return render(
        request,
        "public/manage.html",
        {
            "plan": plan,
            "form": form,
            "periods": periods,
            "reports_count": reports_if_public(plan, periods),
            "shows_names": shows_officer_names(),
            "nav_section": "plans",
        },
        status=400 if form.is_bound else 200,
    )
