"""What a column's values look like: statuses, percentages, dates, references or text.

The reader judges a column from at most its first SAMPLE_ROWS values, so a large file is
read as fast as a small one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from deliverables.tracker.meanings import fold
from plans.refs import clean_text

STATUS_WORDS = {
    *("on track", "on target", "ahead", "ahead of schedule", "complete", "completed", "done"),
    *("achieved", "closed", "delayed", "at risk", "off track", "off target", "behind"),
    *("behind schedule", "slippage", "minor slippage", "some slippage", "major slippage"),
    *("medium issue slippage", "significant issues risks slippage", "not started"),
    *("not yet started", "no update", "no update available", "in progress", "on hold"),
    *("paused", "cancelled", "withdrawn", "superseded", "green", "amber", "red", "blue"),
    *("grey", "gray", "amber green", "green amber", "amber red", "red amber", "g", "a", "r"),
    *("b", "ag", "ga", "ar", "ra", "rag", "not due", "overdue", "late", "yellow", "black"),
}
_PERCENT = re.compile(r"^-?\d{1,3}(\.\d+)?\s*%$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_MONTHS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE_TEXT = re.compile(
    r"^(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}.*|(\d{1,2}(st|nd|rd|th)? )?"
    rf"{_MONTHS}[ -]\d{{2,4}}|((early|mid|late|end( of)?) )?(spring|summer|autumn|winter"
    rf"|{_MONTHS}) \d{{4}}|q[1-4] \d{{4}}.*|(quarter [1-4]|q[1-4]) (of )?(20)?\d\d.*)$",
    re.I,
)
_DATE_NOTES = {"tbc", "tbd", "ongoing", "n/a", "na", "to be confirmed", "various"}
_LETTER = r"[^\W\d_]"  # any alphabet's letter: a Cyrillic look-alike too
_REF_VALUE = re.compile(
    rf"^{_LETTER}{{1,5}}[ .-]?\d{{1,4}}([.-]\d{{1,3}})*{_LETTER}?$|^\d{{1,3}}(\.\d{{1,3}}){{1,3}}$"
)
SAMPLE_ROWS = 50
KIND_WORDS = {
    "status": "statuses",
    "percent": "percentages",
    "numbers": "numbers from 0 to 100",
    "dates": "dates",
    "refs": "references",
}


def value_kind_of(value: object) -> str:
    """One value's kind: status, percent, number, serial, date, datenote, ref, long, text."""
    if isinstance(value, bool):
        return "text"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, int | float):
        if 0 <= value <= 100:
            return "number"
        return "serial" if 10_958 <= value <= 73_051 else "text"  # 1930 to 2100
    text = clean_text(value)
    folded = fold(text)
    if folded in STATUS_WORDS:
        return "status"
    if _PERCENT.match(text):
        return "percent"
    if _NUMBER.match(text):
        return value_kind_of(float(text))
    if _DATE_TEXT.match(text):
        return "date"
    if folded in _DATE_NOTES:
        return "datenote"
    if _REF_VALUE.match(text):
        return "ref"
    return "long" if len(text) > 60 else "text"


def column_kind(values: list) -> str:
    """What a column's values are: status, percent, numbers, dates, refs, long text, text,
    or empty."""
    if not values:
        return "empty"
    kinds = Counter(value_kind_of(v) for v in values)
    total = len(values)
    distinct = len({fold(clean_text(v)) for v in values})
    if kinds["status"] >= 0.9 * total and distinct <= 12:
        return "status"
    if kinds["percent"] and kinds["percent"] + kinds["number"] == total:
        return "percent"
    if kinds["number"] == total:
        return "numbers"
    if (
        kinds["date"] + kinds["serial"]
        and kinds["date"] + kinds["serial"] + kinds["datenote"] == total
    ):
        return "dates"
    if kinds["ref"] and kinds["ref"] + kinds["number"] >= 0.9 * total:
        return "refs"
    return "long text" if kinds["long"] * 2 >= total else "text"


def sample_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(value)
    return text if len(text) <= 40 else text[:39].rstrip() + "…"
