"""The quarterly exception report: drafts, and published versions frozen with their data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from plans.models import Plan, ReportingPeriod, Status
from plans.permissions import can_build_reports


class ReportState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class ReportKind(models.TextChoices):
    """What a report lists, built and published the same way."""

    EXCEPTIONS = "exceptions", "Exception report"
    RECOMMENDATIONS = "recommendations", "Progress against recommendations"


class ExceptionReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> ExceptionReportQuerySet:
        """Published versions for everyone signed in; drafts for those who build reports."""
        if not user.is_authenticated:
            return self.none()
        if can_build_reports(user):
            return self
        return self.filter(state=ReportState.PUBLISHED)


class ExceptionReport(models.Model):
    """One version of a plan's exception report for a quarter.

    A draft is built from the live data each time it is shown. Publishing stores the built
    report in `snapshot`, so a published version reads the same however the data changes
    later; a correction is a new version, and older versions stay readable.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="exception_reports")
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="exception_reports"
    )
    kind = models.CharField(
        max_length=20, choices=ReportKind.choices, default=ReportKind.EXCEPTIONS
    )
    version = models.PositiveIntegerField(default=1)
    state = models.CharField(max_length=10, choices=ReportState.choices, default="draft")
    introduction = models.TextField(blank=True)
    narratives = models.JSONField(
        default=dict, blank=True, help_text="A short narrative per outcome, by outcome id."
    )
    extra_statuses = models.ManyToManyField(
        Status,
        blank=True,
        related_name="+",
        help_text="Statuses listed as exceptions in this report besides the scale's own "
        "(for example Medium Issue/Slippage in 2023/24).",
    )
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    objects = ExceptionReportQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-period__year", "-period__quarter", "-period__month", "-version"]
        permissions = [
            ("build_report", "Can build and edit draft exception reports"),
            ("publish_report", "Can publish exception reports"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "period", "kind", "version"], name="report_version_unique"
            ),
            models.UniqueConstraint(
                fields=["plan", "period", "kind"],
                condition=Q(state="draft"),
                name="one_draft_report_per_quarter",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(snapshot__isnull=False, published_at__isnull=False),
                name="published_report_is_frozen",
            ),
        ]

    def __str__(self) -> str:
        kind = self.get_kind_display().lower()
        return f"{self.plan} {kind}, {self.period.label} (version {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("reports:report", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.state == ReportState.PUBLISHED


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word"
    XLSX = "xlsx", "Excel"
    # The summary layout (reports.summary): a short PDF of charts and counts whose full
    # exception list is the Excel file. "sum", as the column holds four letters.
    SUMMARY = "sum", "Summary PDF"


# What each format's file is called on disk: the summary is a PDF like the full report.
FILE_EXTENSIONS = {FileFormat.SUMMARY: "pdf"}


def report_file_name(
    slug: str, period_code: str, kind: str, version: int, fmt: str, *, frozen: bool
) -> str:
    """A report file's download name, e.g. sandwell-2025-26-Q3-exception-report-v1.xlsx: the
    one rule, so the summary PDF can name its Excel appendix exactly as it downloads."""
    word = "recommendations-report" if kind == ReportKind.RECOMMENDATIONS else "exception-report"
    if fmt == FileFormat.SUMMARY:
        word += "-summary"
    name = f"{slug}-{period_code}-{word}-v{version}"
    if not frozen:
        name += "-draft"
    return f"{name}.{FILE_EXTENSIONS.get(fmt, fmt)}"


def report_file_name_of(report: ExceptionReport, fmt: str, *, frozen: bool) -> str:
    """A file of `report`, named by report_file_name: a published version's from what it froze
    at publish (its snapshot's plan slug and period code, as reports.summary.appendix_name
    reads them), so the Excel file its summary PDF names is the one that downloads after an
    administrator changes the plan's slug; a draft's from the live plan."""
    frozen_as = (report.snapshot or {}) if report.is_published else {}
    return report_file_name(
        frozen_as.get("plan_slug") or report.plan.slug,
        frozen_as.get("period_code") or report.period.code,
        report.kind,
        report.version,
        fmt,
        frozen=frozen,
    )


class FileState(models.TextChoices):
    PENDING = "pending", "Waiting to be made"
    RUNNING = "running", "Being made"
    DONE = "done", "Ready"
    FAILED = "failed", "Could not be made"


class ReportFile(models.Model):
    """A report as a file (PDF, Word or Excel), made in the background (reports.tasks).

    A published version's files are made once, when it is published, and every download is
    the stored file (`frozen`); a draft's are made on request, from the draft as it stood.
    The bytes live in the database, not on a disk, so every web server and worker sharing
    the one database serves the same file, and a backup of the database includes them.
    """

    report = models.ForeignKey(ExceptionReport, on_delete=models.CASCADE, related_name="files")
    fmt = models.CharField(max_length=4, choices=FileFormat.choices)
    frozen = models.BooleanField(default=False, help_text="Made from a published version.")
    # The public pages' copy of a published version (public.views_reports): made by the
    # worker like the others, without anyone's name unless the council publishes names.
    public = models.BooleanField(
        default=False, help_text="The public pages' copy (reports.public_copy)."
    )
    public_names = models.BooleanField(
        default=False,
        help_text="A public copy made while the council published officers' names: served "
        "only while it still does.",
    )
    state = models.CharField(max_length=8, choices=FileState.choices, default=FileState.PENDING)
    message = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    content = models.BinaryField(default=b"", editable=False)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    made_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "fmt", "public"],
                condition=Q(frozen=True),
                name="one_stored_file_per_format_and_audience",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} ({self.get_fmt_display()}, {self.get_state_display().lower()})"

    @property
    def is_finished(self) -> bool:
        return self.state in (FileState.DONE, FileState.FAILED)
