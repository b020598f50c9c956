"""A new plan from a workbook: the plan, its level names and its status scale, proposed from
what the file says, for the administrator to confirm.

The proposal is a plan spec in the shape plans.services.plan_sync takes (the shape of
fixtures/sandwell/*.json), so the plan is built by the same code as Sandwell's own. Nothing
is written by proposing: the preview builds the plan inside a transaction it rolls back, and
confirming builds it again, for good, in the import's own transaction.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from deliverables.tracker.layout import ReadResult
from plans.models import Plan, parse_period_code
from plans.services import plan_sync
from plans.statuses import Rag, status_key

NAME_MAX = 200
LABEL_MAX = 60
STATUSES_MAX = 12  # more distinct words than this is not a status column

# Level labels, from the header of the column mapped to each level.
LEVELS = {
    "outcome": "outcome_label",
    "theme": "theme_label",
    "deliverable": "deliverable_label",
    "action": "action_label",
}
DEFAULT_LABELS = {
    "outcome_label": "Outcome",
    "theme_label": "Theme",
    "deliverable_label": "Deliverable",
    "action_label": "Action",
}

# How a status word reads, first match wins; the colour is used when no cell is filled.
_RAG_WORDS: list[tuple[str, str, str]] = [
    (Rag.BLUE, "#1D70B8", r"\b(complete|completed|done|closed|achieved|delivered|finished)\b"),
    (Rag.GREY, "#B1B4B6", r"\b(not started|not yet started|no update|on hold|deferred|n/?a)\b"),
    (Rag.RED, "#D4351C", r"\b(red|off track|significant|major|critical|behind|overdue)\b"),
    (Rag.AMBER, "#FFDD00", r"\b(amber|some|minor|slippage|at risk|delay|delayed|issues?)\b"),
    (Rag.GREEN, "#00703C", r"\b(green|on track|on target|good|progressing|in progress)\b"),
]
_ORDER = [Rag.GREEN, Rag.AMBER, Rag.RED, Rag.BLUE, Rag.GREY]
NO_UPDATE_LABEL = "No Update"


class PlanProposalError(ValueError):
    """The plan cannot be made as asked (a name taken, a file with no status words)."""


def rag_of(word: str) -> tuple[str, str]:
    """(RAG category, default colour) a status word reads as; grey when it says nothing."""
    folded = word.casefold()
    # A negated or partial word is not its opposite: "Not achieved", "Not on track" are red,
    # "Partially achieved", "Not complete", "Incomplete" amber.
    if re.search(
        r"\b(partially|partly|incomplete|not (yet )?(complete|completed|finished))\b", folded
    ):
        return Rag.AMBER, "#FFDD00"
    if re.search(r"\bnot (on track|on target|achieved|met|delivered|done)\b", folded):
        return Rag.RED, "#D4351C"
    for rag, colour, pattern in _RAG_WORDS:
        if re.search(pattern, folded):
            return rag, colour
    return Rag.GREY, "#B1B4B6"


def _status_words(read: ReadResult) -> dict[str, tuple[str, Counter]]:
    """Distinct status words (folded) -> (the spelling seen most, fills seen with it)."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    fills: dict[str, Counter] = defaultdict(Counter)
    for row in read.rows:
        values = [(row.status, row.status_fill)]
        values += [(q.status, q.status_fill) for q in row.by_quarter.values()]
        for text, fill in values:
            text = (text or "").strip()
            if not text or len(text) > 80:
                continue
            key = status_key(text)
            spellings[key][text] += 1
            if fill:
                fills[key][fill] += 1
    return {key: (seen.most_common(1)[0][0], fills[key]) for key, seen in spellings.items()}


def _labels(read: ReadResult) -> dict[str, str]:
    labels = dict(DEFAULT_LABELS)
    for column in read.columns:
        field = LEVELS.get(column.meaning)
        if field and labels[field] == DEFAULT_LABELS[field] and column.header.strip():
            labels[field] = column.header.strip()[:LABEL_MAX]
    return labels


def _scale(read: ReadResult) -> list[dict]:
    words = _status_words(read)
    if len(words) > STATUSES_MAX:
        raise PlanProposalError(
            f"The status columns hold {len(words)} different words; a status scale has at most "
            f"{STATUSES_MAX}. Map the right column as the status, or choose an existing plan."
        )
    statuses = []
    for key, (label, fills) in words.items():
        rag, colour = rag_of(label)
        if fills:
            colour = fills.most_common(1)[0][0].upper()
        statuses.append(
            {
                "label": label[:80],
                "colour": colour,
                "rag": rag,
                "is_exception": rag == Rag.RED,
                "closes_action": rag == Rag.BLUE,
                "spellings": [],
                "key": key,
            }
        )
    statuses.sort(key=lambda s: (_ORDER.index(s["rag"]), s["label"].casefold()))
    no_update_key = status_key(NO_UPDATE_LABEL)
    if no_update_key not in words:
        statuses.append({"label": NO_UPDATE_LABEL, "colour": "#B1B4B6", "rag": Rag.GREY})
    no_update = next(s for s in statuses if status_key(s["label"]) == no_update_key)
    no_update["means_no_update"] = True
    no_update["requires_commentary"] = False
    for order, status in enumerate(statuses, start=1):
        status["order"] = order
        status.pop("key", None)
    return statuses


def propose_plan(read: ReadResult, name: str, period_code: str) -> dict:
    """The plan spec for a new plan called `name` from this file, reporting from the quarter
    the import is for. Raises PlanProposalError when it cannot be made."""
    name = " ".join(name.split())
    if not name:
        raise PlanProposalError("Enter a name for the new plan.")
    if len(name) > NAME_MAX:
        raise PlanProposalError(f"A plan's name has at most {NAME_MAX} characters.")
    slug = slugify(name)[:60].strip("-")
    if not slug:
        raise PlanProposalError("Give the plan a name with letters or numbers in it.")
    if plan_name_taken({"plan": {"name": name, "slug": slug}}):
        raise PlanProposalError(
            f"There is already a plan called {name}: choose it, or another name."
        )
    year, _quarter = parse_period_code(period_code)
    return {
        "plan": {
            "name": name,
            "slug": slug,
            "first_year": year,
            "last_year": year,
            "description": "",
            **_labels(read),
        },
        "scale": {"name": f"{name} statuses"[:100], "statuses": _scale(read)},
        "outcomes": [],
        "periods": [],
    }


@contextmanager
def proposed_plan(record) -> Iterator[Plan]:
    """The plan a new-plan import proposes (record.new_plan), made inside a transaction that
    is rolled back on leaving: the preview is worked out against the plan as it would be, and
    nothing of it stays. record.plan is the plan inside, None again after."""
    with transaction.atomic():
        record.plan = plan_sync(record.new_plan)[0]
        try:
            yield record.plan
        finally:
            transaction.set_rollback(True)
            record.plan = None


def plan_name_taken(spec: dict) -> bool:
    plan = spec["plan"]
    return Plan.objects.filter(Q(slug=plan["slug"]) | Q(name__iexact=plan["name"])).exists()
