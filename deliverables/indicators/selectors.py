"""Which outcomes an indicator belongs to, for every page that groups or filters by outcome.

An indicator's outcomes are those it is linked to directly, the outcomes of the deliverables it
evidences, and the outcomes its actions are placed in (an action under two deliverables of one
outcome still puts the indicator in that outcome once).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from deliverables.models import ActionPlacement, Indicator


def outcome_ids_by_indicator(indicators: Iterable[Indicator]) -> dict[int, set[int]]:
    """{indicator id: the ids of its outcomes}, in three queries whatever the number."""
    ids = [indicator.pk for indicator in indicators]
    found: dict[int, set[int]] = defaultdict(set)
    if not ids:
        return found
    through = Indicator.outcomes.through.objects.filter(indicator_id__in=ids)
    for indicator_id, outcome_id in through.values_list("indicator_id", "strategicoutcome_id"):
        found[indicator_id].add(outcome_id)
    via_deliverables = Indicator.deliverables.through.objects.filter(indicator_id__in=ids)
    for indicator_id, outcome_id in via_deliverables.values_list(
        "indicator_id", "deliverable__outcome_id"
    ):
        found[indicator_id].add(outcome_id)
    via_actions = Indicator.actions.through.objects.filter(indicator_id__in=ids)
    action_ids = defaultdict(set)
    for indicator_id, action_id in via_actions.values_list("indicator_id", "action_id"):
        action_ids[action_id].add(indicator_id)
    if action_ids:
        for action_id, outcome_id in ActionPlacement.objects.filter(
            action_id__in=list(action_ids)
        ).values_list("action_id", "outcome_id"):
            for indicator_id in action_ids[action_id]:
                found[indicator_id].add(outcome_id)
    return found


def indicators_of_outcome(indicators: Iterable[Indicator], outcome_id: int) -> list[Indicator]:
    """The indicators (of those given) that belong to one outcome, in their order."""
    indicators = list(indicators)
    outcomes = outcome_ids_by_indicator(indicators)
    return [i for i in indicators if outcome_id in outcomes.get(i.pk, ())]
