"""Open a spreadsheet (a tracker, or an admin import) as rows of cells, merged cells carried.

This is the only code that touches spreadsheet file formats. Everything above it sees
`Sheet.rows()`: (row number, cells) where each cell has its value and its fill colour.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import openpyxl
import xlrd
from django.conf import settings
from openpyxl.styles.colors import COLOR_INDEX

from plans.read_bounds import ReadBudget, TrackerFileError, check_counted_parts
from plans.sheet_xml import scan_sheet

__all__ = ["Cell", "Sheet", "TrackerFileError", "Workbook", "check_tracker_file", "open_tracker"]


class Cell(NamedTuple):
    value: object
    fill: str | None  # "#RRGGBB" of a solid fill, or None
    # Shown as a percentage (its number format has "%"): 0.955 is what the sheet shows as 95.5%.
    percent: bool = False


EMPTY = Cell(None, None)


@dataclass
class Sheet:
    name: str
    hidden: bool
    _rows: callable = field(repr=False)
    _budget: ReadBudget | None = field(default=None, repr=False)
    hidden_rows: set[int] = field(default_factory=set)  # numbers of the sheet's hidden rows
    # Rows with a fill but no values, found as rows() reads them (rows() gives them no cells).
    formatted_rows: set[int] = field(default_factory=set)

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """(1-based row number, cells) for every row, with merged ranges filled in, within
        the file's read budget (rows, columns, cells, time)."""
        budget = self._budget or ReadBudget(self.name)
        return budget.guard(self.name, self._rows())


@dataclass
class Workbook:
    filename: str
    sheets: list[Sheet]
    _close: callable = field(default=lambda: None, repr=False)

    def close(self) -> None:
        self._close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_LITERAL = re.compile(r'"[^"]*"|\\.')


def is_percent(number_format: str | None) -> bool:
    """Whether a number format shows the value x 100 with "%" ("0.0%"); a literal "%"
    ('0.0"%"', "0.0\\%") shows the value as it is."""
    return "%" in _LITERAL.sub("", number_format or "")


def _fill_colour(cell) -> str | None:
    fill = getattr(cell, "fill", None)
    if fill is None or fill.fill_type != "solid":
        return None
    colour = fill.fgColor
    rgb = None
    if colour.type == "rgb" and isinstance(colour.rgb, str):
        rgb = colour.rgb
    elif (
        colour.type == "indexed"
        and colour.indexed is not None
        and colour.indexed < len(COLOR_INDEX)
    ):
        rgb = COLOR_INDEX[colour.indexed]
    if not rgb or len(rgb) < 6:
        return None
    return "#" + rgb[-6:].upper()


def _note_formatted(number: int, cells: list[Cell], formatted: set[int]) -> None:
    """Remember a row that has a fill but no values: rows() trims it to no cells."""
    if all(c.value in (None, "") for c in cells) and any(c.fill for c in cells):
        formatted.add(number)


def _xlsx_rows(worksheet, merges: list[tuple[int, int, int, int]], formatted: set[int]):
    def rows() -> Iterator[tuple[int, list[Cell]]]:
        # Ranges by their first row; a range's top-left cell is read before the rest of it.
        starting: dict[int, list[tuple[int, int, int, int]]] = {}
        for bounds in merges:
            starting.setdefault(bounds[1], []).append(bounds)
        active: list[tuple[tuple[int, int, int, int], Cell]] = []
        # Read-only mode pads gaps with rows of EmptyCell, which carry no row number, so
        # count rows ourselves from the first.
        for number, cells in enumerate(worksheet.iter_rows(min_row=1), start=1):
            values = [Cell(c.value, _fill_colour(c), is_percent(c.number_format)) for c in cells]
            for bounds in starting.pop(number, []):
                min_col = bounds[0]
                top_left = values[min_col - 1] if min_col - 1 < len(values) else EMPTY
                active.append((bounds, top_left))
            active = [(b, v) for b, v in active if b[3] >= number]
            for (min_col, min_row, max_col, _max_row), top_left in active:
                if len(values) < max_col:
                    values.extend([EMPTY] * (max_col - len(values)))
                for col in range(min_col, max_col + 1):
                    if (col, number) != (min_col, min_row):
                        values[col - 1] = top_left
            _note_formatted(number, values, formatted)
            yield number, values

    return rows


