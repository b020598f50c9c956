"""Writes of the exception report: drafting, publishing (freezing) and correcting."""

from __future__ import annotations

from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from deliverables.services import period_publish
from deliverables.workflow import NotAllowed, WorkflowError
from plans.audit import audit
from plans.models import AuditKind, PeriodState, ReportingPeriod, Status, User, long_date
from plans.permissions import can_build_reports, can_manage_periods, can_publish_reports
from plans.sanitise import sanitise_text
from reports.files import report_files_start
from reports.models import ExceptionReport, ReportKind, ReportState
from reports.recommendations import build_content


def _require(user: User, check, message: str) -> None:
    if not check(user):
        raise NotAllowed(message)


@transaction.atomic
def report_start(
    user: User, period: ReportingPeriod, kind: str = ReportKind.EXCEPTIONS
) -> ExceptionReport:
    """The quarter's draft report of `kind`: the one in progress, or a new version."""
    _require(user, can_build_reports, "Only the performance team builds reports.")
    reports = ExceptionReport.objects.filter(period=period, kind=kind)
    draft = reports.filter(state=ReportState.DRAFT).first()
    if draft is not None:
        return draft
    latest = reports.order_by("-version").first()
    report = ExceptionReport(
        plan=period.plan,
        period=period,
        kind=kind,
        version=(latest.version + 1) if latest else 1,
        created_by=user,
    )
    if latest is not None:  # a correction starts from the words of the version it corrects
        report.introduction = latest.introduction
        report.narratives = dict(latest.narratives)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Someone else started the draft at the same moment: use theirs.
        return reports.get(state=ReportState.DRAFT)
    if latest is not None:
        report.extra_statuses.set(latest.extra_statuses.all())
    return report


@transaction.atomic
def report_edit(
    user: User,
    report: ExceptionReport,
    *,
    introduction: str,
    narratives: dict[int, str],
    extra_statuses: list[Status],
) -> ExceptionReport:
    _require(user, can_build_reports, "Only the performance team edits reports.")
    report = ExceptionReport.objects.select_for_update().get(pk=report.pk)
    if report.is_published:
        raise WorkflowError(
            "This version is published and cannot change. Start a correction: it becomes "
            "a new version, and this one stays readable."
        )
    outcome_ids = set(report.plan.outcomes.values_list("pk", flat=True))
    report.introduction = sanitise_text(introduction, max_length=10_000)
    report.narratives = {
        str(outcome_id): sanitise_text(text, max_length=5_000)
        for outcome_id, text in narratives.items()
        if outcome_id in outcome_ids and sanitise_text(text)
    }
    report.save(update_fields=["introduction", "narratives", "updated_at"])
    report.extra_statuses.set([s for s in extra_statuses if s.scale.plan_id == report.plan_id])
    return report


@transaction.atomic
def report_publish(user: User, report: ExceptionReport) -> ExceptionReport:
    """Freeze the draft with the data it is built from, now."""
    _require(user, can_publish_reports, "Only the performance team publishes reports.")
    report = ExceptionReport.objects.select_for_update().get(pk=report.pk)
    if report.is_published:
        raise WorkflowError(f"Version {report.version} is already published.")
    report.state = ReportState.PUBLISHED
    report.published_by = user
    report.published_at = timezone.now()
    data = build_content(report)
    data.state = ReportState.PUBLISHED
    data.published_by = str(user)
    published = timezone.localtime(report.published_at)
    data.published_at = f"{long_date(published.date())} at {published:%H:%M}"
    report.snapshot = data.to_snapshot()
    report.save(update_fields=["state", "published_by", "published_at", "snapshot", "updated_at"])
    if (
        report.kind == ReportKind.EXCEPTIONS
        and report.period.state == PeriodState.CLOSED
        and can_manage_periods(user)
    ):
        # Publishing a closed quarter's report is what publishes the quarter.
        period_publish(
            user, report.period, note=f"with its exception report, version {report.version}"
        )
    # Its PDF, Word and Excel files are made once, in the background, after the publish
    # commits: every later download is the stored file (reports.files).
    transaction.on_commit(partial(report_files_start, report.pk))
    audit(
        AuditKind.REPORT_PUBLISHED,
        f"{report.plan} {report.get_kind_display().lower()} {report.period.label} "
        f"version {report.version} published",
        user=user,
    )
    return report


def latest_published(period: ReportingPeriod) -> ExceptionReport | None:
    return (
        ExceptionReport.objects.filter(
            period=period, kind=ReportKind.EXCEPTIONS, state=ReportState.PUBLISHED
        )
        .order_by("-version")
        .first()
    )
