from __future__ import annotations

from django.urls import reverse

from deliverables import services
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


def submit_update(cycle, action, status: str, commentary: str, version: int = 0):
    """The cycle's officer submits `action`'s update for the open quarter, through the service."""
    return services.update_save(
        cycle.officer,
        action,
        cycle.q4,
        status=factories.status(cycle.plan, status),
        commentary=commentary,
        expected_version=version,
        submit=True,
    )
