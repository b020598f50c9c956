"""Rows of a tracker that are not data: totals and counts, colour keys and legends, units,
blank drop-downs ("Select from list"), instructions. Each is skipped with the reason the
preview shows. A row whose action or reference cell holds real text is never noise.
"""

from __future__ import annotations

import re

from deliverables.tracker.column_values import STATUS_WORDS
from deliverables.tracker.meanings import fold

_TOTAL = re.compile(
    r"^(grand |sub ?|overall |running )?totals?$|^totals? (number of |no of |count of )?"
    r"(actions?|deliverables?|rows?|items?|for\b.*)$|^number of actions$"
)
_KEY = re.compile(r"^((colou?r|rag|status) )?(key|legend)\b")
_SELECT = re.compile(
    r"^(please )?(select|choose)( an?)?( (item|option|one|status|value))?( from (the )?"
    r"(list|drop ?down( list)?|menu))?$|^please (select|choose)\b"
)
_INSTRUCTION = re.compile(
    r"^(please\b|guidance\b|instructions?\b|notes?:|n\.?b\.?[: ]|how to\b|fill in\b|do not\b"
    r"|don't\b|this (sheet|tab|column|workbook)\b|tip:|help:)",
    re.I,
)
_COLOURS = r"(dark |light )?(green|amber|red|blue|grey|gray|yellow|orange|purple|black|white)"
_COLOUR = re.compile(rf"^{_COLOURS}$")
_LEGEND_SPLIT = re.compile(r"\s*(?:=|:|\u2013|-|\bmeans\b)\s*")
_UNIT = re.compile(
    r"^\(?\s*(%|£\s*(000s?|k|m)?|no\.?|nos\.?|number|numbers|count|days?|weeks?|months?|years?"
    r"|hours?|dates?|dd/mm/yy(yy)?|y/n|yes/no|text|free text|units?|rate|ratio|rag)\s*\)?$",
    re.I,
)
# "(text)", "(name)", "(G/A/R/B)", "(max 100 words)": a short note in brackets under a header.
_BRACKETED = re.compile(r"^\([^()]{1,30}\)$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?%?$")
_TEXT_MAX = 60  # a totals or key label is short; longer text is read as data


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and bool(_NUMBER.match(value.strip()))


def _colour_or_status(folded: str) -> bool:
    return folded in STATUS_WORDS or bool(_COLOUR.match(folded))


def _legend_item(text: str) -> bool:
    """A colour or status word alone, or one explained: "Green = On track", "R - Off track"."""
    if _colour_or_status(fold(text)):
        return True
    parts = _LEGEND_SPLIT.split(text, maxsplit=1)
    return len(parts) == 2 and bool(parts[1]) and _colour_or_status(fold(parts[0]))


def _marker(text: str) -> bool:
    """Text that marks a row as noise wherever it sits: a total, a key, a blank drop-down, an
    instruction, a unit, or a status word alone."""
    folded = fold(text)
    return bool(
        _TOTAL.search(folded)
        or _KEY.match(folded)
        or _SELECT.match(folded)
        or _INSTRUCTION.match(text)
        or _UNIT.match(text)
        or _legend_item(text)
    )


def is_real(text: str) -> bool:
    """An action or reference cell with real text: not empty, not a number, no noise marker."""
    return bool(text) and not _is_number(text) and not (len(text) <= _TEXT_MAX and _marker(text))


def noise_reason(texts: list[str], action: object, action_text: str, ref_text: str) -> str | None:
    """Why a row is noise, or None when it is data. `texts` are the row's distinct non-empty
    cell texts in order; `action` the action cell's value and `action_text` its text;
    `ref_text` the action reference's text."""
    if len(texts) == 1 and _INSTRUCTION.match(texts[0]):
        # One text alone on the row (often merged across it): never data, whatever its length.
        return "an instruction row"
    if _TOTAL.search(fold(texts[0])):  # "Total | 5 actions | ...": the first cell says so
        return "a totals row"
    if is_real(action_text) or is_real(ref_text):
        return None
    short = [t for t in texts if len(t) <= _TEXT_MAX]
    if any(_TOTAL.search(fold(t)) for t in short):
        return "a totals row"
    if action is not None and _is_number(action):
        return "a count row: the action column holds a number"
    select = next((t for t in short if _SELECT.match(fold(t))), None)
    if select is not None:
        return f"a blank drop-down ('{select}')"
    if (
        _KEY.match(fold(texts[0]))
        or all(_legend_item(t) for t in texts)
        or (len(texts) == 2 and _legend_item(texts[0]))  # "Green | On track, no issues"
    ):
        return "a colour key or legend"
    if is_units(texts):
        return "a units row"
    if _INSTRUCTION.match(texts[0]) and len(texts) <= 2:  # a data row has its status too
        return "an instruction row"
    return None


def is_units(texts: list[str]) -> bool:
    """A row naming each column's unit or format ("No.", "%", "Text", "RAG"): not a header."""
    return all(_UNIT.match(t) or _BRACKETED.match(t) for t in texts)


def is_instruction(texts: list[str]) -> bool:
    """A row above the header that tells the reader what to do, or a colour key: never a
    heading that names an outcome."""
    return bool(_INSTRUCTION.match(texts[0]) or _KEY.match(fold(texts[0])))
