"""load_sandwell against the council's own workbooks, read here independently of the importer."""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command

from deliverables.indicators.readings import quarter_readings
from deliverables.models import (
    Action,
    ActionPlacement,
    Comparator,
    Deliverable,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    QuarterlyUpdate,
)
from plans import roles
from plans.models import Plan, StrategicOutcome, User
from plans.refs import normalise_ref, normalise_title

TRACKER = Path(settings.BASE_DIR) / "fixtures" / "legacy" / "corporate-plan-tracker-2023-24-q3.xlsx"
CORPORATE = "corporate-plan-2021-25"
COUNCIL = "council-plan-2024-30"


def tracker_rows() -> list[dict]:
    """Every action row of the 2023/24 tracker, as a person reading the sheet would see it."""
    book = openpyxl.load_workbook(TRACKER)  # normal mode: a second, independent reader
    rows = []
    for sheet in book.worksheets:
        for number in range(4, sheet.max_row + 1):
            title = sheet.cell(number, 4).value
            if not title:
                continue
            status_cell = sheet.cell(number, 5)
            fill = status_cell.fill.fgColor.rgb if status_cell.fill.fill_type == "solid" else None
            rows.append(
                {
                    "sheet": sheet.title,
                    "row": number,
                    "ref": normalise_ref(sheet.cell(number, 3).value),
                    "title": str(title).strip(),
                    "status": (status_cell.value or "").strip(),
                    "colour": f"#{fill[-6:]}" if fill else None,
                    "commentary": (sheet.cell(number, 6).value or "").strip(),
                }
            )
    return rows


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_sandwell", *args, stdout=out)
    return out.getvalue()


def q3_update(action: Action) -> QuarterlyUpdate:
    return action.updates.get(period__year=2023, period__quarter=3)


@pytest.mark.django_db
def test_loads_the_corporate_plan_with_its_outcomes_deliverables_and_actions():
    output = load()
    plan = Plan.objects.get(slug=CORPORATE)
    outcomes = list(plan.outcomes.values_list("name", flat=True))
    assert outcomes == [
        "The Best Start in Life for Children and Young People",
        "People Live Well and Age Well",
        "Strong Resilient Communities",
        "Quality Homes in Thriving Neighbourhoods",
        "A Connected and Accessible Sandwell",
        "A Strong and Inclusive Economy",
        "One Council One Team",
    ]
    deliverables = Deliverable.objects.filter(outcome__plan=plan)
    actions = Action.objects.filter(plan=plan)
    assert deliverables.count() > 70
    assert actions.exclude(ref_normalised="").values("ref_normalised").distinct().count() > 200
    assert (
        StrategicOutcome.objects.get(plan=plan, name__startswith="The Best Start")
        .themes.filter(name="First 1000 days")
        .exists()
    )
    # The counts are printed.
    assert "Corporate Plan 2021-25: 7 strategic outcomes" in output
    assert f"{deliverables.count()} deliverables, {actions.count()} actions" in output


@pytest.mark.django_db
def test_every_action_row_has_a_q3_update():
    load()
    plan = Plan.objects.get(slug=CORPORATE)
    actions = Action.objects.filter(plan=plan)
    for row in tracker_rows():
        if row["ref"]:
            action = actions.get(ref_normalised=row["ref"])
        else:
            action = next(
                a for a in actions if normalise_title(a.title) == normalise_title(row["title"])
            )
        assert q3_update(action).status is not None, row
    # One update per action: no action without one, none with two.
    assert QuarterlyUpdate.objects.filter(action__plan=plan).count() == actions.count()


@pytest.mark.django_db
def test_statuses_match_the_workbooks_words_and_colours():
    load()
    plan = Plan.objects.get(slug=CORPORATE)
    by_ref: dict[str, list[dict]] = defaultdict(list)
    for row in tracker_rows():
        if row["ref"]:
            by_ref[row["ref"]].append(row)
    checked = 0
    for ref, rows in by_ref.items():
        update = q3_update(Action.objects.get(plan=plan, ref_normalised=ref))
        worded = [r for r in rows if r["status"]]
        if not worded:
            # Blank status, "No update available": the scale's No Update status.
            assert update.status.label == "No Update", ref
            assert all(r["commentary"] in ("", "No update available") for r in rows)
            continue
        first = worded[0]  # one quarter, one update: the first row with a status gives it
        assert update.status.label.casefold() == first["status"].casefold(), ref
        assert update.status.colour.upper() == first["colour"], ref
        checked += 1
    assert checked > 190


