"""How much of a tracker file is read, whatever the file says about itself.

A worksheet's `<dimension>` and merged ranges are claims made by the file; a hostile one
claims a million rows by sixteen thousand columns in 1.5 KB. Reading is therefore capped in
rows, columns, cells, merged ranges and field length, and given a wall-clock budget checked
on every row, so no file keeps a worker busy for more than a few seconds.
"""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from openpyxl.utils.cell import get_column_letter

# The wall-clock budget in force where a longer one was given (read_seconds): a background
# worker, where a slow read holds no web request.
_SECONDS: ContextVar[float | None] = ContextVar("read_seconds", default=None)


@contextmanager
def read_seconds(seconds: float) -> Iterator[None]:
    """Read with this wall-clock budget instead of IMPORT_MAX_SECONDS, inside the block only."""
    token = _SECONDS.set(seconds)
    try:
        yield
    finally:
        _SECONDS.reset(token)


class TrackerFileError(Exception):
    """The file cannot be read as a tracker. The message is for the person who uploaded it."""


@dataclass(frozen=True)
class ReadLimits:
    rows: int  # per sheet
    columns: int
    cells: int  # per file
    merged_ranges: int  # per sheet
    field_chars: int
    seconds: float

    @classmethod
    def from_settings(cls) -> ReadLimits:
        return cls(
            rows=settings.IMPORT_MAX_ROWS,
            columns=settings.IMPORT_MAX_COLUMNS,
            cells=settings.IMPORT_MAX_CELLS,
            merged_ranges=settings.IMPORT_MAX_MERGED_RANGES,
            field_chars=settings.IMPORT_MAX_FIELD_CHARS,
            seconds=_SECONDS.get() or settings.IMPORT_MAX_SECONDS,
        )


class ReadBudget:
    """One file's allowance, spent row by row as its sheets are read."""

    def __init__(self, filename: str, limits: ReadLimits | None = None) -> None:
        self.filename = filename
        self.limits = limits or ReadLimits.from_settings()
        self.deadline = time.monotonic() + self.limits.seconds
        self.cells = 0

    def refuse(self, reason: str) -> TrackerFileError:
        return TrackerFileError(f"{self.filename} {reason} It was not imported.")

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise self.refuse(
                f"took too long to read (more than {self.limits.seconds:g} seconds), which a "
                "tracker never needs. Delete empty rows, columns and merged cells beyond the "
                "data, or split the file, and upload it again."
            )

    def check_dimension(self, sheet: str, max_row: int | None, max_column: int | None) -> None:
        """A worksheet's `<dimension>` claiming more than the caps: the file says it is too big
        (or lies, which is worse). Within the caps the claim is still not trusted."""
        if (max_row or 0) > self.limits.rows or (max_column or 0) > self.limits.columns:
            raise self.refuse(
                f"says its sheet “{sheet}” is {max_row or 0:,} rows by {max_column or 0:,} "
                f"columns; a tracker has at most {self.limits.rows:,} rows and "
                f"{self.limits.columns:,} columns. Copy the data into a new workbook, upload that."
            )

    def check_merges(
        self, sheet: str, merges: list[tuple[int, int, int, int]]
    ) -> list[tuple[int, int, int, int]]:
        """Merged ranges, refused when more or larger than the caps allow: each merged range is
        copied cell by cell, so a file must not make that costlier than its data."""
        limits = self.limits
        if len(merges) > limits.merged_ranges:
            raise self.refuse(
                f"has more than {limits.merged_ranges:,} merged ranges on sheet “{sheet}”; a "
                "tracker has far fewer. Unmerge the cells and upload it again."
            )
        area = 0
        for min_col, min_row, max_col, max_row in merges:
            area += (max_col - min_col + 1) * (max_row - min_row + 1)
            if max_col > limits.columns or max_row > limits.rows or area > limits.cells:
                raise self.refuse(
                    f"has a merged range on sheet “{sheet}” reaching "
                    f"{get_column_letter(min(max_col, 18_278))}{max_row}, beyond the "
                    f"{limits.rows:,} rows and {limits.columns:,} columns a tracker may have. "
                    "Unmerge the cells and upload it again."
                )
        return merges

    def guard(self, sheet: str, rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
        """The rows of one sheet, trailing empty cells dropped, refused past a cap."""
        limits = self.limits
        for number, cells in rows:
            self.check_time()
            width = len(cells)
            while width and cells[width - 1].value in (None, ""):
                width -= 1
            if not width:
                yield number, []
                continue
            if number > limits.rows:
                raise self.refuse(
                    f"has more than {limits.rows:,} rows on sheet “{sheet}”; a tracker has far "
                    "fewer. Delete the rows below the data, or split the file, and upload it again."
                )
            if width > limits.columns:
                raise self.refuse(
                    f"has data beyond column {get_column_letter(limits.columns)} "
                    f"({limits.columns:,} columns) on sheet “{sheet}”, row {number}; a tracker "
                    "has far fewer. Delete the columns right of the data and upload it again."
                )
            self.cells += width
            if self.cells > limits.cells:
                raise self.refuse(
                    f"has more than {limits.cells:,} cells; a tracker has far fewer. "
                    "Split the file and upload it again."
                )
            for cell in cells[:width]:
                if isinstance(cell.value, str) and len(cell.value) > limits.field_chars:
                    raise self.refuse(
                        f"has a cell longer than {limits.field_chars:,} characters on sheet "
                        f"“{sheet}”, row {number}. Shorten it and upload it again."
                    )
            yield number, cells[:width]


# Parts openpyxl reads whole before a single row is read (so before the reading budget can
# stop it): how many entries each may hold. A tracker has thousands; a hostile file millions.
_COUNTED_PARTS = {
    "xl/sharedStrings.xml": (re.compile(rb"<(?:\w+:)?si[\s>]"), "IMPORT_MAX_SHARED_STRINGS",
                             "different texts"),
    "xl/styles.xml": (re.compile(rb"<(?:\w+:)?xf[\s>/]"), "IMPORT_MAX_STYLES", "cell styles"),
}  # fmt: skip


def check_counted_parts(archive: zipfile.ZipFile, names: set[str], filename: str) -> None:
    """Count the entries of the parts openpyxl parses up front, streaming, without trusting the
    sizes the zip claims; refuse before openpyxl sees a part holding more than its limit."""
    for part, (entry, setting, words) in _COUNTED_PARTS.items():
        if part not in names:
            continue
        limit = getattr(settings, setting)
        found, tail = 0, b""
        with archive.open(part) as stream:
            while chunk := stream.read(1 << 20):
                window = tail + chunk
                found += len(entry.findall(window)) - len(entry.findall(tail))
                tail = window[-32:]
                if found > limit:
                    raise TrackerFileError(
                        f"{filename} holds more than {limit:,} {words}, far more than a tracker "
                        "needs. It was not opened."
                    )
