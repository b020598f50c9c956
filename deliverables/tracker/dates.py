"""Dates as trackers write them, read as a date and a note saying how it was read.

A start or due cell may hold a real date, an Excel serial number (a date cell pasted as a
number, or a CSV of one), typed text in UK order ("30/06/2022", "30.06.22"), ISO text, a month
("Jun 2022"), a season ("Autumn 2022"), a financial-year quarter ("Q3 2022/23") or year
("2022/23"), or words that are not a date at all ("TBC", "Ongoing", "N/A").

`parse_date` returns (date or None, note). A month is read as its first day for a start and
its last day for a due date. A season, quarter or year is read the same way and the note says
so ("Autumn 2022, read as 1 September 2022"): the page shows the words the council wrote.
Words that are not a date give no date and are kept as the note. Anything else raises
UnreadableDate: the importer lists the cell rather than drop it without a word.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1 January 1900, counting Excel's 29 Feb 1900
SERIAL_MIN, SERIAL_MAX = 20_000, 80_000  # 3 October 1954 to 10 January 2119

MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.casefold(): n for n, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

# Season -> its first month; a season lasts three months (winter runs into the next year).
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
# Financial-year quarter -> its first month; Q4 is January to March of the year's second half.
QUARTER_MONTHS = {1: 4, 2: 7, 3: 10, 4: 1}

# Words that say there is no date (yet): kept as the note, with whatever follows them.
NOT_A_DATE = re.compile(
    r"^(tbc|tba|tbd|to be (confirmed|agreed|decided|determined|set)|on-?going|continuous|"
    r"rolling|n/?a|not applicable|none)\b",
    re.I,
)
BLANK = {"", "-", "\u2013", "\u2014"}  # nothing, or a dash

_SERIAL_TEXT = re.compile(r"^\d{5}(\.\d+)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{4})$")
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?(?:\s+|\s*[-/']\s*)(\d{4})$|^([a-z]+)\s*[-/']\s*(\d{2})$")
_SEASON = re.compile(r"^(spring|summer|autumn|fall|winter)\s+(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?$")
_YEARS = r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})"
_QUARTER = re.compile(rf"^(?:q|quarter\s*)([1-4])\s*,?\s*(?:fy\s*)?{_YEARS}$")
_QUARTER_AFTER = re.compile(rf"^(?:fy\s*)?{_YEARS}\s*,?\s*(?:q|quarter\s*)([1-4])$")
_FINANCIAL_YEAR = re.compile(rf"^(?:fy\s*)?{_YEARS}$")


class UnreadableDate(ValueError):
    """A date cell that is neither a date nor words that say there is none."""


def parse_date(value: object, *, end: bool = False) -> tuple[dt.date | None, str]:
    """(date, note) for a start cell, or with `end` for a due cell. Raises UnreadableDate."""
    if value is None:
        return None, ""
    if isinstance(value, dt.datetime):
        return value.date(), ""
    if isinstance(value, dt.date):
        return value, ""
    if isinstance(value, bool):
        raise UnreadableDate(str(value))
    if isinstance(value, int | float):
        return _serial(value), ""
    text = re.sub(r"\s+", " ", str(value).replace("\u00a0", " ")).strip()
    if text.casefold() in BLANK:
        return None, ""
    if NOT_A_DATE.match(text):
        return None, text
    found = _from_text(text.casefold(), end)
    if isinstance(found, dt.date):
        return found, ""
    read_as = found[1] if end else found[0]
    return read_as, f"{text}, read as {long_date(read_as)}"


def long_date(day: dt.date) -> str:
    """1 September 2022."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


Span = tuple[dt.date, dt.date]  # a season, quarter or year: its first and last days


def _serial(number: float) -> dt.date:
    if not SERIAL_MIN <= number < SERIAL_MAX:
        raise UnreadableDate(str(number))
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


YEARS = range(1900, 2201)  # a plan's dates; "Winter 9999" is a typing slip, not a date


def _month_end(year: int, month: int) -> dt.date:
    if year not in YEARS:
        raise UnreadableDate(str(year))
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _day(year: int, month: int, day: int, text: str) -> dt.date:
    if year not in YEARS:
        raise UnreadableDate(text)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise UnreadableDate(text) from None


def _span(year: int, month: int, months: int) -> Span:
    """The `months` months from the first of `month` in `year`."""
    last_month = month + months - 1
    last_year = year + (last_month - 1) // 12
    last_month = (last_month - 1) % 12 + 1
    if year not in YEARS:
        raise UnreadableDate(str(year))
    return dt.date(year, month, 1), _month_end(last_year, last_month)


