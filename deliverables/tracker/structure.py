"""The structure an import creates: only what a written row needs, checked against what the
database accepts before anything is written, and listed with the rows it came from.

Rows are resolved one by one, so a row may create an outcome or a deliverable and then fail
(an action it cannot place, an update it may not write). New structure and changes to existing
structure are therefore kept only where a row that is imported uses them; everything else is
dropped before the preview is shown, and not counted. A value the database would refuse (too
long for its column, a name another outcome has, a due date before the start) is an error on
the rows that use it, shown in the preview, instead of a failure on confirm.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db import models

from deliverables.models import Action, Deliverable
from deliverables.tracker.preview import ImportPreview
from deliverables.tracker.text import short
from plans.models import StrategicOutcome, Theme

STRUCTURE_ROWS_KEPT = 50  # rows listed per new object; "row_count" says how many in all


def placement_key(action, outcome, theme, deliverable) -> tuple:
    """As Matcher.place keys a placement: a deliverable's placement names no theme."""
    theme = None if deliverable is not None else theme
    return (
        id(action),
        id(outcome),
        id(theme) if theme is not None else None,
        id(deliverable) if deliverable is not None else None,
    )


@dataclass
class RowUse:
    """What one row resolved to: the structure it names or creates, and its action."""

    sheet: str
    row: int
    outcome: StrategicOutcome | None
    theme: Theme | None
    deliverable: Deliverable | None
    action: Action | None = None

    def objects(self) -> list:
        """The row's objects and the parents a new one needs (an existing one's are saved)."""
        found = [self.outcome, self.theme, self.deliverable, self.action]
        if self.deliverable is not None and self.deliverable.pk is None:
            found += [self.deliverable.outcome, self.deliverable.theme]
        if self.theme is not None and self.theme.pk is None:
            found.append(self.theme.outcome)
        return [obj for obj in found if obj is not None]

    @property
    def placement(self) -> tuple | None:
        if self.action is None or self.outcome is None:
            return None
        return placement_key(self.action, self.outcome, self.theme, self.deliverable)


@cache
def _char_fields(model: type[models.Model]) -> list[tuple[str, str, int, str]]:
    return [
        (f.name, f.attname, f.max_length, str(f.verbose_name))
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField) and f.max_length
    ]


def field_problem(obj: models.Model, names: set[str] | None = None) -> str | None:
    """Why the database would refuse this object (or these fields of it), if it would."""
    for name, attname, max_length, verbose in _char_fields(type(obj)):
        if names is not None and name not in names:
            continue
        value = getattr(obj, attname)
        if isinstance(value, str) and len(value) > max_length:
            return (
                f"The {verbose} '{short(value)}' is {len(value)} characters long; at most "
                f"{max_length} fit. Shorten the cell, then import again."
            )
    dates = (getattr(obj, "start_date", None), getattr(obj, "due_date", None))
    if isinstance(obj, Action) and all(dates) and dates[1] < dates[0]:
        return (
            f"{obj.display_ref} would be due ({dates[1]:%d %b %Y}) before it starts "
            f"({dates[0]:%d %b %Y}). Correct the dates, then import again."
        )
    return None


def write_problems(preview: ImportPreview, matcher) -> dict[int, str]:
    """Objects the import would write that the database would refuse, by identity, with why."""
    problems: dict[int, str] = {}
    new = [
        *preview._new_outcomes,
        *preview._new_themes,
        *preview._new_deliverables,
        *preview._new_actions,
        *getattr(preview, "_new_milestones", []),
    ]
    for obj in new:
        if problem := field_problem(obj):
            problems[id(obj)] = problem
    for bucket in (preview._changed_deliverables, preview._changed_actions):
        for key, names in bucket.items():
            if problem := field_problem(preview._objects[key], names):
                problems.setdefault(key, problem)
    # Names the database keeps unique, in the order the plan and then the import has them:
    # the second of two is refused (two spellings the matcher told apart can store alike).
    label = matcher.plan.outcome_label.lower()
    seen: set = set()
    for outcome in matcher.outcomes:
        if outcome.pk is None and outcome.name in seen:
            problems.setdefault(
                id(outcome),
                f"Another {label} is already called '{short(outcome.name)}': "
                "write its name the same way on every row.",
            )
        seen.add(outcome.name)
    seen = set()
    for theme in matcher.themes.values():
        key = (_parent(theme), theme.name)
        if theme.pk is None and key in seen:
            problems.setdefault(
                id(theme),
                f"Another theme of the same {label} is already called "
                f"'{short(theme.name)}': write its name the same way on every row.",
            )
        seen.add(key)
    return problems


