"""Writes to indicator values in the quarterly cycle: an owner's save or submission, withdrawal,
approval and return. The same rules, errors and history words as actions' updates
(deliverables.services.updates and .decisions), so the audit history reads the same.

Every rule is checked here, whatever door the value comes through: the owner enters, the
point's quarter must be open (a closed one only after the performance team reopens it), a
value loaded before someone else's save is refused (optimistic locking on `version`), and a
submission needs its figure, commentary when off target or within tolerance, and a forecast
where the indicator asks for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from deliverables.indicators import points as pts
from deliverables.indicators import rag
from deliverables.indicators.amounts import TOO_LARGE, stored_amount
from deliverables.indicators.notifications import (
    value_approved_happened,
    value_returned_happened,
    value_settled,
    value_submitted_happened,
)
from deliverables.indicators.permissions import (
    can_decide_value,
    can_enter_values,
    can_return_value,
)
from deliverables.indicators.readings import rate_values
from deliverables.models import Indicator, IndicatorValue, UpdateSource, UpdateState
from deliverables.permissions import SAVED_AS_DRAFT, SUBMITTED
from deliverables.services.base import locked_period, record_history, save_with_history
from deliverables.workflow import NotAllowed, QuarterLocked, StaleUpdate, WorkflowError
from plans.models import ReportingPeriod, User
from plans.sanitise import sanitise_text


class StaleValue(StaleUpdate):
    """Someone else saved the value after this form was loaded (a StaleUpdate, so every view
    that keeps what was typed for an update does so for a value)."""

    def __init__(self, current: IndicatorValue | None):
        super().__init__(None)
        who = f" by {current.updated_by}" if current is not None and current.updated_by else ""
        self.args = (
            f"This value was changed{who} after you opened it, so your changes were not saved. "
            "Check what is there now, then save again.",
        )
        self.current = current


@dataclass
class Entry:
    """What the owner typed for one point."""

    point: int
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    commentary: str = ""
    forecast: Decimal | None = None
    expected_version: int = 0

    @property
    def has_figure(self) -> bool:
        """A value, or the numerator and denominator it is worked out from."""
        return self.value is not None or (
            self.numerator is not None and self.denominator is not None
        )

    @property
    def is_blank(self) -> bool:
        typed = (self.value, self.numerator, self.denominator, self.forecast)
        return all(v is None for v in typed) and not self.commentary.strip()


def computed_value(
    indicator: Indicator, numerator: Decimal | None, denominator: Decimal | None
) -> Decimal | None:
    """numerator / denominator x the unit's multiplier (a percentage x 100, a rate per 1,000
    x 1,000); None until both are given. A zero denominator is refused: it has no value."""
    if numerator is None or denominator is None:
        if (numerator is None) != (denominator is None):
            missing = (
                indicator.denominator_label if denominator is None else indicator.numerator_label
            )
            raise WorkflowError(f"Enter the {missing.lower() or 'other figure'} too.")
        return None
    if denominator == 0:
        raise WorkflowError(
            f"The {indicator.denominator_label.lower() or 'denominator'} is 0, so there is no "
            "value to work out: check the figure, or leave both empty if there is none yet."
        )
    value = stored_amount(numerator / denominator * indicator.multiplier)
    if value is None:
        raise WorkflowError(f"The value worked out from these figures {TOO_LARGE}.")
    return value


def commentary_problem(
    indicator: Indicator, year: int, point: int, value: Decimal | None, commentary: str
) -> str | None:
    """Why a submitted value needs commentary it lacks: it is off target (red) or only within
    tolerance (amber) by the RAG rule (deliverables.indicators.rag). None when it is fine.
    The service enforces it; the entry form shows it beside the field."""
    if value is None or (commentary or "").strip():
        return None
    probe = IndicatorValue(indicator=indicator, year=year, point=point, value=value)
    rate_values([probe])
    if probe.rag not in (rag.RED, rag.AMBER):
        return None
    return (
        f"Add commentary: {probe.value_text} is {probe.rag_label.lower()} ({probe.rule}). "
        "Say why, and what is being done about it."
    )


def period_of_point(indicator: Indicator, year: int, point: int) -> ReportingPeriod | None:
    """The plan's quarter a point falls in (points.quarter_of), if the plan has it."""
    quarter = pts.quarter_of(indicator.frequency, point)
    return ReportingPeriod.objects.filter(
        plan_id=indicator.plan_id, year=year, quarter=quarter
    ).first()


