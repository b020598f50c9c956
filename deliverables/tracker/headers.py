"""Which rows of a sheet are its header rows, and what each column under them means.

A header row has short texts naming at least an action (or its reference) and its progress
(status, commentary, stage or percent complete), or an action and two other known columns,
or columns the confirmed mapping names. The columns are then judged with the values in the
first rows below (columns.py), and the header becomes a Layout.
"""

from __future__ import annotations

from deliverables.tracker.column_values import SAMPLE_ROWS
from deliverables.tracker.columns import guess_columns, header_texts, keys_for, quick_meanings
from deliverables.tracker.meanings import IGNORE, Mapping, quarter_meaning
from deliverables.tracker.noise import is_units, noise_reason
from deliverables.tracker.rows import Layout
from plans.formulae import unescape_formula
from plans.refs import clean_text
from plans.workbook import Cell

ACTION_ROLES = {"action", "action_ref"}
PROGRESS_ROLES = {"status", "commentary", "stage", "percent_complete"}
_HEADER_CELL_MAX = 80


def could_be_header(cells: list[Cell]) -> bool:
    """Cheap first look: a header has two or more short text cells and no long ones."""
    short = 0
    for cell in cells:
        value = cell.value
        if value is None or value == "":
            continue
        if not isinstance(value, str) or len(value) > _HEADER_CELL_MAX:
            return False
        short += 1
    return short >= 2


def _names_a_tracker(texts: list[str], keys: list[str], mapping: Mapping) -> bool:
    meanings = set(quick_meanings(texts, keys, mapping)) - {IGNORE}
    plain = {quarter_meaning(m)[1] if quarter_meaning(m) else m for m in meanings}
    mapped = sum(key in mapping.columns for key in keys)
    if not plain & ACTION_ROLES:
        return False
    return bool(plain & PROGRESS_ROLES or len(meanings) >= 3 or mapped >= 2)


def header_row(cells: list[Cell], group: list[Cell] | None, mapping: Mapping):
    """(header texts, keys) if this row reads as a tracker header, else None. `group` is the
    row just above, which may hold quarter group headings: they only add their quarter to a
    row that reads as a header by itself (or whose grouped headers the mapping names)."""
    if not could_be_header(cells) or is_units(distinct([clean_text(c.value) for c in cells])):
        return None
    own = header_texts(cells, None)
    by_itself = _names_a_tracker(own, keys_for(own), mapping)
    if not by_itself and not (group and mapping.columns):
        return None
    texts = header_texts(cells, group) if group else own
    keys = keys_for(texts)
    if by_itself:
        return texts, keys
    grouped_mapped = texts != own and sum(k in mapping.columns for k in keys) >= 2
    if grouped_mapped and _names_a_tracker(texts, keys, mapping):
        return texts, keys
    return None


def samples_below(lines: list, start: int) -> list[list]:
    """Each column's values in the first data-like rows below a header."""
    columns: list[list] = []
    taken = 0
    header = [clean_text(c.value) for c in lines[start - 1][1]]
    for _, cells in lines[start:]:
        if taken >= SAMPLE_ROWS:
            break
        values = [unescape_formula(c.value) for c in cells]
        texts = [clean_text(v) for v in values]
        shown = distinct(texts)
        if len(shown) < 2 or texts == header or noise_reason(shown, None, "", ""):
            continue  # blank rows, headings, noise and the header repeated say nothing
        taken += 1
        columns.extend([] for _ in range(len(values) - len(columns)))
        for index, value in enumerate(values):
            if clean_text(value):
                columns[index].append(value)
    return columns


def build_layout(sheet: str, number: int, texts, keys, samples, mapping: Mapping) -> Layout:
    width = max(len(texts), len(samples))
    texts = texts + [""] * (width - len(texts))
    keys = keys + keys_for(texts)[len(keys) :]
    guesses = [
        g
        for g in guess_columns(sheet, texts, keys, samples, mapping)
        if g.header or g.samples  # a column with no header and no values is not a column
    ]
    layout = Layout(columns={}, header_row=number, guesses=guesses)
    for guess in guesses:
        if guess.meaning == IGNORE:
            continue
        quarter = quarter_meaning(guess.meaning)
        if quarter:
            layout.quarters.setdefault(quarter[0], {})[quarter[1]] = guess.index
        else:
            layout.columns[guess.meaning] = guess.index
            layout.headers[guess.meaning] = guess.header
    if len(layout.quarters) == 1:
        layout.quarter_hint = next(iter(layout.quarters))
    return layout


def cleaned(cells: list[Cell]) -> list[str]:
    """Each cell's text, cleaned, a formula escape read back off ("'=A1" is "=A1")."""
    texts = []
    for cell in cells:
        value = cell.value
        if value is None:
            texts.append("")
            continue
        text = clean_text(value)
        texts.append(clean_text(unescape_formula(value)) if text[:1] == "'" else text)
    return texts


def distinct(clean: list[str]) -> list[str]:
    return [t for t in dict.fromkeys(clean) if t]
