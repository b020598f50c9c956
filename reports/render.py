"""Renderings of a ReportData: the web page's context, PDF (WeasyPrint) and Excel."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from plans.formulae import escape_formula
from reports.builder import ReportData
from reports.charts import bar_chart
from reports.models import ReportState
from reports.recommendations import RecommendationsData


def status_css(data: ReportData) -> str:
    """The report's own status colours: a published report keeps the colours it had."""
    return "\n".join(
        f".app-rs--{s.id}{{background-color:{s.colour};color:{s.text_colour};}}"
        for s in data.statuses
    )


def overview_context(data: ReportData) -> dict:
    """The data with the overview's chart and counts (all a long report's page shows whole)."""
    overview = data.overview_row
    return {
        "data": data,
        "overview_chart": bar_chart(
            "report-overview",
            f"All actions by status, {data.period_label}",
            [overview],
            data.statuses,
        ),
        "overview_rows": [overview],
    }


def report_context(data: ReportData) -> dict:
    """What the report body template needs: the data and its charts."""
    if data.kind != "exceptions":  # progress against recommendations: tables, no charts
        return {"data": data}
    return {
        **overview_context(data),
        "section_charts": [
            (
                section,
                bar_chart(
                    f"report-section-{index}",
                    f"{section.name}: actions by status, {data.period_label}",
                    [row],
                    data.statuses,
                ),
                [row],
            )
            for index, (section, row) in enumerate(data.section_rows(), start=1)
        ],
    }


# Councils publish these files, and the accessibility regulations cover documents: every PDF
# is tagged PDF/UA-1 (a structure tree of headings, tables, figures with their alternative
# text, MarkInfo, the language, the title shown instead of the file name, and the PDF/UA
# identifier in the XMP metadata). WeasyPrint always embeds (subsets of) the fonts it uses.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


def document_title(data: ReportData | RecommendationsData) -> str:
    """The file's title, as its cover names it: plan, report, period and version."""
    draft = "" if data.state == ReportState.PUBLISHED else ", draft"
    return (
        f"{data.plan_name}: {data.document_name}, {data.period_label}, "
        f"version {data.version}{draft}"
    )


def document_subject(data: ReportData | RecommendationsData) -> str:
    """A sentence saying what the file holds, for its properties (PDF Subject, Word subject)."""
    if data.kind == "exceptions":
        return (
            f"{data.council}'s {data.plan_name}: actions by status in {data.period_label}, "
            "the exceptions with their commentary, and the actions with no approved update."
        )
    return (
        f"{data.council}'s {data.plan_name}: progress in {data.period_label} of the actions "
        "answering each recommendation, with their milestones."
    )


def write_pdf(html: str) -> bytes:
    """The one way the app turns its HTML into a PDF: tagged PDF/UA-1 (see PDF_OPTIONS)."""
    from weasyprint import HTML  # imported here: it loads Pango, which only PDFs need

    return HTML(string=html, base_url="/").write_pdf(**PDF_OPTIONS)


def pdf_html(data: ReportData | RecommendationsData) -> str:
    """The PDF's markup, which carries its own print stylesheet and the file's properties."""
    return render_to_string(
        "reports/report_pdf.html",
        {
            **report_context(data),
            "status_css": status_css(data),
            "document_title": document_title(data),
            "document_subject": document_subject(data),
            "for_pdf": True,
        },
    )


def render_pdf(data: ReportData | RecommendationsData) -> bytes:
    """A4, page numbers, repeated table headers, vector charts; tagged, with bookmarks from
    the headings (h1 > h2 > h3, never skipping a level)."""
    return write_pdf(pdf_html(data))


def render_xlsx(data: ReportData) -> bytes:
    """The exception table, one row per exception, counts per outcome, and the indicators
    off target."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Exceptions"
    previous = (
        f"Previous status ({data.previous_label})" if data.previous_label else "Previous status"
    )
    headers = [
        data.outcome_label, "Ref", data.action_label, "Directorate", "Lead officer", "Status",
        previous, f"{data.period_label} commentary",
    ]  # fmt: skip
    sheet.append([escape_formula(header) for header in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for section in data.parts:  # the actions under no outcome too: every exception listed
        for line in section.exceptions:
            status = data.status(line.status_id)
            before = data.status(line.previous_status_id)
            values = (
                section.name, line.ref, line.title, line.directorate, line.lead,
                status.label if status else "", before.label if before else "", line.commentary,
            )  # fmt: skip
            sheet.append([escape_formula(value) for value in values])
            if status:
                cell = sheet.cell(sheet.max_row, 6)
                cell.fill = PatternFill("solid", fgColor=status.colour.lstrip("#").upper())
                cell.font = Font(bold=True, color=status.text_colour.lstrip("#").upper())
            for cell in sheet[sheet.max_row]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate([28, 9, 50, 24, 22, 22, 22, 80], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"

    counts = book.create_sheet("Counts")
    counts.append(
        [escape_formula(label) for label in (data.outcome_label, *[s.label for s in data.statuses])]
        + ["Total"]
    )
    for cell in counts[1]:
        cell.font = Font(bold=True)
    for section in data.parts:
        counts.append(
            [
                escape_formula(section.name),
                *[section.counts.get(str(s.id), 0) for s in data.statuses],
                section.total,
            ]
        )
    counts.append(
        [
            "All actions",
            *[data.overview_counts.get(str(s.id), 0) for s in data.statuses],
            data.overview_total,
        ]
    )
    if data.has_indicators:
        _indicator_sheet(book, data)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _indicator_sheet(book: Workbook, data: ReportData) -> None:
    """One row per off-target indicator and outcome, then those linked to no outcome."""
    sheet = book.create_sheet("Indicators off target")
    headers = [
        data.outcome_label, "Code", "Indicator", "Period", "Value", "Target", "RAG", "RAG rule",
        "Direction", "Previous value", "Commentary",
    ]  # fmt: skip
    sheet.append([escape_formula(header) for header in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    groups = [(section.name, section.indicators) for section in data.sections]
    groups.append(("Not linked to an outcome", data.unlinked_indicators))
    for name, lines in groups:
        for line in lines:
            values = (
                name, line.code, line.title, line.point_label, line.value, line.target,
                line.rag_label, line.rule, line.direction, line.previous, line.commentary,
            )  # fmt: skip
            sheet.append([escape_formula(value) for value in values])
            for cell in sheet[sheet.max_row]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate([28, 12, 40, 16, 12, 12, 14, 40, 14, 14, 80], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
