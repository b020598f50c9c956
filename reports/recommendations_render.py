"""The "progress against recommendations" report as Word and Excel files, from its
RecommendationsData alone (the PDF and web page share the exception report's templates)."""

from __future__ import annotations

import io

from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from plans.formulae import escape_formula
from reports.models import ReportState
from reports.recommendations import RecommendationsData
from reports.word import _paragraphs, _status_cell, _table, start_document


def _status_text(data: RecommendationsData, action) -> str:
    if action.reason:
        return action.reason
    status = data.status(action.status_id)
    return status.label if status else "Not yet updated"


def _milestone_text(action) -> str:
    return "\n".join(
        f"{m.title}: {m.state_label}"
        + (
            f" on {m.completed_on}"
            if m.completed_on
            else ""
            if m.state == "complete"
            else f" (due {m.due})"
        )
        for m in action.milestones
    )


def render_recommendations_xlsx(data: RecommendationsData) -> bytes:
    """A row per recommendation and action, and a sheet of each recommendation's counts."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Actions"
    headers = [
        "Body", "Reference", "Recommendation", "Ref", data.action_label, "Lead",
        f"Status, {data.period_label}", "Complete", "Milestones",
    ]  # fmt: skip
    sheet.append([escape_formula(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in data.recommendations:
        for action in line.actions or [None]:
            values = [line.body, line.reference, line.text]
            if action is None:
                values += ["", "No action linked yet", "", "", "", ""]
            else:
                values += [
                    action.ref, action.title, action.lead, _status_text(data, action),
                    "Yes" if action.complete else "No", _milestone_text(action),
                ]  # fmt: skip
            sheet.append([escape_formula(v) for v in values])
            status = data.status(action.status_id) if action and not action.reason else None
            if status is not None:
                cell = sheet.cell(sheet.max_row, 7)
                cell.fill = PatternFill("solid", fgColor=status.colour.lstrip("#").upper())
                cell.font = Font(bold=True, color=status.text_colour.lstrip("#").upper())
            for cell in sheet[sheet.max_row]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate([20, 14, 50, 9, 40, 22, 22, 10, 50], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"

    counts = book.create_sheet("Progress")
    headers = [
        "Body", "Reference", "Actions", "Actions complete", "Red", "Amber", "Green", "Blue",
        "Grey", "Not yet updated", "Milestones", "Milestones complete", "Milestones overdue",
    ]  # fmt: skip
    counts.append(headers)
    for cell in counts[1]:
        cell.font = Font(bold=True)
    for line in data.recommendations:
        rag = line.rag_counts
        row = [
            escape_formula(line.body), escape_formula(line.reference), line.actions_total,
            line.actions_complete, rag.get("red", 0), rag.get("amber", 0), rag.get("green", 0),
            rag.get("blue", 0), rag.get("grey", 0), rag.get("none", 0), line.milestones_total,
            line.milestones_complete, line.milestones_overdue,
        ]  # fmt: skip
        counts.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def render_recommendations_docx(data: RecommendationsData) -> bytes:
    """Cover, the overview table, then a section per recommendation with its actions; one
    Heading 1 (the title) and a Heading 2 a part, as the PDF's h1 and h2."""
    document = start_document(data)
    title = f"{data.plan_name}: progress against recommendations, {data.period_label}"
    document.add_paragraph(data.council).runs[0].font.size = Pt(14)
    document.add_heading(title, level=1)
    if data.state == ReportState.PUBLISHED:
        document.add_paragraph(
            f"Published {data.published_at} by {data.published_by} · version {data.version}"
        )
    else:
        document.add_paragraph(
            f"Draft built {data.generated_on} from the live data · version {data.version}"
        )
    if data.introduction:
        document.add_heading("Introduction", level=2)
        _paragraphs(document, data.introduction)
    document.add_heading("Overview", level=2)
    table = _table(
        document,
        ["Recommendation", f"{data.action_label}s complete", "By RAG", "Milestones complete",
         "Milestones overdue"],
        [5.0, 2.6, 4.4, 2.6, 2.4],
        f"Progress by recommendation, {data.period_label}",
        f"One row a recommendation: its {data.action_label.lower()}s complete and by RAG, "
        "and its milestones complete and overdue.",
    )  # fmt: skip
    for line in data.recommendations:
        cells = table.add_row().cells
        cells[0].text = line.name
        cells[1].text = f"{line.actions_complete} of {line.actions_total}"
        cells[2].text = line.rag_words or "-"
        cells[3].text = f"{line.milestones_complete} of {line.milestones_total}"
        cells[4].text = str(line.milestones_overdue)
    for line in data.recommendations:
        document.add_page_break()
        document.add_heading(line.name, level=2)
        if line.source or line.made_on:
            document.add_paragraph(", ".join(filter(None, [line.source, line.made_on])))
        if line.text:
            _paragraphs(document, line.text)
        if not line.actions:
            document.add_paragraph(f"No {data.action_label.lower()} is linked to it yet.")
            continue
        table = _table(
            document, ["Ref", data.action_label, "Lead", "Status", "Milestones"],
            [1.6, 5.4, 3.0, 3.0, 4.0], f"{data.action_label}s answering {line.name}",
            f"One row a {data.action_label.lower()}: its lead, status in {data.period_label} "
            "and milestones.",
        )  # fmt: skip
        for action in line.actions:
            cells = table.add_row().cells
            cells[0].text = action.ref or "-"
            cells[1].text = action.title
            cells[2].text = action.lead or "Not set"
            if action.reason:
                cells[3].text = action.reason
            else:
                _status_cell(cells[3], data, action.status_id)
            cells[4].text = _milestone_text(action) or "None"
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