def _open_period(indicator: Indicator, year: int, point: int) -> ReportingPeriod:
    if not 1 <= point <= pts.points_in_year(indicator.frequency):
        raise WorkflowError(f"{indicator.code} has no point {point}: it is {indicator.frequency}.")
    period = period_of_point(indicator, year, point)
    if period is None:
        label = pts.point_label(indicator.frequency, year, point)
        raise WorkflowError(f"The plan has no quarter for {label}: ask the performance team.")
    period = locked_period(period)
    if not period.is_open:
        raise QuarterLocked(period)
    return period


def _conditional_update(
    row: IndicatorValue, expected_version: int, from_states, **changes
) -> IndicatorValue:
    """Apply `changes` only if nobody has changed the value since `expected_version`."""
    rows = IndicatorValue.objects.filter(
        pk=row.pk, version=expected_version, state__in=list(from_states)
    ).update(version=F("version") + 1, updated_at=timezone.now(), **changes)
    current = IndicatorValue.objects.select_related("indicator", "updated_by", "period").get(
        pk=row.pk
    )
    if rows == 0:
        raise StaleValue(current)
    return current


def _checked(indicator: Indicator, year: int, entry: Entry, submit: bool) -> dict:
    """The fields to write for `entry`, after the rules every save and submission keep."""
    if indicator.has_fraction:
        value = computed_value(indicator, entry.numerator, entry.denominator)
        numerator, denominator = entry.numerator, entry.denominator
    else:
        value, numerator, denominator = entry.value, None, None
    commentary = sanitise_text(entry.commentary, max_length=settings.COMMENTARY_MAX_LENGTH)
    forecast = entry.forecast if indicator.asks_forecast else None
    if submit:
        label = pts.point_label(indicator.frequency, year, entry.point)
        if value is None:
            what = "figures" if indicator.has_fraction else "value"
            raise WorkflowError(f"Enter the {what} for {label} before submitting.")
        problem = commentary_problem(indicator, year, entry.point, value, commentary)
        if problem:
            raise WorkflowError(problem)
        if indicator.asks_forecast and forecast is None:
            raise WorkflowError(f"Give a year-end forecast for {label} before submitting.")
    return {
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "commentary": commentary,
        "forecast": forecast,
    }


@transaction.atomic
def indicator_value_save(
    user: User,
    indicator: Indicator,
    year: int,
    point: int,
    *,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    commentary: str = "",
    forecast: Decimal | None = None,
    submit: bool,
    expected_version: int,
) -> IndicatorValue:
    """Save the owner's value for one point as a draft, or submit it for approval.

    `expected_version` is the version the form was loaded with (0 for a new value)."""
    if not can_enter_values(user, indicator):
        raise NotAllowed("Only the indicator's owner can enter its values.")
    period = _open_period(indicator, year, point)
    entry = Entry(point, value, numerator, denominator, commentary, forecast, expected_version)
    fields = _checked(indicator, year, entry, submit)
    now = timezone.now()
    fields.update(
        period=period,
        state=UpdateState.SUBMITTED if submit else UpdateState.DRAFT,
        source=UpdateSource.ENTERED,
        updated_by=user,
        return_reason="",
        approved_at=None,
        approved_by=None,
    )
    if submit:
        fields.update(submitted_at=now, submitted_by=user)
    reason = SUBMITTED if submit else SAVED_AS_DRAFT  # permissions.is_own_value reads these
    existing = IndicatorValue.objects.filter(indicator=indicator, year=year, point=point).first()
    if existing is None:
        if expected_version:
            raise StaleValue(None)
        saved = IndicatorValue(indicator=indicator, year=year, point=point, **fields)
        try:
            with transaction.atomic():
                save_with_history(saved, user, reason)
        except IntegrityError:
            # Another save created this point's value first.
            raise StaleValue(
                IndicatorValue.objects.select_related("updated_by").get(
                    indicator=indicator, year=year, point=point
                )
            ) from None
    else:
        saved = _conditional_update(existing, expected_version, ("draft", "returned"), **fields)
        record_history([saved], IndicatorValue, user, reason)
    if submit:
        saved.period = period
        value_submitted_happened(saved)
    return saved


