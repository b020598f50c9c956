"""The register's typed deliverable filter in a real browser: a WAI-ARIA combobox with script,
chosen with the keyboard, sending the deliverable's id; axe clean with its list open."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories


@pytest.mark.django_db(transaction=True)
def test_a_viewer_picks_a_deliverable_with_the_keyboard(page, live_server, sign_in, audit):
    dirs = factories.directorates()
    small = factories.small_plan(dirs)
    factories.role_users(dirs)
    sign_in(page, "viewer", factories.PASSWORD)
    page.goto(live_server.url + reverse("reports:register", args=[small.plan.slug]))
    box = page.get_by_role("combobox", name="Deliverable")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.fill("we will")
    listbox = page.get_by_role("listbox", name="Suggested deliverables")
    expect(listbox.get_by_role("option")).to_have_count(3)
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status").filter(has_text="3 results are available.")).to_have_count(1)
    audit(page)
    box.press("ArrowDown")
    box.press("ArrowDown")
    second = listbox.get_by_role("option", name="B4 We will improve attendance")
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    expect(second).to_have_attribute("aria-selected", "true")
    box.press("Enter")  # chooses; does not submit
    expect(box).to_have_value("B4 We will improve attendance")
    expect(box).to_have_attribute("aria-expanded", "false")
    page.get_by_role("button", name="Apply filters").click()
    b4 = small.deliverables[1]
    expect(page).to_have_url(re.compile(rf"deliverable={b4.pk}(&|$)"))
    expect(page.get_by_role("heading", name="1 action")).to_be_visible()
    expect(page.get_by_role("combobox", name="Deliverable")).to_have_value(
        "B4 We will improve attendance"
    )
    # Escape closes the list; words not chosen from it still filter.
    box = page.get_by_role("combobox", name="Deliverable")
    box.fill("health")
    expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(1)
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"deliverable=health"))
    expect(page.get_by_role("heading", name="1 action")).to_be_visible()
