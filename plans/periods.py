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
