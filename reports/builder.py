"""The exception report's builder: its content read once, rendered as a web page, PDF, Word
and Excel.

`build_report` reads the live data into a `ReportData`; publishing stores `to_snapshot()`
of it, and `from_snapshot` gives the same `ReportData` back, so a published report renders
from exactly what it was built from. Every rendering takes a `ReportData` and nothing else:
statuses, colours, names and commentary are all inside it.

Which statuses are exceptions comes from the plan's scale (statuses marked "counts as an
exception"), plus any the report adds (Medium Issue/Slippage in 2023/24, if wanted). No
status word is written here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from deliverables.models import ActionPlacement
from deliverables.rules import in_scope, with_statuses
from plans.models import long_date
from plans.sanitise import paragraphs
from plans.statuses import AWAITING, Scale
from reports.dashboard import Row, Segment
from reports.indicators import IndicatorLine, off_target
from reports.models import ExceptionReport

# A report is read by Cabinet, scrutiny and, once published, everyone signed in: it counts what
# everyone may read (approved updates), whoever builds it. See deliverables.rules.
READER = None


@dataclass
class StatusInfo:
    id: int
    label: str
    colour: str
    text_colour: str
    rag: str
    order: int
    is_exception: bool

    @property
    def pk(self) -> int:  # templates and charts call statuses by pk
        return self.id

    @classmethod
    def of(cls, status, *, is_exception: bool = False) -> StatusInfo:
        """A scale's status as a report freezes it."""
        return cls(
            id=status.pk,
            label=status.label,
            colour=status.colour,
            text_colour=status.text_colour,
            rag=status.rag,
            order=status.order,
            is_exception=is_exception,
        )


@dataclass
class ActionLine:
    ref: str
    title: str
    directorate: str
    lead: str
    status_id: int | None
    previous_status_id: int | None
    commentary: str
    path: str
    outcomes: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return paragraphs(self.commentary)


@dataclass
class Section:
    outcome_id: int  # 0: the actions placed under no outcome (ReportData.unplaced)
    name: str
    narrative: str
    counts: dict[str, int]  # status id (as text, JSON keys are text) or "none" -> actions
    total: int
    exceptions: list[ActionLine]
    moved_in: list[ActionLine]
    recovered: list[ActionLine]
    indicators: list[IndicatorLine] = field(default_factory=list)  # off target, this outcome

    @property
    def is_outcome(self) -> bool:
        """False for the part of actions under no outcome (it has no narrative or indicators)."""
        return bool(self.outcome_id)

    @classmethod
    def from_snapshot(cls, section: dict) -> Section:
        return cls(
            **{
                **section,
                "exceptions": [ActionLine(**a) for a in section["exceptions"]],
                "moved_in": [ActionLine(**a) for a in section["moved_in"]],
                "recovered": [ActionLine(**a) for a in section["recovered"]],
                "indicators": [IndicatorLine(**i) for i in section.get("indicators", [])],
            }
        )


