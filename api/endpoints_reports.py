"""Exception reports: published versions with the totals they froze; drafts only for those who
build reports (reports.models.ExceptionReport.objects.visible_to)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Query

from api.base import api, page, period_of, plan_of
from api.endpoints_plans import ERRORS
from api.schemas import PageParams, ReportDetail, ReportPage
from plans.models import Plan
from reports.models import ExceptionReport, ReportKind


def _counts(snapshot: dict, counts: dict) -> list[dict]:
    """Frozen counts (status id as text, or "none") in the frozen scale's order."""
    statuses = snapshot.get("statuses", [])
    rows = [
        {
            "status": {"id": s["id"], "label": s["label"], "rag": s["rag"]},
            "count": counts.get(str(s["id"]), 0),
        }
        for s in statuses
    ]
    if counts.get("none"):
        rows.append({"status": None, "count": counts["none"]})
    return rows


def _frozen(report: ExceptionReport) -> dict | None:
    """The published exception report's snapshot; None for a draft (built live, not frozen)
    or a report of another kind (it counts recommendations, not statuses)."""
    if not report.is_published or report.kind != ReportKind.EXCEPTIONS or not report.snapshot:
        return None
    return report.snapshot


def _report_out(report: ExceptionReport) -> dict:
    snapshot = _frozen(report)
    return {
        "id": report.pk,
        "kind": report.kind,
        "version": report.version,
        "state": report.state,
        "period": report.period.code,
        "published_at": report.published_at,
        "total": snapshot.get("overview_total") if snapshot else None,
        "counts": _counts(snapshot, snapshot.get("overview_counts", {})) if snapshot else [],
    }


@api.get("/reports", response={200: ReportPage, **ERRORS}, tags=["reports"])
def reports(
    request: HttpRequest,
    plan: str,
    paging: Query[PageParams],
    period: str | None = None,
    kind: ReportKind | None = None,
):
    """The plan's reports, newest period and version first."""
    found = plan_of(request, plan)
    queryset = ExceptionReport.objects.visible_to(request.user).filter(plan=found)
    if period:
        queryset = queryset.filter(period=period_of(found, period))
    if kind:
        queryset = queryset.filter(kind=kind)
    queryset = queryset.select_related("period").order_by(
        "-period__year", "-period__quarter", "-period__month", "kind", "-version", "-pk"
    )
    return page(queryset, paging, _report_out)


@api.get("/reports/{id:report_id}", response={200: ReportDetail, **ERRORS}, tags=["reports"])
def report_detail(request: HttpRequest, report_id: int):
    """One report; a published exception report with each outcome's frozen counts."""
    report = (
        ExceptionReport.objects.visible_to(request.user)
        .filter(plan__in=Plan.objects.visible_to(request.user))
        .select_related("period")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise Http404(f"No report {report_id} that this token may read.")
    snapshot = _frozen(report)
    sections = [
        {
            "outcome_id": section["outcome_id"],
            "name": section["name"],
            "total": section["total"],
            "counts": _counts(snapshot, section["counts"]),
        }
        for section in (snapshot or {}).get("sections", [])
    ]
    return {**_report_out(report), "sections": sections}
