"""Report files made in the background: asking for one, making it (the task's work), retrying.

A PDF of a county-sized plan takes 12-53 s: longer than a web request may run. So a file is
a ReportFile row made by a worker (reports.tasks), and the pages show its progress. A
published version's files are made once, at publish, and served as stored; a draft's are made
on request, from the draft as it stands then.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from plans.models import User
from reports.models import ExceptionReport, FileFormat, FileState, ReportFile, ReportKind
from reports.public_copy import without_names
from reports.recommendations import report_content
from reports.recommendations_render import (
    render_recommendations_docx,
    render_recommendations_xlsx,
)
from reports.render import render_pdf, render_xlsx
from reports.summary import render_summary_pdf
from reports.word import render_docx

RENDERERS: dict[str, Callable] = {
    FileFormat.PDF: render_pdf,
    FileFormat.DOCX: render_docx,
    FileFormat.XLSX: render_xlsx,
    FileFormat.SUMMARY: render_summary_pdf,  # the summary layout; its appendix is the XLSX
}
# The recommendations report shares the PDF's templates; its Word and Excel files are its own.
RECOMMENDATION_RENDERERS: dict[str, Callable] = {
    FileFormat.PDF: render_pdf,
    FileFormat.DOCX: render_recommendations_docx,
    FileFormat.XLSX: render_recommendations_xlsx,
}
# The order a published version's files are queued in (report_files_start): quickest first.
QUEUE_ORDER = (FileFormat.SUMMARY, FileFormat.XLSX, FileFormat.DOCX, FileFormat.PDF)
# A file waiting or being made for longer than this has lost its worker (stopped mid-task):
# its page offers to make it again.
STUCK_AFTER = timedelta(minutes=30)
# What a status read needs: never the file's bytes.
STATUS_FIELDS = ("content",)


def renderers_for(report: ExceptionReport) -> dict[str, Callable]:
    """The formats a report of its kind comes in, with what makes each."""
    return RECOMMENDATION_RENDERERS if report.kind == ReportKind.RECOMMENDATIONS else RENDERERS


def renderer_for(report: ExceptionReport, fmt: str) -> Callable:
    return renderers_for(report)[fmt]


def is_stuck(file: ReportFile) -> bool:
    return not file.is_finished and file.updated_at < timezone.now() - STUCK_AFTER


def _enqueue(file: ReportFile, delay_seconds: int = 0) -> ReportFile:
    """Queue the file's making; the file as it stands after (made already if the tasks run
    at once, with no worker)."""
    from reports.tasks import make_report_file  # the task module imports this one

    task = make_report_file
    if delay_seconds and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay_seconds))
    task.enqueue(file.pk)
    return ReportFile.objects.defer(*STATUS_FIELDS).get(pk=file.pk)


def report_files_start(report_id: int) -> list[ReportFile]:
    """A published version's PDF, Word and Excel files, queued to be made once. Called after
    the publish commits (reports.services.report_publish), so a publish that rolls back
    queues nothing; a file missed here is made when first asked for (file_request)."""
    report = ExceptionReport.objects.filter(pk=report_id, state="published").first()
    if report is None:
        return []
    # Its draft's files were of the draft: the stored ones replace them. One still waiting
    # says so to whoever waits on it (its page then points to the published version's).
    drafts = report.files.filter(frozen=False)
    drafts.filter(state__in=[FileState.PENDING, FileState.RUNNING]).update(
        state=FileState.FAILED,
        message="The report was published meanwhile: its files are now the published "
        "version's, on the report's page.",
        updated_at=timezone.now(),
    )
    drafts.exclude(state=FileState.FAILED).delete()
    # The formats of its kind (a recommendations report has no summary layout), the quick
    # ones first: with one worker, the summary and its Excel appendix (about a second each)
    # are not kept waiting behind a county plan's full PDF (15-50 s).
    formats = sorted(renderers_for(report), key=lambda fmt: QUEUE_ORDER.index(fmt))
    return [file_request(report, fmt) for fmt in formats]


def stored_file_id(report: ExceptionReport, fmt: str) -> int | None:
    """The id of a published version's stored file in `fmt`, once it is made."""
    if not report.is_published:
        return None
    made = ReportFile.objects.filter(
        report=report, fmt=fmt, frozen=True, public=False, state=FileState.DONE
    )
    return made.values_list("pk", flat=True).first()


def file_request(report: ExceptionReport, fmt: str, user: User | None = None) -> ReportFile:
    """The file of `report` in `fmt`, made or on its way: a published version's one stored
    file, or a new file of the draft as it stands (one being made already is reused)."""
    if report.is_published:
        file = (
            ReportFile.objects.defer(*STATUS_FIELDS)
            .filter(report=report, fmt=fmt, public=False)
            .first()
        )
        if file is not None and file.frozen:
            return file
        try:
            with transaction.atomic():
                file = ReportFile.objects.create(
                    report=report, fmt=fmt, frozen=True, requested_by=user
                )
        except IntegrityError:  # asked for twice at once: one file, made once
            return ReportFile.objects.defer(*STATUS_FIELDS).get(
                report=report, fmt=fmt, frozen=True, public=False
            )
        return _enqueue(file)
    drafts = ReportFile.objects.defer(*STATUS_FIELDS).filter(report=report, fmt=fmt, frozen=False)
    # Reused only while no worker has read the draft yet: one being made may be of the draft
    # before an edit made meanwhile, so asking again makes a new one.
    waiting = drafts.filter(
        state=FileState.PENDING, updated_at__gte=timezone.now() - STUCK_AFTER
    ).first()
    if waiting is not None:
        return waiting
    # A draft's earlier files are of the draft as it was; one being made is left to finish.
    drafts.exclude(state=FileState.RUNNING).delete()
    file = ReportFile.objects.create(report=report, fmt=fmt, requested_by=user)
    return _enqueue(file)


