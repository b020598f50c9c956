"""The report files a council publishes are accessible documents: the PDFs are tagged PDF/UA-1
and the Word files pass Word's checks. Each file is read back as an assistive technology (or
an accessibility checker) reads it: the PDF's catalog and structure tree, the Word file's
styles, table properties and picture descriptions. Both report kinds, draft and published."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from itertools import pairwise

import pytest
from django.conf import settings
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject

from reports.builder import build_report, report_data
from reports.models import ReportKind
from reports.recommendations import build_recommendations
from reports.recommendations_render import render_recommendations_docx
from reports.render import render_pdf
from reports.services import report_edit, report_publish, report_start
from reports.word import render_docx
from tests.deliverables import recommendation_world

EXCEPTIONS_TITLE = "Two Quarters: exception report, Q2 2024/25"
RECOMMENDATIONS_TITLE = "Test Plan: progress against recommendations, Q3 2023/24"


# --- Reading a PDF's structure back -------------------------------------------------------


def _kids(element: DictionaryObject) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return [k.get_object() for k in (kids if isinstance(kids, ArrayObject) else [kids])]


def structure(element: DictionaryObject) -> Iterator[DictionaryObject]:
    """Every structure element under `element`, in reading order (depth first)."""
    for kid in _kids(element):
        if isinstance(kid, DictionaryObject) and "/S" in kid:
            yield kid
            yield from structure(kid)


def tags(element: DictionaryObject) -> list[str]:
    return [str(e["/S"])[1:] for e in structure(element)]


def headings(elements: list[str]) -> list[int]:
    return [int(tag[1]) for tag in elements if re.fullmatch(r"H[1-6]", tag)]


def assert_in_order(levels: list[int]) -> None:
    """One level 1 first, and no level deeper than one below the heading before it."""
    assert levels[0] == 1 and levels.count(1) == 1, levels
    for before, after in pairwise(levels):
        assert after <= before + 1, levels


def outline_titles(reader: PdfReader) -> list[str]:
    def walk(items) -> Iterator[str]:
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title

    return list(walk(reader.outline))


def read_pdf(pdf: bytes) -> tuple[PdfReader, DictionaryObject, list[DictionaryObject]]:
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    [document] = _kids(catalog["/StructTreeRoot"].get_object())
    return reader, catalog, document


def assert_tagged_pdf_ua(pdf: bytes, title: str, h1: str) -> DictionaryObject:
    """What PDF/UA-1 asks of the file as a whole; returns the /Document element."""
    reader, catalog, document = read_pdf(pdf)
    assert catalog["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    assert document["/S"] == "/Document"
    # The title, in the document information and in the XMP metadata, with the PDF/UA mark.
    assert reader.metadata.title == title
    assert reader.metadata.author == settings.COUNCIL_NAME
    assert reader.metadata.subject
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert title.replace("'", "&apos;") in xmp or title in xmp
    assert 'pdfuaid:part="1"' in xmp or "<pdfuaid:part>1</pdfuaid:part>" in xmp
    # Bookmarks from the headings, the title first.
    assert outline_titles(reader)[0] == h1
    # Every font is embedded (a subset of it).
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys())
    return document


def assert_tables_have_headers(document: DictionaryObject) -> int:
    """Each table has header cells, and every data cell names the headers it sits under."""
    tables = [e for e in structure(document) if e["/S"] == "/Table"]
    for table in tables:
        cells = [e for e in structure(table) if e["/S"] in ("/TH", "/TD")]
        assert any(c["/S"] == "/TH" for c in cells)
        for cell in cells:
            if cell["/S"] == "/TD":
                assert len(cell["/A"]["/Headers"]) >= 1
    return len(tables)


# --- Reading a Word file back -------------------------------------------------------------


def word_headings(document) -> list[tuple[int, str]]:
    return [
        (int(p.style.name.removeprefix("Heading ")), p.text)
        for p in document.paragraphs
        if p.style.name.startswith("Heading ")
    ]


def assert_accessible_word(docx: bytes, title: str, h1: str) -> tuple[list, int]:
    """Headings in order, described tables with repeating header rows, the properties;
    returns the headings and the number of pictures."""
    document = Document(io.BytesIO(docx))
    found = word_headings(document)
    assert found[0] == (1, h1)
    assert_in_order([level for level, _ in found])
    assert not [p for p in document.paragraphs if p.style.name == "Title"]
    for table in document.tables:
        header_row = table.rows[0]._tr
        assert header_row.trPr is not None
        assert header_row.trPr.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
        properties = table._tbl.tblPr
        assert properties.find(qn("w:tblCaption")).get(qn("w:val"))
        assert properties.find(qn("w:tblDescription")).get(qn("w:val"))
        assert all(cell.text for cell in table.rows[0].cells)  # no empty header cell
    pictures = document.inline_shapes
    for picture in pictures:
        properties = picture._inline.docPr
        assert properties.get("title") and properties.get("descr")
    core = document.core_properties
    assert (core.title, core.language) == (title, "en-GB")
    assert core.subject and core.author == settings.COUNCIL_NAME
    defaults = document.styles.element.find(qn("w:docDefaults"))
    language = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert language.get(qn("w:val")) == "en-GB"
    return found, len(pictures)


# --- The exception report -----------------------------------------------------------------


@pytest.fixture
def exception_draft(two_quarters, users):
    report = report_start(users["performance"], two_quarters.q2)
    report_edit(
        users["performance"],
        report,
        introduction="A hard quarter.",
        narratives={},
        extra_statuses=[],
    )
    report.refresh_from_db()
    return report


def exception_data(report, users, published: bool):
    """The draft's live data, or the published version's frozen snapshot."""
    if published:
        return report_data(report_publish(users["performance"], report))
    return build_report(report)


@pytest.mark.django_db
@pytest.mark.parametrize("published", [False, True], ids=["draft", "published"])
def test_the_exception_report_pdf_is_tagged_pdf_ua(exception_draft, users, published, caplog):
    data = exception_data(exception_draft, users, published)
    title = f"{EXCEPTIONS_TITLE}, version 1" + ("" if published else ", draft")
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render_pdf(data)
    # WeasyPrint logs an error for what PDF/UA needs and the page lacks (a language, an
    # image's alternative text): none here.
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")]
    document = assert_tagged_pdf_ua(pdf, title, EXCEPTIONS_TITLE)
    elements = tags(document)
    # h1 the title; h2 status key, introduction, overview, the outcome, the appendix; h3 the
    # outcome's movements since the quarter before.
    assert headings(elements) == [1, 2, 2, 2, 2, 3, 3, 2]
    # Two charts (all actions, the outcome), each a figure whose alternative text is its
    # title and the numbers it shows.
    figures = [e for e in structure(document) if e["/S"] == "/Figure"]
    assert [str(f["/Alt"]).split(".")[0] for f in figures] == [
        "All actions by status, Q2 2024/25",
        "Growth: actions by status, Q2 2024/25",
    ]
    assert all("Delayed" in str(f["/Alt"]) for f in figures)
    # The status key, counts twice, exceptions, moved in, the appendix: every table with
    # header cells; each captioned but the key, which its heading names.
    assert assert_tables_have_headers(document) == 6
    assert elements.count("Caption") == 5


@pytest.mark.django_db
@pytest.mark.parametrize("published", [False, True], ids=["draft", "published"])
def test_the_exception_report_word_file_is_accessible(exception_draft, users, published):
    data = exception_data(exception_draft, users, published)
    title = f"{EXCEPTIONS_TITLE}, version 1" + ("" if published else ", draft")
    found, pictures = assert_accessible_word(render_docx(data), title, EXCEPTIONS_TITLE)
    assert found == [
        (1, EXCEPTIONS_TITLE),
        (2, "Status key"),
        (2, "Introduction"),
        (2, "Overview"),
        (2, "Growth"),
        (3, "Exceptions in Growth"),
        (3, "Moved into an exception status since Q1 2024/25"),
        (3, "Recovered since Q1 2024/25"),
        (2, "Appendix: actions with no approved update"),
    ]
    assert pictures == 2
    document = Document(io.BytesIO(render_docx(data)))
    descriptions = [p._inline.docPr.get("descr") for p in document.inline_shapes]
    assert descriptions[0].startswith("All actions by status, Q2 2024/25.")
    captions = [t._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val")) for t in document.tables]
    assert "Exceptions in Growth" in captions and "Status key" in captions


# --- The recommendations report -----------------------------------------------------------


@pytest.fixture
def recommendations_draft(cycle):
    world = recommendation_world.make(cycle)
    return report_start(world.cycle.performance, world.cycle.q3, ReportKind.RECOMMENDATIONS)


@pytest.mark.django_db
@pytest.mark.parametrize("published", [False, True], ids=["draft", "published"])
def test_the_recommendations_files_are_accessible(client, cycle, recommendations_draft, published):
    """Both files through their download links, as a reader gets them."""
    report = recommendations_draft
    if published:
        report = report_publish(cycle.performance, report)
    client.force_login(cycle.performance)
    title = f"{RECOMMENDATIONS_TITLE}, version 1" + ("" if published else ", draft")

    pdf = client.get(reverse("reports:report_pdf", args=[report.pk])).content
    document = assert_tagged_pdf_ua(pdf, title, RECOMMENDATIONS_TITLE)
    data = build_recommendations(recommendations_draft)
    levels = headings(tags(document))
    assert levels == [1, 2] + [2] * len(data.recommendations)
    assert assert_tables_have_headers(document) == 1 + sum(
        1 for line in data.recommendations if line.actions
    )
    assert not [e for e in structure(document) if e["/S"] == "/Figure"]  # no charts

    docx = client.get(reverse("reports:report_docx", args=[report.pk])).content
    found, pictures = assert_accessible_word(docx, title, RECOMMENDATIONS_TITLE)
    assert [text for level, text in found if level == 2] == [
        "Overview",
        *[line.name for line in data.recommendations],
    ]
    assert pictures == 0
    assert render_recommendations_docx(data)  # the renderer the view uses


@pytest.mark.django_db
def test_a_pdf_is_the_same_bytes_each_time_it_is_made(exception_draft):
    """Tagging adds nothing random, so a published version's file can be compared."""
    data = build_report(exception_draft)
    assert render_pdf(data) == render_pdf(data)
