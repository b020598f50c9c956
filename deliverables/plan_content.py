"""A plan's actions, milestones, recommendations and golden-thread links from a fixture spec
(fixtures/sandwell/improvement-plan-2022.json, childrens-services-2018-21.json), after
plans.services.plan_sync has made its frame. Idempotent as plan_sync is: rows are matched
(actions by ref, milestones by title within their action, recommendations by body and
reference) and changed only where the spec differs, so a second run writes nothing.

Dates stay as the council wrote them in the spec and are read here with the tracker's rule
(deliverables.tracker.dates.parse_date); words it cannot read as a date ("Complete",
"Early 2023", "Est. Dec 2022") give no date and are kept in the date note.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction

from deliverables.models import Action, ActionPlacement, Deliverable, Milestone
from deliverables.models.links import ActionContribution, Recommendation
from deliverables.tracker.dates import RANGE, UnreadableDate, parse_date
from plans.models import Directorate, Plan, Theme
from plans.refs import normalise_ref
from plans.services import SyncCounts, sync_row

# "by 22 Jun 2022", "Est. Dec 2022", "Aug 2022 and then quarterly": a date with words around
# it; the date is read and the words kept.
_AROUND = re.compile(r"^(?:by|est\.)\s+(.+)$|^(.+?)\s+and then .+$", re.I)


def read_written_date(text: str, *, end: bool) -> tuple[dt.date | None, str]:
    """(date or None, note) for a start (or with `end`, a due) date as written."""
    text = " ".join((text or "").split())
    if not text:
        return None, ""
    if match := RANGE.match(text):  # "Mar 2022 - Jun 2022": its start, or its end
        day, _ = read_written_date(match.group(2 if end else 1), end=end)
        return day, text
    try:
        return parse_date(text, end=end)
    except UnreadableDate:
        pass
    if match := _AROUND.match(text):
        day, _ = read_written_date(match.group(1) or match.group(2), end=end)
        return day, text
    return None, text


def _written_complete(milestone: dict) -> bool:
    """The plan wrote "Complete" where a date would be: done before the plan was approved,
    on a date it does not give (deliverables.milestones counts it complete)."""
    return any(
        " ".join(milestone.get(key, "").split()).lower() == "complete" for key in ("start", "due")
    )


def _dates(start_text: str, due_text: str) -> dict:
    start, start_note = read_written_date(start_text, end=False)
    due, due_note = read_written_date(due_text, end=True)
    if RANGE.match(" ".join(start_text.split())) and not due_text:
        due, _ = read_written_date(start_text, end=True)
    if start and due and due < start:
        due = None  # as the tracker importer does; the note keeps the words
        due_note = due_note or due_text
    parts = [("Start", start_note), ("Due", due_note)]
    note = "; ".join(f"{label}: {words}" for label, words in parts if words)
    return {"start_date": start, "due_date": due, "date_note": note[:200]}


@transaction.atomic
def plan_content_sync(plan: Plan, spec: dict) -> SyncCounts:
    counts = SyncCounts()
    directorates = {d.code: d for d in Directorate.objects.all()}
    themes = {(t.outcome.name, t.name): t for t in Theme.objects.filter(outcome__plan=plan)}
    recommendations = {
        (r["body"], r["reference"]): sync_row(
            Recommendation,
            counts,
            {"plan": plan, "body": r["body"], "reference": r["reference"]},
            {
                "source": r.get("source", ""),
                "text": r.get("text", ""),
                "order": position,
            },
        )
        for position, r in enumerate(spec.get("recommendations", []), start=1)
    }
    for position, action_spec in enumerate(spec.get("actions", []), start=1):
        action = _action_sync(plan, action_spec, directorates, counts)
        # Where the action is listed: [[outcome, theme], ...]; one place unless it is listed
        # under several (a Children's Services action under three priorities).
        for outcome_name, theme_name in action_spec.get("placements") or [
            (action_spec["theme"], action_spec["workstream"])
        ]:
            _placement_sync(action, themes[(outcome_name, theme_name)], position, counts)
        for order, milestone in enumerate(action_spec.get("milestones", []), start=1):
            sync_row(
                Milestone,
                counts,
                {"action": action, "title": milestone["title"]},
                {
                    "order": order,
                    **_dates(milestone.get("start", ""), milestone.get("due", "")),
                    "complete_as_written": _written_complete(milestone),
                },
            )
        linked = set(action.recommendations.values_list("pk", flat=True))
        for body, reference in action_spec.get("recommendations", []):
            recommendation = recommendations[(body, reference)]
            if recommendation.pk not in linked:
                recommendation.actions.add(action)
                counts.created["recommendation links"] += 1
    for link in spec.get("contributions", []):
        _contribution_sync(plan, link, counts)
    return counts


def _action_sync(plan: Plan, spec: dict, directorates: dict, counts: SyncCounts) -> Action:
    values = {
        "title": spec["title"],
        "description": spec.get("description", ""),
        "directorate": directorates.get(spec.get("directorate") or ""),
        "lead_role": spec.get("lead_role", "")[:200],
        "external_ref": spec.get("external_ref", "")[:200],
        **_dates(spec.get("start", ""), spec.get("due", "")),
    }
    action = Action.objects.filter(plan=plan, ref_normalised=normalise_ref(spec["ref"])).first()
    if action is None:
        counts.created["actions"] += 1
        return Action.objects.create(plan=plan, ref=spec["ref"], **values)
    changed = [name for name, value in values.items() if getattr(action, name) != value]
    if changed:
        for name in changed:
            setattr(action, name, values[name])
        action.save()  # save() keeps the derived ref columns true
        counts.updated["actions"] += 1
    return action


def _placement_sync(action: Action, theme: Theme, order: int, counts: SyncCounts) -> None:
    sync_row(
        ActionPlacement,
        counts,
        {"action": action, "theme": theme, "deliverable": None, "outcome": theme.outcome},
        {"order": order},
    )


def _contribution_sync(plan: Plan, link: dict, counts: SyncCounts) -> None:
    """A demo golden-thread link: this plan's action serves another plan's deliverable, named
    by its plan and the start of its title (the corporate plan's refs repeat)."""
    action = Action.objects.get(plan=plan, ref_normalised=normalise_ref(link["action"]))
    deliverable = Deliverable.objects.filter(
        outcome__plan__slug=link["plan"], title__startswith=link["deliverable_title"]
    ).first()
    if deliverable is None:  # that plan is not loaded here: nothing to link to
        return
    _, created = ActionContribution.objects.get_or_create(action=action, deliverable=deliverable)
    if created:
        counts.created["contributions"] += 1
