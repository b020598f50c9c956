"""The points of a financial year an indicator reports at, and how they are written.

A monthly indicator has points 1-12 (April = 1 ... March = 12), a quarterly one 1-4 (Q1 April to
June), an annual one the single point 1. Each point falls in one quarter of the year; an annual
value is reported in Q4. Codes: "2023-04" (a month, as benchmarking files write it),
"2023-24-Q3" (a quarter, as everywhere else), "2023-24" (a year).
"""

from __future__ import annotations

import datetime as dt
import re

from plans.periods import parse_period_code, period_code

MONTHLY, QUARTERLY, ANNUAL = "monthly", "quarterly", "annual"
POINTS_IN_YEAR = {MONTHLY: 12, QUARTERLY: 4, ANNUAL: 1}


def points_in_year(frequency: str) -> int:
    return POINTS_IN_YEAR[frequency]


def quarter_of(frequency: str, point: int) -> int:
    """The quarter of the financial year a point falls in (an annual value: Q4)."""
    if frequency == MONTHLY:
        return (point - 1) // 3 + 1
    if frequency == QUARTERLY:
        return point
    return 4


def points_in_quarter(frequency: str, quarter: int) -> list[int]:
    """The points entered in a quarter: three months, one quarter, or the year in Q4."""
    if frequency == MONTHLY:
        return [3 * (quarter - 1) + m for m in (1, 2, 3)]
    if frequency == QUARTERLY:
        return [quarter]
    return [1] if quarter == 4 else []


def point_for_quarter(frequency: str, year: int, quarter: int) -> tuple[int, int]:
    """The point a quarter's figure is read from: the quarter's last month, the quarter, or
    for an annual measure the year in Q4 and the previous year's value before then."""
    if frequency == MONTHLY:
        return year, 3 * quarter
    if frequency == QUARTERLY:
        return year, quarter
    return (year, 1) if quarter == 4 else (year - 1, 1)


def previous_point(frequency: str, year: int, point: int) -> tuple[int, int]:
    if point > 1:
        return year, point - 1
    return year - 1, points_in_year(frequency)


def same_point_last_year(year: int, point: int) -> tuple[int, int]:
    return year - 1, point


def calendar_month(year: int, point: int) -> tuple[int, int]:
    """A monthly point as (calendar year, month): point 1 of 2023/24 is April 2023."""
    month = (point + 2) % 12 + 1
    return (year if point <= 9 else year + 1), month


