"""How periods are written: "2023-24-Q3" in commands and URLs, "6 December 2026" in messages."""

from __future__ import annotations

import datetime as dt
import re


def long_date(day: dt.date) -> str:
    """6 December 2026: how dates are written in messages, logs and emails."""
    return f"{day.day} {day:%B %Y}"


PERIOD_CODE = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$")


def parse_period_code(code: str) -> tuple[int, int]:
    """ "2023-24-Q3" -> (2023, 3). Raises ValueError with a message a user can act on."""
    match = PERIOD_CODE.match((code or "").strip().upper())
    if not match:
        raise ValueError(f"{code!r} is not a quarter: write it like 2023-24-Q3")
    year, next_year, quarter = int(match.group(1)), int(match.group(2)), int(match.group(3))
    if (year + 1) % 100 != next_year:
        raise ValueError(f"{code!r}: {year}-{next_year:02d} is not a financial year")
    return year, quarter
