"""Monthly plans through the whole cycle: months added, opened, updated, approved, closed and
reopened on the same pages as quarters, which speak of the plan's own period."""

from __future__ import annotations

import datetime as dt
import html
import io

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliverables import services
from deliverables.indicators.load.forms import IndicatorUploadForm
from deliverables.models import Indicator, QuarterlyUpdate
from deliverables.reminders import reminders_send
from deliverables.services.actions import actions_refresh_completion
from plans.models import Plan, ReportingPeriod, StrategicOutcome
from plans.periods import month_place, parse_any_period, parse_month_code
from plans.resources import ReportingPeriodResource
from plans.services import plan_sync
from reports.builder import report_data
from reports.dashboard import build_dashboard
from reports.models import ExceptionReport
from reports.services import report_publish
from reports.word import render_docx
from tests import factories
from tests.reports.test_counting_rules import dashboard_counts, plan_page_counts, register_csv

# -- codes, labels and order -------------------------------------------------------------------

calendar_months = st.tuples(st.integers(2000, 2090), st.integers(1, 12))


@given(calendar_months)
def test_a_month_written_either_way_reads_back_as_itself(when):
    year, month = when
    place = month_place(year, month)
    label = dt.date(year, month, 1).strftime("%B %Y")
    assert parse_month_code(f"{year}-{month:02d}") == place
    assert parse_month_code(label) == place
    assert parse_any_period(label) == place
    period = ReportingPeriod(year=place[0], quarter=place[1], month=place[2])
    assert (period.code, period.label) == (f"{year}-{month:02d}", label)
    assert (period.starts.year, period.starts.month, period.starts.day) == (year, month, 1)
    assert period.ends.month == month and (period.ends + dt.timedelta(days=1)).day == 1
    assert period.is_month and period.word == "month"


@pytest.fixture
def empty_monthly(db):
    return factories.plan("monthly", "Monthly plan", frequency="monthly")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(calendar_months, min_size=2, max_size=8, unique=True))
def test_months_come_back_by_code_in_calendar_order_and_up_to_crosses_years(empty_monthly, months):
    ReportingPeriod.objects.filter(plan=empty_monthly).delete()
    made = {when: factories.month(empty_monthly, f"{when[0]}-{when[1]:02d}") for when in months}
    periods = ReportingPeriod.objects.for_plan(empty_monthly)
    for period in made.values():
        assert periods.by_code(period.code).get() == period
        assert periods.by_code(period.label).get() == period
    in_calendar_order = [made[when] for when in sorted(made)]
    assert list(periods.chronological()) == in_calendar_order
    assert list(periods.newest_first()) == in_calendar_order[::-1]
    for index, period in enumerate(in_calendar_order):
        assert list(periods.up_to(period).chronological()) == in_calendar_order[: index + 1]
        assert period.previous() == (in_calendar_order[index - 1] if index else None)


@pytest.mark.django_db
def test_previous_month_crosses_quarter_and_financial_year_boundaries(empty_monthly):
    codes = ("2023-03", "2023-04", "2023-06", "2023-07")
    march, april, june, july = (factories.month(empty_monthly, code) for code in codes)
    assert (march.year, march.quarter, march.month) == (2022, 4, 3)
    assert april.previous() == march  # a new financial year
    assert july.previous() == june  # a new quarter
    assert june.previous() == april
    assert march.previous() is None


# -- the periods pages -------------------------------------------------------------------------


def url(name: str, plan, period=None, transition=None) -> str:
    if transition:
        return reverse("deliverables:quarter_transition", args=[plan.slug, period.code, transition])
    args = [plan.slug] + ([period.code] if period else [])
    return reverse(f"deliverables:{name}", args=args)


@pytest.fixture
def monthly(directorates, users):
    """The Improvement Plan shape: April 2022 closed (IP1 On Track, IP2 Delayed, IP3 Complete,
    IP4 nothing), May 2022 open; `officer` leads IP1 and IP2, `approver` approves them."""
    made = factories.monthly_plan(directorates)
    for action in made.actions[:2]:
        action.lead_officer, action.approver = users["officer"], users["approver"]
        action.save()
    may = made.months[1]
    may.due_on = timezone.localdate() + dt.timedelta(days=7)
    may.save()
    return made


@pytest.fixture
def team(client, users):
    client.force_login(users["performance"])
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


