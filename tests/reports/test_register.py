"""The action register: filters, search, sorting on an allow-list, pagination, exports."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import escape

from deliverables.models import Action, ActionPlacement, Deliverable, QuarterlyUpdate
from plans.models import Plan
from tests import factories
from tests.conftest import in_order


@pytest.fixture
def viewer(client, users):
    client.force_login(users["viewer"])
    return client


def url(plan: Plan, name: str = "register") -> str:
    return reverse(f"reports:{name}", args=[plan.slug])


def refs(response) -> list[str]:
    return [action.ref for action in response.context["page"]]


@pytest.mark.django_db
def test_lists_current_and_previous_status(viewer, two_quarters):
    response = viewer.get(url(two_quarters.plan))
    assert refs(response) == ["A1", "A2", "A3", "A4", "A5"]  # A6 completed in Q1
    first = response.context["page"][0]
    assert (first.now.label, first.before.label) == ("On Track", "Slipping")
    page = response.content.decode()
    assert "5 actions" in page and "Q1 2024/25" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"rag": "red"}, ["A2", "A3"]),
        # A5 went from Slipping to No Update: no update to compare, so neither answer.
        ({"changed": "yes"}, ["A1", "A2"]),
        ({"changed": "no"}, ["A3", "A4"]),
        ({"movement": "worsened"}, ["A2"]),
        ({"movement": "turned_red"}, ["A2"]),
        ({"q": "a3"}, ["A3"]),
        ({"period": "2024-25-Q1", "rag": "amber"}, ["A1", "A5"]),
        ({"period": "2024-25-Q1"}, ["A1", "A2", "A3", "A4", "A5", "A6"]),
        ({"period": "Q1 2024/25"}, ["A1", "A2", "A3", "A4", "A5", "A6"]),  # as typed by hand
    ],
)
def test_filters(viewer, two_quarters, query, expected):
    assert refs(viewer.get(url(two_quarters.plan), query)) == expected


@pytest.mark.django_db
def test_filter_by_status_directorate_lead_outcome_and_commentary(
    viewer, two_quarters, users, directorates
):
    plan = two_quarters.plan
    delayed = factories.status(plan, "Delayed")
    assert refs(viewer.get(url(plan), {"status": delayed.pk})) == ["A2", "A3"]
    assert refs(viewer.get(url(plan), {"directorate": directorates["CH"].pk})) == [
        "A1",
        "A2",
        "A3",
        "A4",
        "A5",
    ]
    assert refs(viewer.get(url(plan), {"directorate": "none"})) == []
    Action.objects.filter(pk=two_quarters.A4.pk).update(lead_officer=users["officer"])
    assert refs(viewer.get(url(plan), {"lead_officer": users["officer"].pk})) == ["A4"]
    assert refs(viewer.get(url(plan), {"outcome": two_quarters.outcome.pk})) == [
        "A1",
        "A2",
        "A3",
        "A4",
        "A5",
    ]
    QuarterlyUpdate.objects.filter(action=two_quarters.A2, period=two_quarters.q2).update(
        commentary="Contractor went into administration"
    )
    assert refs(viewer.get(url(plan), {"q": "administration"})) == ["A2"]
    # Not yet updated, in an open quarter.
    two_quarters.q2.state = "open"
    two_quarters.q2.save()
    assert refs(viewer.get(url(plan), {"status": "none"})) == ["A5"]


@pytest.mark.django_db
def test_search_finds_a_reference_however_it_was_typed(viewer, small_plan):
    factories.action(small_plan.plan, "СН9", "Early years places", outcome=small_plan.outcomes[0])
    assert refs(viewer.get(url(small_plan.plan), {"q": "ch 9"})) == ["СН9"]


@pytest.mark.django_db
def test_sorting_uses_only_the_allow_list(viewer, two_quarters):
    plan = two_quarters.plan
    assert refs(viewer.get(url(plan), {"sort": "-ref"})) == ["A5", "A4", "A3", "A2", "A1"]
    by_status = refs(viewer.get(url(plan), {"sort": "status"}))
    assert by_status[:2] == ["A1", "A4"]  # On Track is first on the scale
    # Anything not on the list falls back to reference order; nothing reaches order_by.
    for hostile in ("password", "lead_officer__password", "-id; DROP TABLE x", "__str__"):
        assert refs(viewer.get(url(plan), {"sort": hostile})) == ["A1", "A2", "A3", "A4", "A5"]


@pytest.mark.django_db
def test_references_read_naturally_with_no_reference_last_either_way(viewer, numbered):
    plan = numbered.cycle.plan
    natural = ["CH2", "CH5", "CH6", "CH10", "F1", ""]  # PH5 completed in Q3
    response = viewer.get(url(plan))
    assert refs(response) == natural
    assert in_order(response.content.decode(), "Second: early years", "Tenth: school transport")
    assert refs(viewer.get(url(plan), {"sort": "-ref"})) == ["F1", "CH10", "CH6", "CH5", "CH2", ""]
    # Within a directorate, by reference: Children & Education's, then Finance's F1.
    by_directorate = ["CH2", "CH5", "CH6", "CH10", "", "F1"]
    assert refs(viewer.get(url(plan), {"sort": "directorate"})) == by_directorate
    # No lead officer sorts last whichever way, on SQLite and PostgreSQL alike.
    assert refs(viewer.get(url(plan), {"sort": "-lead"}))[-1:] == ["F1"]
    assert refs(viewer.get(url(plan), {"sort": "lead"}))[-1:] == ["F1"]


@pytest.mark.django_db
def test_exports_follow_the_natural_order_and_list_deliverables_naturally(viewer, numbered):
    plan = numbered.cycle.plan
    b3 = numbered.ch2.placements.get().deliverable
    b10 = Deliverable.objects.create(outcome=b3.outcome, ref="B10", title="We will read", order=9)
    ActionPlacement.objects.create(action=numbered.ch2, outcome=b3.outcome, deliverable=b10)
    assert refs(viewer.get(url(plan)))[0] == "CH2"
    assert viewer.get(url(plan)).context["page"][0].deliverable_refs == ["B3", "B10"]
    response = viewer.get(url(plan, "register_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["CH2", "CH5", "CH6", "CH10", "F1", ""]
    assert rows[1][4] == "B3; B10"


@pytest.mark.django_db
def test_an_invalid_filter_value_is_reported_not_a_500(viewer, two_quarters):
    response = viewer.get(url(two_quarters.plan), {"outcome": "999999", "rag": "purple"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert viewer.get(url(two_quarters.plan), {"period": "not-a-quarter"}).status_code == 404


@pytest.mark.django_db
def test_filter_choices_show_any_the_choice_made_and_escaped_labels(viewer, two_quarters):
    long_title = "We will <b>build</b> " + "homes and schools " * 10
    deliverable = Deliverable.objects.create(
        outcome=two_quarters.outcome, ref="B3", title=long_title, order=1
    )
    page = viewer.get(
        url(two_quarters.plan), {"deliverable": deliverable.pk, "rag": "red"}
    ).content.decode()
    # The deliverable is typed, not chosen from a list: its box shows the chosen one's name,
    # escaped, and keeps the id for the script (reports.choices).
    assert f'value="{escape(str(deliverable))}" data-value="{deliverable.pk}"' in page
    assert "<b>build</b>" not in page
    assert '<option value="red" selected>Red</option>' in page
    assert page.count('<option value="">Any</option>') == 7  # the lists but the quarter
    assert page.count(" selected>") == 2  # the quarter and the RAG


@pytest.mark.django_db
def test_nothing_matching_says_so(viewer, two_quarters):
    page = viewer.get(url(two_quarters.plan), {"q": "zebra crossing"}).content.decode()
    assert "No action matches these filters" in page


@pytest.mark.django_db
def test_the_register_paginates(viewer, small_plan):
    for index in range(60):
        factories.action(small_plan.plan, f"Z{index:02d}", outcome=small_plan.outcomes[0])
    first = viewer.get(url(small_plan.plan))
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.count == 64
    second = viewer.get(url(small_plan.plan), {"page": 2})
    assert len(second.context["page"].object_list) == 14


@pytest.mark.django_db
def test_csv_export_of_the_filtered_list_escapes_formulae(viewer, two_quarters):
    plan = two_quarters.plan
    Action.objects.filter(pk=two_quarters.A2.pk).update(title="=cmd|' /C calc'!A0")
    QuarterlyUpdate.objects.filter(action=two_quarters.A2, period=two_quarters.q2).update(
        commentary="@SUM(1+1)\twith tab"
    )
    response = viewer.get(url(plan, "register_csv"), {"rag": "red"})
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="two-quarters-2024-25-Q2-register.csv"'
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["Reference", "Action"]
    assert [r[0] for r in rows[1:]] == ["A2", "A3"]
    a2 = rows[1]
    assert a2[1] == "'=cmd|' /C calc'!A0"
    assert a2[7] == "'@SUM(1+1)\twith tab"
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row
    )


@pytest.mark.django_db
def test_xlsx_export_reads_back_with_the_same_rows(viewer, two_quarters):
    Action.objects.filter(pk=two_quarters.A1.pk).update(title="+44 0121 569 2200")
    response = viewer.get(url(two_quarters.plan, "register_xlsx"), {"changed": "yes"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert [r[0] for r in rows[1:]] == ["A1", "A2"]
    assert rows[1][1] == "'+44 0121 569 2200"
    assert rows[1][5:7] == ["On Track", "Slipping"]


@pytest.mark.django_db
def test_register_access(client, users, two_quarters):
    plan = two_quarters.plan
    assert client.get(url(plan)).status_code == 302
    assert client.get(url(plan, "register_csv")).status_code == 302
    client.force_login(users["viewer"])
    assert client.post(url(plan)).status_code == 405
    assert client.post(url(plan, "register_csv")).status_code == 405
    Plan.objects.filter(pk=plan.pk).update(is_active=False)
    assert client.get(url(plan)).status_code == 404
    assert client.get(url(plan, "register_xlsx")).status_code == 404


@pytest.mark.django_db
def test_register_query_count_is_fixed(viewer, directorates, django_assert_num_queries):
    small = factories.small_plan(directorates, slug="small")
    big = factories.small_plan(directorates, slug="big", extra_actions=30)
    for plan in (small.plan, big.plan):
        factories.period(plan, "2023-24-Q4")
    with django_assert_num_queries(15) as first:  # no query for deliverable or officer options
        viewer.get(url(small.plan), {"period": "2023-24-Q3", "rag": "green"})
    with django_assert_num_queries(len(first.captured_queries)):
        response = viewer.get(url(big.plan), {"period": "2023-24-Q3", "rag": "green"})
    assert response.context["page"].paginator.count > 3