@pytest.mark.django_db
def test_blank_status_with_no_update_available_is_no_update():
    load()
    air_quality = Action.objects.get(plan__slug=CORPORATE, ref_normalised="PH20")
    assert q3_update(air_quality).status.label == "No Update"
    # PH6 is blank on one sheet and On Track on another: its quarter has the real status.
    mental_health = Action.objects.get(plan__slug=CORPORATE, ref_normalised="PH6")
    assert q3_update(mental_health).status.label == "On Track"


@pytest.mark.django_db
def test_reference_normalisation_joins_lookalike_and_spaced_references():
    load()
    actions = Action.objects.filter(plan__slug=CORPORATE)
    cyrillic = actions.with_ref("CH9").get()
    assert cyrillic.ref == "СН9"  # shown as entered, in Cyrillic
    assert actions.with_ref("СН9").get() == cyrillic
    spaced = actions.with_ref("ACE27").get()
    assert spaced.ref == "ACE 27"
    # PH.6 on one sheet and РН6 (Cyrillic) on another are the same action.
    assert actions.with_ref("PH.6").get() == actions.with_ref("РН6").get()


@pytest.mark.django_db
def test_one_action_serves_several_deliverables():
    load()
    r8 = Action.objects.get(plan__slug=CORPORATE, ref_normalised="R8")
    refs = {normalise_ref(d.ref) for d in r8.deliverables.all()}
    assert {"H1", "H2", "H5", "H9"} <= refs
    be15 = Action.objects.get(plan__slug=CORPORATE, ref_normalised="BE15")
    assert {"C16", "C17", "C18", "C19"} <= {normalise_ref(d.ref) for d in be15.deliverables.all()}


@pytest.mark.django_db
def test_a_second_run_changes_nothing():
    load("--demo-users", "--not-production")

    def snapshot():
        return (
            list(Plan.objects.order_by("pk").values()),
            list(StrategicOutcome.objects.order_by("pk").values()),
            list(Deliverable.objects.order_by("pk").values()),
            list(Action.objects.order_by("pk").values()),
            list(ActionPlacement.objects.order_by("pk").values()),
            list(QuarterlyUpdate.objects.order_by("pk").values()),
            list(User.objects.order_by("pk").values("username", "password", "last_login")),
            list(Indicator.objects.order_by("pk").values()),
            list(IndicatorTarget.objects.order_by("pk").values()),
            list(IndicatorValue.objects.order_by("pk").values()),
            list(Comparator.objects.order_by("pk").values()),
        )

    before = snapshot()
    output = load("--demo-users", "--not-production")
    assert snapshot() == before
    assert "this run: 0 plan rows created, 0 changed, 0 deliverables placed under themes" in output
    assert "new 0 outcomes, 0 deliverables, 0 actions, 0 updates" in output
    assert (
        "Indicators: 15 indicators (0 new), 3 targets (0 new), 17 values (0 new), "
        "4 comparators (0 new)" in output
    )


@pytest.mark.django_db
def test_loads_the_2024_25_delayed_actions_under_five_themes():
    load()
    plan = Plan.objects.get(slug=COUNCIL)
    updates = QuarterlyUpdate.objects.filter(
        action__plan=plan, period__year=2024, period__quarter=2
    )
    assert updates.count() == 23
    assert set(updates.values_list("status__label", flat=True)) == {"Delayed"}
    per_theme = {
        outcome.name: outcome.placements.count() for outcome in plan.outcomes.order_by("order")
    }
    assert per_theme == {
        "Growing Up in Sandwell": 2,
        "Living in Sandwell": 3,
        "Healthy in Sandwell": 5,
        "Thriving Economy in Sandwell": 8,
        "One Council One Team": 5,
    }
    # Legacy HTML fragments keep their meaning and lose their tags.
    assert not updates.filter(commentary__contains="<").exists()
    assert updates.filter(commentary__contains="1st Nov 2024").exists()


