"""A file the importer refuses as its columns are read, kept so that its columns can be read
otherwise: a preview that carries the refusal.

A file whose only quarter columns are read as another quarter's (quarters.QuarterMismatch)
is often right and read wrong: "April 2024 update" names Q1 by its month, though a Q4 2023/24
tracker's commentary was written in April. Refused at upload, the administrator would never
reach the mapping step that lets them say the columns are Q4's. So in the browser the upload
is kept as a preview holding the file, what the reader understood (the columns, for the
mapping step) and no figures, with summary["refusal"] saying why it cannot be imported; it
cannot be confirmed until a new mapping resolves it (revise.tracker_remap). The command line
has no page to remap on, so it refuses the file as before.
"""

from __future__ import annotations

from deliverables.models import ImportRecord, ImportStatus
from deliverables.tracker.layout import ReadResult
from deliverables.tracker.preview import ImportPreview
from deliverables.tracker.quarters import QuarterMismatch
from deliverables.workflow import WorkflowError
from plans.models import Plan, ReportingPeriod, parse_period_code
from plans.workbook import TrackerFileError

HELD_FROM = ("web",)  # sources with an import page on which the columns can be remapped


def refusal_of(record: ImportRecord) -> str:
    """Why the preview cannot be imported as it stands, or ""."""
    return str((record.summary or {}).get("refusal") or "")


def refusal_summary(record: ImportRecord, read: ReadResult, message: str) -> dict:
    """The summary of a preview that imports nothing: what the reader understood (for the
    mapping step and the page), zero figures, and the refusal."""
    year, quarter = parse_period_code(record.period_code)
    # A new plan from the file exists only as its proposal: named by it, never saved.
    plan = record.plan or Plan(**{k: record.new_plan["plan"][k] for k in ("name", "slug")})
    preview = ImportPreview(
        plan=plan, period=ReportingPeriod(plan=plan, year=year, quarter=quarter)
    )
    preview.read_from(read)
    return {**preview.summary(), "refusal": message}


def refusal_hold(record: ImportRecord, data: bytes, error: TrackerFileError) -> None:
    """Keep an upload refused for its quarter columns as a preview carrying the refusal, where
    the columns can be remapped; any other refusal, or one from the command line, stands."""
    if not isinstance(error, QuarterMismatch) or error.read is None:
        return
    if record.source not in HELD_FROM or (record.plan_id is None and not record.new_plan):
        return
    record.status, record.content = ImportStatus.PREVIEWED, data
    record.message = str(error)
    record.summary = refusal_summary(record, error.read, record.message)
    record.rows = []


def require_no_refusal(record: ImportRecord) -> None:
    """A preview carrying a refusal imports nothing: its columns need other meanings first."""
    if refusal := refusal_of(record):
        raise WorkflowError(f"Nothing was imported: the file cannot be, as it is read. {refusal}")


def monthly_plan_refusal(plan) -> str:
    """Why a tracker cannot go into `plan`, or "": trackers hold quarters' columns, and a
    monthly plan's months are not a quarter's. Guessing which month a quarter's column means
    would be a guess written as history."""
    if plan is None or not plan.is_monthly:
        return ""
    return (
        f"{plan.name} reports by month, and the tracker import reads quarterly trackers: "
        "nothing was imported. Enter its months' updates on the pages."
    )
