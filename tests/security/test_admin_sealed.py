"""Closed quarters are sealed in the admin as in the pages.

A quarter's state and dates change only through the quarter services (a reason, an audit
event, one open quarter at a time); an update of a closed quarter is never deleted; an action
with updates is withdrawn, not deleted, by whatever door and whatever cascade.
"""

from __future__ import annotations

import pytest
import tablib
from django.db.models import ProtectedError
from django.urls import reverse

from deliverables.models import Action, QuarterlyUpdate
from plans.models import AuditEvent, AuditKind, Plan, ReportingPeriod
from plans.resources import ReportingPeriodResource
from tests import factories


def period_form(period: ReportingPeriod, **changes) -> dict:
    return {
        "plan": period.plan_id,
        "year": period.year,
        "quarter": period.quarter,
        "month": period.month,
        "opens_on": "2024-01-01",
        "due_on": "2024-02-01",
        "closes_on": "",
        "state": "open",
        **changes,
    }


@pytest.fixture
def superuser(users):
    users["admin"].is_superuser = True
    users["admin"].save()
    return users["admin"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["performance", "admin", "superuser"])
def test_the_admin_cannot_open_a_closed_quarter(client, cycle, users, who):
    """The pen test set a closed quarter's state to open in the admin: no reason, no audit
    event, two quarters open at once."""
    if who == "superuser":
        users["admin"].is_superuser = True
        users["admin"].save()
    client.force_login(users["admin" if who == "superuser" else who])
    cycle.q4.state = "upcoming"  # so that only the one-open-quarter rule is not in the way
    cycle.q4.save()
    url = reverse("admin:plans_reportingperiod_change", args=[cycle.q3.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(url, period_form(cycle.q3))
    assert response.status_code == 403
    cycle.q3.refresh_from_db()
    assert (cycle.q3.state, cycle.q3.opens_on, cycle.q3.due_on) == ("closed", None, None)
    assert not AuditEvent.objects.filter(kind=AuditKind.QUARTER).exists()
    # Nor the open quarter's deadline: the extend service records that.
    cycle.q4.state = "open"
    cycle.q4.save()
    url = reverse("admin:plans_reportingperiod_change", args=[cycle.q4.pk])
    assert client.post(url, period_form(cycle.q4, due_on="2030-01-01")).status_code == 403
    assert ReportingPeriod.objects.filter(plan=cycle.plan, state="open").count() == 1


@pytest.mark.django_db
def test_a_quarter_added_in_the_admin_starts_upcoming_whatever_is_posted(client, cycle, users):
    client.force_login(users["performance"])
    url = reverse("admin:plans_reportingperiod_add")
    response = client.post(url, period_form(cycle.q3, year=2024, quarter=1))
    assert response.status_code == 302
    added = ReportingPeriod.objects.get(plan=cycle.plan, year=2024, quarter=1)
    assert (added.state, added.opens_on, added.due_on, added.closes_on) == (
        "upcoming",
        None,
        None,
        None,
    )
    assert added.history.get().history_change_reason == "Added in the admin"
    assert ReportingPeriod.objects.filter(plan=cycle.plan, state="open").count() == 1
    # An invalid add (an existing quarter) is refused by the form.
    response = client.post(url, period_form(cycle.q3))
    assert response.status_code == 200 and response.context["adminform"].form.errors
    # The Viewer has no admin at all.
    client.force_login(users["viewer"])
    assert client.post(url, period_form(cycle.q3, year=2025, quarter=1)).status_code == 302
    assert not ReportingPeriod.objects.filter(year=2025).exists()


@pytest.mark.django_db
def test_the_admin_import_adds_quarters_but_never_sets_state_or_dates(cycle, users):
    dataset = tablib.Dataset(
        headers=["plan", "year", "quarter", "opens_on", "due_on", "closes_on", "state"]
    )
    dataset.append([cycle.plan.slug, 2023, 3, "2024-01-01", "2024-02-01", "", "open"])
    dataset.append([cycle.plan.slug, 2024, 1, "2024-04-01", "2024-05-01", "", "open"])
    result = ReportingPeriodResource().import_data(dataset, dry_run=False, user=users["admin"])
    assert not result.has_errors() and not result.has_validation_errors()
    cycle.q3.refresh_from_db()
    assert (cycle.q3.state, cycle.q3.opens_on, cycle.q3.due_on) == ("closed", None, None)
    added = ReportingPeriod.objects.get(plan=cycle.plan, year=2024, quarter=1)
    assert (added.state, added.opens_on, added.due_on) == ("upcoming", None, None)


@pytest.mark.django_db
def test_a_closed_quarter_cannot_be_deleted_in_the_admin_but_a_new_one_can(
    client, cycle, superuser
):
    client.force_login(superuser)
    QuarterlyUpdate.objects.filter(period=cycle.q3).delete()  # nothing else holds it
    url = reverse("admin:plans_reportingperiod_delete", args=[cycle.q3.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert ReportingPeriod.objects.filter(pk=cycle.q3.pk).exists()
    added = factories.period(cycle.plan, "2024-25-Q1", state="upcoming")
    url = reverse("admin:plans_reportingperiod_delete", args=[added.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not ReportingPeriod.objects.filter(pk=added.pk).exists()


def bulk_delete(client, model: str, pks) -> object:
    return client.post(
        reverse(f"admin:{model}_changelist"),
        {"action": "delete_selected", "_selected_action": [str(pk) for pk in pks], "post": "yes"},
        follow=True,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_an_update_of_a_closed_quarter_cannot_be_deleted_in_the_admin(client, cycle, users, who):
    if who == "superuser":
        users["admin"].is_superuser = True
        users["admin"].save()
    client.force_login(users["admin"])
    update = cycle.ch6.updates.get(period=cycle.q3)
    url = reverse("admin:deliverables_quarterlyupdate_delete", args=[update.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    bulk_delete(client, "deliverables_quarterlyupdate", [update.pk])
    assert QuarterlyUpdate.objects.filter(pk=update.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_an_action_with_updates_is_withdrawn_not_deleted(client, cycle, users, who):
    """The pen test deleted an action in the admin and its closed-quarter update went with it."""
    if who == "superuser":
        users["admin"].is_superuser = True
        users["admin"].save()
    client.force_login(users["admin"])
    updates = QuarterlyUpdate.objects.count()
    url = reverse("admin:deliverables_action_delete", args=[cycle.ch6.pk])
    response = client.post(url, {"post": "yes"})
    page = response.content.decode()
    assert response.status_code == 200 and "Cannot delete" in page
    assert "withdraw it</a> from a quarter not yet closed" in page
    assert cycle.ch6.get_absolute_url() in page
    response = bulk_delete(client, "deliverables_action", [cycle.ch6.pk, cycle.ch5.pk])
    assert "2 of these actions have quarterly updates (CH5, CH6)" in response.content.decode()
    assert Action.objects.filter(pk__in=[cycle.ch6.pk, cycle.ch5.pk]).count() == 2
    # Nor by deleting the plan above them.
    url = reverse("admin:plans_plan_delete", args=[cycle.plan.pk])
    response = client.post(url, {"post": "yes"})
    assert "Archive it from Set up plans instead" in response.content.decode()
    assert Plan.objects.filter(pk=cycle.plan.pk).exists()
    assert QuarterlyUpdate.objects.count() == updates
    # Every other door refuses it too.
    with pytest.raises(ProtectedError):
        cycle.ch6.delete()
    # An action with no updates can still be deleted.
    spare = factories.action(cycle.plan, "CH99", "Added by mistake")
    url = reverse("admin:deliverables_action_delete", args=[spare.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Action.objects.filter(pk=spare.pk).exists()


@pytest.mark.django_db
def test_the_admin_cannot_switch_a_plan_with_periods_to_months(client, cycle, superuser):
    """Its quarters, updates and reports would all be of the wrong kind: the frequency is shown,
    not offered, once a period exists; a plan with none can still choose."""
    client.force_login(superuser)
    page = client.get(reverse("admin:plans_plan_change", args=[cycle.plan.pk]))
    assert 'name="frequency"' not in page.content.decode()
    assert "Quarterly" in page.content.decode()
    empty = Plan.objects.create(
        name="Draft plan", slug="draft-plan", first_year=2025, last_year=2026
    )
    page = client.get(reverse("admin:plans_plan_change", args=[empty.pk]))
    assert 'name="frequency"' in page.content.decode()


@pytest.mark.django_db
def test_the_admin_cannot_archive_a_plan_past_the_open_period_check(client, cycle, superuser):
    """Archiving goes through Set up plans, which refuses while a period is open: the admin's
    form posted without the Active box leaves the plan active."""
    client.force_login(superuser)
    url = reverse("admin:plans_plan_change", args=[cycle.plan.pk])
    assert 'name="is_active"' not in client.get(url).content.decode()
    form = {
        "name": cycle.plan.name,
        "slug": cycle.plan.slug,
        "first_year": cycle.plan.first_year,
        "last_year": cycle.plan.last_year,
        "outcome_label": "Outcome",
        "theme_label": "Theme",
        "deliverable_label": "Deliverable",
        "action_label": "Action",
        "outcomes-TOTAL_FORMS": 0,
        "outcomes-INITIAL_FORMS": 0,
    }
    client.post(url, form)
    cycle.plan.refresh_from_db()
    assert cycle.plan.is_active


@pytest.mark.django_db
def test_the_plan_file_import_cannot_archive_a_plan(cycle, users):
    """Archiving is Set up plans' (it refuses while a period is open), not a column of a file."""
    from plans.resources import PlanResource

    data = tablib.Dataset(headers=["slug", "name", "first_year", "last_year", "is_active"])
    data.append([cycle.plan.slug, cycle.plan.name, 2023, 2026, 0])
    PlanResource().import_data(data, dry_run=False, user=users["admin"])
    cycle.plan.refresh_from_db()
    assert cycle.plan.is_active
