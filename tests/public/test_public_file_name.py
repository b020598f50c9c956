"""The public PDF of a published version is named by the one naming rule
(reports.models.report_file_name_of): from what the version froze at publish, so it keeps
its name, and matches the signed-in download's, after an administrator changes the slug."""

from __future__ import annotations

import pytest
from django.urls import reverse

from public.cache import clear_plan
from tests.public import test_open_data

published = test_open_data.published  # the published quarter


@pytest.mark.django_db
def test_the_public_pdf_keeps_its_name_after_the_plans_slug_changes(client, published):
    plan = published.plan
    plan.slug = "renamed-plan"
    plan.save(update_fields=["slug"])
    clear_plan(plan.pk)
    response = client.get(reverse("public:report_pdf", args=[plan.slug, published.report.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == (
        'attachment; filename="test-plan-2023-24-Q3-exception-report-v1.pdf"'
    )
    words = reverse("public:report_pdf", args=[plan.slug, published.recommendations.pk])
    assert client.get(words)["Content-Disposition"].endswith(
        '"test-plan-2023-24-Q3-recommendations-report-v1.pdf"'
    )