@pytest.mark.django_db
def test_a_monthly_plans_page_lists_months_and_adds_a_month(team, monthly):
    page = text(team.get(url("quarters", monthly.plan)))
    assert '<h1 class="govuk-heading-xl">Months</h1>' in page
    assert "April 2022" in page and "May 2022" in page
    assert "Add a month" in page and "Add a quarter" not in page
    assert "written May 2022 or 2022-05" in page

    response = team.post(url("quarter_create", monthly.plan), {"code": "June 2022"}, follow=True)
    june = ReportingPeriod.objects.get(plan=monthly.plan, year=2022, quarter=1, month=3)
    assert response.redirect_chain[-1][0] == url("quarter", monthly.plan, june)
    assert "June 2022 added" in text(response)
    team.post(url("quarter_create", monthly.plan), {"code": "2022-07"})
    assert ReportingPeriod.objects.for_plan(monthly.plan).by_code("July 2022").exists()
    index = text(team.get(reverse("deliverables:quarters_index")))
    assert "Quarters and months" in index and "July 2022" in index


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed, message",
    [
        ("Q1 2022/23", "Improvement Plan 2022 reports by month, so add a month"),
        ("2022-13", "is not a month: write it like 2022-05 or May 2022"),
        ("Smarch 2022", "is not a month"),
        ("", "Enter the month, like 2022-05 or May 2022."),
        ("May 2022", "That month already exists."),
    ],
)
def test_a_monthly_plan_refuses_what_is_not_a_new_month(team, monthly, typed, message):
    response = team.post(url("quarter_create", monthly.plan), {"code": typed})
    assert response.status_code == 400
    assert message in text(response)
    assert ReportingPeriod.objects.for_plan(monthly.plan).count() == 2


@pytest.mark.django_db
def test_a_quarterly_plan_refuses_a_month_and_keeps_its_quarters(team, small_plan):
    response = team.post(url("quarter_create", small_plan.plan), {"code": "May 2023"})
    assert response.status_code == 400
    assert "Test Plan reports by quarter, so add a quarter" in text(response)
    page = text(team.get(url("quarters", small_plan.plan)))
    assert "Add a quarter" in page and "Add a month" not in page
    assert "Quarters and months" not in text(team.get(reverse("deliverables:quarters_index")))


@pytest.mark.django_db
def test_a_month_through_its_whole_cycle(team, monthly, users):
    plan, may = monthly.plan, monthly.months[1]
    client = Client()
    ip1 = monthly.actions[0]
    page = text(team.get(url("quarter", plan, may)))
    assert "Close the month" in page and "this month's updates" in page

    # The officer gives IP1's May update, with April's beside the form.
    client.force_login(users["officer"])
    my = text(client.get(reverse("deliverables:my_updates")))
    assert "May 2022" in my
    form_url = reverse("deliverables:update", args=[plan.slug, may.code, ip1.pk])
    page = text(client.get(form_url))
    assert "April 2022" in page and "Commentary for IP1" in page
    response = client.post(
        form_url,
        {
            "status": factories.status(plan, "On Track").pk,
            "commentary": "Engagement sessions held",
            "version": 0,
            "intent": "submit",
        },
        follow=True,
    )
    assert "IP1 update for May 2022 submitted for approval." in text(response)

    # The approver approves it from May's review queue.
    client.force_login(users["approver"])
    review_url = reverse("deliverables:review", args=[plan.slug, may.code])
    assert "IP1" in text(client.get(review_url))
    update = QuarterlyUpdate.objects.get(action=ip1, period=may)
    client.post(reverse("deliverables:approve", args=[update.pk]), {"version": update.version})
    update.refresh_from_db()
    assert update.state == "approved"

    # The performance team closes May, marking the three missing updates No Update.
    close = text(team.get(url("quarter_close", plan, may)))
    assert "Close May 2022?" in close and "nobody can change this month's updates" in close
    response = team.post(url("quarter_close", plan, may), {"mark_missing": "on"}, follow=True)
    assert "May 2022 is closed. 3 missing updates marked No Update." in text(response)
    may.refresh_from_db()
    assert may.state == "closed"
    marked = QuarterlyUpdate.objects.filter(period=may, source="close")
    assert set(marked.values_list("action__ref", flat=True)) == {"IP2", "IP3", "IP4"}

    page = text(team.get(url("quarter", plan, may)))
    assert "Reopen the month" in page
    response = team.post(url("", plan, may, "reopen"), {"reason": "IP2 was missed"}, follow=True)
    assert "May 2022 is open again." in text(response)
    may.refresh_from_db()
    assert may.state == "open"


