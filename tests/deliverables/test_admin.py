"""The admin is one more write path: the quarterly rules hold there too."""

from __future__ import annotations

import pytest
import tablib
from django.urls import reverse

from deliverables import services
from deliverables.models import QuarterlyUpdate
from deliverables.resources import QuarterlyUpdateResource
from tests import factories
from tests.deliverables.conftest import submit_update


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


@pytest.mark.django_db
def test_setting_complete_in_the_admin_completes_the_action_like_any_other_door(
    admin_client, cycle
):
    """An admin setting Complete used to leave the action's completion stale: the admin
    saved the row itself instead of going through the services."""
    update = submit_update(cycle, cycle.ch6, "On Track", "Fine")
    update = services.update_approve(cycle.approver, update, expected_version=update.version)
    url = reverse("admin:deliverables_quarterlyupdate_change", args=[update.pk])
    form = {
        "status": factories.status(cycle.plan, "Complete").pk,
        "commentary": "Finished early",
        "return_reason": "",
        "expected_version": update.version,
    }
    response = admin_client.post(url, form)
    assert response.status_code == 302
    cycle.ch6.refresh_from_db()
    update.refresh_from_db()
    assert cycle.ch6.completed_in == cycle.q4
    assert (update.status.label, update.version) == ("Complete", 3)
    assert update.history.first().history_change_reason == "Corrected in the admin"
    # A form loaded before that save is refused, and says so; nothing changes.
    response = admin_client.post(url, {**form, "commentary": "Stale"}, follow=True)
    assert "changed by" in response.content.decode() and "Not saved" in response.content.decode()
    update.refresh_from_db()
    assert update.commentary == "Finished early"
    # A status that needs commentary is refused without it, in the admin as in the form.
    response = admin_client.post(
        url,
        {
            **form,
            "status": factories.status(cycle.plan, "Delayed").pk,
            "commentary": "",
            "expected_version": update.version,
        },
        follow=True,
    )
    assert "Add commentary for the &#x27;Delayed&#x27; status" in response.content.decode()


@pytest.mark.django_db
def test_updates_imported_in_the_admin_go_through_the_services(cycle, users):
    """The admin's import resource wrote updates itself: completion stayed stale and a
    closed quarter could take new rows."""
    resource = QuarterlyUpdateResource()
    complete = factories.status(cycle.plan, "Complete")
    dataset = tablib.Dataset(headers=["action", "period", "status", "commentary"])
    dataset.append([cycle.ch6.pk, cycle.q4.pk, complete.pk, "Done"])
    result = resource.import_data(dataset, dry_run=False, user=users["admin"])
    assert not result.has_errors() and not result.has_validation_errors()
    cycle.ch6.refresh_from_db()
    assert cycle.ch6.completed_in == cycle.q4
    update = QuarterlyUpdate.objects.get(action=cycle.ch6, period=cycle.q4)
    assert (update.state, update.source) == ("approved", "imported")
    # Into a closed quarter, even a new row is refused.
    dataset = tablib.Dataset(headers=["action", "period", "status", "commentary"])
    dataset.append([cycle.f1.pk, cycle.q3.pk, complete.pk, "Late"])
    result = resource.import_data(dataset, dry_run=False, user=users["admin"])
    assert result.has_validation_errors()
    assert not QuarterlyUpdate.objects.filter(action=cycle.f1, period=cycle.q3).exists()
