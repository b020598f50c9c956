"""The period page's downloads: its published reports and its open data files."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse

from deliverables.models import Indicator
from plans.models import Plan, ReportingPeriod
from public import opendata

register = template.Library()


@dataclass
class DataFile:
    label: str
    url: str
    format: str
    holds: str


@register.simple_tag
def period_downloads(plan: Plan, period: ReportingPeriod) -> dict:
    """{"reports": the period's published reports, "files": its data files}. Nothing is built
    here: each file is made (and cached) when it is first asked for."""
    args = [plan.slug, period.code]
    files = [
        DataFile(
            "Every action (CSV)",
            reverse("public:data_csv", args=args),
            "CSV",
            "One row per action: its place in the plan, status and commentary",
        ),
        DataFile(
            "Every action, totals and indicators (JSON)",
            reverse("public:data_json", args=args),
            "JSON",
            "The same actions, the status counts and the indicators, with the licence",
        ),
    ]
    # The same test the indicators file answers 404 by: the plan has indicators to read.
    if Indicator.objects.filter(plan=plan, is_active=True).exists():
        files.append(
            DataFile(
                "Indicators (CSV)",
                reverse("public:indicators_csv", args=args),
                "CSV",
                "One row per indicator: its value, target and rating",
            )
        )
    return {
        "reports": opendata.published_reports(plan, period),
        "files": files,
        "licence": opendata.LICENCE,
    }
