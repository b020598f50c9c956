"""Open data: the rows of a published period's files, as everyone reads them.

Every figure comes from the modules that own it: the actions and their statuses from the
register's query (reports.selectors.register_actions) read by public.rules.PUBLIC_READER,
the totals from the plan page's own count (deliverables.selectors.plan_overview), movement from
deliverables.rules.movement_of and the indicators from
deliverables.indicators.readings.quarter_readings. Nothing here counts or decides visibility.

FIELDS describes each column once: the CSV header, the JSON key, the data dictionary's
type, meaning and example all come from it, so the files and their dictionary cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass

from deliverables.indicators.listing import HEADERS as INDICATOR_HEADERS
from deliverables.indicators.listing import export_rows as indicator_export_rows
from deliverables.indicators.selectors import outcome_ids_by_indicator
from deliverables.models import ActionPlacement
from deliverables.rules import MOVEMENTS, movement_of
from deliverables.selectors import plan_overview
from plans.formulae import unescape_formula
from plans.models import Plan, ReportingPeriod
from plans.statuses import Scale
from public.rules import (
    PUBLIC_READER,
    public_lead,
    public_previous,
    public_readings,
    published_periods,
    shows_officer_names,
)
from reports.filters import sort_order
from reports.models import ExceptionReport, ReportState
from reports.selectors import deliverable_labels, register_actions

LICENCE = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
NOT_YET_UPDATED = "Not yet updated"


@dataclass(frozen=True)
class Field:
    key: str  # the JSON key
    header: str  # the CSV column
    type: str  # as the data dictionary writes it
    meaning: str
    example: str


FIELDS = [
    Field("plan", "Plan", "text", "The plan's name.", "Corporate Plan 2021-25"),
    Field(
        "period_code",
        "Period code",
        "text",
        "The period, as written in addresses: financial year and quarter (or year and month "
        "for a monthly plan).",
        "2023-24-Q3",
    ),
    Field("period_label", "Period", "text", "The period, as written on the pages.", "Q3 2023/24"),
    Field(
        "outcomes",
        "Outcomes",
        "list of text (CSV: separated by '; ')",
        "The strategic outcome(s) the action serves. An action under two outcomes is counted "
        "once in each, and once in the plan's total.",
        "The Best Start in Life for Children and Young People",
    ),
    Field(
        "themes",
        "Themes",
        "list of text (CSV: separated by '; ')",
        "The theme(s) the action sits under, where the plan has themes.",
        "First 1000 days",
    ),
    Field(
        "deliverables",
        "Deliverables",
        "list of text (CSV: separated by '; ')",
        "The references of the plan deliverables the action serves (one action may serve several).",
        "B3; B4",
    ),
    Field("action_ref", "Action reference", "text", "The action's reference.", "CH6"),
    Field(
        "action_title",
        "Action",
        "text",
        "What the action is.",
        "Ensure that every child in Sandwell has access to a good school place",
    ),
    Field(
        "directorate",
        "Directorate",
        "text",
        "The directorate responsible.",
        "Children & Education",
    ),
    Field(
        "lead",
        "Lead",
        "text",
        "The lead role responsible (the lead officer's name only where the council publishes "
        "officers' names).",
        "Director of Children's Services",
    ),
    Field(
        "status",
        "Status",
        "text",
        "The action's status in the period as published: an approved update's status; "
        "'Awaiting approval' for an update not yet approved; the plan's No Update status when "
        "nothing was reported.",
        "On Track",
    ),
    Field("rag", "RAG", "text", "The status's RAG category (see below).", "green"),
    Field(
        "update_counts",
        "Update counts",
        "true or false",
        "Whether the status and commentary come from an update an officer reported and the "
        "council approved. False for No Update and Awaiting approval, which carry no "
        "commentary.",
        "true",
    ),
    Field(
        "commentary",
        "Commentary",
        "text",
        "The approved update's commentary for the period; empty when the update does not count.",
        "Work to align specialist place planning is under way.",
    ),
    Field(
        "previous_status",
        "Previous status",
        "text",
        "The action's status in the period before, read the same way; empty if it was not yet "
        "reported then.",
        "Medium Issue/Slippage",
    ),
    Field(
        "movement",
        "Movement",
        "text",
        "How the status moved since the previous period: " + "; ".join(MOVEMENTS.values()) + ".",
        "improved",
    ),
]


def _status_label(scale: Scale, pk: int | None) -> str:
    status = scale.get(pk)
    return status.label if status else NOT_YET_UPDATED


def _placements(action_ids: list[int]) -> dict[int, list[ActionPlacement]]:
    """Each action's placements with their outcome, theme and deliverable, in one query."""
    found: dict[int, list[ActionPlacement]] = {}
    for placement in (
        ActionPlacement.objects.filter(action_id__in=action_ids)
        .select_related("outcome", "theme", "deliverable__theme")
        .order_by("outcome__order", "order", "pk")
    ):
        found.setdefault(placement.action_id, []).append(placement)
    return found


def _themes(placements: list[ActionPlacement]) -> list[str]:
    themes = [p.theme or (p.deliverable.theme if p.deliverable else None) for p in placements]
    return list(dict.fromkeys(t.name for t in themes if t is not None))


