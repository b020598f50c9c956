"""The accessibility audit itself: it must fail on a page that breaks WCAG."""

import pytest


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
