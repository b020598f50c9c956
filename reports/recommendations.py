"""The "progress against recommendations" report: built from
deliverables.recommendations.recommendation_progress (the one rule), published and frozen
like the exception report, and rendered from its `RecommendationsData` alone.

`report_content` and `build_content` are what views, services and renderers call for a
report of either kind: they hand an exception report to reports.builder unchanged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from deliverables.recommendations import RAG_ORDER, recommendation_progress
from plans.models import long_date
from plans.statuses import Scale
from reports.builder import READER, StatusInfo, build_report, report_data
from reports.models import ExceptionReport, ReportKind

RAG_WORDS = {key: key for key in RAG_ORDER} | {"none": "not yet updated"}


@dataclass
class MilestoneInfo:
    title: str
    due: str  # the due date as shown, or the words the council wrote ("TBC")
    state: str
    state_label: str
    completed_on: str


@dataclass
class RecActionLine:
    ref: str
    title: str
    lead: str
    status_id: int | None
    reason: str  # why it is not counted in the period; "" when it is
    complete: bool
    path: str
    milestones: list[MilestoneInfo] = field(default_factory=list)


@dataclass
class RecLine:
    body: str
    source: str
    reference: str
    text: str
    made_on: str
    path: str
    actions: list[RecActionLine]
    rag_counts: dict[str, int]
    actions_complete: int
    milestones_complete: int
    milestones_overdue: int
    milestones_total: int

    @property
    def name(self) -> str:
        return f"{self.body} {self.reference}"

    @property
    def actions_total(self) -> int:
        return len(self.actions)

    @property
    def rag_list(self) -> list[tuple[str, int]]:
        return [(key, self.rag_counts[key]) for key in RAG_ORDER if self.rag_counts.get(key)]

    @property
    def rag_words(self) -> str:
        return ", ".join(f"{n} {RAG_WORDS[key]}" for key, n in self.rag_list)


@dataclass
class RecommendationsData:
    council: str
    plan_name: str
    plan_slug: str
    action_label: str
    period_label: str
    period_code: str
    period_closed: bool
    generated_on: str
    introduction: str
    statuses: list[StatusInfo]
    recommendations: list[RecLine]
    version: int
    state: str
    published_by: str = ""
    published_at: str = ""
    # Not fields (so not in snapshots): what the shared renderings ask of either kind.
    kind = ReportKind.RECOMMENDATIONS.value
    document_name = "progress against recommendations"
    body_template = "reports/_recommendations_body.html"

    @property
    def title(self) -> str:
        return f"Progress against recommendations, {self.period_label}"

    def status(self, status_id: int | None) -> StatusInfo | None:
        return {s.id: s for s in self.statuses}.get(status_id) if status_id is not None else None

    @property
    def actions_total(self) -> int:
        return sum(r.actions_total for r in self.recommendations)

    @property
    def milestones_total(self) -> int:
        return sum(r.milestones_total for r in self.recommendations)

    def to_snapshot(self) -> dict:
        return asdict(self)

    @classmethod
    def from_snapshot(cls, data: dict) -> RecommendationsData:
        data = dict(data)
        data["statuses"] = [StatusInfo(**s) for s in data["statuses"]]
        data["recommendations"] = [
            RecLine(
                **{
                    **line,
                    "actions": [
                        RecActionLine(
                            **{
                                **a,
                                "milestones": [MilestoneInfo(**m) for m in a["milestones"]],
                            }
                        )
                        for a in line["actions"]
                    ],
                }
            )
            for line in data["recommendations"]
        ]
        return cls(**data)


def _due(milestone) -> str:
    words = [long_date(milestone.due_date)] if milestone.due_date else []
    if milestone.date_note:
        words.append(milestone.date_note)
    return "; ".join(words) or "Not set"


def build_recommendations(report: ExceptionReport) -> RecommendationsData:
    """The report's content from the live data, as everyone may read it (reports.builder
    READER): a fixed handful of queries."""
    plan, period = report.plan, report.period
    scale = Scale.of(plan)
    rows = recommendation_progress(plan, period, READER, today=timezone.localdate())
    lines = []
    used: set[int] = set()
    for row in rows:
        actions = []
        for item in row.actions:
            action = item.action
            status_id = item.status.pk if item.status is not None else None
            used.add(status_id)
            actions.append(
                RecActionLine(
                    ref=action.ref,
                    title=action.title,
                    lead=str(action.lead_officer) if action.lead_officer else action.lead_role,
                    status_id=status_id,
                    reason=item.reason,
                    complete=item.complete,
                    path=reverse("deliverables:action", args=[plan.slug, action.pk]),
                    milestones=[
                        MilestoneInfo(
                            title=m.milestone.title,
                            due=_due(m.milestone),
                            state=m.state.value,
                            state_label=m.state.label,
                            completed_on=long_date(m.milestone.completed_on)
                            if m.milestone.completed_on
                            else "",
                        )
                        for m in item.milestones
                    ],
                )
            )
        recommendation = row.recommendation
        recommendation.plan = plan
        lines.append(
            RecLine(
                body=recommendation.body,
                source=recommendation.source,
                reference=recommendation.reference,
                text=recommendation.text,
                made_on=long_date(recommendation.made_on) if recommendation.made_on else "",
                path=recommendation.get_absolute_url(),
                actions=actions,
                rag_counts=dict(row.rag_counts),
                actions_complete=row.actions_complete,
                milestones_complete=row.milestones_complete,
                milestones_overdue=row.milestones_overdue,
                milestones_total=row.milestones_total,
            )
        )
    return RecommendationsData(
        council=settings.COUNCIL_NAME,
        plan_name=plan.name,
        plan_slug=plan.slug,
        action_label=plan.action_label,
        period_label=period.label,
        period_code=period.code,
        period_closed=period.is_locked,
        generated_on=long_date(timezone.localdate()),
        introduction=report.introduction,
        statuses=[StatusInfo.of(s) for s in scale.legend(used)],
        recommendations=lines,
        version=report.version,
        state=report.state,
    )


def is_recommendations(report: ExceptionReport) -> bool:
    return report.kind == ReportKind.RECOMMENDATIONS


def report_content(report: ExceptionReport):
    """A report's content of either kind: a published version's frozen snapshot, or a draft's
    built now."""
    if not is_recommendations(report):
        return report_data(report)
    if report.is_published and report.snapshot:
        return RecommendationsData.from_snapshot(report.snapshot)
    return build_recommendations(report)


def build_content(report: ExceptionReport):
    """A report's content of either kind from the live data (what publishing freezes)."""
    return build_recommendations(report) if is_recommendations(report) else build_report(report)
