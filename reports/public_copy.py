"""A published report's content as the public reads it: a copy without anyone's name.

A frozen snapshot holds the lead officer of each listed action and who published it. Unless the
council publishes officers' names (public.rules.shows_officer_names, decided by the caller),
the public pages render `without_names(content)`: the same report through the same renderers
(reports.render, reports.recommendations_render), with each lead and "published by" left
blank (the action's directorate still shows). The stored snapshot is never changed: this works
on a deep copy.
"""

from __future__ import annotations

import copy

from reports.builder import ReportData
from reports.recommendations import RecommendationsData

NOT_PUBLISHED = "Not published"


def without_names(content: ReportData | RecommendationsData) -> ReportData | RecommendationsData:
    """A deep copy of a report's content (either kind) with no person's name in it."""
    public = copy.deepcopy(content)
    public.published_by = ""
    if isinstance(public, RecommendationsData):
        for recommendation in public.recommendations:
            for action in recommendation.actions:
                action.lead = NOT_PUBLISHED  # the table would otherwise say "Not set"
        return public
    for section in public.parts:
        for line in [*section.exceptions, *section.moved_in, *section.recovered]:
            line.lead = ""
    for line in public.no_update:
        line.lead = ""
    return public
