"""An indicator's quarter walked in a browser, issue 15's "Done when".

An officer enters an off-target value for one of their indicators (and is first told that a red
value needs commentary, without losing what they typed); a viewer sees it only as awaiting
approval; the approver approves it; the viewer then reads the value, its RAG and rule, the
direction of travel and the chart with its data table; and the performance team's exception
report lists it as off target. Every page visited is audited (axe, and nothing wider than the
window) at desktop width and at 390 px.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from deliverables.indicators import rag
from deliverables.models.indicators import Indicator, IndicatorTarget

PASSWORD = "sandwell-demo-2026"
PLAN = "corporate-plan-2021-25"
QUARTER = "2023-24-Q4"
OUTCOME = "The Best Start in Life for Children and Young People"
CODE = "CH9-01"
TITLE = "Take-up of funded early education by two-year-olds"
RULE = "Green at 80% or more; amber from 75%; red below that"


def give_a_target() -> None:
    """The demo's CH9-01 (officer.ch's, from CH9's commentary, 75% in Q3) has no target, so it
    could never be red: give it the annual target and tolerance a council would set."""
    indicator = Indicator.objects.get(plan__slug=PLAN, code=CODE)
    assert indicator.owner.username == "officer.ch"
    indicator.tolerance_kind = rag.ABSOLUTE
    indicator.tolerance = Decimal(5)
    indicator.save()
    IndicatorTarget.objects.create(indicator=indicator, year=2023, point=0, value=Decimal(80))


@pytest.mark.django_db(transaction=True)
def test_an_off_target_value_from_entry_to_the_exception_report(
    browser, live_server, sandwell, sign_in, audit_both
):
    give_a_target()
    base = live_server.url
    officer = browser.new_context().new_page()
    viewer = browser.new_context().new_page()
    approver = browser.new_context().new_page()
    team = browser.new_context().new_page()
    sign_in(officer, "officer.ch", PASSWORD)
    sign_in(viewer, "viewer", PASSWORD)
    sign_in(approver, "ad.ch", PASSWORD)
    sign_in(team, "performance", PASSWORD)

    # 1. The officer finds the indicator on My updates and opens its Q4 entry page by keyboard.
    officer.goto(f"{base}/my-updates/")
    expect(officer.get_by_role("heading", name="Indicators", exact=True)).to_be_visible()
    audit_both(officer)
    officer.get_by_role("link", name=f"{CODE} {TITLE}").focus()
    officer.keyboard.press("Enter")
    expect(officer.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(officer.get_by_text(RULE)).to_be_visible()
    audit_both(officer)

    # A red value without commentary is refused: the error summary says why and links to the
    # commentary box, and the figure typed is still there.
    officer.get_by_label("Value", exact=True).fill("68")
    officer.get_by_role("button", name="Submit for approval").click()
    summary = officer.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem with Q4 2023/24")
    expect(officer).to_have_title(re.compile("^Error: "))
    expect(officer.get_by_label("Value", exact=True)).to_have_value("68")
    audit_both(officer)
    summary.get_by_role("link").first.click()
    expect(officer.get_by_label("Commentary")).to_be_focused()
    officer.keyboard.type("Take-up fell as two providers closed; the team is contacting families.")
    officer.get_by_role("button", name="Submit for approval").click()
    expect(
        officer.get_by_text(f"{CODE} values for Q4 2023/24 submitted for approval.")
    ).to_be_visible()
    audit_both(officer)
    # Their indicator's page shows them the submitted figure and leads back to the entry page.
    officer.goto(f"{base}/plans/{PLAN}/indicators/{CODE}/?period={QUARTER}")
    history = officer.get_by_role("table", name=re.compile("^Each period's value"))
    expect(history.get_by_role("row", name="Q4 2023/24")).to_contain_text("Submitted")
    expect(officer.get_by_role("link", name="Enter your values for Q4 2023/24")).to_be_visible()
    audit_both(officer)

    # 2. A viewer sees the value as awaiting approval, not the figure.
    viewer.goto(f"{base}/plans/{PLAN}/indicators/?period={QUARTER}")
    row = viewer.get_by_role("row").filter(has=viewer.get_by_role("link", name=f"{CODE} {TITLE}"))
    expect(row).to_contain_text("Awaiting approval")
    expect(row).not_to_contain_text("68%")
    audit_both(viewer)

    # 3. The approver of Children & Education approves it on the review page.
    approver.goto(f"{base}/plans/{PLAN}/quarters/{QUARTER}/review/")
    waiting = approver.get_by_role("heading", name="Indicator values waiting for you (1)")
    expect(waiting).to_be_visible()
    expect(approver.get_by_role("row", name=re.compile(CODE))).to_contain_text("68%")
    audit_both(approver)
    approver.get_by_role("button", name=f"Approve {CODE} Q4 2023/24").click()
    expect(approver.get_by_text(f"{CODE} value approved.")).to_be_visible()
    audit_both(approver)

    # 4. The viewer reads the approved value, its RAG and rule, its direction and its chart.
    viewer.get_by_role("link", name=f"{CODE} {TITLE}").click()
    expect(viewer.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    reading = viewer.locator("dl").first
    expect(reading).to_contain_text("68%")
    expect(reading.locator(".govuk-tag")).to_have_text("Off target")
    expect(reading).to_contain_text(RULE)
    expect(reading).to_contain_text("Worsening since the previous period (75%)")
    chart = viewer.get_by_role("img", name=f"{CODE} {TITLE}: values against target")
    expect(chart).to_be_visible()
    expect(chart.locator("path").first).to_be_attached()  # the points' markers
    figures = viewer.get_by_role("table", name="The chart's figures")
    expect(figures.get_by_role("row", name="Q4 2023/24")).to_contain_text("68%")
    expect(reading).to_contain_text("Take-up fell as two providers closed")
    audit_both(viewer)

    # 5. The performance team builds the Q4 exception report: the indicator is off target in
    # its outcome. Published, the frozen version still lists it.
    team.goto(f"{base}/plans/{PLAN}/reports/")
    audit_both(team)
    team.get_by_label("Build the report for").select_option(QUARTER)
    team.get_by_role("button", name="Build the exception report").click()
    off = team.get_by_role("table", name=f"Indicators off target in {OUTCOME}")
    expect(team.get_by_role("heading", name=f"Indicators off target in {OUTCOME}")).to_be_visible()
    expect(off).to_contain_text(TITLE)
    expect(off).to_contain_text("68%")
    team.get_by_role("button", name="Publish version 1").click()
    expect(team.get_by_text("Version 1 published")).to_be_visible()
    expect(team.get_by_role("table", name=f"Indicators off target in {OUTCOME}")).to_contain_text(
        RULE
    )
    audit_both(team)
