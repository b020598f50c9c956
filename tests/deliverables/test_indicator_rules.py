"""The indicator rules (deliverables.indicators.rag and points), each case the issue lists, and
the same rules against a plain-Python reference model written here from README "How
indicators are rated", over random figures; then quarter_readings against the same model over
random indicators, values and states, for a viewer, the owner's approver and the performance
team."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliverables.indicators import points as pts
from deliverables.indicators import rag
from deliverables.indicators.readings import AWAITING, MISSING, NOT_YET, quarter_readings
from tests import factories

D = Decimal
EXAMPLES = 60

# -- the reference model ------------------------------------------------------------------------


def ref_target(annual, profile: dict, point: int, points: int, cumulative: bool):
    """Rule 1: a profiled point's own target; else the annual target, which a year-to-date
    indicator reaches in equal steps (its share after `point` of `points` steps)."""
    if point in profile:
        return Fraction(profile[point])
    if annual is None:
        return None
    if cumulative:
        return sum((Fraction(annual) / points for _ in range(point)), Fraction(0))
    return Fraction(annual)


def ref_rag(value, target, polarity: str, kind: str, tolerance) -> str:
    """Rules 2 and 3, as bands: green from the target on the good side, amber for the
    tolerance beyond it, red further off."""
    if value is None:
        return "missing"
    if polarity == "monitor" or target is None:
        return "grey"
    value, target = Fraction(value), Fraction(target)
    width = Fraction(tolerance) if kind == "absolute" else abs(target) * Fraction(tolerance) / 100
    good = 1 if polarity == "higher" else -1  # which way is better
    if good * (value - target) >= 0:
        return "green"
    if good * (value - target) >= -width:
        return "amber"
    return "red"


def ref_direction(now, before, polarity: str):
    """Rule 4 for two figures."""
    if now is None or before is None:
        return None
    if now == before:
        return "no change"
    if polarity == "monitor":
        return "up" if now > before else "down"
    better = now > before if polarity == "higher" else now < before
    return "improving" if better else "worsening"


def ref_quartile(value, others: list, polarity: str):
    """Rule 5: line the council and the comparator councils up best first (the council ahead
    of any it ties with); the quarter of the line it stands in."""
    if value is None or polarity == "monitor" or len(others) < 4:
        return None
    line = sorted(others, reverse=polarity == "higher")
    position = next(
        (i for i, o in enumerate(line) if (o <= value if polarity == "higher" else o >= value)),
        len(line),
    )
    count = len(others) + 1
    for quarter in (1, 2, 3, 4):
        if Fraction(position, count) < Fraction(quarter, 4):
            return quarter
    return 4


def shown(figure):
    """A figure as the pages show it: to two places (the random indicator's decimals), half
    away from zero."""
    if figure is None:
        return None
    scaled = Fraction(figure) * 100
    whole = int(abs(scaled) + Fraction(1, 2))
    return Fraction(whole if scaled >= 0 else -whole, 100)


def close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return abs(Fraction(a) - Fraction(b)) < Fraction(1, 10**18)


# -- what hypothesis draws -------------------------------------------------------------------

amounts = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False)
positive = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)
polarities = st.sampled_from(["higher", "lower", "monitor"])
kinds = st.sampled_from(["absolute", "percent"])
tolerances = st.decimals(min_value=0, max_value=50, places=1, allow_nan=False)
frequencies = st.sampled_from(["monthly", "quarterly", "annual"])


@st.composite
def targets(draw):
    frequency = draw(frequencies)
    n = pts.points_in_year(frequency)
    point = draw(st.integers(1, n))
    annual = draw(st.none() | positive)
    profile = draw(st.dictionaries(st.integers(1, n), positive, max_size=n))
    return annual, profile, point, n, draw(st.booleans())


@settings(max_examples=EXAMPLES, deadline=None)
@given(targets())
def test_a_points_target_is_the_reference_models(drawn):
    annual, profile, point, n, cumulative = drawn
    got = rag.target_for(annual, profile, point, n, cumulative)
    assert close(got, ref_target(annual, profile, point, n, cumulative and n > 1))


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.none() | amounts, st.none() | amounts, polarities, kinds, tolerances)
def test_the_rag_of_any_value_is_the_reference_models(value, target, polarity, kind, tolerance):
    assert rag.rag_of(value, target, polarity, kind, tolerance) == ref_rag(
        value, target, polarity, kind, tolerance
    )


def rag_from_words(text: str, value) -> str:
    """What the rule in words says a shown figure is: green past the first figure, amber up to
    the second (when there is one), red beyond."""
    edges = [D(n.replace(",", "")) for n in re.findall(r"-?[\d,]+\.?\d*", text)]
    higher = "or more" in text
    beyond = (lambda a, b: a >= b) if higher else (lambda a, b: a <= b)
    if beyond(value, edges[0]):
        return "green"
    if len(edges) > 1 and beyond(value, edges[1]):
        return "amber"
    return "red"


@settings(max_examples=EXAMPLES, deadline=None)
@given(amounts, amounts, polarities, kinds, tolerances, st.sampled_from([0, 1, 2]))
def test_the_rule_written_beside_a_value_says_what_its_rag_is(
    value, target, polarity, kind, tol, decimals
):
    """The words agree with the colour for every figure as shown, at both edges: the page
    rates shown figures against the shown target (readings.figures), and prints its edges."""
    text = rag.rule_text(target, polarity, kind, tol, decimals)
    shown = rag.as_shown(value, decimals)
    found = rag.rag_of(shown, rag.as_shown(target, decimals), polarity, kind, tol)
    if polarity == "monitor":
        assert (text, found) == ("Monitoring only: not rated", "grey")
        return
    assert rag.fmt(target, decimals) in text
    assert found == rag_from_words(text, shown), text
    # And at the printed edges themselves, and one shown step past each.
    step = D(1).scaleb(-decimals) * (1 if polarity == "higher" else -1)
    for edge in [D(n.replace(",", "")) for n in re.findall(r"-?[\d,]+\.?\d*", text)]:
        for figure in (edge, edge - step):
            rated = rag.rag_of(figure, rag.as_shown(target, decimals), polarity, kind, tol)
            assert rated == rag_from_words(text, figure), (text, figure)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.none() | amounts, st.none() | amounts, polarities)
def test_direction_is_by_polarity_not_by_sign(now, before, polarity):
    assert rag.direction(now, before, polarity) == ref_direction(now, before, polarity)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(positive, min_size=2, max_size=12), polarities)
def test_a_cumulative_indicator_is_compared_by_what_each_period_added(added, polarity):
    """Year-to-date figures built from amounts: each point's own amount is the amount added,
    and the direction of two points is the reference direction of their amounts."""
    to_date, running = [], D(0)
    for amount in added:
        running += amount
        to_date.append(running)
    for point in range(1, len(added) + 1):
        earlier = to_date[point - 2] if point > 1 else None
        assert rag.own_amount(to_date[point - 1], earlier, point == 1) == added[point - 1]
    assert rag.direction(added[-1], added[-2], polarity) == ref_direction(
        added[-1], added[-2], polarity
    )


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.none() | amounts, st.lists(amounts, max_size=9), polarities)
def test_the_quartile_is_the_reference_models(value, others, polarity):
    assert rag.quartile(value, others, polarity) == ref_quartile(value, others, polarity)


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    amounts,
    amounts,
    st.lists(amounts, min_size=4, max_size=9),
    st.sampled_from(["higher", "lower"]),
)
def test_a_better_value_is_never_in_a_worse_quartile(one, two, others, polarity):
    better, worse = sorted([one, two], reverse=polarity == "higher")
    assert rag.quartile(better, others, polarity) <= rag.quartile(worse, others, polarity)


# -- each case the issue lists, by hand ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "polarity", "kind", "tolerance", "expected"),
    [
        # higher is better, target 95: 5% of it is 4.75, so amber down to 90.25
        ("95", "higher", "percent", "5", "green"),
        ("99", "higher", "percent", "5", "green"),
        ("90.25", "higher", "percent", "5", "amber"),
        ("90.24", "higher", "percent", "5", "red"),
        ("94.99", "higher", "percent", "0", "red"),
        # lower is better, target 95, absolute tolerance 3: amber up to 98
        ("95", "lower", "absolute", "3", "green"),
        ("10", "lower", "absolute", "3", "green"),
        ("98", "lower", "absolute", "3", "amber"),
        ("98.01", "lower", "absolute", "3", "red"),
        ("95.01", "lower", "absolute", "0", "red"),
        ("1", "monitor", "absolute", "3", "grey"),
    ],
)
def test_rag_for_both_polarities_and_tolerance_kinds(value, polarity, kind, tolerance, expected):
    assert rag.rag_of(D(value), D(95), polarity, kind, D(tolerance)) == expected


def test_a_missing_value_is_missing_never_zero_and_no_target_is_grey():
    assert rag.rag_of(None, D(95), "higher", "percent", D(5)) == "missing"
    assert rag.rag_of(None, None, "monitor", "percent", D(5)) == "missing"
    assert rag.rag_of(D(0), D(95), "higher", "percent", D(5)) == "red"  # a real zero is rated
    assert rag.rag_of(D(50), None, "higher", "percent", D(5)) == "grey"
    assert rag.rule_text(None, "higher", "percent", D(5), 0) == "No target set: not rated"
    assert rag.direction(None, D(3), "higher") is None


def test_cumulative_targets_spread_the_year_and_a_profile_wins():
    # 6,000 health checks a year, reported quarterly: 4,500 by Q3.
    assert rag.target_for(D(6000), {}, 3, 4, True) == D(4500)
    assert rag.target_for(D(6000), {}, 3, 4, False) == D(6000)  # a snapshot: the year's
    assert rag.target_for(D(1200), {}, 1, 12, True) == D(100)
    assert rag.target_for(D(6000), {}, 1, 1, True) == D(6000)  # an annual one: the year
    # A seasonal profile: Q3's own target, whatever the annual one says.
    assert rag.target_for(D(6000), {3: D(4000)}, 3, 4, True) == D(4000)
    assert rag.target_for(None, {2: D(50)}, 2, 4, False) == D(50)
    assert rag.target_for(None, {2: D(50)}, 3, 4, False) is None


def test_direction_for_each_polarity_and_for_year_to_date_figures():
    assert rag.direction(D(98), D(96), "higher") == "improving"
    assert rag.direction(D(98), D(96), "lower") == "worsening"
    assert rag.direction(D(21), D(23), "lower") == "improving"
    assert rag.direction(D(5), D(5), "higher") == "no change"
    assert rag.direction(D(5), D(4), "monitor") == "up"
    # 1,000 by Q2 after 600 in Q1 added 400; 1,300 by Q3 added 300: fewer, so worsening,
    # though the year to date rose.
    q2, q3 = rag.own_amount(D(1000), D(600), False), rag.own_amount(D(1300), D(1000), False)
    assert (q2, q3) == (D(400), D(300))
    assert rag.direction(q3, q2, "higher") == "worsening"
    assert rag.own_amount(D(600), None, True) == D(600)
    assert rag.own_amount(D(1300), None, False) is None  # Q2 missing: no amount for Q3


def test_the_rule_in_words():
    assert (
        rag.rule_text(D(95), "higher", "percent", D(5), 1, "percent")
        == "Green at 95.0% or more; amber from 90.3%; red below that"
    )
    assert (
        rag.rule_text(D(13), "lower", "absolute", D(0), 0, "percent")
        == "Green at 13% or less; red above"
    )
    assert rag.rule_text(D(3), "monitor", "absolute", D(1), 0) == "Monitoring only: not rated"
    assert rag.fmt(D("-1250"), 0, "pounds") == "-£1,250"
    assert rag.fmt(D("12.05"), 1, "rate1000") == "12.1 per 1,000"
    assert rag.fmt(D("3.5"), 1, "days") == "3.5 days"


def test_quartiles_need_four_comparators_and_rank_by_polarity():
    councils = [D(10), D(20), D(30), D(40)]
    assert rag.quartile(D(45), councils, "higher") == 1
    assert rag.quartile(D(5), councils, "higher") == 4
    assert rag.quartile(D(5), councils, "lower") == 1
    assert rag.quartile(D(25), councils, "higher") == 2
    assert rag.quartile(D(45), councils[:3], "higher") is None
    assert rag.quartile(D(45), councils, "monitor") is None


# -- the points of a year ------------------------------------------------------------------------


def test_points_labels_and_codes():
    assert pts.point_label("monthly", 2023, 1) == "April 2023"
    assert pts.point_label("monthly", 2023, 9) == "December 2023"
    assert pts.point_label("monthly", 2023, 10) == "January 2024"
    assert pts.point_label("monthly", 2023, 12) == "March 2024"
    assert pts.point_label("quarterly", 2023, 3) == "Q3 2023/24"
    assert pts.point_label("annual", 2023, 1) == "2023/24"
    assert pts.point_label("annual", 1999, 1) == "1999/00"
    assert pts.point_code("monthly", 2023, 10) == "2024-01"
    assert pts.point_code("quarterly", 2023, 4) == "2023-24-Q4"
    assert pts.point_code("annual", 2023, 1) == "2023-24"


def test_calendar_months_across_the_year_end():
    assert [pts.calendar_month(2023, p) for p in (1, 9, 10, 12)] == [
        (2023, 4),
        (2023, 12),
        (2024, 1),
        (2024, 3),
    ]
    assert pts.point_of_month(2024, 1) == (2023, 10)
    assert pts.point_of_month(2024, 4) == (2024, 1)
    assert pts.point_end("monthly", 2023, 11) == dt.date(2024, 2, 29)  # a leap year
    assert pts.point_end("quarterly", 2023, 3) == dt.date(2023, 12, 31)
    assert pts.point_end("annual", 2023, 1) == dt.date(2024, 3, 31)


def test_quarters_and_the_point_a_quarter_is_read_from():
    assert [pts.quarter_of("monthly", p) for p in (1, 3, 4, 9, 10, 12)] == [1, 1, 2, 3, 4, 4]
    assert pts.quarter_of("quarterly", 2) == 2
    assert pts.quarter_of("annual", 1) == 4
    assert pts.points_in_quarter("monthly", 4) == [10, 11, 12]
    assert pts.points_in_quarter("annual", 3) == []
    assert pts.points_in_quarter("annual", 4) == [1]
    assert pts.point_for_quarter("monthly", 2023, 3) == (2023, 9)
    assert pts.point_for_quarter("quarterly", 2023, 3) == (2023, 3)
    assert pts.point_for_quarter("annual", 2023, 4) == (2023, 1)
    assert pts.point_for_quarter("annual", 2023, 2) == (2022, 1)  # last year's, until Q4
    assert pts.previous_point("monthly", 2023, 1) == (2022, 12)
    assert pts.previous_point("quarterly", 2023, 1) == (2022, 4)


@pytest.mark.parametrize(
    ("text", "frequency", "expected"),
    [
        ("2023-04", "monthly", (2023, 1)),
        ("2024-01", "monthly", (2023, 10)),
        ("2024-3", "monthly", (2023, 12)),
        ("Apr 2023", "monthly", (2023, 1)),
        ("April-23", "monthly", (2023, 1)),
        ("  january   2024 ", "monthly", (2023, 10)),
        ("Sept 2023", "monthly", None),
        ("Sep 2023", "monthly", (2023, 6)),
        ("2023-24-Q3", "quarterly", (2023, 3)),
        ("Q3 2023/24", "quarterly", (2023, 3)),
        ("q3 2023/2024", "quarterly", (2023, 3)),
        ("2023-12", "quarterly", (2023, 3)),  # a quarter's last month is its quarter
        ("2023-11", "quarterly", None),
        ("2023-24", "annual", (2023, 1)),
        ("2023/24", "annual", (2023, 1)),
        ("2023/2024", "annual", (2023, 1)),
        ("2010-11", "annual", (2010, 1)),  # a year, though it looks like November 2010
        ("2011-12", "annual", (2011, 1)),
        ("2010-11", "monthly", (2010, 8)),  # and November 2010 for a monthly indicator
        ("Mar 2024", "annual", (2023, 1)),
        ("2023-24-Q4", "annual", (2023, 1)),
        ("2023-24-Q2", "annual", None),
        ("2023-24", "quarterly", None),
        ("2023/25", "annual", None),
        ("", "monthly", None),
        ("last year", "annual", None),
    ],
)
def test_parse_point_reads_the_forms_files_and_people_write(text, frequency, expected):
    if expected is None:
        with pytest.raises(ValueError, match=r"month|quarter|year"):
            pts.parse_point(text, frequency)
    else:
        assert pts.parse_point(text, frequency) == expected


@st.composite
def points_drawn(draw):
    frequency = draw(frequencies)
    return (
        frequency,
        draw(st.integers(1990, 2090)),
        draw(st.integers(1, pts.points_in_year(frequency))),
    )


@settings(max_examples=EXAMPLES, deadline=None)
@given(points_drawn())
def test_every_point_reads_back_from_its_code_and_its_label(drawn):
    frequency, year, point = drawn
    assert pts.parse_point(pts.point_code(frequency, year, point), frequency) == (year, point)
    assert pts.parse_point(pts.point_label(frequency, year, point), frequency) == (year, point)
    quarter = pts.quarter_of(frequency, point)
    assert point in pts.points_in_quarter(frequency, quarter)
    end = pts.point_end(frequency, year, point)
    assert dt.date(year, 4, 1) <= end <= dt.date(year + 1, 3, 31)


# -- quarter_readings against the model, over random worlds --------------------------------------

STATES = ["approved", "submitted", "draft", "returned", None]


@st.composite
def worlds(draw):
    frequency = draw(frequencies)
    n = pts.points_in_year(frequency)
    cumulative = draw(st.booleans()) and n > 1
    # Values for the year asked about (2023) and the one before, each in a random state.
    values = {}
    for year in (2022, 2023):
        for point in range(1, n + 1):
            state = draw(st.sampled_from(STATES))
            if state is not None:
                values[(year, point)] = (state, draw(positive))
    return {
        "frequency": frequency,
        "cumulative": cumulative,
        "polarity": draw(polarities),
        "kind": draw(kinds),
        "tolerance": draw(tolerances),
        "annual": draw(st.none() | positive),
        "profile": draw(st.dictionaries(st.integers(1, n), positive, max_size=2)),
        "values": values,
        "quarter": draw(st.sampled_from([3, 4])),  # Q3 closed, Q4 open
        "owned": draw(st.booleans()),
    }


def reference_reading(world: dict, sees_work: bool, locked: bool) -> dict:
    """What a reader should be shown, from the rules alone."""
    frequency, quarter = world["frequency"], world["quarter"]
    year, point = pts.point_for_quarter(frequency, 2023, quarter)

    def counted(at):
        state, value = world["values"].get(at, (None, None))
        return value if state == "approved" or (state == "submitted" and sees_work) else None

    state = world["values"].get((year, point), (None, None))[0]
    value = counted((year, point))
    awaiting = state == "submitted" and not sees_work
    n = pts.points_in_year(frequency)
    annual = world["annual"] if year == 2023 else None
    profile = world["profile"] if year == 2023 else {}
    target = ref_target(annual, profile, point, n, world["cumulative"])
    text = "figure"
    if value is None:
        text = AWAITING if awaiting else (MISSING if locked or year < 2023 else NOT_YET)
    previous = pts.previous_point(frequency, year, point)
    if world["cumulative"]:

        def amount(at):
            now = counted(at)
            if now is None:
                return None
            if at[1] == 1:
                return now
            earlier = counted((at[0], at[1] - 1))
            return None if earlier is None else now - earlier

        direction = ref_direction(amount((year, point)), amount(previous), world["polarity"])
    else:
        direction = ref_direction(value, counted(previous), world["polarity"])
    return {
        "year": year,
        "point": point,
        "value": value,
        "text": text,
        # Rated as shown: the random indicator shows two places.
        "rag": ref_rag(value, shown(target), world["polarity"], world["kind"], world["tolerance"]),
        "target": target,
        "direction": direction,
    }


def build(world: dict, cycle, code: str = "RANDOM"):
    indicator = factories.indicator(
        cycle.plan,
        code,
        f"A random indicator {code}",
        unit="number",
        decimals=2,
        polarity=world["polarity"],
        frequency=world["frequency"],
        cumulative=world["cumulative"],
        tolerance_kind=world["kind"],
        tolerance=world["tolerance"],
        owner=cycle.officer if world["owned"] else None,
        directorate=cycle.ch6.directorate,
        target=world["annual"],
    )
    for point, value in world["profile"].items():
        indicator.targets.create(year=2023, point=point, value=value)
    for (year, point), (state, value) in world["values"].items():
        factories.indicator_value(indicator, year, point, value, state=state)
    return indicator


@pytest.mark.django_db
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds())
def test_quarter_readings_agree_with_the_reference_for_each_reader(world, cycle):
    period = cycle.q3 if world["quarter"] == 3 else cycle.q4
    with transaction.atomic():
        indicator = build(world, cycle)
        # The viewer never sees work in progress; the approver of the indicator's directorate
        # and the performance team always do.
        for user, sees_work in [
            (cycle.viewer, False),
            (cycle.approver, True),
            (cycle.performance, True),
        ]:
            user.__dict__.pop("_work_scope", None)
            [reading] = quarter_readings(cycle.plan, period, user, indicators=[indicator])
            want = reference_reading(world, sees_work, period.is_locked)
            assert (reading.year, reading.point) == (want["year"], want["point"])
            assert reading.value == want["value"], user
            if want["text"] != "figure":
                assert reading.value_text == want["text"], user
            assert reading.rag == want["rag"], user
            assert close(reading.target, want["target"])
            assert reading.direction == want["direction"], user
        transaction.set_rollback(True)
