"""Every page a signed-in user reaches fits a 390 px phone: nothing scrolls sideways.

Each role signs in once, in a browser the width of a phone, and visits the pages it can
reach; `audit` (tests/browser/conftest.py) fails if a page is wider than the window, then
runs axe on it. The data is Sandwell's, plus two submitted updates whose commentary is a long
URL and a long reference, the words that cannot break at a space.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from deliverables import services
from deliverables.models import Action
from deliverables.tracker.services import tracker_preview
from plans.models import Plan, User
from reports.services import report_start
from tests import factories
from tests.browser.conftest import PHONE

PASSWORD = "sandwell-demo-2026"
PLAN = "corporate-plan-2021-25"
TRACKER = (
    Path(settings.BASE_DIR) / "fixtures" / "legacy" / "ad-business-plan-red-actions-2024-25-q2.xlsx"
)
LONG_WORDS = (
    "See https://www.sandwell.gov.uk/downloads/file/12345/"
    "send-sufficiency-strategy-2023-2026-consultation-response-summary-final-version.pdf "
    "and CH6/SEND/2023-24/Q4/PLACE-PLANNING-SUFFICIENCY-REVIEW-APPENDIX."
)
# Open every <details> first: a closed one's words take no room until a reader opens it.
OPEN_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


def submit_long_updates(plan: Plan) -> list:
    """officer.ch submits two Q4 updates in words that cannot break at a space."""
    officer = User.objects.get(username="officer.ch")
    q4 = plan.periods.get(year=2023, quarter=4)
    red = factories.status(plan, "Significant issues/risks/slippage")
    return [
        services.update_save(
            officer, action, q4, status=red, commentary=LONG_WORDS, expected_version=0, submit=True
        )
        for action in Action.objects.filter(plan=plan, lead_officer=officer).order_by("pk")[:2]
    ]


@pytest.mark.django_db(transaction=True)
def test_every_page_fits_a_phone(browser, live_server, sandwell, sign_in, audit):
    plan = Plan.objects.get(slug=PLAN)
    waiting = submit_long_updates(plan)
    action = waiting[0].action
    report = report_start(
        User.objects.get(username="performance"), plan.periods.get(year=2023, quarter=3)
    )
    preview = tracker_preview(
        User.objects.get(username="admin"),
        Plan.objects.get(slug="council-plan-2024-30"),
        "2024-25-Q2",
        TRACKER.read_bytes(),
        TRACKER.name,
    )
    outcome = plan.outcomes.get(name__startswith="The Best Start")

    def phone(username: str | None):
        page = browser.new_context(viewport=PHONE).new_page()
        if username:
            sign_in(page, username, PASSWORD)
        return page

    def visit(page, path: str) -> None:
        page.goto(f"{live_server.url}{path}")
        page.evaluate(OPEN_DETAILS)
        audit(page)

    visit(phone(None), reverse("login"))

    officer = phone("officer.ch")
    for path in [
        reverse("deliverables:my_updates"),
        reverse("deliverables:update", args=[PLAN, "2023-24-Q4", action.pk]),
        reverse("deliverables:action", args=[PLAN, action.pk]),
        reverse("deliverables:quarters_index"),
    ]:
        visit(officer, path)
    expect(officer.get_by_role("heading", level=1)).to_have_text("You cannot do that")

    approver = phone("ad.ch")
    for path in [
        reverse("deliverables:review_index"),
        reverse("deliverables:review", args=[PLAN, "2023-24-Q4"]),
        reverse("deliverables:return", args=[waiting[0].pk]),
    ]:
        visit(approver, path)

    team = phone("performance")
    plan_page = reverse("deliverables:plan", args=[PLAN])
    dashboard = reverse("reports:dashboard", args=[PLAN])
    register = reverse("reports:register", args=[PLAN])
    for path in [
        reverse("home"),
        reverse("counting"),
        f"{plan_page}?period=2023-24-Q4",
        reverse("deliverables:outcome", args=[PLAN, outcome.pk]),
        reverse("deliverables:action", args=[PLAN, action.pk]),
        reverse("deliverables:quarters_index"),
        reverse("deliverables:quarters", args=[PLAN]),
        reverse("deliverables:reassign", args=[PLAN]),
        f"{dashboard}?period=2023-24-Q4",
        f"{register}?period=2023-24-Q4",
        f"{register}?period=2023-24-Q4&rag=red&q=sandwell",
        reverse("reports:reports", args=[PLAN]),
        reverse("reports:report", args=[report.pk]),
        reverse("reports:report_edit", args=[report.pk]),
        "/plans/no-such-plan/",
        reverse("deliverables:quarter_close", args=[PLAN, "2023-24-Q4"]),
        reverse("deliverables:quarter_chase", args=[PLAN, "2023-24-Q4"]),
        reverse("deliverables:people", args=[PLAN]),
        reverse("account"),
        reverse("deliverables:quarter", args=[PLAN, "2023-24-Q4"]),
    ]:
        visit(team, path)
    expect(team.get_by_role("link", name="Close Q4 2023/24")).to_be_visible()
    visit(team, reverse("deliverables:quarter", args=[PLAN, "2023-24-Q3"]))
    # The reopen form, refused for want of a reason: its error message fits too.
    team.get_by_role("button", name="Reopen Q3 2023/24").click()
    expect(team.get_by_role("alert")).to_contain_text("Give the reason")
    audit(team)

    admin = phone("admin")
    for path in [
        reverse("deliverables:imports"),
        reverse("deliverables:import_new"),
        reverse("deliverables:import", args=[preview.pk]),
    ]:
        visit(admin, path)
