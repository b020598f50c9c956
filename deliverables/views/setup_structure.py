"""A plan's structure for the performance team: its outcomes, themes and deliverables (added,
renamed, moved up or down, deleted while empty) and actions added under any of them. Every
heading, label and button uses the plan's own level names."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliverables.models import Action, ActionPlacement, Deliverable
from deliverables.services import setup
from deliverables.setup_forms import ActionForm, DeliverableForm, OutcomeForm, PlaceForm, ThemeForm
from deliverables.views.setup import NAV, managed_plan
from deliverables.workflow import WorkflowError
from plans.models import Plan, StrategicOutcome, Theme

# The levels a URL may name, and where each may be added: (levels of place_choices).
LEVELS = {"outcome": (), "theme": ("outcome",), "deliverable": ("outcome", "theme")}


@dataclass
class Node:
    """A theme's (or an outcome's own) deliverables and the actions placed straight in it."""

    deliverables: list = field(default_factory=list)
    actions: list = field(default_factory=list)


def _setup_url(plan: Plan, level: str, pk: int) -> str:
    """An item's rename page; its move/ and delete/ pages are below it (setup_urls), so a
    county plan's hundreds of items need one reverse() each, not three."""
    return reverse("deliverables:setup_edit", args=[plan.slug, level, pk])


def plan_structure(plan: Plan) -> list[StrategicOutcome]:
    """The plan's tree in four queries: outcomes, themes, deliverables, and placements with
    their actions. Each outcome gets `.own` (a Node) and each theme `.node`."""
    placements = ActionPlacement.objects.select_related("action").order_by("order", "pk")
    outcomes = list(
        StrategicOutcome.objects.filter(plan=plan)
        .order_by("order", "name")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("order", "name")),
            Prefetch(
                "deliverables",
                queryset=Deliverable.objects.order_by("order", "pk").prefetch_related(
                    Prefetch("placements", queryset=placements)
                ),
            ),
            Prefetch("placements", queryset=placements, to_attr="all_placements"),
        )
    )
    for outcome in outcomes:
        outcome.plan = plan
        outcome.own = Node()
        outcome.setup_url = _setup_url(plan, "outcome", outcome.pk)
        nodes = {None: outcome.own}
        for theme in outcome.themes.all():
            theme.node = nodes[theme.pk] = Node()
            theme.setup_url = _setup_url(plan, "theme", theme.pk)
        for item in outcome.deliverables.all():
            item.setup_url = _setup_url(plan, "deliverable", item.pk)
            item.action_list = [p.action for p in item.placements.all()]
            nodes.get(item.theme_id, outcome.own).deliverables.append(item)
        for placement in outcome.all_placements:
            if placement.deliverable_id is None:
                nodes.get(placement.theme_id, outcome.own).actions.append(placement.action)
    return outcomes


