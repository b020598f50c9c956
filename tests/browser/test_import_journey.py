"""An administrator imports a legacy tracker in the browser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from deliverables.models import QuarterlyUpdate
from plans.services import directorates_sync, plan_sync
from tests import factories

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@pytest.mark.django_db(transaction=True)
def test_upload_read_the_preview_confirm_and_see_the_result(page, live_server, sign_in, audit):
    directorates_sync(
        json.loads((FIXTURES / "sandwell" / "directorates.json").read_text())["directorates"]
    )
    spec = json.loads((FIXTURES / "sandwell" / "council-plan-2024-30.json").read_text())
    spec["trackers"] = []
    plan_sync(spec)
    factories.user("admin", "Administrator", is_staff=True)

    sign_in(page, "admin", factories.PASSWORD)
    page.get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imports")
    audit(page)
    page.get_by_role("link", name="Import a tracker").click()
    audit(page)

    # A wrong file first: a clear message, nothing lost.
    page.get_by_label("Plan", exact=True).select_option(label="Council Plan 2024-30")
    page.get_by_label("Quarter the tracker reports").fill("2024-25-Q2")
    page.get_by_label("Tracker file").set_input_files(
        str(FIXTURES / "sandwell" / "directorates.json")
    )
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("alert")).to_contain_text("is not a spreadsheet this service reads")
    audit(page)

    page.get_by_label("Tracker file").set_input_files(
        str(FIXTURES / "legacy" / "ad-business-plan-red-actions-2024-25-q2.xlsx")
    )
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check before importing")
    figures = page.get_by_role("table", name="What importing would do")
    expect(figures.get_by_role("row", name="Updates")).to_contain_text("23")
    expect(page.get_by_role("table", name="What happens to each row")).to_contain_text(
        "HEALTHY IN SANDWELL".title().replace("In", "in")
    )
    audit(page)
    assert not QuarterlyUpdate.objects.exists()

    page.get_by_role("button", name="Import now").click()
    expect(page.get_by_text("23 actions and 23 updates created")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imported")
    audit(page)
    assert QuarterlyUpdate.objects.count() == 23
