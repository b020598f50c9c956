"""Text search: the one place that turns typed words into a filter, for every page that searches.

On PostgreSQL the words are also matched as English full text (to_tsvector/websearch_to_tsquery
with the 'english' configuration), so "improving" finds "improve" and "schools" finds "school";
migration 0017_search_index adds GIN indexes on the same expressions for the action's title
and an update's commentary. On SQLite, which has no full-text configuration to stem with, the
words are matched as they are typed (case-insensitive containment), as the app always did.

Containment is kept on PostgreSQL too: a reference or the start of a word ("admin") still finds
what it found before, so full text only ever adds matches. Whose commentary may be searched is
not decided here: callers pass a field that already holds only what the reader may read
(deliverables.rules.with_statuses(..., commentary=True) gives `commentary_now`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q

from plans.refs import normalise_ref

CONFIG = "english"


def full_text() -> bool:
    """Whether this database stems words (PostgreSQL) or matches them as typed (SQLite)."""
    return connection.vendor == "postgresql"


def text_q(words: str, fields: Iterable[str]) -> Q:
    """Rows where any of `fields` contains `words`, or (PostgreSQL) matches them as English
    full text. An empty search matches everything."""
    words = words.strip()
    fields = list(fields)
    if not words:
        return Q()
    condition = Q(pk__in=[])
    for name in fields:
        condition |= Q(**{f"{name}__icontains": words})
    if full_text():
        # Imported here: django.contrib.postgres needs psycopg, which SQLite installs lack.
        from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact

        query = SearchQuery(words, config=CONFIG, search_type="websearch")
        for name in fields:
            # One vector per field, the expression the GIN index is built on, so PostgreSQL can
            # use the index where it helps instead of computing every row's vector.
            condition |= Q(SearchVectorExact(SearchVector(name, config=CONFIG), query))
    return condition


def reference_q(words: str, field: str = "ref") -> Q:
    """A reference however it was typed: "ch 9", "CH9", or CH9 in look-alike Cyrillic."""
    words = words.strip()
    condition = Q(**{f"{field}__icontains": words}) if words else Q(pk__in=[])
    folded = normalise_ref(words)
    if folded:
        condition |= Q(**{f"{field}_normalised": folded})
    return condition


def action_search_q(words: str, *, commentary: str | None = None) -> Q:
    """Actions by reference, title or (when given: a field holding only what the reader may
    read) commentary."""
    if not words.strip():
        return Q()
    fields = ["title", commentary] if commentary else ["title"]
    return reference_q(words) | text_q(words, fields)
