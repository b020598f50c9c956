"""Geometry of a milestone timeline: each milestone a bar from its start to its due date (a
point when it has one date), against month marks and a line for today.

As with reports.charts, the template draws what this computes with SVG presentation
attributes only, so it prints and needs no script. A bar's colour says its state and so does
the text beside it (colour is never the only sign); milestones with no date ("TBC",
"Ongoing") are listed under the chart, not drawn. The data table beneath holds every one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from deliverables.milestones import MilestoneState

WIDTH = 1000
TOP = 46  # room for the month marks and the today label
ROW_HEIGHT = 46
BAR_HEIGHT = 14
POINT_RADIUS = 7

# GOV.UK colours, one per state; the state's words are drawn beside each bar.
FILLS = {
    MilestoneState.NOT_STARTED: "#b1b4b6",
    MilestoneState.IN_PROGRESS: "#1d70b8",
    MilestoneState.OVERDUE: "#d4351c",
    MilestoneState.COMPLETE: "#00703c",
}


@dataclass
class Bar:
    milestone: object
    y: float
    x: float
    width: float  # 0: a point
    fill: str

    @property
    def label_y(self) -> float:
        return self.y - 6

    @property
    def centre_y(self) -> float:
        return self.y + BAR_HEIGHT / 2

    @property
    def is_point(self) -> bool:
        return self.width == 0


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Timeline:
    id: str
    title: str
    summary: str
    bars: list[Bar]
    ticks: list[Tick]
    today_x: float
    undated: list
    height: float
    bar_height: int = BAR_HEIGHT
    radius: int = POINT_RADIUS

    @property
    def today_anchor(self) -> str:
        """The label of the today line stays inside the chart at either edge."""
        if self.today_x > WIDTH - 40:
            return "end"
        return "start" if self.today_x < 40 else "middle"


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _span(milestones: list, today: dt.date) -> tuple[dt.date, dt.date]:
    """From the first of the month of the earliest date to the end of the month of the latest,
    today included, so today's line is always on the chart."""
    days = [today]
    for m in milestones:
        days += [d for d in (m.start_date, m.due_date, m.completed_on) if d]
    first = min(days).replace(day=1)
    last = max(days)
    last = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def build_timeline(chart_id: str, title: str, milestones: list, today: dt.date) -> Timeline:
    """`milestones` carry `state` (deliverables.milestone_reads.with_state)."""
    dated = [m for m in milestones if m.start_date or m.due_date]
    first, last = _span(dated, today)
    days = max((last - first).days + 1, 1)

    def x(day: dt.date) -> float:
        return round(WIDTH * (day - first).days / days, 2)

    bars = []
    for index, m in enumerate(dated):
        y = TOP + index * ROW_HEIGHT + 20
        start, end = m.start_date or m.due_date, m.due_date or m.start_date
        width = 0 if start == end else max(x(end) - x(start), 2)
        bars.append(Bar(m, y, x(start), width, FILLS[m.state]))
    months = _month_starts(first, last)
    step = 1 if len(months) <= 12 else 3 if len(months) <= 36 else 12
    ticks = [
        Tick(x(month), month.strftime("%b %Y")) for i, month in enumerate(months) if i % step == 0
    ]
    return Timeline(
        id=chart_id,
        title=title,
        summary=_summary(milestones, len(dated), today),
        bars=bars,
        ticks=ticks,
        today_x=x(today),
        undated=[m for m in milestones if not (m.start_date or m.due_date)],
        height=TOP + len(dated) * ROW_HEIGHT + 20,
    )


def _summary(milestones: list, drawn: int, today: dt.date) -> str:
    """The chart in words, for its SVG description."""
    if not milestones:
        return "No milestones."
    counts = dict.fromkeys(MilestoneState, 0)
    for m in milestones:
        counts[m.state] += 1
    total = len(milestones)
    parts = ", ".join(f"{n} {state.label.lower()}" for state, n in counts.items() if n)
    undrawn = f"; {total - drawn} with no date, not drawn" if drawn < total else ""
    return (
        f"{total} milestone{'s' if total != 1 else ''}: {parts}{undrawn}. "
        f"Today is {today.day} {today:%B %Y}."
    )