def open_xlsx(data: bytes, filename: str, budget: ReadBudget) -> Workbook:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TrackerFileError(
            f"{filename} could not be opened as an Excel workbook (.xlsx): {exc}"
        ) from exc
    archive = book._archive  # openpyxl keeps the zip open in read-only mode
    sheets = []
    for worksheet in book.worksheets:
        path = getattr(worksheet, "_worksheet_path", None)
        # The <dimension> element is the file's claim about its size, and read-only mode
        # pads every row to it: ignore it and read the cells that are there.
        budget.check_dimension(worksheet.title, worksheet.max_row, worksheet.max_column)
        worksheet.reset_dimensions()
        merges, hidden = scan_sheet(archive, path, worksheet.title, budget) if path else ([], set())
        formatted: set[int] = set()
        sheets.append(
            Sheet(
                name=worksheet.title,
                hidden=worksheet.sheet_state != "visible",
                _rows=_xlsx_rows(worksheet, merges, formatted),
                _budget=budget,
                hidden_rows=hidden,
                formatted_rows=formatted,
            )
        )
    return Workbook(filename=filename, sheets=sheets, _close=book.close)


_ZIP = b"PK\x03\x04"
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .xls, or an encrypted .xlsx
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_VBA_PROJECT = "_VBA_PROJECT".encode("utf-16-le")
_MAX_ZIP_ENTRIES = 10_000
_MAX_COMPRESSION_RATIO = 200  # deflate rarely beats 100:1 on real spreadsheets


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def check_size(size: int, filename: str) -> None:
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise TrackerFileError(
            f"{filename} is {_megabytes(size)}; the limit is {_megabytes(limit)}. "
            "Split the workbook, or ask your administrator to raise the limit."
        )


def check_tracker_file(data: bytes, filename: str) -> str:
    """What kind of file this is ("xlsx", "xls" or "csv"), judged by its content.

    Refuses, with a message the uploader can act on, files that are too big, zip bombs,
    macro-enabled or password-protected workbooks, and files whose name says one format
    while their content is another. Runs before any spreadsheet library opens the file.
    """
    name = filename.lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if not data:
        raise TrackerFileError(f"{filename} is empty.")
    check_size(len(data), filename)
    if extension in {"xlsm", "xltm", "xlam"}:
        raise TrackerFileError(
            f"{filename} is a macro-enabled workbook. Save it as an .xlsx workbook "
            "(File > Save As > Excel Workbook) and upload that."
        )
    if data.startswith(_ZIP):
        return _check_zip(data, filename, extension)
    if data.startswith(_CFB):
        if _ENCRYPTED_PACKAGE in data:
            raise TrackerFileError(
                f"{filename} is protected with a password. Remove the password in Excel "
                "(File > Info > Protect Workbook) and upload it again."
            )
        if _VBA_PROJECT in data:
            raise TrackerFileError(
                f"{filename} contains macros. Save it as an .xlsx workbook and upload that."
            )
        if extension != "xls":
            raise TrackerFileError(
                f"{filename} is an Excel 97-2003 (.xls) workbook but is named .{extension or '?'}. "
                "Rename it to .xls, or save it as .xlsx."
            )
        return "xls"
    if extension == "csv":
        if b"\x00" in data[:4096]:
            raise TrackerFileError(f"{filename} is named .csv but is not a text file.")
        return "csv"
    if extension in {"xlsx", "xls"}:
        raise TrackerFileError(
            f"{filename} is named .{extension} but is not an Excel workbook. "
            "Open it in Excel and save it as .xlsx."
        )
    raise TrackerFileError(
        f"{filename} is not a spreadsheet this service reads: upload .xlsx, .xls or .csv."
    )


def _check_zip(data: bytes, filename: str, extension: str) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise TrackerFileError(f"{filename} is damaged and cannot be opened ({exc}).") from exc
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise TrackerFileError(
            f"{filename} is a zip file but not an Excel workbook. Upload the .xlsx itself."
        )
    if len(entries) > _MAX_ZIP_ENTRIES:
        raise TrackerFileError(f"{filename} holds {len(entries)} parts; a workbook has far fewer.")
    uncompressed = sum(entry.file_size for entry in entries)
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    if uncompressed > limit or uncompressed > _MAX_COMPRESSION_RATIO * max(len(data), 1):
        raise TrackerFileError(
            f"{filename} unpacks to {_megabytes(uncompressed)}, which is more than a tracker "
            f"needs (limit {_megabytes(limit)}). It was not opened."
        )
    check_counted_parts(archive, names, filename)
    if "xl/vbaProject.bin" in names or b"macroEnabled" in archive.read("[Content_Types].xml"):
        raise TrackerFileError(
            f"{filename} contains macros. Save it as an .xlsx workbook and upload that."
        )
    if extension not in {"xlsx", "xltx"}:
        raise TrackerFileError(
            f"{filename} is an .xlsx workbook but is named .{extension or '?'}. "
            "Rename it to .xlsx and upload it again."
        )
    return "xlsx"


