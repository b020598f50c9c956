"""The golden thread's reads and its form: which deliverables of other plans an action serves,
and which actions of other plans stand behind a deliverable, with the status each reader may
see. Writes are in deliverables.services.thread.

Statuses come from the one rule (deliverables.rules.with_statuses) in the period each action's
own plan shows first (deliverables.access.period_for), so a row here reads as the same action
does on its own plan's pages, for every reader: a viewer never sees a draft.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404

from deliverables.access import period_for
from deliverables.models import Action, ActionContribution, Deliverable, ref_ordering
from deliverables.rules import in_scope, out_of_scope_reason, with_statuses
from deliverables.selectors import outcome_tree
from deliverables.services.thread import SAME_PLAN
from plans.models import Plan, ReportingPeriod, Status
from plans.statuses import PseudoStatus, Scale


def deliverable_for(user, plan: Plan, pk: int) -> Deliverable:
    """A deliverable of a plan the user may read (plan_for has checked the plan); else 404."""
    deliverable = get_object_or_404(
        Deliverable.objects.filter(outcome__plan=plan).select_related("outcome", "theme"), pk=pk
    )
    deliverable.outcome.plan = plan  # for the outcome's URL, without a query
    return deliverable


def deliverable_actions(
    plan: Plan, deliverable: Deliverable, period: ReportingPeriod | None, user
) -> list[tuple]:
    """The deliverable's own actions as its outcome's page lists them: (action, status, note)."""
    sections, _count = outcome_tree(plan, deliverable.outcome, period, user)
    for section in sections:
        for item, rows in section["deliverables"]:
            if item.pk == deliverable.pk:
                return rows
    return []


@dataclass
class ThreadRow:
    action: Action
    period: ReportingPeriod | None  # the period the status is read in; None: no periods yet
    status: Status | PseudoStatus | None  # None in an open period: not yet updated
    note: str  # why the action is not counted in `period`, if it is not


def contributing_actions(user, deliverable: Deliverable) -> list[ThreadRow]:
    """The actions of other plans that serve `deliverable`, of plans `user` may read, by plan
    and reference, each with its status as `user` may see it. Three queries a plan."""
    links = list(
        ActionContribution.objects.filter(
            deliverable=deliverable, action__plan__in=Plan.objects.visible_to(user)
        )
        .select_related(
            "action__plan",
            "action__directorate",
            "action__completed_in",
            "action__reported_from",
            "action__withdrawn_from",
        )
        .order_by("action__plan__name", "action__plan_id", *ref_ordering("action__"))
    )
    by_plan: dict[int, list[Action]] = {}
    for link in links:
        by_plan.setdefault(link.action.plan_id, []).append(link.action)
    rows = []
    for actions in by_plan.values():
        rows.extend(_plan_rows(user, actions))
    return rows


def _plan_rows(user, actions: list[Action]) -> list[ThreadRow]:
    plan = actions[0].plan
    period = period_for(plan, None)
    if period is None:
        return [ThreadRow(action, None, None, "") for action in actions]
    scale = Scale.of(plan)
    status_of = dict(
        with_statuses(
            in_scope(plan, period).filter(pk__in=[a.pk for a in actions]), period, None, scale, user
        ).values_list("pk", "status_now")
    )
    rows = []
    for action in actions:
        action.plan = plan
        if action.pk in status_of:
            rows.append(ThreadRow(action, period, scale.get(status_of[action.pk]), ""))
        else:
            rows.append(ThreadRow(action, period, None, out_of_scope_reason(action, period)))
    return rows


def served_deliverables(user, action: Action) -> list[ActionContribution]:
    """The deliverables of other plans `action` serves, of plans `user` may read."""
    return list(
        ActionContribution.objects.filter(
            action=action, deliverable__outcome__plan__in=Plan.objects.visible_to(user)
        )
        .select_related("deliverable__outcome__plan", "deliverable__theme")
        .order_by(
            "deliverable__outcome__plan__name",
            "deliverable__outcome__order",
            "deliverable__order",
            "deliverable__pk",
        )
    )


def linkable_plans(user, action: Action):
    """Plans in use, other than the action's own, whose deliverables it may be linked to."""
    return Plan.objects.visible_to(user).active().exclude(pk=action.plan_id).order_by("name")


class ContributionForm(forms.Form):
    """Link an action to a deliverable of another plan: the plan first, then its deliverable."""

    plan = forms.ModelChoiceField(
        queryset=Plan.objects.none(),
        to_field_name="slug",
        error_messages={
            "required": "Choose the plan whose deliverable this action serves.",
            "invalid_choice": "Choose a plan from the list.",
        },
    )
    deliverable = forms.ModelChoiceField(
        queryset=Deliverable.objects.none(),
        error_messages={
            "required": "Choose the deliverable this action serves.",
            "invalid_choice": "Choose a deliverable from the list.",
        },
    )

    def __init__(self, *args, action: Action, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["plan"].queryset = linkable_plans(user, action)
        # Every readable plan's deliverables, the action's own plan's included, so choosing one
        # of those is refused with the reason rather than as "not in the list".
        self.fields["deliverable"].queryset = Deliverable.objects.filter(
            outcome__plan__in=Plan.objects.visible_to(user)
        ).select_related("outcome__plan")

    def chosen_plan(self, slug: str | None) -> Plan | None:
        """The plan chosen in step one, or None: read on its own, before the deliverable is."""
        try:
            return self.fields["plan"].clean(slug)
        except forms.ValidationError:
            return None

    def deliverable_choices(self, plan: Plan):
        """`plan`'s deliverables the action does not serve yet, in outline order."""
        served = ActionContribution.objects.filter(action=self.action, deliverable=OuterRef("pk"))
        return (
            Deliverable.objects.filter(outcome__plan=plan)
            .exclude(Exists(served))
            .select_related("outcome", "theme")
            .order_by("outcome__order", "outcome__name", "order", "pk")
        )

    def clean(self) -> dict:
        data = super().clean()
        deliverable, plan = data.get("deliverable"), data.get("plan")
        if deliverable is None:
            return data
        if deliverable.outcome.plan_id == self.action.plan_id:
            self.add_error(
                "deliverable", SAME_PLAN.format(deliverable=deliverable.ref or "That deliverable")
            )
        elif plan is not None and deliverable.outcome.plan_id != plan.pk:
            self.add_error("deliverable", f"Choose a deliverable of {plan.name}.")
        return data
