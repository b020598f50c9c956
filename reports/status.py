"""Each action's status for a quarter, and for the quarter before, computed in the database.

Everything the dashboards and the register count starts here. An action's status for a
quarter is the status of its submitted or approved update; in a closed quarter, an action
with none counts as the scale's No Update status, never as absent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, FilteredRelation, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from deliverables.models import REPORTABLE_STATES, Action
from plans.models import Plan, Rag, ReportingPeriod, Status

# How bad each RAG category is, to say whether an action improved or worsened. Grey (No
# Update, Not Started) is not on this ladder: a change to or from grey is not a movement.
SEVERITY = {Rag.BLUE: 0, Rag.GREEN: 1, Rag.AMBER: 2, Rag.RED: 3}


@dataclass
class Scale:
    """A plan's statuses, looked up once per request."""

    statuses: list[Status]

    @classmethod
    def of(cls, plan: Plan) -> Scale:
        return cls(list(Status.objects.for_plan(plan).order_by("order")))

    @property
    def by_pk(self) -> dict[int, Status]:
        return {s.pk: s for s in self.statuses}

    @property
    def no_update(self) -> Status | None:
        return next((s for s in self.statuses if s.means_no_update), None)

    def ids_with_rag(self, rag: str) -> list[int]:
        return [s.pk for s in self.statuses if s.rag == rag]

    def red_ids(self) -> list[int]:
        return self.ids_with_rag(Rag.RED)


def _joined(actions: QuerySet, alias: str, period: ReportingPeriod) -> QuerySet:
    """Join each action to its reportable update for `period` under `alias`: a LEFT JOIN on
    (action, period), which the unique key makes at most one row, instead of a correlated
    subquery per action per use."""
    condition = Q(updates__period=period, updates__state__in=REPORTABLE_STATES)
    return actions.annotate(**{alias: FilteredRelation("updates", condition=condition)})


def status_expression(alias: str, period: ReportingPeriod | None, scale: Scale):
    """SQL for the action's status id in `period` (None: not updated yet in an open quarter)."""
    if period is None:
        return Value(None, output_field=IntegerField())
    reported = F(f"{alias}__status")
    if period.is_locked and scale.no_update is not None:
        return Coalesce(reported, Value(scale.no_update.pk), output_field=IntegerField())
    return reported


def with_statuses(
    actions: QuerySet,
    period: ReportingPeriod,
    previous: ReportingPeriod | None,
    scale: Scale,
    *,
    commentary: bool = False,
) -> QuerySet:
    """Annotate `status_now` and `status_before` (status ids), and optionally `commentary_now`."""
    actions = _joined(actions, "update_now", period)
    if previous is not None:
        actions = _joined(actions, "update_before", previous)
    annotations = {
        "status_now": status_expression("update_now", period, scale),
        "status_before": status_expression("update_before", previous, scale),
    }
    if commentary:
        annotations["commentary_now"] = F("update_now__commentary")
    return actions.annotate(**annotations)


def in_scope(plan: Plan, period: ReportingPeriod) -> QuerySet:
    """The plan's actions that owe, or gave, an update for `period`."""
    return Action.objects.filter(plan=plan).in_scope_for(period)


def movement_filter(kind: str, scale: Scale) -> Q:
    """Actions that improved, worsened or stayed between the two quarters; or turned red."""
    ranked = [(s.pk, SEVERITY[s.rag]) for s in scale.statuses if s.rag in SEVERITY]
    if kind == "turned_red":
        red = scale.red_ids()
        return Q(status_now__in=red) & ~Q(status_before__in=red)
    if kind == "stayed":
        return Q(status_now=F("status_before"))
    pairs = [
        (a, b)
        for a, rank_a in ranked
        for b, rank_b in ranked
        if (rank_a < rank_b if kind == "improved" else rank_a > rank_b)
    ]
    condition = Q(pk__in=[])
    for now, before in pairs:
        condition |= Q(status_now=now, status_before=before)
    return condition


def movement_kinds(now: int | None, before: int | None, scale: Scale) -> set[str]:
    """The movements `movement_filter` would find for one pair of status ids, in Python:
    for counting from a GROUP BY of (now, before) pairs instead of one filtered count each."""
    if now is None or before is None:
        return set()
    kinds = set()
    red = set(scale.red_ids())
    if now in red and before not in red:
        kinds.add("turned_red")
    if now == before:
        kinds.add("stayed")
    rank = {s.pk: SEVERITY[s.rag] for s in scale.statuses if s.rag in SEVERITY}
    if now in rank and before in rank:
        if rank[now] < rank[before]:
            kinds.add("improved")
        elif rank[now] > rank[before]:
            kinds.add("worsened")
    return kinds
