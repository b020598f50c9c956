"""The register's deliverable and lead-officer filters: what a typed value means, and the few
suggestions offered as someone types (the JSON behind the autocomplete).

A county plan has about 1,700 deliverables and officers; sending them all as <option>s on every
register page was half its time and most of its weight. Instead the filter is a text box: a
number is a chosen deliverable's or officer's id (the links the dashboard and saved filters
already hold), words find every deliverable or officer they name. Only a plan's own
deliverables and the officers who lead its actions are ever found: what any reader of the
plan's register already sees in its rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.db.models.functions import Concat

from deliverables.models import Deliverable
from deliverables.search import reference_q, text_q
from plans.models import Plan, User
from plans.refs import normalise_ref

SUGGESTIONS = 10  # how many the autocomplete offers at most; typing more narrows them
LABEL_WIDTH = 90
FIELDS = ("deliverable", "lead_officer")


@dataclass(frozen=True)
class Picked:
    """What a typed filter value turned out to mean, for the page to say back."""

    text: str  # what the box shows: the chosen one's name, or the words as typed
    matches: int  # how many it found (up to 2: "one" or "several" is all the page needs)


def _short(text: str, width: int = LABEL_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _clean(value: str) -> str:
    """What was typed, without NUL characters (PostgreSQL's text refuses them)."""
    return value.replace("\x00", "")


def _by_id(value: str) -> int | None:
    value = value.strip()
    # isascii: other scripts' digits ("²") are isdigit() but not all are int()'s.
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


# -- deliverables --------------------------------------------------------------------------


def plan_deliverables(plan: Plan) -> QuerySet:
    return Deliverable.objects.filter(outcome__plan=plan)


def deliverables_matching(plan: Plan, words: str) -> QuerySet:
    """The plan's deliverables whose reference or title the words name."""
    words = words.strip()
    return plan_deliverables(plan).filter(reference_q(words) | text_q(words, ["title"]))


def deliverable_label(deliverable: Deliverable) -> str:
    return _short(str(deliverable))


# -- lead officers -------------------------------------------------------------------------


def plan_officers(plan: Plan) -> QuerySet:
    """Everyone who leads one of the plan's actions (as the old list of choices had it)."""
    return User.objects.filter(led_actions__plan=plan).distinct()


def officers_matching(plan: Plan, words: str) -> QuerySet:
    """The plan's lead officers whose name has every word typed."""
    condition = Q()
    for word in words.split()[:5]:
        condition &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            # A user name only where it is what pages show: an officer with no name.
            | Q(first_name="", last_name="", username__icontains=word)
        )
    return plan_officers(plan).filter(condition)


def officer_label(user: User) -> str:
    return _short(str(user))


# -- what the filters and the JSON share ---------------------------------------------------


def _all(plan: Plan, field: str) -> QuerySet:
    return plan_deliverables(plan) if field == "deliverable" else plan_officers(plan)


def _label(field: str, row) -> str:
    return deliverable_label(row) if field == "deliverable" else officer_label(row)


def matching(plan: Plan, field: str, words: str) -> QuerySet:
    return (deliverables_matching if field == "deliverable" else officers_matching)(plan, words)


def resolve(plan: Plan, field: str, value: str) -> tuple[QuerySet, Picked]:
    """What a filter value selects, and what to say back. A number is an id when the plan has
    one (older links and saved filters); otherwise, like any words, it names deliverables or
    officers. One query (two for a number that is no id of the plan's)."""
    value = _clean(value)
    pk = _by_id(value)
    if pk is not None:
        chosen = list(_all(plan, field).filter(pk=pk)[:1])
        if chosen:
            return _all(plan, field).filter(pk=pk), Picked(str(chosen[0]), 1)
    words = value.strip()
    # The box shows a chosen one's whole name, so a form sent again without script says it in
    # words: the one of that exact name, not every one sharing a word with it.
    alone = Q(ref="", title=words) if field == "deliverable" else Q(username=words)
    exact = (
        _all(plan, field).annotate(full_name=_full_name(field)).filter(Q(full_name=words) | alone)
    )
    if list(exact.values("pk")[:1]):
        return exact, Picked(words, 1)
    found = matching(plan, field, words)
    # The first two are enough to say "this one", "several" or "none".
    return found, Picked(words, len(found.order_by()[:2]))


def _full_name(field: str) -> Concat:
    """The name str() gives, in SQL: "B3 Title" for a deliverable, "First Last" for an officer."""
    if field == "deliverable":
        return Concat("ref", Value(" "), "title", output_field=CharField())
    return Concat("first_name", Value(" "), "last_name", output_field=CharField())


def _ordered(queryset: QuerySet, field: str, words: str) -> QuerySet:
    """Suggestions in a stable order: a deliverable whose reference is exactly what was typed
    first, then the plan's order; officers by surname."""
    if field == "lead_officer":
        return queryset.order_by("last_name", "first_name", "pk")
    folded = normalise_ref(words)
    if not folded:
        return queryset.order_by("outcome__order", "order", "pk")
    exact = Case(When(ref_normalised=folded, then=Value(0)), default=Value(1))
    return queryset.annotate(exact_ref=exact).order_by("exact_ref", "outcome__order", "order", "pk")


def suggestions(plan: Plan, field: str, words: str) -> tuple[list[dict], bool]:
    """At most SUGGESTIONS {value, label} for the words typed, and whether there are more:
    one query, however big the plan."""
    words = _clean(words).strip()[:100]
    if not words:
        return [], False
    rows = list(_ordered(matching(plan, field, words), field, words)[: SUGGESTIONS + 1])
    shown = [{"value": str(row.pk), "label": _label(field, row)} for row in rows[:SUGGESTIONS]]
    return shown, len(rows) > SUGGESTIONS
