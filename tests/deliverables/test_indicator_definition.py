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


def test_a_years_targets_are_fixed_once_a_quarter_of_it_is_closed(kpis):
    birth = kpis.birth  # Q3 2023/24 closed, Q4 open
    problem = target_change_problem(birth, 2023, 0)
    assert "Q3 2023/24 is closed" in problem and "2023/24 annual target" in problem
    assert target_change_problem(birth, 2023, 4) is None  # Q4's own target: still open
    assert "closed quarter" in target_change_problem(birth, 2023, 3)
    assert target_change_problem(birth, 2024, 0) is None  # a year with nothing closed

    annual = birth.targets.get(year=2023, point=0)
    form = TargetForm({"year": 2023, "point": 0, "value": "90"}, instance=annual)
    assert not form.is_valid()
    assert "cannot change" in str(form.errors)
    annual.refresh_from_db()
    assert annual.value == Decimal(95)
    form = TargetForm({"year": 2023, "point": 4, "value": "94"})
    form.instance.indicator = birth
    assert form.is_valid(), form.errors


def test_an_indicator_code_is_one_an_address_can_hold(kpis):
    indicator = kpis.birth
    for code in ["PH/KPI/01", " PH8", "PH 8", "../x"]:
        indicator.code = code
        with pytest.raises(ValidationError, match="letters, digits"):
            indicator.full_clean()
    for code in ["PH8-01", "KPI_1.2", "9A"]:
        indicator.code = code
        indicator.full_clean()
