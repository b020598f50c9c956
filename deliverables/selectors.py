"""What the cycle's pages read, assembled: each function returns a page's data for one user,
so a view is fetch, selector, form, service, render. Counting and seeing follow
deliverables.rules; who may act follows deliverables.permissions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef

from deliverables.indicators.permissions import enters_values_q
from deliverables.indicators.queues import my_indicator_rows
from deliverables.models import (
    Action,
    ActionPlacement,
    Indicator,
    QuarterlyUpdate,
    UpdateSource,
    UpdateState,
    ref_ordering,
)
from deliverables.rules import in_scope, out_of_scope_reason, with_statuses
from deliverables.search import action_search_q
from deliverables.workflow import workflow_state
from plans.models import Plan, ReportingPeriod, StrategicOutcome
from plans.statuses import Scale

# -- the plan and its outcomes ------------------------------------------------------------------


@dataclass
class PlanOverview:
    rows: list[dict]  # an outcome each, then the plan total (outcome None)
    legend: list
    statuses: list


def plan_overview(plan: Plan, period: ReportingPeriod | None, user, outcomes) -> PlanOverview:
    """Each outcome's actions by status in `period` as `user` reads them, and the plan total
    counting each action once."""
    scale = Scale.of(plan)
    counts = outcome_status_counts(plan, period, scale, user) if period else {}
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
    return PlanOverview(rows, legend, scale.statuses)


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


def outcome_tree(
    plan: Plan, outcome: StrategicOutcome, period: ReportingPeriod | None, user
) -> tuple[list[dict], int]:
    """The outcome's themes -> deliverables -> actions in the plan's order, each action with
    its status in `period` (or, outside the quarter, why it is not counted), and how many
    actions the quarter counts here."""
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
        # The plan's own order; where it does not say, by reference (no reference last).
        .order_by("order", *ref_ordering("action__"))
    )
    scale = Scale.of(plan)
    status_of: dict[int, int | None] = {}
    if period is not None:
        status_of = dict(
            with_statuses(
                in_scope(plan, period).in_outcome(outcome), period, None, scale, user
            ).values_list("pk", "status_now")
        )
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
    themes = list(outcome.themes.order_by("order", "name"))
    deliverables = list(outcome.deliverables.select_related("theme").order_by("order", "pk"))
    sections = []
    for theme in [*themes, None]:
        theme_id = theme.pk if theme else None
        items = [(d, actions_of.get(d.pk, [])) for d in deliverables if d.theme_id == theme_id]
        direct = loose.get(theme_id, [])
        if items or direct:
            sections.append({"theme": theme, "deliverables": items, "actions": direct})
    count = len(status_of) if period else len({p.action_id for p in placements})
    return sections, count


# -- an officer's quarter -----------------------------------------------------------------------


def my_quarters(user, today: dt.date) -> tuple[list[dict], int]:
    """For each open quarter, every action `user` leads or was delegated that the quarter
    holds, by outcome, with its update and last quarter's; and how many quarters are open."""
    # Whether the user has anything in each open quarter's plan is asked in the same query,
    # so an open quarter of a plan they play no part in costs no query of its own.
    theirs = Action.objects.editable_by(user).filter(plan=OuterRef("plan"))
    # The same for the indicators whose values they enter (deliverables.indicators).
    indicators = Indicator.objects.active().filter(enters_values_q(user), plan=OuterRef("plan"))
    periods = list(
        ReportingPeriod.objects.open()
        .filter(plan__in=Plan.objects.visible_to(user))
        .annotate(has_actions=Exists(theirs), has_indicators=Exists(indicators))
        .select_related("plan")
        .order_by("plan__name")
    )
    quarters = []
    for period in periods:
        quarter = _my_quarter(user, period, today) if period.has_actions else None
        if quarter is None and period.has_indicators:
            quarter = _quarter_of_indicators(period, today)
        if quarter is not None:
            quarters.append(quarter)
    values = my_indicator_rows(user, [q["period"] for q in quarters if q["has_indicators"]])
    for quarter in quarters:
        quarter["indicators"] = values.get(quarter["period"].pk)
    quarters = [q for q in quarters if q["total"] or q["indicators"]]
    return quarters, len(periods)


def _quarter_of_indicators(period: ReportingPeriod, today: dt.date) -> dict:
    """An open quarter in which the user has indicators to give values for, but no actions."""
    return {
        "period": period,
        "sections": [],
        "total": 0,
        "has_indicators": True,
        "days_left": period.days_left(today),
    }


