"""The audit itself: it must fail on a page that breaks WCAG or is wider than its window."""

import pytest

from tests.browser.conftest import PHONE


def test_the_audit_reports_an_image_without_alternative_text(page, audit):
    page.set_content(
        "<!DOCTYPE html><html lang='en'><head><title>Broken</title></head>"
        "<body><main><h1>Broken</h1><img src='chart.png'></main></body></html>"
    )
    with pytest.raises(AssertionError, match="image-alt"):
        audit(page)


def test_the_audit_reports_text_too_faint_to_read(page, audit):
    page.set_content(
        "<!DOCTYPE html><html lang='en'><head><title>Faint</title></head>"
        "<body><main><h1>Faint</h1><p style='color:#cccccc;background:#ffffff'>Faint words</p>"
        "</main></body></html>"
    )
    with pytest.raises(AssertionError, match="color-contrast"):
        audit(page)


def test_the_audit_reports_a_page_wider_than_its_window(page, audit):
    page.set_viewport_size(PHONE)
    page.set_content(
        "<!DOCTYPE html><html lang='en'><head><title>Wide</title></head>"
        "<body><main><h1>Wide</h1><div style='width:600px'>A wide table</div></main></body></html>"
    )
    with pytest.raises(AssertionError, match="is 608 px wide in a 390 px window"):
        audit(page)


def test_a_wide_table_in_a_focusable_scroll_region_passes(page, audit):
    page.set_viewport_size(PHONE)
    page.set_content(
        "<!DOCTYPE html><html lang='en'><head><title>Scrolls</title></head>"
        "<body><main><h1>Scrolls</h1>"
        "<div role='region' aria-label='Counts' tabindex='0' style='overflow-x:auto'>"
        "<table style='width:600px'><caption>Counts</caption>"
        "<tr><th scope='col'>Status</th><th scope='col'>Actions</th></tr>"
        "<tr><td>On Track</td><td>3</td></tr></table></div></main></body></html>"
    )
    audit(page)
