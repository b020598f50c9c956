"""Each endpoint answers what its token's account would read on the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plans.models import Plan
from tests import factories
from tests.api.conftest import APPROVED_TEXT, DRAFT_TEXT, SUBMITTED_TEXT, ApiClient, token_for

pytestmark = pytest.mark.django_db


def refs(body: dict) -> list[str]:
    return [item["ref"] for item in body["items"]]


def test_plans_lists_the_readable_plans_and_hides_retired_ones_from_a_viewer(world, as_reader):
    factories.plan("old-plan", is_active=False)
    viewer = as_reader("viewer").json("/plans")
    assert [p["slug"] for p in viewer["items"]] == ["test-plan"]
    assert viewer["count"] == 1
    performance = as_reader("performance").json("/plans")
    assert {p["slug"] for p in performance["items"]} == {"test-plan", "old-plan"}


def test_a_plan_the_account_may_not_read_is_404_everywhere(world, as_reader):
    factories.plan("old-plan", is_active=False)
    client = as_reader("viewer")
    assert client.get("/plans/old-plan").status_code == 404
    for path in ("/periods", "/outcomes", "/themes", "/deliverables", "/actions", "/updates"):
        response = client.get(path, {"plan": "old-plan"})
        assert response.status_code == 404, path
        assert "old-plan" in response.json()["detail"]
    assert client.get("/reports", {"plan": "nope"}).status_code == 404


def test_plan_scoped_endpoints_need_a_plan(world, as_reader):
    response = as_reader("viewer").get("/actions")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "plan"]


def test_plan_detail_lists_its_statuses(world, as_reader):
    body = as_reader("viewer").json("/plans/test-plan")
    assert body["name"] == "Test Plan"
    labels = [s["label"] for s in body["statuses"]]
    assert labels[:2] == ["On Track", "Slipping"] or "On Track" in labels
    assert "Awaiting approval" in labels


def test_periods_outcomes_themes_and_deliverables(world, as_reader):
    client = as_reader("viewer")
    periods = client.json("/periods", {"plan": "test-plan"})
    assert [(p["code"], p["state"]) for p in periods["items"]] == [
        ("2023-24-Q3", "published"),
        ("2023-24-Q4", "open"),
    ]
    outcomes = client.json("/outcomes", {"plan": "test-plan"})
    assert [o["name"] for o in outcomes["items"]] == ["Best start in life", "Live well"]
    first = outcomes["items"][0]["id"]
    deliverables = client.json("/deliverables", {"plan": "test-plan", "outcome": first})
    assert refs(deliverables) == ["B3", "B4"]
    assert client.json("/themes", {"plan": "test-plan"})["count"] == 0


def test_a_filter_naming_something_of_another_plan_is_422(world, as_reader):
    other = factories.small_plan(factories.directorates(), slug="other-plan")
    client = as_reader("viewer")
    response = client.get("/deliverables", {"plan": "test-plan", "outcome": other.outcomes[0].pk})
    assert response.status_code == 422
    assert "not an outcome of Test Plan" in response.json()["detail"]
    response = client.get("/deliverables", {"plan": "test-plan", "theme": 999999})
    assert response.status_code == 422
    assert client.get("/outcomes", {"plan": "test-plan", "limit": 0}).status_code == 422
    assert client.get("/outcomes", {"plan": "test-plan", "limit": 201}).status_code == 422
    assert client.get("/outcomes", {"plan": "test-plan", "offset": -1}).status_code == 422


def test_actions_read_as_a_viewer(world, as_reader):
    body = as_reader("viewer").json("/actions", {"plan": "test-plan", "period": "2023-24-Q4"})
    by_ref = {item["ref"]: item for item in body["items"]}
    assert set(by_ref) == {"CH5", "CH6", "F1"}  # PH5 completed in Q3
    assert by_ref["CH5"]["status"]["label"] == "Awaiting approval"
    assert by_ref["CH5"]["commentary"] == ""
    assert by_ref["CH6"]["status"] is None  # a draft counts for no one
    assert by_ref["CH6"]["commentary"] == ""
    assert by_ref["F1"]["status"]["label"] == "On Track"
    assert by_ref["F1"]["commentary"] == "F1 approved words"
    assert by_ref["CH6"]["previous_status"]["label"] == "On Track"
    assert by_ref["CH6"]["directorate"] == {"code": "CH", "name": "Children & Education"}
    assert by_ref["CH6"]["lead_officer"] == "Olu Officer"
    assert SUBMITTED_TEXT not in str(body) and DRAFT_TEXT not in str(body)


def test_actions_read_as_the_officer_show_their_own_submitted_update(world, as_reader):
    body = as_reader("officer").json("/actions", {"plan": "test-plan", "period": "2023-24-Q4"})
    by_ref = {item["ref"]: item for item in body["items"]}
    assert by_ref["CH5"]["status"]["label"] == "Delayed"
    assert by_ref["CH5"]["commentary"] == SUBMITTED_TEXT
    assert by_ref["CH6"]["status"] is None  # their draft counts for no one, not even them


def test_actions_default_to_the_latest_opened_period(world, as_reader):
    body = as_reader("viewer").json("/actions", {"plan": "test-plan"})
    assert {item["period"] for item in body["items"]} == {"2023-24-Q4"}


def test_actions_filters(world, as_reader):
    client = as_reader("viewer")
    q3 = {"plan": "test-plan", "period": "2023-24-Q3"}
    assert refs(client.json("/actions", {**q3, "directorate": "ch"})) == ["CH5", "CH6"]
    assert refs(client.json("/actions", {**q3, "directorate": "none"})) == []
    assert refs(client.json("/actions", {**q3, "rag": "red"})) == ["CH5"]
    delayed = factories.status(world.plan, "Delayed").pk
    assert refs(client.json("/actions", {**q3, "status": delayed})) == ["CH5"]
    live_well = world.plan.outcomes.get(name="Live well").pk
    assert refs(client.json("/actions", {**q3, "outcome": live_well})) == ["F1", "PH5"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"directorate": "XX"}, "no directorate has the code"),
        ({"rag": "purple"}, "rag"),
        ({"status": "123456"}, "status"),
        ({"outcome": "999999"}, "outcome"),
    ],
)
def test_actions_bad_filters_say_what_is_wrong(world, as_reader, params, message):
    response = as_reader("viewer").get("/actions", {"plan": "test-plan", **params})
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_an_unknown_period_is_404_with_a_message(world, as_reader):
    response = as_reader("viewer").get("/actions", {"plan": "test-plan", "period": "2031-32-Q1"})
    assert response.status_code == 404
    assert "2031-32-Q1" in response.json()["detail"]


def test_actions_pagination_is_stable_and_bounded(world, as_reader):
    for index in range(5):
        factories.action(world.plan, f"CH{20 + index}", directorate=world.ch6.directorate)
    client = as_reader("viewer")
    params = {"plan": "test-plan", "period": "2023-24-Q4"}
    everything = refs(client.json("/actions", params))
    first = client.json("/actions", {**params, "limit": 3})
    second = client.json("/actions", {**params, "limit": 3, "offset": 3})
    third = client.json("/actions", {**params, "limit": 3, "offset": 6})
    assert first["count"] == len(everything) == 8
    assert refs(first) + refs(second) + refs(third) == everything
    assert everything[:3] == ["CH5", "CH6", "CH20"]  # read naturally


def test_updates_a_viewer_reads_only_approved_ones(world, as_reader):
    body = as_reader("viewer").json("/updates", {"plan": "test-plan"})
    assert {item["state"] for item in body["items"]} == {"approved"}
    assert DRAFT_TEXT not in str(body) and SUBMITTED_TEXT not in str(body)
    assert APPROVED_TEXT in str(body)
    assert body["items"][0]["period"] == "2023-24-Q4"  # newest first


def test_updates_the_officer_reads_their_own_work_in_progress(world, as_reader):
    body = as_reader("officer").json("/updates", {"plan": "test-plan", "period": "2023-24-Q4"})
    by_ref = {item["action"]["ref"]: item for item in body["items"]}
    assert by_ref["CH5"]["state"] == "submitted"
    assert by_ref["CH5"]["commentary"] == SUBMITTED_TEXT
    assert by_ref["CH6"]["state"] == "draft"
    other = as_reader("other_officer").json("/updates", {"plan": "test-plan"})
    assert DRAFT_TEXT not in str(other) and SUBMITTED_TEXT not in str(other)


def test_updates_filters(world, as_reader):
    client = as_reader("performance")
    params = {"plan": "test-plan"}
    submitted = client.json("/updates", {**params, "state": "submitted"})
    assert [i["action"]["ref"] for i in submitted["items"]] == ["CH5"]
    finance = client.json("/updates", {**params, "directorate": "F"})
    assert {i["action"]["ref"] for i in finance["items"]} == {"F1"}
    on_track = factories.status(world.plan, "On Track").pk
    rows = client.json("/updates", {**params, "status": on_track, "period": "2023-24-Q3"})
    assert [i["action"]["ref"] for i in rows["items"]] == ["CH6"]
    assert client.get("/updates", {**params, "state": "lost"}).status_code == 422
    assert client.get("/updates", {**params, "status": 999999}).status_code == 422


def test_reports_published_for_everyone_drafts_for_report_builders(world, as_reader):
    viewer = as_reader("viewer").json("/reports", {"plan": "test-plan"})
    assert [(r["period"], r["state"]) for r in viewer["items"]] == [("2023-24-Q3", "published")]
    published = viewer["items"][0]
    assert published["total"] == 4
    counts = {
        c["status"]["label"] if c["status"] else None: c["count"] for c in published["counts"]
    }
    assert counts["On Track"] == 1 and counts["Delayed"] == 1 and counts["Complete"] == 1
    performance = as_reader("performance").json("/reports", {"plan": "test-plan"})
    assert [r["state"] for r in performance["items"]] == ["draft", "published"]
    assert performance["items"][0]["total"] is None
    assert as_reader("viewer").get(f"/reports/{world.draft.pk}").status_code == 404
    assert as_reader("performance").get(f"/reports/{world.draft.pk}").status_code == 200


def test_report_detail_gives_each_outcomes_frozen_counts(world, as_reader):
    body = as_reader("viewer").json(f"/reports/{world.report.pk}")
    assert [s["name"] for s in body["sections"]] == ["Best start in life", "Live well"]
    assert sum(s["total"] for s in body["sections"]) == 4
    assert (
        as_reader("viewer").json("/reports", {"plan": "test-plan", "kind": "recommendations"})[
            "count"
        ]
        == 0
    )
    assert (
        as_reader("viewer").get("/reports", {"plan": "test-plan", "kind": "x"}).status_code == 422
    )


def test_report_of_a_plan_the_account_may_not_read_is_404(world, as_reader):
    Plan.objects.filter(pk=world.plan.pk).update(is_active=False)
    assert as_reader("viewer").get(f"/reports/{world.report.pk}").status_code == 404


def _list_queries(world, path: str, django_assert_num_queries, expected: int) -> None:
    token = token_for(world.viewer)
    client = ApiClient(token)
    params = {"plan": "test-plan", "period": "2023-24-Q3"}
    client.get(path, params)  # warm: nothing cached is counted
    with django_assert_num_queries(expected):
        assert client.get(path, params).status_code == 200


@pytest.mark.parametrize(("path", "queries"), [("/actions", 11), ("/updates", 9)])
def test_list_queries_are_pinned_and_flat(world, django_assert_num_queries, path, queries):
    _list_queries(world, path, django_assert_num_queries, queries)
    for index in range(7):
        extra = factories.action(world.plan, f"CH{50 + index}", directorate=world.ch6.directorate)
        factories.update(extra, world.q3, "On Track", "More words")
    _list_queries(world, path, django_assert_num_queries, queries)


def test_indicators_read_as_each_account_reads_them(kpis, users):
    viewer = ApiClient(token_for(users["viewer"])).json(
        "/indicators", {"plan": "test-plan", "period": "2023-24-Q4"}
    )
    birth = {item["code"]: item for item in viewer["items"]}["BIRTH"]
    assert birth["value"] is None and birth["awaiting"] is True
    assert birth["value_text"] == "Awaiting approval"
    assert "Q4 dip" not in str(viewer)
    officer = ApiClient(token_for(users["officer"])).json(
        "/indicators", {"plan": "test-plan", "period": "2023-24-Q4"}
    )
    birth = {item["code"]: item for item in officer["items"]}["BIRTH"]
    assert Decimal(birth["value"]) == Decimal("93") and birth["commentary"] == "Q4 dip, submitted"
    q3 = ApiClient(token_for(users["viewer"])).json(
        "/indicators", {"plan": "test-plan", "period": "2023-24-Q3"}
    )
    birth = {item["code"]: item for item in q3["items"]}["BIRTH"]
    assert (Decimal(birth["value"]), birth["rag"]) == (Decimal("97.9"), "green")