@pytest.mark.django_db
def test_opening_a_month_says_so_and_one_month_open_at_a_time(team, monthly):
    plan, (april, may) = monthly.plan, monthly.months
    june = factories.month(plan, "2022-06", state="upcoming")
    page = text(team.get(url("quarter", plan, june)))
    assert "Open June 2022 for updates" in page
    response = team.post(url("", plan, june, "open"), {"due_on": in_days(10)}, follow=True)
    assert "Another month of this plan is open. Close it first." in text(response)
    team.post(url("quarter_close", plan, may), {})
    response = team.post(url("", plan, june, "open"), {"due_on": in_days(10)}, follow=True)
    assert "June 2022 is open for updates." in text(response)
    response = team.post(url("", plan, june, "extend"), {"due_on": in_days(12)}, follow=True)
    assert "Deadline for June 2022 moved to" in text(response)
    response = team.post(url("", plan, april, "reopen"), {"reason": "x"}, follow=True)
    assert "Another month of this plan is open." in text(response)


@pytest.mark.django_db
def test_chasing_a_month(team, monthly, users, mailoutbox):
    plan, may = monthly.plan, monthly.months[1]
    users["officer"].email = "olu@example.gov.uk"
    users["officer"].save()
    chase_url = url("quarter_chase", plan, may)
    page = text(team.get(chase_url))
    assert "Chase May 2022 updates" in page and "Olu Officer" in page
    response = team.post(chase_url, {"officers": [users["officer"].pk]}, follow=True)
    assert "Chased 1 officer: Olu Officer." in text(response)
    (mail,) = mailoutbox
    assert "May 2022" in mail.subject + mail.body
    words = [line for line in mail.body.splitlines() if "http" not in line]  # URLs keep /quarters/
    assert "quarter" not in " ".join([mail.subject, *words]).lower()


@pytest.mark.django_db
def test_the_months_pages_are_the_performance_teams(client, users, monthly):
    plan, may = monthly.plan, monthly.months[1]
    client.force_login(users["officer"])
    assert client.get(url("quarters", plan)).status_code == 403
    assert client.get(url("quarter", plan, may)).status_code == 403
    assert client.post(url("quarter_create", plan), {"code": "June 2022"}).status_code == 403
    client.force_login(users["performance"])
    assert client.get(url("quarter_create", plan)).status_code == 405
    assert client.get(url("", plan, may, "extend")).status_code == 405


@pytest.mark.django_db
def test_the_months_list_keeps_its_query_count(team, monthly, django_assert_num_queries):
    for code in ("2022-06", "2022-07", "2022-08"):
        factories.month(monthly.plan, code, state="upcoming")
    team.get(url("quarters", monthly.plan))  # warm the session and the user
    with django_assert_num_queries(6):
        response = team.get(url("quarters", monthly.plan))
    assert text(response).count("2022</a>") == 5


# -- counting, the dashboard and the exception report for a month ------------------------------


@pytest.fixture
def may_closed(monthly, users):
    """May closed with IP1 and IP4 updated (IP1 Delayed, IP4 On Track), IP2 missing and marked
    No Update; IP3 was Complete in April, so May does not ask it for an update."""
    may = monthly.months[1]
    ip1, _ip2, _ip3, ip4 = monthly.actions
    actions_refresh_completion(a.pk for a in monthly.actions)
    factories.update(ip1, may, "Delayed", "Consultation slipped to June", source="entered")
    factories.update(ip4, may, "On Track", "Training booked", source="entered")
    services.period_close(users["performance"], may, mark_missing=True)
    may.refresh_from_db()
    return monthly


