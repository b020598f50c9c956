"""Statuses as the pages count them: a plan's scale looked up once, and the readings that are
not on any scale (Awaiting approval, and No Update where a scale has none of its own).

How a status is compared (status_key) and coloured (relative_luminance) live here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:  # plans.models imports this module for its helpers
    from plans.models import Plan, Status


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"
    GREY = "grey", "Grey"


def status_key(text: str | None) -> str:
    """How status words are compared: case and white space do not matter."""
    return re.sub(r"\s+", "", (text or "")).casefold()


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #RRGGBB colour."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@dataclass(frozen=True)
class PseudoStatus:
    """A reading that is not on the plan's scale, shown and counted like a status."""

    pk: int
    key: str
    label: str
    colour: str
    text_colour: str = "#0b0c0c"
    rag: str = Rag.GREY
    order: int = 1000
    is_exception: bool = False
    closes_action: bool = False
    means_no_update: bool = False

    @property
    def id(self) -> int:
        return self.pk

    def get_rag_display(self) -> str:
        return "Grey"


# A submitted update the reader may not see yet.
AWAITING = PseudoStatus(-1, "awaiting", "Awaiting approval", "#F3F2F1")
# A closed period's reading where the plan's scale has no No Update status of its own.
NO_UPDATE = PseudoStatus(-2, "no-update", "No update", "#B1B4B6", means_no_update=True)
PSEUDO = {AWAITING.pk: AWAITING, NO_UPDATE.pk: NO_UPDATE}


@dataclass
class Scale:
    """A plan's statuses, looked up once per request."""

    statuses: list[Status]

    @classmethod
    def of(cls, plan: Plan) -> Scale:
        from plans.models import Status

        return cls(list(Status.objects.for_plan(plan).order_by("order", "label")))

    @cached_property
    def by_pk(self) -> dict[int, Status | PseudoStatus]:
        return {**PSEUDO, **{s.pk: s for s in self.statuses}}

    @cached_property
    def no_update(self) -> Status | PseudoStatus:
        return next((s for s in self.statuses if s.means_no_update), NO_UPDATE)

    def get(self, pk: int | None) -> Status | PseudoStatus | None:
        return self.by_pk.get(pk) if pk is not None else None

    def ids_with_rag(self, rag: str) -> list[int]:
        """The status ids of a RAG category, pseudo statuses (all grey) included."""
        return [s.pk for s in self.legend(set(PSEUDO)) if s.rag == rag]

    def red_ids(self) -> list[int]:
        return self.ids_with_rag(Rag.RED)

    def legend(self, used=frozenset()) -> list[Status | PseudoStatus]:
        """The scale's statuses, then the pseudo statuses among the status ids `used`."""
        extra = [AWAITING] if AWAITING.pk in used else []
        if self.no_update is NO_UPDATE and NO_UPDATE.pk in used:
            extra.append(NO_UPDATE)
        return [*self.statuses, *extra]

    def is_real(self, pk: int | None) -> bool:
        """A status an officer reported: on the scale and not the No Update status."""
        status = self.by_pk.get(pk) if pk is not None else None
        return status is not None and status.pk > 0 and not status.means_no_update
