"""What a worksheet's XML says that openpyxl's read-only mode does not report: merged ranges
and hidden rows.

Both are read by streaming the sheet's part once, in chunks, within the file's read budget:
hidden rows are `<row r="7" hidden="1">` attributes among the cell data, merged ranges sit
after `</sheetData>`.
"""

from __future__ import annotations

import re
import zipfile

from openpyxl.utils.cell import range_boundaries

from plans.read_bounds import ReadBudget

_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>")
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\s[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="([0-9]+)"')
_MERGE_REF_BYTES = 64  # generous length of one <mergeCell ref="..."/>
_OVERLAP = 1024  # longer than any <row ...> start tag, so none is lost between two chunks


def _hidden_rows(data: bytes, found: set[int], last_row: int) -> None:
    if b"hidden=" not in data:  # most chunks: a fast scan, no regular expression
        return
    for tag in _HIDDEN_ROW.findall(data):
        number = _ROW_NUMBER.search(tag)
        if number and int(number.group(1)) <= last_row:  # rows past the cap are refused
            found.add(int(number.group(1)))


def scan_sheet(
    archive: zipfile.ZipFile, member: str, sheet: str, budget: ReadBudget
) -> tuple[list[tuple[int, int, int, int]], set[int]]:
    """A worksheet's merged ranges as (min_col, min_row, max_col, max_row), and the numbers of
    its hidden rows.

    Merged ranges follow </sheetData>; only what follows it is kept, up to what the most merged
    ranges a sheet may have could take.
    """
    hidden: set[int] = set()
    tail = b""
    seen_end = False
    tail_limit = (budget.limits.merged_ranges + 1) * _MERGE_REF_BYTES + (1 << 16)
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 16):
            budget.check_time()
            if seen_end:
                tail += chunk
                if len(tail) > tail_limit:
                    break
                continue
            window = tail[-_OVERLAP:] + chunk
            match = _SHEET_DATA_END.search(window)
            if match:
                seen_end = True
                _hidden_rows(window[: match.start()], hidden, budget.limits.rows)
                tail = window[match.end() :]
            else:
                _hidden_rows(window, hidden, budget.limits.rows)
                tail = window[-_OVERLAP:]
    refs = _MERGE_REF.findall(tail)
    merges = budget.check_merges(sheet, [range_boundaries(ref.decode()) for ref in refs])
    return merges, hidden
