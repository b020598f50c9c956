from __future__ import annotations

from django.urls import reverse

from tests import factories


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
