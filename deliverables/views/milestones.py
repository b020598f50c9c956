"""An action's milestones for the performance team (add, change, move, delete), and the
timeline of an outcome's or a theme's milestones for everyone who reads the plan."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliverables.access import action_for
from deliverables.forms_milestones import MilestoneForm, when_initial
from deliverables.milestone_reads import action_milestones, group_milestones, with_state
from deliverables.models import Action, Milestone
from deliverables.services import milestones as services
from deliverables.timeline import build_timeline
from deliverables.workflow import WorkflowError
from plans.access import outcome_for, plan_for
from plans.models import Plan, Theme
from plans.permissions import can_change_actions


def _action_to_change(request: HttpRequest, slug: str, pk: int) -> tuple[Plan, Action]:
    """The action, if the user may change its milestones: 404 for an action they may not read,
    403 for one they read but may not change (or of an archived plan)."""
    plan = plan_for(request.user, slug)
    action = action_for(request.user, plan, pk)
    if not can_change_actions(request.user):
        raise PermissionDenied("Only the performance team changes milestones.")
    if not plan.is_active:
        raise PermissionDenied("The plan is archived: its milestones can no longer be changed.")
    return plan, action


def _milestone_of(action: Action, milestone_pk: int) -> Milestone:
    milestone = get_object_or_404(Milestone.objects.filter(action=action), pk=milestone_pk)
    milestone.action = action
    return milestone


@require_GET
def milestone_list(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The action's milestones, with add, change, move and delete."""
    plan, action = _action_to_change(request, slug, pk)
    return render(
        request,
        "deliverables/milestone_list.html",
        {
            "plan": plan,
            "action": action,
            "milestones": action_milestones(request.user, action, timezone.localdate()),
            "nav_section": "plans",
        },
    )


def _saved(request: HttpRequest, form: MilestoneForm, save, **extra) -> bool:
    """Call `save` with the form's values; a refusal becomes the form's error."""
    start, due, note = form.cleaned_data["when"]
    try:
        save(
            title=form.cleaned_data["title"],
            start_date=start,
            due_date=due,
            date_note=note,
            **extra,
        )
    except WorkflowError as error:
        form.add_error("when", str(error))
        return False
    return True


@require_http_methods(["GET", "POST"])
def milestone_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan, action = _action_to_change(request, slug, pk)
    form = MilestoneForm(request.POST or None)
    if form.is_valid() and _saved(
        request, form, lambda **values: services.milestone_add(request.user, action, **values)
    ):
        messages.success(request, f"Milestone added to {action.display_ref}.")
        if request.POST.get("another"):
            return redirect("deliverables:milestone_add", slug=plan.slug, pk=action.pk)
        return redirect("deliverables:milestones", slug=plan.slug, pk=action.pk)
    return render(
        request,
        "deliverables/milestone_form.html",
        {"plan": plan, "action": action, "form": form, "milestone": None, "nav_section": "plans"},
    )


@require_http_methods(["GET", "POST"])
def milestone_edit(request: HttpRequest, slug: str, pk: int, milestone_pk: int) -> HttpResponse:
    plan, action = _action_to_change(request, slug, pk)
    milestone = _milestone_of(action, milestone_pk)
    form = MilestoneForm(
        request.POST or None,
        initial={
            "title": milestone.title,
            "when": when_initial(milestone),
            "completed_on": milestone.completed_on.strftime("%d/%m/%Y")
            if milestone.completed_on
            else "",
        },
    )
    if form.is_valid() and _saved(
        request,
        form,
        lambda **values: services.milestone_change(request.user, milestone, **values),
        completed_on=form.cleaned_data["completed_on"],
    ):
        messages.success(request, f"Milestone “{milestone.title}” saved.")
        return redirect("deliverables:milestones", slug=plan.slug, pk=action.pk)
    return render(
        request,
        "deliverables/milestone_form.html",
        {
            "plan": plan,
            "action": action,
            "form": form,
            "milestone": milestone,
            "nav_section": "plans",
        },
    )


@require_http_methods(["GET", "POST"])
def milestone_delete(request: HttpRequest, slug: str, pk: int, milestone_pk: int) -> HttpResponse:
    """Asks first: deleting a milestone deletes the completions reported for it."""
    plan, action = _action_to_change(request, slug, pk)
    milestone = _milestone_of(action, milestone_pk)
    if request.method == "POST":
        try:
            services.milestone_delete(request.user, milestone)
        except WorkflowError as error:  # its completion is a closed period's record
            messages.error(request, str(error))
        else:
            messages.success(request, f"Milestone “{milestone.title}” deleted.")
        return redirect("deliverables:milestones", slug=plan.slug, pk=action.pk)
    return render(
        request,
        "deliverables/milestone_delete.html",
        {
            "plan": plan,
            "action": action,
            "milestone": with_state(milestone, timezone.localdate()),
            "reported": milestone.completions.count(),
            "nav_section": "plans",
        },
    )


@require_POST
def milestone_move(request: HttpRequest, slug: str, pk: int, milestone_pk: int) -> HttpResponse:
    plan, action = _action_to_change(request, slug, pk)
    milestone = _milestone_of(action, milestone_pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, "The request could not be read: choose up or down.")
    else:
        services.milestone_move(request.user, milestone, up=direction == "up")
    return redirect("deliverables:milestones", slug=plan.slug, pk=action.pk)


def _timeline_page(request: HttpRequest, plan: Plan, milestones: list, context: dict):
    today = timezone.localdate()
    rows = [with_state(m, today) for m in milestones]
    for row in rows:
        row.action.plan = plan
    title = f"Milestones of {context['group_label'].lower()} {context['group'].name}"
    return render(
        request,
        "deliverables/milestone_timeline.html",
        {
            "plan": plan,
            "milestones": rows,
            "chart": build_timeline("timeline", title, rows, today),
            "today": today,
            "nav_section": "plans",
            **context,
        },
    )


@require_GET
def outcome_timeline(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The milestones of every action under an outcome (a theme of the Improvement Plan)."""
    plan = plan_for(request.user, slug)
    outcome = outcome_for(request.user, plan, pk)
    return _timeline_page(
        request,
        plan,
        group_milestones(plan, outcome=outcome),
        {"group": outcome, "group_label": plan.outcome_label, "outcome": outcome},
    )


@require_GET
def theme_timeline(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The milestones of every action under a theme (a workstream of the Improvement Plan)."""
    plan = plan_for(request.user, slug)
    theme = get_object_or_404(
        Theme.objects.filter(outcome__plan=plan).select_related("outcome"), pk=pk
    )
    theme.outcome.plan = plan
    return _timeline_page(
        request,
        plan,
        group_milestones(plan, theme=theme),
        {"group": theme, "group_label": plan.theme_label, "outcome": theme.outcome},
    )
