"""Writes to the plan's structure: deliverables placed under the themes whose aspirations they
restate."""

from __future__ import annotations

import difflib

from django.db import transaction

from deliverables.models import (
    Deliverable,
)
from plans.models import (
    Plan,
    Theme,
)
from plans.refs import normalise_title

# How much of the shorter text must match for a deliverable to take an aspiration's theme.
# Lower than this the matcher guesses wrong about as often as right (see the commit message).
THEME_MATCH_THRESHOLD = 0.85


def _containment(a: list[str], b: list[str]) -> float:
    """Share of the shorter word list found, in order, in the longer one."""
    if not a or not b:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matched / min(len(a), len(b))


@transaction.atomic
def deliverables_place_in_themes(
    plan: Plan, aspirations: dict[tuple[str, str | None], list[str]]
) -> int:
    """Put each deliverable with no theme under the theme whose aspiration it restates.

    `aspirations` maps (outcome name, theme name) to that theme's "We will" texts. A
    deliverable moves only when its text closely restates one aspiration of its own outcome;
    the rest stay straight under the outcome. Returns how many deliverables moved.
    """
    themes = {
        (t.outcome.name, t.name): t
        for t in Theme.objects.filter(outcome__plan=plan).select_related("outcome")
    }
    by_outcome: dict[str, list[tuple[Theme | None, list[str]]]] = {}
    for (outcome_name, theme_name), texts in aspirations.items():
        # Aspirations with no theme still compete, so a deliverable restating one stays put.
        theme = themes.get((outcome_name, theme_name))
        by_outcome.setdefault(outcome_name, []).extend(
            (theme, normalise_title(t).split()) for t in texts
        )
    moved = []
    for deliverable in Deliverable.objects.filter(
        outcome__plan=plan, theme__isnull=True
    ).select_related("outcome"):
        text = normalise_title(deliverable.title).split()
        scored = [
            (_containment(text, aspiration), theme)
            for theme, aspiration in by_outcome.get(deliverable.outcome.name, [])
        ]
        if not scored:
            continue
        score, theme = max(scored, key=lambda pair: pair[0])
        if theme is not None and score >= THEME_MATCH_THRESHOLD:
            deliverable.theme = theme
            moved.append(deliverable)
    Deliverable.objects.bulk_update(moved, ["theme"])
    return len(moved)
