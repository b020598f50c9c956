"""One quarter walked in a browser, reading the same figures from every page that shows them.

Submit, approve, return, leave one awaiting approval, close with No Update, reopen, close
again and publish the report: at each step the plan page, the dashboard, the register and
the report give one outcome the same number of actions and the same No Update count, for
the reader in front of them. Every page visited is audited (axe, and nothing wider than the
window) at desktop width and at 390 px.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from deliverables.models import QuarterlyUpdate

PASSWORD = "sandwell-demo-2026"
PLAN = "corporate-plan-2021-25"
OUTCOME = "The Best Start in Life for Children and Young People"
CAPTION_PLAN = "Number of actions in each strategic outcome"
CAPTION_DASHBOARD = "Actions by status for each strategic outcome"
CAPTION_REPORT = "Actions by status"

READ_ROW = """([caption, label]) => {
  for (const table of document.querySelectorAll('table')) {
    const title = table.querySelector('caption');
    if (!title || !title.textContent.includes(caption)) continue;
    const headers = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
    for (const row of table.querySelectorAll('tbody tr')) {
      const cells = [...row.querySelectorAll('th, td')].map(c => c.textContent.trim());
      if (cells[0].includes(label)) {
        const found = {};
        headers.forEach((h, i) => { found[h] = cells[i].split(' ')[0].split('(')[0]; });
        return found;
      }
    }
  }
  return null;
}"""


def row(page, caption: str, label: str) -> dict[str, int]:
    """The numbers of one table row, by column heading."""
    found = page.evaluate(READ_ROW, [caption, label])
    assert found, f"no row {label!r} in a table captioned {caption!r} on {page.url}"
    return {k: int(v) for k, v in found.items() if re.fullmatch(r"\d+", v or "")}


@pytest.mark.django_db(transaction=True)
def test_one_quarter_reads_the_same_on_every_page(
    browser, live_server, sandwell, sign_in, audit_both
):
    base = live_server.url
    officer = browser.new_context().new_page()
    approver = browser.new_context().new_page()
    team = browser.new_context().new_page()
    viewer = browser.new_context().new_page()
    sign_in(officer, "officer.ch", PASSWORD)
    sign_in(approver, "ad.ch", PASSWORD)
    sign_in(team, "performance", PASSWORD)
    sign_in(viewer, "viewer", PASSWORD)

    # The officer submits three of their actions.
    officer.goto(f"{base}/my-updates/")
    links = officer.locator("main a[href*='/update/']")
    first_three = [links.nth(i).get_attribute("href") for i in range(3)]
    for href, status, words in zip(
        first_three,
        ["On Track", "Medium Issue/Slippage", "Significant issues/risks/slippage"],
        [
            "Places are on plan.",
            "Recruitment is slower than planned.",
            "Secret: the Zyxwv contractor failed.",
        ],
        strict=True,
    ):
        officer.goto(f"{base}{href}")
        officer.get_by_label(status, exact=True).check()
        officer.get_by_label("Commentary").fill(words)
        officer.get_by_role("button", name="Submit for approval").click()
        expect(officer.get_by_text("submitted for approval")).to_be_visible()
    audit_both(officer)

    # The approver approves the first, returns the second, and leaves the third waiting.
    approver.goto(f"{base}/plans/{PLAN}/quarters/2023-24-Q4/review/")
    expect(approver.get_by_role("heading", name="Waiting for you (3)")).to_be_visible()
    audit_both(approver)
    approver.get_by_role("button", name=re.compile("^Approve ")).first.click()
    expect(approver.get_by_text(re.compile(r"approved\.$"))).to_be_visible()
    approver.get_by_role("link", name=re.compile("^Return .* with a reason")).first.click()
    approver.get_by_label("What does the officer need to change?").fill("Give the date.")
    approver.get_by_role("button", name="Return update").click()
    expect(approver.get_by_text("returned to its officer.")).to_be_visible()

    # A viewer sees the waiting update as awaiting approval, without its words.
    viewer.goto(f"{base}/plans/{PLAN}/register/?period=2023-24-Q4&q=Zyxwv")
    expect(viewer.get_by_role("heading", name="0 actions")).to_be_visible()
    viewer.goto(f"{base}/plans/{PLAN}/register/?period=2023-24-Q4&status=-1")
    expect(viewer.get_by_role("heading", name="1 action", exact=True)).to_be_visible()
    expect(viewer.get_by_text("Secret: the Zyxwv contractor failed.")).to_have_count(0)
    audit_both(viewer)

    def figures(page) -> dict[str, dict[str, int]]:
        """The outcome's figures from the plan page, dashboard, register (and their totals)."""
        page.goto(f"{base}/plans/{PLAN}/?period=2023-24-Q4")
        audit_both(page)
        plan_row = row(page, CAPTION_PLAN, OUTCOME)
        page.goto(f"{base}/plans/{PLAN}/dashboard/?period=2023-24-Q4")
        audit_both(page)
        dashboard_row = row(page, CAPTION_DASHBOARD, OUTCOME)
        page.get_by_role("link", name=re.compile(rf"^\d+ actions in {re.escape(OUTCOME)}$")).click()
        heading = page.get_by_role("heading", name=re.compile(r"^\d+ actions?$"))
        register_total = int(heading.inner_text().split()[0])
        audit_both(page)
        return {"plan": plan_row, "dashboard": dashboard_row, "register": register_total}

    def agree(found: dict, column: str) -> int:
        assert found["plan"]["Actions"] == found["dashboard"]["Total"] == found["register"]
        assert found["plan"].get(column, 0) == found["dashboard"].get(column, 0)
        return found["register"]

    # The action page as the viewer and the team see the waiting update (with the team's
    # withdraw form), checked for accessibility at both widths.
    waiting = QuarterlyUpdate.objects.get(state="submitted", period__plan__slug=PLAN)
    for page in (viewer, team):
        page.goto(f"{base}{waiting.action.get_absolute_url()}")
        audit_both(page)
    expect(viewer.get_by_text("Awaiting approval")).to_be_visible()
    expect(viewer.get_by_text("Secret: the Zyxwv contractor failed.")).to_have_count(0)
    expect(team.get_by_text("Secret: the Zyxwv contractor failed.")).to_be_visible()
    expect(team.get_by_role("button", name="Withdraw action")).to_be_visible()

    # Open: the performance team and the viewer each read one consistent set of figures.
    for page in (team, viewer):
        agree(figures(page), "Not yet updated")
    team_open, viewer_open = figures(team), figures(viewer)
    # The team counts the waiting update's status; the viewer sees it awaiting approval.
    assert viewer_open["dashboard"].get("Awaiting approval") == 1
    assert "Awaiting approval" not in team_open["dashboard"]

    # The team closes the quarter, marking missing updates No Update.
    team.goto(f"{base}/plans/{PLAN}/quarters/2023-24-Q4/")
    audit_both(team)
    team.get_by_role("link", name="Close Q4 2023/24").click()
    audit_both(team)  # the confirmation page, which chooses nothing for the team
    expect(team.get_by_label(re.compile("Record No Update on the"))).not_to_be_checked()
    team.get_by_label(re.compile("Record No Update on the")).check()
    team.get_by_role("button", name="Close Q4 2023/24").click()
    expect(team.get_by_text("Q4 2023/24 is closed.")).to_be_visible()
    expect(team.get_by_role("heading", name="Progress by directorate")).to_be_visible()
    closed = figures(viewer)
    total = agree(closed, "No Update")
    assert total == agree(figures(team), "No Update")

    # Reopened, the No Updates the close wrote are "not yet updated" again.
    team.goto(f"{base}/plans/{PLAN}/quarters/2023-24-Q4/")
    team.get_by_label("Why does it need reopening?").fill("A late update from Children's")
    team.get_by_role("button", name="Reopen Q4 2023/24").click()
    expect(team.get_by_text("Reopened: A late update from Children's")).to_be_visible()
    reopened = figures(viewer)
    agree(reopened, "Not yet updated")
    assert reopened["plan"].get("Not yet updated") == closed["plan"].get("No Update")

    # Closed again and reported: the published report gives the outcome the same figures.
    team.goto(f"{base}/plans/{PLAN}/quarters/2023-24-Q4/")
    team.get_by_role("link", name="Close Q4 2023/24").click()
    team.get_by_role("button", name="Close Q4 2023/24").click()
    expect(team.get_by_text("Q4 2023/24 is closed.")).to_be_visible()
    team.goto(f"{base}/plans/{PLAN}/reports/")
    team.get_by_label("Build the report for").select_option("2023-24-Q4")
    team.get_by_role("button", name="Build the exception report").click()
    team.get_by_role("button", name="Publish version 1").click()
    expect(team.get_by_text("Version 1 published")).to_be_visible()
    audit_both(team)
    report_row = row(team, f"{OUTCOME}: actions by status", OUTCOME)
    final = figures(viewer)
    assert report_row["Total"] == agree(final, "No Update") == total
    assert report_row.get("No Update", 0) == final["plan"].get("No Update", 0)