@dataclass
class ReportData:
    council: str
    plan_name: str
    plan_slug: str
    outcome_label: str
    action_label: str
    period_label: str
    period_code: str
    period_closed: bool
    previous_label: str | None
    generated_on: str
    introduction: str
    statuses: list[StatusInfo]
    exception_ids: list[int]
    overview_counts: dict[str, int]
    overview_total: int
    sections: list[Section]
    no_update: list[ActionLine]
    version: int
    state: str
    published_by: str = ""
    published_at: str = ""
    # Indicators read for the quarter; None in versions published before the report had
    # indicators (their snapshots have none), so they read as they always did.
    indicator_total: int | None = None
    unlinked_indicators: list[IndicatorLine] = field(default_factory=list)
    # Directorate name ("" for none) -> counts as overview_counts: the summary layout's table
    # (reports.summary). Empty in versions published before it; the summary then says so.
    directorate_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # The actions in scope placed under no outcome (a placement removed, or an action made or
    # imported without one), as a part of their own after the outcomes' (None if there are
    # none, and in versions published before it): they count in the overview and by
    # directorate, so they are listed too. Not in `sections`, which are the plan's outcomes
    # (the API's and the dashboard's): `parts` is every part the report lists.
    unplaced: Section | None = None
    # Not fields (so not in snapshots): what the shared renderings ask of either kind of
    # report (reports.recommendations has the other).
    kind = "exceptions"
    document_name = "exception report"
    body_template = "reports/_report_body.html"
    # "month" for a monthly plan's report; snapshots frozen before monthly plans read "quarter".
    period_word: str = "quarter"

    @property
    def title(self) -> str:
        return f"Exception report, {self.period_label}"

    @property
    def status_by_id(self) -> dict[int, StatusInfo]:
        return {s.id: s for s in self.statuses}

    @property
    def exception_statuses(self) -> list[StatusInfo]:
        return [s for s in self.statuses if s.id in self.exception_ids]

    @property
    def parts(self) -> list[Section]:
        """Every part the report lists: each outcome's, then the actions under no outcome."""
        return [*self.sections, self.unplaced] if self.unplaced else list(self.sections)

    @property
    def exception_count(self) -> int:
        """Actions listed as exceptions; one under two outcomes is listed twice, counted once."""
        return len({line.path for section in self.parts for line in section.exceptions})

    def status(self, status_id: int | None) -> StatusInfo | None:
        return self.status_by_id.get(status_id) if status_id is not None else None

    def row(self, label: str, counts: dict[str, int]) -> Row:
        """Counts as a chart row, in scale order, with a final "not yet updated" segment."""
        segments = [Segment(s, counts.get(str(s.id), 0), "") for s in self.statuses]
        if counts.get("none"):
            segments.append(Segment(None, counts["none"], ""))
        return Row(label, "", segments)

    @property
    def has_indicators(self) -> bool:
        return bool(self.indicator_total)

    @property
    def off_target_count(self) -> int:
        """Indicators off target; one under two outcomes is listed twice, counted once."""
        lines = [line for section in self.parts for line in section.indicators]
        return len({line.code for line in [*lines, *self.unlinked_indicators]})

    @property
    def overview_row(self) -> Row:
        return self.row(self.plan_name, self.overview_counts)

    def section_rows(self) -> list[tuple[Section, Row]]:
        return [(section, self.row(section.name, section.counts)) for section in self.parts]

    def to_snapshot(self) -> dict:
        return asdict(self)

    @classmethod
    def from_snapshot(cls, data: dict) -> ReportData:
        data = dict(data)
        data["statuses"] = [StatusInfo(**s) for s in data["statuses"]]
        data["sections"] = [Section.from_snapshot(section) for section in data["sections"]]
        if data.get("unplaced"):
            data["unplaced"] = Section.from_snapshot(data["unplaced"])
        data["no_update"] = [ActionLine(**a) for a in data["no_update"]]
        data["unlinked_indicators"] = [
            IndicatorLine(**i) for i in data.get("unlinked_indicators", [])
        ]
        return cls(**data)


def report_data(report: ExceptionReport) -> ReportData:
    """A published report's frozen content, or a draft's content built now."""
    if report.is_published and report.snapshot:
        return ReportData.from_snapshot(report.snapshot)
    return build_report(report)


def _key(status_id: int | None) -> str:
    return "none" if status_id is None else str(status_id)


