"""Every surface that shows an indicator's figure for a quarter gives the same figure and RAG,
for every audience, as a plain-Python model of the rules (README "How indicators are rated and
counted"): the indicator list, its CSV and Excel files, each indicator's page, the outcome
page, the dashboard's counts and the exception report's off-target section.

Random indicators (frequency, polarity, cumulative, tolerance, targets and profiles) with
values in random states over two years are read in the closed Q3 or the open Q4 by a viewer,
an officer of another directorate, the owner (when it has one), the approver of its
directorate and the performance team.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliverables.indicators import rag
from reports.builder import build_report
from reports.models import ExceptionReport
from tests.deliverables import test_indicator_rules as model

EXAMPLES = 15
CENT = Decimal("0.005")


def sees_work(reader: str, owned: bool) -> bool:
    """Rule 2: the owner, the directorate's approvers and the performance team."""
    return reader in ("approver", "performance") or (reader == "officer" and owned)


def want_for(world: dict, reader: str, locked: bool) -> dict:
    return model.reference_reading(world, sees_work(reader, world["owned"]), locked)


def same_figure(cell, want: dict) -> bool:
    """A file's value cell against the model: the figure (to the two places shown), or the
    reason there is none."""
    if want["value"] is None:
        return cell == want["text"]
    return abs(Decimal(str(cell)) - want["value"]) <= CENT


def dashboard_counts(html: str) -> list[int]:
    """The numbers in the dashboard's "Indicators by RAG" table, in its column order."""
    table = re.search(r"Indicators by RAG, .*?</caption>(.*?)</table>", html, re.S)
    assert table, "no indicators table on the dashboard"
    row = re.search(r"<tbody.*?</tbody>", table.group(1), re.S).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return [int(re.sub(r"<[^>]+>.*", "", re.sub(r"^<a[^>]*>", "", c)).strip()) for c in cells]


def check_reader(reader, client, cycle, period, worlds, indicators):
    wants = {
        ind.code: want_for(world, reader, period.is_locked)
        for world, ind in zip(worlds, indicators, strict=True)
    }
    want_counts = dict.fromkeys([rag.GREEN, rag.AMBER, rag.RED, rag.GREY, rag.MISSING], 0)
    for want in wants.values():
        want_counts[want["rag"]] += 1
    slug, query = cycle.plan.slug, {"period": period.code}

    # The list page: its counts, and each row's reading.
    page = client.get(reverse("deliverables:indicators", args=[slug]), query)
    assert page.status_code == 200
    assert {key: n for key, _label, n in page.context["counts"]} == want_counts, reader
    for reading in page.context["readings"]:
        want = wants[reading.indicator.code]
        assert reading.value == want["value"] and reading.rag == want["rag"], reader
        assert reading.value_text in page.content.decode()

    # The CSV and the Excel file: the same rows.
    response = client.get(reverse("deliverables:indicators_csv", args=[slug]), query)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    code, value, rag_col = header.index("Code"), header.index("Value"), header.index("RAG")
    assert sorted(r[code] for r in body) == sorted(wants), reader
    for row in body:
        want = wants[row[code]]
        assert same_figure(row[value], want), (reader, "csv", row, want)
        assert row[rag_col] == rag.RAG_LABELS[want["rag"]], (reader, "csv")
    response = client.get(reverse("deliverables:indicators_xlsx", args=[slug]), query)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    sheet_rows = [list(r) for r in sheet.iter_rows(values_only=True)][1:]
    for row in sheet_rows:
        want = wants[row[code]]
        assert same_figure(row[value], want), (reader, "xlsx", row, want)
        assert row[rag_col] == rag.RAG_LABELS[want["rag"]], (reader, "xlsx")

    # Each indicator's page.
    for indicator in indicators:
        want = wants[indicator.code]
        detail = client.get(reverse("deliverables:indicator", args=[slug, indicator.code]), query)
        reading = detail.context["reading"]
        assert (reading.value, reading.rag) == (want["value"], want["rag"]), (reader, "page")
        assert reading.direction == want["direction"], (reader, "page direction")

    # The first outcome's page lists the indicators linked to its action.
    outcome = cycle.ch6.placements.get().outcome
    shown = client.get(outcome.get_absolute_url(), query)
    linked = [i for i, w in zip(indicators, worlds, strict=True) if w["linked"] == "action"]
    for indicator in linked:
        assert indicator.code in shown.content.decode(), (reader, "outcome page")

    # The dashboard's counts by RAG.
    dashboard = client.get(reverse("reports:dashboard", args=[slug]), query)
    order = [rag.GREEN, rag.AMBER, rag.RED, rag.GREY, rag.MISSING]
    assert dashboard_counts(dashboard.content.decode()) == [
        *(want_counts[k] for k in order),
        len(indicators),
    ], reader


def check_report(cycle, period, worlds, indicators):
    """The exception report counts what everyone may read: the viewer's figures."""
    report = build_report(ExceptionReport(plan=cycle.plan, period=period, version=1))
    listed = {line.code for s in report.sections for line in s.indicators}
    listed |= {line.code for line in report.unlinked_indicators}
    off = {
        ind.code
        for world, ind in zip(worlds, indicators, strict=True)
        if want_for(world, "viewer", period.is_locked)["rag"] == rag.RED
    }
    assert listed == off


@st.composite
def several(draw):
    found = draw(st.lists(model.worlds(), min_size=1, max_size=3))
    quarter = draw(st.sampled_from([3, 4]))
    for world in found:
        world["quarter"] = quarter  # one quarter read for all
        world["linked"] = draw(st.sampled_from(["action", "outcome", "none"]))
    return found


@pytest.mark.django_db
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(worlds=several())
def test_every_surface_gives_the_models_figure_for_every_audience(worlds, cycle):
    period = cycle.q3 if worlds[0]["quarter"] == 3 else cycle.q4
    second_outcome = cycle.f1.placements.get().outcome
    with transaction.atomic():
        indicators = []
        for index, world in enumerate(worlds):
            indicator = model.build(world, cycle, code=f"K{index}")
            if world["linked"] == "action":
                indicator.actions.add(cycle.ch6)
            elif world["linked"] == "outcome":
                indicator.outcomes.add(second_outcome)
            indicators.append(indicator)
        for reader in ("viewer", "other_officer", "officer", "approver", "performance"):
            client = Client()
            client.force_login(getattr(cycle, reader))
            check_reader(reader, client, cycle, period, worlds, indicators)
        check_report(cycle, period, worlds, indicators)
        transaction.set_rollback(True)
