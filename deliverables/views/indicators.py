"""Reading a plan's indicators: the list for a quarter (with its CSV and Excel files) and one
indicator's page. Every figure comes from deliverables.indicators.readings (the quarter) or
.series (every point), so the pages, the files and the reports say the same thing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from deliverables.access import period_for
from deliverables.indicators import points as pts
from deliverables.indicators.charts import line_chart
from deliverables.indicators.history import indicator_timeline
from deliverables.indicators.listing import IndicatorFilterForm, export_rows, filter_readings
from deliverables.indicators.permissions import can_enter_values
from deliverables.indicators.rag import RAG_LABELS
from deliverables.indicators.readings import Reading, quarter_readings, rag_counts
from deliverables.indicators.rules import sees_indicator_work
from deliverables.indicators.selectors import outcome_ids_by_indicator
from deliverables.indicators.series import indicator_series
from deliverables.models import Indicator
from plans.access import plan_for
from plans.models import Plan, ReportingPeriod

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows a page shows: drawing 500 rows of figures, rules and comparators took most of a second
# at county scale. The counts and the files cover every row the filters keep.
PAGE_SIZE = 100


@dataclass
class Listing:
    period: ReportingPeriod | None
    form: IndicatorFilterForm
    readings: list[Reading]
    shown: list[Reading]
    outcomes_of: dict[int, list[str]]


def _listing(request: HttpRequest, plan: Plan) -> Listing:
    """The quarter's readings for this reader, and those the filters in ?… keep."""
    period = period_for(plan, request.GET.get("period"))
    readings = quarter_readings(plan, period, request.user) if period else []
    outcomes = list(plan.outcomes.order_by("order", "name"))
    directorates = sorted(
        {r.indicator.directorate for r in readings if r.indicator.directorate},
        key=lambda d: d.name,
    )
    form = IndicatorFilterForm(
        request.GET,
        outcomes=outcomes,
        directorates=directorates,
        outcome_label=plan.outcome_label,
    )
    form.is_valid()  # an invalid filter is shown as an error; the valid ones still apply
    outcome_ids = outcome_ids_by_indicator([r.indicator for r in readings])
    outcomes_of = {pk: [o.name for o in outcomes if o.pk in ids] for pk, ids in outcome_ids.items()}
    shown = filter_readings(readings, form.cleaned_data, outcome_ids)
    return Listing(period, form, readings, shown, outcomes_of)


def _query(listing: Listing) -> str:
    """The period and the valid filters, for the file links and the outcome column's links."""
    query = QueryDict(mutable=True)
    if listing.period:
        query["period"] = listing.period.code
    for name, value in listing.form.cleaned_data.items():
        if value:
            query[name] = value
    return query.urlencode()


@require_GET
def indicator_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's indicators for a quarter, each with its value, target, RAG and rule,
    directions and comparators; filtered by outcome, directorate, RAG and direction."""
    plan = plan_for(request.user, slug)
    listing = _listing(request, plan)
    page = Paginator(listing.shown, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "deliverables/indicator_list.html",
        {
            "plan": plan,
            "period": listing.period,
            "periods": list(ReportingPeriod.objects.for_plan(plan).newest_first()),
            "form": listing.form,
            "readings": listing.shown,
            "page": page,
            "total": len(listing.readings),
            "counts": _labelled_counts(listing.shown),
            "outcomes_of": listing.outcomes_of,
            "query": _query(listing),
            "nav_section": "plans",
        },
    )


def _labelled_counts(readings: list[Reading]) -> list[tuple[str, str, int]]:
    return [(key, RAG_LABELS[key], count) for key, count in rag_counts(readings).items()]


def _export(request: HttpRequest, slug: str) -> tuple[Plan, Listing, list[list]] | HttpResponse:
    plan = plan_for(request.user, slug)
    listing = _listing(request, plan)
    if listing.period is None:
        return HttpResponse("This plan has no quarters yet.", status=404, content_type="text/plain")
    if listing.form.errors:
        # A file with other rows than were asked for would be worse than none.
        return HttpResponse(
            "A filter was not understood: go back to the indicator list and choose again.",
            status=400,
            content_type="text/plain",
        )
    return plan, listing, list(export_rows(listing.shown, listing.outcomes_of))


@require_GET
def indicator_list_csv(request: HttpRequest, slug: str) -> HttpResponse:
    found = _export(request, slug)
    if isinstance(found, HttpResponse):
        return found
    plan, listing, rows = found
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads a CSV as UTF-8 only with the byte-order mark
    csv.writer(out).writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"{plan.slug}-{listing.period.code}-indicators.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def indicator_list_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    found = _export(request, slug)
    if isinstance(found, HttpResponse):
        return found
    plan, listing, rows = found
    book = Workbook(write_only=True)
    sheet = book.create_sheet(listing.period.label.replace("/", "-"))
    sheet.freeze_panes = "A2"
    header, *body = rows
    bold = Font(bold=True)
    sheet.append([_bold_cell(sheet, text, bold) for text in header])
    for row in body:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    name = f"{plan.slug}-{listing.period.code}-indicators.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _bold_cell(sheet, value, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def indicator_for(user, plan: Plan, code: str) -> Indicator:
    """An indicator of a plan the user may read (every signed-in reader of the plan)."""
    indicator = get_object_or_404(
        Indicator.objects.for_plan(plan).select_related("owner", "directorate"), code=code
    )
    indicator.plan = plan
    return indicator


def _open_quarter_due(plan: Plan, indicator: Indicator) -> ReportingPeriod | None:
    """The plan's open quarter in which the indicator has values due (its owner's way to the
    entry page from whichever quarter the page shows)."""
    for period in ReportingPeriod.objects.for_plan(plan).open().newest_first():
        if pts.points_in_quarter(indicator.frequency, period.quarter):
            period.plan = plan
            return period
    return None


@require_GET
def indicator_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """An indicator's definition, its quarter's reading, its chart and history table, and (for
    those who see its work in progress) its audit trail."""
    plan = plan_for(request.user, slug)
    indicator = indicator_for(request.user, plan, code)
    period = period_for(plan, request.GET.get("period"))
    reading = quarter_readings(plan, period, request.user, [indicator])[0] if period else None
    series = indicator_series(indicator, request.user, until=period)
    outcomes = list(indicator.outcomes.order_by("order", "name"))
    deliverables = list(indicator.deliverables.select_related("outcome").order_by("ref"))
    actions = list(indicator.actions.order_by("ref"))
    for item in [*outcomes, *actions, *(d.outcome for d in deliverables)]:
        item.plan = plan  # for their URLs, without a query each
    work = sees_indicator_work(request.user, indicator)
    # The owner reading their indicator in an open quarter needs a way to its entry page, not
    # only the one on My updates.
    enters = None
    if indicator.is_active and can_enter_values(request.user, indicator):
        enters = _open_quarter_due(plan, indicator)
    return render(
        request,
        "deliverables/indicator_detail.html",
        {
            "plan": plan,
            "indicator": indicator,
            "period": period,
            "periods": list(ReportingPeriod.objects.for_plan(plan).newest_first()),
            "reading": reading,
            "series": list(reversed(series)),
            "chart": line_chart("indicator-chart", indicator, series) if series else None,
            "outcomes": outcomes,
            "deliverables": deliverables,
            "actions": actions,
            "sees_work": work,
            "enters": enters,
            "timeline": indicator_timeline(indicator) if work else [],
            "nav_section": "plans",
        },
    )
