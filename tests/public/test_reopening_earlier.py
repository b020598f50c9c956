"""A published quarter's public figures stay its published report's figures.

Reopening an earlier quarter can change what later quarters count (an action completed then
leaves them), so every later published quarter goes back to closed and leaves the public pages
until its report is published again; the quarter page says so before the reopen. Once
republished, the public totals equal the new report's.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from deliverables import services
from plans.models import ReportingPeriod
from reports.services import report_publish, report_start
from tests import factories
from tests.public.test_pages import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_reopening_an_earlier_quarter_takes_later_published_ones_off_until_republished(
    client,
    world,  # noqa: F811
):
    performance = world.cycle.performance
    report = report_publish(performance, report_start(performance, world.q3))
    url = reverse("public:data_json", args=[world.plan.slug, world.q3.code])
    assert (
        json.loads(client.get(url).content)["totals"]["plan"]["total"]
        == (report.snapshot["overview_total"])
    )

    client.force_login(performance)
    page = client.get(reverse("deliverables:quarter", args=[world.plan.slug, world.q2.code]))
    assert "also sends Q3 2023/24 back to closed" in page.content.decode()
    client.logout()

    services.period_close(performance, world.cycle.q4, mark_missing=False)  # one open at a time
    services.period_reopen(performance, world.q2, reason="F1 was finished in Q2")
    world.q3.refresh_from_db()
    assert world.q3.state == "closed"
    assert client.get(url).status_code == 404  # off the public pages at once

    factories.update(world.cycle.f1, world.q2, "Complete", "Finished in Q2", source="entered")
    services.actions_refresh_completion([world.cycle.f1.pk])
    services.period_close(
        performance, ReportingPeriod.objects.get(pk=world.q2.pk), mark_missing=False
    )
    corrected = report_publish(performance, report_start(performance, world.q3))
    assert corrected.version == 2
    total = json.loads(client.get(url).content)["totals"]["plan"]["total"]
    assert total == corrected.snapshot["overview_total"] == report.snapshot["overview_total"] - 1
