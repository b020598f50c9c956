"""The exception report as a Word document, for councils that edit before Cabinet.

Headings, tables whose header row repeats on every page, status cells shaded in the
status's colour, and the charts as PNG pictures (reports.chart_png) drawn from the same
geometry as the SVG charts (colour, pattern and numbers).

Councils publish these files, so they are built to pass Word's accessibility checker: the
headings use the built-in Heading 1/2/3 styles in order (as the PDF's h1/h2/h3), every table
has a caption and description and a header row marked to repeat, every chart picture has
alternative text, and the document says its title, subject and language (en-GB).
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from reports.builder import ActionLine, ReportData
from reports.chart_png import chart_png, rgb
from reports.charts import bar_chart
from reports.indicators import IndicatorLine
from reports.models import ReportState
from reports.render import document_subject, document_title


def _shade(cell, colour: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour.lstrip("#").upper())
    properties.append(shading)


def _repeat_header(row) -> None:
    """Marks the row as the table's header: Word repeats it on each page, and screen readers
    and the accessibility checker read it as the header row."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _describe_table(table, caption: str, description: str) -> None:
    """The table's title and description (Table Properties > Alt Text in Word), which
    CT_TblPr keeps last, after tblLook."""
    properties = table._tbl.tblPr
    for tag, text in (("w:tblCaption", caption), ("w:tblDescription", description)):
        element = OxmlElement(tag)
        element.set(qn("w:val"), text)
        properties.append(element)


def start_document(data) -> Document:
    """A new document with the house style and the file's properties: title, subject,
    author, and British English as the language of every style (the styles' defaults)."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(1.8)
    properties = document.core_properties
    properties.title = document_title(data)
    properties.subject = document_subject(data)
    properties.author = data.council
    properties.language = "en-GB"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    language = run_defaults.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_defaults.append(language)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        language.set(qn(attribute), "en-GB")
    return document


def _status_cell(cell, data: ReportData, status_id: int | None) -> None:
    status = data.status(status_id)
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(status.label if status else "Not yet updated")
    run.bold = True
    if status is not None:
        _shade(cell, status.colour)
        run.font.color.rgb = RGBColor(*rgb(status.text_colour))


def _table(document, headers: list[str], widths: list[float], caption: str, description: str = ""):
    """A table whose first row is its header, named by its caption (and described)."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, text, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
        cell.width = Cm(width)
    _repeat_header(table.rows[0])
    _describe_table(table, caption, description or caption)
    return table


def _actions_table(
    document, data: ReportData, lines: list[ActionLine], caption: str, *, commentary: bool
) -> None:
    headers = ["Ref", data.action_label, "Directorate and lead", "Status"]
    widths = [1.6, 6.0, 3.4, 3.0]
    if commentary:
        headers.append(f"{data.period_label} commentary")
        widths = [1.4, 4.4, 2.8, 2.6, 6.8]
    table = _table(
        document,
        headers,
        widths,
        caption,
        f"One row a {data.action_label.lower()}: " + ", ".join(headers[1:]).lower() + ".",
    )
    for line in lines:
        cells = table.add_row().cells
        cells[0].text = line.ref or "-"
        cells[1].text = line.title
        cells[2].text = "\n".join(filter(None, [line.directorate or "No directorate", line.lead]))
        _status_cell(cells[3], data, line.status_id)
        if commentary:
            cells[4].text = "\n\n".join(line.paragraphs) or "No commentary."
        for cell, width in zip(cells, widths, strict=True):
            cell.width = Cm(width)


def _counts_table(
    document, data: ReportData, header: str, label: str, counts: dict[str, int], total: int
) -> None:
    table = _table(
        document,
        [header, *[s.label for s in data.statuses], "Total"],
        [4.0, *[1.9] * len(data.statuses), 1.5],
        f"{label}: actions by status, {data.period_label}",
        f"The numbers in the chart above: {label}'s actions in each status, and the total.",
    )
    cells = table.add_row().cells
    cells[0].text = label
    for cell, status in zip(cells[1:], data.statuses, strict=False):
        cell.text = str(counts.get(str(status.id), 0))
    cells[-1].text = str(total)


def _chart(document, chart) -> None:
    picture = document.add_picture(io.BytesIO(chart_png(chart)), width=Cm(16.5))
    # The picture's alternative text (Word's "Alt Text"): its title and what it shows.
    properties = picture._inline.docPr
    properties.set("title", chart.title)
    properties.set("descr", f"{chart.title}. {chart.summary}")
    document.add_paragraph(chart.summary).runs[0].font.size = Pt(8)


