"""The preview is a promise: the switch page names every kind of report that becomes public, and
the public index says names are hidden only when they are."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.models import Plan, ReportingPeriod
from reports.models import ExceptionReport, ReportKind
from reports.services import report_publish
from tests.public.test_pages import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_the_preview_names_every_kind_of_report_that_becomes_public(client, cycle):
    ReportingPeriod.objects.filter(pk=cycle.q3.pk).update(state="published")
    report = ExceptionReport.objects.create(
        plan=cycle.plan, period=cycle.q3, kind=ReportKind.RECOMMENDATIONS
    )
    report_publish(cycle.performance, report)
    client.force_login(cycle.performance)
    preview = client.get(reverse("public:manage", args=[cycle.plan.slug])).content.decode()
    Plan.objects.filter(pk=cycle.plan.pk).update(public=True)
    client.logout()
    public_report = client.get(reverse("public:report", args=[cycle.plan.slug, report.pk]))
    assert public_report.status_code == 200  # it does become public ...
    assert "recommendations" in preview.lower()  # ... so the preview must say so


def test_the_index_does_not_say_names_are_hidden_when_they_are_shown(client, world, settings):  # noqa: F811
    settings.PUBLIC_SHOW_OFFICER_NAMES = True
    outcome = world.cycle.ch6.placements.get().outcome
    page = client.get(reverse("public:outcome", args=[world.plan.slug, world.q3.code, outcome.pk]))
    assert "Olu Officer" in page.content.decode()
    index = client.get(reverse("public:index")).content.decode()
    assert "the names of officers are not" not in index
