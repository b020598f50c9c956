"""A quarter's life: added, opened with a deadline, extended, closed (optionally marking No
Update), reopened with a reason, published."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from deliverables import notifications
from deliverables.models import (
    Action,
    QuarterlyUpdate,
    UpdateSource,
    UpdateState,
)
from deliverables.services.base import (
    locked_period,
    save_with_history,
)
from deliverables.workflow import (
    NotAllowed,
    QuarterLocked,
    WorkflowError,
)
from plans.audit import audit
from plans.models import (
    AuditKind,
    PeriodState,
    Plan,
    ReportingPeriod,
    Status,
    User,
    long_date,
    period_compare_q,
)
from plans.permissions import can_manage_periods
from plans.sanitise import sanitise_text


def _require_manager(user: User) -> None:
    if not can_manage_periods(user):
        raise NotAllowed("Only the performance team can open, close or reopen quarters.")


@transaction.atomic
def period_create(
    user: User, plan: Plan, year: int, quarter: int, month: int = 0
) -> ReportingPeriod:
    """Add a quarter to a quarterly plan, or a month (1 to 3 within `quarter`) to a monthly one."""
    _require_manager(user)
    if bool(month) != plan.is_monthly:
        raise WorkflowError(f"{plan} reports by {plan.period_word}: add a {plan.period_word}.")
    if ReportingPeriod.objects.filter(plan=plan, year=year, quarter=quarter, month=month).exists():
        raise WorkflowError(f"That {plan.period_word} already exists.")
    period = ReportingPeriod(
        plan=plan, year=year, quarter=quarter, month=month, state=PeriodState.UPCOMING
    )
    save_with_history(period, user, "Added")
    return period


@transaction.atomic
def period_open(user: User, period: ReportingPeriod, *, due_on) -> ReportingPeriod:
    _require_manager(user)
    period = locked_period(period, exclusive=True)
    if period.state != PeriodState.UPCOMING:
        raise WorkflowError(
            f"{period.label} is {period.get_state_display().lower()}; only an upcoming "
            f"{period.word} can be opened. Use reopen for a closed one."
        )
    if ReportingPeriod.objects.filter(plan=period.plan, state=PeriodState.OPEN).exists():
        raise WorkflowError(f"Another {period.word} of this plan is open. Close it first.")
    period.state = PeriodState.OPEN
    period.opens_on = timezone.localdate()
    period.due_on = due_on
    save_with_history(period, user, f"Opened; updates due {long_date(due_on)}")
    audit(AuditKind.QUARTER, f"{period.plan} {period.label} opened", user=user)
    return period


@transaction.atomic
def period_extend(user: User, period: ReportingPeriod, *, due_on) -> ReportingPeriod:
    _require_manager(user)
    period = locked_period(period, exclusive=True)
    if period.state != PeriodState.OPEN:
        raise QuarterLocked(period)
    before = period.due_on
    period.due_on = due_on
    moved = f"from {long_date(before)} " if before else ""
    save_with_history(period, user, f"Deadline moved {moved}to {long_date(due_on)}")
    return period


@transaction.atomic
def period_close(user: User, period: ReportingPeriod, *, mark_missing: bool) -> int:
    """Close the quarter. With `mark_missing`, actions with no update get the No Update status.

    Returns how many updates were marked No Update.
    """
    _require_manager(user)
    period = locked_period(period, exclusive=True)
    if period.state != PeriodState.OPEN:
        raise WorkflowError(f"{period.label} is not open, so it cannot be closed.")
    marked = 0
    if mark_missing:
        no_update = Status.objects.for_plan(period.plan).filter(means_no_update=True).first()
        if no_update is None:
            raise WorkflowError("This plan's scale has no No Update status to mark with.")
        missing = Action.objects.in_scope_for(period).exclude(updates__period=period)
        now = timezone.now()
        created = QuarterlyUpdate.objects.bulk_create(
            [
                QuarterlyUpdate(
                    action=action,
                    period=period,
                    status=no_update,
                    state=UpdateState.APPROVED,
                    source=UpdateSource.CLOSE,
                    updated_by=user,
                    approved_by=user,
                    approved_at=now,
                )
                for action in missing
            ]
        )
        QuarterlyUpdate.history.bulk_history_create(
            created, default_user=user, default_change_reason="Marked No Update at close"
        )
        marked = len(created)  # a No Update completes nothing: no completion to refresh
    period.state = PeriodState.CLOSED
    period.closes_on = timezone.localdate()
    note = f"; {marked} missing updates marked No Update" if mark_missing else ""
    save_with_history(period, user, f"Closed{note}")
    audit(AuditKind.QUARTER, f"{period.plan} {period.label} closed{note}", user=user)
    return marked


@transaction.atomic
def period_reopen(user: User, period: ReportingPeriod, *, reason: str) -> ReportingPeriod:
    _require_manager(user)
    reason = sanitise_text(reason, max_length=1000)
    if not reason:
        raise WorkflowError(f"Say why the {period.word} is being reopened: the reason is recorded.")
    period = locked_period(period, exclusive=True)
    if period.state not in (PeriodState.CLOSED, PeriodState.PUBLISHED):
        raise WorkflowError(f"{period.label} is not closed, so it cannot be reopened.")
    if ReportingPeriod.objects.filter(plan=period.plan, state=PeriodState.OPEN).exists():
        raise WorkflowError(f"Another {period.word} of this plan is open. Close it first.")
    period.state = PeriodState.OPEN
    save_with_history(period, user, f"Reopened: {reason}")
    audit(AuditKind.QUARTER, f"{period.plan} {period.label} reopened: {reason}", user=user)
    # A correction here can change what later periods count (an action completed earlier
    # leaves them): a later published period's figures would no longer be its published
    # report's, so it goes back to closed until its report is published again.
    for later in later_published(period):
        later.state = PeriodState.CLOSED
        save_with_history(later, user, f"Back to closed: {period.label} was reopened")
    reopening = period.history.latest("history_id").history_id
    notifications.period_reopened_happened(period, reason, event=f"{period.pk}:{reopening}")
    return period


def later_published(period: ReportingPeriod) -> list[ReportingPeriod]:
    """The plan's published periods after `period`: reopening it sends them back to closed."""
    return list(
        ReportingPeriod.objects.filter(plan_id=period.plan_id, state=PeriodState.PUBLISHED)
        .filter(period_compare_q("", period, "gt"))
        .chronological()
    )


@transaction.atomic
def period_publish(user: User, period: ReportingPeriod, *, note: str = "") -> ReportingPeriod:
    """Mark a closed quarter published: its figures have been reported. Publishing the
    quarter's exception report does it (reports.services.report_publish); nothing else
    changes, and it can be reopened like a closed quarter."""
    _require_manager(user)
    period = locked_period(period, exclusive=True)
    if period.state != PeriodState.CLOSED:
        raise WorkflowError(f"{period.label} must be closed before it is published.")
    period.state = PeriodState.PUBLISHED
    save_with_history(period, user, f"Published {note}".strip())
    return period