@pytest.mark.django_db
def test_an_action_is_counted_in_a_month_under_the_same_rules_as_a_quarter(
    client, may_closed, users
):
    plan, (april, may) = may_closed.plan, may_closed.months
    client.force_login(users["viewer"])
    page = plan_page_counts(client, plan, may)
    # IP3 was Complete in April: not in May at all; IP2 had nothing, so No Update.
    assert page == {
        "Organisational culture": {"Delayed": 1, "No Update": 1},
        "Governance": {"On Track": 1},
        "All": {"Delayed": 1, "No Update": 1, "On Track": 1},
    }
    assert page == dashboard_counts(build_dashboard(plan, may, users["viewer"]))
    assert set(register_csv(client, plan, may)) == {"IP1", "IP2", "IP4"}
    assert set(register_csv(client, plan, april)) == {"IP1", "IP2", "IP3", "IP4"}
    governance = plan.outcomes.get(name="Governance").get_absolute_url()
    outcome = text(client.get(governance, {"period": may.code}))
    assert "Completed in April 2022; not counted in May 2022" in outcome
    movement = build_dashboard(plan, may, users["viewer"]).movement
    # IP1 On Track -> Delayed worsened; IP2 to No Update, and IP4 from nothing in April to On
    # Track, are "no update to compare", never a recovery.
    figures = {kind: figure[0] for kind, figure in movement.items()}
    assert (figures["worsened"], figures["no_update"], figures["improved"]) == (1, 2, 0)


@pytest.mark.django_db
def test_the_dashboard_of_a_month_speaks_of_months(client, may_closed, users):
    plan = may_closed.plan
    client.force_login(users["viewer"])
    page = text(client.get(reverse("reports:dashboard", args=[plan.slug]), {"period": "2022-05"}))
    assert "Dashboard, May 2022" in page
    assert "Since April 2022" in page and "Turned red this month" in page
    assert "Actions in each status by month" in page and ">Months in a row<" in page
    assert '<option value="2022-04"' in page and ">Show month<" in page
    assert "quarter" not in page.replace("/quarters/", "").replace("quarters_index", "").lower()


@pytest.mark.django_db
def test_the_exception_report_of_a_month_says_may_2022_in_every_format(client, may_closed, users):
    plan, may = may_closed.plan, may_closed.months[1]
    client.force_login(users["performance"])
    response = client.post(reverse("reports:report_new", args=[plan.slug]), {"period": "2022-05"})
    report = ExceptionReport.objects.get(plan=plan, period=may)
    assert response.url == report.get_absolute_url()
    page = text(client.get(report.get_absolute_url()))
    assert "Improvement Plan 2022: exception report, May 2022" in page
    assert "No exceptions in Governance this month." in page
    assert "Moved into an exception status since April 2022" in page
    listing = text(client.get(reverse("reports:reports", args=[plan.slug])))
    assert ">Month</th>" in listing and "Exception report, May 2022" in listing
    document = Document(io.BytesIO(render_docx(report_data(report))))
    words = "\n".join(p.text for p in document.paragraphs)
    assert "exception report, May 2022" in words
    assert "No exceptions in Governance this month." in words
    # Published, the report keeps its words: the frozen copy reads the same.
    report_publish(users["performance"], report)
    report.refresh_from_db()
    assert "No exceptions in Governance this month." in text(client.get(report.get_absolute_url()))


@pytest.mark.django_db
def test_the_register_of_a_month_filters_by_month(client, may_closed, users):
    plan = may_closed.plan
    client.force_login(users["viewer"])
    page = text(client.get(reverse("reports:register", args=[plan.slug]), {"period": "May 2022"}))
    assert 'for="id_period">Month</label>' in page
    assert "Since last month" in page and "Reported the same status as last month" in page
    response = client.get(reverse("reports:register", args=[plan.slug]), {"period": "2022-13"})
    assert response.status_code == 404


