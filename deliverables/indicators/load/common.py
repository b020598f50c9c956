"""What the two previews share: finding a plan's indicator by what a file calls it, and the
shape of a skipped row."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from deliverables.indicators.points import quarter_of
from deliverables.models import Indicator
from plans.models import Plan, ReportingPeriod
from plans.refs import normalise_ref

# What statistics publishers write in place of a figure they withhold or lack.
SUPPRESSED = {"x", "*", "..", ":", "-", "c", "z", "[x]", "[c]", "[z]", "n/a", "na", "[low]"}


def shown_figure(value: Decimal | None) -> str:
    """A figure as the previews show it: 1796, 97.9 (no trailing zeros, no exponent)."""
    return "" if value is None else f"{value.normalize():f}"


# How both previews tell someone that a closed quarter's figures are left as they are.
CLOSED_OPTION = "with the option to change closed quarters"


@dataclass
class Skip:
    row: int
    text: str  # what the row named: its indicator, area and period as written
    reason: str

    def as_json(self) -> dict:
        return asdict(self)


class IndicatorFinder:
    """The plan's indicators by code, external metric id and title, compared as a person
    would (case, spaces and look-alike letters aside). Never creates one."""

    def __init__(self, plan: Plan):
        self.indicators = list(Indicator.objects.for_plan(plan).order_by("pk"))
        self.by_code = {normalise_ref(i.code): i for i in self.indicators}
        self.by_external = {i.external_id.casefold(): i for i in self.indicators if i.external_id}
        self.by_title = {" ".join(i.title.casefold().split()): i for i in self.indicators}

    def find(self, code: str = "", external_id: str = "", title: str = "") -> Indicator | None:
        if code and (found := self.by_code.get(normalise_ref(code))):
            return found
        if external_id and (found := self.by_external.get(external_id.casefold())):
            return found
        if title and (found := self.by_title.get(" ".join(title.casefold().split()))):
            return found
        # A file with one column for the measure may hold codes in it.
        for text in (title, external_id):
            if text and (found := self.by_code.get(normalise_ref(text))):
                return found
        return None


class PlanQuarters:
    """The plan's quarters, read once, and what an import may do to a point in each: a closed
    quarter has been reported on (its RAG, quartiles and report stand), an open or upcoming
    one is its owner's to enter and approve. A point with no quarter in the plan is older
    history, which an import brings."""

    def __init__(self, plan: Plan):
        self.periods = {(p.year, p.quarter): p for p in ReportingPeriod.objects.filter(plan=plan)}

    def of(self, frequency: str, year: int, point: int) -> ReportingPeriod | None:
        return self.periods.get((year, quarter_of(frequency, point)))

    def closed_in(self, year: int) -> ReportingPeriod | None:
        """The year's first closed quarter: a target for the year changes its RAG."""
        closed = [p for (y, _), p in sorted(self.periods.items()) if y == year and p.is_locked]
        return closed[0] if closed else None

    @staticmethod
    def not_for_import(period: ReportingPeriod | None) -> str:
        """Why an import leaves a point of this quarter alone, or "" when it may write it."""
        if period is None or period.is_locked:
            return ""
        if period.is_open:
            return f"{period.label} is open: its owner enters it on My updates"
        return f"{period.label} is not open yet: its owner enters it on My updates once it opens"
