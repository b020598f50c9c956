from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from deliverables.services import actions_refresh_completion
from tests import factories


@pytest.fixture
def cycle(small_plan, users):
    """Q3 closed (CH6 On Track, CH5 Delayed, PH5 Complete, F1 none); Q4 open, due in 10 days.

    `officer` leads CH6 and CH5 and `approver` approves them (both in Children & Education).
    """
    plan = small_plan.plan
    ch6, ch5, ph5, f1 = small_plan.actions[:4]
    for action in (ch6, ch5):
        action.lead_officer = users["officer"]
        action.approver = users["approver"]
        action.save()
    ph5.lead_officer = users["other_officer"]
    ph5.save()
    q4 = factories.period(plan, "2023-24-Q4", state="open")
    q4.due_on = timezone.localdate() + dt.timedelta(days=10)
    q4.save()
    actions_refresh_completion(a.pk for a in small_plan.actions)
    for action in (ch6, ch5, ph5, f1):
        action.refresh_from_db()
    return SimpleNamespace(
        plan=plan, q3=small_plan.period, q4=q4, ch6=ch6, ch5=ch5, ph5=ph5, f1=f1, **users
    )


def update_url(cycle, action, period=None) -> str:
    period = period or cycle.q4
    return reverse("deliverables:update", args=[cycle.plan.slug, period.code, action.pk])


def post_update(
    client,
    cycle,
    action,
    *,
    intent="submit",
    status="On Track",
    commentary="Going well.",
    version=0,
    period=None,
):
    data = {"intent": intent, "commentary": commentary, "version": version}
    if status:
        data["status"] = factories.status(cycle.plan, status).pk
    return client.post(update_url(cycle, action, period), data)