@transaction.atomic
def indicator_values_save(
    user: User, indicator: Indicator, year: int, entries: list[Entry], *, submit: bool
) -> list[IndicatorValue]:
    """The entry page's points saved together: all of them, or (if one is refused) none, the
    error naming the point. A month whose figures come late does not hold back the others:
    points left empty with nothing saved are skipped, and on a submission a point without a
    figure is kept (or saved) as a draft while those with figures are submitted; a submission
    with no figure at all is refused."""
    untouched = {id(e) for e in entries if e.is_blank and not e.expected_version}
    figured = [e for e in entries if e.has_figure]
    if submit and not figured:
        error = WorkflowError("Enter a value to submit.")
        error.point = entries[0].point if entries else 0
        raise error
    saved = []
    for entry in entries:
        if id(entry) in untouched:
            continue
        try:
            saved.append(
                indicator_value_save(
                    user, indicator, year, entry.point,
                    value=entry.value, numerator=entry.numerator, denominator=entry.denominator,
                    commentary=entry.commentary, forecast=entry.forecast,
                    submit=submit and entry.has_figure,
                    expected_version=entry.expected_version,
                )
            )  # fmt: skip
        except WorkflowError as error:
            error.point = entry.point
            raise
    return saved


def _decision_period(value: IndicatorValue) -> ReportingPeriod:
    if value.period_id is None:
        raise WorkflowError("This value is history from before the plan's quarters: it is final.")
    period = locked_period(value.period)
    if not period.is_open:
        raise QuarterLocked(period)
    return period


@transaction.atomic
def indicator_value_withdraw(
    user: User, value: IndicatorValue, *, expected_version: int
) -> IndicatorValue:
    """The owner takes back a submitted value before anyone decides on it: it becomes their
    draft again."""
    if not can_enter_values(user, value.indicator):
        raise NotAllowed("Only the indicator's owner can withdraw its value.")
    _decision_period(value)
    value = _conditional_update(
        value, expected_version, ("submitted",), state=UpdateState.DRAFT, updated_by=user
    )
    record_history([value], IndicatorValue, user, "Submission withdrawn")
    value_settled(value)
    return value


@transaction.atomic
def indicator_value_approve(
    user: User, value: IndicatorValue, *, expected_version: int
) -> IndicatorValue:
    if not can_decide_value(user, value):
        raise NotAllowed(
            "Only an approver of the indicator's directorate, or the performance team, can "
            "approve its value, and never their own."
        )
    _decision_period(value)
    value = _conditional_update(
        value,
        expected_version,
        ("submitted",),
        state=UpdateState.APPROVED,
        approved_at=timezone.now(),
        approved_by=user,
        updated_by=user,
    )
    record_history([value], IndicatorValue, user, "Approved")
    value_settled(value)
    value_approved_happened(value)
    return value


@transaction.atomic
def indicator_value_return(
    user: User, value: IndicatorValue, *, reason: str, expected_version: int
) -> IndicatorValue:
    """Send a value back to its owner with the reason: a submitted one (its approvers or the
    performance team), or, in an open quarter, an approved one (the performance team, which
    reopened the quarter to correct it)."""
    if not can_return_value(user, value):
        raise NotAllowed(
            "Only an approver of the indicator's directorate, or the performance team, can "
            "return its value, and never their own."
        )
    reason = sanitise_text(reason, max_length=2000)
    if not reason:
        raise WorkflowError("Say why the value is being returned.")
    _decision_period(value)
    value = _conditional_update(
        value,
        expected_version,
        ("submitted", "approved"),
        state=UpdateState.RETURNED,
        return_reason=reason,
        updated_by=user,
        approved_at=None,
        approved_by=None,
    )
    record_history([value], IndicatorValue, user, f"Returned: {reason}")
    value_settled(value)
    value_returned_happened(value)
    return value


def values_of_quarter(indicator: Indicator, period: ReportingPeriod) -> dict[int, IndicatorValue]:
    """The indicator's values for the points due in `period`, by point."""
    points = pts.points_in_quarter(indicator.frequency, period.quarter)
    return {
        v.point: v
        for v in IndicatorValue.objects.filter(
            Q(indicator=indicator, year=period.year, point__in=points)
        ).select_related("updated_by", "submitted_by", "approved_by")
    }
