"""The action register's query, shared by the register page, its exports and the open data
files (public.opendata): one row per action in a period's scope with its status now and
before, as one reader reads them (deliverables.rules), never a counting query of its own.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from deliverables.rules import in_scope, with_statuses
from plans.models import Directorate, Plan, ReportingPeriod, User
from plans.refs import ref_sort_key
from plans.statuses import Scale


def deliverable_labels(deliverables) -> list[str]:
    """Each deliverable once, by its reference read naturally (B3 before B10); one with no
    reference by the start of its title, after those with one."""
    ordered = sorted(set(deliverables), key=lambda d: (ref_sort_key(d.ref), d.title, d.pk))
    return list(dict.fromkeys(d.ref or d.title[:40] for d in ordered))


def register_actions(
    plan: Plan,
    period: ReportingPeriod,
    previous: ReportingPeriod | None,
    scale: Scale,
    user,
) -> QuerySet:
    """The plan's actions in `period`'s scope with `status_now`, `status_before` and
    `commentary_now` as `user` reads them, and `status_order`/`previous_order` (the scale's
    order, unreported last) to sort by."""
    orders = {s.pk: s.order for s in scale.legend(set(scale.by_pk))}

    def order_of(field: str) -> Case:
        return Case(
            *[When(**{field: pk}, then=Value(order)) for pk, order in orders.items()],
            default=Value(999),
            output_field=IntegerField(),
        )

    actions = with_statuses(in_scope(plan, period), period, previous, scale, user, commentary=True)
    return actions.annotate(
        status_order=order_of("status_now"), previous_order=order_of("status_before")
    )


def with_names(actions: QuerySet) -> QuerySet:
    """`actions` with `directorate_name`, `lead_first`, `lead_last` and `lead_username` as
    columns of the row, each a scalar subquery rather than a joined table: with the status
    rule's six joins, joining the directorate and lead officer too made PostgreSQL spend
    30-50 ms planning the register's page of 50 rows, which then took 1-2 ms to run (scalar
    subqueries are planned on their own: ~2 ms in all)."""

    def user_field(name: str) -> Subquery:
        return Subquery(User.objects.filter(pk=OuterRef("lead_officer_id")).values(name)[:1])

    return actions.select_related(None).annotate(
        directorate_name=Subquery(
            Directorate.objects.filter(pk=OuterRef("directorate_id")).values("name")[:1]
        ),
        lead_first=user_field("first_name"),
        lead_last=user_field("last_name"),
        lead_username=user_field("username"),
    )


def lead_name(action) -> str:
    """The lead officer as str(User) writes them, from with_names' columns ("" for none)."""
    if action.lead_officer_id is None:
        return ""
    return f"{action.lead_first} {action.lead_last}".strip() or action.lead_username