def _parent(theme: Theme) -> tuple:
    return ("pk", theme.outcome_id) if theme.outcome_id else ("new", id(theme.outcome))


def prune(preview: ImportPreview, kept: list[RowUse]) -> set[int]:
    """Keep only the new and changed structure that imported rows use; recount it.
    Returns the identities of the objects kept in use."""
    needed = {id(obj) for use in kept for obj in use.objects()}
    placements = {use.placement for use in kept}
    dropped = [o for o in preview._new_outcomes if id(o) not in needed]
    preview._new_outcomes = [o for o in preview._new_outcomes if id(o) in needed]
    preview._new_themes = [t for t in preview._new_themes if id(t) in needed]
    preview._new_deliverables = [d for d in preview._new_deliverables if id(d) in needed]
    preview._new_actions = [a for a in preview._new_actions if id(a) in needed]
    if hasattr(preview, "_new_milestones"):
        preview._new_milestones = [m for m in preview._new_milestones if id(m.action) in needed]
    preview._new_placements = [
        p
        for p in preview._new_placements
        if placement_key(p.action, p.outcome, p.theme, p.deliverable) in placements
    ]
    for bucket in (preview._changed_deliverables, preview._changed_actions):
        for key in [key for key in bucket if key not in needed]:
            del bucket[key]
    preview.created["outcomes"] = len(preview._new_outcomes)
    preview.created["deliverables"] = len(preview._new_deliverables)
    preview.created["actions"] = len(preview._new_actions)
    preview.updated["deliverables"] = len(preview._changed_deliverables)
    preview.updated["actions"] = len(preview._changed_actions)
    preview.links_created = len(preview._new_placements)
    if dropped:  # the matcher announced them as it made them
        gone = [f"'{o.name}' will be created" for o in dropped]
        preview.warnings = [w for w in preview.warnings if not any(g in w.message for g in gone)]
    return needed


def listing(preview: ImportPreview, kept: list[RowUse], first_seen: dict) -> dict:
    """Every object the import would create, with the rows it came from."""
    new = {
        id(obj)
        for obj in (
            *preview._new_outcomes,
            *preview._new_themes,
            *preview._new_deliverables,
            *preview._new_actions,
        )
    }
    rows: dict[int, list[list]] = {}
    counts: dict[int, int] = {}
    for use in kept:
        # A new object's parents are the row's own outcome and theme: no need to climb.
        for obj in {id(use.outcome), id(use.theme), id(use.deliverable), id(use.action)} & new:
            counts[obj] = counts.get(obj, 0) + 1
            if counts[obj] <= STRUCTURE_ROWS_KEPT:
                rows.setdefault(obj, []).append([use.sheet, use.row])

    def where(obj) -> dict:
        if id(obj) in rows:
            return {"rows": rows[id(obj)], "row_count": counts[id(obj)]}
        seen = first_seen.get(id(obj))
        return {"rows": [list(seen)] if seen else [], "row_count": 1 if seen else 0}

    milestones = getattr(preview, "_new_milestones", [])
    return {
        "outcomes": [{"name": o.name, **where(o)} for o in preview._new_outcomes],
        "themes": [
            {"name": t.name, "outcome": t.outcome.name, **where(t)} for t in preview._new_themes
        ],
        "deliverables": [
            {"ref": d.ref, "title": d.title, "outcome": d.outcome.name, **where(d)}
            for d in preview._new_deliverables
        ],
        "actions": [{"ref": a.ref, "title": a.title, **where(a)} for a in preview._new_actions],
        "milestones": [
            {
                "action": m.action.display_ref,
                "title": m.title,
                **(where(m) if id(m) in first_seen else where(m.action)),
            }
            for m in milestones
        ],
    }
