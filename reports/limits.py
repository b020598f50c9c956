"""How many report files (PDF, Word, spreadsheet) one person may have being made at once.

A PDF takes seconds of a worker's time; eight at once from one account held every other
user's pages for 4-9 s. Each render takes one of a person's few slots, kept in the shared
(database) cache so every worker and server sees them; a slot left by a worker that died
frees itself when it times out.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache

RENDERS_PER_USER = 2
# Longer than any render may run (gunicorn kills a worker after 30 s), so a live render is
# never counted out; short enough that a dead worker's slot is free again within a minute.
SLOT_SECONDS = 60


def _key(user, slot: int) -> str:
    return f"report-render:{user.pk}:{slot}"


@contextmanager
def render_slot(user) -> Iterator[bool]:
    """True, holding one of the user's slots until the block ends; False if all are taken."""
    for slot in range(RENDERS_PER_USER):
        key = _key(user, slot)
        if cache.add(key, 1, timeout=SLOT_SECONDS):  # atomic: only one request gets it
            try:
                yield True
            finally:
                cache.delete(key)
            return
    yield False
