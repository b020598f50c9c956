"""How periods are written: "2023-24-Q3" in URLs and stored codes, "6 December 2026" in
messages; and how quarters are read wherever someone types one (forms, commands, ?period=)."""

from __future__ import annotations

import datetime as dt
import re


def long_date(day: dt.date) -> str:
    """6 December 2026: how dates are written in messages, logs and emails."""
    return f"{day.day} {day:%B %Y}"


# The canonical code, the only form URLs take (plans.converters) and the form stored.
PERIOD_CODE = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$")
PERIOD_FORMS = "2024-25-Q1, Q1 2024/25 or 2024/25 Q1"

# What people type: Q1 2024/25 (as the pages write it), 2024/25 Q1, 2024-25-Q1, in any case,
# with the second year in two or four digits, a hyphen, slash or dash between the years,
# and spaces, a hyphen or a comma between the year and the quarter.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
_YEARS = r"(?P<first>[0-9]{4})\s*[-/]\s*(?P<second>[0-9]{4}|[0-9]{2})"
_QUARTER = r"Q\s*(?P<quarter>[0-9]+)"
_BETWEEN = r"\s*[-,/]?\s*"
_TYPED = [
    re.compile(rf"^{_YEARS}{_BETWEEN}{_QUARTER}$"),
    re.compile(rf"^{_QUARTER}{_BETWEEN}{_YEARS}$"),
]


def period_code(year: int, quarter: int) -> str:
    """The canonical code of a quarter: 2023-24-Q3."""
    return f"{year}-{(year + 1) % 100:02d}-Q{quarter}"


def parse_period_code(code: str) -> tuple[int, int]:
    """A quarter as typed -> (first year of the financial year, quarter).

    Raises ValueError with a message a user can act on, naming the forms it takes.

    >>> parse_period_code("2023-24-Q3"), parse_period_code("q3 2023/2024")
    ((2023, 3), (2023, 3))
    >>> parse_period_code("2023 \\u2013 24 Q3")  # an en dash, as word processors write it
    (2023, 3)
    """
    text = " ".join((code or "").translate(_DASHES).upper().split())
    match = next((m for pattern in _TYPED if (m := pattern.match(text))), None)
    if match is None:
        raise ValueError(f"{code!r} is not a quarter: write it like {PERIOD_FORMS}")
    year, second = int(match["first"]), match["second"]
    quarter = int(match["quarter"])
    if not 1 <= quarter <= 4:
        raise ValueError(
            f"{code!r} is not a quarter: a financial year has Q1 (April to June) to "
            "Q4 (January to March)"
        )
    if int(second) != (year + 1 if len(second) == 4 else (year + 1) % 100):
        raise ValueError(
            f"{code!r}: {year}/{second} is not a financial year, which runs from April of "
            f"one year to March of the next (write it like {PERIOD_FORMS})"
        )
    return year, quarter


def canonical_period_code(code: str) -> str:
    """A quarter as typed, written the canonical way ("Q1 2024/25" -> "2024-25-Q1");
    ValueError as parse_period_code."""
    return period_code(*parse_period_code(code))


# -- months: the periods of a monthly plan ----------------------------------------------------
# A month is stored as its financial year, its quarter and its place in that quarter (1 to 3),
# so every rule that orders or compares quarters orders months too: a quarter's own period has
# month 0. Its code is the calendar month, as ISO writes it: 2022-05 for May 2022.

MONTH_CODE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MONTH_FORMS = "2022-05 or May 2022"
_MONTH_NAMES = {
    name.lower(): number
    for number in range(1, 13)
    for name in (dt.date(2000, number, 1).strftime("%B"), dt.date(2000, number, 1).strftime("%b"))
}
_TYPED_MONTH = re.compile(r"^(?P<name>[A-Za-z]+)\.?\s*(?P<year>[0-9]{4})$")


def month_place(calendar_year: int, calendar_month: int) -> tuple[int, int, int]:
    """May 2022 -> (2022, 1, 2): financial year, quarter, month within the quarter.

    >>> month_place(2022, 4), month_place(2023, 1), month_place(2023, 3)
    ((2022, 1, 1), (2022, 4, 1), (2022, 4, 3))
    """
    index = (calendar_month - 4) % 12  # April is 0
    year = calendar_year if calendar_month >= 4 else calendar_year - 1
    return year, index // 3 + 1, index % 3 + 1


def month_calendar(year: int, quarter: int, month: int) -> tuple[int, int]:
    """(2022, 4, 1) -> (2023, 1): the calendar year and month of a stored month.

    >>> month_calendar(2022, 1, 2), month_calendar(2022, 4, 3)
    ((2022, 5), (2023, 3))
    """
    index = 3 * (quarter - 1) + month - 1
    calendar_month = (index + 3) % 12 + 1
    return year + (calendar_month < 4), calendar_month


def month_code(year: int, quarter: int, month: int) -> str:
    """The canonical code of a month: 2022-05."""
    calendar_year, calendar_month = month_calendar(year, quarter, month)
    return f"{calendar_year}-{calendar_month:02d}"


def month_label(year: int, quarter: int, month: int) -> str:
    """As written on screen: May 2022."""
    calendar_year, calendar_month = month_calendar(year, quarter, month)
    return f"{dt.date(calendar_year, calendar_month, 1):%B %Y}"


def parse_month_code(code: str) -> tuple[int, int, int]:
    """A month as typed ("2022-05", "May 2022", "may 2022") -> (year, quarter, month).

    >>> parse_month_code("2022-05"), parse_month_code("January 2023")
    ((2022, 1, 2), (2022, 4, 1))
    """
    text = " ".join((code or "").translate(_DASHES).split())
    if match := MONTH_CODE.match(text):
        return month_place(int(match[1]), int(match[2]))
    if (match := _TYPED_MONTH.match(text)) and match["name"].lower() in _MONTH_NAMES:
        return month_place(int(match["year"]), _MONTH_NAMES[match["name"].lower()])
    raise ValueError(f"{code!r} is not a month: write it like {MONTH_FORMS}")


def parse_any_period(code: str) -> tuple[int, int, int]:
    """A quarter or a month as typed -> (year, quarter, month), month 0 for a quarter.
    ValueError naming both forms when it is neither."""
    try:
        return (*parse_period_code(code), 0)
    except ValueError as quarter_error:
        try:
            return parse_month_code(code)
        except ValueError:
            raise ValueError(f"{quarter_error} (or a month, like {MONTH_FORMS})") from None


def sort_key(year: int, quarter: int, month: int = 0) -> int:
    """One number that orders quarters and months alike (ReportingPeriod.sort_key)."""
    return year * 16 + quarter * 4 + month
