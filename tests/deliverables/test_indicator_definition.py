"""What may change in an indicator once it has values (deliverables.indicators.definition),
through the admin, the one door that edits definitions and targets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from deliverables.indicators.admin import TargetForm
from deliverables.indicators.definition import RATED, READ, fixed_fields, target_change_problem
from tests import factories

pytestmark = pytest.mark.django_db


def test_how_values_are_read_is_fixed_once_there_are_any_and_how_rated_once_one_is_closed(kpis):
    assert fixed_fields(kpis.birth) == READ + RATED  # Q3 2023/24, closed, has its value
    fresh = factories.indicator(kpis.cycle.plan, "FRESH", "No values yet")
    assert fixed_fields(fresh) == []
    factories.indicator_value(fresh, 2023, 4, "5", state="draft", source="entered")
    assert fixed_fields(fresh) == READ  # only an open quarter's draft


def test_the_admin_shows_fixed_fields_read_only_and_a_post_cannot_change_them(client, kpis):
    client.force_login(kpis.cycle.performance)
    url = reverse("admin:deliverables_indicator_change", args=[kpis.birth.pk])
    page = client.get(url).content.decode()
    assert 'name="frequency"' not in page and 'name="polarity"' not in page
    assert 'name="title"' in page  # words can still be corrected


def test_a_target_is_fixed_once_a_value_it_rated_is_reported_in_a_closed_quarter(kpis):
    birth = kpis.birth  # Q3 2023/24 closed with its approved 97.9; Q4 open
    problem = target_change_problem(birth, 2023, 0)
    assert "Q3 2023/24 is closed" in problem and "2023/24 annual target" in problem
    assert target_change_problem(birth, 2023, 4) is None  # Q4's own target: still open
    assert "closed quarter" in target_change_problem(birth, 2023, 3)
    assert target_change_problem(birth, 2024, 0) is None  # a year with nothing reported
    # A new indicator gets its first target for the year, closed quarters or not.
    fresh = factories.indicator(kpis.cycle.plan, "FRESH", "No values yet")
    assert target_change_problem(fresh, 2023, 0) is None

    annual = birth.targets.get(year=2023, point=0)
    form = TargetForm({"year": 2023, "point": 0, "value": "90"}, instance=annual)
    form.parent_indicator = birth
    assert not form.is_valid()
    assert "cannot change" in str(form.errors)
    annual.refresh_from_db()
    assert annual.value == Decimal(95)
    form = TargetForm({"year": 2023, "point": 4, "value": "94"})
    form.parent_indicator = birth
    assert form.is_valid(), form.errors


def _inline_post(indicator, rows: list[dict]) -> dict:
    """The admin change form's POST: the indicator's own fields as they are, and its targets."""
    data = {
        "code": indicator.code,
        "title": indicator.title,
        "order": indicator.order,
        "is_active": "on",
        "targets-TOTAL_FORMS": len(rows),
        "targets-INITIAL_FORMS": sum(1 for r in rows if r.get("id")),
        "targets-MIN_NUM_FORMS": 0,
        "targets-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"targets-{index}-{key}"] = value
        data[f"targets-{index}-indicator"] = indicator.pk
    return data


def test_deleting_a_reported_target_is_refused_whatever_else_the_form_posts(client, kpis):
    """Ticking Delete while changing the year to an open one still deletes the stored row: the
    check reads what is stored."""
    client.force_login(kpis.cycle.admin)
    birth = kpis.birth
    annual = birth.targets.get(year=2023, point=0)
    url = reverse("admin:deliverables_indicator_change", args=[birth.pk])
    rows = [{"id": annual.pk, "year": 2025, "point": 0, "value": "95", "DELETE": "on"}]
    response = client.post(url, _inline_post(birth, rows))
    assert response.status_code == 200  # the form again, with the reason
    assert "cannot change" in response.content.decode()
    assert birth.targets.filter(pk=annual.pk, year=2023).exists()
    # A target for a year with nothing reported is added.
    rows = [
        {"id": annual.pk, "year": 2023, "point": 0, "value": "95"},
        {"year": 2024, "point": 0, "value": "96"},
    ]
    response = client.post(url, _inline_post(birth, rows))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert birth.targets.get(year=2024, point=0).value == Decimal(96)


def test_a_closed_quarters_comparator_is_read_only_in_the_admin(client, kpis):
    from deliverables.models import Comparator

    client.force_login(kpis.cycle.admin)
    closed = Comparator.objects.create(
        indicator=kpis.birth, kind="national", area="England", year=2023, point=3, value=97
    )
    open_one = Comparator.objects.create(
        indicator=kpis.birth, kind="national", area="England", year=2023, point=4, value=96
    )
    url = reverse("admin:deliverables_comparator_change", args=[closed.pk])
    assert 'name="_save"' not in client.get(url).content.decode()
    assert client.post(url, {"value": "1"}).status_code == 403
    delete = reverse("admin:deliverables_comparator_delete", args=[closed.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    url = reverse("admin:deliverables_comparator_change", args=[open_one.pk])
    assert 'name="_save"' in client.get(url).content.decode()


def test_an_indicator_code_is_one_an_address_can_hold(kpis):
    indicator = kpis.birth
    for code in ["PH/KPI/01", " PH8", "PH 8", "../x"]:
        indicator.code = code
        with pytest.raises(ValidationError, match="letters, digits"):
            indicator.full_clean()
    for code in ["PH8-01", "KPI_1.2", "9A"]:
        indicator.code = code
        indicator.full_clean()