def file_retry(file: ReportFile) -> ReportFile:
    """Make a file that failed (or lost its worker) again, with a fresh set of attempts."""
    ReportFile.objects.filter(pk=file.pk).update(
        state=FileState.PENDING, attempts=0, message="", updated_at=timezone.now()
    )
    return _enqueue(file)


def file_make(file_id: int) -> str:
    """The task's work: render the file once and store it with its hash. A failed attempt is
    tried again later, up to settings.TASK_ATTEMPTS, then shown as failed with its reason."""
    with transaction.atomic():
        file = (
            ReportFile.objects.select_for_update().defer(*STATUS_FIELDS).filter(pk=file_id).first()
        )
        if file is None or file.state in (FileState.DONE, FileState.FAILED):
            return "nothing to do"  # deleted (a newer draft file), or made already
        if file.state == FileState.RUNNING and not is_stuck(file):
            return "nothing to do"  # another worker is making it (a second task for one file)
        file.state = FileState.RUNNING
        file.attempts += 1
        file.save(update_fields=["state", "attempts", "updated_at"])
    report = ExceptionReport.objects.select_related("plan", "period").get(pk=file.report_id)
    try:
        content = bytes(renderer_for(report, file.fmt)(_content_for(report, file)))
    except Exception as error:
        _attempt_failed(file, error)
        raise  # the task's own record keeps the traceback for the administrator
    # Only if it is still this making's file: a public copy asked for again under another
    # choice about names meanwhile (public_file_request) is the newer making's to write.
    ReportFile.objects.filter(
        pk=file.pk, state=FileState.RUNNING, public_names=file.public_names
    ).update(
        state=FileState.DONE,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        made_at=timezone.now(),
        message="",
        updated_at=timezone.now(),
    )
    return f"{file.get_fmt_display()} made: {len(content)} bytes"


def _attempt_failed(file: ReportFile, error: Exception) -> None:
    attempts = settings.TASK_ATTEMPTS
    reason = f"{type(error).__name__}: {error}"[:300]
    if file.attempts < attempts:
        delay = settings.TASK_RETRY_SECONDS * 2 ** (file.attempts - 1)
        message = f"Attempt {file.attempts} of {attempts} failed ({reason}). Trying again."
        # Written before the retry is queued: with no worker the retry runs at once, and
        # what it writes is the last word.
        ReportFile.objects.filter(pk=file.pk).update(
            state=FileState.PENDING, message=message, updated_at=timezone.now()
        )
        _enqueue(file, delay)
        return
    ReportFile.objects.filter(pk=file.pk).update(
        state=FileState.FAILED,
        message=f"The file could not be made after {attempts} attempts: {reason}",
        updated_at=timezone.now(),
    )


# -- the public pages' copy: one name-free PDF per published version -------------------------


def _content_for(report: ExceptionReport, file: ReportFile):
    """What the file shows: the frozen content, without anyone's name in a public copy made
    while the council does not publish names (the choice the public app recorded on it)."""
    content = report_content(report)
    if file.public and not file.public_names:
        return without_names(content)
    return content


def public_file_request(report: ExceptionReport, names: bool) -> ReportFile | None:
    """The public copy of a published version as a PDF, made or on its way (None for a
    draft: a draft never has one). `names` is the council's choice about officers' names,
    decided by the caller (public.rules); a copy made under the other choice is made again,
    and until then is not served. One copy per version, made once: asking again while it is
    made queues nothing more, so no visitor can make the worker render twice."""
    if not report.is_published:
        return None
    files = ReportFile.objects.defer(*STATUS_FIELDS)
    file = files.filter(report=report, fmt=FileFormat.PDF, frozen=True, public=True).first()
    if file is None:
        try:
            with transaction.atomic():
                file = ReportFile.objects.create(
                    report=report, fmt=FileFormat.PDF, frozen=True, public=True,
                    public_names=names,
                )  # fmt: skip
        except IntegrityError:  # asked for twice at once: one file, made once
            return files.get(report=report, fmt=FileFormat.PDF, frozen=True, public=True)
        return _enqueue(file)
    if file.public_names != names:
        ReportFile.objects.filter(pk=file.pk).update(
            state=FileState.PENDING, public_names=names, attempts=0, message="",
            content=b"", sha256="", size=0, made_at=None, updated_at=timezone.now(),
        )  # fmt: skip
        return _enqueue(file)
    if file.state == FileState.FAILED and file.updated_at < timezone.now() - STUCK_AFTER:
        return file_retry(file)  # tried again at most once in STUCK_AFTER, whoever asks
    if is_stuck(file):
        return file_retry(file)
    return file


def public_file_is_current(file: ReportFile | None, names: bool) -> bool:
    """Whether the public copy may be served: made, and under the council's present choice."""
    return file is not None and file.state == FileState.DONE and file.public_names == names
