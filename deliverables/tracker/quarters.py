"""Which quarter each status and commentary of a tracker goes into, and the update it gives.

A tracker holds one quarter (its status and commentary columns name none, or one) or several
side by side ("Q1 RAG", "Q1 Update", "Q2 RAG", ...). The quarter chosen for the import gives
the financial year; each column group goes into its own quarter of that year, a quarter's
values come only from its own columns, and a group with nothing in it is left alone. A file
whose only group is another quarter than the chosen one is refused: importing it would file
one quarter's words under another. The refusal names the headers read as that quarter's, not
a quarter to choose instead: a bare month ("April 2024 update") names a quarter but no year.

Each quarter's update is compared with what that quarter holds: an update entered in the app
is never overwritten, and a closed quarter's is changed only with the option to overwrite it.
"""

from __future__ import annotations

import inspect
from collections import Counter
from dataclasses import dataclass, replace

from django.utils import timezone

from deliverables.models import Action, QuarterlyUpdate, UpdateSource, UpdateState
from deliverables.tracker.colours import is_blank_fill
from deliverables.tracker.layout import QuarterProgress, ReadResult, TrackerRow
from deliverables.tracker.meanings import quarter_meaning
from deliverables.tracker.preview import ImportPreview
from plans.models import PeriodState, Plan, ReportingPeriod, Status
from plans.read_bounds import TrackerFileError


class QuarterMismatch(TrackerFileError):
    """The file's only quarter columns are for another quarter than the one chosen. Carries
    what was read, so the page can show the columns for the administrator to remap."""

    def __init__(self, message: str, read: ReadResult | None = None):
        super().__init__(message)
        self.read = read


def file_quarters(read: ReadResult) -> set[int]:
    """The quarters the file's columns name. A reader without quarter groups gives the quarter
    its header row names, if any."""
    quarters = getattr(read, "quarters", None)
    if quarters is not None:
        return set(quarters)
    grouped = {q for row in read.rows for q in row.by_quarter}
    return grouped or {row.quarter_hint for row in read.rows if row.quarter_hint}


def quarter_label(year: int, quarter: int) -> str:
    return ReportingPeriod(year=year, quarter=quarter).label


def check_quarters(read: ReadResult, period: ReportingPeriod) -> set[int]:
    """The file's quarters, or QuarterMismatch when its one quarter is not the chosen one."""
    quarters = file_quarters(read)
    if len(quarters) != 1 or period.quarter in quarters:
        return quarters
    [quarter] = quarters
    headers = _headers_of(read, quarter)
    named = (
        f"The headers {', '.join(repr(h) for h in headers)} were read as Q{quarter}'s"
        if headers
        else f"The file's status and commentary columns were read as Q{quarter}'s"
    )
    chosen = period.quarter
    raise QuarterMismatch(
        f"{named}, but this import is for {period.label}, so nothing would go into it. "
        f"On the import's page, change what the columns mean (for example to Q{chosen} status "
        f"and Q{chosen} commentary), or upload the file again for the quarter it reports on.",
        read,
    )


def _headers_of(read: ReadResult, quarter: int) -> list[str]:
    headers = [
        column.header
        for column in getattr(read, "columns", [])
        if (quarter_meaning(column.meaning) or (0,))[0] == quarter
    ]
    if not headers:  # a reader without column guesses: the headers of the layouts naming it
        headers = [
            text
            for layouts in read.layouts.values()
            for layout in layouts
            if layout.quarter_hint == quarter
            for role, text in layout.headers.items()
            if role in ("status", "commentary")
        ]
    return list(dict.fromkeys(headers))[:4]


def _has_value(progress: QuarterProgress) -> bool:
    """Words, or a fill the status reader will judge (colours.is_blank_fill: the one rule for
    which fills are not a status; a fill it cannot place is asked about, not dropped)."""
    return bool(
        progress.status.strip()
        or progress.commentary.strip()
        or not is_blank_fill(progress.status_fill)
    )


def progress_of(row: TrackerRow, chosen: int, several: bool) -> dict[int, QuarterProgress]:
    """The row's values by quarter number, in quarter order.

    A row with no quarter columns gives the chosen quarter its plain status and commentary
    (blank ones mean No Update, as in a one-quarter tracker). With quarter columns, each group
    with a value gives its quarter; the plain columns fill what the chosen quarter's group leaves
    blank (never a copy of another quarter's values). With one group, a blank chosen quarter is
    No Update, as in a one-quarter tracker; with several, a blank group is left alone (whether
    the reader gives it or leaves it out). A coloured blank cell is a value.
    """
    plain = QuarterProgress(row.status, row.status_fill, row.commentary)
    if not row.by_quarter and not several:
        return {chosen: plain}
    others = {q: p for q, p in row.by_quarter.items() if q != chosen}
    if any((p.status, p.commentary) == (plain.status, plain.commentary) for p in others.values()):
        plain = QuarterProgress()  # the reader's copy of another quarter's group
    own = row.by_quarter.get(chosen) or QuarterProgress()
    words = own if own.status or own.status_fill else plain
    mine = QuarterProgress(words.status, words.status_fill, own.commentary or plain.commentary)
    found = {q: p for q, p in others.items() if _has_value(p)}
    if not several or _has_value(mine):
        found[chosen] = mine
    return dict(sorted(found.items()))


