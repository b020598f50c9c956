"""What the two previews share: finding a plan's indicator by what a file calls it, and the
shape of a skipped row."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from deliverables.models import Indicator
from plans.models import Plan
from plans.refs import normalise_ref

# What statistics publishers write in place of a figure they withhold or lack.
SUPPRESSED = {"x", "*", "..", ":", "-", "c", "z", "[x]", "[c]", "[z]", "n/a", "na", "[low]"}


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