def render_docx(data: ReportData) -> bytes:
    """The report as a Word document: cover, overview, a section per outcome, the appendix."""
    document = start_document(data)
    _cover(document, data)
    _overview(document, data)
    for index, (section, row) in enumerate(data.section_rows(), start=1):
        _section(document, data, index, section, row)
    if data.unlinked_indicators:
        document.add_page_break()
        document.add_heading("Indicators not linked to an outcome", level=2)
        _indicators_table(
            document, data.unlinked_indicators, "Indicators off target not linked to an outcome"
        )
    document.add_page_break()
    document.add_heading("Appendix: actions with no approved update", level=2)
    if data.no_update:
        _actions_table(
            document,
            data,
            data.no_update,
            f"Actions with no approved update for {data.period_label}",
            commentary=False,
        )
    else:
        document.add_paragraph(f"Every action has an approved update for {data.period_label}.")
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _paragraphs(document, text: str) -> None:
    for paragraph in text.split("\n\n"):
        document.add_paragraph(paragraph.strip())


def _cover(document, data: ReportData) -> None:
    document.add_paragraph(data.council).runs[0].font.size = Pt(14)
    # Heading 1, as the PDF's h1: Word's Title style is not a heading level.
    document.add_heading(f"{data.plan_name}: exception report, {data.period_label}", level=1)
    if data.state == ReportState.PUBLISHED:
        document.add_paragraph(
            f"Published {data.published_at} by {data.published_by} · version {data.version}"
        )
    else:
        document.add_paragraph(
            f"Draft built {data.generated_on} from the live data · version {data.version}"
        )
    document.add_heading("Status key", level=2)
    key = _table(
        document,
        ["Status", "Meaning"],
        [5.0, 11.0],
        "Status key",
        "Each status of the scale, its colour, and whether it is listed as an exception.",
    )
    for status in data.statuses:
        cells = key.add_row().cells
        _status_cell(cells[0], data, status.id)
        cells[1].text = status.rag.capitalize() + (
            ": listed as an exception in this report" if status.is_exception else ""
        )
    if data.introduction:
        document.add_heading("Introduction", level=2)
        _paragraphs(document, data.introduction)
    document.add_page_break()


def _overview(document, data: ReportData) -> None:
    document.add_heading("Overview", level=2)
    document.add_paragraph(
        f"{data.overview_total} actions in {data.period_label}; {data.exception_count} listed as "
        f"exceptions ({' or '.join(s.label for s in data.exception_statuses)})."
    )
    _chart(
        document,
        bar_chart(
            "overview",
            f"All actions by status, {data.period_label}",
            [data.overview_row],
            data.statuses,
        ),
    )
    _counts_table(
        document, data, data.plan_name, data.plan_name, data.overview_counts, data.overview_total
    )


def _section(document, data: ReportData, index: int, section, row) -> None:
    document.add_page_break()
    document.add_heading(section.name, level=2)
    if section.narrative:
        _paragraphs(document, section.narrative)
    _chart(
        document,
        bar_chart(f"section-{index}", f"{section.name}: actions by status", [row], data.statuses),
    )
    _counts_table(document, data, data.outcome_label, section.name, section.counts, section.total)
    if section.exceptions:
        document.add_heading(f"Exceptions in {section.name}", level=3)
        _actions_table(
            document, data, section.exceptions, f"Exceptions in {section.name}", commentary=True
        )
    else:
        document.add_paragraph(f"No exceptions in {section.name} this {data.period_word}.")
    if data.has_indicators and section.is_outcome:  # indicators are linked to outcomes
        document.add_heading(f"Indicators off target in {section.name}", level=3)
        if section.indicators:
            _indicators_table(
                document, section.indicators, f"Indicators off target in {section.name}"
            )
        else:
            document.add_paragraph(f"No indicator of {section.name} is off target.")
    if not data.previous_label:
        return
    for heading, caption, lines in (
        (
            f"Moved into an exception status since {data.previous_label}",
            f"Newly exceptions in {section.name}",
            section.moved_in,
        ),
        (
            f"Recovered since {data.previous_label}",
            f"Recovered in {section.name}",
            section.recovered,
        ),
    ):
        document.add_heading(heading, level=3)
        if lines:
            _actions_table(document, data, lines, caption, commentary=False)
        else:
            document.add_paragraph("None.")


def _indicators_table(document, lines: list[IndicatorLine], caption: str) -> None:
    """Off-target indicators as the web page and PDF list them."""
    widths = [4.0, 2.8, 3.2, 2.2, 4.8]
    table = _table(
        document,
        ["Indicator", "Value and target", "RAG rule", "Direction", "Commentary"],
        widths,
        caption,
        "One row an indicator: its figure, target, RAG rule, direction and commentary.",
    )
    for line in lines:
        cells = table.add_row().cells
        cells[0].text = f"{line.code} {line.title}\n{line.point_label}"
        cells[1].text = ""
        cells[1].paragraphs[0].add_run(line.value).bold = True
        cells[1].add_paragraph(line.rag_label)
        cells[1].add_paragraph(f"Target {line.target or 'not set'}")
        cells[2].text = line.rule
        cells[3].text = line.direction + (f"\nwas {line.previous}" if line.previous else "")
        cells[4].text = "\n\n".join(line.paragraphs) or "No commentary."
        for cell, width in zip(cells, widths, strict=True):
            cell.width = Cm(width)