# -- indicators stay quarterly -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_monthly_plan_has_no_indicators_and_the_admin_refuses_one(client, monthly, users):
    plan = monthly.plan
    client.force_login(users["viewer"])
    assert "deliverables/plans/improvement-plan/indicators" not in text(client.get("/"))
    assert reverse("deliverables:indicators", args=[plan.slug]) not in text(
        client.get(plan.get_absolute_url())
    )
    listing = text(client.get(reverse("deliverables:indicators", args=[plan.slug])))
    assert "reports monthly, and indicators are reported by quarter" in listing

    users["admin"].is_superuser = True
    users["admin"].save()
    client.force_login(users["admin"])
    response = client.post(
        reverse("admin:deliverables_indicator_add"),
        {
            "plan": plan.pk,
            "code": "IP-KPI1",
            "title": "Staff survey response rate",
            "frequency": "quarterly",
            "polarity": "higher",
            "targets-TOTAL_FORMS": "0",
            "targets-INITIAL_FORMS": "0",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert "Improvement Plan 2022 reports monthly, and indicators are reported by quarter" in text(
        response
    )
    assert not Indicator.objects.filter(plan=plan).exists()


@pytest.mark.django_db
def test_the_indicator_import_refuses_a_monthly_plan(monthly):
    form = IndicatorUploadForm(
        {"plan": monthly.plan.pk},
        {"file": SimpleUploadedFile("kpis.csv", b"code,title\nK1,Thing\n")},
        plans=Plan.objects.all(),
    )
    assert not form.is_valid()
    assert "indicators are reported by quarter" in form.errors["plan"][0]


@pytest.mark.django_db
def test_the_admin_adds_a_period_only_of_the_plans_kind(client, small_plan, monthly, users):
    client.force_login(users["performance"])
    url = reverse("admin:plans_reportingperiod_add")
    common = {"opens_on": "", "due_on": "", "closes_on": "", "state": "upcoming"}
    # A month (June 2022 is Q1's third) on the quarterly plan, a quarter on the monthly one.
    response = client.post(
        url, {"plan": small_plan.plan.pk, "year": 2022, "quarter": 1, "month": 3, **common}
    )
    assert "Test Plan reports by quarter: add a quarter." in text(response)
    response = client.post(
        url, {"plan": monthly.plan.pk, "year": 2022, "quarter": 2, "month": 0, **common}
    )
    assert "Improvement Plan 2022 reports by month: add a month." in text(response)
    response = client.post(
        url, {"plan": monthly.plan.pk, "year": 2022, "quarter": 1, "month": 3, **common}
    )
    assert response.status_code == 302
    assert ReportingPeriod.objects.for_plan(monthly.plan).by_code("June 2022").exists()
    assert not ReportingPeriod.objects.filter(plan=small_plan.plan, year=2022).exists()


@pytest.mark.django_db
def test_the_exception_report_command_takes_a_month(may_closed, tmp_path):
    output = tmp_path / "report.html"
    arguments = ["--plan", "improvement-plan", "--format", "html", "--output", str(output)]
    call_command("exception_report", *arguments, "--period", "May 2022", stdout=io.StringIO())
    assert "exception report, May 2022" in output.read_text()
    with pytest.raises(CommandError, match="Improvement Plan 2022 has no month 2022-09"):
        call_command("exception_report", *arguments, "--period", "2022-09")


@pytest.mark.django_db
def test_a_plan_spec_loads_months_and_a_second_run_changes_nothing():
    spec = {
        "plan": {"slug": "ip", "name": "IP", "first_year": 2022, "last_year": 2023,
                 "frequency": "monthly"},
        "scale": {"name": "IP scale", "statuses": [
            {"label": "On Track", "colour": "#00703C", "rag": "green"}]},
        "outcomes": [],
        "periods": [{"code": "2022-04", "state": "closed"}, {"code": "May 2022"}],
    }  # fmt: skip
    plan, _counts = plan_sync(spec)
    periods = ReportingPeriod.objects.for_plan(plan).chronological()
    assert [(p.label, p.state) for p in periods] == [
        ("April 2022", "closed"),
        ("May 2022", "upcoming"),
    ]
    _plan, again = plan_sync(spec)
    assert not again.created.get("reporting periods")


@pytest.mark.django_db
def test_the_reminders_of_a_month_name_it(monthly, users, mailoutbox):
    users["officer"].email = "olu@example.gov.uk"
    users["officer"].save()
    report = reminders_send(timezone.localdate())  # May is due in 7 days: a reminder day
    assert [r.user for r in report.sent] == [users["officer"]]
    (mail,) = mailoutbox
    assert mail.subject.startswith("May 2022 updates are due")
    assert "Improvement Plan 2022: May 2022 updates are due" in mail.body
    assert "/quarters/2022-05/actions/" in mail.body
    again = reminders_send(timezone.localdate())
    assert not again.sent and len(again.already_reminded) == 1


@pytest.mark.django_db
def test_the_tracker_workbook_of_a_month_heads_its_columns_with_the_month(
    client, may_closed, users
):
    plan = may_closed.plan
    client.force_login(users["viewer"])
    response = client.get(reverse("deliverables:export_tracker", args=[plan.slug, "2022-05"]))
    assert response["Content-Disposition"] == 'attachment; filename="improvement-plan-2022-05.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    headers = [cell.value for cell in book.worksheets[0][3]]
    assert headers[-2:] == ["May 2022 Rating - RAG", "May 2022 Commentary"]


@pytest.mark.django_db
def test_a_months_dashboard_costs_what_a_quarters_does_whatever_the_size(
    client, users, directorates, django_assert_num_queries
):
    client.force_login(users["viewer"])

    def plan_with(slug, actions, months):
        plan = factories.plan(slug, frequency="monthly")
        outcome = StrategicOutcome.objects.create(plan=plan, name="Governance")
        periods = [factories.month(plan, code) for code in months]
        for index in range(actions):
            action = factories.action(
                plan, f"X{index}", outcome=outcome, directorate=directorates["CH"]
            )
            for period in periods:
                factories.update(action, period, ["On Track", "Delayed"][index % 2])
        return plan

    small = plan_with("small", 3, ["2022-04", "2022-05"])
    big = plan_with("big", 25, ["2022-11", "2022-12", "2023-01", "2023-02", "2023-03", "2023-04"])
    # 18, as tests/reports/test_dashboard.py pins for a quarter.
    with django_assert_num_queries(19) as first:
        response = client.get(reverse("reports:dashboard", args=[small.slug]))
    assert "Dashboard, May 2022" in text(response)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("reports:dashboard", args=[big.slug]))
    assert "Dashboard, April 2023" in text(response) and "Since March 2023" in text(response)


@pytest.mark.django_db
def test_the_admin_file_import_adds_months_and_reads_old_files_as_quarters(
    small_plan, monthly, users
):
    months = tablib.Dataset(headers=["plan", "year", "quarter", "month", "state"])
    months.append([monthly.plan.slug, 2022, 1, 3, "open"])  # June 2022, added upcoming
    months.append([monthly.plan.slug, 2022, 1, 2, ""])  # May 2022, there already
    result = ReportingPeriodResource().import_data(months, dry_run=False, user=users["admin"])
    assert not result.has_errors() and not result.has_validation_errors()
    june = ReportingPeriod.objects.for_plan(monthly.plan).by_code("2022-06").get()
    assert june.state == "upcoming"
    # A file written before months had no month column: its rows are quarters.
    quarters = tablib.Dataset(headers=["plan", "year", "quarter"])
    quarters.append([small_plan.plan.slug, 2024, 1])
    result = ReportingPeriodResource().import_data(quarters, dry_run=False, user=users["admin"])
    assert not result.has_errors() and not result.has_validation_errors()
    assert ReportingPeriod.objects.for_plan(small_plan.plan).by_code("2024-25-Q1").exists()
    # A quarter for the monthly plan is refused by the plan's kind.
    quarters = tablib.Dataset(headers=["plan", "year", "quarter"])
    quarters.append([monthly.plan.slug, 2023, 1])
    result = ReportingPeriodResource().import_data(quarters, dry_run=True, user=users["admin"])
    assert result.has_validation_errors()


@pytest.mark.django_db
def test_an_officer_with_updates_open_in_two_plans_reads_one_page_with_one_main_heading(
    client, monthly, cycle
):
    """A month of the Improvement Plan and a quarter of the Corporate Plan at once: one h1, a
    section (h2) for each, linked from the top."""
    client.force_login(cycle.officer)
    page = text(client.get(reverse("deliverables:my_updates")))
    assert page.count("<h1") == 1
    assert '<h1 class="govuk-heading-xl">My updates</h1>' in page
    assert "My updates for May 2022</h2>" in page and "My updates for Q4 2023/24</h2>" in page
    assert "Updates are open in 2 plans" in page


@pytest.mark.django_db
def test_the_latest_period_pages_open_on_one_that_has_opened_never_an_upcoming_one(
    client, monthly, users
):
    """The dashboard, the register and the reports page's first choice agree on May 2022 (open),
    not a June still to come, where nothing can have been reported."""
    factories.month(monthly.plan, "2022-06", state="upcoming")
    client.force_login(users["performance"])
    slug = monthly.plan.slug
    for name in ("reports:dashboard", "reports:register"):
        assert client.get(reverse(name, args=[slug])).context["period"].code == "2022-05", name
    reports = text(client.get(reverse("reports:reports", args=[slug])))
    assert '<option value="2022-05" selected>' in reports