@require_GET
def structure(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's levels as a tree, with their controls; after an action is added, a link to
    its milestones."""
    plan = managed_plan(request, slug)
    added = request.GET.get("added", "")
    action = (
        Action.objects.for_plan(plan).filter(pk=added).first()
        if added.isdigit() and len(added) < 10
        else None
    )
    return render(
        request,
        "deliverables/setup/structure.html",
        {
            "plan": plan,
            "outcomes": plan_structure(plan),
            "added": action,
            "milestones_url": _milestones_url(plan, action) if action else None,
            "a": a_level(plan),
            "add_theme_url": reverse("deliverables:setup_add", args=[plan.slug, "theme"]),
            "add_deliverable_url": reverse(
                "deliverables:setup_add", args=[plan.slug, "deliverable"]
            ),
            "add_action_url": reverse("deliverables:setup_action_add", args=[plan.slug]),
            "nav_section": NAV,
        },
    )


def _item(plan: Plan, level: str, pk: int):
    """An outcome, theme or deliverable of `plan`, or 404."""
    if level == "outcome":
        item = get_object_or_404(StrategicOutcome.objects.filter(plan=plan), pk=pk)
        item.plan = plan
    elif level == "theme":
        item = get_object_or_404(
            Theme.objects.filter(outcome__plan=plan).select_related("outcome"), pk=pk
        )
        item.outcome.plan = plan
    elif level == "deliverable":
        item = get_object_or_404(
            Deliverable.objects.filter(outcome__plan=plan).select_related("outcome", "theme"), pk=pk
        )
        item.outcome.plan = plan
    else:
        raise Http404("No such level.")
    return item


def _level_label(plan: Plan, level: str) -> str:
    return getattr(plan, f"{level}_label")


def a_level(plan: Plan) -> dict[str, str]:
    """Each level's name with its article, lower case, for buttons: "a workstream",
    "an ambition"."""
    words = {}
    for level in ("outcome", "theme", "deliverable", "action"):
        label = _level_label(plan, level).lower()
        words[level] = f"{'an' if label[:1] in 'aeiou' else 'a'} {label}"
    return words


def _back(plan: Plan) -> HttpResponse:
    return redirect("deliverables:setup_structure", slug=plan.slug)


def _read_only(request: HttpRequest, plan: Plan) -> HttpResponse | None:
    if plan.is_active:
        return None
    messages.error(request, f"{plan.name} is archived, so its structure is read-only.")
    return _back(plan)


def _form_for(level: str, data=None, initial=None):
    return {"outcome": OutcomeForm, "theme": ThemeForm, "deliverable": DeliverableForm}[level](
        data, initial=initial
    )


@require_http_methods(["GET", "POST"])
def item_add(request: HttpRequest, slug: str, level: str) -> HttpResponse:
    """Add an outcome to the plan, a theme to an outcome, or a deliverable under either."""
    plan = managed_plan(request, slug)
    if level not in LEVELS:
        raise Http404("No such level.")
    if refused := _read_only(request, plan):
        return refused
    data = request.POST if request.method == "POST" else None
    form = _form_for(level, data)
    place = (
        PlaceForm(data, plan=plan, levels=LEVELS[level], initial=request.GET)
        if LEVELS[level]
        else None
    )
    if data is not None and form.is_valid() & (place is None or place.is_valid()):
        try:
            _add(request.user, plan, level, form.cleaned_data, place)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{_level_label(plan, level)} added.")
            return _back(plan)
    return render(
        request,
        "deliverables/setup/item_form.html",
        {
            "plan": plan,
            "level": level,
            "label": _level_label(plan, level),
            "form": form,
            "place": place,
            "adding": True,
            "a_word": a_level(plan)[level],
            "nav_section": NAV,
        },
        status=400 if data is not None else 200,
    )


def _add(user, plan: Plan, level: str, data: dict, place: PlaceForm | None) -> None:
    if level == "outcome":
        setup.outcome_add(user, plan, name=data["name"], description=data["description"])
        return
    outcome, theme, _ = place.resolved()
    if level == "theme":
        setup.theme_add(user, outcome, name=data["name"])
    else:
        setup.deliverable_add(user, outcome, theme, ref=data["ref"], title=data["title"])


@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, slug: str, level: str, pk: int) -> HttpResponse:
    """Rename an outcome, a theme or a deliverable."""
    plan = managed_plan(request, slug)
    item = _item(plan, level, pk)
    if refused := _read_only(request, plan):
        return refused
    initial = {
        f: getattr(item, f) for f in ("name", "description", "ref", "title") if hasattr(item, f)
    }
    data = request.POST if request.method == "POST" else None
    form = _form_for(level, data, initial=initial)
    if data is not None and form.is_valid():
        update = {
            "outcome": setup.outcome_update,
            "theme": setup.theme_update,
            "deliverable": setup.deliverable_update,
        }[level]
        try:
            update(request.user, item, **form.cleaned_data)
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{_level_label(plan, level)} saved.")
            return _back(plan)
    return render(
        request,
        "deliverables/setup/item_form.html",
        {
            "plan": plan,
            "level": level,
            "label": _level_label(plan, level),
            "item": item,
            "form": form,
            "adding": False,
            "nav_section": NAV,
        },
        status=400 if data is not None else 200,
    )


@require_POST
def item_move(request: HttpRequest, slug: str, level: str, pk: int) -> HttpResponse:
    """Move an outcome, theme or deliverable up or down among its neighbours."""
    plan = managed_plan(request, slug)
    item = _item(plan, level, pk)
    move = {
        "outcome": setup.outcome_move,
        "theme": setup.theme_move,
        "deliverable": setup.deliverable_move,
    }[level]
    try:
        moved = move(request.user, item, request.POST.get("direction", ""))
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        if moved:
            messages.success(request, f"{item} moved {request.POST['direction']}.")
        else:
            messages.info(request, f"{item} is already at that end.")
    return redirect(
        f"{reverse('deliverables:setup_structure', args=[plan.slug])}#{level}-{item.pk}"
    )


@require_http_methods(["GET", "POST"])
def item_delete(request: HttpRequest, slug: str, level: str, pk: int) -> HttpResponse:
    """Delete an empty outcome, theme or deliverable after a confirmation; say why not when it
    still holds something."""
    plan = managed_plan(request, slug)
    item = _item(plan, level, pk)
    if refused := _read_only(request, plan):
        return refused
    if request.method == "POST":
        delete = {
            "outcome": setup.outcome_delete,
            "theme": setup.theme_delete,
            "deliverable": setup.deliverable_delete,
        }[level]
        try:
            delete(request.user, item)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{_level_label(plan, level)} {item} deleted.")
        return _back(plan)
    return render(
        request,
        "deliverables/setup/item_delete.html",
        {
            "plan": plan,
            "level": level,
            "label": _level_label(plan, level),
            "item": item,
            "problem": setup.deletion_problem(item),
            "nav_section": NAV,
        },
    )


def _milestones_url(plan: Plan, action: Action) -> str | None:
    """The action's milestones page, where that page exists in this build."""
    try:
        return reverse("deliverables:milestone_add", args=[plan.slug, action.pk])
    except NoReverseMatch:
        return None


def _place_hint(plan: Plan) -> str:
    a = a_level(plan)
    return f"Straight under {a['outcome']}, under {a['theme']}, or under {a['deliverable']}."


@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Add an action under an outcome, a theme or a deliverable of the plan."""
    plan = managed_plan(request, slug)
    if refused := _read_only(request, plan):
        return refused
    data = request.POST if request.method == "POST" else None
    form = ActionForm(data, instance=Action(plan=plan))
    place = PlaceForm(
        data, plan=plan, levels=("outcome", "theme", "deliverable"), initial=request.GET
    )
    if data is not None and form.is_valid() & place.is_valid():
        outcome, theme, deliverable = place.resolved()
        try:
            action = setup.action_add(
                request.user, form.instance, outcome=outcome, theme=theme, deliverable=deliverable
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            # The structure page says so itself, with a link to the action's milestones.
            url = reverse("deliverables:setup_structure", args=[plan.slug])
            return redirect(f"{url}?added={action.pk}#action-{action.pk}")
    return render(
        request,
        "deliverables/setup/action_form.html",
        {
            "plan": plan,
            "form": form,
            "place": place,
            "place_hint": _place_hint(plan),
            "reported_hint": f"The {plan.period_word} it first gives an update for. Left blank, "
            f"the plan's open {plan.period_word}, or its next one. It is never counted as No "
            f"Update in {plan.period_words} before it.",
            "nav_section": NAV,
        },
        status=400 if data is not None else 200,
    )
