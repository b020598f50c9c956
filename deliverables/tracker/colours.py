"""A status given only by a cell's colour: the scale colour it is, or is nearest to.

Trackers colour the status cell and sometimes leave the word out. A fill that is exactly a
status's colour is that status. A fill within COLOUR_TOLERANCE of one status's colour (the
straight-line distance between the two #RRGGBB colours, each channel 0-255) and nearer to it
than to any other is read as that status too, and the preview says so ("from colour"). 48
allows for a theme's tint of the colour and is well under half the distance between Excel's
stock red, amber and green. A fill further away, or equally near two statuses, is asked
about, never guessed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Protocol, TypeVar

COLOUR_TOLERANCE = 48
COLOUR_RULE = (
    f"a cell coloured within {COLOUR_TOLERANCE} (distance between RGB colours, 0-441) "
    "of one status's colour reads as that status"
)


class Coloured(Protocol):
    colour: str


S = TypeVar("S", bound=Coloured)


def rgb(colour: str) -> tuple[int, int, int]:
    """ "#1D70B8" -> (29, 112, 184)."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def distance(a: str, b: str) -> float:
    return math.dist(rgb(a), rgb(b))


def is_blank_fill(colour: str | None) -> bool:
    """No fill, or white or near white: the default look of a cell, not a status."""
    return colour is None or min(rgb(colour)) >= 0xF0


def nearest(fill: str, statuses: Iterable[S]) -> tuple[S | None, bool]:
    """(status, exact) for a fill: the status of exactly that colour, else the only one within
    the tolerance that is nearest. (None, False) when none is, or two are equally near."""
    fill = fill.upper()
    ranked = sorted(
        ((distance(fill, s.colour), index, s) for index, s in enumerate(statuses)),
        key=lambda item: (item[0], item[1]),
    )
    if not ranked or ranked[0][0] > COLOUR_TOLERANCE:
        return None, False
    best_distance, _, best = ranked[0]
    if len(ranked) > 1 and ranked[1][0] == best_distance:
        return None, False
    return best, best_distance == 0
