"""The period page's downloads: its published reports and its open data files with sizes."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from plans.models import Plan, ReportingPeriod
from public import opendata
from public.views_data import cached_data_csv, cached_data_json, cached_indicators_csv

register = template.Library()


@dataclass
class DataFile:
    label: str
    url: str
    format: str
    size: str


@register.simple_tag(takes_context=True)
def period_downloads(context, plan: Plan, period: ReportingPeriod) -> dict:
    """{"reports": the period's published reports, "files": its data files}. A file's size
    is its cached copy's, so the page makes (and caches) each file once per publish."""
    request = context["request"]
    args = [plan.slug, period.code]
    made = [
        ("Every action (CSV)", "public:data_csv", "CSV", lambda: cached_data_csv(plan, period)),
        (
            "Every action, totals and indicators (JSON)",
            "public:data_json",
            "JSON",
            lambda: cached_data_json(request, plan, period),
        ),
        (
            "Indicators (CSV)",
            "public:indicators_csv",
            "CSV",
            lambda: cached_indicators_csv(plan, period),
        ),
    ]
    files = []
    for label, name, kind, response in made:
        try:
            content = response().content
        except Http404:  # no indicators: no indicator file
            continue
        files.append(DataFile(label, reverse(name, args=args), kind, filesizeformat(len(content))))
    return {
        "reports": opendata.published_reports(plan, period),
        "files": files,
        "licence": opendata.LICENCE,
    }
