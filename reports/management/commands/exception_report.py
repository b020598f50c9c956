"""Write a quarter's (or a monthly plan's month's) exception report from the command line.

    python manage.py exception_report --plan PLAN_SLUG --period 2024-25-Q2|2022-05 \
        --format pdf|docx|xlsx|html --output FILE [--report-version N] [--draft]

Without --report-version it writes the latest published version; with none published (or with
--draft) it builds the report from the live data, as a draft, without saving anything.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans.models import PERIOD_FORMS, Plan, ReportingPeriod, parse_any_period
from plans.periods import MONTH_FORMS
from reports.builder import build_report, report_data
from reports.models import ExceptionReport, ReportKind, ReportState
from reports.render import pdf_html, render_pdf, render_xlsx
from reports.word import render_docx


def render_html(data) -> bytes:
    """A standalone page: the PDF's markup, which carries its own print stylesheet."""
    return pdf_html(data).encode("utf-8")


RENDERERS = {"pdf": render_pdf, "docx": render_docx, "xlsx": render_xlsx, "html": render_html}


class Command(BaseCommand):
    help = "Write a quarter's exception report as PDF, Word, Excel or HTML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True)
        parser.add_argument(
            "--period", required=True, help=f"Like {PERIOD_FORMS}; a month like {MONTH_FORMS}."
        )
        parser.add_argument("--format", required=True, choices=sorted(RENDERERS))
        parser.add_argument("--output", required=True)
        parser.add_argument(
            "--report-version", type=int, help="A published or draft version number."
        )
        parser.add_argument("--draft", action="store_true", help="Build from the live data.")

    def handle(self, *args, **options) -> None:
        plan = Plan.objects.filter(slug=options["plan"]).first()
        if plan is None:
            raise CommandError(f"No plan {options['plan']!r}")
        try:
            year, quarter, month = parse_any_period(options["period"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        wanted = ReportingPeriod(plan=plan, year=year, quarter=quarter, month=month)
        period = ReportingPeriod.objects.for_plan(plan).by_code(wanted.code).first()
        if period is None:
            raise CommandError(f"{plan.name} has no {wanted.word} {wanted.code}")
        reports = ExceptionReport.objects.filter(period=period, kind=ReportKind.EXCEPTIONS)
        if options["report_version"]:
            report = reports.filter(version=options["report_version"]).first()
            if report is None:
                raise CommandError(f"No version {options['version']} of that report")
        elif options["draft"]:
            report = ExceptionReport(plan=plan, period=period, version=0)
        else:
            report = reports.filter(state=ReportState.PUBLISHED).order_by("-version").first()
            report = report or reports.filter(state=ReportState.DRAFT).first()
            report = report or ExceptionReport(plan=plan, period=period, version=0)
        started = time.perf_counter()
        data = report_data(report) if report.pk else build_report(report)
        built = time.perf_counter()
        content = RENDERERS[options["format"]](data)
        Path(options["output"]).write_bytes(content)
        finished = time.perf_counter()
        which = f"version {report.version}, {report.state}" if report.pk else "built now, unsaved"
        self.stdout.write(
            f"Wrote {options['output']} ({len(content):,} bytes): {plan.name}, {period.label} "
            f"({which}); {data.exception_count} exceptions; built in {built - started:.2f} s, "
            f"rendered in {finished - built:.2f} s"
        )
