"""The performance dashboard and the filterable action register, with its CSV and XLSX exports."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from deliverables.access import period_for
from deliverables.models import ActionPlacement
from deliverables.rules import MOVEMENTS
from plans.access import plan_for
from plans.formulae import escape_formula
from plans.models import Plan, ReportingPeriod
from plans.permissions import can_change_actions
from plans.statuses import Scale
from reports import choices
from reports.charts import bar_chart, trend_chart
from reports.dashboard import build_dashboard
from reports.filters import SORT_LABELS, RegisterFilter, sort_order
from reports.indicators import indicator_panel
from reports.selectors import deliverable_labels, lead_name, register_actions, with_names

PAGE_SIZE = 50
EXPORT_CHUNK = 500


@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """A plan's quarter at a glance: status by outcome and directorate, movement, trend, and
    the indicators by RAG with those worsening."""
    plan = plan_for(request.user, slug)
    period = period_for(plan, request.GET.get("period"), latest=True)
    periods = list(ReportingPeriod.objects.for_plan(plan).newest_first())
    context = {
        "plan": plan,
        "period": period,
        "periods": periods,
        "movement_labels": [*MOVEMENTS.items(), ("turned_red", "turned red")],
        "outcome_caption": f"Actions by status for each {plan.outcome_label.lower()}",
        "nav_section": "dashboard",
    }
    if period is not None:
        data = build_dashboard(plan, period, request.user)
        context.update(
            data=data,
            overall_chart=bar_chart(
                "overall", f"All actions by status, {period.label}", [data.overall], data.legend
            ),
            outcome_chart=bar_chart(
                "outcomes",
                f"Actions by status for each {plan.outcome_label.lower()}, {period.label}",
                data.outcomes,
                data.legend,
            ),
            directorate_chart=bar_chart(
                "directorates",
                f"Actions by status for each directorate, {period.label}",
                data.directorates,
                data.legend,
            ),
            trend=trend_chart(
                "trend",
                f"Share of actions in each status, {len(data.trend)} {plan.period_words} to "
                f"{period.label}",
                data.trend,
                data.legend,
            ),
        )
        panel = indicator_panel(plan, period, request.user)
        if panel is not None:
            context.update(
                indicators=panel,
                indicator_chart=bar_chart(
                    "indicators",
                    f"Indicators by RAG, {period.label}",
                    [panel.row],
                    panel.statuses,
                ),
            )
    return render(request, "reports/dashboard.html", context)


def _register(request: HttpRequest, plan: Plan):
    """The filtered, sorted register for the quarter asked for (None if the plan has none)."""
    period = period_for(plan, request.GET.get("period"), latest=True)
    if period is None:
        return None
    scale = Scale.of(plan)
    previous = period.previous()
    actions = register_actions(plan, period, previous, scale, request.user)
    filterset = RegisterFilter(request.GET, actions, plan=plan, scale=scale, request=request)
    sort, fields = sort_order(request.GET.get("sort"))
    queryset = filterset.qs.select_related("directorate", "lead_officer").order_by(*fields)
    return period, previous, scale, filterset, queryset, sort


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@require_GET
def register(request: HttpRequest, slug: str) -> HttpResponse:
    """Every action with its current and previous status, filtered, sorted and paginated."""
    plan = plan_for(request.user, slug)
    found = _register(request, plan)
    context = {"plan": plan, "nav_section": "register"}
    if found is None:
        return render(request, "reports/register.html", context)
    period, previous, scale, filterset, queryset, sort = found
    page = Paginator(
        with_names(queryset).prefetch_related(
            Prefetch(
                "placements",
                queryset=ActionPlacement.objects.select_related("deliverable").order_by("order"),
            )
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    by_pk = scale.by_pk
    for action in page:
        action.plan = plan
        action.now = by_pk.get(action.status_now)
        action.before = by_pk.get(action.status_before)
        action.lead_name = lead_name(action)
        action.deliverable_refs = deliverable_labels(
            p.deliverable for p in action.placements.all() if p.deliverable
        )
    sort_links = []
    base = _query_without(request, "sort", "page")
    for key, label in SORT_LABELS.items():
        next_sort = f"-{key}" if sort == key else key
        sort_links.append(
            {
                "key": key,
                "label": label,
                "url": f"?{base}&sort={next_sort}" if base else f"?sort={next_sort}",
                "current": sort.lstrip("-") == key,
                "descending": sort == f"-{key}",
            }
        )
    context.update(
        period=period,
        previous=previous,
        periods=list(ReportingPeriod.objects.for_plan(plan).newest_first()),
        filterset=filterset,
        page=page,
        sort_links=sort_links,
        query=_query_without(request, "page"),
        export_query=_query_without(request, "page"),
        statuses=scale.legend(set(scale.by_pk)),
        people_query=_people_query(request, period) if can_change_actions(request.user) else None,
        typed=_typed_filters(plan, filterset),
    )
    return render(request, "reports/register.html", context)


def _typed_filters(plan: Plan, filterset: RegisterFilter) -> dict[str, dict]:
    """The deliverable and lead-officer boxes: what each shows, what it found, and where its
    suggestions come from (reports.choices; the page no longer lists them all)."""
    source = reverse("reports:register_choices", args=[plan.slug])
    typed = {}
    for name in choices.FIELDS:
        raw = filterset.form[name].value() or ""
        picked = filterset.picked.get(name)
        typed[name] = {
            "raw": raw,
            "text": picked.text if picked else raw,
            "matches": picked.matches if picked else None,
            "source": f"{source}?{urlencode({'field': name})}",
        }
    return typed


# The register's filters that the assign-people page has too; its quarter is "in quarter".
PEOPLE_FILTERS = ("q", "outcome", "directorate", "lead_officer")


def _people_query(request: HttpRequest, period: ReportingPeriod) -> str:
    """The assign-people page's query string for the actions the register is showing."""
    query = QueryDict(mutable=True)
    for name in PEOPLE_FILTERS:
        value = request.GET.get(name, "")
        # That page picks a lead officer by id only; words typed here are not carried over.
        if value and (name != "lead_officer" or value.isdigit()):
            query[name] = value
    query["period"] = period.code
    return query.urlencode()