def _xls_colour(book, xf_index: int) -> str | None:
    xf = book.xf_list[xf_index]
    background = xf.background
    if background.fill_pattern != 1:  # 1: solid
        return None
    rgb = book.colour_map.get(background.pattern_colour_index)
    if not rgb:
        return None
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def _xls_percent(book, xf_index: int) -> bool:
    number_format = book.format_map.get(book.xf_list[xf_index].format_key)
    return is_percent(number_format.format_str if number_format else None)


def open_xls(data: bytes, filename: str, budget: ReadBudget) -> Workbook:
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise TrackerFileError(
                f"{filename} is protected with a password. Remove it and upload again."
            ) from exc
        raise TrackerFileError(f"{filename} could not be read as an .xls workbook: {exc}") from exc
    except Exception as exc:  # xlrd raises many kinds on damaged files
        raise TrackerFileError(f"{filename} could not be read as an .xls workbook: {exc}") from exc

    def sheet_rows(index: int, formatted: set[int]):
        def rows() -> Iterator[tuple[int, list[Cell]]]:
            for number, cells in _xls_rows(book, book.sheet_by_index(index), budget):
                _note_formatted(number, cells, formatted)
                yield number, cells

        return rows

    sheets = []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        formatted: set[int] = set()
        hidden = {r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden}
        sheets.append(
            Sheet(
                name=sheet.name,
                hidden=sheet.visibility != 0,
                _rows=sheet_rows(index, formatted),
                _budget=budget,
                hidden_rows=hidden,
                formatted_rows=formatted,
            )
        )
    return Workbook(filename=filename, sheets=sheets, _close=book.release_resources)


def _xls_rows(book, sheet, budget: ReadBudget) -> Iterator[tuple[int, list[Cell]]]:
    """A sheet's rows, a merged cell's value and colour in every cell it covers."""
    # One row and one column past the caps, so that data there is refused, not dropped.
    nrows = min(sheet.nrows, budget.limits.rows + 1)
    ncols = min(sheet.ncols, budget.limits.columns + 1)
    merged = {}
    bounds = [(clo + 1, rlo + 1, chi, rhi) for rlo, rhi, clo, chi in sheet.merged_cells]
    for min_col, min_row, max_col, max_row in budget.check_merges(sheet.name, bounds):
        for r in range(min_row - 1, min(max_row, nrows)):
            for c in range(min_col - 1, min(max_col, ncols)):
                merged[(r, c)] = (min_row - 1, min_col - 1)
    for r in range(nrows):
        cells = []
        for c in range(ncols):
            rr, cc = merged.get((r, c), (r, c))
            cell = sheet.cell(rr, cc)
            value = cell.value
            if cell.ctype == xlrd.XL_CELL_DATE:
                value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                value = None
            xf_index = sheet.cell_xf_index(rr, cc)
            cells.append(Cell(value, _xls_colour(book, xf_index), _xls_percent(book, xf_index)))
        yield r + 1, cells


def open_csv(data: bytes, filename: str, budget: ReadBudget) -> Workbook:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise TrackerFileError(f"{filename} is not readable text.")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        reader = csv.reader(io.StringIO(text), dialect)
        try:  # the csv module refuses a field over csv.field_size_limit() (128 KB)
            for number, record in enumerate(reader, start=1):
                yield number, [Cell(value or None, None) for value in record]
        except csv.Error as error:
            raise budget.refuse(
                f"could not be read as CSV at line {reader.line_num}: {error}."
            ) from error

    stem = Path(filename).stem or "CSV"
    sheet = Sheet(name=stem, hidden=False, _rows=rows, _budget=budget)
    return Workbook(filename=filename, sheets=[sheet])


def open_tracker(source: bytes | str | Path, filename: str | None = None) -> Workbook:
    """Open a tracker from its bytes or its path, after `check_tracker_file` has passed it."""
    if isinstance(source, bytes):
        data = source
        name = filename or "upload"
    else:
        path = Path(source)
        name = filename or path.name
        check_size(path.stat().st_size, name)  # before reading a huge file into memory
        data = path.read_bytes()
    kind = check_tracker_file(data, name)
    opener = {"xlsx": open_xlsx, "xls": open_xls, "csv": open_csv}[kind]
    return opener(data, name, ReadBudget(name))
