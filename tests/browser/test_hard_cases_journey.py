"""The quarter's hard cases in a real browser, with the demo users and Sandwell's data: a
deliberate entry (nothing pre-selected, last quarter's words added to what was typed), a
withdrawn submission, several approved at once, an update only the performance team can decide,
a chase, and a reopened quarter where the officer replaces a No Update and the team returns an
approved update. Every page is audited at desktop and 390 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from deliverables import services
from deliverables.models import Action, QuarterlyUpdate
from plans.models import User

PASSWORD = "sandwell-demo-2026"
PLAN = "corporate-plan-2021-25"
Q4 = "2023-24-Q4"


def action(ref: str) -> Action:
    return Action.objects.get(plan__slug=PLAN, ref_normalised=ref)


def edit_url(base: str, ref: str) -> str:
    return f"{base}/plans/{PLAN}/quarters/{Q4}/actions/{action(ref).pk}/update/"


def submit(page, base: str, ref: str, status: str, words: str) -> None:
    page.goto(edit_url(base, ref))
    page.get_by_label(status, exact=True).check()
    page.get_by_label("Commentary").fill(words)
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text(f"{ref} update for Q4 2023/24 submitted for approval.")).to_be_visible()


def emails_to(mailoutbox, username: str) -> list[str]:
    return [m.subject for m in mailoutbox if m.to == [f"{username}@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_the_quarters_hard_cases(browser, live_server, sandwell, sign_in, audit_both, mailoutbox):
    base = live_server.url
    officer, approver, team = (browser.new_context().new_page() for _ in range(3))
    sign_in(officer, "officer.ch", PASSWORD)
    sign_in(approver, "ad.ch", PASSWORD)
    sign_in(team, "performance", PASSWORD)

    # A deliberate entry: nothing chosen for the officer, the system's No Update not offered.
    officer.goto(edit_url(base, "CH4"))
    audit_both(officer)
    expect(officer.locator("input[name=status]:checked")).to_have_count(0)
    expect(officer.get_by_label("No Update", exact=True)).to_have_count(0)
    # Copying last quarter's commentary adds it after what was typed.
    box = officer.get_by_label("Commentary")
    box.fill("Typed first.")
    officer.get_by_role("button", name="Copy last quarter's commentary into the box").click()
    assert re.match(r"Typed first\.\n\nMASH continuing", box.input_value())
    # Leaving with unsaved changes asks first; staying keeps the words.
    dialogs = []
    officer.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    officer.get_by_role("link", name="My updates").first.click()
    officer.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert box.input_value().startswith("Typed first.")
    officer.get_by_label("On Track", exact=True).check()
    officer.get_by_role("button", name="Submit for approval").click()
    expect(officer.get_by_text("CH4 update for Q4 2023/24 submitted for approval.")).to_be_visible()

    # Withdrawn before anyone decides, it is a draft again, then submitted once more.
    officer.goto(edit_url(base, "CH4"))
    officer.get_by_role("button", name="Withdraw the submission").click()
    expect(officer.get_by_text("CH4 submission withdrawn: it is your draft again.")).to_be_visible()
    audit_both(officer)
    expect(officer.get_by_label("On Track", exact=True)).to_be_checked()
    officer.get_by_role("button", name="Submit for approval").click()
    expect(officer.get_by_text("CH4 update for Q4 2023/24 submitted for approval.")).to_be_visible()
    submit(officer, base, "CH8", "On Track", "Most schools improved.")
    submit(officer, base, "CH10", "On Track", "Personal education plans reviewed.")

    # The approver sees last quarter beside each, ticks three and confirms the list.
    review = f"{base}/plans/{PLAN}/quarters/{Q4}/review/"
    approver.goto(review)
    audit_both(approver)
    expect(approver.get_by_role("heading", name="Last quarter, Q3 2023/24").first).to_be_visible()
    for ref in ("CH4", "CH8", "CH10"):
        approver.get_by_label(f"Select {ref} to approve with others").check()
    approver.get_by_role("button", name="Approve the selected updates").click()
    expect(approver.get_by_role("heading", name="Approve 3 updates?")).to_be_visible()
    audit_both(approver)
    approver.get_by_role("button", name="Approve 3 updates").click()
    expect(approver.get_by_text("3 updates approved: CH4, CH8, CH10.")).to_be_visible()
    assert "CH4 Q4 2023/24 update approved" in emails_to(mailoutbox, "officer.ch")

    # The directorate's only approver enters CH5 as a delegate: the performance team decides.
    officer_user, ad = User.objects.get(username="officer.ch"), User.objects.get(username="ad.ch")
    services.action_delegate(officer_user, action("CH5"), ad)
    submit(approver, base, "CH5", "Medium Issue/Slippage", "Attendance is below target.")
    approver.goto(review)
    expect(approver.get_by_text("This is your own update: another approver")).to_be_visible()
    team.goto(base)
    team.get_by_role("link", name="Review", exact=True).click()
    team.get_by_role("link", name="Corporate Plan 2021-25, Q4 2023/24").click()
    audit_both(team)
    team.get_by_role("button", name="Approve CH5").click()
    expect(team.get_by_text("CH5 approved.")).to_be_visible()
    assert QuarterlyUpdate.objects.get(action=action("CH5"), period__quarter=4).state == "approved"

    # The team chases the officer from the quarter page: one email now, not twice a day.
    quarter = f"{base}/plans/{PLAN}/quarters/{Q4}/"
    team.goto(quarter)
    team.get_by_role("link", name="Chase the officers with updates outstanding").click()
    audit_both(team)
    team.get_by_label("Jordan Bennett").check()
    team.get_by_role("button", name="Email the ticked officers now").click()
    expect(team.get_by_text("Chased 1 officer: Jordan Bennett.")).to_be_visible()
    chased = [m for m in mailoutbox if m.to == ["officer.ch@example.org"] and "due" in m.subject]
    assert len(chased) == 1 and f"/plans/{PLAN}/quarters/{Q4}/actions/" in chased[0].body
    team.get_by_role("link", name="Chase the officers with updates outstanding").click()
    expect(team.get_by_label("Jordan Bennett")).to_be_disabled()

    # Closing asks first and ticks nothing; the team records No Update on the missing.
    team.goto(quarter)
    team.get_by_role("link", name="Close Q4 2023/24").click()
    audit_both(team)
    record = team.get_by_label(re.compile("Record No Update on the"))
    expect(record).not_to_be_checked()
    record.check()
    team.get_by_role("button", name="Close Q4 2023/24").click()
    expect(team.get_by_text("Q4 2023/24 is closed.")).to_be_visible()
    team.get_by_label("Why does it need reopening?").fill("A late update for CH13")
    team.get_by_role("button", name="Reopen Q4 2023/24").click()
    expect(team.get_by_text("Reopened: A late update for CH13")).to_be_visible()
    assert "Corporate Plan 2021-25: Q4 2023/24 is open again for updates" in emails_to(
        mailoutbox, "officer.ch"
    )

    # The officer replaces the No Update the close wrote, choosing a status deliberately.
    officer.goto(edit_url(base, "CH13"))
    expect(officer.locator("input[name=status]:checked")).to_have_count(0)
    submit(officer, base, "CH13", "On Track", "Phase 2 finished on time.")
    ch13 = QuarterlyUpdate.objects.get(action=action("CH13"), period__quarter=4)
    assert (ch13.state, ch13.source, ch13.status.label) == ("submitted", "entered", "On Track")

    # The team returns an approved update to its officer, who is told why.
    team.goto(f"{base}/plans/{PLAN}/actions/{action('CH4').pk}/")
    team.get_by_role("link", name="Return the Q4 2023/24 update to its officer").click()
    audit_both(team)
    team.get_by_label("What does the officer need to change?").fill("Add the audit figures.")
    team.get_by_role("button", name="Return update").click()
    expect(team.get_by_text("CH4 returned to its officer.")).to_be_visible()
    assert "CH4 Q4 2023/24 update returned to you" in emails_to(mailoutbox, "officer.ch")
    officer.goto(edit_url(base, "CH4"))
    expect(officer.get_by_role("region", name="Returned")).to_contain_text("Add the audit figures.")
