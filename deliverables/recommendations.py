"""How far each external review recommendation has got: the one rule every page, report and
file about recommendations uses.

A recommendation's progress in a period is read from the actions that answer it, under the
counting rules every other page uses (deliverables.rules): each action's status is the one
`with_statuses` gives the reader for the period, so drafts and returned updates count for no
one, and a submitted update only for those who see the action's work in progress. An action
completed in an earlier period is not in the period (in_scope_q) but still answers the
recommendation: it counts as complete, with no status of the period. An action not yet
reported, or withdrawn, is listed with the reason and counted in nothing but the total.

Its milestones are read with deliverables.milestones.milestone_state, whose completions are
the ones that count (an approved update's, Milestone.completed_on).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from deliverables.milestones import MilestoneState, counted_q, state_of
from deliverables.models import Action, Milestone, Recommendation
from deliverables.rules import in_scope, out_of_scope_reason, with_statuses
from plans.models import Plan, ReportingPeriod
from plans.statuses import PseudoStatus, Scale

# The RAG keys a recommendation's status counts use, in the order pages show them; "none" is
# an action in the period with no status yet (an open period's "not yet updated").
RAG_ORDER = ("red", "amber", "green", "blue", "grey", "none")


@dataclass
class MilestoneLine:
    milestone: Milestone
    state: MilestoneState


@dataclass
class ActionProgress:
    action: Action
    status: object | None  # a plans.Status or PseudoStatus as the reader reads it, or None
    in_period: bool  # counted in the period (deliverables.rules.in_scope_q)
    complete: bool
    reason: str  # why it is not counted in the period; "" when it is
    milestones: list[MilestoneLine] = field(default_factory=list)


@dataclass
class RecommendationProgress:
    recommendation: Recommendation
    actions: list[ActionProgress]
    rag_counts: dict[str, int]  # RAG_ORDER key -> actions in the period
    actions_complete: int
    milestones_complete: int
    milestones_overdue: int
    milestones_total: int

    @property
    def actions_total(self) -> int:
        return len(self.actions)

    @property
    def rag_list(self) -> list[tuple[str, int]]:
        """The non-zero RAG counts in page order, for templates."""
        return [(key, self.rag_counts[key]) for key in RAG_ORDER if self.rag_counts.get(key)]


def _closes(status) -> bool:
    return status is not None and not isinstance(status, PseudoStatus) and status.closes_action


def _completed_before(action: Action, period: ReportingPeriod | None) -> bool:
    return (
        period is not None
        and action.completed_in is not None
        and action.completed_in.sort_key < period.sort_key
    )


def recommendation_progress(
    plan: Plan,
    period: ReportingPeriod | None,
    user,
    *,
    today: dt.date,
    recommendations=None,
) -> list[RecommendationProgress]:
    """Each of the plan's recommendations (or those of `recommendations`, a queryset of them)
    with its actions as `user` reads them in `period`, and its counts: a fixed handful of
    queries however many recommendations and actions."""
    if recommendations is None:
        recommendations = Recommendation.objects.filter(plan=plan)
    recommendations = list(recommendations.filter(plan=plan))
    for recommendation in recommendations:
        recommendation.plan = plan  # for its URL, without a query per recommendation
    links = Recommendation.actions.through.objects.filter(
        recommendation_id__in=[r.pk for r in recommendations], action__plan=plan
    ).values_list("recommendation_id", "action_id")
    action_ids_of: dict[int, list[int]] = {}
    for recommendation_id, action_id in links:
        action_ids_of.setdefault(recommendation_id, []).append(action_id)
    ids = {pk for pks in action_ids_of.values() for pk in pks}
    actions = {
        a.pk: a
        for a in Action.objects.filter(pk__in=ids)
        .select_related(
            "directorate", "lead_officer", "completed_in", "reported_from", "withdrawn_from"
        )
        .by_ref()
    }
    order = {pk: index for index, pk in enumerate(actions)}  # the plan's reference order
    scale = Scale.of(plan)
    status_of: dict[int, int | None] = {}
    if period is not None:
        status_of = dict(
            with_statuses(in_scope(plan, period).filter(pk__in=ids), period, None, scale, user)
            .values_list("pk", "status_now")
            .order_by()
        )
    milestones_of: dict[int, list[MilestoneLine]] = {}
    for milestone in Milestone.objects.filter(counted_q(), action_id__in=ids).order_by(
        "action", "order", "pk"
    ):
        milestone.action = actions[milestone.action_id]
        line = MilestoneLine(milestone, state_of(milestone, today))
        milestones_of.setdefault(milestone.action_id, []).append(line)

    def progress_of(action: Action) -> ActionProgress:
        action.plan = plan  # for its URL, without a query per action
        milestones = milestones_of.get(action.pk, [])
        if period is None or action.pk in status_of:
            status = scale.get(status_of.get(action.pk))
            counted = period is not None
            return ActionProgress(action, status, counted, _closes(status), "", milestones)
        reason = out_of_scope_reason(action, period)
        return ActionProgress(
            action, None, False, _completed_before(action, period), reason, milestones
        )

    per_action = {pk: progress_of(action) for pk, action in actions.items()}
    results = []
    for recommendation in recommendations:
        lines = [
            per_action[pk]
            for pk in sorted(action_ids_of.get(recommendation.pk, []), key=order.__getitem__)
        ]
        results.append(_summarise(recommendation, lines))
    return results


def _summarise(recommendation: Recommendation, lines: list[ActionProgress]):
    rag_counts = dict.fromkeys(RAG_ORDER, 0)
    for line in lines:
        if line.in_period:
            rag_counts[line.status.rag if line.status is not None else "none"] += 1
    milestones = [m for line in lines for m in line.milestones]
    return RecommendationProgress(
        recommendation=recommendation,
        actions=lines,
        rag_counts=rag_counts,
        actions_complete=sum(line.complete for line in lines),
        milestones_complete=sum(m.state == MilestoneState.COMPLETE for m in milestones),
        milestones_overdue=sum(m.state == MilestoneState.OVERDUE for m in milestones),
        milestones_total=len(milestones),
    )
