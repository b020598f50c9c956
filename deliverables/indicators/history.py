"""An indicator's audit trail as sentences (simple_history): its definition, targets and values.

Shown only to those who see the indicator's work in progress (rules.sees_indicator_work): the
trail names drafts, returns and submitted figures that other readers may not see.
"""

from __future__ import annotations

from deliverables.history import TIMELINE_LIMIT, TimelineEntry
from deliverables.indicators import points as pts
from deliverables.models.indicators import Indicator, IndicatorTarget, IndicatorValue

_FIELDS = {
    "code": "code",
    "title": "title",
    "description": "description",
    "calculation": "how it is calculated",
    "unit": "unit",
    "decimals": "decimals",
    "polarity": "polarity",
    "frequency": "frequency",
    "cumulative": "cumulative",
    "owner": "owner",
    "directorate": "directorate",
    "data_source": "data source",
    "external_id": "external metric id",
    "tolerance_kind": "tolerance kind",
    "tolerance": "tolerance",
    "is_active": "active",
}


def _who(record) -> str:
    return str(record.history_user) if record.history_user else "The system"


def indicator_timeline(indicator: Indicator) -> list[TimelineEntry]:
    """Every recorded change, newest first. Three queries whatever the length."""
    entries = [*_definition(indicator), *_targets(indicator), *_values(indicator)]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:TIMELINE_LIMIT]


def _definition(indicator: Indicator):
    before = None
    for record in indicator.history.select_related("history_user", "owner", "directorate").order_by(
        "history_date", "history_id"
    ):
        if record.history_type == "+":
            yield TimelineEntry(record.history_date, _who(record), "Indicator added", [], "")
        elif before is not None:
            detail = [
                f"{label.capitalize()}: {getattr(before, name) or 'none'} → "
                f"{getattr(record, name) or 'none'}"
                for name, label in _FIELDS.items()
                if getattr(before, name) != getattr(record, name)
            ]
            if detail:
                yield TimelineEntry(
                    record.history_date,
                    _who(record),
                    "Indicator changed",
                    detail,
                    record.history_change_reason or "",
                )
        before = record


def _targets(indicator: Indicator):
    for record in (
        IndicatorTarget.history.filter(indicator_id=indicator.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        which = (
            f"Annual target {pts.year_label(record.year)}"
            if record.point == 0
            else f"Target for {pts.point_label(indicator.frequency, record.year, record.point)}"
        )
        verb = {"+": "set", "~": "changed", "-": "removed"}[record.history_type]
        yield TimelineEntry(
            record.history_date, _who(record), f"{which} {verb}", [f"Target: {record.value}"], ""
        )


def _values(indicator: Indicator):
    previous: dict[int, object] = {}
    for record in (
        IndicatorValue.history.filter(indicator_id=indicator.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    ):
        before = previous.get(record.id)
        previous[record.id] = record
        label = pts.point_label(indicator.frequency, record.year, record.point)
        if record.history_type == "+":
            what = f"{label} value created ({record.get_state_display().lower()})"
        elif record.history_type == "-":
            what = f"{label} value deleted"
        else:
            what = f"{label} value changed"
        detail = []
        if before is None or record.value != before.value:
            detail.append(f"Value: {record.value if record.value is not None else 'none'}")
        if before is not None and record.state != before.state:
            detail.append(f"State: {before.get_state_display()} → {record.get_state_display()}")
        if before is not None and record.commentary != before.commentary:
            detail.append("Commentary changed")
        if record.state == "returned" and record.return_reason:
            detail.append(f"Returned: {record.return_reason}")
        yield TimelineEntry(
            record.history_date, _who(record), what, detail, record.history_change_reason or ""
        )
