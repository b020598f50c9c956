"""Reads of milestones for pages: an action's list with each state, the claims a reader may
see, an officer's overdue milestones, and the overdue count per outcome on the dashboard.

The state is always deliverables.milestones.milestone_state (and overdue_q, its SQL twin);
which reported completions a reader sees is deliverables.rules.sees_work_of: a claim is part of
an update's work in progress until that update is approved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from deliverables.milestones import MilestoneState, counted_q, overdue_q, state_of
from deliverables.models import Action, Milestone, MilestoneCompletion, UpdateState
from deliverables.rules import sees_work_of
from plans.models import Plan, ReportingPeriod, StrategicOutcome, Theme

# The tag colour for each state; the state's words are always written beside it.
TAG_CLASSES = {
    MilestoneState.NOT_STARTED: "govuk-tag--grey",
    MilestoneState.IN_PROGRESS: "govuk-tag--blue",
    MilestoneState.OVERDUE: "govuk-tag--red",
    MilestoneState.COMPLETE: "govuk-tag--green",
}
PANEL_LIMIT = 10


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def when_written(milestone: Milestone) -> str:
    """The milestone's dates as the council wrote them: its note when it has words ("TBC",
    "Autumn 2022, read as ..."), else the dates."""
    if milestone.date_note:
        return milestone.date_note
    start, due = milestone.start_date, milestone.due_date
    if start and due:
        return f"{_long(start)} to {_long(due)}"
    if due:
        return f"By {_long(due)}"
    if start:
        return f"From {_long(start)}"
    return "No date"


def with_state(milestone: Milestone, today: dt.date) -> Milestone:
    """The milestone with `state`, `tag_class` and `when` for a template."""
    milestone.state = state_of(milestone, today)
    milestone.tag_class = TAG_CLASSES[milestone.state]
    milestone.when = when_written(milestone)
    return milestone


def action_milestones(
    user, action: Action, today: dt.date, *, sees_work: bool | None = None
) -> list[Milestone]:
    """An action's milestones in order, each with its state and, for a reader who sees the
    action's work in progress, `claims`: completions reported in updates not yet approved.
    `sees_work`: that answer (deliverables.rules.sees_work_of), when the page has it."""
    if sees_work is None:
        sees_work = sees_work_of(user, action)
    pending = MilestoneCompletion.objects.exclude(update__state=UpdateState.APPROVED)
    milestones = Milestone.objects.filter(action=action).order_by("order", "pk")
    if sees_work:
        milestones = milestones.prefetch_related(
            Prefetch(
                "completions",
                queryset=pending.select_related("update__period"),
                to_attr="claims",
            )
        )
    rows = []
    for milestone in milestones:
        milestone.action = action  # its completion is the milestones' too (state_of)
        rows.append(with_state(milestone, today))
        if not sees_work:
            milestone.claims = []
    return rows


def open_milestones(action: Action, update, today: dt.date) -> list[Milestone]:
    """The milestones an officer may report complete with `update` (None: not yet saved): those
    not complete, each with `claimed_on`, the date this update reported before, if any."""
    claimed = {}
    if update is not None:
        claimed = dict(
            MilestoneCompletion.objects.filter(update=update).values_list(
                "milestone_id", "completed_on"
            )
        )
    rows = []
    for milestone in Milestone.objects.filter(
        action=action, completed_on__isnull=True, complete_as_written=False
    ).order_by("order", "pk"):
        milestone.action = action
        milestone.claimed_on = claimed.get(milestone.pk)
        rows.append(with_state(milestone, today))
    return rows


def claims_by_update(update_ids: list[int]) -> dict[int, list[MilestoneCompletion]]:
    """The completions each update reports, for the review page (its reviewers see them)."""
    found: dict[int, list[MilestoneCompletion]] = {}
    for completion in MilestoneCompletion.objects.filter(update__in=update_ids).select_related(
        "milestone"
    ):
        found.setdefault(completion.update_id, []).append(completion)
    return found


def my_overdue_milestones(user, today: dt.date) -> list[Milestone]:
    """Overdue milestones of the actions whose updates `user` enters, in active plans: each one
    the officer can still report complete with an update (its action neither complete nor
    withdrawn)."""
    actions = Action.objects.editable_by(user).filter(plan__is_active=True)
    return [
        with_state(m, today)
        for m in Milestone.objects.filter(overdue_q(today), counted_q(), action__in=actions)
        .select_related("action__plan")
        .order_by("due_date", "pk")
    ]


@dataclass
class OverduePanel:
    """The dashboard's overdue milestones: a count per outcome and the first few."""

    total: int
    by_outcome: list[tuple[StrategicOutcome, int]]
    first: list[Milestone] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.total - len(self.first)


def overdue_panel(plan: Plan, period: ReportingPeriod, today: dt.date) -> OverduePanel | None:
    """The plan's overdue milestones as of `today` (deliverables.milestones: of actions neither
    complete nor withdrawn), as the timelines and recommendations count them; None when the
    plan has no milestones at all, so plans without them show no panel. Overdue is a matter of
    today's date, so the count does not change with the period the dashboard shows."""
    if not Milestone.objects.filter(action__plan=plan).exists():
        return None
    overdue = Milestone.objects.filter(overdue_q(today), counted_q(), action__plan=plan)
    counts = dict(
        overdue.values_list("action__placements__outcome")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    outcomes = list(plan.outcomes.order_by("order", "name"))
    first = [
        with_state(m, today)
        for m in overdue.select_related("action").order_by("due_date", "pk")[:PANEL_LIMIT]
    ]
    for milestone in first:
        milestone.action.plan = plan
    return OverduePanel(
        total=overdue.count(),
        by_outcome=[(outcome, counts.get(outcome.pk, 0)) for outcome in outcomes],
        first=first,
    )


def group_milestones(
    plan: Plan, *, outcome: StrategicOutcome | None = None, theme: Theme | None = None
) -> list[Milestone]:
    """Milestones of the actions placed under an outcome, or under a theme (straight under it
    or under one of its deliverables), each once, by action then order."""
    if theme is not None:
        placed = Q(action__placements__theme=theme) | Q(
            action__placements__deliverable__theme=theme
        )
    else:
        placed = Q(action__placements__outcome=outcome)
    ids = Milestone.objects.filter(placed, counted_q(), action__plan=plan).values("pk")
    return list(
        Milestone.objects.filter(pk__in=ids)
        .select_related("action")
        .order_by("action__ref", "action_id", "order", "pk")
    )
