"""The performance team assigns lead officers, approvers and directorates: filter the plan's
actions, tick some, choose what to set, check the list of changes, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from deliverables import services
from deliverables.forms import PeopleFilterForm, PeopleForm
from deliverables.permissions import users_who_may_approve_updates, users_who_may_enter_updates
from deliverables.selectors import people_actions
from deliverables.workflow import NotAllowed, WorkflowError
from plans.access import plan_for
from plans.models import Directorate, Plan
from plans.permissions import can_change_actions

PAGE_SIZE = 50


def _team_plan(request: HttpRequest, slug: str) -> Plan:
    if not can_change_actions(request.user):
        raise PermissionDenied("Only the performance team can assign people to actions.")
    return plan_for(request.user, slug)


@require_http_methods(["GET", "POST"])
def people(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's actions, filtered, each with a tick box; posting shows the changes to confirm."""
    plan = _team_plan(request, slug)
    form = PeopleForm(request.POST if request.method == "POST" else None, plan=plan)
    if request.method == "POST" and form.is_valid():
        actions = _ticked(form)
        try:
            assignment = services.assignment_preview(request.user, actions, **form.changes())
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except services.AssignmentRefused as error:
            form.add_error(error.field, str(error))
        else:
            return _confirm_page(request, plan, form, assignment)
    return _list_page(request, plan, form)


@require_POST
def people_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Make exactly the changes the confirmation page listed, or say what changed since."""
    plan = _team_plan(request, slug)
    form = PeopleForm(request.POST, plan=plan)
    if not form.is_valid():
        return _list_page(request, plan, form)
    actions = _ticked(form)
    try:
        assignment = services.actions_assign(
            request.user,
            actions,
            **form.changes(),
            seen=services.parse_seen(form.cleaned_data["seen"]),
        )
    except NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except services.StaleAssignment as error:
        return _ask_again(request, plan, form, str(error))
    except services.AssignmentRefused as error:
        form.add_error(error.field, str(error))
        return _list_page(request, plan, form)
    changed = len(assignment.changing)
    messages.success(
        request,
        f"{changed} action{pluralize(changed)} changed: "
        + ", ".join(row.action.display_ref for row in assignment.changing)
        + ".",
    )
    return redirect(_back(request, plan))


def _ticked(form: PeopleForm) -> list:
    return list(form.cleaned_data["actions"].with_people().by_ref())


def _back(request: HttpRequest, plan: Plan) -> str:
    """The list page, with the filters the team was using."""
    url = reverse("deliverables:people", args=[plan.slug])
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


def _ask_again(request: HttpRequest, plan: Plan, form: PeopleForm, problem: str) -> HttpResponse:
    """The confirmation page again, as the actions are now."""
    try:
        assignment = services.assignment_preview(request.user, _ticked(form), **form.changes())
    except WorkflowError as error:
        form.add_error(getattr(error, "field", None), f"{problem} {error}")
        return _list_page(request, plan, form)
    return _confirm_page(request, plan, form, assignment, problem=problem, status=409)


def _confirm_page(request, plan, form, assignment, *, problem: str = "", status: int = 200):
    return render(
        request,
        "deliverables/people_confirm.html",
        {
            "plan": plan,
            "form": form,
            "assignment": assignment,
            "problem": problem,
            "query": request.GET.urlencode(),
            "back": _back(request, plan),
            "nav_section": "plans",
        },
        status=status,
    )


def _list_page(request: HttpRequest, plan: Plan, form: PeopleForm) -> HttpResponse:
    directorates = list(Directorate.objects.order_by("name"))
    filters = PeopleFilterForm(request.GET, plan=plan, directorates=directorates)
    chosen = filters.filters()
    page = Paginator(people_actions(plan, chosen), PAGE_SIZE).get_page(request.GET.get("page"))
    for action in page:
        action.plan = plan
    if form.is_bound:
        ticked = {str(pk) for pk in form.data.getlist("actions")}
    else:
        ticked = {str(chosen["action"])} if "action" in chosen else set()
    return render(
        request,
        "deliverables/people.html",
        {
            "plan": plan,
            "filters": filters,
            "page": page,
            "query": _query_without(request, "page"),
            "form_query": request.GET.urlencode(),
            "form": form,
            "ticked": ticked,
            "officers": _labelled(users_who_may_enter_updates()),
            "approvers": _labelled(users_who_may_approve_updates()),
            "directorates": directorates,
            "nav_section": "plans",
        },
        status=400 if form.is_bound else 200,
    )


def _labelled(users) -> list:
    """People for a drop-down, each with their directorates (two queries however many)."""
    people = list(
        users.prefetch_related("directorates").order_by("last_name", "first_name", "username")
    )
    for person in people:
        names = ", ".join(d.name for d in person.directorates.all())
        person.choice_label = f"{person} ({person.username})" + (f", {names}" if names else "")
    return people


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
