"""Back catalogues: which quarter a tracker file is for, and the order to import several in.

A council's back catalogue is a folder of trackers named as people name files:
"corporate-plan-tracker-2023-24-q3.xlsx", "Q3 2023-24", "2023_24 Q3", "Quarter 3 2023/24",
"Oct-Dec 2023", "Dec 2023". The quarter is read from the name; where the name does not say it
all, from the file's first rows (a title "Business Plan Tracker 2023/24 - Quarter 3", headers
"Q3 Rating - RAG"). What cannot be told is never guessed: the file is refused.

Quarters are financial ones: Q1 is April to June, Q4 January to March of the next calendar
year, and a year is the financial year's first ("2023-24" -> 2023).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from deliverables.tracker.layout import ReadResult, read_tracker
from deliverables.tracker.meanings import MEANING_LABELS, Mapping, fold
from plans.periods import parse_period_code, period_code
from plans.workbook import TrackerFileError, Workbook, open_tracker

TRACKER_SUFFIXES = (".xlsx", ".xls", ".csv")
TITLE_ROWS = 30  # rows read from the top of each sheet for titles and headers

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YEAR4 = r"(?:19|20)\d\d"
# Text is folded first: lower case, anything but letters and digits a single space, and a
# space between letters and digits ("Q3" -> "q 3", "FY2023/24" -> "fy 2023 24").
_FINANCIAL_YEAR = re.compile(rf"\b({_YEAR4}) ((?:19|20)?\d\d)\b")
_SHORT_FINANCIAL_YEAR = re.compile(r"\bfy (\d\d) (\d\d)\b")
_QUARTER = re.compile(r"\b(?:q|qtr|quarter) ([1-4])\b")
_ORDINAL_QUARTER = re.compile(r"\b(first|second|third|fourth|[1-4] (?:st|nd|rd|th)) quarter\b")
# "Q3 23-24": a two-digit year pair is only read next to a quarter, never alone (a date).
_QUARTER_SHORT_YEAR = re.compile(r"\b(?:q|qtr|quarter) [1-4] (\d\d) (\d\d)\b")
_SHORT_YEAR_QUARTER = re.compile(r"\b(\d\d) (\d\d) (?:q|qtr|quarter) [1-4]\b")
_MONTH_RANGE = re.compile(rf"\b({_MONTH}) (?:to )?({_MONTH})\b(?: ({_YEAR4})\b)?")
_MONTH_YEAR = re.compile(rf"\b({_MONTH}) ({_YEAR4})\b")
_RANGE_QUARTER = {(4, 6): 1, (7, 9): 2, (10, 12): 3, (1, 3): 4}


def fold_name(text: str) -> str:
    """ "Corporate-Plan_2023-24 Q3.xlsx" -> "corporate plan 2023 24 q 3 xlsx"."""
    text = re.sub(r"[^a-z0-9]+", " ", str(text).casefold())
    return re.sub(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])", " ", text).strip()


def quarter_of_month(month: int, calendar_year: int) -> tuple[int, int]:
    """(financial year, quarter) a month falls in: December 2023 -> (2023, 3)."""
    return (calendar_year if month >= 4 else calendar_year - 1), (month - 4) % 12 // 3 + 1


@dataclass(frozen=True)
class Clue:
    """What a text says of its quarter: the financial year and the quarter, each None when
    the text does not say it, or says more than one."""

    year: int | None = None
    quarter: int | None = None

    @property
    def known(self) -> tuple[int, int] | None:
        return (self.year, self.quarter) if self.year and self.quarter else None

    def filled_from(self, other: Clue) -> Clue:
        """This clue, with what it does not say taken from `other`."""
        return Clue(self.year or other.year, self.quarter or other.quarter)


def _one(values: set[int]) -> int | None:
    return next(iter(values)) if len(values) == 1 else None


def _financial_years(folded: str) -> set[int]:
    years = set()
    for first, second in _FINANCIAL_YEAR.findall(folded):
        start = int(first)
        if int(second) == (start + 1 if len(second) == 4 else (start + 1) % 100):
            years.add(start)
    short = [
        *_SHORT_FINANCIAL_YEAR.findall(folded),
        *_QUARTER_SHORT_YEAR.findall(folded),
        *_SHORT_YEAR_QUARTER.findall(folded),
    ]
    for first, second in short:
        if int(second) == (int(first) + 1) % 100:
            years.add(2000 + int(first))
    return years


@dataclass
class _Evidence:
    years: set[int]  # financial years written as such ("2023-24", "FY23/24")
    quarters: set[int]  # quarters named without a year ("Q3", "Oct-Dec" beside a year)
    dated: set[tuple[int, int]]  # (year, quarter) of months with a calendar year


def _evidence(text: str) -> _Evidence:
    folded = fold_name(text)
    quarters = {int(q) for q in _QUARTER.findall(folded)}
    quarters |= {_ORDINALS.get(w) or int(w[0]) for w in _ORDINAL_QUARTER.findall(folded)}
    dated: set[tuple[int, int]] = set()
    for first, last, calendar in _MONTH_RANGE.findall(folded):
        quarter = _RANGE_QUARTER.get((_MONTHS[first], _MONTHS[last]))
        if quarter is not None and calendar:
            dated.add(quarter_of_month(_MONTHS[first], int(calendar)))
        elif quarter is not None:
            quarters.add(quarter)
    if not dated:  # one month: "Dec 2023"
        dated = {quarter_of_month(_MONTHS[m], int(y)) for m, y in _MONTH_YEAR.findall(folded)}
    return _Evidence(_financial_years(folded), quarters, dated)


def read_clue(text: str) -> Clue:
    """The quarter a file name or a title names, as far as it names one.

    In order of trust: a quarter said outright with its financial year ("Q3 2023-24"), then
    a quarter's months ("Oct-Dec 2023"), then one month ("Dec 2023"). A text naming two
    financial years or two quarters does not tell which; one that contradicts itself ("Q2
    Oct-Dec 2023") tells nothing.

    >>> read_clue("corporate-plan-tracker-2023-24-q3.xlsx").known
    (2023, 3)
    >>> read_clue("Jan-Mar 2024").known
    (2023, 4)
    >>> read_clue("Tracker 2023/24")
    Clue(year=2023, quarter=None)
    """
    found = _evidence(text)
    year, quarter = _one(found.years), _one(found.quarters)
    if len(found.years) > 1 or len(found.quarters) > 1 or (year and quarter):
        return Clue(year, quarter)
    if len(found.dated) != 1:
        return Clue(year, quarter)
    dated_year, dated_quarter = next(iter(found.dated))
    if year not in (None, dated_year) or quarter not in (None, dated_quarter):
        return Clue()
    return Clue(dated_year, dated_quarter)


def file_clue(texts: list[str], header_quarters: set[int]) -> Clue:
    """What a file's titles and headers say of its quarter.

    `texts` are the titles and headers at the top of its sheets; `header_quarters` the
    quarters its column groups name, where the reader has told them. One financial year must
    be named across the texts. With several quarters named ("Q1 RAG" ... "Q4 RAG") the file
    is for the latest: when imported, each group goes into its own quarter of that year.
    """
    years: set[int] = set()
    quarters: set[int] = set()
    for text in texts:
        found = _evidence(text)
        years |= found.years | {year for year, _ in found.dated}
        quarters |= found.quarters | {quarter for _, quarter in found.dated}
    if header_quarters:
        quarters = set(header_quarters)
    return Clue(_one(years), max(quarters) if quarters else None)


def first_texts(workbook: Workbook, rows: int = TITLE_ROWS) -> list[str]:
    """The texts at the top of every visible sheet: titles, group headings and the first row
    that reads as a header (three or more different short texts), and nothing below it."""
    texts: list[str] = []
    for sheet in workbook.sheets:
        if sheet.hidden:
            continue
        for number, cells in sheet.rows():
            row = list(
                dict.fromkeys(
                    c.value.strip() for c in cells if isinstance(c.value, str) and c.value.strip()
                )
            )
            texts.extend(t for t in row if t not in texts)
            if number >= rows or (len(row) >= 3 and all(len(t) <= 80 for t in row)):
                break
    return texts


def period_label(year: int, quarter: int) -> str:
    return f"Q{quarter} {year}/{(year + 1) % 100:02d}"


@dataclass
class CatalogueFile:
    """One file of a back catalogue and the quarter it goes into (`period`, as typed for
    --period, else the canonical code); `refusal` says why it cannot be imported."""

    path: Path
    period: str = ""
    source: str = ""  # where the quarter came from: "--period", "its name", "its headers"...
    refusal: str = ""

    @property
    def sort_key(self) -> tuple:
        try:
            year, quarter = parse_period_code(self.period)
        except ValueError:
            year, quarter = 0, 0
        return (year, quarter, self.path.name.casefold(), str(self.path))


def tracker_files(paths: list[Path], *, recursive: bool = False) -> list[Path]:
    """The files to import: each file named, and every tracker (.xlsx, .xls, .csv) in each
    folder named (its subfolders too when `recursive`). Excel's lock files ("~$name.xlsx")
    and hidden files are left out. Raises FileNotFoundError for a path that is neither."""
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            pattern = path.rglob("*") if recursive else path.iterdir()
            found.extend(
                sorted(
                    p
                    for p in pattern
                    if p.is_file()
                    and p.suffix.lower() in TRACKER_SUFFIXES
                    and not p.name.startswith(("~$", "."))
                )
            )
        else:
            raise FileNotFoundError(f"{path} is not a file or a folder")
    return list(dict.fromkeys(found))  # a file named twice is imported once


def in_quarter_order(files: list[CatalogueFile]) -> list[CatalogueFile]:
    """Oldest quarter first; files of one quarter by name."""
    return sorted(files, key=lambda f: f.sort_key)


def _reader_quarters(workbook: Workbook, mapping: Mapping | None) -> set[int]:
    """The quarters the reader finds column groups for, where the reader tells them."""
    if "quarters" not in {f.name for f in dataclasses.fields(ReadResult)}:
        return set()
    return set(read_tracker(workbook, mapping).quarters)


def locate(path: Path, mapping: Mapping | None = None) -> CatalogueFile:
    """The quarter a file goes into: from its name, else (or for what the name leaves out)
    from its titles and headers; refused when that does not tell one quarter."""
    clue = read_clue(path.name)
    if clue.known:
        return CatalogueFile(path, period_code(*clue.known), "its name")
    try:
        with open_tracker(path) as workbook:
            texts = first_texts(workbook)
            inside = file_clue(texts, _reader_quarters(workbook, mapping))
    except TrackerFileError as error:
        return CatalogueFile(path, refusal=str(error))
    except Exception as error:  # the boundary with third-party parsers on untrusted input
        return CatalogueFile(path, refusal=f"{path.name} could not be read ({error}).")
    found = clue.filled_from(inside)
    if found.known:
        said = "its headers" if inside.known == found.known else "its name and headers"
        return CatalogueFile(path, period_code(*found.known), said)
    told = []
    if found.year:
        told.append(f"the year {found.year}/{(found.year + 1) % 100:02d} but no quarter")
    elif found.quarter:
        told.append(f"Q{found.quarter} but no financial year")
    return CatalogueFile(
        path,
        refusal=(
            f"{path.name}: which quarter it is for cannot be told from its name or its "
            f"headers{' (they give ' + told[0] + ')' if told else ''}. Name it like "
            "'tracker 2023-24 Q3.xlsx', or import it on its own with --period."
        ),
    )


def parse_column_map(texts: list[str]) -> dict[str, str]:
    """--map "Header=meaning,Other header=meaning" as a mapping's columns: header key ->
    meaning. ValueError, naming the meanings there are, for anything else.

    >>> parse_column_map(["Q3 Rating - RAG=q3_status, Progress to date=commentary"])
    {'q3 rating rag': 'q3_status', 'progress to date': 'commentary'}
    """
    columns: dict[str, str] = {}
    for text in texts:
        for pair in text.split(","):
            if not pair.strip():
                continue
            header, equals, meaning = pair.rpartition("=")
            meaning = meaning.strip().casefold()
            repeat = re.fullmatch(r"(.*?)\s*#\s*(\d+)\s*", header)  # the 2nd "Status": Status#2
            key = f"{fold(repeat[1])}#{repeat[2]}" if repeat else fold(header)
            if not equals or not key or key.startswith("#"):
                raise ValueError(f"'{pair.strip()}' is not Header=meaning.")
            if meaning not in MEANING_LABELS:
                raise ValueError(
                    f"'{meaning}' (for '{header.strip()}') is not a meaning; the meanings are "
                    + ", ".join(MEANING_LABELS)
                    + "."
                )
            columns[key] = meaning
    return columns
