"""Emails about what happened to someone's work: an update returned or approved, updates waiting
for an approver, a quarter reopened. (Reminders of what is due, and chasing, are
deliverables.reminders.)

The services call the `*_happened` functions inside their transaction. Each records one
Notification a person an event (a second call for the same event records nothing), and once the
transaction commits, sends those the person wants at once. Updates waiting for approval, and
everything for people who chose one email a day, wait for `manage.py send_digests`, which sends
each person one email with all of theirs. A row's `sent_at` is claimed before its email goes, so
nothing is sent twice, and freed again if sending fails, so nothing is lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from deliverables.models import Action, Notification, NotificationKind, QuarterlyUpdate
from deliverables.permissions import users_who_decide, users_who_may_enter_updates
from plans.models import NotificationFrequency, ReportingPeriod, User

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _signature() -> str:
    return (
        f"This is an automatic email from {settings.SERVICE_NAME}, {settings.COUNCIL_NAME}. "
        f"Choose how often you get these at {absolute_url(reverse('account'))}"
    )


def notify(kind: str, event: str, people, subject: str, body: str, *, digest: bool = False):
    """One notification for each person with an email address; sent after commit unless it
    waits for the digest."""
    rows = [
        Notification(
            user=person,
            kind=kind,
            event=event,
            subject=subject,
            body=body,
            digest=digest or person.notification_frequency == NotificationFrequency.DAILY,
        )
        for person in people
        if person.is_active and person.email
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    transaction.on_commit(lambda: send_immediate(kind, event))


def _officer_of(update: QuarterlyUpdate) -> list[User]:
    """Who hears about the update: whoever submitted it, else the action's lead officer, else
    its delegates."""
    person = update.submitted_by or update.action.lead_officer
    if person is not None:
        return [person]
    return [d.user for d in update.action.delegations.select_related("user")]


def _update_link(update: QuarterlyUpdate) -> str:
    period = update.period
    return absolute_url(
        reverse("deliverables:update", args=[period.plan.slug, period.code, update.action_id])
    )


def update_returned_happened(update: QuarterlyUpdate) -> None:
    action, period = update.action, update.period
    subject = f"{action.display_ref} {period.label} update returned to you"
    body = "\n".join(
        [
            f"{update.updated_by} returned your {period.label} update for {action.display_ref}, "
            f"{action.title[:120]}:",
            "",
            update.return_reason,
            "",
            f"Change it and submit it again: {_update_link(update)}",
        ]
    )
    notify(
        NotificationKind.RETURNED,
        f"{update.pk}:{update.version}",
        _officer_of(update),
        subject,
        body,
    )


def update_approved_happened(update: QuarterlyUpdate) -> None:
    action, period = update.action, update.period
    subject = f"{action.display_ref} {period.label} update approved"
    body = "\n".join(
        [
            f"{update.approved_by} approved your {period.label} update for {action.display_ref}, "
            f"{action.title[:120]} ({update.status.label}).",
            "",
            f"It now counts on every page and report: {absolute_url(action.get_absolute_url())}",
        ]
    )
    notify(
        NotificationKind.APPROVED,
        f"{update.pk}:{update.version}",
        _officer_of(update),
        subject,
        body,
    )


def update_submitted_happened(update: QuarterlyUpdate) -> None:
    """Approvers hear of submissions in one email a day, however many there are."""
    action, period = update.action, update.period
    subject = f"{action.display_ref} {period.label} update waiting for your approval"
    review = reverse("deliverables:review", args=[period.plan.slug, period.code])
    body = (
        f"{update.submitted_by} submitted {action.display_ref}, {action.title[:120]} "
        f"({update.status.label}). Review it at {absolute_url(review)}"
    )
    notify(
        NotificationKind.SUBMITTED,
        f"{update.pk}:{update.version}",
        users_who_decide(update),
        subject,
        body,
        digest=True,
    )


def submission_settled(update: QuarterlyUpdate) -> None:
    """The update was approved, returned or withdrawn: approvers' digests no longer list it."""
    Notification.objects.filter(
        kind=NotificationKind.SUBMITTED, event__startswith=f"{update.pk}:", sent_at=None
    ).delete()


def period_reopened_happened(period: ReportingPeriod, reason: str, event: str) -> None:
    """The officers of the quarter's actions (leads and delegates) hear it is open again."""
    actions = Action.objects.in_scope_for(period).filter(plan=period.plan)
    officers = users_who_may_enter_updates().filter(
        Q(led_actions__in=actions) | Q(delegations__action__in=actions)
    )
    subject = f"{period.plan.name}: {period.label} is open again for updates"
    body = "\n".join(
        [
            f"The performance team reopened {period.label}: {reason}",
            "",
            "Updates that closing marked No Update can now be given, and anything returned to "
            f"you changed. Your updates: {absolute_url(reverse('deliverables:my_updates'))}",
        ]
    )
    notify(NotificationKind.REOPENED, event, officers.distinct(), subject, body)


def _claim(rows) -> list[Notification]:
    """The rows this sender won: `sent_at` set only where nobody set it first."""
    now = timezone.now()
    won = []
    for row in rows:
        if Notification.objects.filter(pk=row.pk, sent_at=None).update(sent_at=now):
            won.append(row)
    return won


def _send(rows: list[Notification], subject: str, body: str) -> bool:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [rows[0].user.email])
    except Exception:  # any mail failure: free the rows so the next run sends them
        logger.exception("Could not send a notification to %s", rows[0].user.username)
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(sent_at=None)
        return False
    return True


def send_immediate(kind: str, event: str) -> int:
    """Send the event's notifications that do not wait for the digest. How many were sent."""
    sent = 0
    pending = Notification.objects.filter(kind=kind, event=event, digest=False, sent_at=None)
    for row in _claim(pending.select_related("user")):
        sent += _send([row], row.subject, f"{row.body}\n\n{_signature()}")
    return sent


@dataclass
class DigestReport:
    sent: dict[str, int] = field(default_factory=dict)  # username -> notifications in it
    failed: list[str] = field(default_factory=list)


def send_digests() -> DigestReport:
    """One email to each person with notifications waiting for the digest, listing them all."""
    report = DigestReport()
    waiting = Notification.objects.filter(digest=True, sent_at=None).select_related("user")
    by_user: dict[int, list[Notification]] = {}
    for row in waiting:
        by_user.setdefault(row.user_id, []).append(row)
    for rows in by_user.values():
        rows = _claim(rows)
        if not rows:
            continue
        user = rows[0].user
        subject = (
            rows[0].subject if len(rows) == 1 else f"{len(rows)} things about your updates today"
        )
        lines = [f"Hello {user.first_name or user.username},", ""]
        for row in rows:
            lines += [f"- {row.subject}", f"  {row.body.replace(chr(10), chr(10) + '  ')}", ""]
        lines.append(_signature())
        if _send(rows, subject, "\n".join(lines)):
            report.sent[user.username] = len(rows)
        else:
            report.failed.append(user.username)
    return report
