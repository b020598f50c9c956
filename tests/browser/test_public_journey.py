"""A resident reads the Corporate Plan's published Q3 2023/24 without signing in, by keyboard.

The demo as `make run` leaves it (load_sandwell, then open_demo_to_public): every step moves
with Tab and Enter only, never the mouse, and every page is audited with axe at desktop width
and at 390 px. The resident starts at the skip link, goes from the list of public plans to the
plan, its published quarter, an outcome with its actions' approved commentary, the published
exception report, the open data's dictionary and the CSV itself.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

PLAN = "Corporate Plan 2021-25"
OUTCOME = "The Best Start in Life for Children and Young People"


def tab_to(page, name: str, *, limit: int = 400) -> None:
    """Press Tab until the focused element is the link or button named `name` (its text
    starts with it), then stop: the keyboard user's way to reach it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => (document.activeElement.innerText || document.activeElement.value || '').trim()"
        )
        if focused.startswith(name):
            return
    pytest.fail(f"Tab never reached {name!r} on {page.url}")


def follow(page, name: str) -> None:
    tab_to(page, name)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_a_resident_reads_a_published_quarter_by_keyboard(page, live_server, sandwell, audit_both):
    call_command("open_demo_to_public", stdout=io.StringIO())
    page.goto(f"{live_server.url}/public/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How the council is doing against its plans"
    )
    # The first Tab stop is the skip link, and it moves focus to the content.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    audit_both(page)
    # No sign-in, and nothing of the signed-in service: no navigation to it, no names.
    expect(page.get_by_role("link", name="Sign out")).to_have_count(0)

    follow(page, PLAN)
    expect(page.get_by_role("heading", level=1)).to_have_text(PLAN)
    audit_both(page)

    follow(page, "Q3 2023/24")
    expect(page.get_by_role("heading", level=1)).to_have_text("Q3 2023/24")
    expect(page.get_by_role("table", name="Number of actions in each")).to_be_visible()
    expect(page.get_by_role("heading", name="Reports and open data")).to_be_visible()
    audit_both(page)

    follow(page, OUTCOME)
    expect(page.get_by_role("heading", level=1)).to_have_text(OUTCOME)
    expect(page.get_by_text("Work to align specialist place planning")).to_be_visible()
    audit_both(page)

    page.go_back()
    follow(page, "Exception report, Q3 2023/24")
    expect(page.get_by_role("heading", level=1)).to_contain_text("exception report, Q3 2023/24")
    audit_both(page)

    page.go_back()
    follow(page, "What the files mean")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data: what the files mean")
    expect(page.get_by_role("link", name="Open Government Licence v3.0").first).to_be_visible()
    audit_both(page)

    page.go_back()
    tab_to(page, "Every action (CSV)")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    path = download.value.path()
    text = open(path, encoding="utf-8-sig").read()  # noqa: SIM115
    assert text.splitlines()[0].startswith("Plan,") or "Plan" in text.splitlines()[0]
    assert "Work to align specialist place planning" in text
