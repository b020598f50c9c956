"""Sandwell's indicators, from the figures its own tracker commentary gives ("97.9% of new
birth visits against a national average of 97.6"): the definitions are data
(fixtures/sandwell/indicators.json), read here by load_sandwell.

Create-only, like the rest of load_sandwell: a second run finds every indicator, target, value
and comparator in place and changes nothing, and never overwrites what the council has since
edited or entered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from deliverables.indicators.points import QUARTERLY, point_label, quarter_of
from deliverables.models import Action
from deliverables.models.indicators import Comparator, Indicator, IndicatorTarget, IndicatorValue
from deliverables.models.states import UpdateSource, UpdateState
from plans.models import Directorate, Plan
from plans.periods import parse_period_code

DEFINITION_FIELDS = (
    "title",
    "calculation",
    "unit",
    "decimals",
    "polarity",
    "frequency",
    "cumulative",
    "data_source",
    "tolerance_kind",
    "tolerance",
)


KINDS = ("indicators", "targets", "values", "comparators")


@dataclass
class Loaded:
    """What a load found and what it added, by kind."""

    total: dict[str, int] = field(default_factory=dict)
    new: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def line(self) -> str:
        return ", ".join(f"{self.total[k]} {k} ({self.new[k]} new)" for k in KINDS)


def source_action(plan: Plan, spec: dict) -> Action:
    """The action whose commentary gives the figure: by reference, or by title for the
    tracker rows that have none ("Stop Smoking Support")."""
    given = spec["action"]
    actions = Action.objects.filter(plan=plan)
    if isinstance(given, dict):
        return actions.get(title=given["title"])
    return actions.with_ref(given).get()


def description(spec: dict, action: Action, written_in: str) -> str:
    quarter = point_label(QUARTERLY, *parse_period_code(written_in))
    return f"From the {quarter} commentary of {action.ref or action.title}: “{spec['quote']}”."


@transaction.atomic
def indicators_load(spec: dict) -> Loaded:
    """Create what the spec holds and the database lacks; report totals and what was new."""
    plan = Plan.objects.get(slug=spec["plan"])
    directorates = {d.code: d for d in Directorate.objects.all()}
    periods = {(p.year, p.quarter): p for p in plan.periods.all()}
    loaded = Loaded()
    for order, item in enumerate(spec["indicators"], 1):
        action = source_action(plan, item)
        indicator = Indicator.objects.filter(plan=plan, code=item["code"]).first()
        if indicator is None:
            indicator = Indicator(plan=plan, code=item["code"], order=order)
            for name in DEFINITION_FIELDS:
                if name in item:
                    setattr(indicator, name, item[name])
            indicator.description = description(item, action, spec["written_in"])
            indicator.owner_id = action.lead_officer_id
            # The tracker left a few rows without a directorate; the seed names it.
            indicator.directorate = directorates.get(item.get("directorate")) or action.directorate
            indicator.save()
            indicator.actions.add(action)
            loaded.new["indicators"] += 1
        _targets(indicator, item, loaded)
        _values(indicator, item, periods, spec["value_source"], loaded)
        _comparators(indicator, item, spec["value_source"], loaded)
    indicators = Indicator.objects.filter(plan=plan)
    loaded.total = {
        "indicators": indicators.count(),
        "targets": IndicatorTarget.objects.filter(indicator__in=indicators).count(),
        "values": IndicatorValue.objects.filter(indicator__in=indicators).count(),
        "comparators": Comparator.objects.filter(indicator__in=indicators).count(),
    }
    return loaded


def _targets(indicator: Indicator, item: dict, loaded: Loaded) -> None:
    for target in item.get("targets", []):
        _, made = IndicatorTarget.objects.get_or_create(
            indicator=indicator,
            year=target["year"],
            point=target["point"],
            defaults={"value": Decimal(target["value"])},
        )
        loaded.new["targets"] += made


def _values(indicator: Indicator, item: dict, periods: dict, source: str, loaded: Loaded) -> None:
    now = timezone.now()
    for value in item.get("values", []):
        year, point = value["year"], value["point"]
        _, made = IndicatorValue.objects.get_or_create(
            indicator=indicator,
            year=year,
            point=point,
            defaults={
                "value": Decimal(value["value"]),
                # An older year predates the plan's quarters: no quarter to hang it on.
                "period": periods.get((year, quarter_of(indicator.frequency, point))),
                "commentary": f"{source}: “{item['quote']}”.",
                "state": UpdateState.APPROVED,
                "source": UpdateSource.IMPORTED,
                "submitted_at": now,
                "approved_at": now,
            },
        )
        loaded.new["values"] += made


def _comparators(indicator: Indicator, item: dict, source: str, loaded: Loaded) -> None:
    for comparator in item.get("comparators", []):
        _, made = Comparator.objects.get_or_create(
            indicator=indicator,
            area=comparator["area"],
            year=comparator["year"],
            point=comparator["point"],
            defaults={
                "kind": comparator["kind"],
                "value": Decimal(comparator["value"]),
                "source": source,
            },
        )
        loaded.new["comparators"] += made


def indicators_take_owners(plan: Plan | None = None) -> int:
    """Give each ownerless indicator the lead officer of the action it came from, once the
    actions have leads (load_sandwell --demo-users gives them after the plans load)."""
    given = 0
    indicators = Indicator.objects.filter(owner=None)
    if plan is not None:
        indicators = indicators.filter(plan=plan)
    for indicator in indicators.prefetch_related("actions"):
        leads = [a.lead_officer_id for a in indicator.actions.all() if a.lead_officer_id]
        if leads:
            indicator.owner_id = leads[0]
            indicator.save(update_fields=["owner"])
            given += 1
    return given
