"""`open_demo_to_public` on the real demo data, as `make run` runs it after load_sandwell."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from plans.models import AuditEvent, AuditKind, Plan
from reports.models import ExceptionReport

PLAN = "corporate-plan-2021-25"


def _run() -> str:
    out = io.StringIO()
    call_command("open_demo_to_public", stdout=out)
    return out.getvalue()


def test_opens_the_corporate_plans_q3_to_the_public_once(client, sandwell):
    first = _run()
    assert "version 1 published" in first and "public pages switched on" in first
    plan = Plan.objects.get(slug=PLAN)
    assert plan.public
    q3 = plan.periods.by_code("2023-24-Q3").get()
    assert q3.state == "published"
    # A second `make run` changes nothing.
    second = _run()
    assert "already published" in second and "already on" in second
    assert ExceptionReport.objects.filter(period=q3, state="published").count() == 1
    assert AuditEvent.objects.filter(kind=AuditKind.PUBLIC).count() == 1
    # What a resident sees: the plan, the quarter and its outcomes, with no officer's name.
    index = client.get(reverse("public:index")).content.decode()
    assert "Corporate Plan" in index and "Q3 2023/24" in index
    period = client.get(reverse("public:period", args=[PLAN, "2023-24-Q3"]))
    assert period.status_code == 200
    outcome = plan.outcomes.order_by("order").first()
    page = client.get(reverse("public:outcome", args=[PLAN, "2023-24-Q3", outcome.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "On Track" in text
    for person in plan.actions.exclude(lead_officer=None).values_list(
        "lead_officer__first_name", "lead_officer__last_name"
    )[:20]:
        assert " ".join(person) not in text
    # The demo's open Q4 stays private.
    assert client.get(reverse("public:period", args=[PLAN, "2023-24-Q4"])).status_code == 404


@pytest.mark.django_db
def test_says_what_is_missing_without_the_demo(db):
    with pytest.raises(CommandError, match="load_sandwell"):
        _run()
