"""The exception report's summary layout: a short PDF of its charts and counts, whose full
exception list is the report's Excel file (its "Exceptions" sheet), the appendix.

Why: at county size (5,000 actions) the full PDF is 131 pages and 12-15 s of WeasyPrint,
nearly all of it laying out the exception tables; the same report as charts and counts is a
few pages whatever the plan's size, and the list itself reads better (sorted, filtered) in a
spreadsheet. The appendix is the Excel file the report already has (reports.render.render_xlsx),
so there is one exception table, not a second copy that could drift from the first.

Everything here reads the one ReportData (reports.builder): no count is made twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string

from reports.builder import ReportData, Section
from reports.charts import bar_chart
from reports.models import FileFormat, ReportState, report_file_name
from reports.render import document_subject, document_title, status_css, write_pdf

# From this many actions in the report its page suggests the summary over the full PDF: the
# full PDF runs to about one page per 40 actions (131 pages at 5,000), so 1,000 actions is
# some 25 pages and 2-3 s to make; below that the full PDF is the better read and quick.
SUGGEST_SUMMARY_FROM = 1000


def suggests_summary(data: ReportData) -> bool:
    """Whether the report's page recommends the summary layout (a long exception report)."""
    return data.kind == "exceptions" and data.overview_total >= SUGGEST_SUMMARY_FROM


def appendix_name(data: ReportData) -> str:
    """The Excel appendix's file name, exactly as the report's page downloads it."""
    return report_file_name(
        data.plan_slug,
        data.period_code,
        data.kind,
        data.version,
        FileFormat.XLSX,
        frozen=data.state == ReportState.PUBLISHED,
    )


@dataclass
class ExceptionCounts:
    """One outcome's line of the exceptions table: how many, of which status, what moved."""

    name: str
    total: int
    exceptions: int
    by_status: list[int]  # in the order of data.exception_statuses
    moved_in: int
    recovered: int


def _exception_counts(data: ReportData, section: Section) -> ExceptionCounts:
    by_status = [
        sum(1 for line in section.exceptions if line.status_id == status.id)
        for status in data.exception_statuses
    ]
    return ExceptionCounts(
        name=section.name,
        total=section.total,
        exceptions=len(section.exceptions),
        by_status=by_status,
        moved_in=len(section.moved_in),
        recovered=len(section.recovered),
    )


def _distinct(lines) -> int:
    """Actions, not lines: one under two outcomes is listed under both, counted once."""
    return len({line.path for line in lines})


def summary_context(data: ReportData) -> dict:
    """What the summary template needs: charts, counts and the appendix's name."""
    outcome_rows = [row for _, row in data.section_rows()]
    directorate_rows = [
        data.row(name or "No directorate", counts)
        for name, counts in data.directorate_counts.items()
    ]
    exceptions_by_directorate: dict[str, set[str]] = {}
    for section in data.parts:
        for line in section.exceptions:
            name = line.directorate or "No directorate"
            exceptions_by_directorate.setdefault(name, set()).add(line.path)
    appendix_rows = sum(len(section.exceptions) for section in data.parts)
    return {
        "data": data,
        "overview_chart": bar_chart(
            "summary-overview",
            f"All actions by status, {data.period_label}",
            [data.overview_row],
            data.statuses,
        ),
        "overview_rows": [data.overview_row],
        "outcomes_chart": bar_chart(
            "summary-outcomes",
            f"Actions by status and {data.outcome_label.lower()}, {data.period_label}",
            outcome_rows,
            data.statuses,
        ),
        "outcome_rows": outcome_rows,
        "directorate_rows": directorate_rows,
        "exception_rows": [_exception_counts(data, section) for section in data.parts],
        # The performance team's words on each outcome, as the full report carries them.
        "narratives": [(s.name, s.narrative) for s in data.sections if s.narrative],
        # In the order of the table above it: by name, "No directorate" last.
        "exceptions_by_directorate": sorted(
            ((name, len(paths)) for name, paths in exceptions_by_directorate.items()),
            key=lambda item: (item[0] == "No directorate", item[0]),
        ),
        "moved_in_total": _distinct(line for s in data.parts for line in s.moved_in),
        "recovered_total": _distinct(line for s in data.parts for line in s.recovered),
        "appendix_name": appendix_name(data),
        "appendix_rows": appendix_rows,
    }


def summary_title(data: ReportData) -> str:
    return document_title(data).replace(data.document_name, f"{data.document_name} summary", 1)


def summary_html(data: ReportData) -> str:
    """The summary PDF's markup: the full PDF's page and print styles, the summary's body."""
    return render_to_string(
        "reports/report_pdf.html",
        {
            **summary_context(data),
            "body_template": "reports/_report_summary.html",
            "running_name": f"{data.document_name} summary",
            "status_css": status_css(data),
            "document_title": summary_title(data),
            "document_subject": document_subject(data).replace(
                "the exceptions with their commentary",
                "the exceptions counted (listed in full in the Excel appendix)",
            ),
            "for_pdf": True,
        },
    )


def render_summary_pdf(data: ReportData) -> bytes:
    """The summary layout as a tagged PDF/UA-1, like every PDF the app makes."""
    return write_pdf(summary_html(data))
