"""Who should be reminded of what, and sending it: the engine of `send_reminders`.

Officers hear about actions with no update, a draft, or a returned update; approvers about
updates waiting for them. Reminders go on chosen days before the deadline and after it, one
email a person a period (a quarter, or a monthly plan's month) a day: the ReminderLog row is
claimed before sending, so a second run on the same day (or two runs at once) cannot send the
same person another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from deliverables.models import Action, QuarterlyUpdate, ReminderLog, UpdateState
from deliverables.permissions import users_who_may_approve_updates
from deliverables.workflow import NotAllowed, QuarterLocked, workflow_state
from plans.models import ReportingPeriod, User, long_date
from plans.permissions import can_manage_periods

DEFAULT_BEFORE = (7, 3, 1, 0)  # days before the deadline (0: the day itself)
DEFAULT_AFTER = (1, 3, 7, 14, 21, 28)  # days after it


@dataclass
class Reminder:
    user: User
    period: ReportingPeriod
    to_update: list[tuple[Action, str]] = field(default_factory=list)  # (action, state)
    to_approve: list[QuarterlyUpdate] = field(default_factory=list)
    reminded_today: bool = False


@dataclass
class RunReport:
    sent: list[Reminder] = field(default_factory=list)
    already_reminded: list[Reminder] = field(default_factory=list)
    no_email: list[Reminder] = field(default_factory=list)
    failed: list[tuple[Reminder, str]] = field(default_factory=list)
    periods: list[tuple[ReportingPeriod, int | None, bool]] = field(default_factory=list)


def is_reminder_day(days_left: int, before=DEFAULT_BEFORE, after=DEFAULT_AFTER) -> bool:
    return days_left in before if days_left >= 0 else -days_left in after


def reminders_due(period: ReportingPeriod) -> list[Reminder]:
    """Everyone with something to do for `period`, and what. A fixed number of queries."""
    by_user: dict[int, Reminder] = {}

    def reminder(user: User) -> Reminder:
        if user.pk not in by_user:
            by_user[user.pk] = Reminder(user=user, period=period)
        return by_user[user.pk]

    actions = list(
        Action.objects.in_scope_for(period)
        .select_related("lead_officer", "directorate")
        .prefetch_related("delegations__user")
        .by_ref()
    )
    updates = {
        u.action_id: u
        for u in QuarterlyUpdate.objects.filter(period=period).select_related(
            "status", "submitted_by"
        )
    }
    officers_of: dict[int, list[User]] = {}
    for action in actions:
        people = [d.user for d in action.delegations.all()]
        if action.lead_officer is not None:
            people.insert(0, action.lead_officer)
        officers_of[action.pk] = [p for p in people if p.is_active]
        update = updates.get(action.pk)
        state = workflow_state(update)
        if state in ("not_started", UpdateState.DRAFT, UpdateState.RETURNED):
            for person in officers_of[action.pk]:
                reminder(person).to_update.append((action, state))

    waiting = [u for u in updates.values() if u.state == UpdateState.SUBMITTED]
    if waiting:
        _add_approvals(actions, waiting, officers_of, reminder)
    return sorted(by_user.values(), key=lambda r: r.user.username)


def _add_approvals(actions, waiting, officers_of, reminder) -> None:
    """Each approver's share of the updates waiting (deliverables.permissions.reviews: of their
    directorates, or of actions naming them), never their own."""
    directorate_ids = {a.directorate_id for a in actions if a.directorate_id}
    named = {a.approver_id for a in actions if a.approver_id}
    approvers = (
        users_who_may_approve_updates()
        .filter(Q(directorates__in=directorate_ids) | Q(pk__in=named))
        .prefetch_related("directorates")
        .distinct()
    )
    actions_by_id = {a.pk: a for a in actions}
    for approver in approvers:
        mine = {d.pk for d in approver.directorates.all()}
        for update in waiting:
            action = actions_by_id.get(update.action_id)
            if action is None:
                continue
            if action.directorate_id not in mine and action.approver_id != approver.pk:
                continue
            own = update.submitted_by_id == approver.pk or approver in officers_of[action.pk]
            if not own:
                update.action = action
                reminder(approver).to_approve.append(update)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def compose(reminder: Reminder, today: dt.date) -> tuple[str, str]:
    """Subject and plain-text body of one person's reminder."""
    period = reminder.period
    plan = period.plan
    days_left = period.days_left(today)
    due = long_date(period.due_on) if period.due_on else ""
    if days_left is None:
        when = "have no deadline set"
    elif days_left > 1:
        when = f"are due {due} ({days_left} days left)"
    elif days_left == 1:
        when = f"are due tomorrow, {due}"
    elif days_left == 0:
        when = f"are due today, {due}"
    else:
        when = f"were due {due} and are {-days_left} days overdue"
    lines = [f"Hello {reminder.user.first_name or reminder.user.username},", ""]
    if reminder.to_update:
        lines.append(f"{plan.name}: {period.label} updates {when}. These need you:")
        lines.append("")
        words = {
            "not_started": "not started",
            "draft": "draft not submitted",
            "returned": "returned to you",
        }
        for action, state in reminder.to_update:
            url = reverse("deliverables:update", args=[plan.slug, period.code, action.pk])
            lines.append(f"- {action.display_ref}: {action.title[:80]} ({words[state]})")
            lines.append(f"  {_absolute(url)}")
        lines.append("")
    if reminder.to_approve:
        lines.append(
            f"{len(reminder.to_approve)} {period.label} update(s) are waiting for your approval:"
        )
        lines.append("")
        for update in reminder.to_approve:
            lines.append(f"- {update.action.display_ref}: {update.action.title[:80]}")
        url = reverse("deliverables:review", args=[plan.slug, period.code])
        lines.append(f"  Review them at {_absolute(url)}")
        lines.append("")
    lines.append(
        f"This is an automatic reminder from {settings.SERVICE_NAME}, {settings.COUNCIL_NAME}."
    )
    if reminder.to_update and reminder.to_approve:
        subject = f"{period.label}: updates to enter and to approve"
    elif reminder.to_update:
        subject = f"{period.label} updates {when.split(' (')[0]}"
    else:
        subject = f"{period.label}: {len(reminder.to_approve)} update(s) waiting for your approval"
    return subject, "\n".join(lines)


