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


def every_public_period() -> QuerySet[ReportingPeriod]:
    """Every public plan's published periods (the feed of all plans asks for them at once)."""
    return ReportingPeriod.objects.filter(plan__in=public_plans(), state=PeriodState.PUBLISHED)


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


def is_public(plan: Plan, period: ReportingPeriod) -> bool:
    return plan.public and period.plan_id == plan.pk and period.state == PeriodState.PUBLISHED


def shows_officer_names() -> bool:
    """Whether public pages and files name lead officers (the council's choice)."""
    return settings.PUBLIC_SHOW_OFFICER_NAMES
