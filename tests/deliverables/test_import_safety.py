"""Hostile and mislabelled files are refused with a clear message, before any parser opens them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from openpyxl.xml import DEFUSEDXML

from deliverables.tracker.services import tracker_preview
from plans.workbook import TrackerFileError, check_tracker_file
from tests import factories

TRACKER = (
    Path(settings.BASE_DIR) / "fixtures" / "legacy" / "ad-business-plan-red-actions-2024-25-q2.xlsx"
)


def xlsx_bytes(extra: dict[str, bytes] | None = None, content_types: bytes | None = None) -> bytes:
    """A real workbook, optionally with parts added or replaced."""
    source = zipfile.ZipFile(io.BytesIO(TRACKER.read_bytes()))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml" and content_types is not None:
                data = content_types
            if extra and item.filename in extra:
                data = extra.pop(item.filename)
            target.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return output.getvalue()


def refusal(data: bytes, name: str) -> str:
    with pytest.raises(TrackerFileError) as error:
        check_tracker_file(data, name)
    return str(error.value)


def test_openpyxl_parses_with_defusedxml():
    assert DEFUSEDXML is True


def test_a_real_workbook_passes():
    assert check_tracker_file(TRACKER.read_bytes(), "tracker.xlsx") == "xlsx"


def test_too_big_is_refused_before_reading(settings):
    settings.IMPORT_MAX_BYTES = 1000
    assert "the limit is 0.0 MB" in refusal(TRACKER.read_bytes(), "tracker.xlsx")


def test_a_zip_bomb_is_refused_before_parsing(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 5_000_000
    bomb = xlsx_bytes({"xl/worksheets/sheet1.xml": b"<a>" + b" " * 20_000_000 + b"</a>"})
    assert len(bomb) < 100_000  # tiny on disk
    assert "unpacks to 20.0 MB" in refusal(bomb, "tracker.xlsx")


def test_macro_enabled_workbooks_are_refused():
    assert "macro-enabled" in refusal(TRACKER.read_bytes(), "tracker.xlsm")
    with_macros = xlsx_bytes({"xl/vbaProject.bin": b"\x00" * 100})
    assert "contains macros" in refusal(with_macros, "tracker.xlsx")
    content_types = zipfile.ZipFile(io.BytesIO(TRACKER.read_bytes())).read("[Content_Types].xml")
    relabelled = xlsx_bytes(
        content_types=content_types.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
    )
    assert "contains macros" in refusal(relabelled, "tracker.xlsx")


def test_password_protected_workbooks_are_refused():
    encrypted = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le")
    )
    assert "protected with a password" in refusal(encrypted, "tracker.xlsx")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (TRACKER.read_bytes(), "tracker.xls", "is an .xlsx workbook but is named .xls"),
        (TRACKER.read_bytes(), "tracker.csv", "is an .xlsx workbook but is named .csv"),
        (
            b"CP Ref,Deliverable\nB1,Schools\n",
            "tracker.xlsx",
            "is named .xlsx but is not an Excel workbook",
        ),
        (b"%PDF-1.7 binary", "report.pdf", "is not a spreadsheet this service reads"),
        (b"PK\x03\x04 not really a zip", "tracker.xlsx", "is damaged"),
        (b"", "tracker.xlsx", "is empty"),
        (b"\x00\x01\x02binary", "tracker.csv", "is named .csv but is not a text file"),
    ],
)
def test_mislabelled_and_unreadable_files_are_refused(data, name, message):
    assert message in refusal(data, name)


def test_a_zip_that_is_not_a_workbook_is_refused():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "not an Excel workbook" in refusal(output.getvalue(), "tracker.xlsx")


@pytest.mark.django_db
def test_an_xml_external_entity_is_refused_not_followed():
    """XXE: a sheet that asks the parser to read /etc/passwd is refused as unreadable."""
    plan = factories.plan("county")
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    record = tracker_preview(
        None, plan, "2023-24-Q3", xlsx_bytes({"xl/worksheets/sheet1.xml": sheet}), "tracker.xlsx"
    )
    assert record.status == "refused"
    assert "could not be" in record.message
    assert "root:" not in record.message  # /etc/passwd was never read into the message


@pytest.mark.django_db
def test_a_refused_file_is_recorded_without_its_content():
    plan = factories.plan("county")
    record = tracker_preview(None, plan, "2023-24-Q3", b"%PDF-1.7", "report.pdf")
    assert record.status == "refused"
    assert record.content is None
    assert record.file_size == 8 and len(record.file_sha256) == 64


def test_formula_looking_text_in_a_workbook_is_read_as_plain_text(tmp_path):
    from deliverables.tracker.layout import read_tracker
    from plans.workbook import open_tracker

    book = openpyxl.Workbook()
    book.active.append(["Action Ref", "Action", "RAG Status", "Commentary"])
    book.active.append(["A1", '\'=HYPERLINK("http://evil")', "On Track", "'-5% on target"])
    path = tmp_path / "t.xlsx"
    book.save(path)
    with open_tracker(path) as workbook:
        [row] = read_tracker(workbook).rows
    assert row.action == '=HYPERLINK("http://evil")'  # the escape quote is read back off
    assert row.commentary == "-5% on target"
