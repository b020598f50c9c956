"""Signed-in pages and downloads tell browsers and caches to keep nothing (Cache-Control:
no-store); public files keep their caching."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.services import report_start


def signed_in_urls(cycle, report) -> dict[str, str]:
    slug = cycle.plan.slug
    return {
        "page": reverse("deliverables:my_updates"),
        "action page": reverse("deliverables:action", args=[slug, cycle.ch6.pk]),
        "register CSV": reverse("reports:register_csv", args=[slug]),
        "register XLSX": reverse("reports:register_xlsx", args=[slug]),
        "tracker": reverse("deliverables:export_tracker", args=[slug, cycle.q4.code]),
        "report PDF": reverse("reports:report_pdf", args=[report.pk]),
        "report Word": reverse("reports:report_docx", args=[report.pk]),
        "report XLSX": reverse("reports:report_xlsx", args=[report.pk]),
    }


@pytest.mark.django_db
def test_signed_in_pages_and_downloads_are_not_stored(client, cycle):
    report = report_start(cycle.performance, cycle.q3)
    client.force_login(cycle.performance)
    for what, url in signed_in_urls(cycle, report).items():
        response = client.get(url)
        assert response.status_code == 200, what
        assert "no-store" in response["Cache-Control"], what
        assert "private" in response["Cache-Control"], what


@pytest.mark.django_db
def test_public_files_keep_their_caching(client, cycle):
    """The colours stylesheet and the icon, even for a signed-in user. (Static files are
    served by WhiteNoise before sign-in is read, so they never reach the rule.)"""
    client.force_login(cycle.officer)
    colours = client.get(reverse("plans:status_css"))
    assert colours["Cache-Control"] == "max-age=300"
    icon = client.get(reverse("favicon"))
    assert icon["Cache-Control"] == "max-age=86400"
