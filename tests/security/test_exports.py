"""Formula injection: no CSV or XLSX this service writes holds a cell a spreadsheet would run.

Text beginning with = + - @, a tab or a carriage return is put in every free-text place the
exports read from (outcome, deliverable, action, commentary, directorate, officer, status, the
plan's own labels), bypassing the sanitiser as a legacy row would. Every export is then read
back cell by cell.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX

from deliverables import resources as deliverable_resources
from deliverables.models import Action, Deliverable, Indicator, IndicatorValue, QuarterlyUpdate
from plans import resources as plan_resources
from plans.formulae import DANGEROUS_STARTS
from plans.models import Directorate, Plan, Status, StrategicOutcome, Theme, User
from reports.services import report_start
from tests import factories

HOSTILE = {
    "outcome": "=1+1 Best start in life",
    "deliverable": "+44 We will provide good school places",
    "action": "-5% Attendance is everybody's business",
    "commentary": "@SUM(A1:A9) attendance fell",
    "tab": "\tTabbed commentary",
    "cr": "\rCarriage return commentary",
    "directorate": '=HYPERLINK("http://evil.example","Children")',
    "officer": "=cmd|' /C calc'!A0",
    "status": "-Delayed",
    "label": "@Action",
    "indicator": "=SUM(1) New birth visits",
    "indicator_commentary": "+97.9% against 97.6 nationally",
}


@pytest.fixture
def hostile_cycle(cycle):
    plan = cycle.plan
    StrategicOutcome.objects.filter(plan=plan, order=1).update(name=HOSTILE["outcome"])
    Deliverable.objects.filter(outcome__plan=plan, ref="B3").update(title=HOSTILE["deliverable"])
    Action.objects.filter(pk=cycle.ch5.pk).update(title=HOSTILE["action"])
    updates = QuarterlyUpdate.objects.filter(period=cycle.q3)
    updates.filter(action=cycle.ch5).update(commentary=HOSTILE["commentary"])
    updates.filter(action=cycle.ch6).update(commentary=HOSTILE["tab"])
    updates.filter(action=cycle.ph5).update(commentary=HOSTILE["cr"])
    Directorate.objects.filter(code="CH").update(name=HOSTILE["directorate"])
    User.objects.filter(pk=cycle.officer.pk).update(first_name=HOSTILE["officer"])
    Status.objects.filter(scale__plan=plan, label="Delayed").update(label=HOSTILE["status"])
    Plan.objects.filter(pk=plan.pk).update(action_label=HOSTILE["label"])
    Theme.objects.create(outcome=cycle.plan.outcomes.first(), name="+Theme", order=1)
    # An off-target indicator of the officer's, under the hostile outcome (through CH6).
    indicator = factories.indicator(
        plan, "BIRTH", "x", target=99, owner=cycle.officer, directorate=cycle.ch6.directorate
    )
    indicator.actions.add(cycle.ch6)
    factories.indicator_value(indicator, 2023, 3, "97.9", "x")
    Indicator.objects.filter(pk=indicator.pk).update(title=HOSTILE["indicator"])
    IndicatorValue.objects.filter(indicator=indicator).update(
        commentary=HOSTILE["indicator_commentary"]
    )
    return cycle


def csv_cells(data: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return [cell for row in rows for cell in row]


def xlsx_cells(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value is not None:
                    cells.append(str(cell.value))
    return cells


def assert_nothing_runs(name: str, cells: list[str]) -> None:
    dangerous = [cell for cell in cells if cell.startswith(DANGEROUS_STARTS)]
    assert not dangerous, (name, dangerous)


def body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_no_export_holds_a_formula(client, hostile_cycle, users):
    cycle = hostile_cycle
    slug, code = cycle.plan.slug, cycle.q3.code
    client.force_login(users["performance"])
    report = report_start(users["performance"], cycle.q3)
    exports = {
        "register.csv": (
            csv_cells,
            reverse("reports:register_csv", args=[slug]) + f"?period={code}",
        ),
        "register.xlsx": (
            xlsx_cells,
            reverse("reports:register_xlsx", args=[slug]) + f"?period={code}",
        ),
        "tracker.xlsx": (xlsx_cells, reverse("deliverables:export_tracker", args=[slug, code])),
        "report.xlsx": (xlsx_cells, reverse("reports:report_xlsx", args=[report.pk])),
        "indicators.csv": (
            csv_cells,
            reverse("deliverables:indicators_csv", args=[slug]) + f"?period={code}",
        ),
        "indicators.xlsx": (
            xlsx_cells,
            reverse("deliverables:indicators_xlsx", args=[slug]) + f"?period={code}",
        ),
    }
    read = {}
    for name, (reader, url) in exports.items():
        read[name] = reader(body(client.get(url)))
        assert_nothing_runs(name, read[name])

    # The hostile text is there, defused by a leading quote, not dropped.
    for name in ("register.csv", "register.xlsx", "tracker.xlsx", "report.xlsx"):
        assert "'" + HOSTILE["action"] in read[name], name
        assert "'" + HOSTILE["commentary"] in read[name], name
    for name in ("register.csv", "register.xlsx", "report.xlsx"):
        assert "'" + HOSTILE["status"] in read[name], name
        assert "'" + HOSTILE["directorate"] in read[name], name
    for name in ("tracker.xlsx", "report.xlsx"):
        assert "'" + HOSTILE["outcome"] in read[name], name
    assert "'" + HOSTILE["tab"] in read["register.csv"]
    for name in ("indicators.csv", "indicators.xlsx", "report.xlsx"):
        assert "'" + HOSTILE["indicator"] in read[name], name
        assert "'" + HOSTILE["indicator_commentary"] in read[name], name
    for name in ("indicators.csv", "indicators.xlsx"):
        assert "'" + HOSTILE["directorate"] in read[name], name
        assert "'" + HOSTILE["outcome"] in read[name], name


ADMIN_RESOURCES = [
    plan_resources.PlanResource,
    plan_resources.DirectorateResource,
    plan_resources.StatusScaleResource,
    plan_resources.StatusResource,
    plan_resources.StrategicOutcomeResource,
    plan_resources.ThemeResource,
    plan_resources.ReportingPeriodResource,
    deliverable_resources.DeliverableResource,
    deliverable_resources.ActionResource,
    deliverable_resources.ActionPlacementResource,
    deliverable_resources.QuarterlyUpdateResource,
]


@pytest.mark.django_db
@pytest.mark.parametrize("resource", ADMIN_RESOURCES, ids=lambda r: r.__name__)
def test_admin_exports_hold_no_formula_and_import_back_unchanged(hostile_cycle, resource):
    dataset = resource().export()
    assert len(dataset), "the export has rows"
    assert_nothing_runs(f"{resource.__name__}.csv", csv_cells(CSV().export_data(dataset).encode()))
    assert_nothing_runs(f"{resource.__name__}.xlsx", xlsx_cells(XLSX().export_data(dataset)))
    # Read back through the same resource: the quote comes off, nothing changes.
    result = resource().import_data(dataset, dry_run=True)
    assert not result.has_errors(), [e.error for e in result.base_errors]
    assert not result.has_validation_errors(), [
        (row.number, row.error_dict) for row in result.invalid_rows
    ]
    assert {row.import_type for row in result.rows} <= {"skip", "update"}