def reminders_send(
    today: dt.date,
    *,
    dry_run: bool = False,
    before=DEFAULT_BEFORE,
    after=DEFAULT_AFTER,
) -> RunReport:
    """Send today's reminders for every open quarter or month that has a deadline."""
    report = RunReport()
    periods = ReportingPeriod.objects.open().exclude(due_on=None).select_related("plan")
    for period in periods:
        days_left = period.days_left(today)
        due_today = is_reminder_day(days_left, before, after)
        report.periods.append((period, days_left, due_today))
        if not due_today:
            continue
        for reminder in reminders_due(period):
            if not reminder.user.email:
                report.no_email.append(reminder)
                continue
            if dry_run:
                if ReminderLog.objects.filter(
                    user=reminder.user, period=period, sent_on=today
                ).exists():
                    report.already_reminded.append(reminder)
                else:
                    report.sent.append(reminder)
                continue
            _deliver(reminder, today, report)
    return report


def _deliver(reminder: Reminder, today: dt.date, report: RunReport, note: str = "") -> None:
    """Claim the person's reminder slot for the day, then send; free it if sending fails."""
    if not reminder.user.email:
        report.no_email.append(reminder)
        return
    subject, body = compose(reminder, today)
    try:
        with transaction.atomic():
            log = ReminderLog.objects.create(
                user=reminder.user,
                period=reminder.period,
                sent_on=today,
                summary=f"{note}: {subject}" if note else subject,
            )
    except IntegrityError:
        report.already_reminded.append(reminder)
        return
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [reminder.user.email])
    except Exception as error:  # any mail failure: free the day's slot for a retry
        log.delete()
        report.failed.append((reminder, str(error)))
    else:
        report.sent.append(reminder)


def officers_to_chase(period: ReportingPeriod, today: dt.date) -> list[Reminder]:
    """The officers with updates still to give for `period`, each marked `reminded_today` if a
    reminder or a chase already reached them today."""
    officers = [r for r in reminders_due(period) if r.to_update]
    reminded = set(
        ReminderLog.objects.filter(period=period, sent_on=today).values_list("user_id", flat=True)
    )
    for reminder in officers:
        reminder.to_approve = []  # a chase is about updates to give
        reminder.reminded_today = reminder.user.pk in reminded
    return officers


def unowned_outstanding(period: ReportingPeriod) -> int:
    """Actions that still owe `period` an update but have nobody to chase: no lead officer and
    no delegate."""
    actions = list(
        Action.objects.in_scope_for(period)
        .filter(lead_officer__isnull=True, delegations__isnull=True)
        .values_list("pk", flat=True)
    )
    updates = {
        u.action_id: u for u in QuarterlyUpdate.objects.filter(period=period, action_id__in=actions)
    }
    owing = ("not_started", UpdateState.DRAFT, UpdateState.RETURNED)
    return sum(1 for pk in actions if workflow_state(updates.get(pk)) in owing)


def officers_chase(user: User, period: ReportingPeriod, user_ids, today: dt.date) -> RunReport:
    """The performance team chases the chosen officers now: each gets the reminder email of what
    they still owe, recorded like a reminder, so nobody is chased (or reminded) twice a day."""
    if not can_manage_periods(user):
        raise NotAllowed("Only the performance team chases officers.")
    if not period.is_open:
        raise QuarterLocked(period)
    chosen = {int(pk) for pk in user_ids}
    report = RunReport()
    for reminder in officers_to_chase(period, today):
        if reminder.user.pk in chosen:
            _deliver(reminder, today, report, note=f"Chased by {user}")
    return report


def summarise(report: RunReport) -> list[str]:
    lines = []
    for period, days_left, due_today in report.periods:
        when = (
            "no deadline"
            if days_left is None
            else (
                f"{days_left} days to the deadline"
                if days_left >= 0
                else f"{-days_left} days overdue"
            )
        )
        lines.append(
            f"{period.plan.name}, {period.label}: {when}; "
            + ("a reminder day." if due_today else "not a reminder day.")
        )
    officers = sum(1 for r in report.sent if r.to_update)
    approvers = sum(1 for r in report.sent if r.to_approve)
    lines.append(
        f"Reminders sent: {len(report.sent)} ({officers} to officers, {approvers} to approvers); "
        f"already reminded today: {len(report.already_reminded)}; "
        f"no email address: {len(report.no_email)}; failed: {len(report.failed)}."
    )
    for reminder in report.no_email:
        lines.append(f"  No email address for {reminder.user.username}: not reminded.")
    for reminder, error in report.failed:
        lines.append(f"  Could not send to {reminder.user.username}: {error}")
    return lines
