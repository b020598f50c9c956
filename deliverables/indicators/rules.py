"""Who sees an indicator's work in progress and which values count: the actions' rules
(deliverables.rules) applied to indicators, written once here.

An indicator's people are its owner; its directorate's approvers and those who oversee every
directorate (the performance team and administrators) see its work in progress as they do an
action's. Approved values are open to everyone signed in; a submitted value counts for those who
see the work in progress, and is "awaiting approval" (without its figure) for everyone else;
drafts and returned values count for no one and are read only by those same people.
"""

from __future__ import annotations

from django.db.models import Q

from deliverables.rules import EVERYONE, NOBODY, work_scope


def sees_indicator_work_q(user, indicator: str = "indicator__") -> Q | object:
    """A condition on indicators (through the path `indicator`) true where `user` sees the
    indicator's work in progress; EVERYONE or NOBODY when it is the same for all."""
    scope = work_scope(user)
    if scope in (EVERYONE, NOBODY):
        return scope
    user_id, directorates = scope
    condition = Q(**{f"{indicator}owner_id": user_id})
    if directorates:
        condition |= Q(**{f"{indicator}directorate_id__in": directorates})
    return condition


def sees_indicator_work(user, indicator) -> bool:
    """The same rule for one indicator, in Python."""
    scope = work_scope(user)
    if scope in (EVERYONE, NOBODY):
        return scope is EVERYONE
    user_id, directorates = scope
    return indicator.owner_id == user_id or indicator.directorate_id in directorates


def _limited(condition: Q, scope) -> Q:
    if scope is EVERYONE:
        return condition
    if scope is NOBODY:
        return Q(pk__in=[])
    return condition & scope


def counted_value_q(user, value: str = "", indicator: str = "indicator__") -> Q:
    """Values whose figure counts for `user`: approved ones, and submitted ones where the
    reader sees the indicator's work in progress."""
    approved = Q(**{f"{value}state": "approved"})
    submitted = Q(**{f"{value}state": "submitted"})
    return approved | _limited(submitted, sees_indicator_work_q(user, indicator))


def awaiting_value_q(user, value: str = "", indicator: str = "indicator__") -> Q:
    """Submitted values `user` may not read: shown as awaiting approval, without the figure."""
    submitted = Q(**{f"{value}state": "submitted"})
    scope = sees_indicator_work_q(user, indicator)
    if scope is EVERYONE:
        return Q(pk__in=[])
    if scope is NOBODY:
        return submitted
    return submitted & ~scope


def readable_value_q(user, value: str = "", indicator: str = "indicator__") -> Q:
    """Values whose figure and text `user` may read: approved ones, and every value of an
    indicator whose work in progress they see (drafts and returned ones included)."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    approved = Q(**{f"{value}state": "approved"})
    return approved | _limited(
        Q(**{f"{value}pk__isnull": False}), sees_indicator_work_q(user, indicator)
    )
