"""Indicator values in the quarterly cycle: an owner enters each point due in a quarter, saves
drafts and submits; approvers of the indicator's directorate approve or return; the same lock,
reopen, version check and history as actions' updates (deliverables.indicators.services)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from deliverables import services as cycle_services
from deliverables.indicators import services
from deliverables.indicators.permissions import (
    can_decide_value,
    can_enter_values,
    decides_values_q,
    enters_values_q,
)
from deliverables.models import Indicator, IndicatorValue
from deliverables.permissions import SAVED_AS_DRAFT, SUBMITTED
from deliverables.workflow import NotAllowed, QuarterLocked, StaleUpdate, WorkflowError
from tests import factories

pytestmark = pytest.mark.django_db


def visits(cycle, code: str = "VISITS", **fields) -> Indicator:
    """A quarterly % indicator owned by `officer` in Children & Education, target 90 with 5%
    tolerance (amber from 85.5), with nothing entered for Q4."""
    defaults = {
        "target": 90,
        "unit": "percent",
        "decimals": 1,
        "tolerance_kind": "percent",
        "tolerance": 5,
        "owner": cycle.officer,
        "directorate": cycle.ch6.directorate,
    }
    return factories.indicator(cycle.plan, code, "Review visits", **{**defaults, **fields})


def entry_url(indicator, period) -> str:
    return reverse(
        "deliverables:indicator_entry", args=[period.plan.slug, indicator.code, period.code]
    )


def save(cycle, indicator, point=4, *, submit=False, version=0, year=2023, **typed):
    return services.indicator_value_save(
        cycle.officer, indicator, year, point, submit=submit, expected_version=version, **typed
    )


# -- the services -------------------------------------------------------------------------------


def test_a_draft_then_a_submission_with_the_actions_history_words(cycle):
    indicator = visits(cycle)
    draft = save(cycle, indicator, value=Decimal("92"))
    assert (draft.state, draft.version, draft.period) == ("draft", 1, cycle.q4)
    submitted = save(cycle, indicator, value=Decimal("93.5"), submit=True, version=1)
    assert (submitted.state, submitted.value, submitted.submitted_by) == (
        "submitted",
        Decimal("93.5"),
        cycle.officer,
    )
    reasons = list(submitted.history.order_by("history_id").values_list("history_change_reason"))
    assert reasons == [(SAVED_AS_DRAFT,), (SUBMITTED,)]


def test_only_the_owner_with_an_entering_role_enters(cycle):
    indicator = visits(cycle)
    with pytest.raises(NotAllowed):
        services.indicator_value_save(
            cycle.approver, indicator, 2023, 4, value=Decimal(1), submit=False, expected_version=0
        )
    indicator.owner = cycle.viewer  # a viewer's role enters nothing
    indicator.save()
    with pytest.raises(NotAllowed):
        services.indicator_value_save(
            cycle.viewer, indicator, 2023, 4, value=Decimal(1), submit=False, expected_version=0
        )


def test_a_fraction_computes_the_value_and_refuses_a_zero_denominator(cycle):
    indicator = visits(cycle, numerator_label="Visits in time", denominator_label="Births")
    saved = save(cycle, indicator, numerator=Decimal(979), denominator=Decimal(1000))
    assert saved.value == Decimal("97.9")  # x 100: a percentage
    assert (saved.numerator, saved.denominator) == (Decimal(979), Decimal(1000))
    with pytest.raises(WorkflowError, match="births is 0"):
        save(cycle, indicator, numerator=Decimal(5), denominator=Decimal(0), version=1)
    rate = visits(cycle, code="RATE", unit="rate1000", numerator_label="N", denominator_label="D")
    assert save(cycle, rate, numerator=Decimal(3), denominator=Decimal(200)).value == Decimal(15)


def test_a_submission_needs_a_value(cycle):
    with pytest.raises(WorkflowError, match="Enter the value for Q4 2023/24"):
        save(cycle, visits(cycle), commentary="Soon", submit=True)


def test_off_target_or_within_tolerance_needs_commentary_on_target_does_not(cycle):
    indicator = visits(cycle)
    with pytest.raises(WorkflowError, match=r"80.0% is off target \(Green at 90.0% or more"):
        save(cycle, indicator, value=Decimal(80), submit=True)
    with pytest.raises(WorkflowError, match="within tolerance"):
        save(cycle, indicator, value=Decimal(88), submit=True)
    assert save(cycle, indicator, value=Decimal(91), submit=True).state == "submitted"


def test_a_forecast_is_required_on_submit_where_asked(cycle):
    indicator = visits(cycle, asks_forecast=True)
    with pytest.raises(WorkflowError, match="year-end forecast"):
        save(cycle, indicator, value=Decimal(95), submit=True)
    saved = save(cycle, indicator, value=Decimal(95), forecast=Decimal(94), submit=True)
    assert saved.forecast == Decimal(94)


def test_a_closed_quarter_is_locked_until_reopened(cycle):
    indicator = visits(cycle)
    with pytest.raises(QuarterLocked):
        save(cycle, indicator, point=3, value=Decimal(95))
    cycle_services.period_close(cycle.performance, cycle.q4, mark_missing=False)
    cycle_services.period_reopen(cycle.performance, cycle.q3, reason="Late figure")
    saved = save(cycle, indicator, point=3, value=Decimal(95), submit=True)
    assert (saved.state, saved.period) == ("submitted", cycle.q3)


def test_closing_writes_no_value_for_a_missing_one(kpis):
    cycle = kpis.cycle
    before = IndicatorValue.objects.count()
    cycle_services.period_close(cycle.performance, cycle.q4, mark_missing=True)
    assert IndicatorValue.objects.count() == before  # missing stays missing, never zero


def test_a_stale_version_is_refused(cycle):
    indicator = visits(cycle)
    save(cycle, indicator, value=Decimal(92))
    with pytest.raises(StaleUpdate, match="This value was changed by"):
        save(cycle, indicator, value=Decimal(93), version=0)
    with pytest.raises(StaleUpdate):
        save(cycle, indicator, value=Decimal(93), version=5)


def test_approval_by_the_directorate_never_by_the_owner(kpis, django_capture_on_commit_callbacks):
    cycle = kpis.cycle
    cycle.officer.email = "officer@sandwell.example"
    cycle.officer.save()
    value = IndicatorValue.objects.get(indicator=kpis.birth, year=2023, point=4)
    with pytest.raises(NotAllowed):
        services.indicator_value_approve(cycle.officer, value, expected_version=1)
    ph_approver = factories.user("ph-approver", "Approver", [kpis.checks.directorate])
    with pytest.raises(NotAllowed):
        services.indicator_value_approve(ph_approver, value, expected_version=1)
    with django_capture_on_commit_callbacks(execute=True):
        approved = services.indicator_value_approve(cycle.approver, value, expected_version=1)
    assert (approved.state, approved.approved_by) == ("approved", cycle.approver)
    assert mail.outbox[-1].subject == "BIRTH Q4 2023/24 value approved"


def test_an_approver_who_owns_the_indicator_cannot_approve_it(cycle):
    indicator = visits(cycle, owner=cycle.approver)
    value = services.indicator_value_save(
        cycle.approver, indicator, 2023, 4, value=Decimal(95), submit=True, expected_version=0
    )
    assert not can_decide_value(cycle.approver, value)
    with pytest.raises(NotAllowed):
        services.indicator_value_approve(cycle.approver, value, expected_version=1)
    assert can_decide_value(cycle.performance, value)


def test_a_return_needs_a_reason_and_the_owner_changes_and_resubmits(
    kpis, django_capture_on_commit_callbacks
):
    cycle = kpis.cycle
    cycle.officer.email = "officer@sandwell.example"
    cycle.officer.save()
    value = IndicatorValue.objects.get(indicator=kpis.birth, year=2023, point=4)
    with pytest.raises(WorkflowError, match="Say why"):
        services.indicator_value_return(cycle.approver, value, reason=" ", expected_version=1)
    with django_capture_on_commit_callbacks(execute=True):
        returned = services.indicator_value_return(
            cycle.approver, value, reason="Check the December births", expected_version=1
        )
    assert (returned.state, returned.return_reason) == ("returned", "Check the December births")
    assert "Check the December births" in mail.outbox[-1].body
    again = save(cycle, kpis.birth, value=Decimal(96), submit=True, version=returned.version)
    assert (again.state, again.return_reason) == ("submitted", "")


def test_the_owner_withdraws_a_submission(kpis):
    value = IndicatorValue.objects.get(indicator=kpis.birth, year=2023, point=4)
    withdrawn = services.indicator_value_withdraw(kpis.cycle.officer, value, expected_version=1)
    assert withdrawn.state == "draft"


def test_each_permission_agrees_with_its_queryset_twin(kpis):
    cycle = kpis.cycle
    values = list(IndicatorValue.objects.select_related("indicator"))
    indicators = list(Indicator.objects.all())
    for user in (cycle.officer, cycle.approver, cycle.other_officer, cycle.performance,
                 cycle.viewer):  # fmt: skip
        deciding = set(
            IndicatorValue.objects.filter(decides_values_q(user)).values_list("pk", flat=True)
        )
        assert deciding == {v.pk for v in values if can_decide_value(user, v)}, user
        entering = set(Indicator.objects.filter(enters_values_q(user)).values_list("pk", flat=True))
        assert entering == {i.pk for i in indicators if can_enter_values(user, i)}, user


# -- the entry page -----------------------------------------------------------------------------


def test_the_entry_page_shows_the_target_rule_and_last_period_beside_the_form(client, kpis):
    cycle = kpis.cycle
    IndicatorValue.objects.filter(indicator=kpis.birth, point=4).delete()
    client.force_login(cycle.officer)
    page = client.get(entry_url(kpis.birth, cycle.q4)).content.decode()
    assert "Q4 2023/24" in page
    assert "Green at 95.0% or more; amber from 90.3%; red below that" in page
    assert "Last period, Q3 2023/24" in page
    assert "97.9%" in page  # Q3's approved value
    assert 'name="p4-value"' in page


def test_a_monthly_indicator_asks_for_each_month_of_the_quarter(client, cycle):
    indicator = visits(cycle, frequency="monthly", polarity="monitor")
    client.force_login(cycle.officer)
    page = client.get(entry_url(indicator, cycle.q4)).content.decode()
    for month in ("January 2024", "February 2024", "March 2024"):
        assert month in page
    response = client.post(
        entry_url(indicator, cycle.q4),
        {
            "intent": "submit",
            **{f"p{p}-{k}": v for p in (10, 11, 12) for k, v in [("version", 0), ("value", p)]},
        },
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.filter(indicator=indicator, state="submitted").count() == 3


def test_an_annual_indicator_is_entered_in_q4_only(client, cycle):
    indicator = visits(cycle, frequency="annual")
    q1 = factories.period(cycle.plan, "2023-24-Q1", state="closed")
    client.force_login(cycle.officer)
    assert "2023/24" in client.get(entry_url(indicator, cycle.q4)).content.decode()
    assert "entered in Q4" in client.get(entry_url(indicator, q1)).content.decode()


def test_submitting_through_the_page(client, cycle):
    indicator = visits(cycle)
    client.force_login(cycle.officer)
    response = client.post(
        entry_url(indicator, cycle.q4),
        {"intent": "submit", "p4-version": 0, "p4-value": "1,00.5%", "p4-commentary": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("deliverables:my_updates")
    assert IndicatorValue.objects.get(indicator=indicator).value == Decimal("100.5")


def test_an_invalid_form_comes_back_with_the_error_beside_the_field(client, cycle):
    indicator = visits(cycle)
    client.force_login(cycle.officer)
    response = client.post(
        entry_url(indicator, cycle.q4),
        {"intent": "submit", "p4-version": 0, "p4-value": "80", "p4-commentary": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Error:" in page
    assert 'id="id_p4-commentary-error"' in page
    assert "is off target" in page
    response = client.post(
        entry_url(indicator, cycle.q4), {"intent": "draft", "p4-version": 0, "p4-value": "lots"}
    )
    assert "Enter a number" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_a_stale_form_keeps_what_was_typed(client, cycle):
    indicator = visits(cycle)
    save(cycle, indicator, value=Decimal(92), commentary="First")
    client.force_login(cycle.officer)
    response = client.post(
        entry_url(indicator, cycle.q4),
        {"intent": "draft", "p4-version": 0, "p4-value": "77", "p4-commentary": "Mine"},
    )
    page = response.content.decode()
    assert "This value was changed" in page
    assert "What is saved now for Q4 2023/24" in page
    assert 'value="77"' in page and "Mine</textarea>" in page
    assert IndicatorValue.objects.get(indicator=indicator).value == Decimal(92)


def test_a_closed_quarter_shows_a_missing_value_as_missing(client, cycle):
    indicator = visits(cycle)
    client.force_login(cycle.officer)
    page = client.get(entry_url(indicator, cycle.q3)).content.decode()
    assert "Missing" in page
    assert 'name="p3-value"' not in page
    assert "Q3 2023/24 is closed" in page


def test_the_entry_page_refuses_outsiders_and_other_methods(client, cycle):
    indicator = visits(cycle)
    for user in (cycle.other_officer, cycle.approver, cycle.viewer, cycle.performance):
        client.force_login(user)
        assert client.get(entry_url(indicator, cycle.q4)).status_code == 404
    client.force_login(cycle.officer)
    assert client.put(entry_url(indicator, cycle.q4)).status_code == 405


# -- approve and return through the pages -------------------------------------------------------


def test_approving_and_returning_through_the_review_page(client, kpis):
    cycle = kpis.cycle
    value = IndicatorValue.objects.get(indicator=kpis.birth, year=2023, point=4)
    client.force_login(cycle.approver)
    review = reverse("deliverables:review", args=[cycle.plan.slug, cycle.q4.code])
    page = client.get(review).content.decode()
    assert "Indicator values waiting for you (1)" in page
    assert "93.0%" in page and "Within tolerance" in page
    url = reverse("deliverables:indicator_value_return", args=[value.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": 1, "reason": ""})
    assert "Say what the officer needs to change" in response.content.decode()
    response = client.post(url, {"version": 1, "reason": "Recount"})
    assert response.status_code == 302
    value.refresh_from_db()
    assert value.state == "returned"
    save(cycle, kpis.birth, value=Decimal(96), submit=True, version=value.version)
    value.refresh_from_db()
    approve = reverse("deliverables:indicator_value_approve", args=[value.pk])
    assert client.get(approve).status_code == 405
    client.post(approve, {"version": value.version})
    value.refresh_from_db()
    assert value.state == "approved"


def test_the_owner_and_other_directorates_cannot_decide(client, kpis):
    value = IndicatorValue.objects.get(indicator=kpis.birth, year=2023, point=4)
    ph_approver = factories.user("ph-approver", "Approver", [kpis.checks.directorate])
    for user in (kpis.cycle.officer, ph_approver, kpis.cycle.viewer):
        client.force_login(user)
        url = reverse("deliverables:indicator_value_approve", args=[value.pk])
        assert client.post(url, {"version": 1}).status_code in (403, 404)
    value.refresh_from_db()
    assert value.state == "submitted"


def test_a_reopened_quarter_takes_a_corrected_value(client, kpis):
    """The performance team reopens, returns the approved value; the owner corrects it."""
    cycle = kpis.cycle
    cycle_services.period_close(cycle.performance, cycle.q4, mark_missing=False)
    cycle_services.period_reopen(cycle.performance, cycle.q3, reason="Wrong Q3 figure")
    value = IndicatorValue.objects.get(indicator=kpis.birth, year=2023, point=3)
    value.submitted_by = cycle.officer
    value.save()
    returned = services.indicator_value_return(
        cycle.performance, value, reason="Use the audited figure", expected_version=1
    )
    client.force_login(cycle.officer)
    response = client.post(
        entry_url(kpis.birth, cycle.q3),
        {"intent": "submit", "p3-version": returned.version, "p3-value": "97.5"},
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.get(pk=value.pk).value == Decimal("97.5")


# -- my updates and review: what they list, in a fixed number of queries ------------------------


def test_my_updates_lists_the_officers_indicators_with_their_state(client, kpis):
    client.force_login(kpis.cycle.officer)
    page = client.get(reverse("deliverables:my_updates")).content.decode()
    assert "Indicators" in page
    assert "New birth visits within 14 days" in page
    assert "Health checks delivered" not in page  # other_officer's
    assert entry_url(kpis.birth, kpis.cycle.q4) in page
    assert "1 indicator value: 0 not started, 0 draft, 0 returned, 1 submitted" in page


def test_an_officer_with_indicators_but_no_actions_sees_them(client, kpis):
    cycle = kpis.cycle
    cycle.ph5.lead_officer = None
    cycle.ph5.save()
    client.force_login(cycle.other_officer)
    page = client.get(reverse("deliverables:my_updates")).content.decode()
    assert "My updates for Q4 2023/24" in page
    assert "Health checks delivered" in page
    assert "Draft" in page


def test_my_updates_query_count_does_not_grow_with_indicators(
    client, cycle, django_assert_num_queries
):
    client.force_login(cycle.officer)
    for n in range(3):
        visits(cycle, code=f"V{n}", frequency="monthly")
    # 13 with the query for the officer's overdue milestones.
    with django_assert_num_queries(13) as first:
        client.get(reverse("deliverables:my_updates"))
    for n in range(3, 13):
        made = visits(cycle, code=f"V{n}")
        save(cycle, made, value=Decimal(n))
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("deliverables:my_updates"))
    assert len(response.context["quarters"][0]["indicators"]["rows"]) == 13


def test_review_page_query_count_does_not_grow_with_values(
    client, cycle, django_assert_num_queries
):
    def submitted(n):
        made = visits(cycle, code=f"V{n}")
        save(cycle, made, value=Decimal(95), submit=True)

    for n in range(3):
        submitted(n)
    client.force_login(cycle.approver)
    url = reverse("deliverables:review", args=[cycle.plan.slug, cycle.q4.code])
    # The values waiting, the ones the reviewer may decide, and their targets: the same
    # number however many values wait (and no updates' queries here, there being none).
    with django_assert_num_queries(14) as first:
        client.get(url)
    for n in range(3, 13):
        submitted(n)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert len(response.context["values"]["waiting"]) == 13
    index = client.get(reverse("deliverables:review_index")).content.decode()
    assert "13 indicator values waiting for you" in index


def test_an_owner_of_indicators_alone_lands_on_my_updates(client, kpis):
    kpis.cycle.ph5.lead_officer = None
    kpis.cycle.ph5.save()
    client.force_login(kpis.cycle.other_officer)
    response = client.get(reverse("deliverables:landing"))
    assert response["Location"] == reverse("deliverables:my_updates")


# -- the admin ----------------------------------------------------------------------------------


def test_the_performance_team_sets_indicators_up_and_reads_values_in_the_admin(client, kpis):
    client.force_login(kpis.cycle.performance)
    page = client.get(reverse("admin:deliverables_indicator_add")).content.decode()
    assert "targets-TOTAL_FORMS" in page
    assert client.get(reverse("admin:deliverables_comparator_add")).status_code == 200
    value = IndicatorValue.objects.get(indicator=kpis.birth, point=4)
    url = reverse("admin:deliverables_indicatorvalue_change", args=[value.pk])
    page = client.get(url).content.decode()
    assert "Q4 dip, submitted" in page
    assert 'name="_save"' not in page  # read-only
    assert client.post(url, {"value": "1"}).status_code == 403
    assert client.get(reverse("admin:deliverables_indicatorvalue_add")).status_code == 403


def test_the_quarter_close_page_still_counts_updates_with_indicators_about(client, kpis):
    cycle = kpis.cycle
    client.force_login(cycle.performance)
    url = reverse("deliverables:quarter_close", args=[cycle.plan.slug, cycle.q4.code])
    page = client.get(url)
    # Due in Q4: BIRTH's quarter (submitted), CHECKS' (a draft), SMOKING's year and
    # CONTACTS' three months (none given).
    assert page.context["values"] == {
        "total": 6,
        "not_started": 4,
        "draft": 1,
        "returned": 0,
        "submitted": 1,
        "approved": 0,
    }
    text = page.content.decode()
    assert "Of the 6 indicator values due for Q4 2023/24" in text
    assert "4 not given" in text
    client.post(url, {"mark_missing": "on"})
    cycle.q4.refresh_from_db()
    assert cycle.q4.state == "closed"
    # The draft CHECKS value stays a draft, and nothing is written for a missing one.
    assert IndicatorValue.objects.filter(period=cycle.q4).count() == 2


def test_a_saved_draft_comes_back_as_typed_with_its_rag_beside(client, cycle):
    indicator = visits(cycle)
    save(cycle, indicator, value=Decimal("87.5"), commentary="Short staffed")
    client.force_login(cycle.officer)
    page = client.get(entry_url(indicator, cycle.q4)).content.decode()
    assert 'value="87.5"' in page
    assert "Saved draft" in page and "Within tolerance" in page


def test_approvers_hear_of_a_submitted_value_in_their_digest_until_it_is_decided(cycle):
    from deliverables.models import Notification

    for person in (cycle.officer, cycle.approver, cycle.performance):
        person.email = f"{person.username}@sandwell.example"
        person.save()
    indicator = visits(cycle)
    value = save(cycle, indicator, value=Decimal(95), submit=True)
    waiting = Notification.objects.filter(kind="submitted", digest=True)
    assert [n.user for n in waiting] == [cycle.approver]  # not the owner, not everyone
    assert waiting.get().subject == "VISITS Q4 2023/24 value waiting for your approval"
    services.indicator_value_approve(cycle.approver, value, expected_version=value.version)
    assert not waiting.all().exists()


def test_a_value_worked_out_too_large_to_store_is_refused_not_saved(kpis):
    from deliverables.indicators.services import computed_value
    from deliverables.workflow import WorkflowError

    kpis.birth.numerator_label, kpis.birth.denominator_label = "Visits", "Births"
    with pytest.raises(WorkflowError, match="too large"):
        computed_value(kpis.birth, Decimal("99999999999999"), Decimal("0.0001"))
    assert computed_value(kpis.birth, Decimal(979), Decimal(1000)) == Decimal("97.9000")


def test_a_month_whose_figures_come_late_does_not_hold_back_the_others(client, kpis):
    """Q4 of a monthly indicator asks for January, February and March: submitting January alone
    submits January and leaves the other two to come; a month with a saved draft but no figure
    stays a draft; submitting no figure at all is refused."""
    cycle = kpis.cycle
    contacts = kpis.contacts
    contacts.owner = cycle.officer
    contacts.directorate = cycle.ch6.directorate
    contacts.save()
    client.force_login(cycle.officer)
    url = entry_url(contacts, cycle.q4)
    months = {f"p{p}-version": 0 for p in (10, 11, 12)}
    nothing = client.post(url, {"intent": "submit", **months})
    assert nothing.status_code == 200
    assert "Enter a value to submit" in nothing.content.decode()
    assert not IndicatorValue.objects.filter(indicator=contacts, year=2023).exclude(point=9)
    # February's note is saved as a draft before its figure is in.
    client.post(url, {"intent": "draft", **months, "p11-commentary": "Figures due 10 March"})
    february = IndicatorValue.objects.get(indicator=contacts, year=2023, point=11)
    months["p11-version"] = february.version
    response = client.post(
        url,
        {
            "intent": "submit",
            **months,
            "p10-value": "1,650",
            "p10-commentary": "January",
            "p11-commentary": "Figures due 10 March",
        },
        follow=True,
    )
    assert "January 2024" not in str(list(response.context["messages"]))
    assert "February 2024 kept as a draft until its figure is in" in response.content.decode()
    saved = IndicatorValue.objects.filter(indicator=contacts, year=2023, point__gte=10)
    assert [(v.point, v.state, v.value) for v in saved.order_by("point")] == [
        (10, "submitted", Decimal(1650)),
        (11, "draft", None),
    ]
