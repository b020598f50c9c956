"""load_sandwell against the council's own workbooks, read here independently of the importer."""

from __future__ import annotations

import datetime as dt
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
    Milestone,
    QuarterlyUpdate,
)
from deliverables.models.links import ActionContribution, Recommendation
from deliverables.plan_content import read_written_date
from plans import roles
from plans.models import PeriodState, Plan, ReportingPeriod, StrategicOutcome, Theme, User
from plans.refs import normalise_ref, normalise_title

TRACKER = Path(settings.BASE_DIR) / "fixtures" / "legacy" / "corporate-plan-tracker-2023-24-q3.xlsx"
CORPORATE = "corporate-plan-2021-25"
COUNCIL = "council-plan-2024-30"
IMPROVEMENT = "improvement-plan-2022"
CHILDRENS = "childrens-services-2018-21"


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
            list(ReportingPeriod.objects.order_by("pk").values()),
            list(Milestone.objects.order_by("pk").values()),
            list(Recommendation.objects.order_by("pk").values()),
            list(Recommendation.actions.through.objects.order_by("pk").values()),
            list(ActionContribution.objects.order_by("pk").values()),
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


# The Council Improvement Plan 2022 (seed 002) and the Children's Services Business Plan
# 2018-21 (seed 004). The numbers were counted by hand from the documents: the Improvement
# Plan's delivery-plan tables hold 16, 10, 13, 7, 11 and 6 actions under themes 1 to 6, in
# 7, 5, 5, 3, 5 and 4 workstreams.


@pytest.mark.django_db
def test_loads_the_improvement_plan_as_a_monthly_plan_of_themes_workstreams_and_actions():
    output = load()
    plan = Plan.objects.get(slug=IMPROVEMENT)
    assert plan.is_monthly and plan.name == "Council Improvement Plan 2022"
    assert (plan.outcome_label, plan.theme_label, plan.action_label) == (
        "Theme",
        "Workstream",
        "Action",
    )
    assert list(plan.outcomes.values_list("name", flat=True)) == [
        "Organisational Culture",
        "Corporate Oversight",
        "Strategic Direction",
        "Decision Making",
        "Procurement and Commercial",
        "Partnerships and Relationships",
    ]
    per_theme = [o.themes.count() for o in plan.outcomes.order_by("order")]
    assert per_theme == [7, 5, 5, 3, 5, 4]
    actions = Action.objects.filter(plan=plan)
    assert actions.count() == 63
    assert [actions.filter(ref__startswith=f"IP-{n}.").count() for n in range(1, 7)] == [
        16,
        10,
        13,
        7,
        11,
        6,
    ]
    # Each action sits once, straight under its workstream.
    placements = ActionPlacement.objects.filter(action__plan=plan)
    assert placements.count() == 63
    assert not placements.filter(theme=None).exists()
    assert not placements.filter(deliverable__isnull=False).exists()
    assert Milestone.objects.filter(action__plan=plan).count() == 186
    assert Recommendation.objects.filter(plan=plan).count() == 77
    # April 2022 to March 2023 by month, all upcoming without --demo-users.
    months = plan.periods.chronological()
    assert [p.label for p in months][:2] == ["April 2022", "May 2022"]
    assert months.count() == 12 and months.last().label == "March 2023"
    assert set(months.values_list("state", flat=True)) == {PeriodState.UPCOMING}
    assert (
        "Council Improvement Plan 2022: 6 themes, 29 workstreams, 0 deliverables, 63 actions "
        "(63 placements), 186 milestones, 77 recommendations" in output
    )


