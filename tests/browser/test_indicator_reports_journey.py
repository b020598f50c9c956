"""Indicators on the dashboard and in the exception report, in a real browser: axe clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reports.services import report_start
from tests.factories import PASSWORD


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_and_the_report_show_indicators(page, live_server, kpis, sign_in, audit):
    cycle = kpis.cycle
    sign_in(page, "approver", PASSWORD)
    page.goto(f"{live_server.url}/plans/{cycle.plan.slug}/dashboard/?period=2023-24-Q4")
    expect(page.get_by_role("heading", name="Indicators", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Indicators by RAG, Q4 2023/24")).to_be_visible()
    table = page.get_by_role("table", name="Indicators by RAG, Q4 2023/24")
    expect(table.get_by_role("link", name="1 within tolerance")).to_be_visible()
    expect(page.get_by_role("link", name="BIRTH New birth visits within 14 days")).to_be_visible()
    audit(page)

    report = report_start(cycle.performance, cycle.q3)
    page.context.clear_cookies()
    sign_in(page, "performance", PASSWORD)
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Indicators off target in Live well")).to_be_visible()
    expect(page.get_by_role("table", name="Indicators off target in Live well")).to_contain_text(
        "1,796"
    )
    expect(page.get_by_role("heading", name="Indicators not linked to an outcome")).to_be_visible()
    audit(page)