@pytest.mark.django_db
def test_demo_users_cover_every_role_and_lead_their_directorates_actions():
    output = load("--demo-users", "--not-production")
    for role in roles.ROLES:
        assert User.objects.filter(groups__name=role).exists(), role
    officer = User.objects.get(username="officer.ch")
    assert officer.check_password("sandwell-demo-2026")
    assert Action.objects.filter(lead_officer=officer).exists()
    assert not Action.objects.filter(lead_officer=officer).exclude(directorate__code="CH").exists()
    assert "officer.ch" in output and "sandwell-demo-2026" in output


@pytest.mark.django_db
def test_without_the_demo_flag_no_user_is_created():
    load()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_indicators_come_from_the_commentary_of_the_action_they_are_linked_to():
    output = load()
    assert (
        "Indicators: 15 indicators (15 new), 3 targets (3 new), 17 values (17 new), "
        "4 comparators (4 new)" in output
    )
    plan = Plan.objects.get(slug=CORPORATE)
    indicators = Indicator.objects.filter(plan=plan).prefetch_related("actions")
    assert {i.unit for i in indicators} == {"percent", "number", "pounds"}
    assert {i.polarity for i in indicators} == {"higher", "lower", "monitor"}
    assert {i.frequency for i in indicators} == {"quarterly", "annual"}
    for indicator in indicators:
        [action] = indicator.actions.all()
        quote = indicator.description.split("“")[1].rstrip("”.")
        assert indicator.description.startswith("From the Q3 2023/24 commentary of ")
        # The figure is the council's own words, in the commentary it is linked to.
        assert quote in q3_update(action).commentary, indicator.code
        assert indicator.directorate is not None, indicator.code
    values = IndicatorValue.objects.filter(indicator__plan=plan)
    assert set(values.values_list("state", "source").distinct()) == {("approved", "imported")}
    birth = indicators.get(code="PH8-01")
    assert [(c.kind, c.area, c.value) for c in birth.comparators.all()] == [
        ("national", "England", Decimal("97.6"))
    ]


@pytest.mark.django_db
def test_indicators_read_for_the_quarter_the_commentary_was_written_in():
    load("--demo-users", "--not-production")
    plan = Plan.objects.get(slug=CORPORATE)
    viewer = User.objects.get(username="viewer")
    q3 = {
        r.indicator.code: r
        for r in quarter_readings(plan, plan.periods.get(year=2023, quarter=3), viewer)
    }
    assert q3["PH8-01"].value_text == "97.9%"
    assert [c.area for c in q3["PH2-01"].comparators] == ["England", "West Midlands"]
    # 1,796 health checks against a year-to-date target of three quarters of 6,000.
    assert (q3["PH5-01"].value_text, q3["PH5-01"].target_text, q3["PH5-01"].rag) == (
        "1,796",
        "4,500",
        "red",
    )
    assert (q3["PH5-02"].rag, q3["PH18-01"].rag) == ("green", "green")
    assert q3["CH14-01"].direction == "worsening"  # NEET care leavers 47.1% to 56.3%
    assert q3["F1-01"].direction_year == "improving"  # fewer calls than Q3 last year


@pytest.mark.django_db
def test_the_demo_lead_officer_has_indicators_to_enter_in_the_open_quarter():
    load("--demo-users", "--not-production")
    officer = User.objects.get(username="officer.ch")
    mine = Indicator.objects.owned_by(officer)
    assert mine.count() >= 2
    assert all(i.directorate.code == "CH" for i in mine)
    q4 = Plan.objects.get(slug=CORPORATE).periods.get(year=2023, quarter=4)
    assert q4.state == "open"
    assert not IndicatorValue.objects.filter(indicator__in=mine, year=2023, point=4).exists()