def point_end(frequency: str, year: int, point: int) -> dt.date:
    """The last day a point covers."""
    if frequency == MONTHLY:
        cal_year, month = calendar_month(year, point)
    elif frequency == QUARTERLY:
        cal_year, month = calendar_month(year, 3 * point)
    else:
        cal_year, month = year + 1, 3
    following = dt.date(cal_year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def point_label(frequency: str, year: int, point: int) -> str:
    """As written on screen: "April 2023", "Q3 2023/24", "2023/24"."""
    if frequency == MONTHLY:
        cal_year, month = calendar_month(year, point)
        return f"{dt.date(cal_year, month, 1):%B %Y}"
    if frequency == QUARTERLY:
        return f"Q{point} {year_label(year)}"
    return year_label(year)


def point_code(frequency: str, year: int, point: int) -> str:
    """As written in files and URLs: "2023-04", "2023-24-Q3", "2023-24"."""
    if frequency == MONTHLY:
        cal_year, month = calendar_month(year, point)
        return f"{cal_year}-{month:02d}"
    if frequency == QUARTERLY:
        return period_code(year, point)
    return f"{year}-{(year + 1) % 100:02d}"


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$")
_MONTH_NAMES = {
    name: number
    for number in range(1, 13)
    for name in (
        dt.date(2000, number, 1).strftime("%B").casefold(),
        dt.date(2000, number, 1).strftime("%b").casefold(),
    )
}
_NAMED_MONTH = re.compile(r"^([A-Za-z]+)[\s\-/]+(\d{2}|\d{4})$")
# A calendar quarter as statistics publishers write it ("2023 Q1" is January to March 2023).
_CALENDAR_QUARTER = re.compile(r"^(\d{4})\s*[-/ ]?\s*Q([1-4])$|^Q([1-4])\s*[-/ ]?\s*(\d{4})$", re.I)
# Forms published data uses that name no single point of a financial year: a calendar year
# ("2022") and a range of years ("2020 - 22", Fingertips' three-year pooled figures).
_CALENDAR_YEAR = re.compile(r"^\d{4}$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*-\s*(\d{2}|\d{4})$")


def point_of_month(cal_year: int, month: int) -> tuple[int, int]:
    """(financial year, monthly point) of a calendar month."""
    return (cal_year if month >= 4 else cal_year - 1), (month - 4) % 12 + 1


def parse_point(text: str, frequency: str) -> tuple[int, int]:
    """A point as written in a file or typed: "2023-04", "Apr 2023", "April-23" (months);
    "2023-24-Q3", "Q3 2023/24", "2023 Q1" (a calendar quarter) (quarters); "2023-24",
    "2023/24" (years); a calendar year ("2022") or a range ("2020 - 22") is refused. A finer
    point is read as the point it falls in when the indicator is coarser (a quarter's last
    month is its quarter). ValueError with a message a user can act on."""
    cleaned = " ".join(str(text or "").split())
    # "2010-11" is both November 2010 and the year 2010/11 (as point_code writes years up
    # to 2011/12): for an annual indicator it is the year.
    if frequency == ANNUAL and (year := _year_of(cleaned)) is not None:
        return year, 1
    month = _month_of(cleaned)
    if month is not None:
        year, monthly = point_of_month(*month)
        if frequency == MONTHLY:
            return year, monthly
        if frequency == QUARTERLY and monthly % 3 == 0:
            return year, monthly // 3
        if frequency == ANNUAL and monthly == 12:
            return year, 1
        raise ValueError(f"{text!r} is a month: this indicator is {frequency}")
    try:
        year, quarter = _quarter_of(cleaned)
    except ValueError:
        pass
    else:
        if frequency == QUARTERLY:
            return year, quarter
        if frequency == ANNUAL and quarter == 4:
            return year, 1
        raise ValueError(f"{text!r} is a quarter: this indicator is {frequency}")
    if _year_of(cleaned) is not None:
        raise ValueError(f"{text!r} is a year: this indicator is {frequency}")
    _refuse_unpointed(cleaned, text)
    raise ValueError(
        f"{text!r} is not a month, quarter or year: write a month like 2023-04 or Apr 2023, "
        "a quarter like 2023-24-Q3 and a year like 2023/24"
    )


def _quarter_of(cleaned: str) -> tuple[int, int]:
    """A financial quarter ("Q3 2023/24"), or a calendar quarter ("2023 Q1", January to
    March 2023, which is Q4 of 2022/23) read as the financial quarter it is."""
    match = _CALENDAR_QUARTER.match(cleaned)
    if match:
        cal_year = int(match[1] or match[4])
        quarter = int(match[2] or match[3])
        return (cal_year - 1, 4) if quarter == 1 else (cal_year, quarter - 1)
    return parse_period_code(cleaned)


def _refuse_unpointed(cleaned: str, text: str) -> None:
    """A calendar year or a range of years is never guessed into a financial year: the
    figure covers other months than any point of the plan."""
    if _CALENDAR_YEAR.match(cleaned):
        raise ValueError(
            f"{text!r} is a calendar year (January to December), not a financial year: "
            "it is not read as either of the financial years it overlaps"
        )
    match = _YEAR_RANGE.match(cleaned)
    if match:
        raise ValueError(f"{text!r} is a range of years (a figure pooled over several years)")


def _year_of(text: str) -> int | None:
    """The first year of a financial year written "2023-24", "2023/24" or "2023/2024"."""
    match = _YEAR.match(text)
    if match:
        year, second = int(match[1]), match[2]
        if int(second) == (year + 1 if len(second) == 4 else (year + 1) % 100):
            return year
    return None


def _month_of(text: str) -> tuple[int, int] | None:
    match = _MONTH.match(text)
    if match and 1 <= int(match[2]) <= 12:
        return int(match[1]), int(match[2])
    match = _NAMED_MONTH.match(text)
    if match and match[1].casefold() in _MONTH_NAMES:
        year = int(match[2]) if len(match[2]) == 4 else 2000 + int(match[2])
        return year, _MONTH_NAMES[match[1].casefold()]
    return None
