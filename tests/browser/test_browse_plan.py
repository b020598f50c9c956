"""A signed-in officer reads the plan down to an action's quarterly history."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect


@pytest.mark.django_db(transaction=True)
def test_an_officer_signs_in_and_opens_an_action(page, live_server, sandwell, sign_in, audit):
    page.goto(live_server.url)
    expect(page).to_have_title("Sign in – Plan performance – Sandwell Council")
    audit(page)

    sign_in(page, "officer.ch", "sandwell-demo-2026")
    # The demo opens Q4 2023/24, so an officer lands on their updates.
    expect(page.get_by_role("heading", name="My updates for Q4 2023/24")).to_be_visible()
    page.get_by_role("link", name="Plans", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sandwell Council plans")
    audit(page)

    page.get_by_role("link", name="Corporate Plan 2021-25").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Corporate Plan 2021-25")
    expect(page.get_by_role("heading", name="Actions by status, Q3 2023/24")).to_be_visible()
    audit(page)

    page.get_by_role("link", name="The Best Start in Life for Children and Young People").click()
    expect(page.get_by_role("heading", name="Ready for School")).to_be_visible()
    audit(page)

    page.get_by_role("link", name="Ensure that every child in Sandwell has access").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ensure that every child")
    expect(page.get_by_text("typed with look-alike letters; read as CH6")).to_be_visible()
    history = page.get_by_role("region", name="Q3 2023/24")
    expect(history.get_by_text("On Track")).to_be_visible()
    expect(history).to_contain_text("Work to align specialist place planning")
    audit(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
