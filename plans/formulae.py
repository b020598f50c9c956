"""Spreadsheet formula injection: text that a spreadsheet would run as a formula.

A cell whose text begins with = + - @ (or a tab or carriage return, which some programs
strip before looking) can be executed by Excel or LibreOffice when an export is opened. Every
CSV and XLSX this service writes passes text through `escape_formula`, which puts a single
quote in front; the importer reads such a quote back off, so an export imports back as it was.
"""

from __future__ import annotations

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: object) -> object:
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


def unescape_formula(value: object) -> object:
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(DANGEROUS_STARTS):
        return value[1:]
    return value
