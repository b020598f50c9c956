"""An indicator's figure for a quarter, as each reader may see it (deliverables.indicators)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from deliverables.indicators.readings import quarter_readings, rag_counts

pytestmark = pytest.mark.django_db


def by_code(readings):
    return {r.indicator.code: r for r in readings}


def test_a_closed_quarter_reads_approved_values_with_target_rag_and_direction(kpis):
    cycle = kpis.cycle
    found = by_code(quarter_readings(cycle.plan, cycle.q3, cycle.viewer))
    birth = found["BIRTH"]
    assert birth.value == Decimal("97.9")
    assert birth.value_text == "97.9%"
    assert birth.target == Decimal(95)
    assert birth.rag == "green"
    assert birth.direction == "improving"
    assert birth.rule == "Green at 95.0% or more; amber from 90.3%; red below that"
    checks = found["CHECKS"]
    assert checks.target == Decimal(4500)
    assert checks.rag == "red"
    smoking = found["SMOKING"]
    assert (smoking.year, smoking.value, smoking.rag) == (2022, Decimal(21), "red")
    contacts = found["CONTACTS"]
    assert contacts.label == "December 2023"
    assert contacts.rag == "grey"
    assert rag_counts(found.values()) == {
        "green": 1,
        "amber": 0,
        "red": 2,
        "grey": 1,
        "missing": 0,
    }


def test_a_submitted_value_counts_only_for_those_who_see_the_work(kpis):
    cycle = kpis.cycle
    for_viewer = by_code(quarter_readings(cycle.plan, cycle.q4, cycle.viewer))["BIRTH"]
    assert for_viewer.value is None
    assert for_viewer.value_text == "Awaiting approval"
    assert "dip" not in for_viewer.commentary
    for_approver = by_code(quarter_readings(cycle.plan, cycle.q4, cycle.approver))["BIRTH"]
    assert for_approver.value == Decimal("93.0")
    assert for_approver.rag == "amber"
    assert for_approver.direction == "worsening"


def test_a_draft_counts_for_no_one_and_an_open_quarter_says_not_yet_entered(kpis):
    cycle = kpis.cycle
    checks = by_code(quarter_readings(cycle.plan, cycle.q4, cycle.performance))["CHECKS"]
    assert checks.value is None
    assert checks.value_text == "Not yet entered"
    assert checks.rag == "missing"


def test_an_indicator_belongs_to_its_outcomes_directly_and_through_what_it_evidences(kpis):
    from deliverables.indicators.selectors import outcome_ids_by_indicator

    cycle = kpis.cycle
    first = cycle.ch6.placements.get().outcome_id
    second = cycle.ph5.placements.get().outcome_id
    found = outcome_ids_by_indicator([kpis.birth, kpis.checks, kpis.smoking])
    assert found[kpis.birth.pk] == {first}
    assert found[kpis.checks.pk] == {second}
    assert kpis.smoking.pk not in found


def test_a_figure_is_rated_as_it_is_shown(kpis):
    """94.96 shows as 95.0%: it is on target against "green at 95.0% or more", not amber."""
    from deliverables.models import IndicatorValue

    cycle = kpis.cycle
    IndicatorValue.objects.filter(indicator=kpis.birth, year=2023, point=3).update(
        value=Decimal("94.96")
    )
    birth = by_code(quarter_readings(cycle.plan, cycle.q3, cycle.viewer))["BIRTH"]
    assert (birth.value_text, birth.rag) == ("95.0%", "green")
    IndicatorValue.objects.filter(indicator=kpis.birth, year=2023, point=3).update(
        value=Decimal("94.94")
    )
    birth = by_code(quarter_readings(cycle.plan, cycle.q3, cycle.viewer))["BIRTH"]
    assert (birth.value_text, birth.rag) == ("94.9%", "amber")


def test_a_year_to_date_indicator_says_what_each_period_added(kpis, client):
    """Q2 1,200 and Q3 1,796 to date: Q3 added 596 against Q2's 600, so it is worsening, and
    the page says so in those figures rather than beside the year to date."""
    from django.urls import reverse

    from tests.factories import indicator_value

    cycle = kpis.cycle
    indicator_value(kpis.checks, 2023, 1, "600")
    indicator_value(kpis.checks, 2023, 2, "1200")
    checks = by_code(quarter_readings(cycle.plan, cycle.q3, cycle.viewer))["CHECKS"]
    assert (checks.compared_now, checks.compared_before) == (Decimal(596), Decimal(600))
    assert checks.direction == "worsening"
    client.force_login(cycle.viewer)
    page = client.get(
        reverse("deliverables:indicator", args=[cycle.plan.slug, "CHECKS"]),
        {"period": cycle.q3.code},
    ).content.decode()
    assert "596 added, against 600 the period before" in page
