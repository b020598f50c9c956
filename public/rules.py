"""What the public sees: the one home of the rule every public page, file, feed and test uses.

A plan's period is public when the performance team has switched the plan's public pages on
(`Plan.public`) and the period is published (closed, with its figures reported: publishing its
exception report does it). Nothing else is: not an open, closed-but-unpublished or reopened
period, not a plan whose public pages are off.

Within a public period the public reads what everyone may read (the audience the exception
report is built for, `PUBLIC_READER`): approved statuses and commentary; a submitted update not
yet approved shows as "Awaiting approval" without its text; drafts and returned updates count
for no one. Lead officers' names are shown only if the council chooses
(`PUBLIC_SHOW_OFFICER_NAMES`); otherwise an action shows its directorate and lead role.
"""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from plans.choices import PeriodState
from plans.models import Plan, ReportingPeriod

# The audience of every public figure: no one signed in. The counting rules
# (deliverables.rules) give such a reader approved updates only.
PUBLIC_READER = None


def public_plans() -> QuerySet[Plan]:
    """Plans whose public pages are on."""
    return Plan.objects.filter(public=True)


def public_periods(plan: Plan) -> QuerySet[ReportingPeriod]:
    """The plan's published periods, newest first; none while its public pages are off."""
    if not plan.public:
        return ReportingPeriod.objects.none()
    return plan.periods.filter(state=PeriodState.PUBLISHED).newest_first()


def published_periods() -> QuerySet[ReportingPeriod]:
    """Every public plan's published periods, newest first: public_periods() for many plans
    at once (a list of plans prefetches it)."""
    return ReportingPeriod.objects.filter(
        plan__public=True, state=PeriodState.PUBLISHED
    ).newest_first()


def public_plan_for(slug: str) -> Plan:
    """The public plan at `slug`, or 404 (the same answer as a plan that does not exist)."""
    plan = public_plans().filter(slug=slug).first()
    if plan is None:
        raise Http404("No public plan here.")
    return plan


def public_period_for(plan: Plan, code: str) -> ReportingPeriod:
    """The plan's published period `code`, or 404 (an unpublished period does not exist here)."""
    period = public_periods(plan).by_code(code).first()
    if period is None:
        raise Http404("No published period here.")
    return period


def public_previous(plan: Plan, period: ReportingPeriod) -> ReportingPeriod | None:
    """The period before `period`, to compare with, only if it is public too: a published
    quarter's files never carry a status of a quarter that is closed but not published, open
    or reopened (its movement is then "no update to compare")."""
    previous = period.previous()
    if previous is None or not plan.public or previous.state != PeriodState.PUBLISHED:
        return None
    return previous


def public_readings(plan: Plan, period: ReportingPeriod) -> list:
    """The period's indicator readings as everyone reads them, with every figure of a quarter
    that is not public taken out: the previous point's and last year's (and the directions
    worked out from them), and the figure itself where it is read from another quarter (an
    annual measure before Q4)."""
    from deliverables.indicators import points, rag
    from deliverables.indicators.readings import quarter_readings

    published = {(p.year, p.quarter) for p in public_periods(plan) if p.month == 0} | {
        (period.year, period.quarter)
    }

    def public_point(frequency: str, year: int, point: int) -> bool:
        return (year, points.quarter_of(frequency, point)) in published

    shown = []
    for reading in quarter_readings(plan, period, PUBLIC_READER):
        frequency = reading.indicator.frequency
        if not public_point(frequency, reading.year, reading.point):
            reading = replace(reading, value=None, commentary="", rag=rag.MISSING)
        if not public_point(
            frequency, *points.previous_point(frequency, reading.year, reading.point)
        ):
            reading = replace(reading, previous=None, compared_before=None, direction=None)
        if not public_point(frequency, *points.same_point_last_year(reading.year, reading.point)):
            reading = replace(reading, last_year=None, direction_year=None)
        shown.append(reading)
    return shown


def public_lead(action) -> str:
    """Who leads an action, as the public is told: the lead role as the plan names it; the
    officer's name too only when the council chooses to publish names."""
    officer = action.lead_officer
    if shows_officer_names() and officer is not None:
        name = officer.get_full_name() or officer.get_username()
        return f"{name}, {action.lead_role}" if action.lead_role else name
    return action.lead_role


def shows_officer_names() -> bool:
    """Whether public pages and files name lead officers (the council's choice)."""
    return settings.PUBLIC_SHOW_OFFICER_NAMES
