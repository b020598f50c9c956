"""The web page of a long exception report, one outcome at a time.

At county size the report's page carried every outcome's exception tables with their
commentary (thousands of rows): 76-104x its SQL floor, and growing 5x for 4x the data. From
PAGE_BY_OUTCOME_FROM actions the page shows the counts and charts of the whole report and the
exception tables of one outcome (`?outcome=<id>`; `?outcome=unplaced` for the actions under
no outcome), or the appendix of actions with no approved update (`?outcome=no-update`), with
GOV.UK pagination between them: plain links, no script.
Below it nothing changes: Sandwell's report (about 220 actions) stays one page, read and
printed whole, as the council has always had it.

The counts are the report's own (reports.builder.ReportData), the same the files carry.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from reports.builder import ReportData, Section
from reports.charts import bar_chart
from reports.render import overview_context, report_context

# From this many actions the page goes one outcome at a time: about two screens of exception
# tables per outcome at Sandwell's rate of exceptions, where the whole report would be ten.
PAGE_BY_OUTCOME_FROM = 500
NO_UPDATE = "no-update"  # the appendix's page
UNPLACED = "unplaced"  # the part of actions under no outcome (ReportData.unplaced)


@dataclass
class PageLink:
    key: str  # the ?outcome= value
    number: int
    label: str
    current: bool

    @property
    def href(self) -> str:
        """The part's address, scrolled to the part (past the whole report's counts)."""
        return f"?outcome={self.key}#report-part"


def is_paged(data: ReportData, asked: str | None) -> bool:
    """A long exception report's page goes by outcome; asking for one outcome shows it alone
    in any report (a link kept from a long report, or a reader who wants just the one)."""
    if data.kind != "exceptions":
        return False
    return bool(asked) or data.overview_total >= PAGE_BY_OUTCOME_FROM


def _part_key(section: Section) -> str:
    return str(section.outcome_id) if section.is_outcome else UNPLACED


def _links(data: ReportData, current: str) -> list[PageLink]:
    links = [
        PageLink(_part_key(section), number, section.name, _part_key(section) == current)
        for number, section in enumerate(data.parts, start=1)
    ]
    appendix = "Appendix: actions with no approved update"
    links.append(PageLink(NO_UPDATE, len(links) + 1, appendix, current == NO_UPDATE))
    return links


def paged_context(data: ReportData, asked: str | None) -> dict:
    """The page's context for one outcome (the first if none is asked): the whole report's
    counts and charts, one outcome's tables. An outcome not in the report is a 404."""
    keys = [_part_key(section) for section in data.parts] + [NO_UPDATE]
    current = asked or keys[0]
    if current not in keys:
        raise Http404("This report has no such outcome.")
    links = _links(data, current)
    index = keys.index(current)
    outcome_rows = []
    for link, (_section, row) in zip(links, data.section_rows(), strict=False):
        row.link = link.href
        outcome_rows.append(row)
    context = {
        **overview_context(data),
        "outcomes_chart": bar_chart(
            "report-outcomes",
            f"Actions by status and {data.outcome_label.lower()}, {data.period_label}",
            outcome_rows,
            data.statuses,
        ),
        "outcome_rows": outcome_rows,
        "page_links": links,
        "page_current": links[index],
        "page_previous": links[index - 1] if index > 0 else None,
        "page_next": links[index + 1] if index + 1 < len(links) else None,
        "paged": True,
    }
    if current != NO_UPDATE:
        section = data.parts[index]
        row = data.row(section.name, section.counts)
        chart = bar_chart(
            f"report-section-{index + 1}",
            f"{section.name}: actions by status, {data.period_label}",
            [row],
            data.statuses,
        )
        context["page_section"] = (section, chart, [row])
    return context


def page_context(data: ReportData, asked: str | None) -> dict:
    """The report page's context: whole, or one outcome at a time (is_paged)."""
    if is_paged(data, asked):
        return paged_context(data, asked)
    return {**report_context(data), "paged": False}
