"""The quarterly cycle in a real browser, with the demo users and Sandwell's data."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from deliverables.models import QuarterlyUpdate
from plans.models import ReportingPeriod

PASSWORD = "sandwell-demo-2026"
ACTION = "Ensure that every child in Sandwell has access"
# CH6 as the council typed it, in Cyrillic letters: pages show references as entered.
REF = "СН6"


@pytest.mark.django_db(transaction=True)
def test_draft_submit_return_resubmit_approve_close_reopen(
    browser, live_server, sandwell, sign_in, audit
):
    officer = browser.new_context().new_page()
    approver = browser.new_context().new_page()
    team = browser.new_context().new_page()

    # The officer drafts CH6's Q4 update with last quarter beside it.
    sign_in(officer, "officer.ch", PASSWORD)
    expect(officer.get_by_role("heading", name="My updates for Q4 2023/24")).to_be_visible()
    audit(officer)
    officer.get_by_role("link", name=ACTION).click()
    expect(officer.get_by_role("heading", name="Last quarter, Q3 2023/24")).to_be_visible()
    audit(officer)
    officer.get_by_label("Medium Issue/Slippage").check()
    officer.get_by_role("button", name="Save as draft").click()
    expect(officer.get_by_text("update for Q4 2023/24 saved as a draft.")).to_be_visible()

    # Back to it: submitting an amber status with no commentary is refused, clearly.
    officer.get_by_role("link", name=ACTION).click()
    officer.get_by_role("button", name="Submit for approval").click()
    expect(officer.get_by_role("alert")).to_contain_text(
        "Add commentary for the 'Medium Issue/Slippage' status"
    )
    audit(officer)
    officer.get_by_label("Commentary").fill(
        "SEND place planning is waiting for the needs assessment."
    )
    expect(officer.get_by_text("You have 2,944 characters remaining")).to_be_visible()
    officer.get_by_role("button", name="Submit for approval").click()
    expect(officer.get_by_text("submitted for approval")).to_be_visible()

    # The approver returns it with a reason.
    sign_in(approver, "ad.ch", PASSWORD)
    approver.goto(f"{live_server.url}/review/")
    audit(approver)
    approver.get_by_role("link", name="Corporate Plan 2021-25, Q4 2023/24").click()
    expect(approver.get_by_role("heading", name="Waiting for you (1)")).to_be_visible()
    audit(approver)
    approver.get_by_role("link", name=f"Return {REF} with a reason").click()
    audit(approver)
    approver.get_by_label("What does the officer need to change?").fill(
        "Say when the needs assessment will report."
    )
    approver.get_by_role("button", name="Return update").click()
    expect(approver.get_by_text(f"{REF} returned to its officer.")).to_be_visible()

    # The officer sees why, and resubmits.
    officer.goto(f"{live_server.url}/my-updates/")
    expect(officer.get_by_text("Say when the needs assessment will report.")).to_be_visible()
    officer.get_by_role("link", name=ACTION).click()
    expect(officer.get_by_role("region", name="Returned")).to_contain_text(
        "Hannah Ellis returned this update"
    )
    audit(officer)
    officer.get_by_label("Commentary").fill("The needs assessment reports in March 2024.")
    officer.get_by_role("button", name="Submit for approval").click()
    expect(officer.get_by_text("submitted for approval")).to_be_visible()

    # The approver approves.
    approver.reload()
    approver.get_by_role("button", name=f"Approve {REF}").click()
    expect(approver.get_by_text(f"{REF} approved.")).to_be_visible()

    # The performance team closes the quarter, marking missing updates.
    sign_in(team, "performance", PASSWORD)
    team.goto(f"{live_server.url}/quarters/")
    audit(team)
    team.get_by_role("link", name="Q4 2023/24").click()
    expect(team.get_by_role("heading", name="Progress by directorate")).to_be_visible()
    audit(team)
    team.get_by_role("link", name="Close Q4 2023/24").click()
    audit(team)
    team.get_by_label(re.compile("Record No Update on the")).check()
    team.get_by_role("button", name="Close Q4 2023/24").click()
    expect(team.get_by_text("Q4 2023/24 is closed.")).to_be_visible()

    # The officer can no longer edit: My updates lists only the Improvement Plan's open month.
    officer.goto(f"{live_server.url}/my-updates/")
    expect(officer.get_by_role("heading", name="My updates for July 2022")).to_be_visible()
    expect(officer.get_by_role("heading", name="My updates for Q4 2023/24")).to_have_count(0)
    update = QuarterlyUpdate.objects.get(action__ref_normalised="CH6", period__quarter=4)
    officer.goto(
        f"{live_server.url}/plans/corporate-plan-2021-25/quarters/2023-24-Q4/actions/"
        f"{update.action_id}/update/"
    )
    expect(
        officer.get_by_text("Q4 2023/24 is closed: updates can no longer be changed")
    ).to_be_visible()
    expect(officer.get_by_role("button", name="Submit for approval")).to_have_count(0)
    audit(officer)

    # Reopening needs a reason, and is recorded.
    team.get_by_role("button", name="Reopen Q4 2023/24").click()
    expect(team.get_by_role("alert")).to_contain_text("Give the reason")
    team.get_by_label("Why does it need reopening?").fill("CH6 figures were corrected")
    team.get_by_role("button", name="Reopen Q4 2023/24").click()
    expect(team.get_by_text("Reopened: CH6 figures were corrected")).to_be_visible()
    audit(team)

    update.refresh_from_db()
    assert (update.state, update.status.label) == ("approved", "Medium Issue/Slippage")
    assert (
        ReportingPeriod.objects.get(plan__slug="corporate-plan-2021-25", quarter=4).state == "open"
    )
