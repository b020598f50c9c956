"""Viewers and the performance team use the dashboard and the register in a real browser."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

PASSWORD = "sandwell-demo-2026"


@pytest.mark.django_db(transaction=True)
def test_a_viewer_follows_a_number_to_its_actions(page, live_server, sandwell, sign_in, audit):
    sign_in(page, "viewer", PASSWORD)
    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard, Q4 2023/24")
    # The open quarter has no updates yet: look at the last closed one.
    page.get_by_label("Quarter", exact=True).select_option("2023-24-Q3")
    page.get_by_role("button", name="Show quarter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard, Q3 2023/24")
    expect(page.get_by_role("img", name="All actions by status, Q3 2023/24")).to_be_visible()
    audit(page)

    table = page.get_by_role(
        "table", name="Actions by status for each strategic outcome, Q3 2023/24"
    )
    best_start = "The Best Start in Life for Children and Young People"
    table.get_by_role("link", name=f"1 Significant issues/risks/slippage in {best_start}").click()
    expect(page.get_by_role("heading", name="1 action")).to_be_visible()
    expect(page.get_by_role("link", name="РН9 School Nursing")).to_be_visible()
    audit(page)


@pytest.mark.django_db(transaction=True)
def test_the_performance_team_filters_and_exports_the_register(
    page, live_server, sandwell, sign_in, audit
):
    sign_in(page, "performance", PASSWORD)
    page.goto(f"{live_server.url}/plans/corporate-plan-2021-25/dashboard/")
    expect(page.get_by_role("heading", name="Submission progress")).to_be_visible()
    expect(page.get_by_text("14 days left")).to_be_visible()
    audit(page)

    page.goto(f"{live_server.url}/plans/corporate-plan-2021-25/register/?period=2023-24-Q3")
    audit(page)
    page.get_by_label("RAG").select_option("amber")
    page.get_by_label("Directorate").select_option(label="Adult Social Care")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"rag=amber.*directorate=|directorate=.*rag=amber"))
    heading = page.get_by_role("heading", name="actions")
    expect(heading).to_have_text("7 actions")
    audit(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) == 8 and rows[0][0] == "Reference"
    assert {row[5] for row in rows[1:]} == {"Medium Issue/Slippage"}
    assert {row[2] for row in rows[1:]} == {"Adult Social Care"}