@pytest.mark.django_db
def test_an_improvement_plan_action_keeps_its_lead_reference_and_milestones_as_written():
    load()
    action = Action.objects.get(plan__slug=IMPROVEMENT, ref="IP-1.1")
    assert action.title == "Establish the desired organisational culture for Sandwell Council"
    assert action.placements.get().theme.name == "Establishing Organisational Culture"
    assert action.lead_role == "Director – Business Strategy and Change"
    assert action.external_ref == "Grant Thornton Statutory Rec 3"
    assert action.directorate.code == "ACE"
    assert (action.start_date, action.due_date) == (dt.date(2022, 5, 1), dt.date(2022, 12, 31))
    # Four dates in each cell: the action's, then one per milestone.
    milestones = list(action.milestones.all())
    assert [m.title for m in milestones] == [
        "Phase 1 Engagement: Starting the Conversation",
        "Phase 2 Engagement: Determining Desired Culture",
        "Approval of document setting out the desired organisational culture",
    ]
    assert (milestones[0].start_date, milestones[0].due_date) == (
        dt.date(2022, 6, 1),
        dt.date(2022, 7, 31),
    )
    autumn = milestones[2]
    assert (autumn.start_date, autumn.due_date) == (dt.date(2022, 9, 1), dt.date(2022, 11, 30))
    assert "Autumn 2022, read as 1 September 2022" in autumn.date_note
    assert "Autumn 2022, read as 30 November 2022" in autumn.date_note


@pytest.mark.django_db
def test_improvement_plan_dates_the_council_wrote_as_words_keep_their_words():
    load()
    plan_actions = Action.objects.filter(plan__slug=IMPROVEMENT)
    # A range in the start cell: its start, its end as the due date, the words kept.
    phase_one = plan_actions.get(title="Single Improvement Plan Phase 1")
    assert (phase_one.start_date, phase_one.due_date) == (
        dt.date(2022, 3, 1),
        dt.date(2022, 6, 30),
    )
    assert phase_one.date_note == "Start: Mar 2022 - Jun 2022"
    report = phase_one.milestones.get(title="Commissioners Report to Secretary of State")
    assert report.due_date == dt.date(2022, 6, 22) and report.date_note == "Due: by 22 Jun 2022"
    lion_farm = plan_actions.get(ref="IP-5.10")
    assert lion_farm.date_note == "Due: TBC" and lion_farm.due_date is None
    done = lion_farm.milestones.get(title="Brief Cabinet on options")
    assert (done.due_date, done.date_note) == (None, "Due: Complete")
    # A row under the action's row adds its reference and its milestones' dates.
    waste = plan_actions.get(ref="IP-5.1")
    assert waste.external_ref == "Grant Thornton Statutory Rec 1 Grant Thornton Improvement Rec 23"
    assert [(m.due_date, m.date_note) for m in waste.milestones.all()] == [
        (None, "Due: Complete"),
        (dt.date(2022, 8, 31), ""),
    ]


@pytest.mark.django_db
def test_the_improvement_plans_recommendations_come_from_the_references_it_cites():
    load()
    register = Recommendation.objects.filter(plan__slug=IMPROVEMENT)
    officers = Action.objects.get(
        plan__slug=IMPROVEMENT,
        title="Design and deliver Corporate Governance Training for Officers",
    )
    assert officers.external_ref.endswith("CIPFA 1.5, 1.6")
    cipfa = register.filter(body="CIPFA", reference__in=["Rec 1.5", "Rec 1.6"])
    assert cipfa.count() == 2
    for recommendation in cipfa:
        assert officers in recommendation.actions.all()
    # "CIPFA Rec 1.6" elsewhere is the same recommendation, not a second one.
    finance = Action.objects.get(plan__slug=IMPROVEMENT, ref="IP-2.7")
    assert finance.recommendations.filter(body="CIPFA", reference="Rec 1.6").exists()
    key = register.filter(body="Grant Thornton", reference__in=["Key Rec 4", "Key Rec 8"])
    assert key.count() == 2
    assert register.get(body="CIPFA", reference="Rec all").actions.count() == 1
    assert register.get(body="Corporate Peer Challenge", reference="pg 24").actions.count() == 1
    statutory_three = register.get(body="Grant Thornton", reference="Statutory Rec 3")
    assert statutory_three.source == "Value for Money Governance Review, December 2021"
    # Cited by IP-1.1, 1.3, 1.5, 1.7, 1.9 and ("Statutory Rec 2,3") 2.4, and by IP-1.2,
    # whose Reference cell is the one above it, merged across both rows.
    assert sorted(statutory_three.actions.values_list("ref", flat=True)) == [
        "IP-1.1",
        "IP-1.2",
        "IP-1.3",
        "IP-1.5",
        "IP-1.7",
        "IP-1.9",
        "IP-2.4",
    ]
    # The document quotes no recommendation's words, so none is made up.
    assert not register.exclude(text="").exists()


