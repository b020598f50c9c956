"""No file can hang a worker: reading is bounded whatever the file claims, and a refusal is
recorded (an ImportRecord REFUSED with the reason, and an audit event)."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from deliverables.models import ImportRecord, ImportStatus
from plans.models import AuditEvent, AuditKind
from tests import factories

pytestmark = pytest.mark.django_db

_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
    'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="'
    'application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets><sheet name="Tracker" sheetId="1" r:id="rId1"/>'
    "</sheets></workbook>",
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="'
    'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>',
}
_HEADER = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


_DATA = (
    "<sheetData>"
    f'<row r="1">{_cell("A1", "Action Ref")}{_cell("B1", "Action")}'
    f"{_cell('C1', 'RAG Status')}</row>"
    f'<row r="3">{_cell("A3", "A1")}{_cell("B3", "First action")}{_cell("C3", "On Track")}</row>'
    "</sheetData>"
)


def tiny_xlsx(*, dimension: str = "", merges: str = "") -> bytes:
    """A workbook of a few hundred bytes, written part by part, saying what it is told to."""
    sheet = _HEADER
    if dimension:
        sheet += f'<dimension ref="{dimension}"/>'
    sheet += _DATA
    if merges:
        sheet += f"<mergeCells>{merges}</mergeCells>"
    sheet += "</worksheet>"
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in {**_PARTS, "xl/worksheets/sheet1.xml": sheet}.items():
            archive.writestr(name, text)
    return output.getvalue()


DIMENSION_BOMB = tiny_xlsx(dimension="A1:XFD1048576")
MERGE_BOMB = tiny_xlsx(merges='<mergeCell ref="A3:XFD1048576"/>')


def tracker_csv(rows: int, columns: int = 3, commentary: str = "Fine") -> bytes:
    header = ["Action Ref", "Action", "RAG Status", "Commentary"] + [
        f"Extra {n}" for n in range(columns - 4)
    ]
    lines = [",".join(header[: max(columns, 4)])]
    for n in range(rows):
        cells = [f"A{n}", f"Action {n}", "On Track", commentary] + ["x"] * (columns - 4)
        lines.append(",".join(cells))
    return "\n".join(lines).encode()


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


def upload(client, data: bytes, name: str):
    plan = factories.plan("county")
    return client.post(
        reverse("deliverables:import_new"),
        {"plan": plan.pk, "period": "2023-24-Q3", "file": SimpleUploadedFile(name, data)},
    )


def assert_refusal_recorded(reason: str) -> ImportRecord:
    record = ImportRecord.objects.get()
    assert record.status == ImportStatus.REFUSED
    assert reason in record.message
    assert record.content is None
    event = AuditEvent.objects.get(kind=AuditKind.IMPORT)
    assert record.file_name in event.message and reason in event.message
    return record


def test_the_tiny_workbooks_are_small():
    assert len(DIMENSION_BOMB) < 2000 and len(MERGE_BOMB) < 2000


@pytest.mark.parametrize(
    "data, reason",
    [
        (DIMENSION_BOMB, "is 1,048,576 rows by 16,384 columns"),
        (MERGE_BOMB, "has a merged range on sheet “Tracker” reaching XFD1048576"),
    ],
    ids=["dimension", "merge"],
)
def test_a_hostile_workbook_is_refused_within_five_seconds_through_the_upload_page(
    admin_client, data, reason
):
    started = time.monotonic()
    response = upload(admin_client, data, "hostile.xlsx")
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert_refusal_recorded(reason)


@pytest.mark.parametrize(
    "data, reason",
    [(DIMENSION_BOMB, "16,384 columns"), (MERGE_BOMB, "reaching XFD1048576")],
    ids=["dimension", "merge"],
)
def test_a_hostile_workbook_is_refused_within_five_seconds_by_the_command(
    tmp_path, capsys, data, reason
):
    plan = factories.plan("county")
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(data)
    started = time.monotonic()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_tracker", str(path), "--plan", plan.slug, "--period", "2023-24-Q3")
    assert time.monotonic() - started < 5
    assert exit_.value.code == 1
    assert reason in capsys.readouterr().err
    assert_refusal_recorded(reason)


def test_a_workbook_within_the_caps_still_imports(admin_client):
    data = tiny_xlsx(dimension="A1:C3", merges='<mergeCell ref="B3:C3"/>')
    response = upload(admin_client, data, "fine.xlsx")
    assert response.status_code == 302
    assert ImportRecord.objects.get().status == ImportStatus.PREVIEWED


@pytest.mark.parametrize(
    "caps, data, reason",
    [
        ({"IMPORT_MAX_ROWS": 50}, tracker_csv(50), "more than 50 rows"),
        ({"IMPORT_MAX_COLUMNS": 10}, tracker_csv(2, columns=11), "data beyond column J"),
        ({"IMPORT_MAX_CELLS": 100}, tracker_csv(30), "more than 100 cells"),
        ({"IMPORT_MAX_FIELD_CHARS": 99}, tracker_csv(2, commentary="y" * 100), "longer than 99"),
        ({"IMPORT_MAX_SECONDS": 0}, tracker_csv(2), "took too long to read"),
    ],
    ids=["rows", "columns", "cells", "field", "seconds"],
)
def test_a_csv_past_a_cap_is_refused_and_recorded(admin_client, settings, caps, data, reason):
    for name, value in caps.items():
        setattr(settings, name, value)
    response = upload(admin_client, data, "big.csv")
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert_refusal_recorded(reason)


def test_a_csv_just_within_the_caps_imports(admin_client, settings):
    settings.IMPORT_MAX_ROWS = 50
    response = upload(admin_client, tracker_csv(49), "fine.csv")
    assert response.status_code == 302


def test_a_field_past_the_csv_modules_own_limit_is_refused(admin_client, settings):
    settings.IMPORT_MAX_FIELD_CHARS = 10**6
    response = upload(admin_client, tracker_csv(1, commentary="y" * 200_000), "long.csv")
    assert "could not be read as CSV at line 2" in response.content.decode()
    assert_refusal_recorded("field larger than field limit")


def test_too_many_merged_ranges_are_refused(admin_client, settings):
    settings.IMPORT_MAX_MERGED_RANGES = 3
    merges = "".join(f'<mergeCell ref="D{n}:E{n}"/>' for n in range(1, 5))
    response = upload(admin_client, tiny_xlsx(merges=merges), "merged.xlsx")
    assert response.status_code == 400
    assert_refusal_recorded("more than 3 merged ranges")


def test_an_xls_merge_past_the_caps_is_refused(admin_client, settings):
    import xlwt

    settings.IMPORT_MAX_COLUMNS = 10
    book = xlwt.Workbook()
    sheet = book.add_sheet("Return")
    sheet.write_merge(0, 0, 0, 30, "Thriving families")
    stream = io.BytesIO()
    book.save(stream)
    response = upload(admin_client, stream.getvalue(), "return.xls")
    assert response.status_code == 400
    assert_refusal_recorded("has a merged range on sheet “Return” reaching AE1")


def test_a_file_over_the_size_limit_is_refused_unread_and_recorded(admin_client, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = upload(admin_client, tracker_csv(100), "big.csv")
    assert response.status_code == 400
    assert "the limit is 0.0 MB" in response.content.decode()
    record = assert_refusal_recorded("the limit is 0.0 MB")
    assert record.file_size == len(tracker_csv(100))


def _with_part(name: str, text: bytes) -> bytes:
    """The tiny workbook plus one more part, and stored random padding so the compression ratio
    stays under the zip check's limit (as a hostile file would arrange)."""
    import os

    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in {**_PARTS, "xl/worksheets/sheet1.xml": _HEADER + _DATA
                              + "</worksheet>"}.items():  # fmt: skip
            archive.writestr(part, content)
        archive.writestr(name, text)
        archive.writestr("docProps/pad.bin", os.urandom(300_000), zipfile.ZIP_STORED)
    return output.getvalue()


@pytest.mark.parametrize(
    "part, text, reason",
    [
        (
            "xl/sharedStrings.xml",
            b'<sst xmlns="x">' + b"<si><t>x</t></si>" * 2_000_000 + b"</sst>",
            "more than 200,000 different texts",
        ),
        (
            "xl/styles.xml",
            b'<styleSheet xmlns="x"><cellXfs>'
            + b'<xf numFmtId="0"/>' * 300_000
            + b"</cellXfs></styleSheet>",
            "more than 20,000 cell styles",
        ),
    ],
    ids=["shared-strings", "styles"],
)
def test_parts_read_whole_before_any_row_are_counted_first(admin_client, part, text, reason):
    """A 384 KB upload whose shared strings (or styles) unpack to millions of entries kept a
    worker busy for 12-38 s inside openpyxl, before the reading budget could stop it."""
    data = _with_part(part, text)
    assert len(data) < 500_000
    started = time.monotonic()
    response = upload(admin_client, data, "hostile.xlsx")
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert_refusal_recorded(reason)
