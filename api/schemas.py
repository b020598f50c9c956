"""The shapes of the API's answers: each response is typed, so /api/openapi.json describes it."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_OFFSET = 1_000_000_000  # past any plan's rows, and within every database's integers


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page (1-200).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


class Message(Schema):
    detail: str


class StatusOut(Schema):
    id: int = Field(description="The status's id; negative for readings not on the scale.")
    label: str
    rag: str


class PlanOut(Schema):
    slug: str
    name: str
    description: str
    first_year: int
    last_year: int
    frequency: str
    is_active: bool
    outcome_label: str
    theme_label: str
    deliverable_label: str
    action_label: str


class PlanDetail(PlanOut):
    statuses: list[StatusOut] = Field(
        description="The plan's status scale, then the readings not on it: Awaiting approval "
        "(-1) and, if the scale has none of its own, No update (-2)."
    )


class PeriodOut(Schema):
    code: str
    label: str
    state: str
    opens_on: dt.date | None
    due_on: dt.date | None
    closes_on: dt.date | None


class OutcomeOut(Schema):
    id: int
    name: str
    short_name: str
    description: str
    order: int


class ThemeOut(Schema):
    id: int
    outcome_id: int
    name: str
    order: int


class DeliverableOut(Schema):
    id: int
    outcome_id: int
    theme_id: int | None
    ref: str
    title: str
    order: int


class DirectorateOut(Schema):
    code: str
    name: str


class ActionOut(Schema):
    id: int
    ref: str
    title: str
    directorate: DirectorateOut | None
    lead_officer: str = Field(description="The lead officer's name; empty if none.")
    lead_role: str
    start_date: dt.date | None
    due_date: dt.date | None
    period: str = Field(description="The period these readings are for.")
    status: StatusOut | None = Field(
        description="The status as this token's account reads it; null: not yet updated."
    )
    previous_status: StatusOut | None
    commentary: str


class ActionRef(Schema):
    id: int
    ref: str
    title: str


class UpdateOut(Schema):
    id: int
    action: ActionRef
    period: str
    state: str = Field(description="draft, submitted, returned or approved.")
    written_at_close: bool = Field(
        description="The No Update that closing a period writes: counted for no one."
    )
    status: StatusOut | None
    commentary: str
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    updated_at: dt.datetime


class CountOut(Schema):
    status: StatusOut | None = Field(description="null: not yet updated.")
    count: int


class SectionOut(Schema):
    outcome_id: int
    name: str
    total: int
    counts: list[CountOut]


class ReportOut(Schema):
    id: int
    kind: str
    version: int
    state: str
    period: str
    published_at: dt.datetime | None
    total: int | None = Field(
        description="Actions counted in a published exception report (frozen); null for a "
        "draft or another kind."
    )
    counts: list[CountOut]


class ReportDetail(ReportOut):
    sections: list[SectionOut]


def page_of(name: str, item: type[Schema]) -> type[Schema]:
    """A page of `item`s, with the total for paging."""
    return type(
        name,
        (Schema,),
        {
            "__annotations__": {"count": int, "limit": int, "offset": int, "items": list[item]},
        },
    )


PlanPage = page_of("PlanPage", PlanOut)
PeriodPage = page_of("PeriodPage", PeriodOut)
OutcomePage = page_of("OutcomePage", OutcomeOut)
ThemePage = page_of("ThemePage", ThemeOut)
DeliverablePage = page_of("DeliverablePage", DeliverableOut)
ActionPage = page_of("ActionPage", ActionOut)
UpdatePage = page_of("UpdatePage", UpdateOut)
ReportPage = page_of("ReportPage", ReportOut)


class IndicatorOut(Schema):
    code: str
    title: str
    unit: str
    frequency: str
    point: str = Field(description="The point the period reads: a month, quarter or year.")
    value: str | None = Field(description="Exact decimal as text; null: no figure counts.")
    value_text: str = Field(description="The figure, or why there is none.")
    awaiting: bool
    target: str | None
    rag: str
    rag_label: str
    direction: str | None
    commentary: str


IndicatorPage = page_of("IndicatorPage", IndicatorOut)
