"""Open a tracker file and hand back its sheets as rows of cells, merged cells carried.

This is the only code that touches spreadsheet file formats. Everything above it sees
`Sheet.rows()`: (row number, cells) where each cell has its value and its fill colour.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple

import openpyxl
from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.utils.cell import range_boundaries


class TrackerFileError(Exception):
    """The file cannot be read as a tracker. The message is for the person who uploaded it."""


class Cell(NamedTuple):
    value: object
    fill: str | None  # "#RRGGBB" of a solid fill, or None


EMPTY = Cell(None, None)


@dataclass
class Sheet:
    name: str
    hidden: bool
    _rows: callable = field(repr=False)

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """(1-based row number, cells) for every row, with merged ranges filled in."""
        return self._rows()


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


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>")


def _merged_ranges(archive: zipfile.ZipFile, member: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges of one worksheet as (min_col, min_row, max_col, max_row).

    openpyxl's read-only mode does not report merges. They sit after the cell data in the
    sheet's XML, so stream the part in chunks and keep only what follows </sheetData>.
    """
    tail = b""
    seen_end = False
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 16):
            if seen_end:
                tail += chunk
                continue
            window = tail[-32:] + chunk
            match = _SHEET_DATA_END.search(window)
            if match:
                seen_end = True
                tail = window[match.end() :]
            else:
                tail = window[-32:]
    return [range_boundaries(ref.decode()) for ref in _MERGE_REF.findall(tail)]


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


def _xlsx_rows(worksheet, merges: list[tuple[int, int, int, int]]):
    def rows() -> Iterator[tuple[int, list[Cell]]]:
        # Ranges by their first row; a range's top-left cell is read before the rest of it.
        starting: dict[int, list[tuple[int, int, int, int]]] = {}
        for bounds in merges:
            starting.setdefault(bounds[1], []).append(bounds)
        active: list[tuple[tuple[int, int, int, int], Cell]] = []
        # Read-only mode pads gaps with rows of EmptyCell, which carry no row number, so
        # count rows ourselves from the first.
        for number, cells in enumerate(worksheet.iter_rows(min_row=1), start=1):
            values = [Cell(c.value, _fill_colour(c)) for c in cells]
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
            yield number, values

    return rows


def open_xlsx(source: str | Path | IO[bytes], filename: str) -> Workbook:
    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TrackerFileError(
            f"{filename} could not be opened as an Excel workbook (.xlsx): {exc}"
        ) from exc
    archive = book._archive  # openpyxl keeps the zip open in read-only mode
    sheets = []
    for worksheet in book.worksheets:
        path = getattr(worksheet, "_worksheet_path", None)
        merges = _merged_ranges(archive, path) if path else []
        sheets.append(
            Sheet(
                name=worksheet.title,
                hidden=worksheet.sheet_state != "visible",
                _rows=_xlsx_rows(worksheet, merges),
            )
        )
    return Workbook(filename=filename, sheets=sheets, _close=book.close)


def open_tracker(source: str | Path | IO[bytes], filename: str | None = None) -> Workbook:
    """Open a tracker workbook, choosing the reader from the file's content."""
    name = filename or str(getattr(source, "name", source))
    return open_xlsx(source, name)