def _my_quarter(user, period: ReportingPeriod, today: dt.date) -> dict | None:
    actions = list(
        Action.objects.editable_by(user)
        .in_scope_for(period)
        .select_related("directorate", "lead_officer")
        .by_ref()
    )
    if not actions:
        return None
    ids = [a.pk for a in actions]
    current = {
        u.action_id: u
        for u in QuarterlyUpdate.objects.filter(period=period, action_id__in=ids).select_related(
            "status"
        )
    }
    previous_period = period.previous()
    previous = {}
    if previous_period is not None:
        previous = {
            u.action_id: u
            for u in QuarterlyUpdate.objects.filter(period=previous_period, action_id__in=ids)
            .counted_for(user)
            .select_related("status")
        }
    first_outcome: dict[int, object] = {}
    for placement in (
        ActionPlacement.objects.filter(action_id__in=ids)
        .select_related("outcome")
        .order_by("outcome__order", "order")
    ):
        first_outcome.setdefault(placement.action_id, placement.outcome)
    groups: dict[object, list] = {}
    counts = dict.fromkeys(["not_started", *UpdateState.values], 0)
    for action in actions:
        action.plan = period.plan
        update = current.get(action.pk)
        state = workflow_state(update)
        counts[state] += 1
        groups.setdefault(first_outcome.get(action.pk), []).append(
            {
                "action": action,
                "update": None if state == "not_started" else update,
                "state": state,
                "previous": previous.get(action.pk),
                "is_delegate": action.lead_officer_id != user.pk,
            }
        )
    sections = sorted(
        groups.items(), key=lambda item: (item[0] is None, getattr(item[0], "order", 0))
    )
    return {
        "period": period,
        "previous_period": previous_period,
        "sections": sections,
        "counts": counts,
        "total": len(actions),
        "has_indicators": period.has_indicators,
        "days_left": period.days_left(today),
    }


# -- an approver's queue ------------------------------------------------------------------------


def review_queue(user, plan: Plan, period: ReportingPeriod) -> dict[str, list]:
    """The updates in `user`'s review queue (deliverables.permissions.reviews) for `period`
    that someone submitted, by what happened to them: waiting, returned, approved. Each says
    whether `user` may decide on it (permissions.can_decide: never their own work) and carries
    last quarter's update as it counts for `user` (`previous`), to compare with."""
    updates = list(
        QuarterlyUpdate.objects.filter(period=period)
        .reviewed_by(user)
        .exclude(state=UpdateState.DRAFT)
        .exclude(source=UpdateSource.CLOSE)  # nobody's decision: not listed as approved
        .select_related(
            "action__directorate", "action__lead_officer", "status", "submitted_by", "approved_by"
        )
        .order_by(*ref_ordering("action__"))
    )
    decidable = set(
        QuarterlyUpdate.objects.filter(pk__in=[u.pk for u in updates])
        .decidable_by(user)
        .values_list("pk", flat=True)
    )
    previous_period = period.previous()
    previous = {}
    if previous_period is not None:
        previous = {
            u.action_id: u
            for u in QuarterlyUpdate.objects.filter(
                period=previous_period,
                action_id__in=[u.action_id for u in updates if u.state == UpdateState.SUBMITTED],
            )
            .counted_for(user)
            .select_related("status")
        }
    queue: dict[str, list] = {"waiting": [], "returned": [], "approved": []}
    kind = {
        UpdateState.SUBMITTED: "waiting",
        UpdateState.RETURNED: "returned",
        UpdateState.APPROVED: "approved",
    }
    for update in updates:
        update.action.plan = plan
        update.is_own = update.pk not in decidable
        update.previous = previous.get(update.action_id)
        queue[kind[update.state]].append(update)
    queue["previous_period"] = previous_period
    return queue


# -- one action ---------------------------------------------------------------------------------


def action_updates(user, action: Action) -> list[QuarterlyUpdate]:
    """The action's updates, newest first, as `user` may read them: in full where readable
    (deliverables.rules.readable_q); a submitted one they may not read yet as awaiting
    approval (`readable` False, its text not shown); drafts and returned ones not at all."""
    return [
        update
        for update in QuarterlyUpdate.objects.filter(action=action)
        .with_readable(user)
        .select_related("period", "status", "updated_by", "submitted_by", "approved_by")
        .order_by("-period__year", "-period__quarter", "-period__month")
        if update.readable or update.state == UpdateState.SUBMITTED
    ]


# -- the performance team's assign-people page ----------------------------------------------


def people_actions(plan: Plan, filters: dict):
    """The plan's actions with their people, narrowed by the assign-people page's filters
    (deliverables.forms.PeopleFilterForm), in reference order."""
    actions = Action.objects.for_plan(plan)
    words = filters.get("q", "").strip()
    if words:
        actions = actions.filter(action_search_q(words))  # the register's search, less commentary
    if "outcome" in filters:
        actions = actions.in_outcome(filters["outcome"])
    for name in ("directorate", "lead_officer", "approver"):
        if name in filters:
            value = filters[name]
            actions = actions.filter(
                **({f"{name}__isnull": True} if value == "none" else {f"{name}_id": value})
            )
    if "period" in filters:
        period = ReportingPeriod.objects.for_plan(plan).by_code(filters["period"]).first()
        actions = actions.in_scope_for(period) if period else actions.none()
    if "action" in filters:
        actions = actions.filter(pk=filters["action"])
    return actions.select_related("directorate", "lead_officer", "approver").by_ref()
