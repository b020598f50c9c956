"""Writes that span the plan's frame: setting a plan up from a specification."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import models, transaction

from plans.models import (
    Directorate,
    NotificationFrequency,
    PeriodState,
    Plan,
    ReportingPeriod,
    Status,
    StatusScale,
    StrategicOutcome,
    Theme,
    User,
    parse_any_period,
)


@dataclass
class SyncCounts:
    """How many rows of each kind a sync created and changed."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)

    def merge(self, other: SyncCounts) -> None:
        self.created.update(other.created)
        self.updated.update(other.updated)


def _sync(
    model: type[models.Model], counts: SyncCounts, lookup: dict, values: dict
) -> models.Model:
    """get_or_create by `lookup`, then change only the fields that differ: reruns write nothing."""
    obj = model.objects.filter(**lookup).first()
    kind = model._meta.verbose_name_plural
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        counts.created[kind] += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        counts.updated[kind] += 1
    return obj


@transaction.atomic
def directorates_sync(specs: list[dict]) -> SyncCounts:
    counts = SyncCounts()
    for spec in specs:
        _sync(
            Directorate,
            counts,
            {"code": spec["code"]},
            {"name": spec["name"], "prefixes": spec.get("prefixes", spec["code"])},
        )
    return counts


@transaction.atomic
def plan_sync(spec: dict) -> tuple[Plan, SyncCounts]:
    """Create or bring up to date a plan, its scale, outcomes, themes and quarters.

    `spec` is the shape of the files in fixtures/sandwell/. Existing rows are matched by name
    and changed only where the spec differs, so running it twice changes nothing.
    """
    counts = SyncCounts()
    plan_spec = dict(spec["plan"])
    slug = plan_spec.pop("slug")
    plan = _sync(Plan, counts, {"slug": slug}, plan_spec)

    scale_spec = spec["scale"]
    scale = _sync(StatusScale, counts, {"plan": plan}, {"name": scale_spec["name"]})
    for status in scale_spec["statuses"]:
        _sync(
            Status,
            counts,
            {"scale": scale, "label": status["label"]},
            {
                "colour": status["colour"],
                "rag": status["rag"],
                "order": status.get("order", 0),
                "is_exception": status.get("is_exception", False),
                "closes_action": status.get("closes_action", False),
                "means_no_update": status.get("means_no_update", False),
                "requires_commentary": status.get(
                    "requires_commentary", not status.get("closes_action", False)
                ),
                "spellings": "\n".join(status.get("spellings", [])),
            },
        )

    for position, outcome_spec in enumerate(spec.get("outcomes", []), start=1):
        outcome = _sync(
            StrategicOutcome,
            counts,
            {"plan": plan, "name": outcome_spec["name"]},
            {"short_name": outcome_spec.get("short_name", ""), "order": position},
        )
        named = [t for t in outcome_spec.get("themes", []) if t.get("name")]
        for theme_position, theme_spec in enumerate(named, start=1):
            _sync(
                Theme,
                counts,
                {"outcome": outcome, "name": theme_spec["name"]},
                {"order": theme_position},
            )

    for period_spec in spec.get("periods", []):
        # A quarter (2022-23-Q1) or, for a monthly plan, a month (2022-05).
        year, quarter, month = parse_any_period(period_spec["code"])
        values = {"state": period_spec.get("state", PeriodState.UPCOMING)}
        for date_field in ("opens_on", "due_on", "closes_on"):
            if period_spec.get(date_field):
                values[date_field] = period_spec[date_field]
        where = {"plan": plan, "year": year, "quarter": quarter, "month": month}
        existing = ReportingPeriod.objects.filter(**where).first()
        if existing is None:
            ReportingPeriod.objects.create(**where, **values)
            counts.created["reporting periods"] += 1
        # An existing quarter keeps its state: its life cycle belongs to the performance team.
    return plan, counts


def user_set_notification_frequency(user: User, frequency: str) -> User:
    """A user's own choice: emails about their updates as things happen, or one a day."""
    if frequency not in NotificationFrequency.values:
        raise ValueError(f"{frequency!r} is not a notification frequency")
    user.notification_frequency = frequency
    user.save(update_fields=["notification_frequency"])
    return user