@pytest.mark.django_db
def test_loads_the_childrens_services_plan_under_ambitions_and_priorities():
    output = load()
    plan = Plan.objects.get(slug=CHILDRENS)
    assert not plan.is_monthly
    assert (plan.outcome_label, plan.theme_label) == ("Ambition", "Priority")
    assert plan.outcomes.count() == 10
    assert Theme.objects.filter(outcome__plan=plan).count() == 7
    actions = Action.objects.filter(plan=plan)
    assert actions.count() == 20
    assert set(actions.values_list("directorate__code", flat=True)) == {"CH"}
    # An action the plan lists under three priorities is one action in three places.
    send = actions.get(title__contains="(SEND) reform agenda")
    assert sorted(p.theme.name[:10] for p in send.placements.all()) == [
        "Priority 1",
        "Priority 4",
        "Priority 5",
    ]
    assert ActionPlacement.objects.filter(action__plan=plan).count() == 29
    leadership = actions.get(title="We will develop a confident leadership with one voice")
    assert leadership.description.count("\n- ") == 6  # its seven sub-points
    assert plan.periods.count() == 12
    assert "Children's Services Business Plan 2018-21: 10 ambitions, 7 priorities" in output


@pytest.mark.django_db
def test_childrens_services_actions_serve_the_corporate_plan_deliverables_they_name():
    load()
    links = ActionContribution.objects.filter(action__plan__slug=CHILDRENS)
    assert links.count() == 5
    assert set(links.values_list("deliverable__outcome__plan__slug", flat=True)) == {CORPORATE}
    schools = links.get(action__title__startswith="Increase the proportion of schools")
    assert schools.deliverable.title.startswith("We will provide enough good school places")
    assert normalise_ref(schools.deliverable.ref) == "B3"


@pytest.mark.django_db
def test_the_demo_opens_july_2022_of_the_improvement_plan_for_its_officers():
    output = load("--demo-users", "--not-production")
    plan = Plan.objects.get(slug=IMPROVEMENT)
    [open_month] = plan.periods.filter(state=PeriodState.OPEN)
    assert open_month.label == "July 2022"
    assert "Council Improvement Plan 2022: July 2022 opened for updates" in output
    officer = User.objects.get(username="officer.lg")
    assert Action.objects.filter(plan=plan, lead_officer=officer).count() == 18


@pytest.mark.parametrize(
    "text, end, expected",
    [
        ("May 2022", False, (dt.date(2022, 5, 1), "")),
        ("May 2022", True, (dt.date(2022, 5, 31), "")),
        ("by 22 Jun 2022", True, (dt.date(2022, 6, 22), "by 22 Jun 2022")),
        ("Est. Dec 2022", True, (dt.date(2022, 12, 31), "Est. Dec 2022")),
        (
            "Aug 2022 and then quarterly",
            True,
            (dt.date(2022, 8, 31), "Aug 2022 and then quarterly"),
        ),
        ("Mar 2022 - Jun 2022", False, (dt.date(2022, 3, 1), "Mar 2022 - Jun 2022")),
        ("Mar 2022 - Jun 2022", True, (dt.date(2022, 6, 30), "Mar 2022 - Jun 2022")),
        ("Ongoing", True, (None, "Ongoing")),
        ("Complete", True, (None, "Complete")),
        ("Early 2023", True, (None, "Early 2023")),
        ("", True, (None, "")),
    ],
)
def test_dates_as_written_are_read_where_they_can_be_and_kept_as_words(text, end, expected):
    assert read_written_date(text, end=end) == expected


# The council's document as text (seed 002), kept beside the fixture it was converted into.
SEED = Path(settings.BASE_DIR) / "fixtures" / "sandwell" / "sources" / "improvement-plan-2022.txt"


def test_the_converter_reproduces_the_committed_improvement_plan(tmp_path):
    """The JSON was checked by hand: a fix belongs in devtools/improvement_plan_fixes.py."""
    out = tmp_path / "plan.json"
    call_command("convert_improvement_plan", str(SEED), "--out", str(out), stdout=io.StringIO())
    committed = Path(settings.BASE_DIR) / "fixtures" / "sandwell" / "improvement-plan-2022.json"
    assert out.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8")