def status_reader(matcher):
    """matcher.status_for for one quarter's values: (row, progress, commentary) -> (status,
    problem). Takes the quarter's words and fill as arguments where the matcher does, else
    reads them from a copy of the row holding them."""
    status_for = matcher.status_for
    if len(inspect.signature(status_for).parameters) >= 4:  # row, text, fill, commentary
        return lambda row, p, commentary: status_for(row, p.status, p.status_fill, commentary)

    def read(row: TrackerRow, p: QuarterProgress, commentary: str):
        if (p.status, p.status_fill, p.commentary) != (row.status, row.status_fill, row.commentary):
            row = replace(row, status=p.status, status_fill=p.status_fill, commentary=p.commentary)
        return status_for(row, commentary)

    return read


class YearQuarters:
    """The quarters of the chosen quarter's financial year, as the import needs them: the plan's
    own, or one prepared (unsaved, closed) where the plan lacks it; and each one's updates."""

    def __init__(self, plan: Plan, chosen: ReportingPeriod, chosen_updates: dict):
        self.plan = plan
        self.chosen = chosen
        self.periods: dict[int, ReportingPeriod] = {chosen.quarter: chosen}
        self.updates: dict[int, dict[int, QuarterlyUpdate]] = {chosen.quarter: chosen_updates}
        for update in chosen_updates.values():
            update.period = chosen  # read without its quarter; the write checks it
        self.new: list[ReportingPeriod] = []
        self._loaded = False

    def period(self, quarter: int) -> ReportingPeriod:
        if quarter not in self.periods and not self._loaded:
            self._loaded = True
            for saved in ReportingPeriod.objects.filter(
                plan=self.plan, year=self.chosen.year, month=0
            ):
                self.periods.setdefault(saved.quarter, saved)
        period = self.periods.get(quarter)
        if period is None:
            period = ReportingPeriod(
                plan=self.plan, year=self.chosen.year, quarter=quarter, state=PeriodState.CLOSED
            )
            self.periods[quarter] = period
            self.new.append(period)
        return period

    def existing(self, quarter: int) -> dict[int, QuarterlyUpdate]:
        """The quarter's updates by action, read once (none for a quarter the import creates)."""
        if quarter not in self.updates:
            period = self.period(quarter)
            found = QuarterlyUpdate.objects.filter(period=period) if period.pk else []
            self.updates[quarter] = {u.action_id: u for u in found}
            for update in self.updates[quarter].values():
                update.period = period
        return self.updates[quarter]


@dataclass
class QuarterUpdate:
    """One quarter's update for one action, from the first row that gives it."""

    action: Action
    quarter: int
    status: Status
    commentary: str
    row: TrackerRow


def compare_update(
    preview: ImportPreview, quarters: YearQuarters, pending: QuarterUpdate
) -> tuple[str, str]:
    """(result, message) for one action's update in one quarter, compared with what that
    quarter holds; what is to be written goes into the preview."""
    period, action = quarters.period(pending.quarter), pending.action
    preview.quarter_periods[period.code] = period
    figures = preview.quarter_figures.setdefault(period.code, Counter())
    existing = quarters.existing(pending.quarter).get(action.pk) if action.pk else None
    if existing is None:
        preview._new_updates.append(
            QuarterlyUpdate(
                action=action,
                period=period,
                status=pending.status,
                commentary=pending.commentary,
                state=UpdateState.APPROVED,
                source=UpdateSource.IMPORTED,
                approved_at=timezone.now(),
            )
        )
        preview.created["updates"] += 1
        figures["created"] += 1
        return "created", ""
    if existing.status_id == pending.status.pk and existing.commentary == pending.commentary:
        preview.unchanged["updates"] += 1
        figures["unchanged"] += 1
        return "unchanged", ""
    if existing.source == UpdateSource.ENTERED:
        return "error", (
            f"{action.display_ref} has an update entered in the app for {period.label} "
            f"({existing.get_state_display().lower()}); the spreadsheet does not overwrite it."
        )
    if period.is_locked and not preview.overwrite_closed:
        return "error", (
            f"{period.label} is closed: the update for {action.display_ref} would change. "
            "Reopen the quarter, or import with the option to overwrite a closed quarter."
        )
    existing.status = pending.status
    existing.commentary = pending.commentary
    existing.state = UpdateState.APPROVED
    existing.source = UpdateSource.IMPORTED
    existing.approved_at = timezone.now()
    preview._changed_updates.append(existing)
    preview.updated["updates"] += 1
    figures["updated"] += 1
    return "updated", ""
