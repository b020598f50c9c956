"""The performance team builds, previews and publishes the exception report."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from reports.models import ExceptionReport

PASSWORD = "sandwell-demo-2026"


@pytest.mark.django_db(transaction=True)
def test_build_preview_publish_and_download(page, browser, live_server, sandwell, sign_in, audit):
    sign_in(page, "performance", PASSWORD)
    page.goto(f"{live_server.url}/plans/council-plan-2024-30/")
    page.get_by_role("link", name="Exception reports").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    audit(page)
    page.get_by_label("Build the report for").select_option("2024-25-Q2")
    page.get_by_role("button", name="Build the exception report").click()
    expect(page.get_by_text("Draft, version 1")).to_be_visible()
    expect(page.get_by_role("heading", name="Thriving Economy in Sandwell")).to_be_visible()
    audit(page)

    page.get_by_role("link", name="Edit introduction and narratives").click()
    audit(page)
    page.get_by_label("Introduction").fill("Twenty-three actions are delayed this quarter.")
    page.get_by_label("Healthy in Sandwell").fill("Five health actions are delayed.")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_text("Twenty-three actions are delayed this quarter.")).to_be_visible()
    expect(page.get_by_text("Five health actions are delayed.")).to_be_visible()

    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_text("Version 1 published")).to_be_visible()
    audit(page)
    assert ExceptionReport.objects.get().state == "published"

    with page.expect_download() as download:
        page.get_by_role("link", name="PDF", exact=True).click()
    assert (
        download.value.suggested_filename
        == "council-plan-2024-30-2024-25-Q2-exception-report-v1.pdf"
    )
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Twenty-three actions are delayed this quarter." in text
    assert "Healthy in Sandwell" in text

    # A viewer reads the published version.
    viewer = browser.new_context().new_page()
    sign_in(viewer, "viewer", PASSWORD)
    viewer.goto(f"{live_server.url}/plans/council-plan-2024-30/reports/")
    viewer.get_by_role("link", name="Exception report, Q2 2024/25").click()
    expect(viewer.get_by_text("Version 1, published")).to_be_visible()
    audit(viewer)
