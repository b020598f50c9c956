"""The performance team gives the Council Plan's leaderless actions their people, in a browser.

From the plan page to Assign people; filter to the actions with no lead officer; tick three;
choose a lead officer, an approver and a directorate; check the listed changes; confirm; and
the action page, the register and the assign page show them. Every page visited is audited
with axe at desktop and 390 px.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from deliverables.models import Action
from plans.models import AuditEvent, AuditKind

PASSWORD = "sandwell-demo-2026"
PLAN = "council-plan-2024-30"


@pytest.mark.django_db(transaction=True)
def test_team_assigns_people_to_actions_with_no_lead(
    page, live_server, sandwell, sign_in, audit_both
):
    base = live_server.url
    leaderless = Action.objects.filter(plan__slug=PLAN, lead_officer=None).count()
    assert leaderless > 3
    sign_in(page, "performance", PASSWORD)

    page.goto(f"{base}/plans/{PLAN}/")
    page.get_by_role("link", name=re.compile("^Assign people")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assign people")
    audit_both(page)

    page.get_by_label("Lead officer", exact=True).first.select_option(label="No lead officer")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results")).to_have_text(f"{leaderless} actions")
    # Without a choice, the page says what is missing.
    page.get_by_role("button", name="Check the changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Tick at least one action to change."
    )
    audit_both(page)

    # At a phone's width the table fits: nothing scrolls sideways.
    desktop = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size(desktop)

    boxes = page.locator("input[name='actions']")
    # The script's "Select all on this page" ticks every row, and clears them again.
    page.get_by_role("button", name="Select all on this page").click()
    expect(boxes.nth(leaderless - 1)).to_be_checked()
    page.get_by_role("button", name="Clear all on this page").click()
    ticked = []
    for index in range(3):
        boxes.nth(index).check()
        ticked.append(int(boxes.nth(index).get_attribute("value")))
    form = page.locator("form[method='post']").filter(has=page.locator("#id_lead_officer"))
    form.get_by_label("Lead officer").select_option(
        label="Jordan Bennett (officer.ch), Children & Education"
    )
    form.get_by_label("Approver").select_option(label="Hannah Ellis (ad.ch), Children & Education")
    form.get_by_label("Directorate").select_option(label="Children & Education")
    page.get_by_role("button", name="Check the changes").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the changes")
    listed = page.locator("table tbody tr")
    expect(listed).to_have_count(3)
    for row in range(3):
        expect(listed.nth(row)).to_contain_text("Lead officer: none → Jordan Bennett")
        expect(listed.nth(row)).to_contain_text("Approver: none → Hannah Ellis")
        expect(listed.nth(row)).to_contain_text("Directorate: none → Children & Education")
    audit_both(page)
    assert Action.objects.filter(pk__in=ticked, lead_officer=None).count() == 3  # not yet

    page.get_by_role("button", name="Confirm 3 changes").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("3 actions changed")
    expect(page.locator("#results")).to_have_text(f"{leaderless - 3} actions")
    audit_both(page)
    assert AuditEvent.objects.filter(kind=AuditKind.PEOPLE, user__username="performance").exists()

    action = Action.objects.select_related("plan").get(pk=ticked[0])
    page.goto(f"{base}{action.get_absolute_url()}")
    lead = page.locator(".govuk-summary-list__row", has_text="Lead officer")
    expect(lead).to_contain_text("Jordan Bennett")
    expect(page.locator(".govuk-summary-list__row", has_text="Approver")).to_contain_text(
        "Hannah Ellis"
    )
    expect(page.locator("#no-lead")).to_have_count(0)
    expect(page.locator(".app-timeline")).to_contain_text("Lead officer: none → Jordan Bennett")
    audit_both(page)

    # An action still without a lead says nobody can enter its updates, and links to fix it.
    other = Action.objects.filter(plan__slug=PLAN, lead_officer=None).select_related("plan")[0]
    page.goto(f"{base}{other.get_absolute_url()}")
    expect(page.locator("#no-lead")).to_have_text(
        "No lead officer: nobody can enter its updates until the performance team assigns one."
    )
    page.get_by_role("link", name=re.compile("^Change people")).click()
    expect(page.locator("#results")).to_have_text("1 action")
    expect(page.locator(f"input[name='actions'][value='{other.pk}']")).to_be_checked()
    audit_both(page)

    # The register lists the three with their new lead, and links back carrying its filters.
    page.goto(f"{base}/plans/{PLAN}/register/")
    words = action.title[:30]
    page.get_by_label("Search").fill(words)
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("table tbody")).to_contain_text("Jordan Bennett")
    page.get_by_role("link", name="Assign people").click()
    expect(page.locator("#filter_q")).to_have_value(words)
    expect(page.locator("table tbody")).to_contain_text("Jordan Bennett")
    audit_both(page)
