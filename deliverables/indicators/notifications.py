"""Emails to an indicator's owner when a value is returned or approved, recorded and sent the
way deliverables.notifications sends an update's (one Notification per person and event, sent
after commit, or in the daily digest for those who chose it)."""

from __future__ import annotations

from django.urls import reverse

from deliverables.indicators.permissions import users_who_decide_value
from deliverables.indicators.points import point_label
from deliverables.models import IndicatorValue, Notification, NotificationKind
from deliverables.notifications import absolute_url, notify


def _owner_of(value: IndicatorValue) -> list:
    """Whoever owns the indicator now: after a hand-over the one who submitted may no longer
    see it, and a return asks the owner to act."""
    person = value.indicator.owner or value.submitted_by
    return [person] if person is not None else []


def _event(value: IndicatorValue) -> str:
    # Its own namespace: an update and a value may share a primary key.
    return f"indicator-value:{value.pk}:{value.version}"


def _entry_link(value: IndicatorValue) -> str:
    period = value.period
    return absolute_url(
        reverse(
            "deliverables:indicator_entry",
            args=[period.plan.slug, value.indicator.code, period.code],
        )
    )


def value_returned_happened(value: IndicatorValue) -> None:
    indicator = value.indicator
    label = point_label(indicator.frequency, value.year, value.point)
    subject = f"{indicator.code} {label} value returned to you"
    body = "\n".join(
        [
            f"{value.updated_by} returned your {label} value for {indicator.code}, "
            f"{indicator.title[:120]}:",
            "",
            value.return_reason,
            "",
            f"Change it and submit it again: {_entry_link(value)}",
        ]
    )
    notify(NotificationKind.RETURNED, _event(value), _owner_of(value), subject, body)


def value_approved_happened(value: IndicatorValue) -> None:
    indicator = value.indicator
    label = point_label(indicator.frequency, value.year, value.point)
    subject = f"{indicator.code} {label} value approved"
    body = "\n".join(
        [
            f"{value.approved_by} approved your {label} value for {indicator.code}, "
            f"{indicator.title[:120]}.",
            "",
            f"It now counts on every page and report: {_entry_link(value)}",
        ]
    )
    notify(NotificationKind.APPROVED, _event(value), _owner_of(value), subject, body)


def value_submitted_happened(value: IndicatorValue) -> None:
    """Approvers hear of submitted values in their one email a day, with the updates."""
    indicator, period = value.indicator, value.period
    label = point_label(indicator.frequency, value.year, value.point)
    review = reverse("deliverables:review", args=[period.plan.slug, period.code])
    subject = f"{indicator.code} {label} value waiting for your approval"
    body = (
        f"{value.submitted_by} submitted {indicator.code}, {indicator.title[:120]} for {label}. "
        f"Review it at {absolute_url(review)}"
    )
    notify(
        NotificationKind.SUBMITTED,
        _event(value),
        users_who_decide_value(value),
        subject,
        body,
        digest=True,
    )


def value_settled(value: IndicatorValue) -> None:
    """The value was approved, returned or withdrawn: approvers' digests no longer list it."""
    Notification.objects.filter(
        kind=NotificationKind.SUBMITTED,
        event__startswith=f"indicator-value:{value.pk}:",
        sent_at=None,
    ).delete()
