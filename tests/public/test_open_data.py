"""Open data of a published period: the CSV, the JSON and the indicators file, as everyone
reads them; the data dictionary."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from types import SimpleNamespace

import pytest
from django.urls import reverse

from deliverables.models import Action
from plans.models import Plan
from public.opendata import FIELDS
from reports.models import ReportKind
from reports.services import report_publish, report_start
from tests import factories

# Text that no public file may contain: work not approved, a period not published, names.
SECRETS = ["SUBMITTED-SECRET", "DRAFT-SECRET", "RETURNED-SECRET", "Q4-UNPUBLISHED"]
NAMES = ["Zebedee", "Pubwright"]


def _action(plan, ref, directorate, deliverable, lead=None, role=""):
    action = factories.action(plan, ref, deliverable=deliverable, directorate=directorate)
    action.lead_officer, action.lead_role = lead, role
    action.save()
    return action


@pytest.fixture
def published(cycle, directorates):
    """The cycle's plan public, Q3 2023/24 published with its exception report (and a
    recommendations report); besides the cycle's approved updates, Q3 has a submitted, a draft
    and a returned update, and the open Q4 an approved one. Officers have names."""
    plan, q3, q4 = cycle.plan, cycle.q3, cycle.q4
    Plan.objects.filter(pk=plan.pk).update(public=True)
    plan.refresh_from_db()
    officer, performance = cycle.officer, cycle.performance
    officer.first_name, officer.last_name = "Olu", "Zebedee"
    officer.save()
    performance.first_name, performance.last_name = "Pat", "Pubwright"
    performance.save()
    Action.objects.filter(pk=cycle.ch6.pk).update(lead_role="Director of Children's Services")
    b3 = cycle.ch6.placements.get().deliverable
    extra = {}
    for ref, state in [("CH7", "submitted"), ("CH8", "draft"), ("CH9", "returned")]:
        extra[ref] = _action(plan, ref, directorates["CH"], b3, officer)
        factories.update(
            extra[ref], q3, "Delayed", f"{state.upper()}-SECRET", state=state, source="entered"
        )
    factories.update(cycle.ch6, q4, "Delayed", "Q4-UNPUBLISHED")
    report = report_start(performance, q3, ReportKind.EXCEPTIONS)
    report_publish(performance, report)
    recommendations = report_start(performance, q3, ReportKind.RECOMMENDATIONS)
    report_publish(performance, recommendations)
    q3.refresh_from_db()
    assert q3.state == "published"
    report.refresh_from_db()
    return SimpleNamespace(
        cycle=cycle, plan=plan, q3=q3, q4=q4, report=report, recommendations=recommendations,
        **extra,
    )  # fmt: skip


def url(name: str, world, code: str | None = None) -> str:
    return reverse(name, args=[world.plan.slug, code or world.q3.code])


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark"
    return list(csv.reader(io.StringIO(text[1:])))


def assert_nothing_secret(text: str, names: bool = False) -> None:
    for secret in SECRETS + ([] if names else NAMES):
        assert secret not in text, secret


@pytest.mark.django_db
def test_the_csv_has_a_row_per_action_as_everyone_reads_it(client, published):
    response = client.get(url("public:data_csv", published))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="test-plan-2023-24-Q3-actions.csv"' in response["Content-Disposition"]
    assert 'rel="license"' in response["Link"] and "open-government-licence" in response["Link"]
    header, *rows = read_csv(response)
    assert header == [f.header for f in FIELDS]
    by_ref = {r[header.index("Action reference")]: dict(zip(header, r, strict=True)) for r in rows}
    assert set(by_ref) == {"CH5", "CH6", "CH7", "CH8", "CH9", "F1", "PH5"}
    ch6 = by_ref["CH6"]
    assert (ch6["Status"], ch6["RAG"], ch6["Update counts"]) == ("On Track", "green", "true")
    assert ch6["Commentary"] == "Commentary for CH6"
    assert ch6["Outcomes"] == "Best start in life" and ch6["Deliverables"] == "B3"
    assert ch6["Lead"] == "Director of Children's Services"
    assert ch6["Period"] == "Q3 2023/24" and ch6["Plan"] == "Test Plan"
    # Submitted: awaiting approval, without its text; draft and returned: No Update.
    assert (by_ref["CH7"]["Status"], by_ref["CH7"]["Commentary"]) == ("Awaiting approval", "")
    assert by_ref["CH7"]["Update counts"] == "false"
    for ref in ("CH8", "CH9", "F1"):
        assert (by_ref[ref]["Status"], by_ref[ref]["Commentary"]) == ("No Update", ""), ref
    assert_nothing_secret(response.content.decode())


@pytest.mark.django_db
def test_the_json_states_the_licence_and_its_totals_equal_the_pages(client, published):
    response = client.get(url("public:data_json", published))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert 'rel="license"' in response["Link"]
    data = json.loads(response.content)
    assert {"licence", "attribution", "publisher", "plan", "period", "published"} <= set(data)
    assert data["licence"]["name"] == "Open Government Licence v3.0"
    assert data["attribution"].startswith("Contains public sector information")
    assert data["period"] == {"code": "2023-24-Q3", "label": "Q3 2023/24"}
    assert data["published"] == published.report.published_at.date().isoformat()
    assert data["data_dictionary"] == "http://testserver" + reverse("public:data_dictionary")
    assert [a["action_ref"] for a in data["actions"]][:3] == ["CH5", "CH6", "CH7"]
    assert data["actions"][1]["outcomes"] == ["Best start in life"]
    assert data["actions"][1]["update_counts"] is True
    assert_nothing_secret(response.content.decode())

    # The totals are the signed-in plan page's, for a viewer, and the CSV's rows.
    client.force_login(published.cycle.viewer)
    page = client.get(
        reverse("deliverables:plan", args=[published.plan.slug]), {"period": "2023-24-Q3"}
    )
    shown = {
        (row["outcome"].name if row["outcome"] else None): {
            status.label: n for status, n in row["status_counts"] if n
        }
        for row in page.context["rows"]
    }
    totals = data["totals"]
    assert {k: v for k, v in totals["plan"]["by_status"].items() if v} == shown[None]
    for outcome in totals["outcomes"]:
        assert {k: v for k, v in outcome["by_status"].items() if v} == shown[outcome["outcome"]]
    header, *rows = read_csv(client.get(url("public:data_csv", published)))
    assert Counter(row[header.index("Status")] for row in rows) == Counter(shown[None])
    assert totals["plan"]["total"] == len(rows) == 7


@pytest.mark.django_db
def test_officers_names_only_when_the_council_publishes_them(client, published, settings):
    assert "Zebedee" not in client.get(url("public:data_csv", published)).content.decode()
    settings.PUBLIC_SHOW_OFFICER_NAMES = True
    factories_clear(published)
    text = client.get(url("public:data_csv", published)).content.decode()
    assert "Olu Zebedee" in text
    assert_nothing_secret(text, names=True)


def factories_clear(world) -> None:
    """The setting changed under a cached file: as a deploy does, start a new generation."""
    from public.cache import clear_plan

    clear_plan(world.plan.pk)


@pytest.mark.django_db
def test_text_that_a_spreadsheet_would_run_is_escaped(client, published):
    Action.objects.filter(pk=published.cycle.ch6.pk).update(title='=HYPERLINK("http://x")')
    factories_clear(published)
    header, *rows = read_csv(client.get(url("public:data_csv", published)))
    titles = [row[header.index("Action")] for row in rows]
    assert '\'=HYPERLINK("http://x")' in titles
    data = json.loads(client.get(url("public:data_json", published)).content)
    assert '=HYPERLINK("http://x")' in [a["action_title"] for a in data["actions"]]


@pytest.mark.django_db
def test_nothing_of_a_plan_or_period_not_public(client, published):
    q4 = url("public:data_csv", published, published.q4.code)
    assert client.get(q4).status_code == 404  # open, not published
    for name in ("public:data_csv", "public:data_json", "public:indicators_csv"):
        assert client.get(url(name, published, "2019-20-Q1")).status_code == 404
    Plan.objects.filter(pk=published.plan.pk).update(public=False)
    for name in ("public:data_csv", "public:data_json"):
        assert client.get(url(name, published)).status_code == 404, name
    assert (
        client.get(reverse("public:data_csv", args=["no-such-plan", "2023-24-Q3"])).status_code
        == 404
    )


@pytest.mark.django_db
def test_a_reopened_period_is_gone_at_once(client, published):
    assert client.get(url("public:data_csv", published)).status_code == 200
    published.q3.state = "open"
    published.q3.save()
    assert client.get(url("public:data_csv", published)).status_code == 404


@pytest.mark.django_db
def test_files_refuse_post(client, published):
    for name in ("public:data_csv", "public:data_json", "public:indicators_csv"):
        assert client.post(url(name, published)).status_code == 405
    assert client.post(reverse("public:data_dictionary")).status_code == 405


@pytest.mark.django_db
def test_a_plan_without_indicators_has_no_indicator_file(client, published):
    assert client.get(url("public:indicators_csv", published)).status_code == 404
    assert "indicators" not in json.loads(client.get(url("public:data_json", published)).content)


@pytest.mark.django_db
def test_the_data_dictionary_describes_every_field(client, published):
    response = client.get(reverse("public:data_dictionary"))
    assert response.status_code == 200
    text = response.content.decode()
    for field in FIELDS:
        assert field.header in text and field.key in text
    assert "Open Government Licence v3.0" in text and "Contains public sector information" in text
    assert "Awaiting approval" in text and "counts once" in text
    assert "Delayed" in text  # the public plan's statuses
    assert "Owner" not in text


def _public_plan(directorates, slug: str, actions: int):
    """A public plan with a published quarter of `actions` actions (3 to 8)."""
    made = factories.small_plan(directorates, slug=slug, extra_actions=max(actions - 4, 0))
    for action in made.actions[actions:]:
        action.delete()
    Plan.objects.filter(pk=made.plan.pk).update(public=True)
    made.period.state = "published"
    made.period.save()
    return made


# Queries for a file made afresh, and for one from the cache (the public rule, then the cache).
# JSON: +1 for the published quarters its indicators may be compared with (public_readings).
COLD = {"public:data_csv": 13, "public:data_json": 21}
WARM = 4


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(COLD))
def test_query_counts_are_pinned_and_flat(client, directorates, django_assert_num_queries, name):
    for slug, actions in (("three", 3), ("eight", 8)):
        made = _public_plan(directorates, slug, actions)
        address = reverse(name, args=[made.plan.slug, made.period.code])
        with django_assert_num_queries(COLD[name]):
            response = client.get(address)
        assert response.status_code == 200
        with django_assert_num_queries(WARM):
            assert client.get(address).content == response.content


@pytest.mark.django_db
def test_the_indicators_of_the_period_as_everyone_reads_them(client, kpis, published):
    response = client.get(url("public:indicators_csv", published))
    assert response.status_code == 200
    assert "test-plan-2023-24-Q3-indicators.csv" in response["Content-Disposition"]
    assert 'rel="license"' in response["Link"]
    header, *rows = read_csv(response)
    assert header[:4] == ["Code", "Indicator", "Point", "Value"] and "Owner" not in header
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_code["BIRTH"]["Value"] == "97.9"
    assert by_code["CHECKS"]["RAG"] == "Off target"
    text = response.content.decode()
    assert "Q4 dip" not in text and "draft" not in text  # the open quarter's work
    assert_nothing_secret(text)
    data = json.loads(client.get(url("public:data_json", published)).content)
    assert [i["Code"] for i in data["indicators"]] == [row[0] for row in rows]
    assert "Owner" not in data["indicators"][0]