def build_report(report: ExceptionReport) -> ReportData:
    """The report's content from the live data: a fixed handful of queries."""
    plan, period = report.plan, report.period
    scale = Scale.of(plan)
    exception_ids = {s.pk for s in scale.statuses if s.is_exception}
    if report.pk:  # an unsaved report (the command's one-off build) has no extra statuses
        exception_ids |= set(report.extra_statuses.values_list("pk", flat=True))
    previous = period.previous()
    no_update_id = scale.no_update.pk
    # Only the columns a report line shows: a county plan has thousands of actions in scope,
    # and their descriptions and the officers' other columns were much of the time spent.
    actions = list(
        with_statuses(in_scope(plan, period), period, previous, scale, READER, commentary=True)
        .select_related("directorate", "lead_officer")
        .only(
            "ref",
            "title",
            "lead_role",
            "directorate__name",
            "lead_officer__first_name",
            "lead_officer__last_name",
            "lead_officer__username",
        )
        .by_ref()
    )
    outcomes = list(plan.outcomes.order_by("order", "name"))
    outcome_names = {o.pk: o.name for o in outcomes}
    outcomes_of: dict[int, list[int]] = {}
    # Each (action, outcome) once, however many of the outcome's deliverables the action
    # serves; order_by() so the model's ordering adds no column to the DISTINCT.
    for action_id, outcome_id in (
        ActionPlacement.objects.filter(action__plan=plan)
        .values_list("action_id", "outcome_id")
        .order_by()
        .distinct()
    ):
        outcomes_of.setdefault(action_id, []).append(outcome_id)

    def line(action) -> ActionLine:
        return ActionLine(
            ref=action.ref,
            title=action.title,
            directorate=action.directorate.name if action.directorate else "",
            lead=str(action.lead_officer) if action.lead_officer else action.lead_role,
            status_id=action.status_now,
            previous_status_id=action.status_before,
            commentary=action.commentary_now or "",
            path=reverse("deliverables:action", args=[plan.slug, action.pk]),
            outcomes=[
                outcome_names[o]
                for o in sorted(outcomes_of.get(action.pk, []), key=list(outcome_names).index)
            ],
        )

    overview: dict[str, int] = {}
    by_directorate: dict[str, dict[str, int]] = {}
    per_outcome: dict[int, list] = {o.pk: [] for o in outcomes}
    for action in actions:
        overview[_key(action.status_now)] = overview.get(_key(action.status_now), 0) + 1
        counts = by_directorate.setdefault(
            action.directorate.name if action.directorate else "", {}
        )
        counts[_key(action.status_now)] = counts.get(_key(action.status_now), 0) + 1
        for outcome_id in outcomes_of.get(action.pk, []):
            per_outcome.setdefault(outcome_id, []).append(action)

    indicators = off_target(plan, period, READER, outcome_names)

    def part(outcome_id: int, name: str, members: list, narrative: str = "") -> Section:
        counts: dict[str, int] = {}
        for action in members:
            counts[_key(action.status_now)] = counts.get(_key(action.status_now), 0) + 1
        now_exception = [a for a in members if a.status_now in exception_ids]
        return Section(
            outcome_id=outcome_id,
            name=name,
            narrative=narrative,
            counts=counts,
            total=len(members),
            exceptions=[line(a) for a in now_exception],
            # Moving in and recovering compare two real statuses (deliverables.rules): to or
            # from No Update is neither.
            moved_in=[
                line(a)
                for a in now_exception
                if scale.is_real(a.status_before) and a.status_before not in exception_ids
            ],
            recovered=[
                line(a)
                for a in members
                if a.status_before in exception_ids
                and scale.is_real(a.status_now)
                and a.status_now not in exception_ids
            ],
            indicators=indicators.by_outcome.get(outcome_id, []),
        )

    sections = [
        part(
            outcome.pk,
            outcome.name,
            per_outcome.get(outcome.pk, []),
            str(report.narratives.get(str(outcome.pk), "")),
        )
        for outcome in outcomes
    ]
    unplaced = [a for a in actions if a.pk not in outcomes_of]
    not_placed = f"Not placed under any {plan.outcome_label.lower()}"
    # Everything without an approved update: No Update, not yet updated, awaiting approval.
    no_update = [line(a) for a in actions if a.status_now in (None, no_update_id, AWAITING.pk)]
    legend = scale.legend({a.status_now for a in actions} | {a.status_before for a in actions})
    return ReportData(
        council=settings.COUNCIL_NAME,
        plan_name=plan.name,
        plan_slug=plan.slug,
        outcome_label=plan.outcome_label,
        action_label=plan.action_label,
        period_label=period.label,
        period_code=period.code,
        period_word=period.word,
        period_closed=period.is_locked,
        previous_label=previous.label if previous else None,
        generated_on=long_date(timezone.localdate()),
        introduction=report.introduction,
        statuses=[StatusInfo.of(s, is_exception=s.pk in exception_ids) for s in legend],
        exception_ids=sorted(exception_ids),
        overview_counts=overview,
        overview_total=len(actions),
        sections=sections,
        no_update=no_update,
        version=report.version,
        state=report.state,
        indicator_total=indicators.total,
        unlinked_indicators=indicators.unlinked,
        directorate_counts=dict(sorted(by_directorate.items(), key=lambda item: item[0] or "~")),
        unplaced=part(0, not_placed, unplaced) if unplaced else None,
    )
