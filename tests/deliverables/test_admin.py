"""The admin is one more write path: the quarterly rules hold there too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories


@pytest.fixture
def admin_client(client, users):
    users["admin"].is_superuser = True
    users["admin"].save()
    client.force_login(users["admin"])
    return client


@pytest.mark.django_db
def test_an_update_in_a_closed_quarter_cannot_be_changed_in_the_admin(admin_client, small_plan):
    update = small_plan.actions[0].updates.get()
    url = reverse("admin:deliverables_quarterlyupdate_change", args=[update.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="_save"' not in page  # read-only view
    response = admin_client.post(url, {"status": update.status_id, "commentary": "Rewritten"})
    assert response.status_code == 403
    update.refresh_from_db()
    assert update.commentary == "Commentary for CH6"


@pytest.mark.django_db
def test_the_admin_offers_only_the_plans_statuses_and_sanitises(admin_client, small_plan):
    other = factories.plan("another-plan")
    quarter = factories.period(small_plan.plan, "2023-24-Q4", state="open")
    update = factories.update(
        small_plan.actions[0], quarter, "On Track", "x", state="draft", source="entered"
    )
    url = reverse("admin:deliverables_quarterlyupdate_change", args=[update.pk])
    choices = admin_client.get(url).context["adminform"].form.fields["status"].queryset
    assert set(choices) == set(small_plan.plan.scale.statuses.all())
    response = admin_client.post(
        url,
        {"status": factories.status(other, "On Track").pk, "commentary": "x", "return_reason": ""},
    )
    assert response.status_code == 200  # the form shows the error; nothing is written
    admin_client.post(
        url,
        {
            "status": factories.status(small_plan.plan, "Delayed").pk,
            "commentary": "<p>Fixed</p><script>x()</script>",
            "return_reason": "",
        },
    )
    update.refresh_from_db()
    assert (update.status.label, update.commentary, update.version) == ("Delayed", "Fixed", 2)