def _export_rows(
    queryset: QuerySet, scale: Scale, period: ReportingPeriod, previous
) -> Iterator[list]:
    """The register's rows for export, fetched in chunks so memory stays flat."""
    by_pk = scale.by_pk
    yield [
        "Reference", "Action", "Directorate", "Lead officer", "Deliverables",
        f"Status {period.label}",
        f"Status {previous.label if previous else 'previous ' + period.word}",
        f"Commentary {period.label}",
    ]  # fmt: skip
    chunk: list = []

    def flush(items: list) -> Iterator[list]:
        served: dict[int, list] = {}
        for placement in ActionPlacement.objects.filter(
            action_id__in=[a.pk for a in items], deliverable__isnull=False
        ).select_related("deliverable"):
            served.setdefault(placement.action_id, []).append(placement.deliverable)
        for action in items:
            now, before = by_pk.get(action.status_now), by_pk.get(action.status_before)
            yield [
                escape_formula(value)
                for value in (
                    action.ref,
                    action.title,
                    action.directorate.name if action.directorate else "",
                    str(action.lead_officer) if action.lead_officer else "",
                    "; ".join(deliverable_labels(served.get(action.pk, []))),
                    now.label if now else "Not yet updated",
                    before.label if before else "",
                    action.commentary_now or "",
                )
            ]

    for action in queryset.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(action)
        if len(chunk) == EXPORT_CHUNK:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


@require_GET
def register_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The filtered register as CSV (streamed) or XLSX (written row by row)."""
    plan = plan_for(request.user, slug)
    found = _register(request, plan)
    if found is None:
        return HttpResponse(
            f"This plan has no {plan.period_words} yet.", status=404, content_type="text/plain"
        )
    period, previous, scale, _filterset, queryset, _sort = found
    name = f"{plan.slug}-{period.code}-register"
    rows = _export_rows(queryset, scale, period, previous)
    if fmt == "csv":
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse(
            ("\ufeff" if index == 0 else "") + writer.writerow(row)
            for index, row in enumerate(rows)
        )
        response["Content-Type"] = "text/csv; charset=utf-8"
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    book = Workbook(write_only=True)
    sheet = book.create_sheet(period.label.replace("/", "-"))
    for row in rows:
        sheet.append(row)
    spool = tempfile.SpooledTemporaryFile(max_size=10_000_000)  # noqa: SIM115 - FileResponse closes it
    book.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{name}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
