"""A monthly plan from set-up to a published recommendations report, issue 16's "Done when".

The performance team creates a monthly plan with its own level names (Theme > Workstream >
Action) and copies another plan's statuses; adds a theme, a workstream and an action led by an
officer of Children & Education; gives the action two milestones and opens a month. The officer
enters the month's update and reports one milestone complete; a viewer does not see that claim
while it waits; the approver approves it, and the action page then shows the milestone
Complete to everyone. The performance team adds a recommendation the action answers, builds the
progress against recommendations report for the month and publishes it: it shows the
milestones' progress. Every page visited is audited (axe, and nothing wider than the window) at
desktop width and at 390 px.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests import factories

PASSWORD = factories.PASSWORD
PLAN = "Council Improvement Plan 2022"
SLUG = "council-improvement-plan-2022"
THEME = "Good governance"
WORKSTREAM = "Constitution"
REF = "GG1"
TITLE = "Refresh the constitution and scheme of delegation"
FIRST = "Phase 1 engagement: starting the conversation"
SECOND = "Full Council adopts the new constitution"
MONTH = "May 2022"
CODE = "2022-05"


@pytest.mark.django_db(transaction=True)
def test_a_monthly_plan_from_set_up_to_a_published_recommendations_report(
    browser, live_server, directorates, users, sign_in, audit_both
):
    factories.small_plan(directorates)  # the plan whose statuses are copied
    base = live_server.url
    team = browser.new_context().new_page()
    officer = browser.new_context().new_page()
    viewer = browser.new_context().new_page()
    approver = browser.new_context().new_page()
    sign_in(team, "performance", PASSWORD)
    sign_in(officer, "officer", PASSWORD)
    sign_in(viewer, "viewer", PASSWORD)
    sign_in(approver, "approver", PASSWORD)

    # 1. The performance team creates the plan: monthly, its own level names, statuses copied.
    team.goto(f"{base}/manage/plans/")
    audit_both(team)
    team.get_by_role("link", name="Create a plan").click()
    expect(team.get_by_role("heading", name="Create a plan", level=1)).to_be_visible()
    audit_both(team)
    team.get_by_label("Name", exact=True).fill(PLAN)
    team.get_by_label("First year").fill("2022")
    team.get_by_label("Last year").fill("2023")
    team.get_by_label("Monthly: April, May, June ...").check()
    team.get_by_label("Top level").fill("Theme")
    team.get_by_label("Second level (optional in use)").fill("Workstream")
    team.get_by_label("What officers update").fill("Action")
    team.get_by_label("Copy another plan's statuses").check()
    team.get_by_label("Plan to copy from").select_option(label="Test Plan")
    team.get_by_role("button", name="Create plan").click()
    expect(team.get_by_role("heading", level=1)).to_have_text("Structure")
    expect(team.get_by_text("Theme › Workstream ›")).to_contain_text("Reports monthly")
    audit_both(team)

    # A theme, a workstream in it, and an action in the workstream.
    team.get_by_role("link", name="Add a theme").click()
    expect(team).to_have_url(re.compile("/outcome/new/"))
    audit_both(team)
    team.get_by_label("Name").fill(THEME)
    team.get_by_role("button", name="Add theme").click()
    team.get_by_role("link", name=f"Add a workstream to {THEME}").click()
    expect(team).to_have_url(re.compile("/theme/new/"))
    audit_both(team)
    team.get_by_label("Name").fill(WORKSTREAM)
    team.get_by_role("button", name="Add workstream").click()
    team.get_by_role("link", name=f"Add an action to {WORKSTREAM}").click()
    expect(team.get_by_label("Where it goes")).to_have_value(re.compile("^theme:"))
    audit_both(team)
    team.get_by_label("Reference (optional)").fill(REF)
    team.get_by_label("What it will do").fill(TITLE)
    team.get_by_label("Directorate (optional)").select_option(label="Children & Education")
    team.get_by_label("Lead officer (optional)").select_option(label="Olu Officer")
    team.get_by_role("button", name="Add action").click()
    expect(team.locator(".govuk-notification-banner")).to_contain_text(
        f"Action {REF} {TITLE} added."
    )
    audit_both(team)

    # Two milestones, the first typed by keyboard: dates as the plan writes them.
    team.get_by_role("link", name="Add its milestones").click()
    expect(team.get_by_role("heading", name="Add a milestone", level=1)).to_be_visible()
    audit_both(team)
    team.get_by_label("Milestone", exact=True).focus()
    team.keyboard.type(FIRST)
    team.keyboard.press("Tab")
    team.keyboard.type("May 2022 - Jul 2022")
    team.keyboard.press("Enter")
    expect(team.get_by_role("row", name=re.compile(FIRST))).to_be_visible()
    team.get_by_role("link", name="Add a milestone").click()
    expect(team.get_by_role("heading", name="Add a milestone", level=1)).to_be_visible()
    audit_both(team)
    team.get_by_label("Milestone", exact=True).fill(SECOND)
    team.get_by_label("When").fill("by 30 Sep 2022")
    team.get_by_role("button", name="Add the milestone").click()
    listed = team.get_by_role("table", name="2 milestones, in order")
    expect(listed.get_by_role("row", name=re.compile(SECOND))).to_contain_text(
        "By 30 September 2022"
    )
    audit_both(team)

    # Its months: the plan's first year is there, upcoming; May 2022 is opened.
    team.get_by_role("link", name=REF).first.click()
    expect(team.get_by_role("heading", name=TITLE, level=1, exact=True)).to_be_visible()
    action_url = team.url
    audit_both(team)
    team.goto(f"{base}/manage/plans/{SLUG}/")
    team.get_by_role("link", name="Its months").click()
    expect(team.get_by_role("heading", level=1)).to_have_text("Months")
    expect(team.get_by_role("row", name=re.compile("^April 2022"))).to_contain_text("Upcoming")
    audit_both(team)
    team.get_by_role("link", name=MONTH).click()
    expect(team.get_by_role("heading", name=f"Open {MONTH} for updates")).to_be_visible()
    audit_both(team)
    deadline = dt.date.today() + dt.timedelta(days=14)
    team.get_by_label("Deadline for updates").fill(deadline.isoformat())
    team.get_by_role("button", name=f"Open {MONTH}").click()
    expect(team.get_by_text(f"{MONTH} is open for updates.")).to_be_visible()
    expect(team.get_by_role("heading", name="Extend the deadline")).to_be_visible()
    audit_both(team)

    # 2. The officer enters May's update and reports the first milestone complete.
    officer.goto(f"{base}/my-updates/")
    expect(officer.get_by_role("heading", name=f"My updates for {MONTH}")).to_be_visible()
    audit_both(officer)
    officer.get_by_role("link", name=f"{REF} {TITLE}").click()
    expect(officer.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    audit_both(officer)
    officer.get_by_label("On Track").check()
    officer.get_by_label("Commentary").fill("Engagement sessions held with every group.")
    officer.get_by_label(FIRST, exact=True).check()
    officer.get_by_label(f"Completed on: {FIRST}").fill("20/6/2022")
    officer.get_by_role("button", name="Submit for approval").click()
    expect(officer.get_by_role("heading", name=f"My updates for {MONTH}")).to_be_visible()
    # The officer's action page shows the claim as awaiting approval, not yet Complete.
    officer.goto(action_url)
    claimed = officer.get_by_role("row", name=re.compile(FIRST))
    expect(claimed).to_contain_text(
        f"Reported complete on 20 June 2022 in the {MONTH} update, awaiting approval"
    )
    expect(claimed.locator(".govuk-tag")).not_to_have_text("Complete")
    audit_both(officer)

    # A viewer sees neither the claim nor a Complete milestone before approval.
    viewer.goto(action_url)
    first = viewer.get_by_role("row", name=re.compile(FIRST))
    expect(first).to_be_visible()
    expect(first).not_to_contain_text("Reported complete")
    expect(first.locator(".govuk-tag")).not_to_have_text("Complete")
    expect(first).to_contain_text("Not yet")
    audit_both(viewer)

    # 3. The approver approves the update on May's review page.
    approver.goto(f"{base}/plans/{SLUG}/quarters/{CODE}/review/")
    audit_both(approver)
    approver.get_by_role("button", name=f"Approve {REF}", exact=True).click()
    expect(approver.get_by_role("heading", name=re.compile(r"^Approved \(1\)"))).to_be_visible()
    audit_both(approver)

    # The viewer now reads the first milestone Complete on 20 June 2022; the second overdue.
    viewer.reload()
    first = viewer.get_by_role("row", name=re.compile(FIRST))
    expect(first.locator(".govuk-tag")).to_have_text("Complete")
    expect(first).to_contain_text("20 June 2022")
    expect(viewer.get_by_role("row", name=re.compile(SECOND)).locator(".govuk-tag")).to_have_text(
        "Overdue"
    )
    audit_both(viewer)

    # 4. The performance team adds a recommendation the action answers.
    team.goto(f"{base}/plans/{SLUG}/")
    audit_both(team)
    team.get_by_role("link", name=re.compile("^Recommendations")).click()
    expect(team.get_by_role("heading", level=1)).to_contain_text("Recommendations")
    audit_both(team)
    team.get_by_role("link", name="Add a recommendation").click()
    expect(team.get_by_role("heading", name="Add a recommendation", level=1)).to_be_visible()
    audit_both(team)
    team.get_by_label("Body that made it").fill("Grant Thornton")
    team.get_by_label("Reference").fill("Statutory Rec 3")
    team.get_by_label("The recommendation (optional)").fill(
        "The council should review its constitution and scheme of delegation."
    )
    team.get_by_label(f"{REF} {TITLE}").check()
    team.get_by_role("button", name="Add the recommendation").click()
    expect(team.get_by_role("heading", level=1)).to_contain_text("Statutory Rec 3")
    audit_both(team)
    # The register lists it with its action and the milestones' progress.
    team.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Recommendations"
    ).click()
    register = team.get_by_role("table", name=re.compile("^1 recommendation"))
    listed = register.get_by_role("row", name=re.compile("Statutory Rec 3"))
    expect(listed).to_contain_text(REF)
    expect(listed).to_contain_text("Milestones: 1 of 2 complete, 1 overdue")
    audit_both(team)

    # 5. It builds the progress against recommendations report for May and publishes it.
    team.goto(f"{base}/plans/{SLUG}/")
    team.get_by_role("link", name=re.compile("^Exception reports and progress")).click()
    expect(team.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    audit_both(team)
    team.get_by_label("Build the report for").select_option(CODE)
    team.get_by_role("button", name="Build the progress against recommendations report").click()
    heading = f"{PLAN}: progress against recommendations, {MONTH}"
    expect(team.get_by_role("heading", name=heading)).to_be_visible()
    overview = team.get_by_role("table", name=f"Progress by recommendation, {MONTH}")
    expect(overview.get_by_role("row", name=re.compile("Statutory Rec 3"))).to_contain_text(
        "1 of 2"
    )
    audit_both(team)
    team.get_by_role("button", name="Publish version 1").click()
    expect(team.get_by_text("Version 1 published")).to_be_visible()
    answering = team.get_by_role("table", name=re.compile("^Actions answering"))
    row = answering.get_by_role("row", name=re.compile(REF))
    expect(row).to_contain_text("Olu Officer")
    expect(row).to_contain_text(f"{FIRST}: Complete on 20 June 2022")
    expect(row).to_contain_text(f"{SECOND}: Overdue")
    expect(team.get_by_text("milestones 1 of 2 complete, 1 overdue")).to_be_visible()
    audit_both(team)