def action_rows(plan: Plan, period: ReportingPeriod) -> list[dict]:
    """One row per action in the period's scope, keyed as FIELDS, in reference order."""
    scale = Scale.of(plan)
    previous = public_previous(plan, period)
    _sort, ordering = sort_order("ref")
    actions = list(
        register_actions(plan, period, previous, scale, PUBLIC_READER)
        .select_related("directorate", "lead_officer")
        .order_by(*ordering)
    )
    placed = _placements([a.pk for a in actions])
    rows = []
    for action in actions:
        placements = placed.get(action.pk, [])
        now = scale.get(action.status_now)
        rows.append(
            {
                "plan": plan.name,
                "period_code": period.code,
                "period_label": period.label,
                "outcomes": list(dict.fromkeys(p.outcome.name for p in placements)),
                "themes": _themes(placements),
                "deliverables": deliverable_labels(
                    p.deliverable for p in placements if p.deliverable
                ),
                "action_ref": action.ref,
                "action_title": action.title,
                "directorate": action.directorate.name if action.directorate else "",
                "lead": public_lead(action),
                "status": now.label if now else NOT_YET_UPDATED,
                "rag": now.rag if now else "grey",
                "update_counts": scale.is_real(action.status_now),
                "commentary": action.commentary_now or "",
                "previous_status": (
                    _status_label(scale, action.status_before)
                    if previous and action.status_before is not None
                    else ""
                ),
                "movement": MOVEMENTS[movement_of(action.status_now, action.status_before, scale)],
            }
        )
    return rows


def totals(plan: Plan, period: ReportingPeriod) -> dict:
    """Actions by status for the plan and each outcome, from the plan page's own count."""
    outcomes = list(plan.outcomes.order_by("order", "name"))
    overview = plan_overview(plan, period, PUBLIC_READER, outcomes)

    def counts(row: dict) -> dict:
        by_status = {status.label: n for status, n in row["status_counts"]}
        if row["not_updated"]:
            by_status[NOT_YET_UPDATED] = row["not_updated"]
        return {"total": row["total"], "by_status": by_status}

    found = {"plan": {"total": 0, "by_status": {}}, "outcomes": []}
    for row in overview.rows:
        if row["outcome"] is None:
            found["plan"] = counts(row)
        else:
            found["outcomes"].append({"outcome": row["outcome"].name, **counts(row)})
    return found


# What each column of the indicator file means (its headers are the indicator list's own).
INDICATOR_MEANINGS = {
    "Code": "The indicator's code.",
    "Indicator": "What the indicator measures.",
    "Point": "The month, quarter or year the figure is for.",
    "Value": "The approved figure; where there is none, why (for example Missing).",
    "Unit": "The figure's unit.",
    "Target": "The target for the point.",
    "RAG": "Red, amber or green against the target and its tolerance.",
    "RAG rule": "How the RAG was worked out, in words.",
    "Previous period": "The figure for the previous point.",
    "Direction since previous period": "Better, worse or the same, given whether higher is better.",
    "Same period last year": "The figure for the same point a year earlier.",
    "Direction since last year": "Better, worse or the same as a year earlier.",
    "Comparators": "Figures for comparable areas from benchmarking services.",
    "Quartile": "The quartile among comparators, where known.",
    "Owner": "The officer responsible (published only where the council publishes names).",
    "Directorate": "The directorate responsible.",
    "Outcomes": "The strategic outcomes the indicator evidences.",
    "Commentary": "The approved commentary for the point.",
}


def indicator_fields() -> list[tuple[str, str]]:
    """The indicator file's columns and their meanings, as published."""
    return [
        (header, INDICATOR_MEANINGS.get(header, ""))
        for header in INDICATOR_HEADERS
        if header != "Owner" or shows_officer_names()
    ]


def indicator_rows(plan: Plan, period: ReportingPeriod) -> list[list]:
    """The period's indicators as the indicator list's file writes them (a header, then a row
    each), read by everyone; without the owner column unless officers' names are published.
    Empty when the plan has no indicators."""
    readings = public_readings(plan, period)
    if not readings:
        return []
    outcomes = list(plan.outcomes.order_by("order", "name"))
    outcome_ids = outcome_ids_by_indicator([r.indicator for r in readings])
    outcomes_of = {pk: [o.name for o in outcomes if o.pk in ids] for pk, ids in outcome_ids.items()}
    rows = list(indicator_export_rows(readings, outcomes_of))
    if shows_officer_names():
        return rows
    owner = INDICATOR_HEADERS.index("Owner")
    return [row[:owner] + row[owner + 1 :] for row in rows]


def indicator_records(rows: list[list]) -> list[dict]:
    """The indicator rows as JSON objects keyed by their column headers: texts as written
    (the spreadsheet's formula escaping taken off), figures as text so no decimal is lost."""
    if not rows:
        return []
    header, *body = rows

    def value_of(value: object) -> object:
        if value is None or isinstance(value, int):
            return value
        return unescape_formula(str(value))

    return [
        {unescape_formula(name): value_of(value) for name, value in zip(header, row, strict=True)}
        for row in body
    ]


def published_reports(plan: Plan, period: ReportingPeriod) -> list[ExceptionReport]:
    """The period's published reports, both kinds, newest version first (snapshots unread)."""
    return list(
        ExceptionReport.objects.filter(plan=plan, period=period, state=ReportState.PUBLISHED)
        .defer("snapshot")
        .order_by("kind", "-version")
    )


def feed_reports(plan: Plan | None = None):
    """Published reports of public periods of public plans (public.rules), newest first."""
    reports = ExceptionReport.objects.filter(
        state=ReportState.PUBLISHED, period__in=published_periods()
    )
    if plan is not None:
        reports = reports.filter(plan=plan)
    return reports.select_related("plan", "period").order_by("-published_at", "-pk")
