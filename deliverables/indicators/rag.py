"""The indicator rules, in plain Python: a point's target, its RAG, the rule written out,
direction of travel, and the quartile among comparators. README: "How indicators are rated".

1. Target of a point: the profiled target for that point where the council set one; otherwise
   the annual target, which for a cumulative (year-to-date) indicator is spread evenly over the
   year (the target at month 3 of 12 is a quarter of the annual target). No target: grey.
2. RAG: monitoring-only indicators are grey. Higher is better: at or above target green, short
   of it by no more than the tolerance amber, further short red. Lower is better mirrors it.
   The tolerance is absolute (in the indicator's unit) or a percent of the target.
3. Missing: no value that counts is "missing", never zero and never a RAG.
4. Direction of travel compares a figure with an earlier one by polarity, not by sign: for
   lower-is-better a fall is improving. A cumulative indicator compares what each period added
   (its year to date less the year to date before it in the same year). Monitoring-only
   indicators only say "up" or "down". Anything missing: no comparison.
5. Quartile: among the comparator councils for the same point (and the council itself), 1 is
   the best quarter by polarity; fewer than four comparators: no quartile.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

HIGHER, LOWER, MONITOR = "higher", "lower", "monitor"
ABSOLUTE, PERCENT = "absolute", "percent"
GREEN, AMBER, RED, GREY, MISSING = "green", "amber", "red", "grey", "missing"
RAG_LABELS = {
    GREEN: "On target",
    AMBER: "Within tolerance",
    RED: "Off target",
    GREY: "No target",
    MISSING: "No value",
}
IMPROVING, WORSENING, SAME, UP, DOWN = "improving", "worsening", "no change", "up", "down"
DIRECTION_LABELS = {
    IMPROVING: "Improving",
    WORSENING: "Worsening",
    SAME: "No change",
    UP: "Up",
    DOWN: "Down",
    None: "No comparison",
}


def target_for(
    annual: Decimal | None,
    profile: dict[int, Decimal],
    point: int,
    points: int,
    cumulative: bool,
) -> Decimal | None:
    """The target a point's value is rated against (rule 1)."""
    if point in profile:
        return profile[point]
    if annual is None:
        return None
    if cumulative and points > 1:
        return annual * point / points
    return annual


def band(target: Decimal, tolerance_kind: str, tolerance: Decimal) -> Decimal:
    """How far from target is still amber."""
    if tolerance_kind == PERCENT:
        return abs(target) * tolerance / 100
    return tolerance


def rag_of(
    value: Decimal | None,
    target: Decimal | None,
    polarity: str,
    tolerance_kind: str,
    tolerance: Decimal,
) -> str:
    """green, amber, red, grey (monitoring only or no target) or missing (rules 2 and 3)."""
    if value is None:
        return MISSING
    if polarity == MONITOR or target is None:
        return GREY
    shortfall = (target - value) if polarity == HIGHER else (value - target)
    if shortfall <= 0:
        return GREEN
    if shortfall <= band(target, tolerance_kind, tolerance):
        return AMBER
    return RED


def as_shown(number: Decimal | None, decimals: int) -> Decimal | None:
    """A figure rounded as the pages show it (half up): what it is rated and compared on."""
    if number is None:
        return None
    return Decimal(number).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def fmt(number: Decimal | None, decimals: int, unit: str = "number") -> str:
    """A figure as the pages write it: 1,796; 97.9%; £1,250; 3.5 days; 12.1 per 1,000."""
    if number is None:
        return ""
    text = f"{as_shown(number, decimals):,.{decimals}f}"
    if unit == "percent":
        return f"{text}%"
    if unit == "pounds":
        return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"
    if unit == "days":
        return f"{text} days"
    if unit == "rate1000":
        return f"{text} per 1,000"
    return text


def rule_text(
    target: Decimal | None,
    polarity: str,
    tolerance_kind: str,
    tolerance: Decimal,
    decimals: int,
    unit: str = "number",
) -> str:
    """The RAG rule beside a value, in words: "Green at 95% or more; amber from 90%; red below"."""
    if polarity == MONITOR:
        return "Monitoring only: not rated"
    if target is None:
        return "No target set: not rated"
    # The words are worked out from the figures as shown, as the rating is (readings.figures):
    # the amber edge is the first shown figure that is amber, so the page never prints an
    # edge that rates red.
    shown = as_shown(target, decimals)
    width = band(shown, tolerance_kind, tolerance)
    quantum = Decimal(1).scaleb(-decimals)
    if polarity == HIGHER:
        edge = (shown - width).quantize(quantum, rounding=ROUND_CEILING)
        green = f"Green at {fmt(shown, decimals, unit)} or more"
        if edge < shown:
            return f"{green}; amber from {fmt(edge, decimals, unit)}; red below that"
        return f"{green}; red below"
    edge = (shown + width).quantize(quantum, rounding=ROUND_FLOOR)
    green = f"Green at {fmt(shown, decimals, unit)} or less"
    if edge > shown:
        return f"{green}; amber up to {fmt(edge, decimals, unit)}; red above that"
    return f"{green}; red above"


def direction(now: Decimal | None, before: Decimal | None, polarity: str) -> str | None:
    """Improving, worsening or no change by polarity; up or down for monitoring only; None
    when either figure is missing (rule 4)."""
    if now is None or before is None:
        return None
    if now == before:
        return SAME
    rose = now > before
    if polarity == MONITOR:
        return UP if rose else DOWN
    return IMPROVING if rose == (polarity == HIGHER) else WORSENING


def own_amount(
    value: Decimal | None, earlier_in_year: Decimal | None, first_point: bool
) -> Decimal | None:
    """What a cumulative indicator's period added: its year to date less the one before it in
    the same year (the first point of a year is its own amount)."""
    if value is None:
        return None
    if first_point:
        return value
    if earlier_in_year is None:
        return None
    return value - earlier_in_year


def quartile(value: Decimal | None, others: list[Decimal], polarity: str) -> int | None:
    """1 (best quarter) to 4 among the comparator councils and this one (rule 5)."""
    if value is None or polarity == MONITOR or len(others) < 4:
        return None
    better = sum(1 for o in others if (o > value if polarity == HIGHER else o < value))
    rank = better + 1  # 1 = best
    count = len(others) + 1
    return min(4, (rank - 1) * 4 // count + 1)
