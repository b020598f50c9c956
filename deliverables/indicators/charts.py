"""Geometry for an indicator's server-drawn SVG line chart: its counted values over time against
its target and each comparator, in the house style of reports.charts (presentation attributes
only, no script, prints and exports as drawn).

Colour is never the only way to tell the lines apart: each has its own dash pattern and marker
shape, shown in the key, and the chart comes with a text summary and a data table holding the
same figures (built here, so the two cannot disagree).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from deliverables.indicators import rag
from deliverables.indicators.series import SeriesPoint
from deliverables.models.indicators import ComparatorKind, Indicator

WIDTH = 1000
LEFT, RIGHT, TOP = 110, 24, 16
INSET = 48  # the first and last points sit this far inside the plot, so their labels fit
PLOT_HEIGHT = 260
AXIS_SPACE = 44  # below the plot: the points' labels
KEY_ROW = 30
KEY_COLUMNS = 2
MAX_X_LABELS = 10
MARKER = 5.5

# (stroke, dash pattern, marker, line width): the actual values first, then the target, then
# comparators in turn. Dashes and markers differ as well as colours.
ACTUAL = ("#1d70b8", "", "circle", 3)
TARGET = ("#0b0c0c", "9 6", "", 2)
COMPARATOR_STYLES = [
    ("#912b88", "2 4", "triangle", 2),
    ("#85994b", "12 4 3 4", "square", 2),
    ("#b58840", "14 7", "diamond", 2),
    ("#28a197", "4 4", "cross", 2),
    ("#505a5f", "1 3", "triangle", 2),
    ("#f47738", "6 3 1 3", "square", 2),
]


@dataclass
class Line:
    name: str
    stroke: str
    dash: str
    width: int
    segments: list[str]
    markers: list[str]
    key_x: float = 0
    key_y: float = 0
    key_marker: str = ""


@dataclass
class LineChart:
    id: str
    title: str
    summary: str
    height: float
    plot_top: float
    plot_bottom: float
    plot_left: float
    plot_right: float
    y_ticks: list[tuple[float, str]]
    x_labels: list[tuple[float, str]]
    lines: list[Line]
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def _polygon(x: float, y: float, corners: list[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in corners) + "Z"


def marker_path(shape: str, x: float, y: float, r: float = MARKER) -> str:
    """An SVG path for a marker centred on (x, y); no shape, no marker."""
    if shape == "circle":
        return f"M{x - r:.1f},{y:.1f}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0Z"
    if shape == "square":
        return _polygon(x, y, [(-r, -r), (r, -r), (r, r), (-r, r)])
    if shape == "triangle":
        return _polygon(x, y, [(0, -r - 1), (r + 1, r), (-r - 1, r)])
    if shape == "diamond":
        return _polygon(x, y, [(0, -r - 1), (r + 1, 0), (0, r + 1), (-r - 1, 0)])
    if shape == "cross":
        return (
            f"M{x - r:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}"
            f"M{x - r:.1f},{y + r:.1f}L{x + r:.1f},{y - r:.1f}"
        )
    return ""


def nice_ticks(low: Decimal, high: Decimal, count: int = 5) -> list[Decimal]:
    """Round numbers spanning low..high, about `count` of them."""
    if low == high:
        pad = abs(low) / 10 or Decimal(1)
        low, high = low - pad, high + pad
    raw = (high - low) / (count - 1)
    magnitude = Decimal(10) ** math.floor(math.log10(float(raw)))
    step = next(
        m * magnitude for m in map(Decimal, ("1", "2", "2.5", "5", "10")) if m * magnitude >= raw
    )
    start = math.floor(low / step) * step
    ticks = []
    tick = Decimal(start)
    while tick < high + step:
        ticks.append(tick)
        if tick >= high:
            break
        tick += step
    return ticks


def comparator_series(series: list[SeriesPoint]) -> list[tuple[str, str]]:
    """Each comparator area named once, national first: (kind, area)."""
    order = list(ComparatorKind.values)
    found = {(c.kind, c.area) for point in series for c in point.comparators}
    return sorted(found, key=lambda pair: (order.index(pair[0]), pair[1]))


def _comparator_name(kind: str, area: str) -> str:
    label = ComparatorKind(kind).label
    return area if kind == ComparatorKind.COUNCIL else f"{label} ({area})"


def _segments(xs: list[float], ys: list[float | None]) -> list[str]:
    """Polylines broken where a value is missing: a gap, never a line drawn through zero."""
    segments, current = [], []
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            if current:
                segments.append(" ".join(current))
            current = []
        else:
            current.append(f"{x:.1f},{y:.1f}")
    if current:
        segments.append(" ".join(current))
    return segments


def line_chart(chart_id: str, indicator: Indicator, series: list[SeriesPoint]) -> LineChart:
    """The indicator's counted values, target and comparators over its points."""
    areas = comparator_series(series)
    columns: list[tuple[str, tuple, list[Decimal | None]]] = [
        ("Value", ACTUAL, [p.value for p in series]),
        ("Target", TARGET, [p.target for p in series]),
    ]
    for index, (kind, area) in enumerate(areas):
        values = []
        for point in series:
            match = [c.value for c in point.comparators if (c.kind, c.area) == (kind, area)]
            values.append(match[0] if match else None)
        style = COMPARATOR_STYLES[index % len(COMPARATOR_STYLES)]
        columns.append((_comparator_name(kind, area), style, values))
    present = [v for _name, _style, values in columns for v in values if v is not None]
    ticks = nice_ticks(min(present), max(present)) if present else [Decimal(0), Decimal(1)]
    low, high = ticks[0], ticks[-1]
    top, bottom = TOP, TOP + PLOT_HEIGHT
    left, right = LEFT, WIDTH - RIGHT
    span = len(series) - 1 or 1
    inner = right - left - 2 * INSET
    xs = [left + INSET + inner * (i / span if len(series) > 1 else 0.5) for i in range(len(series))]

    def y_of(value: Decimal | None) -> float | None:
        if value is None:
            return None
        return bottom - float((value - low) / (high - low or 1)) * PLOT_HEIGHT

    decimals, unit = indicator.decimals, indicator.unit
    lines = []
    key_top = bottom + AXIS_SPACE
    for name, (stroke, dash, shape, width), values in columns:
        if all(v is None for v in values):
            continue  # a line with nothing to draw gets no key either
        ys = [y_of(v) for v in values]
        markers = [marker_path(shape, x, y) for x, y in zip(xs, ys, strict=True) if y is not None]
        line = Line(name, stroke, dash, width, _segments(xs, ys), markers)
        place = len(lines)
        line.key_x = left + (place % KEY_COLUMNS) * (right - left) / KEY_COLUMNS
        line.key_y = key_top + (place // KEY_COLUMNS) * KEY_ROW + KEY_ROW / 2
        line.key_marker = marker_path(shape, line.key_x + 22, line.key_y)
        lines.append(line)
    step = max(1, math.ceil(len(series) / MAX_X_LABELS))
    x_labels = [(xs[i], series[i].label) for i in range(0, len(series), step)]
    headers = [name for name, _style, _values in columns]
    rows = [
        [
            point.label,
            point.value_text,
            *[rag.fmt(values[i], decimals, unit) for _n, _s, values in columns[1:]],
        ]
        for i, point in enumerate(series)
    ]
    return LineChart(
        id=chart_id,
        title=f"{indicator.code} {indicator.title}: values against target"
        + (" and comparators" if areas else ""),
        summary=_summary(indicator, series, areas),
        height=key_top + math.ceil(len(lines) / KEY_COLUMNS) * KEY_ROW + 8,
        plot_top=top,
        plot_bottom=bottom,
        plot_left=left,
        plot_right=right,
        y_ticks=[(y_of(t), rag.fmt(t, decimals, unit)) for t in ticks],
        x_labels=x_labels,
        lines=lines,
        headers=["Point", *headers],
        rows=rows,
    )


def _summary(indicator: Indicator, series: list[SeriesPoint], areas: list) -> str:
    counted = [p for p in series if p.value is not None]
    if not series:
        return "No values yet."
    text = f"{len(series)} points from {series[0].label} to {series[-1].label}; "
    if not counted:
        return text + "no value that counts yet."
    latest = counted[-1]
    text += f"{len(counted)} with a value. Latest: {latest.value_text} in {latest.label}"
    if latest.target is not None:
        text += f" against a target of {latest.target_text} ({latest.rag_label.lower()})"
    text += "."
    if areas:
        text += f" Compared with {len(areas)} other area{'s' if len(areas) != 1 else ''}."
    return text
