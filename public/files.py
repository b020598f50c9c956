"""The public copy of each published report as a PDF: asked for once, made by the worker.

No visitor's request renders a PDF (12-15 s of WeasyPrint at county size, a door for anyone
to hold the servers). The public copy is a stored ReportFile (reports.files.public_file_request),
asked for whenever a report becomes public: when it is published on a plan whose public
pages are on, when its quarter is published, and for every public report of a plan when its
public pages are switched on. Reports must not import this app (tests/test_architecture.py),
so these are receivers of the models' own signals, and a call from public.services.
A report missed by all three (a plan made public before this existed) is asked for by the
first visitor, who is told it is being made.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models.signals import post_save

from plans.choices import PeriodState
from plans.models import Plan
from public.rules import public_periods, shows_officer_names
from reports.files import public_file_request
from reports.models import ExceptionReport, ReportFile, ReportState


def public_reports(plan: Plan, period_id: int | None = None):
    """The plan's published reports the public reads now (public.rules), newest first."""
    reports = ExceptionReport.objects.filter(
        plan=plan, state=ReportState.PUBLISHED, period__in=public_periods(plan)
    ).select_related("period")
    if period_id is not None:
        reports = reports.filter(period_id=period_id)
    return reports


def reports_if_public(plan: Plan, periods) -> int:
    """How many published reports switching the plan's pages on makes public (and so how many
    public PDFs it asks the worker for): those of the periods the preview lists."""
    return ExceptionReport.objects.filter(
        plan=plan, state=ReportState.PUBLISHED, period__in=periods
    ).count()


def public_files_start(plan_id: int, period_id: int | None = None) -> list[ReportFile]:
    """Ask for the public PDF of every public report of the plan (of one period): each is
    queued once; one made or on its way already is left as it is."""
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        return []
    names = shows_officer_names()
    return [public_file_request(report, names) for report in public_reports(plan, period_id)]


def _later(plan_id: int, period_id: int | None) -> None:
    # After the commit: a publish that rolls back queues nothing, and the period's state is
    # final (publishing a quarter's report publishes the quarter in the same transaction).
    transaction.on_commit(partial(public_files_start, plan_id, period_id))


def on_report_saved(sender, instance: ExceptionReport, **kwargs) -> None:
    if (
        instance.state == ReportState.PUBLISHED
        and Plan.objects.filter(pk=instance.plan_id, public=True).exists()
    ):
        _later(instance.plan_id, instance.period_id)


def on_period_saved(sender, instance, **kwargs) -> None:
    if (
        instance.state == PeriodState.PUBLISHED
        and Plan.objects.filter(pk=instance.plan_id, public=True).exists()
    ):
        _later(instance.plan_id, instance.pk)


def plan_opened(plan_id: int) -> None:
    """Called by public.services.plan_public_set when the pages are switched on."""
    _later(plan_id, None)


def connect() -> None:
    """Called from PublicConfig.ready()."""
    from plans.models import ReportingPeriod

    post_save.connect(on_report_saved, sender=ExceptionReport, dispatch_uid="public-file-report")
    post_save.connect(on_period_saved, sender=ReportingPeriod, dispatch_uid="public-file-period")