def _financial_year(first: str, second: str, text: str) -> int:
    """The year a financial year starts in: "2022/23" -> 2022; "2022/24" is not a year."""
    start = int(first)
    if _year(second) % 100 != (start + 1) % 100:
        raise UnreadableDate(text)
    return start


def _from_text(text: str, end: bool) -> dt.date | Span:
    """A date, or a span, from folded text. Raises UnreadableDate."""
    if _SERIAL_TEXT.match(text):
        return _serial(float(text))
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _day(year, month, day, text)
    if match := _DMY.match(text):
        day, _, month, year = match.groups()
        return _day(_year(year), int(month), int(day), text)
    if match := _DAY_MONTH_YEAR.match(text):
        day, month_name, year = match.groups()
        if month_name not in MONTHS:
            raise UnreadableDate(text)
        return _day(int(year), MONTHS[month_name], int(day), text)
    if (match := _MONTH_YEAR.match(text)) and (match.group(1) or match.group(3)) in MONTHS:
        month = MONTHS[match.group(1) or match.group(3)]
        year = _year(match.group(2) or match.group(4))
        return _month_end(year, month) if end else _day(year, month, 1, text)
    if match := _SEASON.match(text):
        season, year, _ = match.groups()
        return _span(int(year), SEASONS[season], 3)
    if match := _QUARTER.match(text):
        quarter, first, second = match.groups()
        return _quarter(int(quarter), _financial_year(first, second, text))
    if match := _QUARTER_AFTER.match(text):
        first, second, quarter = match.groups()
        return _quarter(int(quarter), _financial_year(first, second, text))
    if match := _FINANCIAL_YEAR.match(text):
        return _span(_financial_year(*match.groups(), text), 4, 12)
    raise UnreadableDate(text)


def _quarter(quarter: int, financial_year: int) -> Span:
    month = QUARTER_MONTHS[quarter]
    return _span(financial_year + (1 if quarter == 4 else 0), month, 3)


# "May 2022 - Jul 2022": a start and a due date in one cell; spaces around the dash, so a
# "2022-23" financial year or an ISO date is never split.
# A span written "May 2022 - Jul 2022" (a hyphen or dash, or "to"): read here and by
# deliverables.plan_content, one pattern for both.
RANGE = re.compile(r"^(.+?)\s+(?:-|\u2013|\u2014|to)\s+(.+)$", re.I)
_BY = re.compile(r"^(?:by|before|no later than)\s+(.+)$", re.I)


def parse_when(text: str) -> tuple[dt.date | None, dt.date | None, str]:
    """(start, due, note) from one "when" written as words, as improvement plans write their
    milestones: "May 2022 - Jul 2022" (a start and a due date), "by 22 Jun 2022" or
    "7 Jun 2022" (a due date), "Autumn 2022" (its span), "TBC" or "Ongoing" (no date, kept as
    the note). The note keeps the words whenever they were read as something else, in the
    importer's form ("Start: ...; Due: ..."). Raises UnreadableDate."""
    text = re.sub(r"\s+", " ", (text or "").replace("\u00a0", " ")).strip()
    if not text:
        return None, None, ""
    if match := RANGE.match(text):
        try:
            return _range(match.group(1), match.group(2), text)
        except UnreadableDate:
            if not NOT_A_DATE.match(text):  # "TBC - to be agreed" is words, not a range
                raise
    if NOT_A_DATE.match(text):
        return None, None, text
    if match := _BY.match(text):
        due, note = parse_date(match.group(1), end=True)
        return None, due, f"Due: {note}" if note else ""
    start, _ = parse_date(text, end=False)
    due, _ = parse_date(text, end=True)
    if start == due:  # one day: the day it is due
        return None, due, ""
    # A month or a season spans its first day to its last; the note keeps the words.
    return start, due, f"{text}, read as {long_date(start)} to {long_date(due)}"


def _range(first: str, second: str, text: str) -> tuple[dt.date | None, dt.date | None, str]:
    start, start_note = parse_date(first, end=False)
    due, due_note = parse_date(second, end=True)
    if start and due and due < start:
        raise UnreadableDate(text)
    notes = [f"Start: {start_note}" if start_note else "", f"Due: {due_note}" if due_note else ""]
    return start, due, "; ".join(n for n in notes if n)
