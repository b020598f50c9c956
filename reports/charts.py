"""Geometry for server-rendered SVG charts: stacked bars by status, and the quarterly trend.

The templates draw what this computes, with SVG presentation attributes only (no
stylesheet), so the same markup renders in browsers, in WeasyPrint's PDFs and on paper; no
chart needs JavaScript. Every
status segment gets the scale's colour *and* a pattern of its own (by its place on the scale),
and numbers are written on segments wide enough to hold them, so colour is never the only
way to tell statuses apart. Each chart comes with a text summary and a data table.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.dashboard import Row, Segment, TrendColumn

WIDTH = 1000
LABEL_GAP = 6
BAR_HEIGHT = 26
ROW_HEIGHT = 58
MIN_LABEL_SHARE = 0.035  # a segment narrower than this carries no number


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    segment: Segment
    pattern: int
    show_count: bool

    # Colours are the status's own, written on the shape: a published report keeps its
    # colours, and PDF and Word renderings need no stylesheet.
    @property
    def fill(self) -> str:
        status = self.segment.status
        return status.colour if status else "#ffffff"

    @property
    def ink(self) -> str:
        status = self.segment.status
        return status.text_colour if status else "#0b0c0c"

    @property
    def stroke(self) -> str:
        """White between segments; a dashed grey edge for "not yet updated"."""
        return "#ffffff" if self.segment.status else "#505a5f"

    @property
    def stroke_width(self) -> str:
        return "1" if self.segment.status else "1.5"

    @property
    def text_x(self) -> float:
        return self.x + self.width / 2

    @property
    def text_y(self) -> float:
        return self.y + self.height / 2 + 5


@dataclass
class BarRow:
    row: Row
    label_y: float
    rects: list[Rect]


@dataclass
class BarChart:
    id: str
    title: str
    summary: str
    height: float
    rows: list[BarRow]


def _pattern(segment: Segment, statuses: list) -> int:
    """The pattern for a status: its place on the scale (the first status is plain). "Not yet
    updated" is drawn white with a dashed edge instead, as in the key."""
    if segment.status is None:
        return 0
    return statuses.index(segment.status)


def _describe(row: Row) -> str:
    parts = [
        f"{s.count} {s.status.label if s.status else 'not yet updated'}"
        for s in row.segments
        if s.count
    ]
    return f"{row.label}: {', '.join(parts) if parts else 'no actions'}."


def bar_chart(chart_id: str, title: str, rows: list[Row], statuses: list) -> BarChart:
    """One horizontal bar per row, its length the row's total, split by status."""
    longest = max((row.total for row in rows), default=0) or 1
    bar_rows = []
    for index, row in enumerate(rows):
        y = index * ROW_HEIGHT
        x = 0.0
        rects = []
        for segment in row.segments:
            if not segment.count:
                continue
            width = WIDTH * segment.count / longest
            rects.append(
                Rect(
                    x=x,
                    y=y + 20,
                    width=width,
                    height=BAR_HEIGHT,
                    segment=segment,
                    pattern=_pattern(segment, statuses),
                    show_count=width >= WIDTH * MIN_LABEL_SHARE,
                )
            )
            x += width
        bar_rows.append(BarRow(row=row, label_y=y + 14, rects=rects))
    summary = " ".join(_describe(row) for row in rows)
    return BarChart(
        id=chart_id,
        title=title,
        summary=summary,
        height=max(len(rows), 1) * ROW_HEIGHT,
        rows=bar_rows,
    )


@dataclass
class TrendBar:
    column: TrendColumn
    x: float
    width: float
    label_x: float
    rects: list[Rect]


@dataclass
class TrendChart:
    id: str
    title: str
    summary: str
    height: float
    plot_height: float
    bars: list[TrendBar]


def trend_chart(
    chart_id: str, title: str, columns: list[TrendColumn], statuses: list
) -> TrendChart:
    """Each quarter as a column of 100%, split by the share of actions in each status."""
    plot_height = 240.0
    slot = WIDTH / max(len(columns), 1)
    width = slot * 0.62
    bars = []
    for index, column in enumerate(columns):
        x = index * slot + (slot - width) / 2
        total = column.total or 1
        y = plot_height
        rects = []
        for segment in column.segments:
            if not segment.count:
                continue
            height = plot_height * segment.count / total
            y -= height
            rects.append(
                Rect(
                    x=x,
                    y=y,
                    width=width,
                    height=height,
                    segment=segment,
                    pattern=_pattern(segment, statuses),
                    show_count=height >= 16,
                )
            )
        bars.append(TrendBar(column=column, x=x, width=width, label_x=x + width / 2, rects=rects))
    parts = []
    for column in columns:
        total = column.total or 1
        shares = ", ".join(
            f"{round(100 * s.count / total)}% {s.status.label if s.status else 'not yet updated'}"
            for s in column.segments
            if s.count
        )
        parts.append(f"{column.period.label}: {shares or 'no actions'}.")
    return TrendChart(
        id=chart_id,
        title=title,
        summary=" ".join(parts),
        height=plot_height + 40,
        plot_height=plot_height,
        bars=bars,
    )
