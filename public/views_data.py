"""Open data files of a published period (CSV, JSON, indicators CSV) and the data dictionary.

Each view: the public rule (public.rules) against the database first, 404 otherwise; then the
file from the public cache, built from public.opendata's rows when the plan has changed.
"""

from __future__ import annotations

import csv
import io
import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from plans.formulae import escape_formula
from plans.models import Plan, ReportingPeriod
from plans.statuses import Scale
from public import opendata
from public.cache import cached_response
from public.decorators import public_view
from public.rules import public_period_for, public_plan_for, public_plans
from reports.services import latest_published

CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


def _licensed(response: HttpResponse) -> HttpResponse:
    response["Link"] = f'<{opendata.LICENCE["url"]}>; rel="license"'
    return response


def _csv(rows: list[list], filename: str) -> HttpResponse:
    """UTF-8 with a byte-order mark (so Excel reads it as UTF-8), every text formula-escaped."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([escape_formula(value) for value in row])
    response = HttpResponse(out.getvalue(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _licensed(response)


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(value)
    return value


def _file_name(plan: Plan, period: ReportingPeriod, what: str) -> str:
    return f"{plan.slug}-{period.code}-{what}"


def _fetch(slug: str, code: str) -> tuple[Plan, ReportingPeriod]:
    plan = public_plan_for(slug)
    return plan, public_period_for(plan, code)


def build_data_csv(plan: Plan, period: ReportingPeriod) -> HttpResponse:
    rows = [[f.header for f in opendata.FIELDS]]
    rows += [
        [_cell(row[f.key]) for f in opendata.FIELDS] for row in opendata.action_rows(plan, period)
    ]
    return _csv(rows, _file_name(plan, period, "actions.csv"))


def build_indicators_csv(plan: Plan, period: ReportingPeriod) -> HttpResponse:
    rows = opendata.indicator_rows(plan, period)
    if not rows:
        raise Http404("This plan has no indicators.")
    return _csv(rows, _file_name(plan, period, "indicators.csv"))


def build_data_json(request: HttpRequest, plan: Plan, period: ReportingPeriod) -> HttpResponse:
    report = latest_published(period)
    published = report.published_at.date().isoformat() if report and report.published_at else None
    document = {
        "licence": opendata.LICENCE,
        "attribution": opendata.ATTRIBUTION,
        "publisher": _publisher(),
        "plan": {"name": plan.name, "slug": plan.slug},
        "period": {"code": period.code, "label": period.label},
        "published": published,
        "data_dictionary": request.build_absolute_uri(reverse("public:data_dictionary")),
        "statuses": [
            {"label": s.label, "rag": s.rag, "exception": s.is_exception}
            for s in Scale.of(plan).statuses
        ],
        "totals": opendata.totals(plan, period),
        "actions": opendata.action_rows(plan, period),
    }
    indicators = opendata.indicator_records(opendata.indicator_rows(plan, period))
    if indicators:
        document["indicators"] = indicators
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1), content_type=JSON_TYPE
    )
    response["Content-Disposition"] = (
        f'inline; filename="{_file_name(plan, period, "open-data.json")}"'
    )
    return _licensed(response)


def _publisher() -> str:
    return settings.COUNCIL_NAME


def cached_data_csv(plan: Plan, period: ReportingPeriod) -> HttpResponse:
    return cached_response(
        plan.pk, ("public:data_csv", period.code), lambda: build_data_csv(plan, period)
    )


def cached_data_json(request: HttpRequest, plan: Plan, period: ReportingPeriod) -> HttpResponse:
    # The dictionary's absolute address differs per scheme and host.
    return cached_response(
        plan.pk,
        ("public:data_json", period.code, request.scheme, request.get_host()),
        lambda: build_data_json(request, plan, period),
    )


def cached_indicators_csv(plan: Plan, period: ReportingPeriod) -> HttpResponse:
    return cached_response(
        plan.pk,
        ("public:indicators_csv", period.code),
        lambda: build_indicators_csv(plan, period),
    )


@public_view
def data_csv(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """One row per action in the period, as everyone reads it."""
    plan, period = _fetch(slug, code)
    return cached_data_csv(plan, period)


@public_view
def data_json(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The period as JSON: licence, totals, the actions and any indicators."""
    plan, period = _fetch(slug, code)
    return cached_data_json(request, plan, period)


@public_view
def indicators_csv(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The period's indicators (404 when the plan has none)."""
    plan, period = _fetch(slug, code)
    return cached_indicators_csv(plan, period)


@public_view
def data_dictionary(request: HttpRequest) -> HttpResponse:
    """Every field of the files, the statuses and RAG, counting, licence and update cycle."""
    return render(
        request,
        "public/data_dictionary.html",
        {
            "fields": opendata.FIELDS,
            "indicator_fields": opendata.indicator_fields(),
            "scales": [(plan, Scale.of(plan).statuses) for plan in public_plans()],
            "licence": opendata.LICENCE,
            "attribution": opendata.ATTRIBUTION,
        },
    )
